"""Grafana dashboards as JSON files (`grafana/dashboards/<integration>-<slug>.json`); the
dashboard itself is `generator.documents.dashboard`'s.

grafana-foundation-sdk (`generator.documents.dashboard_builder`) is imported for the first
board built through it, not with the target: a rebuild whose boards the board cache holds
never imports it (a parallel build imports it before it forks its workers when they will
build a board: `generator.build`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    return {conventions.dashboard_path(item.name, board.slug): item.dashboard(board.slug)
            for board in item.integration.dashboards}
