"""Output formats. Each target module exposes `render(item, project) -> dict[relative path,
bytes]`: it renders one scoped integration (`generator.scoping.Scoped`, made by the pipeline's
scope stage); the project's settings say where objects go and how they are labelled and linked.
Targets only render: what they cannot express is refused by a check (`TARGET` in its module).

Targets are imported only when used, so `kgen --help` stays light.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped

Renderer = Callable[["Scoped", "Project"], dict[str, bytes]]

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

BOARD_TARGETS = frozenset({"grafana", "grafana-provisioning", "mixin"})
"""The targets that build dashboards (through grafana-foundation-sdk, or the board cache)."""

DEFAULT_TARGETS: tuple[str, ...] = ("prometheus-rules", "scrape-jobs", "grafana")
"""What `kgen build` writes when the project config names no targets."""


def renderer(name: str) -> Renderer:
    module = importlib.import_module(TARGETS[name])
    render: Renderer = module.render
    return render
