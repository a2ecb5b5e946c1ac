"""The etcd rule file passes `promtool check rules`, keeps the mixin's alert names and takes
its knobs; the examples in specs/etcd/alerts.py prove its behaviour
(tests/test_rule_examples.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from generator.build import build
from tests.support import SPECS


@pytest.fixture
def rules(default_rules: Path) -> Path:
    return default_rules / "out" / "prometheus" / "rules" / "etcd.yaml"



UPSTREAM_ALERTS = {
    "etcdMembersDown", "etcdInsufficientMembers", "etcdNoLeader", "etcdHighNumberOfLeaderChanges",
    "etcdHighNumberOfFailedGRPCRequests", "etcdGRPCRequestsSlow", "etcdMemberCommunicationSlow",
    "etcdHighNumberOfFailedProposals", "etcdHighFsyncDurations", "etcdHighCommitDurations",
    "etcdDatabaseQuotaLowSpace", "etcdExcessiveDatabaseGrowth",
    "etcdDatabaseHighFragmentationRatio",
}
"""The alert names of the upstream etcd mixin: a drop-in must keep every one."""
SEED_ALERTS = {"etcdMetricsAbsent", "etcdHighRequestRate"}


def _promtool(promtool: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool, *map(str, args)], capture_output=True, text=True, timeout=60)


def test_rule_file_passes_promtool_check(promtool: str, rules: Path) -> None:
    result = _promtool(promtool, "check", "rules", rules)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 21 rules found" in result.stdout


def test_alert_names_are_upstream_plus_seed(rules: Path) -> None:
    assert _alert_names(rules) == UPSTREAM_ALERTS | SEED_ALERTS


def _alert_names(rules: Path) -> set[str]:
    return {line.split(":", 1)[1].strip() for line in rules.read_text().splitlines()
            if line.startswith("  - alert:")}


def test_knobs_reach_the_rules(promtool: str, tmp_path: Path) -> None:
    """Members told apart by `instance` alone, a 20m latency window, one job."""
    values = {"etcd": {"instance_labels": ["instance"], "latency_for": "20m",
                       "selector": 'job="etcd-main"'}}
    rules = build(SPECS, ("prometheus-rules",), values)["prometheus/rules/etcd.yaml"]
    path = tmp_path / "etcd.yaml"
    path.write_bytes(rules)
    assert _promtool(promtool, "check", "rules", path).returncode == 0
    document = yaml.safe_load(rules)
    recorded, alerts = document["groups"][0]["rules"], document["groups"][1]["rules"]
    assert all('job="etcd-main"' in r["expr"] for r in recorded)
    quorum = "".join(a["expr"] for a in alerts if a["alert"] == "etcdInsufficientMembers")
    assert 'sum without (instance, sysdig_k8s_pod_uid) (up{job="etcd-main"} == bool 1)' in quorum
    assert " by " not in "".join(a["expr"] for a in alerts)
    assert {a["for"] for a in alerts if a["alert"] == "etcdHighFsyncDurations"} == {"20m"}
