"""The layout kgen gives a dashboard never overlaps or overflows Grafana's grid, whatever the
panels' sizes (the model bounds them: 1 to 24 wide, at least 1 high), so no check has to look
for overlapping panels; and the rendered JSON has exactly that layout."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import loader
from generator.documents.dashboard import GRID_WIDTH, dashboard_json, layout
from generator.model import Dashboard, Panel, Query, Row
from tests.support import SPECS


def layout_problems(boxes: list[dict[str, Any]]) -> list[str]:
    """Boxes wider than the grid or overlapping another, by title, from Grafana gridPos."""
    placed = [(p.get("title", "?"), p["gridPos"]) for p in boxes if "gridPos" in p]
    problems = [f"{title!r} overflows" for title, g in placed
                if g["x"] < 0 or g["x"] + g["w"] > GRID_WIDTH]
    for index, (title, a) in enumerate(placed):
        for other, b in placed[index + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                problems.append(f"{title!r} and {other!r} overlap")
    return problems


def box(title: str, x: int, y: int, w: int, h: int) -> dict[str, Any]:
    return {"title": title, "gridPos": {"x": x, "y": y, "w": w, "h": h}}


def test_the_helper_finds_overlap_and_overflow() -> None:
    boxes = [box("a", 0, 0, 12, 8), box("b", 6, 4, 12, 8), box("c", 12, 0, 12, 5),
             box("d", 20, 20, 8, 8)]
    assert layout_problems(boxes) == ["'d' overflows", "'a' and 'b' overlap",
                                      "'b' and 'c' overlap"]
    assert layout_problems([box("a", 0, 0, 12, 8), box("b", 12, 0, 12, 8),
                            box("c", 0, 8, 24, 1)]) == []


SIZES = st.tuples(st.integers(1, GRID_WIDTH), st.integers(1, 12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(SIZES, min_size=1, max_size=8), min_size=1, max_size=4))
def test_no_panel_sizes_the_model_allows_overlap_or_overflow(rows: list[list[tuple[int, int]]],
                                                             ) -> None:
    query = (Query(expr="x"),)
    board = Dashboard(title="B", rows=tuple(
        Row(title=f"row {r}", panels=tuple(
            Panel(title=f"{r}.{p}", description="d", unit="s", queries=query, width=w, height=h)
            for p, (w, h) in enumerate(sizes)))
        for r, sizes in enumerate(rows)))
    placed = layout(board)
    assert layout_problems([item.box for item in placed]) == []
    assert [item.item for item in placed if isinstance(item.item, Panel)] == [
        panel for row in board.rows for panel in row.panels]


def test_shipped_dashboards_have_a_clean_layout_which_the_json_has_as_laid_out() -> None:
    for spec in loader.load(SPECS):
        for board in spec.integration.dashboards:
            panels = dashboard_json(spec.integration, board)["panels"]
            assert panels
            assert layout_problems(panels) == []
            assert [placed.box for placed in layout(board)] == [
                {"title": p["title"], "gridPos": p["gridPos"]} for p in panels]
