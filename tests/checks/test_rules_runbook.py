"""KG303 rules/runbook: a warning for an alert without a runbook."""

from __future__ import annotations

from generator.checks import rules_runbook
from generator.findings import Level
from generator.model import Alert, Severity
from tests.checks.conftest import ALERTS, DESC, RUNBOOK, at, demo, found, reported, where


def _alert(name: str, **fields: object) -> Alert:
    return Alert(name=name, expr="demo_queue_depth > 100", for_="5m", severity=Severity.WARNING,
                 summary="s", description=DESC, **fields)  # type: ignore[arg-type]


def test_alerts_with_runbooks_are_fine() -> None:
    with_runbooks = tuple(a.model_copy(update={"runbook": RUNBOOK}) for a in ALERTS)
    assert found(rules_runbook, demo(alerts=with_runbooks)) == []


def test_every_alert_without_a_runbook_is_a_warning_at_the_alert() -> None:
    findings = found(rules_runbook, demo())
    assert [(f.code, f.level, where(f)) for f in findings] == [
        ("KG303", Level.WARNING, at(alert)) for alert in ALERTS]
    assert findings[0].message == ("alert DemoErrors has no runbook; add runbook=Runbook("
                                   "meaning=..., impact=..., diagnosis=..., mitigation=...)")


def test_only_the_alert_missing_one_is_reported() -> None:
    missing = _alert("DemoQueueFull")
    integration = demo(alerts=(_alert("DemoErrors", runbook=RUNBOOK), missing))
    assert [where(f) for f in found(rules_runbook, integration)] == [at(missing)]


def test_a_suppressed_alert_is_not_reported() -> None:
    quiet = _alert("DemoQueueFull", suppress={"KG303": "informational, nothing to do"})
    assert found(rules_runbook, demo(alerts=(quiet,))) != []
    assert reported("KG303", demo(alerts=(quiet,))) == []
