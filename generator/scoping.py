"""Apply the integration's selector to every rule it carries, through the PromQL AST.

Dashboards are scoped by their target, which adds the template-variable matchers too.
"""

from __future__ import annotations

from generator import promql
from generator.model import Integration


def recorded_series(integration: Integration) -> frozenset[str]:
    return frozenset(rule.record for rule in integration.recording_rules)


_RECENT: dict[int, tuple[Integration, Integration]] = {}
"""The last few integrations scoped, by identity (held, so an id cannot be reused): the rules,
operator and docs targets of one spec, rendered one after the other, scope its rules once."""
_RECENT_SIZE = 8


def scope_rules(integration: Integration) -> Integration:
    """The integration with its selector in every rule expression.

    Series produced by the integration's own recording rules are left as they are: they were
    scoped when they were recorded.
    """
    hit = _RECENT.get(id(integration))
    if hit is not None and hit[0] is integration:
        return hit[1]
    scoped = _scoped_rules(integration)
    if len(_RECENT) >= _RECENT_SIZE:
        del _RECENT[next(iter(_RECENT))]
    _RECENT[id(integration)] = (integration, scoped)
    return scoped


def _scoped_rules(integration: Integration) -> Integration:
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
