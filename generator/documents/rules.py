"""A Prometheus rule file: recording rules first, then alerts, over already scoped queries.

Scoped queries are printed by `promql.rewrite`, in canonical form already, and are written as
they are (formatting them again would parse each once more and change nothing)."""

from __future__ import annotations

from typing import Any

from generator import conventions, promql
from generator.model import Alert, Integration, Recording
from generator.render import to_yaml


def rule_file(integration: Integration) -> dict[str, Any]:
    """The `groups:` document for an integration whose expressions are already scoped."""
    return {"groups": [*recording_groups(integration), *alerting_groups(integration)]}


_written: tuple[Integration, dict[str, Any], bytes] | None = None
"""The last integration `rule_file_written` wrote: its rule file and that file's YAML."""


def rule_file_written(integration: Integration) -> tuple[dict[str, Any], bytes]:
    """`rule_file(integration)` and its `to_yaml`, without a header: the prometheus-rules
    target writes it as the rule file and prometheus-operator's PrometheusRule holds it as its
    spec. The targets render one integration after another, so the last one's is kept, for
    the same integration object only (models are frozen; holding it, no other object can take
    its place), and each rule file is built and serialised once."""
    global _written
    if _written is None or _written[0] is not integration:
        data = rule_file(integration)
        _written = (integration, data, to_yaml(data))
    return _written[1], _written[2]


def rule_file_yaml(integration: Integration) -> bytes:
    """`to_yaml(rule_file(integration))`, without a header (see `rule_file_written`)."""
    return rule_file_written(integration)[1]


def recording_groups(integration: Integration,
                     scope: promql.Rewrite | None = None) -> list[dict[str, Any]]:
    """The recording-rule group, if the integration has recording rules. `scope`: the change
    that scopes each expression as it is written out, for an integration whose rules are not
    scoped yet (the mixin's builds: `scoping.scoped_rules` would copy every rule first)."""
    if not integration.recording_rules:
        return []
    return [{"name": conventions.recording_group(integration.name),
             "rules": [recording_rule(r, _scoped(r.expr, scope))
                       for r in integration.recording_rules]}]


def alerting_groups(integration: Integration,
                    scope: promql.Rewrite | None = None) -> list[dict[str, Any]]:
    """The alert group, if the integration has alerts (`scope`: see `recording_groups`)."""
    if not integration.alerts:
        return []
    return [{"name": conventions.alerting_group(integration.name),
             "rules": [alerting_rule(a, _scoped(a.expr, scope)) for a in integration.alerts]}]


def _scoped(expr: str, scope: promql.Rewrite | None) -> str:
    return expr if scope is None else promql.rewrite(expr, scope)


def recording_rule(rule: Recording, expr: str | None = None) -> dict[str, Any]:
    """The rule as the rule file holds it, with `expr` for its expression when given."""
    body: dict[str, Any] = {"record": rule.record,
                            "expr": rule.expr if expr is None else expr}
    if rule.labels:
        body["labels"] = dict(sorted(rule.labels.items()))
    return body


def alerting_rule(alert: Alert, expr: str | None = None) -> dict[str, Any]:
    """The alert as the rule file holds it, with `expr` for its expression when given."""
    return {
        "alert": alert.name,
        "expr": alert.expr if expr is None else expr,
        "for": alert.for_,
        "labels": {"severity": str(alert.severity), **dict(sorted(alert.labels.items()))},
        "annotations": {
            "summary": alert.summary,
            "description": alert.description,
            "runbook_url": alert.runbook_url,
        },
    }
