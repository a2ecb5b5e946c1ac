"""The generated reference pages: every runbook_url lands on a section with all four runbook
parts, and the catalog, knobs and alerts on the page are the ones the build used."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.build import build, load_specs
from generator.project import Project
from tests.support import SPECS

INTEGRATIONS = ("calico", "etcd")
PARTS = ("Meaning", "Impact", "Diagnosis", "Mitigation")


def anchors(page: str) -> set[str]:
    """GitHub's anchors for the page's headings (lower case, spaces to dashes, punctuation out)."""
    headings = re.findall(r"^#{1,6} (.+)$", page, re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def section(page: str, name: str) -> str:
    start = page.index(f"\n### {name}\n")
    end = page.find("\n### ", start + 1)
    return page[start:end if end != -1 else None]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    files = build(SPECS, ("docs",))
    return {name: files[f"docs/{name}.md"].decode() for name in INTEGRATIONS}


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_every_runbook_url_lands_on_a_full_runbook(pages: dict[str, str],
                                                   integration: str) -> None:
    page = pages[integration]
    (spec,) = [s for s in load_specs(Project(specs_dir=SPECS)) if s.name == integration]
    assert spec.integration.alerts
    for alert in spec.integration.alerts:
        url = urlparse(alert.runbook_url)
        assert url.path.endswith(f"docs/{integration}.md"), alert.runbook_url
        assert url.fragment in anchors(page), alert.runbook_url
        text = section(page, alert.name)
        assert alert.runbook is not None
        for part in PARTS:
            assert f"#### {part}\n\n" in text, (alert.name, part)
        assert alert.runbook.diagnosis.split(".")[0] in text
        assert f"**{alert.severity}** after {alert.for_}" in text


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_catalog_and_knobs_are_on_the_page(pages: dict[str, str], integration: str) -> None:
    page = pages[integration]
    (spec,) = [s for s in load_specs(Project(specs_dir=SPECS)) if s.name == integration]
    for metric in spec.integration.metrics:
        assert f"| `{metric.name}` | {metric.type} | {metric.unit} |" in page
    for name in type(spec.config).model_fields:
        assert f"| `{name}` |" in page
    for board in spec.integration.dashboards:
        for row in board.rows:
            for panel in row.panels:
                assert f"| {panel.title} | {panel.unit} |" in page


def test_a_config_change_shows_on_the_page() -> None:
    files = build(SPECS, ("docs",), {"calico": {"error_for": "30m"}})
    page = files["docs/calico.md"].decode()
    assert "| `error_for` | str | `15m` | `30m` |" in page
    assert "**warning** after 30m" in section(page, "CalicoIpsetErrors")
    assert "after 15m" not in section(page, "CalicoIpsetErrors")


def test_tiers_share_one_section_with_both_thresholds(pages: dict[str, str]) -> None:
    text = section(pages["etcd"], "etcdHighFsyncDurations")
    assert "**warning** after 10m" in text and "**critical** after 10m" in text
    assert "> 0.5\n" in text and "> 1\n" in text
    assert pages["etcd"].count("\n### etcdHighFsyncDurations\n") == 1


def test_pages_are_deterministic(pages: dict[str, str]) -> None:
    again = build(SPECS, ("docs",))
    assert {name: again[f"docs/{name}.md"].decode() for name in INTEGRATIONS} == pages


def test_a_knob_of_a_union_or_annotated_type_is_named_by_its_types(tmp_path: Path) -> None:
    """Never by an object's repr: `tuple[Duration, ...] | None` printed a validator's function
    with its memory address, so the page changed from run to run."""
    specs = tmp_path / "specs"
    specs.mkdir()
    source = (SPECS / "calico.py").read_text(encoding="utf-8")
    anchor = "    selector: str = 'job=~\"calico-node.*|calico-(kube-)?controllers?.*\"'\n"
    assert anchor in source
    (specs / "calico.py").write_text(source.replace(anchor, (
        "    extra_windows: tuple[Duration, ...] | None = None\n"
        "    grace: Annotated[Duration, 'a note'] | int = '5m'\n") + anchor), encoding="utf-8")
    text = (specs / "calico.py").read_text(encoding="utf-8")
    (specs / "calico.py").write_text(
        text.replace("import math\n", "import math\nfrom typing import Annotated\n", 1),
        encoding="utf-8")
    page = build(specs, ("docs",))["docs/calico.md"].decode()
    assert "| `extra_windows` | tuple or None | `null` | default |" in page
    assert "| `grace` | str or int | `5m` | default |" in page
    assert " at 0x" not in page


def test_page_layout_of_steps_labels_and_missing_runbooks() -> None:
    """A setup step over several lines stays one list item, an alert's labels are listed by
    name whatever their case, and an alert without a runbook says so."""
    from generator.scoping import Scoped
    from generator.targets import docs

    (spec,) = [s for s in load_specs(Project(specs_dir=SPECS)) if s.name == "calico"]
    first = spec.integration.alerts[0]
    alert = first.model_copy(update={"labels": {"team": "net", "Zone": "eu", "area": "cni"},
                                     "runbook": None})
    integration = spec.integration.model_copy(update={
        "setup": ("Install it:\n\n  helm install x\nthen wait.\n", "Done."),
        "alerts": (alert,)})
    item = Scoped.of(spec._replace(integration=integration))
    page = docs.render(item, Project(specs_dir=SPECS))["docs/calico.md"].decode()
    assert ("## Setup\n\n1. Install it:\n\n     helm install x\n   then wait.\n\n"
            "2. Done.\n\n") in page
    assert f"after {alert.for_} (labels: area=cni, team=net, Zone=eu):" in page
    assert "\nNo runbook has been written for this alert yet.\n" in section(page, alert.name)


def test_the_alert_cells_and_labels_are_what_the_template_filters_made(tmp_path: Path) -> None:
    """The alert table's cells (computed with the sections) and an alert's labels (a filter)
    are what the template's own filter chains and loop made of the same tiers, for the
    shipped and synthetic specs and for tiers that repeat a duration or mix label case."""
    import jinja2

    from benchmarks import synth
    from generator.targets.docs import alert_sections, pairs

    environment = jinja2.Environment()
    cells = environment.from_string('{{ tiers | map(attribute="severity") | join(", ") }}|'
                                    '{{ tiers | map(attribute="for_") | unique | join(", ") }}')
    listed = environment.from_string('{% for key, value in labels | dictsort %}{{ key }}='
                                     '{{ value }}{% if not loop.last %}, {% endif %}{% endfor %}')
    synth.write(2, tmp_path / "specs")
    integrations = [spec.integration for specs in (SPECS, tmp_path / "specs")
                    for spec in load_specs(Project(specs_dir=specs))]
    etcd = next(i for i in integrations if i.name == "etcd")
    alert = etcd.alerts[0]
    tiers = [alert.model_copy(update={"severity": severity, "for_": duration, "labels": labels})
             for severity, duration, labels in (
                 ("warning", "5m", {"b": "1", "A": "2", "a": "3", "team": "x y"}),
                 ("critical", "10m", {}), ("info", "5m", {"Z": "é"}),
                 ("info", "5M", {}), ("info", 5, {}))]  # model_copy skips validation
    integrations.append(etcd.model_copy(update={"alerts": (*etcd.alerts, *tiers)}))
    sections = [section for integration in integrations for section in alert_sections(integration)]
    assert any(len(section.tiers) > len(section.durations.split(", ")) for section in sections)
    for section in sections:
        assert f"{section.severities}|{section.durations}" == cells.render(tiers=section.tiers)
        assert [a.name for a in section.tiers] == [section.name] * len(section.tiers)
        for tier in section.tiers:
            assert pairs(environment.filters["dictsort"](tier.labels)) == \
                listed.render(labels=tier.labels)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
                    | st.dictionaries(st.text(max_size=4), inner, max_size=3), max_leaves=12))
def test_a_knob_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    """Strings as they are; anything else (a tuple as a list) as `json.dumps` writes it."""
    from generator.targets.docs import _value

    expected = value if isinstance(value, str) else json.dumps(
        list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
    assert _value(value) == expected
