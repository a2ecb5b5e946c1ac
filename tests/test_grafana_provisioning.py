"""A dashboard's ConfigMap is what PyYAML writes of it, to the byte, whether its JSON is put in
as a literal block kgen indents itself or written by PyYAML."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from generator import loader
from generator.project import GrafanaProvisioningSettings
from generator.render import to_yaml
from generator.targets.grafana_provisioning import _literal_as_is, configmap, configmap_yaml
from tests.support import SPECS

SPEC = next(spec for spec in loader.load(SPECS) if spec.integration.dashboards)
SETTINGS = (GrafanaProvisioningSettings(),
            GrafanaProvisioningSettings(namespace="monitoring", folder="Ops",
                                        labels={"team": "sre"}))
TRICKY = " \n\t\r{}\":,-#|>'aZ0µé·\x7f\x85\xa0\u2028\u2029\ufeff\ufffe\uffff\ue000😀"
"""Characters libyaml writes as they are in a literal block and those it does not."""


def by_pyyaml(text: bytes, settings: GrafanaProvisioningSettings, slug: str) -> bytes:
    return to_yaml(configmap(SPEC, slug, text.decode("utf-8"), settings), SPEC.source)


@given(st.text(alphabet=TRICKY, max_size=40), st.sampled_from(SETTINGS),
       st.sampled_from(["overview", "x" * 140]))
@example('{\n  "a": "µ"\n}\n', SETTINGS[0], "overview")
@example('{\n  "a": "\u2028"\n}\n', SETTINGS[0], "overview")
@example('{\n  "a": 1 \n}\n', SETTINGS[0], "overview")
@example('{\n\n}\n', SETTINGS[0], "overview")
@example(' {\n}\n', SETTINGS[0], "overview")
@example('{\n}\n\n', SETTINGS[0], "overview")
@example('{\n}', SETTINGS[0], "overview")
def test_a_configmap_is_what_pyyaml_writes(text: str, settings: GrafanaProvisioningSettings,
                                           slug: str) -> None:
    data = text.encode("utf-8")
    assert configmap_yaml(SPEC, slug, data, settings) == by_pyyaml(data, settings, slug)


def test_a_shipped_dashboard_is_put_in_as_its_literal_block(built: dict[str, bytes]) -> None:
    """The shortcut is taken for the dashboards kgen writes (so it cannot silently go)."""
    boards = {path: data for path, data in built.items()
              if path.startswith("grafana/dashboards/")}
    assert boards
    for path, data in boards.items():
        assert _literal_as_is(data), path
        slug = path.removeprefix(f"grafana/dashboards/{SPEC.name}-").removesuffix(".json")
        if slug != path:
            for settings in SETTINGS:
                assert configmap_yaml(SPEC, slug, data, settings) == by_pyyaml(
                    data, settings, slug)


def test_a_dashboard_that_is_not_utf8_is_refused_as_before() -> None:
    for data in (b"{\n  \"a\": \"\xc2A\"\n}\n", b"{\xed\xa0\x80}\n", b"{\xff}\n"):
        with pytest.raises(UnicodeDecodeError):
            configmap_yaml(SPEC, "overview", data, SETTINGS[0])
