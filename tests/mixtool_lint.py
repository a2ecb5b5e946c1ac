"""The checks `mixtool lint` applies to a mixin's alerts and rules, for the suite: mixtool is a
Go program that cannot be installed here (no Go module proxy, no Debian or PyPI package).

Re-implemented from mixtool's pkg/mixer/lint.go (github.com/monitoring-mixins/mixtool, commit
496ea9a, Apache-2.0): `.lint` exclusions, group size and name length, alert names in camel
case and at most 40 characters, severity warning/critical/info, a templated description, a
summary without templates that starts with a capital letter and ends with a period. mixtool
also parses the groups with Prometheus' rulefmt; the suite hands them to promtool for that.
"""

from __future__ import annotations

import re
from typing import Any

CAMEL_CASE = re.compile(r"^([A-Z]+[a-z0-9]+)+$")
GO_TEMPLATE = re.compile(r"\{\{.+}\}")
SENTENCE = re.compile(r"^[A-Z].+\.$")


def excluded(rule: str, alert: str, lint: dict[str, Any]) -> bool:
    """mixtool's isLintExcluded: a rule listed without entries is off for every alert."""
    exclusions = lint.get("exclusions") or {}
    if rule not in exclusions:
        return False
    entries = (exclusions[rule] or {}).get("entries") or []
    return not entries or any(entry.get("alert") == alert for entry in entries)


def lint_alerts(groups: list[dict[str, Any]], lint: dict[str, Any]) -> list[str]:
    """Every error mixtool would print for these alert groups."""
    errors = []
    for group in groups:
        name = group["name"]
        if not excluded("alert-group-rule-count", name, lint) and len(group["rules"]) > 20:
            errors.append(f"[alert-group-rule-count] {name}: {len(group['rules'])} rules")
        if not excluded("alert-group-name-length", name, lint) and len(name) > 40:
            errors.append(f"[alert-group-name-length] {name}")
        for rule in group["rules"]:
            if "alert" in rule:
                errors += _alert_errors(rule, lint)
    return errors


def _alert_errors(rule: dict[str, Any], lint: dict[str, Any]) -> list[str]:
    alert = rule["alert"]
    annotations = rule.get("annotations", {})
    checks = [
        ("alert-name-camelcase", bool(CAMEL_CASE.match(alert))),
        ("alert-name-length", len(alert) <= 40),
        ("alert-severity-rule",
         rule.get("labels", {}).get("severity") in ("warning", "critical", "info")),
        ("alert-description-missing-rule", "description" in annotations),
        ("alert-description-templating", "description" not in annotations
         or bool(GO_TEMPLATE.search(annotations["description"]))),
        ("alert-summary-missing-rule", "summary" in annotations),
        ("alert-summary-templating", "summary" not in annotations
         or not GO_TEMPLATE.search(annotations["summary"])),
        ("alert-summary-style", "summary" not in annotations
         or bool(SENTENCE.match(annotations["summary"]))),
    ]
    return [f"[{check}] {alert}" for check, passed in checks
            if not passed and not excluded(check, alert, lint)]
