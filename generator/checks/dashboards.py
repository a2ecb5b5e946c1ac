"""Dashboard uids are unique and fit Grafana's 40 characters, every panel's size fits the grid,
and every float of a panel is finite.

Panels cannot overlap: a spec gives a panel a size, never a position, and the layout
(`generator.documents.dashboard.layout`) places panels left to right, wrapping at the grid's
width (tests/test_dashboard_layout.py proves it for every size the model allows). The model
bounds the size (1 to 24 wide, at least 1 high), but `model_copy(update=...)` and
`model_construct` skip that check, and a size past it would overflow or vanish from the grid.
Likewise the model refuses a NaN or an infinity in a panel's `min`, `max` or a threshold's
`value`, which no JSON (the dashboard's file) nor jsonnet (the mixin) can hold, and this check
catches one put there past validation.

Uniqueness is decided over each integration's `summary` (its uids and lines), so a build can
check it with the integrations it did not load again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from math import isfinite

from generator import conventions
from generator.checks._summaries import Placed, place, used_twice
from generator.documents.dashboard import GRID_WIDTH
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Dashboard, Panel

CODE = "KG501"
NAME = "dashboards/uid"
DOC = ("a dashboard uid used twice or over 40 characters, or a panel sized past the grid or "
       "holding a NaN or an infinity (possible only through model_copy(update=...), which "
       "skips validation)")

MAX_UID = 40


def check(specs: list[Spec]) -> list[Finding]:
    return [f for spec in specs for f in local(spec)] + across(
        [(spec.name, summary(spec)) for spec in specs])


Board = Placed
"""(uid, path, line) of a dashboard, in spec order."""


def summary(spec: Spec) -> list[Board]:
    return [(conventions.dashboard_uid(spec.name, board.slug),
             *place(board.location))
            for board in spec.integration.dashboards]


def across(summaries: Sequence[tuple[str, Sequence[Board]]]) -> list[Finding]:
    """Dashboard uids used twice, in one integration or in two."""
    return used_twice(summaries, CODE, lambda uid, first: f"dashboard uid {uid} is already "
                                                          f"used at {first}")


def local(spec: Spec) -> list[Finding]:
    """Uids over Grafana's length, and panels sized past the grid or not finite."""
    findings = []
    for board in spec.integration.dashboards:
        board_uid = conventions.dashboard_uid(spec.name, board.slug)
        if len(board_uid) > MAX_UID:
            findings.append(Finding.at(board.location, Level.ERROR, CODE,
                                       f"dashboard uid {board_uid} is longer than {MAX_UID} "
                                       f"characters"))
        findings += _sized_past_the_grid(board)
        findings += _not_finite(board)
    return findings


def _sized_past_the_grid(board: Dashboard) -> list[Finding]:
    return [Finding.at(panel.location, Level.ERROR, CODE,
                       f"dashboard {board.title!r}: panel {panel.title!r} is {panel.width} wide "
                       f"and {panel.height} high, which the {GRID_WIDTH}-column grid cannot hold "
                       f"(a panel is 1 to {GRID_WIDTH} wide and at least 1 high; "
                       f"model_copy(update=...) skips that check)")
            for row in board.rows for panel in row.panels
            if not (1 <= panel.width <= GRID_WIDTH and panel.height >= 1)]


def _not_finite(board: Dashboard) -> list[Finding]:
    return [Finding.at(panel.location, Level.ERROR, CODE,
                       f"dashboard {board.title!r}: panel {panel.title!r}: {field} is {value}, "
                       "which JSON cannot hold (a panel's floats are finite; "
                       "model_copy(update=...) skips that check)")
            for row in board.rows for panel in row.panels
            for field, value in panel_floats(panel) if not isfinite(value)]


def panel_floats(panel: Panel) -> Iterator[tuple[str, float]]:
    """Every float of a panel that is set, with its field: `min`, `max` and each threshold's
    `value` (`thresholds[1].value`)."""
    for field, value in (("min", panel.min), ("max", panel.max), *(
            (f"thresholds[{index}].value", step.value)
            for index, step in enumerate(panel.thresholds))):
        if value is not None:
            yield field, value
