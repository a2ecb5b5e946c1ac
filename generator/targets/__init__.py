"""Output formats. Each target module exposes `render(spec, project) -> dict[relative path, bytes]`
(the project's settings say where objects go and how they are labelled and linked).

Targets are imported only when used, so `kgen --help` stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.loader import Spec
    from generator.project import Project

Renderer = Callable[["Spec", "Project"], dict[str, bytes]]

TARGETS: dict[str, str] = {
    "prometheus-rules": "generator.targets.prometheus_rules",
    "scrape-jobs": "generator.targets.scrape_jobs",
    "grafana": "generator.targets.grafana",
    "docs": "generator.targets.docs",
    "prometheus-operator": "generator.targets.prometheus_operator",
    "grafana-provisioning": "generator.targets.grafana_provisioning",
    "mixin": "generator.targets.mixin",
}
"""Target name -> module; the order is the build order."""

DEFAULT_TARGETS: tuple[str, ...] = ("prometheus-rules", "scrape-jobs", "grafana")
"""What `kgen build` writes when the project config names no targets."""


def renderer(name: str) -> Renderer:
    module = importlib.import_module(TARGETS[name])
    render: Renderer = module.render
    return render
