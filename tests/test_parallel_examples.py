"""`kgen test --jobs N`: promtool runs in up to N processes at once, and the report (stdout,
stderr, exit code) is the one promtool run over each tree makes, whatever N: a failing example
among many files, a later profile whose specs have errors, a promtool that crashes on one file.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

import pytest

from generator.promtool_pool import GOGC, batches
from generator.rule_tests import merged
from tests.broken._base import BASE
from tests.support import KGEN

CONFIG = ("specs: specs\nout: out\ntargets: [prometheus-rules]\n"
          "profiles:\n  prod:\n    cluster_label: cluster\n")
FAST = "hold(2, 20)"
SLOWER = "hold(0.2, 20)"
"""u3's DemoSlow fires at 2 s: at 0.2 s its firing example fails."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Six small integrations u0..u5, u3 with one failing example, and a `prod` profile."""
    (tmp_path / "specs").mkdir()
    for index in range(6):
        text = BASE.replace("demo", f"u{index}").replace("Demo", f"U{index}")
        if index == 3:
            assert FAST in text
            text = text.replace(FAST, SLOWER, 1)
        (tmp_path / "specs" / f"u{index}.py").write_text(text, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def kgen_test(root: Path, *args: str, path: str | None = None) -> tuple[int, str, str]:
    env = {**os.environ, "KGEN_NO_FASTPATH": "1"}
    env.pop("KGEN_JOBS", None)
    if path is not None:
        env["PATH"] = path
    done = subprocess.run([KGEN, "test", *args], cwd=root, capture_output=True, text=True,
                          env=env, check=False, timeout=240)
    return done.returncode, done.stdout, done.stderr


def every_jobs(root: Path, *args: str, path: str | None = None) -> tuple[int, str, str]:
    """The report with 1, 2 and 5 jobs (and KGEN_JOBS=3), asserted identical."""
    first = kgen_test(root, "--jobs", "1", *args, path=path)
    for jobs in (2, 5):
        assert kgen_test(root, "--jobs", str(jobs), *args, path=path) == first
    env_path = f"{path or os.environ['PATH']}"
    done = subprocess.run([KGEN, "test", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "KGEN_JOBS": "3", "PATH": env_path,
                               "KGEN_NO_FASTPATH": "1"}, check=False, timeout=240)
    assert (done.returncode, done.stdout, done.stderr) == first
    return first


@pytest.mark.long
def test_a_failing_example_among_many_files_every_profile(project: Path) -> None:
    code, stdout, stderr = every_jobs(project, "--all-profiles")
    assert code == 1
    assert stderr == "35 of 36 examples hold\n[prod] 35 of 36 examples hold\n"
    lines = stdout.splitlines()
    assert len([line for line in lines if line.startswith(("ok", "FAIL"))]) == 18
    assert lines.index("FAIL u3 U3Slow/warning (2 examples)") < lines.index("ok   u4 U4Errors/"
                                                                             "warning (2 examples)")
    assert "[prod] FAIL u3 U3Slow/warning (2 examples)" in lines
    failing = [line for line in lines if line.startswith("    ")]
    assert len(failing) == 2 and all(
        "u3.py:" in line and "U3Slow/warning example 1 (fires when p99 is 2s: firing at 12m): "
        "at 12m expected 1 firing, got nothing" in line for line in failing), failing
    assert lines.index("ok   u5 U5Slow/warning (2 examples)") < lines.index(
        "[prod] ok   u0 U0Errors/warning (2 examples)")


def test_all_hold_with_one_profile(project: Path) -> None:
    spec = project / "specs" / "u3.py"
    spec.write_text(spec.read_text(encoding="utf-8").replace(SLOWER, FAST, 1), encoding="utf-8")
    code, stdout, stderr = every_jobs(project, "--profile", "prod")
    assert (code, stderr) == (0, "[prod] 36 of 36 examples hold\n")
    assert stdout.count("[prod] ok   ") == 18


@pytest.mark.long
def test_specs_with_errors_in_a_later_profile_come_after_the_earlier_reports(
        project: Path) -> None:
    """The base tree's promtool runs while the `bad` profile builds: its report still comes
    first, then the errors."""
    with (project / "kgen.yaml").open("a", encoding="utf-8") as config:
        config.write("  bad:\n    integrations:\n      u2:\n        config: {nope: 1}\n")
    code, stdout, stderr = every_jobs(project, "--all-profiles")
    assert code == 1
    assert stderr == ("35 of 36 examples hold\n[prod] 35 of 36 examples hold\n"
                      "kgen.yaml:10: error KG004 integrations.u2.config.nope: u2 has no such "
                      "setting\n1 error(s); nothing written\n")
    assert "[bad]" not in stdout


def test_a_promtool_that_crashes_on_one_file_is_an_error(project: Path, promtool: str,
                                                         tmp_path: Path) -> None:
    """A promtool that dies on u3.yaml or one of its parts (the real one, wrapped) is
    reported as what it said, with exit 1, whether it tested the other files first or not."""
    wrapper = tmp_path / "bin" / "promtool"
    wrapper.parent.mkdir()
    wrapper.write_text("#!/bin/sh\nfor arg; do case \"$arg\" in u3.yaml|*/u3/*) "
                       "echo 'panic: runtime error: index out of range' >&2; exit 2;; esac; "
                       "done\n"
                       f'exec {promtool} "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    code, stdout, stderr = every_jobs(project, path=f"{wrapper.parent}:{os.environ['PATH']}")
    assert code == 1
    assert stderr == "promtool: panic: runtime error: index out of range\n"
    assert "FAIL" not in stdout  # what promtool did not report cannot be named


def test_no_more_processes_at_once_than_jobs(project: Path, promtool: str,
                                             tmp_path: Path) -> None:
    log = tmp_path / "log"
    wrapper = tmp_path / "bin" / "promtool"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\necho start >> {log}\n{promtool} \"$@\"\ncode=$?\n"
                       f"sleep 0.2\necho end >> {log}\nexit $code\n", encoding="utf-8")
    wrapper.chmod(0o755)
    path = f"{wrapper.parent}:{os.environ['PATH']}"
    # Over the parts of each batch's files, then again over u3.yaml's batch (it fails).
    for jobs, processes in ((1, 2), (2, 7)):
        log.unlink(missing_ok=True)
        code, _, stderr = kgen_test(project, "--jobs", str(jobs), path=path)
        assert (code, stderr) == (1, "35 of 36 examples hold\n")
        events = log.read_text(encoding="utf-8").split()
        assert events.count("start") == processes
        running = [events[:at].count("start") - events[:at].count("end")
                   for at in range(1, len(events) + 1)]
        assert max(running) == jobs, events


def test_batches_one_run_with_one_job_else_heaviest_first() -> None:
    tests = ["a.yaml", "b.yaml", "c.yaml", "d.yaml"]
    weights = {"a.yaml": 5, "b.yaml": 9, "c.yaml": 5, "d.yaml": 1}
    assert batches(tests, weights, 1) == [tests]
    assert batches(tests, weights, 3) == [["b.yaml"], ["a.yaml"], ["c.yaml"], ["d.yaml"]]


def test_outputs_of_runs_over_parts_merge_into_the_one_run(promtool: str,
                                                           tmp_path: Path) -> None:
    """Real promtool: per-file runs, in any order, put together are byte for byte the run over
    every file, with a passing file, a failing one and one whose rule file is missing."""
    (tmp_path / "rules.yaml").write_text(
        "groups:\n- name: g\n  rules:\n  - alert: High\n    expr: x > 1\n", encoding="utf-8")
    case = ("rule_files: [{rules}]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n"
            "  input_series: [{{series: x, values: '{value}x5'}}]\n"
            "  promql_expr_test:\n  - expr: count(ALERTS) # kgen example High 1\n"
            "    eval_time: 3m\n    exp_samples: [{{labels: '{{}}', value: 1}}]\n")
    tests = {"a.yaml": case.format(rules="rules.yaml", value=2),
             "b.yaml": case.format(rules="rules.yaml", value=0),
             "c.yaml": case.format(rules="missing.yaml", value=2),
             "d.yaml": case.format(rules="rules.yaml", value=5)}
    for name, text in tests.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    def output(*names: str) -> str:
        return subprocess.run([promtool, "test", "rules", *names], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              check=False).stdout

    whole = output(*tests)
    assert re.findall(r"Unit Testing:\s+(\S+)", whole) == list(tests)
    assert "SUCCESS" in whole and "got:" in whole and "missing.yaml" in whole
    parts = [output(name) for name in tests]
    random.Random(8).shuffle(parts)
    assert merged(list(tests), parts) == whole
    assert merged(list(tests), [output("c.yaml", "a.yaml"), output("d.yaml", "b.yaml")]) == whole
    assert merged(list(tests), [whole]) == whole
    assert merged(["a.yaml"], ["said first\n" + output("a.yaml")]).startswith("said first\n")


def test_promtool_collects_garbage_less_often_unless_told(project: Path, promtool: str,
                                                          tmp_path: Path) -> None:
    log = tmp_path / "log"
    wrapper = tmp_path / "bin" / "promtool"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$GOGC" >> {log}\nexec {promtool} "$@"\n',
                       encoding="utf-8")
    wrapper.chmod(0o755)
    path = f"{wrapper.parent}:{os.environ['PATH']}"
    for given, seen in ((None, GOGC), ("50", "50")):
        log.unlink(missing_ok=True)
        env = {**os.environ, "PATH": path, "KGEN_NO_FASTPATH": "1"}
        env.pop("GOGC", None)
        if given is not None:
            env["GOGC"] = given
        done = subprocess.run([KGEN, "test", "--jobs", "2"], cwd=project, env=env,
                              capture_output=True, text=True, check=False, timeout=240)
        assert done.stderr == "35 of 36 examples hold\n"
        assert log.read_text(encoding="utf-8").split() == [seen] * 7
