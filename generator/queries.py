"""Which series an integration provides and which queries it runs: the lookups the checks and
the online checks share. `read(spec)` works them out once per integration for all its checks."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from typing import NamedTuple

from generator import promql
from generator.loader import Spec
from generator.model import Integration, Location, Metric, SpecModel

SYNTHETIC = ("up",)
"""Series Prometheus writes for every target itself (plus every `scrape_*` series)."""


def is_synthetic(name: str) -> bool:
    return name in SYNTHETIC or name.startswith("scrape_")


def series_owner(spec: Spec) -> dict[str, Metric]:
    """Every exposed series name of the catalog -> the metric that exposes it."""
    return {series: m for m in spec.integration.metrics for series in m.series_names()}


def recorded(spec: Spec) -> set[str]:
    return {rule.record for rule in spec.integration.recording_rules}


def queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """(what, expr, location) for every query an integration carries."""
    return ((query.what, query.expr, query.location) for query in read(spec).queries)


def all_queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """Rule and panel queries, plus each dashboard variable's metric as a bare selector."""
    return ((query.what, query.expr, query.location) for query in read(spec).all)


class Query(NamedTuple):
    """A query an integration carries: what runs it, its text, and the items it is written in
    (the query itself, then its panel), whose spec line `location` reads only when asked: a
    check asks only for a finding, and reading a location costs more than all the rest."""

    what: str
    expr: str
    written: tuple[SpecModel, ...]

    @property
    def location(self) -> Location | None:
        for item in self.written:
            if item.location is not None:
                return item.location
        return None


class Read:
    """One integration's queries, the series its catalog and recording rules provide, and
    each query's selectors, worked out once for all of its checks (`read(spec)`). It holds
    no reference to the integration (which would keep it alive): `read` drops it when the
    integration is collected."""

    def __init__(self, spec: Spec) -> None:
        integration = spec.integration
        rules = [Query(f"recording rule {rule.record}", rule.expr, (rule,))
                 for rule in integration.recording_rules]
        rules += [Query(f"alert {alert.name}", alert.expr, (alert,))
                  for alert in integration.alerts]
        panels = [Query(f"panel {panel.title!r}", query.expr, (query, panel))
                  for board in integration.dashboards for row in board.rows
                  for panel in row.panels for query in panel.queries]
        self.queries: tuple[Query, ...] = (*rules, *panels)
        """Recording rules', alerts', then every panel's queries."""
        self.all: tuple[Query, ...] = (*self.queries, *(
            Query(f"variable {variable.name}", variable.metric, (variable,))
            for board in integration.dashboards for variable in board.variables))
        """Rule and panel queries, then each dashboard variable's metric as a bare selector."""
        self.owners = series_owner(spec)
        self.recorded = recorded(spec)
        self._uses: dict[str, tuple[promql.SelectorUse, ...]] = {}

    def uses(self, expr: str) -> tuple[promql.SelectorUse, ...]:
        """`selector_uses(expr)`, worked out once per query text of this integration."""
        found = self._uses.get(expr)
        if found is None:
            found = self._uses[expr] = promql.selector_uses(expr)
        return found


_reads: dict[int, tuple[weakref.ref[Integration], Read]] = {}
"""id of a live integration -> (a weak reference to it, its Read)."""


def read(spec: Spec) -> Read:
    """The integration's `Read`, made by its first check and shared by the others while the
    integration lives (the entry goes with it: nothing is shared between integrations)."""
    integration = spec.integration
    key = id(integration)
    held = _reads.get(key)
    if held is None or held[0]() is not integration:
        held = (weakref.ref(integration, _forget(key)), Read(spec))
        _reads[key] = held
    return held[1]


def _forget(key: int) -> Callable[[weakref.ref[Integration]], None]:
    """Drops the entry of a collected integration, unless a newer one took its id already."""
    def forget(gone: weakref.ref[Integration]) -> None:
        if key in _reads and _reads[key][0] is gone:
            del _reads[key]
    return forget
