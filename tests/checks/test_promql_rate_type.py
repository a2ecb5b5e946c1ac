"""KG204 promql/rate-type: rate/increase/irate read counters (or a histogram's or summary's
_count/_sum/_bucket), and histogram_quantile reads _bucket series."""

from __future__ import annotations

import pytest

from generator.checks import promql_rate_type
from generator.findings import Level
from generator.model import Alert, Integration, Recording, Severity
from tests.checks.conftest import DESC, at, demo, found, reported, where

BUCKETS = Recording(record="job:demo_latency_seconds_bucket:rate5m",
                    expr="sum by (job, le) (rate(demo_latency_seconds_bucket[5m]))")
ERRORS_BY_JOB = Recording(record="job:demo_errors:sum", expr="sum by (job) (demo_errors_total)")


def _checked(alert: Alert) -> Integration:
    return demo(alerts=(alert,), recording_rules=(*demo().recording_rules, BUCKETS,
                                                  ERRORS_BY_JOB))


def _alert(expr: str, **fields: object) -> Alert:
    return Alert(name="DemoCheck", expr=expr, for_="5m", severity=Severity.WARNING,
                 summary="s", description=DESC, **fields)  # type: ignore[arg-type]


def test_the_demo_rates_only_counters() -> None:
    assert found(promql_rate_type, demo()) == []


@pytest.mark.parametrize("expr", [
    "rate(demo_errors_total[5m]) > 0",
    "increase(demo_wait_seconds_count[1h]) > 0",
    "irate(demo_wait_seconds_sum[5m]) > 0",
    "histogram_quantile(0.99, rate(demo_latency_seconds_bucket[5m])) > 1",
    "deriv(demo_queue_depth[5m]) > 0",
    "rate(demo_errors_total[5m:1m]) > 0",  # a subquery of the counter itself
    "max_over_time(rate(demo_errors_total[1m])[5m:1m]) > 0",
    "rate(last_over_time(demo_errors_total[5m])[10m:1m]) > 0",  # one of the counter's samples
    "histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[5m]))) > 1",
    "histogram_quantile(0.9, rate(demo_latency_seconds_bucket[5m]) and on (instance) "
    "demo_queue_depth > 0) > 1",  # a filter: the values are still the buckets'
    "histogram_quantile(0.9, job:demo_latency_seconds_bucket:rate5m) > 1",
    "histogram_quantile(0.9, sum by (le) (rate(nothing_here_bucket[5m]))) > 1",
])
def test_fitting_functions_are_fine(expr: str) -> None:
    assert found(promql_rate_type, _checked(_alert(expr))) == []


@pytest.mark.parametrize(("expr", "function", "series", "kind"), [
    ("rate(demo_queue_depth[5m]) > 100", "rate", "demo_queue_depth", "gauge"),
    ("increase(demo_wait_seconds[1h]) > 1", "increase", "demo_wait_seconds", "summary"),
    ("sum(irate(demo_queue_depth[5m])) > 1", "irate", "demo_queue_depth", "gauge"),
    ("rate(demo_queue_depth[5m:1m]) > 1", "rate", "demo_queue_depth", "gauge"),
    ("increase((demo_wait_seconds)[1h:5m]) > 1", "increase", "demo_wait_seconds", "summary"),
])
def test_a_rate_over_a_gauge_or_quantiles_is_an_error(expr: str, function: str, series: str,
                                                       kind: str) -> None:
    bad = _alert(expr)
    (finding,) = found(promql_rate_type, demo(alerts=(bad,)))
    assert (finding.code, finding.level, where(finding), finding.metric) == (
        "KG204", Level.ERROR, at(bad), series)
    assert finding.message == (f"alert DemoCheck applies {function}() to {series}, a {kind}; "
                               "rates only make sense over counters")


