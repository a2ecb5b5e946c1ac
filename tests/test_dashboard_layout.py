"""The layout check over Grafana gridPos boxes, and the shipped layout is clean."""

from __future__ import annotations

from generator import loader
from generator.checks.dashboards import layout_problems
from generator.documents.dashboard import dashboard_json, layout
from tests.support import SPECS


def box(title: str, x: int, y: int, w: int, h: int) -> dict[str, object]:
    return {"title": title, "gridPos": {"x": x, "y": y, "w": w, "h": h}}


def test_overlap_and_overflow_are_found() -> None:
    panels = [box("a", 0, 0, 12, 8), box("b", 6, 4, 12, 8), box("c", 12, 0, 12, 5),
              box("d", 20, 20, 8, 8)]
    assert layout_problems(panels) == [
        "panel 'd' overflows the 24-column grid",
        "panels 'a' and 'b' overlap",
        "panels 'b' and 'c' overlap",
    ]


def test_touching_panels_do_not_overlap() -> None:
    assert layout_problems([box("a", 0, 0, 12, 8), box("b", 12, 0, 12, 8),
                            box("c", 0, 8, 24, 1)]) == []


def test_shipped_dashboards_have_a_clean_layout_which_the_check_sees_as_written() -> None:
    for spec in loader.load(SPECS):
        for board in spec.integration.dashboards:
            panels = dashboard_json(spec.integration, board)["panels"]
            assert panels
            assert layout_problems(panels) == []
            assert [placed.box for placed in layout(board)] == [
                {"title": p["title"], "gridPos": p["gridPos"]} for p in panels]
