"""KG501 dashboards/uid: dashboard uids (kgen-<integration>-<slug>) are unique and at most 40
characters, and the layout has no panel overflowing the grid or overlapping another."""

from __future__ import annotations

from generator.checks import dashboards
from generator.findings import Level
from generator.model import Dashboard, Panel, Query, Row
from tests.checks.conftest import BOARD, PANELS, at, demo, found, reported, where


def test_the_demo_dashboard_is_fine() -> None:
    assert found(dashboards, demo()) == []


def test_a_uid_over_40_characters_is_an_error_at_the_dashboard() -> None:
    long = Dashboard(slug="a-very-long-slug-that-overflows-the-uid", title="Demo",
                     rows=BOARD.rows)
    (finding,) = found(dashboards, demo(dashboards=(long,)))
    assert (finding.code, finding.level, where(finding)) == ("KG501", Level.ERROR, at(long))
    assert finding.message == ("dashboard uid kgen-demo-a-very-long-slug-that-overflows-the-uid "
                               "is longer than 40 characters")


def test_exactly_40_characters_is_fine() -> None:
    slug = "x" * (40 - len("kgen-demo-"))
    board = Dashboard(slug=slug, title="Demo", rows=BOARD.rows)
    assert found(dashboards, demo(dashboards=(board,))) == []


def test_a_slug_twice_in_one_integration_is_an_error_at_the_second() -> None:
    again = Dashboard(title="Demo again", rows=BOARD.rows)
    (finding,) = found(dashboards, demo(dashboards=(BOARD, again)))
    assert where(finding) == at(again)
    assert finding.message == (f"dashboard uid kgen-demo-overview is already used at "
                               f"{BOARD.location}")


def test_the_same_slug_in_two_integrations_is_fine() -> None:
    assert found(dashboards, demo(), demo(name="other")) == []


def test_the_layout_wraps_wide_panels_so_they_never_overlap() -> None:
    wide = Panel(title="Wide", description="d", unit="s", width=24,
                 queries=(Query(expr="demo_queue_depth"),))
    board = Dashboard(title="Demo", rows=(Row(title="All", panels=(*PANELS, wide, *PANELS)),))
    assert found(dashboards, demo(dashboards=(board,))) == []


def test_layout_problems_names_overflowing_and_overlapping_panels() -> None:
    boxes = [{"title": "A", "gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}},
             {"title": "B", "gridPos": {"x": 6, "y": 4, "w": 12, "h": 8}},
             {"title": "C", "gridPos": {"x": 18, "y": 0, "w": 8, "h": 2}},
             {"title": "D", "gridPos": {"x": 12, "y": 0, "w": 6, "h": 6}},
             {"title": "row"}]
    assert dashboards.layout_problems(boxes) == [
        "panel 'C' overflows the 24-column grid",
        "panels 'A' and 'B' overlap",
        "panels 'B' and 'D' overlap",
    ]


def test_a_suppressed_dashboard_is_not_reported() -> None:
    long = Dashboard(slug="a-very-long-slug-that-overflows-the-uid", title="Demo",
                     rows=BOARD.rows, suppress={"KG501": "imported by a Grafana that allows it"})
    assert found(dashboards, demo(dashboards=(long,))) != []
    assert reported("KG501", demo(dashboards=(long,))) == []
