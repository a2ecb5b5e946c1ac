"""The scope stage: the integration's selector in every query it runs, through one traversal of
each query (recording rules, alerts, panel queries, dashboard variables), once per build.

Series the integration's own recording rules produce are left as they are: they were scoped
when they were recorded. Targets render the scoped integration. A dashboard's queries are
scoped by the dashboard document itself (`Scoped.dashboard`), in the traversal that adds
Grafana's rewriting (the variables' matchers and `$__rate_interval`), so each is parsed once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator import promql
from generator.model import Dashboard, Integration

if TYPE_CHECKING:
    from generator.loader import Spec


def recorded_series(integration: Integration) -> frozenset[str]:
    return frozenset(rule.record for rule in integration.recording_rules)


def scoping(integration: Integration) -> promql.Rewrite:
    """The change that puts the integration's selector into a query."""
    return promql.Rewrite(scope=integration.selector, recorded=recorded_series(integration))


def scoped_rules(integration: Integration) -> Integration:
    """The integration with its selector in every recording rule and alert; dashboards as
    written."""
    change = scoping(integration)
    return integration.model_copy(update={
        "recording_rules": tuple(r.model_copy(update={"expr": promql.rewrite(r.expr, change)})
                                 for r in integration.recording_rules),
        "alerts": tuple(a.model_copy(update={"expr": promql.rewrite(a.expr, change)})
                        for a in integration.alerts),
    })


def scoped(integration: Integration) -> Integration:
    """The integration with its selector in every query. A dashboard variable's `metric` then
    holds the scoped series selector the variable lists values of (`metric{selector}`)."""
    change = scoping(integration)

    def scope(expr: str) -> str:
        return promql.rewrite(expr, change)

    return scoped_rules(integration).model_copy(update={
        "dashboards": tuple(_scoped_board(board, scope) for board in integration.dashboards),
    })


def _scoped_board(board: Dashboard, scope: Callable[[str], str]) -> Dashboard:
    rows = tuple(row.model_copy(update={"panels": tuple(
        panel.model_copy(update={"queries": tuple(
            query.model_copy(update={"expr": scope(query.expr)}) for query in panel.queries)})
        for panel in row.panels)}) for row in board.rows)
    variables = tuple(v.model_copy(update={"metric": scope(v.metric)}) for v in board.variables)
    return board.model_copy(update={"rows": rows, "variables": variables})


@dataclass(frozen=True)
class Scoped:
    """One integration as the render stage sees it: the spec as configured, with the project's
    settings laid over it (queries as written, for targets that scope again with another
    selector, as the mixin does), and the same integration with its rules scoped. Its
    dashboards are as written: `dashboard(slug)` scopes their queries as it renders them."""

    spec: Spec
    integration: Integration
    _dashboards: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, spec: Spec) -> Scoped:
        return cls(spec, scoped_rules(spec.integration))

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def source(self) -> str:
        return self.spec.source

    def dashboard(self, slug: str) -> bytes:
        """The JSON file of the dashboard `slug`, scoped, built once for every target that
        writes it (the dashboard file, its ConfigMap)."""
        from generator.documents.dashboard import dashboard_file

        if slug not in self._dashboards:
            integration = self.spec.integration
            board = next(b for b in integration.dashboards if b.slug == slug)
            self._dashboards[slug] = dashboard_file(integration, board, scoping(integration))
        return self._dashboards[slug]
