"""KG202 metrics/unused: a warning for a catalog metric nothing reads."""

from __future__ import annotations

from generator.checks import metrics_unused
from generator.findings import Level
from generator.model import Metric, MetricType
from tests.checks.conftest import METRICS, at, demo, found, reported, where


def test_every_demo_metric_is_read() -> None:
    assert found(metrics_unused, demo()) == []


def test_an_unread_metric_is_a_warning_at_the_metric() -> None:
    spare = Metric(name="demo_spare_total", type=MetricType.COUNTER, unit="x", help="h")
    (finding,) = found(metrics_unused, demo(metrics=(*METRICS, spare)))
    assert (finding.code, finding.level, finding.metric) == ("KG202", Level.WARNING,
                                                             "demo_spare_total")
    assert where(finding) == at(spare)
    assert finding.message == ("metric demo_spare_total is in the catalog but no rule or panel "
                               "uses it")


def test_reading_one_series_of_a_histogram_uses_it() -> None:
    """Without rules, the panels read demo_latency_seconds_bucket only: enough for the
    histogram; the summary demo_wait_seconds is read by nothing left."""
    findings = found(metrics_unused, demo(alerts=(), recording_rules=()))
    assert [(f.metric, where(f)) for f in findings] == [("demo_wait_seconds", at(METRICS[3]))]


def test_metrics_read_only_by_what_was_removed_become_unused() -> None:
    findings = found(metrics_unused, demo(dashboards=()))
    assert [(f.metric, where(f)) for f in findings] == [
        ("demo_latency_seconds", at(METRICS[2]))]


def test_a_suppressed_metric_is_not_reported() -> None:
    spare = Metric(name="demo_spare_total", type=MetricType.COUNTER, unit="x", help="h",
                   suppress={"KG202": "kept for ad-hoc queries"})
    assert reported("KG202", demo(metrics=(*METRICS, spare))) == []
