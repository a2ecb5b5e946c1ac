"""`cluster_label`: one ruler over many clusters. The label survives every aggregation, so an
alert fires for the cluster that failed, and dashboards filter by it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import promql_parser as pp
import pytest
import yaml

from generator.build import build_project, load_specs
from generator.project import Project
from generator.promql import keep_label, parse
from tests.support import SPECS

PROJECT = Project(specs_dir=SPECS, targets=("prometheus-rules", "grafana"), cluster_label="cluster")


@pytest.mark.parametrize(("expr", "expected"), [
    ("sum(rate(x[5m]))", "sum by (cluster) (rate(x[5m]))"),
    ("sum by (job) (x) / on (job) group_left (a) count without (cluster, b) (y)",
     "sum by (job, cluster) (x) / on (job, cluster) group_left (a) count without (b) (y)"),
    ("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))",
     "histogram_quantile(0.99, sum by (le, cluster) (rate(x_bucket[5m])))"),
    ("x > bool on () y", "x > bool on (cluster) y"),
    ("max_over_time(sum(x)[5m:1m])", "max_over_time(sum by (cluster) (x)[5m:1m])"),
    ("(a - b)[5m:1m]", "(a - b)[5m:1m]"),
    ("a + b * c > on (job) d", "a + b * c > on (job, cluster) d"),
    ("a + on (job) fill (0) b", "a + on (job, cluster) fill (0) b"),
    ("sum by (cluster) (x)", "sum by (cluster) (x)"),
])
def test_keep_label(expr: str, expected: str) -> None:
    assert keep_label(expr, "cluster") == str(parse(expected).prettify())


def _aggregations(node: Any) -> list[Any]:
    found: list[Any] = []

    def visit(child: Any) -> None:
        if isinstance(child, pp.AggregateExpr):
            found.append(child)

    pp.walk(node, visit)  # type: ignore[arg-type]
    return found


def _queries() -> list[str]:
    specs = load_specs(PROJECT)
    return [q for spec in specs for q in (
        *(r.expr for r in spec.integration.recording_rules),
        *(a.expr for a in spec.integration.alerts),
        *(q.expr for d in spec.integration.dashboards for row in d.rows for p in row.panels
          for q in p.queries))]


def test_every_shipped_aggregation_keeps_the_cluster() -> None:
    queries = _queries()
    assert len(queries) > 60
    for expr in queries:
        kept = keep_label(expr, "cluster")
        assert keep_label(kept, "cluster") == kept, "not idempotent"
        for aggregation in _aggregations(parse(kept)):
            labels = list(aggregation.modifier.labels) if aggregation.modifier else []
            modifier = aggregation.modifier
            without = modifier is not None and modifier.type == pp.AggModifierType.Without
            assert ("cluster" not in labels) if without else ("cluster" in labels), expr


def test_quorum_loss_in_one_of_two_clusters_fires_for_that_cluster(
    promtool: str, tmp_path: Path
) -> None:
    """Two clusters whose etcd jobs share a name: 4 of 6 members up hides cluster b's lost
    quorum from a per-job sum; with the cluster label it fires, for b alone."""
    files = build_project(PROJECT)
    (tmp_path / "etcd.yaml").write_bytes(files["prometheus/rules/etcd.yaml"])
    series = [{"series": f'up{{job="etcd", cluster="{c}", instance="m{i}"}}',
               "values": "1x10" if c == "a" or i == 0 else "0x10"}
              for c in "ab" for i in range(3)]
    case = {
        "rule_files": ["etcd.yaml"],
        "evaluation_interval": "1m",
        "tests": [{
            "interval": "1m",
            "input_series": series,
            "alert_rule_test": [{
                "eval_time": "5m",
                "alertname": "etcdInsufficientMembers",
                "exp_alerts": [{
                    "exp_labels": {"severity": "critical", "job": "etcd", "cluster": "b"},
                    "exp_annotations": {
                        "summary": "An etcd cluster has lost its quorum.",
                        "description": "Only 1 member(s) of cluster etcd are up, fewer than a "
                                       "majority: the cluster accepts no writes, and the "
                                       "Kubernetes API stalls.",
                        "runbook_url": "out/docs/etcd.md#etcdinsufficientmembers",
                    },
                }],
            }],
        }],
    }
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    done = subprocess.run([promtool, "test", "rules", "test.yaml"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _promtool_test(promtool: str, tmp_path: Path, rules: str, case: dict[str, Any]) -> str:
    files = build_project(PROJECT)
    (tmp_path / "rules.yaml").write_bytes(files[rules])
    (tmp_path / "test.yaml").write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", **case}),
        encoding="utf-8")
    done = subprocess.run([promtool, "test", "rules", "test.yaml"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    return "" if done.returncode == 0 else done.stdout + done.stderr


@pytest.mark.parametrize(("rules", "series", "alert"), [
    ("prometheus/rules/etcd.yaml", 'up{{job="etcd", cluster="{c}", instance="m{i}"}}',
     "etcdMetricsAbsent"),
    ("prometheus/rules/calico.yaml",
     'up{{job="calico-node", cluster="{c}", instance="10.0.0.{i}:9091", node="n{i}"}}',
     "CalicoMetricsAbsent"),
])
def test_targets_gone_from_one_of_two_clusters_fire_for_that_cluster(
    promtool: str, tmp_path: Path, rules: str, series: str, alert: str
) -> None:
    """Cluster b's targets vanish at 5m; a's stay. One alert, for b, after `for` (10m); none
    while both clusters have targets, and none for a ruler that merely never saw a cluster."""
    inputs = [{"series": series.format(c=c, i=i), "values": "1x30" if c == "a" else "1x4 stale"}
              for c in "ab" for i in range(2)]
    count = f'count by (cluster) (ALERTS{{alertname="{alert}", alertstate="firing"}})'
    case = {"tests": [{
        "interval": "1m",
        "input_series": inputs,
        "promql_expr_test": [
            {"expr": count, "eval_time": "4m", "exp_samples": []},
            {"expr": count, "eval_time": "14m", "exp_samples": []},
            {"expr": count, "eval_time": "20m",
             "exp_samples": [{"labels": '{cluster="b"}', "value": 1}]},
        ],
    }]}
    assert not _promtool_test(promtool, tmp_path, rules, case)


def test_dashboards_filter_by_cluster() -> None:
    files = build_project(PROJECT)
    boards = [json.loads(data) for path, data in files.items() if path.endswith(".json")
              and path.startswith("grafana/")]
    assert len(boards) == sum(len(s.integration.dashboards) for s in load_specs(PROJECT)) > 0
    for board in boards:
        variables = board["templating"]["list"]
        assert [v["name"] for v in variables][:2] == ["datasource", "cluster"]
        for panel in board["panels"]:
            for target in panel.get("targets", []):
                assert 'cluster=~"$cluster"' in target["expr"], target["expr"]
