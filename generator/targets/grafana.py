"""Grafana dashboards as JSON files (`grafana/dashboards/<integration>-<slug>.json`); the
dashboard itself is `generator.documents.dashboard`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    return {conventions.dashboard_path(item.name, board.slug): item.dashboard(board.slug)
            for board in item.integration.dashboards}
