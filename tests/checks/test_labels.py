"""KG205 labels/unknown: grouping labels, label matchers and {{ $labels.x }} name labels the
queried series carry (catalog labels, job/instance, relabelled and external labels, le on
buckets, quantile on summaries, a recording rule's labels)."""

from __future__ import annotations

import pytest

from generator import promql
from generator.checks import labels
from generator.findings import Level
from generator.model import (
    Action,
    Alert,
    Dashboard,
    Flavor,
    Metric,
    MetricType,
    Panel,
    Query,
    Recording,
    Relabel,
    Row,
    ScrapeJob,
    Severity,
)
from tests.checks.conftest import ERROR_RATE, JOB, at, demo, found, reported, where

VALUE = "{{ $value }} of them."
"""A description naming no label, for alerts whose result keeps none of the demo's."""


def _alert(expr: str, description: str = VALUE, **fields: object) -> Alert:
    return Alert(name="DemoCheck", expr=expr, for_="5m", severity=Severity.WARNING,
                 summary="s", description=description, **fields)  # type: ignore[arg-type]


def test_the_demo_uses_only_labels_its_series_carry() -> None:
    assert found(labels, demo()) == []


@pytest.mark.parametrize("expr", [
    "sum by (code, job, instance) (rate(demo_errors_total[5m])) > 0",
    "sum by (addr) (demo_queue_depth) > 0",  # set by the demo job's relabel step
    "histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[5m]))) > 1",
    'max by (quantile) (demo_wait_seconds{quantile="0.99"}) > 1',
    "sum by (code) (instance:demo_errors:rate5m) > 0",  # through the recording rule
    'label_replace(demo_queue_depth, "x", "$1", "job", "(.*)") > 0',  # invents labels: skipped
    "sum by (pod) (not_in_the_catalog) > 0",  # unknown series: skipped
])
def test_labels_the_series_carry_are_fine(expr: str) -> None:
    assert found(labels, demo(alerts=(_alert(expr),))) == []


def test_external_labels_and_recording_rule_labels_count() -> None:
    rule = Recording(record="demo:queue:max", expr="max(demo_queue_depth)",
                     labels={"tier": "x"})
    alert = _alert("sum by (cluster, tier) (demo:queue:max) > 0")
    integration = demo(external_labels=("cluster",), recording_rules=(ERROR_RATE, rule),
                       alerts=(alert,))
    assert found(labels, integration) == []


def test_a_grouping_label_no_series_carries_is_an_error() -> None:
    query = Query(expr="sum by (status) (rate(demo_errors_total[5m]))")
    board = Dashboard(title="D", rows=(Row(title="R", panels=(
        Panel(title="Errors", description="d", unit="ops", queries=(query,)),)),))
    (finding,) = found(labels, demo(dashboards=(board,)))
    assert (finding.code, finding.level, where(finding)) == ("KG205", Level.ERROR, at(query))
    assert finding.message == ("panel 'Errors' uses label 'status', which none of its series "
                               "carry (addr, code, instance, job)")


def test_a_template_label_no_series_carries_is_an_error() -> None:
    bad = _alert("demo_queue_depth > 100", "On {{ $labels.pod }}: {{ $value }}.")
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert where(finding) == at(bad)
    assert finding.message.startswith("alert DemoCheck description uses label 'pod', which "
                                      "none of its ")


def test_a_template_label_in_an_alert_label_value_is_checked() -> None:
    """Alertmanager routes on labels: `team: "{{ $labels.namespace }}"` over series without a
    namespace routes every alert to the default receiver."""
    bad = _alert("demo_queue_depth > 100", labels={"team": "{{ $labels.namespace }}"})
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert (finding.code, finding.level, where(finding)) == ("KG205", Level.ERROR, at(bad))
    assert finding.message == ("alert DemoCheck label team uses label 'namespace', which none "
                               "of its series carry (addr, instance, job)")


@pytest.mark.parametrize(("expr", "template", "label", "kept"), [
    ("sum by (job) (demo_queue_depth) > 100", "{{ $labels.instance }}", "instance", "only job"),
    ("sum(demo_queue_depth) > 100", "{{ $labels.instance }}", "instance", "no labels"),
    ("demo_queue_depth > on (job) demo_wait_seconds_count", "{{ $labels.instance }}",
     "instance", "only job"),
    ("histogram_quantile(0.9, sum by (le, job) (rate(demo_latency_seconds_bucket[5m]))) > 1",
     "{{ $labels.le }}", "le", "only job"),
    ('count_values("depth", demo_queue_depth) > 1', "{{ $labels.instance }}", "instance",
     "only depth"),
    ("sum without (instance) (rate(demo_errors_total[5m])) > 1", "{{ $labels.instance }}",
     "instance", "only addr, code, job"),
])
def test_a_template_label_the_expression_drops_is_an_error(expr: str, template: str,
                                                           label: str, kept: str) -> None:
    """The series carry the label, but the alert's result does not: the text would be empty."""
    bad = _alert(expr, labels={"where": template})
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert (finding.code, finding.level, where(finding)) == ("KG205", Level.ERROR, at(bad))
    assert finding.message == (f"alert DemoCheck label where uses label {label!r}, which its "
                               f"expression does not keep (its result carries {kept})")


