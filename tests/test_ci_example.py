"""The CI example in docs/ci.md and the pre-commit hooks run as written, on a project laid out
like this repository (the specimen specs, their promtool tests, a config with a prod profile)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT, kgen, temp_project

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
CONFIG = """\
targets: [prometheus-rules, scrape-jobs, grafana, docs]
runbook_url: "https://git.example.com/org/monitoring/blob/main/{docs}#{anchor}"
profiles:
  prod:
    cluster_label: cluster
    flavors: [prometheus]
    integrations:
      etcd:
        config: {selector: 'job="etcd"'}
"""


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as the workflow expects it: specs, kgen.yaml, every tree built."""
    root = temp_project(tmp_path_factory.mktemp("repository"), CONFIG)
    done = kgen(root, "build", "--all-profiles")
    assert done.returncode == 0, done.stderr
    return root


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
def test_workflow_gate_passes_on_a_built_project(command: str, repository: Path) -> None:
    done = subprocess.run(["bash", "-c", command], cwd=repository, env=ENV, capture_output=True,
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
def test_hook_entry_passes_on_a_built_project_and_fails_on_a_broken_tree(
    hook: dict[str, str], repository: Path, tmp_path: Path
) -> None:
    entry = shlex.split(hook["entry"])
    done = subprocess.run(entry, cwd=repository, env=ENV, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "project"
    (broken / "specs").mkdir(parents=True)
    spec = (ROOT / "specs" / "calico.py").read_text(encoding="utf-8")
    (broken / "specs" / "calico.py").write_text(spec.replace('"felix_ipset_errors"',
                                                             '"felix_ipset_error"', 1))
    done = subprocess.run(entry, cwd=broken, env=ENV, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "error KG203" in done.stderr


@pytest.mark.long
def test_the_promtool_gate_fails_when_one_generated_test_fails(repository: Path,
                                                               tmp_path: Path) -> None:
    """The last gate hands each test file to its own promtool: one failing file among them
    fails the step."""
    [command] = [gate for gate in _gates() if "promtool test rules" in gate]
    project = tmp_path / "project"
    shutil.copytree(repository, project)
    tests = sorted((project / "out" / "prometheus" / "tests").glob("*.yaml"))
    assert len(tests) > 1
    data = yaml.safe_load(tests[0].read_text(encoding="utf-8"))
    data["tests"][0]["promql_expr_test"][0]["exp_samples"] = [{"labels": "{}", "value": 12345}]
    tests[0].write_text(yaml.safe_dump(data), encoding="utf-8")
    done = subprocess.run(["bash", "-c", command], cwd=project, env=ENV, capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "FAILED" in done.stdout + done.stderr
