"""The etcd rules behave like the upstream etcd mixin on upstream's own alert scenarios.

Each scenario of tests/vendor/etcd-mixin/alert-checks.yaml (vendored from upstream, see
tests/vendor/README.md) becomes a promtool unit-test group; each check asks how many firing
ALERTS series carry the expected labels at that time. Upstream's scenarios assume upstream's
thresholds, so they run against the rules the etcd spec produces with its default config.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import VENDOR

CHECKS = VENDOR / "etcd-mixin" / "alert-checks.yaml"


@pytest.fixture
def rules(default_rules: Path) -> Path:
    return default_rules / "out" / "prometheus" / "rules" / "etcd.yaml"


def _selector(check: dict[str, Any]) -> str:
    labels = {"alertname": check["alert"], "alertstate": "firing", **check.get("labels", {})}
    return ", ".join(f'{name}="{value}"' for name, value in labels.items())


def _expr_test(check: dict[str, Any]) -> dict[str, Any]:
    fires = check["fires"]
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
             "promql_expr_test": [_expr_test(check) for check in scenario["checks"]]}
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
