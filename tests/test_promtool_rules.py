"""The generated alert rules pass `promtool check rules` (their examples: test_rule_examples.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support import OUT, ROOT

RULE_FILES = sorted((OUT / "prometheus" / "rules").glob("*.yaml"))


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_promtool_checks_every_rule_file(promtool: str) -> None:
    assert RULE_FILES, f"no generated rule files under {OUT}/prometheus/rules"
    result = _run([promtool, "check", "rules", *map(str, RULE_FILES)], ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
