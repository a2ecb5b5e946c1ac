"""The generated alert rules pass `promtool check rules`, and the hand-written promtool unit
tests (tests/rules/*_test.yaml, which state behaviour at each spec's default config) pass
against the rules the specs produce at those defaults."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support import INTEGRATIONS, OUT, ROOT

RULE_FILES = sorted((OUT / "prometheus" / "rules").glob("*.yaml"))
TEST_FILES = sorted((ROOT / "tests" / "rules").glob("*_test.yaml"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_every_rule_file(promtool: str) -> None:
    assert RULE_FILES, f"no generated rule files under {OUT}/prometheus/rules"
    result = _run([promtool, "check", "rules", *map(str, RULE_FILES)], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_integration_has_alert_tests() -> None:
    """A promtool test file, or the test module `kgen new` scaffolds."""
    tests = ROOT / "tests"
    untested = [name for name in INTEGRATIONS
                if not (tests / "rules" / f"{name}_test.yaml").is_file()
                and not (tests / f"test_{name.replace('-', '_')}.py").is_file()]
    assert not untested


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests(promtool: str, default_rules: Path, test_file: Path) -> None:
    copy = default_rules / "tests" / "rules" / test_file.name
    result = _run([promtool, "test", "rules", copy.name], copy.parent)
    assert result.returncode == 0, result.stdout + result.stderr