@pytest.mark.parametrize("expr", [
    "sum by (instance) (demo_queue_depth) > 100",
    "sum without (addr) (demo_queue_depth) > 100",
    "topk(1, demo_queue_depth) > 100",
    "max_over_time(demo_queue_depth[5m]) > 100",
    "demo_queue_depth > on (instance) group_left demo_wait_seconds_count",
    "demo_queue_depth and on (job) demo_wait_seconds_count > 1",
    "demo_queue_depth > ignoring (addr) demo_wait_seconds_count",
    "demo_wait_seconds_count < on (job) group_right demo_queue_depth",
    "100 < demo_queue_depth",
    "instance:demo_errors:rate5m > 0",
    "absent(demo_queue_depth{instance=\"a\"})",
])
def test_template_labels_the_result_keeps_are_fine(expr: str) -> None:
    good = _alert(expr, "On {{ $labels.instance }}.", labels={"host": "{{ $labels.instance }}"})
    assert found(labels, demo(alerts=(good,))) == []


@pytest.mark.parametrize(("expr", "label"), [
    ("demo_queue_depth > on (node) demo_wait_seconds_count", "node"),
    ("sum by (le) (demo_wait_seconds_count) > 100", "le"),
    ("sum without (quantile) (demo_queue_depth) > 1", "quantile"),
])
def test_grouping_and_matching_clauses_are_read(expr: str, label: str) -> None:
    bad = _alert(expr)
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert where(finding) == at(bad) and f"uses label {label!r}" in finding.message


def test_a_matcher_on_a_label_the_metric_does_not_carry_is_an_error() -> None:
    bad = _alert('demo_queue_depth{queue="a"} > 100')
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert where(finding) == at(bad)
    assert finding.message == ("alert DemoCheck matches on label 'queue', which "
                               "demo_queue_depth does not carry (addr, instance, job)")


def test_relabel_targets_starting_with_underscores_are_not_labels() -> None:
    step = Relabel(action=Action.REPLACE, source_labels=("x",), target_label="__tmp")
    job = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, relabel_configs=(step,))
    bad = _alert("sum by (__tmp) (demo_queue_depth) > 1")
    (finding,) = found(labels, demo(alerts=(bad,), scrape_jobs=(JOB, job)))
    assert "uses label '__tmp'" in finding.message


def test_grouping_labels_reads_every_clause() -> None:
    expr = ("sum by (a) (x) / on (b) group_left (c) sum without (d) (y) "
            "+ ignoring (e) rate(z[5m])")
    assert sorted(labels.grouping_labels(promql.parse(expr))) == ["a", "b", "c", "d", "e"]


def test_a_suppressed_alert_is_not_reported() -> None:
    bad = _alert('demo_queue_depth{queue="a"} > 100',
                 suppress={"KG205": "the label comes from a federation we do not model"})
    assert found(labels, demo(alerts=(bad,))) != []
    assert reported("KG205", demo(alerts=(bad,))) == []


def test_a_metric_named_like_label_replace_is_still_checked() -> None:
    metric = Metric(name="demo_label_replace_total", type=MetricType.COUNTER, unit="calls",
                    help="h")
    bad = _alert("sum by (pod) (rate(demo_label_replace_total[5m])) > 0")
    (finding,) = found(labels, demo(metrics=(*demo().metrics, metric), alerts=(bad,)))
    assert where(finding) == at(bad) and "uses label 'pod'" in finding.message


def test_a_query_that_invents_labels_is_skipped() -> None:
    good = _alert('sum by (pod) (label_replace(demo_queue_depth, "pod", "$1", "instance", '
                  '"(.*)")) > 0')
    assert found(labels, demo(alerts=(good,))) == []


def test_a_matcher_inside_an_or_selector_is_read() -> None:
    """`{a="1" or b="2"}` matches on b too. Prometheus does not parse such a selector, so
    promql/syntax refuses it and this check never runs on one in a build; alone it still reads
    both sides."""
    bad = _alert('demo_queue_depth{job="demo" or queue="a"} > 100')
    (finding,) = found(labels, demo(alerts=(bad,)))
    assert (finding.code, where(finding)) == ("KG205", at(bad))
    assert finding.message == ("alert DemoCheck matches on label 'queue', which "
                               "demo_queue_depth does not carry (addr, instance, job)")
    assert [f.code for f in reported("KG101", demo(alerts=(bad,)))] == ["KG101", "KG101"]
    assert reported("KG205", demo(alerts=(bad,))) == []
