"""KG101 promql/syntax: every query and the integration's selector parse."""

from __future__ import annotations

from generator.checks import promql_syntax
from generator.findings import Level
from generator.kit import panel
from generator.model import Alert, Dashboard, Row, Severity
from tests.checks.conftest import ALERTS, DESC, QUEUE, at, demo, found, reported, where


def test_the_demo_parses() -> None:
    assert found(promql_syntax, demo()) == []


def test_an_alert_that_does_not_parse_is_an_error_at_the_alert() -> None:
    bad = Alert(name="DemoQueueFull", expr="demo_queue_depth > ", for_="5m",
                severity=Severity.WARNING, summary="Queue full.", description=DESC,
                examples=QUEUE)
    (finding,) = found(promql_syntax, demo(alerts=(*ALERTS[:1], bad)))
    assert (finding.code, finding.level) == ("KG101", Level.ERROR)
    assert where(finding) == at(bad)
    assert finding.message.startswith("alert DemoQueueFull: ")


def test_a_kit_panel_query_is_reported_at_the_line_calling_the_kit() -> None:
    queue = panel("Queue", "max by (instance) (demo_queue_depth", unit="short", description="d")
    board = Dashboard(title="Demo", rows=(Row(title="All", panels=(queue,)),))
    (finding,) = found(promql_syntax, demo(dashboards=(board,)))
    assert where(finding) == at(queue.queries[0]) == at(queue)
    assert finding.message.startswith("panel 'Queue': ")


def test_every_bad_query_is_reported() -> None:
    bad = [Alert(name=f"DemoBad{n}", expr="rate(demo_errors_total[5m]", for_="5m",
                 severity=Severity.WARNING, summary="s", description=DESC) for n in (1, 2)]
    assert [where(f) for f in found(promql_syntax, demo(alerts=tuple(bad)))] == \
        [at(alert) for alert in bad]


def test_a_selector_that_does_not_parse_is_an_error_at_the_integration() -> None:
    integration = demo(selector='job~"demo"')
    findings = found(promql_syntax, integration)
    assert [(f.code, where(f)) for f in findings] == [("KG101", at(integration))]
    assert findings[0].message == ("selector 'job~\"demo\"': unexpected character inside "
                                   "braces: '~'")


def test_a_suppressed_syntax_error_is_dropped_and_still_stops_the_later_checks() -> None:
    bad = Alert(name="queue", expr="demo_queue_dept > ", for_="5m", severity=Severity.WARNING,
                summary="Queue full.", description=DESC,
                suppress={"KG101": "written for a newer Prometheus"})
    integration = demo(alerts=(*ALERTS, bad))
    assert reported("KG101", integration) == []
    assert reported("KG301", integration) == []  # its name is not checked: nothing after KG101
