"""`kgen check --jobs N`: integrations built by worker processes (`build.check_project`) give
exactly the findings, files and verdict of the build in one process (`build.run`, the
reference), for clean and broken specs alike, so the command's report and exit code are the
same for any N."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks import synth
from generator import build as pipeline
from generator import external
from generator.checks import runbook_links
from generator.cli import main
from generator.findings import SpecError
from generator.project import Project, load_project
from tests.broken._base import BASE
from tests.support import CONFIG, SPECS
from tests.test_broken_specs import CASES
from tests.test_parallel import SEVEN, SMALL, inject, suppressing, tiny

JOBS = (1, 3)


def reference(project: Project) -> tuple[Any, ...]:
    """What `kgen check` took from `build.run` before it built in workers: the findings (the
    error's own order when a stage stopped the run), the files when nothing failed, and
    whether any integration alerts."""
    try:
        done = pipeline.run(project)
    except SpecError as error:
        return ("stopped", error.findings)
    alerting = any(spec.integration.alerts for spec in done.specs)
    return (sorted(done.findings), None if done.errors else done.files, alerting)


def parallel(project: Project, jobs: int) -> tuple[Any, ...]:
    try:
        done = pipeline.check_project(project, jobs)
    except SpecError as error:
        return ("stopped", error.findings)
    return (sorted(done.findings), done.files, done.alerting)


def same_as_run(root: Path, profile: str | None = None) -> tuple[Any, ...]:
    """check_project with each of JOBS against run; what they found."""
    project = load_project(root / "kgen.yaml", profile)
    expected = reference(project)
    for jobs in JOBS:
        assert parallel(project, jobs) == expected, (jobs, expected[:1])
    return expected


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)  # fork for a few integrations too
    return tmp_path


def test_the_shipped_specs_every_profile(root: Path) -> None:
    assert CONFIG is not None
    shutil.copytree(SPECS, root / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONFIG, root / "kgen.yaml")
    for profile in (None, *load_project(root / "kgen.yaml").profiles):
        _, files, alerting = same_as_run(root, profile)
        assert files is not None and alerting


def test_a_synthetic_set(root: Path) -> None:
    (root / "kgen.yaml").write_text(SEVEN, encoding="utf-8")
    synth.write(6, root / "specs")
    _, files, alerting = same_as_run(root)
    assert files is not None and len(files) > 6 * 7 and alerting


def test_findings_across_integrations(root: Path) -> None:
    """Warnings, a duplicate alert name across specs, mixin refusals (KG701) and the
    files of a clean set, as in one process."""
    paths = tiny(root / "specs", 5)
    findings, files, _ = same_as_run(root)
    assert files is not None
    inject(paths[1], 'print("building u1")')  # a warning (KG006), not an error
    findings, files, _ = same_as_run(root)
    assert files is not None and any(f.code == "KG006" for f in findings)
    paths[3].write_text(paths[3].read_text().replace('name="U3Slow"', 'name="U0Slow"'))
    findings, files, _ = same_as_run(root)
    assert files is None and any(f.code == "KG301" and "U0Slow" in f.message for f in findings)
    paths[3].write_text(paths[3].read_text().replace('name="U0Slow"', 'name="U3Slow"'))
    (root / "kgen.yaml").write_text(SEVEN, encoding="utf-8")  # the mixin refuses their knobs
    findings, files, _ = same_as_run(root)
    assert files is None and any(f.code == "KG701" for f in findings)


def test_load_and_settings_errors(root: Path) -> None:
    paths = tiny(root / "specs", 5)
    inject(paths[0], 'print("building u0")')  # its warning is reported with the error
    inject(paths[2], "raise ValueError('no')")
    stopped, findings = same_as_run(root)
    assert stopped == "stopped" and [f.code for f in findings] == ["KG006", "KG002"]
    paths[2].write_text(paths[2].read_text().replace("raise ValueError('no')", ""))
    (root / "kgen.yaml").write_text(SMALL + "integrations:\n  nosuch: {}\n  u1:\n    alerts:\n"
                                    "      disable: [U1Nothing]\n", encoding="utf-8")
    stopped, findings = same_as_run(root)
    assert stopped == "stopped" and len(findings) == 2


def test_every_alert_disabled(root: Path) -> None:
    tiny(root / "specs", 4)
    disabled = "".join(f"  u{i}:\n    alerts:\n      disable: [U{i}Errors, U{i}QueueFull, "
                       f"U{i}Slow]\n" for i in range(4))
    (root / "kgen.yaml").write_text(SMALL + "integrations:\n" + disabled, encoding="utf-8")
    assert same_as_run(root)[2] is False


def test_an_error_another_spec_suppresses(root: Path) -> None:
    specs = root / "specs"
    tiny(specs, 3)
    suppressing(specs)
    _, files, _ = same_as_run(root)
    assert files is not None and b"V0extra" in files["prometheus/rules/v0.yaml"]


ONE_EACH = {case[3]: case for case in CASES}
"""A broken case of each finding code."""


@pytest.mark.parametrize("case", ONE_EACH.values(), ids=list(ONE_EACH))
def test_a_broken_spec_among_others(root: Path, case: tuple[str, str, str, str, str]) -> None:
    _, old, new, code, _ = case
    tiny(root / "specs", 4)
    assert BASE.count(old)
    broken = BASE.replace(old, new, 1).replace("demo", "u2").replace("Demo", "U2")
    (root / "specs/u2.py").write_text(broken, encoding="utf-8")
    findings = same_as_run(root)[1 if code < "KG100" else 0]
    assert any(f.code == code and f.path.endswith("u2.py") for f in findings)


def report(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    done = CliRunner().invoke(main, ["check", *args], env=env)
    assert done.exception is None or isinstance(done.exception, SystemExit), done.output
    return done.exit_code, done.stdout, done.stderr


def before(root: Path, strict: bool) -> tuple[int, str]:
    """`kgen check --format json` as it was, over `build.run`: its exit code and output."""
    project = load_project(root / "kgen.yaml")
    try:
        done = pipeline.run(project)
        alerting = any(spec.integration.alerts for spec in done.specs)
        findings = sorted(done.findings + runbook_links.check(project, alerting))
        if not done.errors:
            findings = sorted(findings + external.run(done.files))
    except SpecError as error:
        findings = error.findings
    rows = [f._asdict() | {"metric": f.metric or None} for f in findings]
    failing = [f for f in findings if f.fails(strict)]
    return int(bool(failing)), json.dumps({"findings": rows}, indent=2) + "\n"


def test_the_command_for_any_number_of_jobs(root: Path, promtool: str) -> None:
    """Text, JSON and --strict reports and exit codes, by --jobs and by KGEN_JOBS, clean and
    with errors: as over build.run."""
    paths = tiny(root / "specs", 4)
    inject(paths[1], 'print("building u1")')
    for broken in (False, True):
        if broken:
            paths[3].write_text(paths[3].read_text().replace('"u3_queue_depth > 100"',
                                                             '"u3_queue_dept > 100"'))
        for strict in ((), ("--strict",)):
            code, output = before(root, bool(strict))
            assert code == (1 if broken or strict else 0)
            text = report(*strict, "--jobs", "1")
            for jobs in ("1", "3"):
                assert report(*strict, "--format", "json", "--jobs", jobs)[:2] == (code, output)
                assert report(*strict, "--jobs", jobs) == text
            assert report(*strict, "--format", "json", env={"KGEN_JOBS": "2"})[:2] == (
                code, output)
            assert text[0] == code and text[2].count("\n") == len(json.loads(output)[
                "findings"]) + (0 if code else 1)


def test_a_spec_that_ends_its_worker(root: Path) -> None:
    paths = tiny(root / "specs", 4)
    inject(paths[2], "import os; os._exit(3)")
    code, _, stderr = report("--jobs", "2")
    assert code == 1 and stderr.splitlines() == [
        "specs/u2.py:1: error KG002 spec failed: the worker process building u2 ended "
        "(exit status 3); a spec only builds its integration"]
