"""KG501 dashboards/uid: dashboard uids (kgen-<integration>-<slug>) are unique and at most 40
characters, and the layout has no panel overflowing the grid or overlapping another."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

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


def test_a_spec_cannot_place_a_panel_or_size_it_outside_the_grid() -> None:
    """Why overlapping panels cannot happen: a panel has no position, only a size the model
    bounds, and the layout places panels left to right, wrapping (tests/test_dashboard_layout.py
    proves it for every size)."""
    fields = {"title": "P", "description": "d", "unit": "s",
              "queries": (Query(expr="demo_queue_depth"),)}
    for bad in ({"gridPos": {"x": 0, "y": 0, "w": 12, "h": 8}}, {"x": 6}, {"width": 25},
                {"width": 0}, {"height": 0}):
        with pytest.raises(ValidationError):
            Panel(**fields, **bad)


@pytest.mark.parametrize(("width", "height"), [(30, 8), (0, 8), (12, 0), (12, -2)])
def test_a_panel_sized_past_the_model_is_an_error_at_the_panel(width: int, height: int) -> None:
    """model_copy(update=...) skips the model's validation: the one way to a size the grid
    cannot hold."""
    queue = Panel(title="Queue", description="d", unit="short",
                  queries=(Query(expr="demo_queue_depth"),))
    board = Dashboard(title="Demo", rows=(Row(title="All", panels=(
        queue.model_copy(update={"width": width, "height": height}),)),))
    (finding,) = found(dashboards, demo(dashboards=(board,)))
    assert (finding.code, finding.level, where(finding)) == ("KG501", Level.ERROR, at(queue))
    assert finding.message == (
        f"dashboard 'Demo': panel 'Queue' is {width} wide and {height} high, which the 24-column "
        f"grid cannot hold (a panel is 1 to 24 wide and at least 1 high; model_copy(update=...) "
        f"skips that check)")


def test_a_suppressed_dashboard_is_not_reported() -> None:
    long = Dashboard(slug="a-very-long-slug-that-overflows-the-uid", title="Demo",
                     rows=BOARD.rows, suppress={"KG501": "imported by a Grafana that allows it"})
    assert found(dashboards, demo(dashboards=(long,))) != []
    assert reported("KG501", demo(dashboards=(long,))) == []
