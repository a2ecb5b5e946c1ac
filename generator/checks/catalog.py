"""Shared lookups for checks: which series an integration provides and which queries it runs."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.promql_syntax import queries
from generator.loader import Spec
from generator.model import Location, Metric

SYNTHETIC = ("up",)
"""Series Prometheus writes for every target itself (plus every `scrape_*` series)."""


def is_synthetic(name: str) -> bool:
    return name in SYNTHETIC or name.startswith("scrape_")


def series_owner(spec: Spec) -> dict[str, Metric]:
    """Every exposed series name of the catalog -> the metric that exposes it."""
    return {series: m for m in spec.integration.metrics for series in m.series_names()}


def recorded(spec: Spec) -> set[str]:
    return {rule.record for rule in spec.integration.recording_rules}


def all_queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """Rule and panel queries, plus each dashboard variable's metric as a bare selector."""
    yield from queries(spec)
    for board in spec.integration.dashboards:
        for variable in board.variables:
            yield f"variable {variable.name}", variable.metric, variable.location
