"""Every alert carries a runbook, so the docs section its runbook_url points to says what to do."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.loader import Spec

CODE = "KG303"
NAME = "rules/runbook"
DOC = "(warning) an alert without a runbook, so its docs section says nothing to do"


def check(specs: list[Spec]) -> list[Finding]:
    return [Finding.at(alert.location, Level.WARNING, CODE,
                       f"alert {alert.name} has no runbook; add runbook=Runbook(meaning=..., "
                       "impact=..., diagnosis=..., mitigation=...)")
            for spec in specs for alert in spec.integration.alerts if alert.runbook is None]
