"""Grafana dashboards as JSON files (`grafana/dashboards/<integration>-<slug>.json`); the
dashboard itself is `generator.documents.dashboard`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions
from generator.documents.dashboard import dashboard_json
from generator.loader import Spec
from generator.render import to_json

if TYPE_CHECKING:
    from generator.project import Project


def render(spec: Spec, project: Project) -> dict[str, bytes]:
    files = {}
    for board in spec.integration.dashboards:
        model = dashboard_json(spec.integration, board)
        files[conventions.dashboard_path(spec.name, board.slug)] = to_json(model)
    return files
