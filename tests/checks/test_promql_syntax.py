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


def test_a_syntax_error_cannot_be_suppressed() -> None:
    """kgen parses every query to scope and render it, so a suppressed syntax error would only
    fail later, away from its line: the error stays, and so does a word on the suppression."""
    bad = Alert(name="DemoQueueFull", expr="demo_queue_depth > ", for_="5m",
                severity=Severity.WARNING, summary="Queue full.", description=DESC,
                suppress={"KG101": "written for a newer Prometheus"})
    findings = reported("KG101", demo(alerts=(*ALERTS[:1], bad)))
    assert [(f.level, where(f)) for f in findings] == [
        (Level.ERROR, at(bad)), (Level.ERROR, at(bad)), (Level.INFO, at(bad))]
    assert findings[0].message.startswith("alert DemoQueueFull: ")
    assert findings[1].message == (
        "suppressing KG101 is refused: kgen parses every query to scope and render it, so "
        "one that does not parse cannot be built; fix the query or leave it out")


def test_suppressing_it_on_a_query_that_parses_is_still_an_error() -> None:
    alert = Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m",
                  severity=Severity.WARNING, summary="Queue full.", description=DESC,
                  examples=QUEUE, suppress={"KG101": "just in case"})
    (finding,) = reported("KG101", demo(alerts=(*ALERTS[:1], alert)))
    assert (finding.level, where(finding)) == (Level.ERROR, at(alert))
    assert finding.message.startswith("suppressing KG101 is refused: ")


def test_the_later_checks_wait_for_every_query_to_parse_and_say_so() -> None:
    bad = Alert(name="queue", expr="demo_queue_dept > ", for_="5m", severity=Severity.WARNING,
                summary="Queue full.", description=DESC)
    integration = demo(alerts=(*ALERTS, bad))
    assert reported("KG301", integration) == []  # the lower-case name waits for the syntax
    findings = reported("KG101", integration)
    assert [(f.level, where(f)) for f in findings] == [(Level.ERROR, at(bad)),
                                                       (Level.INFO, at(bad))]
    assert findings[1].message == ("the checks after promql/syntax did not run: they read "
                                   "parsed queries, so fix every KG101 error first")
    assert reported("KG301", demo(alerts=(*ALERTS, bad.model_copy(
        update={"expr": "demo_queue_depth > 1"})))) != []


def test_an_or_inside_a_selector_is_an_error_at_the_query() -> None:
    """promql-parser reads `{a="1" or b="2"}`; Prometheus (promtool 2.42) does not, so the
    rule file would be refused at deploy, and the checks would misread the selector."""
    bad = Alert(name="DemoQueueFull", expr='demo_queue_depth{job="demo" or instance="a"} > 1',
                for_="5m", severity=Severity.WARNING, summary="Queue full.", description=DESC,
                examples=QUEUE)
    (finding,) = found(promql_syntax, demo(alerts=(*ALERTS[:1], bad)))
    assert (finding.code, finding.level, where(finding)) == ("KG101", Level.ERROR, at(bad))
    assert finding.message == (
        'alert DemoQueueFull: demo_queue_depth{job="demo" or instance="a"} uses `or` between '
        "label matchers, which Prometheus does not parse; write a selector for each side and "
        "join them with the `or` operator")
    queue = panel("Queue", 'max(rate(demo_errors_total{code="500" or code="503"}[5m]))',
                  unit="short", description="d")
    board = Dashboard(title="Demo", rows=(Row(title="All", panels=(queue,)),))
    (finding,) = found(promql_syntax, demo(dashboards=(board,)))
    assert where(finding) == at(queue)
    assert finding.message.startswith("panel 'Queue': demo_errors_total{code=\"500\" or ")


def test_an_or_in_an_aggregation_parameter_is_reported_once_per_selector() -> None:
    """topk's k is a query of its own: promtool refuses an `or` there as anywhere. The same
    selector written twice in one query is one finding."""
    either = 'demo_queue_depth{job="demo" or queue="a"}'
    for expr in (f"topk(scalar({either}), demo_queue_depth) > 1", f"{either} / {either} > 1"):
        bad = Alert(name="DemoQueueFull", for_="5m", severity=Severity.WARNING, expr=expr,
                    summary="Queue full.", description=DESC, examples=QUEUE)
        (finding,) = found(promql_syntax, demo(alerts=(*ALERTS[:1], bad)))
        assert (finding.code, where(finding)) == ("KG101", at(bad))
        assert f"{either} uses `or`" in finding.message


def test_an_or_in_the_integration_selector_is_an_error_at_the_integration() -> None:
    """Scoping would otherwise add none of its matchers to the queries."""
    integration = demo(selector='job="demo" or job="other"')
    (finding,) = found(promql_syntax, integration)
    assert (finding.code, where(finding)) == ("KG101", at(integration))
    assert finding.message == ("selector 'job=\"demo\" or job=\"other\"': uses `or` between "
                               "label matchers, which Prometheus does not parse; it is added "
                               "to every selector, so it must be label matchers joined by "
                               "commas")
