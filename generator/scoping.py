"""Apply the integration's selector to every rule it carries, through the PromQL AST.

Dashboards are scoped by their target, which adds the template-variable matchers too.
"""

from __future__ import annotations

from generator import promql
from generator.model import Integration


def recorded_series(integration: Integration) -> frozenset[str]:
    return frozenset(rule.record for rule in integration.recording_rules)


def scope_rules(integration: Integration) -> Integration:
    """The integration with its selector in every rule expression.

    Series produced by the integration's own recording rules are left as they are: they were
    scoped when they were recorded.
    """
    recorded = recorded_series(integration)

    def scoped(expr: str) -> str:
        return promql.scope(expr, integration.selector, recorded)

    return integration.model_copy(
        update={
            "recording_rules": tuple(
                r.model_copy(update={"expr": scoped(r.expr)}) for r in integration.recording_rules
            ),
            "alerts": tuple(
                a.model_copy(update={"expr": scoped(a.expr)}) for a in integration.alerts
            ),
        }
    )
