"""Dashboard uids are unique and fit Grafana's 40 characters; the layout the dashboard gets
(`generator.documents.dashboard.layout`) has no overlapping or overflowing panels.

Uniqueness is decided over each integration's `summary` (its uids and lines), so a build can
check it with the integrations it did not load again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator import conventions
from generator.documents.dashboard import GRID_WIDTH, layout
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG501"
NAME = "dashboards/uid"
DOC = "a dashboard uid used twice or over 40 characters, or panels that overlap in the layout"

MAX_UID = 40


def check(specs: list[Spec]) -> list[Finding]:
    return [f for spec in specs for f in local(spec)] + across(
        [(spec.name, summary(spec)) for spec in specs])


Board = tuple[str, str | None, int]
"""(uid, path, line) of a dashboard, in spec order."""


def summary(spec: Spec) -> list[Board]:
    return [(conventions.dashboard_uid(spec.name, board.slug),
             *((None, 0) if board.location is None else (board.location.path,
                                                         board.location.line)))
            for board in spec.integration.dashboards]


def across(summaries: Sequence[tuple[str, Sequence[Board]]]) -> list[Finding]:
    """Dashboard uids used twice, in one integration or in two."""
    findings = []
    seen: dict[str, Location | None] = {}
    for _, boards in summaries:
        for board_uid, path, line in boards:
            location = None if path is None else Location(path, line)
            if board_uid in seen:
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"dashboard uid {board_uid} is already used at "
                                           f"{seen[board_uid]}"))
            seen.setdefault(board_uid, location)
    return findings


def local(spec: Spec) -> list[Finding]:
    """Uids over Grafana's length, and layouts with overlapping or overflowing panels."""
    findings = []
    for board in spec.integration.dashboards:
        board_uid = conventions.dashboard_uid(spec.name, board.slug)
        if len(board_uid) > MAX_UID:
            findings.append(Finding.at(board.location, Level.ERROR, CODE,
                                       f"dashboard uid {board_uid} is longer than {MAX_UID} "
                                       f"characters"))
        panels = [placed.box for placed in layout(board)]
        findings += [Finding.at(board.location, Level.ERROR, CODE,
                                f"dashboard {board.title!r}: {problem}")
                     for problem in layout_problems(panels)]
    return findings


def layout_problems(panels: list[dict[str, Any]]) -> list[str]:
    """Panels wider than the grid or overlapping another, by title, from Grafana gridPos."""
    boxes = [(p.get("title", "?"), p["gridPos"]) for p in panels if "gridPos" in p]
    problems = [f"panel {title!r} overflows the {GRID_WIDTH}-column grid"
                for title, g in boxes if g["x"] + g["w"] > GRID_WIDTH]
    for index, (title, a) in enumerate(boxes):
        for other, b in boxes[index + 1:]:
            if (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                    and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]):
                problems.append(f"panels {title!r} and {other!r} overlap")
    return problems
