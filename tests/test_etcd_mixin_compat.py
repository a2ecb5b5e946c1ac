"""The etcd rules behave like the upstream etcd mixin on upstream's own alert scenarios.

Each scenario of tests/vendor/etcd-mixin/alert-checks.yaml (vendored from upstream, see
tests/vendor/README.md) becomes a promtool unit-test group; each check asks how many firing
ALERTS series carry the expected labels at that time. Upstream's scenarios assume upstream's
thresholds, so they run against the rules the etcd spec produces with its default config.
Where kgen's rules deliberately behave otherwise (`DEVIATIONS`, each with its reason), the
scenario must give the opposite answer, so the list cannot go stale.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import VENDOR

CHECKS = VENDOR / "etcd-mixin" / "alert-checks.yaml"
DEVIATIONS = {
    ("upstream etcd-mixin test group 4", "etcdHighNumberOfLeaderChanges"):
        "upstream takes the increase of the highest member's counter, which reads a restart of "
        "the member that has counted the most changes as a burst of changes (KG204: an "
        "aggregation hides each counter's resets); kgen takes each member's increase, then the "
        "highest. Here the counters keep dropping to 0 (restarts): each member counts at most 3 "
        "changes, where upstream's reading adds up 4",
}
"""(scenario, alert) -> why kgen's rules answer otherwise than upstream expects."""


@pytest.fixture
def rules(default_rules: Path) -> Path:
    return default_rules / "out" / "prometheus" / "rules" / "etcd.yaml"


def _selector(check: dict[str, Any]) -> str:
    labels = {"alertname": check["alert"], "alertstate": "firing", **check.get("labels", {})}
    return ", ".join(f'{name}="{value}"' for name, value in labels.items())


def _expr_test(scenario: str, check: dict[str, Any]) -> dict[str, Any]:
    fires = check["fires"]
    if (scenario, check["alert"]) in DEVIATIONS:
        fires = 0 if fires else 1
    samples = [{"labels": "{}", "value": fires}] if fires else []
    return {"expr": f"count(ALERTS{{{_selector(check)}}})", "eval_time": check["at"],
            "exp_samples": samples}


def unit_tests(reference: dict[str, Any], rules: Path) -> dict[str, Any]:
    """A promtool test file with one group per upstream scenario."""
    return {
        "rule_files": [str(rules.resolve())],
        "evaluation_interval": reference["evaluation_interval"],
        "tests": [
            {"name": scenario["name"], "interval": scenario["interval"],
             "input_series": scenario["input_series"],
             "promql_expr_test": [_expr_test(scenario["name"], check)
                                  for check in scenario["checks"]]}
            for scenario in reference["scenarios"]
        ],
    }


def test_every_upstream_scenario_passes(promtool: str, rules: Path, tmp_path: Path) -> None:
    reference = yaml.safe_load(CHECKS.read_text())
    assert sum(len(s["checks"]) for s in reference["scenarios"]) >= 10
    test_file = tmp_path / "etcd-mixin-compat.yaml"
    test_file.write_text(yaml.safe_dump(unit_tests(reference, rules), sort_keys=False))
    result = subprocess.run([promtool, "test", "rules", str(test_file)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_deviation_names_an_upstream_check() -> None:
    reference = yaml.safe_load(CHECKS.read_text())
    checks = {(s["name"], c["alert"]) for s in reference["scenarios"] for c in s["checks"]}
    assert set(DEVIATIONS) <= checks


def test_a_wrong_expectation_fails(promtool: str, rules: Path, tmp_path: Path) -> None:
    """The harness can fail: flipping one expectation makes promtool report a mismatch."""
    reference = yaml.safe_load(CHECKS.read_text())
    first = reference["scenarios"][0]
    first["checks"] = [{**first["checks"][0], "fires": 1 - first["checks"][0]["fires"]}]
    reference["scenarios"] = [first]
    test_file = tmp_path / "flipped.yaml"
    test_file.write_text(yaml.safe_dump(unit_tests(reference, rules), sort_keys=False))
    result = subprocess.run([promtool, "test", "rules", str(test_file)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
