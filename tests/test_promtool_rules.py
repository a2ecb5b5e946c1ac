"""The generated alert rules pass `promtool check rules` and every promtool unit test file."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import OUT, ROOT

RULE_FILES = sorted((OUT / "prometheus" / "rules").glob("*.yaml"))
TEST_FILES = sorted((ROOT / "tests" / "rules").glob("*_test.yaml"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_every_rule_file(promtool: str) -> None:
    assert RULE_FILES, "no generated rule files under out/prometheus/rules"
    result = _run([promtool, "check", "rules", *map(str, RULE_FILES)], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_file_has_unit_tests() -> None:
    tested = {f.name.removesuffix("_test.yaml") for f in TEST_FILES}
    assert {f.stem for f in RULE_FILES} <= tested


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests(promtool: str, test_file: Path) -> None:
    result = _run([promtool, "test", "rules", test_file.name], test_file.parent)
    assert result.returncode == 0, result.stdout + result.stderr
