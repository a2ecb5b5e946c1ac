"""KG203 metrics/unknown: every series a query reads is in the catalog (or recorded, or one
Prometheus writes itself), with the closest catalog name suggested."""

from __future__ import annotations

from generator.checks import metrics_unknown
from generator.findings import Level
from generator.model import Alert, Dashboard, Panel, Query, Row, Severity, Variable
from tests.checks.conftest import ALERTS, DESC, QUEUE, at, demo, found, reported, where


def test_the_demo_reads_only_its_catalog() -> None:
    assert found(metrics_unknown, demo()) == []


def test_a_misspelt_metric_is_an_error_with_a_suggestion() -> None:
    bad = Alert(name="DemoQueueFull", expr="demo_queue_dept > 100", for_="5m",
                severity=Severity.WARNING, summary="Queue full.", description=DESC,
                examples=QUEUE)
    (finding,) = found(metrics_unknown, demo(alerts=(*ALERTS[:1], bad)))
    assert (finding.code, finding.level, finding.metric) == ("KG203", Level.ERROR,
                                                             "demo_queue_dept")
    assert where(finding) == at(bad)
    assert finding.message == ("alert DemoQueueFull uses demo_queue_dept, which is not in the "
                               "metric catalog (did you mean demo_queue_depth?)")


def test_no_suggestion_when_nothing_is_close() -> None:
    bad = Query(expr="sum(rate(something_else_entirely[5m]))")
    board = Dashboard(title="D", rows=(Row(title="R", panels=(
        Panel(title="Other", description="d", unit="ops", queries=(bad,)),)),))
    (finding,) = found(metrics_unknown, demo(dashboards=(board,)))
    assert where(finding) == at(bad)
    assert finding.message.endswith("which is not in the metric catalog")


def test_series_of_a_histogram_recorded_series_and_prometheus_own_series_are_known() -> None:
    fine = Query(expr="sum(rate(demo_latency_seconds_count[5m])) + sum(up) "
                      "+ sum(scrape_duration_seconds) + sum(instance:demo_errors:rate5m)")
    board = Dashboard(title="D", rows=(Row(title="R", panels=(
        Panel(title="Fine", description="d", unit="ops", queries=(fine,)),)),))
    assert found(metrics_unknown, demo(dashboards=(board,))) == []


def test_the_suffix_a_histogram_does_not_have_is_unknown() -> None:
    bad = Query(expr="sum(rate(demo_latency_seconds_buckets[5m]))")
    board = Dashboard(title="D", rows=(Row(title="R", panels=(
        Panel(title="Typo", description="d", unit="ops", queries=(bad,)),)),))
    (finding,) = found(metrics_unknown, demo(dashboards=(board,)))
    assert "(did you mean demo_latency_seconds_bucket?)" in finding.message


def test_a_variable_over_an_unknown_metric_is_reported_at_the_variable() -> None:
    variable = Variable(name="instance", label="instance", metric="demo_queue")
    board = Dashboard(title="D", variables=(variable,), rows=(Row(title="R", panels=(
        Panel(title="Q", description="d", unit="short",
              queries=(Query(expr="demo_queue_depth"),)),)),))
    (finding,) = found(metrics_unknown, demo(dashboards=(board,)))
    assert where(finding) == at(variable)
    assert finding.message.startswith("variable instance uses demo_queue, ")


def test_a_suppressed_item_is_not_reported() -> None:
    bad = Alert(name="DemoQueueFull", expr="demo_queue_dept > 100", for_="5m",
                severity=Severity.WARNING, summary="Queue full.", description=DESC,
                examples=QUEUE, suppress={"KG203": "exposed by a sidecar we do not catalog"})
    assert reported("KG203", demo(alerts=(*ALERTS[:1], bad))) == []