@pytest.mark.parametrize(("expr", "subject", "metric"), [
    ("rate(rate(demo_errors_total[1m])[5m:1m]) > 1", "rate(demo_errors_total[1m]), a result of "
     "rate()", "demo_errors_total"),
    ("rate(sum(demo_errors_total)[5m:1m]) > 1", "sum(demo_errors_total), a sum() over series, "
     "which hides each counter's resets (take the rate, then aggregate)", "demo_errors_total"),
    ("rate(avg_over_time(demo_errors_total[5m])[1h:5m]) > 1", "avg_over_time(demo_errors_total"
     "[5m]), a result of avg_over_time()", "demo_errors_total"),
    ("rate(max_over_time(demo_queue_depth[5m])[1h:5m]) > 1", "demo_queue_depth, a gauge",
     "demo_queue_depth"),
    ("rate(instance:demo_errors:rate5m[5m]) > 1", "instance:demo_errors:rate5m, recorded as "
     "rate(demo_errors_total[5m]), a result of rate()", "demo_errors_total"),
    ("rate(job:demo_errors:sum[5m]) > 1", "job:demo_errors:sum, recorded as "
     "sum by (job) (demo_errors_total), a sum() over series, which hides each counter's "
     "resets (take the rate, then aggregate)", "demo_errors_total"),
])
def test_a_rate_over_what_is_not_a_counter_is_an_error(expr: str, subject: str,
                                                        metric: str) -> None:
    bad = _alert(expr)
    (finding,) = found(promql_rate_type, _checked(bad))
    assert (finding.code, finding.level, where(finding), finding.metric) == (
        "KG204", Level.ERROR, at(bad), metric)
    assert finding.message == (f"alert DemoCheck applies rate() to {subject}; rates only make "
                               "sense over counters")


def test_histogram_quantile_over_a_sum_series_is_an_error() -> None:
    bad = _alert("histogram_quantile(0.9, demo_latency_seconds_sum) > 1")
    (finding,) = found(promql_rate_type, demo(alerts=(bad,)))
    assert (where(finding), finding.metric) == (at(bad), "demo_latency_seconds")
    assert finding.message == ("alert DemoCheck applies histogram_quantile() to "
                               "demo_latency_seconds_sum, not a histogram's _bucket series")


@pytest.mark.parametrize(("expr", "series", "metric"), [
    ("histogram_quantile(0.99, sum by (le) (rate(demo_errors_total[5m]))) > 1",
     "demo_errors_total", "demo_errors_total"),
    ("histogram_quantile(0.99, sum by (le) (rate(demo_latency_seconds_count[5m]))) > 1",
     "demo_latency_seconds_count", "demo_latency_seconds"),
    ("histogram_quantile(0.99, max by (le) (demo_queue_depth)) > 1", "demo_queue_depth",
     "demo_queue_depth"),
    ("histogram_quantile(0.99, job:demo_errors:sum) > 1",
     "demo_errors_total (through job:demo_errors:sum)", "demo_errors_total"),
])
def test_histogram_quantile_over_aggregated_non_buckets_is_an_error(expr: str, series: str,
                                                                    metric: str) -> None:
    bad = _alert(expr)
    (finding,) = found(promql_rate_type, _checked(bad))
    assert (finding.level, where(finding), finding.metric) == (Level.ERROR, at(bad), metric)
    assert finding.message == (f"alert DemoCheck applies histogram_quantile() to {series}, "
                               "not a histogram's _bucket series")


def test_series_outside_the_catalog_are_left_to_metrics_unknown() -> None:
    assert found(promql_rate_type, demo(alerts=(_alert("rate(nothing_here[5m]) > 1"),))) == []


def test_a_suppressed_alert_is_not_reported() -> None:
    bad = _alert("rate(demo_queue_depth[5m]) > 100",
                 suppress={"KG204": "the exporter mislabels this counter as a gauge"})
    assert found(promql_rate_type, demo(alerts=(bad,))) != []
    assert reported("KG204", demo(alerts=(bad,))) == []
