"""Grafana dashboards as JSON files (`grafana/dashboards/<integration>-<slug>.json`); the
dashboard itself is `generator.documents.dashboard`'s.

grafana-foundation-sdk (`generator.documents.dashboard_builder`) comes with the target: a
parallel build imports its targets before it forks its workers, which then share the SDK
rather than each importing it for its first board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions
from generator.documents import dashboard_builder  # noqa: F401  (the SDK: see above)

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    return {conventions.dashboard_path(item.name, board.slug): item.dashboard(board.slug)
            for board in item.integration.dashboards}
