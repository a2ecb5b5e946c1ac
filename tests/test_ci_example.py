"""The CI example in docs/ci.md and the pre-commit hooks run as written, on this repository."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}


def _workflow() -> dict[str, object]:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"## GitHub Actions\n\n```yaml\n(.*?)```", text, re.S)
    assert block, "docs/ci.md lost its workflow"
    workflow: dict[str, object] = yaml.safe_load(block.group(1))
    return workflow


def _gates() -> list[str]:
    jobs = _workflow()["jobs"]
    assert isinstance(jobs, dict)
    steps = [step for job in jobs.values() for step in job["steps"] if "run" in step]
    return [step["run"] for step in steps if not re.search(r"apt-get|pip install", step["run"])]


@pytest.mark.parametrize("command", _gates())
def test_workflow_gate_passes_on_this_repository(command: str) -> None:
    done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=ENV, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _hooks() -> list[dict[str, str]]:
    hooks: list[dict[str, str]] = yaml.safe_load(
        (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hooks


def test_hooks_are_the_three_gates() -> None:
    hooks = _hooks()
    assert [h["id"] for h in hooks] == ["kgen-build-check", "kgen-check", "kgen-test"]
    assert all(h["language"] == "python" and h["pass_filenames"] is False for h in hooks)
    assert all(re.search(h["files"], "specs/calico.py") for h in hooks)
    assert re.search(hooks[0]["files"], "out/prometheus/rules/etcd.yaml")


@pytest.mark.parametrize("hook", _hooks(), ids=lambda h: h["id"])
def test_hook_entry_passes_here_and_fails_on_a_broken_tree(hook: dict[str, str],
                                                           tmp_path: Path) -> None:
    entry = shlex.split(hook["entry"])
    done = subprocess.run(entry, cwd=ROOT, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "project"
    (broken / "specs").mkdir(parents=True)
    spec = (ROOT / "specs" / "calico.py").read_text(encoding="utf-8")
    (broken / "specs" / "calico.py").write_text(spec.replace('"felix_ipset_errors"',
                                                             '"felix_ipset_error"', 1))
    done = subprocess.run(entry, cwd=broken, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error KG203" in done.stderr
