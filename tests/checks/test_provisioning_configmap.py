"""KG502 provisioning/configmap-size (grafana-provisioning target): a dashboard whose JSON
file is over the 1 MiB a ConfigMap can hold."""

from __future__ import annotations

from generator.checks import provisioning_configmap
from generator.findings import Level
from generator.model import Dashboard, Panel, Query, Row
from generator.scoping import Scoped
from tests.checks.conftest import BOARD, PANELS, at, demo, found_for_target, reported, spec, where

TARGET = ("grafana-provisioning",)


def _big_board(**fields: object) -> Dashboard:
    """The demo dashboard with one panel whose description alone passes 1 MiB."""
    huge = Panel(title="Huge", description="x" * (1 << 20), unit="s",
                 queries=(Query(expr="demo_queue_depth"),))
    return Dashboard(title="Demo", rows=(Row(title="All", panels=(*PANELS, huge)),),
                     **fields)  # type: ignore[arg-type]


def test_it_belongs_to_the_provisioning_target() -> None:
    assert provisioning_configmap.TARGET == "grafana-provisioning"


def test_the_demo_dashboard_fits() -> None:
    assert found_for_target(provisioning_configmap, demo()) == []


def test_a_dashboard_over_a_mebibyte_is_an_error_at_the_dashboard() -> None:
    big = _big_board()
    integration = demo(dashboards=(BOARD, big.model_copy(update={"slug": "big"})))
    size = len(Scoped.of(spec(integration)).dashboard("big"))
    assert size > provisioning_configmap.CONFIGMAP_LIMIT
    (finding,) = found_for_target(provisioning_configmap, integration)
    assert (finding.code, finding.level, where(finding)) == ("KG502", Level.ERROR, at(big))
    assert finding.message == (f"dashboard 'Demo' is {size} bytes of JSON, over the 1 MiB "
                               "(1048576 bytes) a ConfigMap can hold; split it into several "
                               "dashboards")


def test_it_runs_only_with_its_target_and_honours_suppression() -> None:
    big = _big_board()
    assert reported("KG502", demo(dashboards=(big,))) == []
    assert [where(f) for f in reported("KG502", demo(dashboards=(big,)), targets=TARGET)] == \
        [at(big)]
    quiet = _big_board(suppress={"KG502": "applied server-side from a volume, not a ConfigMap"})
    assert reported("KG502", demo(dashboards=(quiet,)), targets=TARGET) == []
