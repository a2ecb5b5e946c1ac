"""Which series an integration provides and which queries it runs: the lookups the checks and
the online checks share."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from generator import promql
from generator.loader import Spec
from generator.model import Location, Metric

SYNTHETIC = ("up",)
"""Series Prometheus writes for every target itself (plus every `scrape_*` series)."""


def is_synthetic(name: str) -> bool:
    return name in SYNTHETIC or name.startswith("scrape_")


@lru_cache(maxsize=2048)
def selector_uses(expr: str) -> tuple[promql.SelectorUse, ...]:
    """`promql.selector_uses`, remembered: the checks each read every query's selectors (an
    integration runs a few hundred queries; the cache holds several integrations' worth)."""
    return tuple(promql.selector_uses(expr))


def series_owner(spec: Spec) -> dict[str, Metric]:
    """Every exposed series name of the catalog -> the metric that exposes it."""
    return {series: m for m in spec.integration.metrics for series in m.series_names()}


def recorded(spec: Spec) -> set[str]:
    return {rule.record for rule in spec.integration.recording_rules}


def queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """(what, expr, location) for every query an integration carries."""
    integration = spec.integration
    for rule in integration.recording_rules:
        yield f"recording rule {rule.record}", rule.expr, rule.location
    for alert in integration.alerts:
        yield f"alert {alert.name}", alert.expr, alert.location
    for board in integration.dashboards:
        for row in board.rows:
            for panel in row.panels:
                for query in panel.queries:
                    yield f"panel {panel.title!r}", query.expr, query.location or panel.location


def all_queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """Rule and panel queries, plus each dashboard variable's metric as a bare selector."""
    yield from queries(spec)
    for board in spec.integration.dashboards:
        for variable in board.variables:
            yield f"variable {variable.name}", variable.metric, variable.location
