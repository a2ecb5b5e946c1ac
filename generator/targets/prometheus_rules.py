"""Prometheus rule files: one per integration, recording rules first, then alerts; and beside
them the promtool unit tests built from the rules' examples (`prometheus/tests/<name>.yaml`,
whose `rule_files` entry is relative, so `promtool test rules` runs them where they lie)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import promql, rule_tests
from generator.loader import Spec
from generator.model import Alert, Integration, Recording
from generator.render import to_yaml
from generator.scoping import scope_rules

if TYPE_CHECKING:
    from generator.project import Project


def render(spec: Spec, project: Project) -> dict[str, bytes]:
    integration = scope_rules(spec.integration)
    if not (integration.recording_rules or integration.alerts):
        return {}
    files = {f"prometheus/rules/{spec.name}.yaml": to_yaml(rule_file(integration), spec.source)}
    tests = rule_tests.promtool_tests(integration, f"../rules/{spec.name}.yaml")
    if tests is not None:
        files[f"prometheus/tests/{spec.name}.yaml"] = to_yaml(tests, spec.source)
    return files


def rule_file(integration: Integration) -> dict[str, Any]:
    """The `groups:` document for an integration whose expressions are already scoped."""
    return {"groups": [*recording_groups(integration), *alerting_groups(integration)]}


def recording_groups(integration: Integration) -> list[dict[str, Any]]:
    """The recording-rule group, if the integration has recording rules."""
    if not integration.recording_rules:
        return []
    return [{"name": f"{integration.name}.rules",
             "rules": [recording_rule(r) for r in integration.recording_rules]}]


def alerting_groups(integration: Integration) -> list[dict[str, Any]]:
    """The alert group, if the integration has alerts."""
    if not integration.alerts:
        return []
    return [{"name": f"{integration.name}.alerts",
             "rules": [alerting_rule(a) for a in integration.alerts]}]


def recording_rule(rule: Recording) -> dict[str, Any]:
    body: dict[str, Any] = {"record": rule.record, "expr": promql.format_expr(rule.expr)}
    if rule.labels:
        body["labels"] = dict(sorted(rule.labels.items()))
    return body


def alerting_rule(alert: Alert) -> dict[str, Any]:
    return {
        "alert": alert.name,
        "expr": promql.format_expr(alert.expr),
        "for": alert.for_,
        "labels": {"severity": str(alert.severity), **dict(sorted(alert.labels.items()))},
        "annotations": {
            "summary": alert.summary,
            "description": alert.description,
            "runbook_url": alert.runbook_url,
        },
    }
