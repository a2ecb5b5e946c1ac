"""`kgen test` reuses passes: a test file whose bytes, rule files and promtool are those of an
earlier pass runs no promtool, and the report (stdout, stderr, exit code) is the one a run
without the cache makes. promtool here is the real one behind a wrapper on PATH that logs which
test files each call was given."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from generator.build import build_project
from generator.project import load_project
from generator.testcache import promtool_sha256, rule_files
from tests.broken._base import BASE
from tests.support import KGEN

CONFIG = ("specs: specs\nout: out\ntargets: [prometheus-rules]\n"
          "profiles:\n  prod:\n    cluster_label: cluster\n")
NAMES = ("u0", "u1", "u2")
QUEUE = "demo_queue_depth > 100"
SLOW = "demo_wait_seconds{quantile=\"0.99\"} > 1"


@pytest.fixture
def project(tmp_path: Path, promtool: str) -> Path:
    """Three small integrations u0..u2, a `prod` profile, and a logging promtool in bin/."""
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    for name in NAMES:
        write_spec(root, name, BASE)
    (root / "kgen.yaml").write_text(CONFIG, encoding="utf-8")
    write_promtool(tmp_path / "bin", promtool)
    return root


def write_spec(root: Path, name: str, text: str) -> None:
    text = text.replace("demo", name).replace("Demo", name.upper())
    (root / "specs" / f"{name}.py").write_text(text, encoding="utf-8")


def write_promtool(where: Path, real: str, extra: str = "") -> None:
    where.mkdir(exist_ok=True)
    script = where / "promtool"
    script.write_text(f'#!/bin/sh\n{extra}echo "$@" >> "{where}/log"\nexec "{real}" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)


def kgen_test(root: Path, *args: str, **env: str) -> tuple[int, str, str]:
    environment = {**os.environ, "PATH": f"{root.parent / 'bin'}:{os.environ['PATH']}", **env}
    for name in ("KGEN_NO_FASTPATH", "KGEN_JOBS"):
        if name not in env:
            environment.pop(name, None)
    done = subprocess.run([KGEN, "test", *args], cwd=root, capture_output=True, text=True,
                          env=environment, check=False, timeout=240)
    return done.returncode, done.stdout, done.stderr


def ran(root: Path) -> list[str]:
    """The integrations whose test files (whole or in parts) promtool was given since the last
    call, in order, and the log emptied."""
    log = root.parent / "bin" / "log"
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()
    log.unlink()
    assert all(line.startswith("test rules ") for line in lines), lines
    return sorted({name for line in lines for arg in line.split()[2:]
                   for name in re.findall(r"(?:^|/)(u\d)(?:/|\.yaml$)", arg)})


def records(root: Path) -> list[Path]:
    return sorted((root / ".kgen-cache").glob("tests-*.json"))


def test_a_warm_run_reports_as_a_cold_one_and_runs_no_promtool(project: Path) -> None:
    cold = kgen_test(project, "--all-profiles", "--jobs", "2")
    assert cold[0] == 0 and cold[2] == "18 of 18 examples hold\n[prod] 18 of 18 examples hold\n"
    assert ran(project) == list(NAMES)
    assert len(records(project)) == 2  # one per tree
    for jobs in ("1", "2"):
        assert kgen_test(project, "--all-profiles", "--jobs", jobs) == cold
        assert ran(project) == []
    for forced in (("--no-cache",), ()):
        env = {} if forced else {"KGEN_NO_FASTPATH": "1"}
        assert kgen_test(project, "--all-profiles", *forced, **env) == cold
        assert ran(project) == list(NAMES)


def test_a_changed_test_or_rule_file_runs_again(project: Path) -> None:
    kgen_test(project)
    ran(project)
    write_spec(project, "u1", BASE.replace("200 items wait", "300 items wait").replace(
        "gauge(\"demo_queue_depth\", 200", "gauge(\"demo_queue_depth\", 300"))
    changed = kgen_test(project)
    assert changed[0] == 0
    assert ran(project) == ["u1"]
    before = _built(project)
    write_spec(project, "u2", BASE.replace(QUEUE, "demo_queue_depth > 90"))
    after = _built(project)
    assert after["prometheus/tests/u2.yaml"] == before["prometheus/tests/u2.yaml"]
    assert after["prometheus/rules/u2.yaml"] != before["prometheus/rules/u2.yaml"]
    assert kgen_test(project) == changed
    assert ran(project) == ["u2"]
    assert kgen_test(project) == changed
    assert ran(project) == []


def test_a_pass_is_not_reused_once_the_rule_makes_its_example_fail(project: Path) -> None:
    kgen_test(project, "--jobs", "2")
    ran(project)
    write_spec(project, "u2", BASE.replace(SLOW, SLOW.replace("> 1", "> 3")))
    failed = kgen_test(project, "--jobs", "2")
    assert ran(project) == ["u2"]
    assert failed == kgen_test(project, "--no-cache", "--jobs", "2")
    assert ran(project) == list(NAMES)
    assert failed[0] == 1 and "FAIL u2 U2Slow/warning (2 examples)" in failed[1]
    assert "at 12m expected 1 firing, got nothing" in failed[1]
    assert failed[2] == "17 of 18 examples hold\n"
    for jobs in ("1", "2"):  # a failure is never kept: it runs every time
        assert kgen_test(project, "--jobs", jobs) == failed
        assert ran(project) == ["u2"]


def test_another_promtool_misses(project: Path, promtool: str) -> None:
    first = kgen_test(project)
    ran(project)
    write_promtool(project.parent / "bin", promtool, extra="# another build\n")
    assert kgen_test(project) == first
    assert ran(project) == list(NAMES)
    assert kgen_test(project) == first
    assert ran(project) == []


def test_the_promtool_digest_is_memoised_until_the_binary_changes(tmp_path: Path) -> None:
    binary, cache = tmp_path / "promtool", tmp_path / "cache"
    binary.write_bytes(b"one")
    time.sleep(1.1)  # a binary changed within a second of its hashing is not memoised
    assert promtool_sha256(str(binary), cache) == hashlib.sha256(b"one").hexdigest()
    memo = cache / "promtool.json"
    kept = json.loads(memo.read_text(encoding="utf-8"))
    assert kept["identity"][0] == str(binary.resolve())
    memo.write_text(json.dumps({**kept, "sha256": "f" * 64}), encoding="utf-8")
    assert promtool_sha256(str(binary), cache) == "f" * 64  # the memo is read, not the binary
    status = binary.stat()
    binary.write_bytes(b"two")  # same size, mtime put back: its ctime still moves
    os.utime(binary, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert promtool_sha256(str(binary), cache) == hashlib.sha256(b"two").hexdigest()
    assert promtool_sha256(str(tmp_path / "missing"), cache) is None


def test_a_corrupt_record_is_a_miss_and_is_written_anew(project: Path) -> None:
    first = kgen_test(project)
    ran(project)
    record = records(project)[0]
    content = json.loads(record.read_text(encoding="utf-8"))
    content["passes"]["u0.yaml"]["key"] = "0" * 64
    content["passes"]["u1.yaml"] = {"sha256": 1}
    record.write_text(json.dumps(content), encoding="utf-8")
    assert kgen_test(project) == first
    assert ran(project) == ["u0", "u1"]
    for garbage in ("{\"format\": ", "[]", "\0\xff"):
        record.write_text(garbage, encoding="utf-8")
        (project / ".kgen-cache" / "promtool.json").write_text(garbage, encoding="utf-8")
        assert kgen_test(project) == first
        assert ran(project) == list(NAMES)
    assert kgen_test(project) == first
    assert ran(project) == []


def test_runs_at_once_leave_a_whole_record(project: Path) -> None:
    environment = {**os.environ, "PATH": f"{project.parent / 'bin'}:{os.environ['PATH']}"}
    environment.pop("KGEN_NO_FASTPATH", None)
    runs = [subprocess.Popen([KGEN, "test", "--all-profiles"], cwd=project, env=environment,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    assert [run.wait(timeout=240) for run in runs] == [0, 0, 0]
    for run in runs:
        assert run.stdout is not None and run.stderr is not None
        run.stdout.close()
        run.stderr.close()
    ran(project)
    assert kgen_test(project, "--all-profiles")[0] == 0
    assert ran(project) == []
    assert not list((project / ".kgen-cache").glob("*.tmp"))


def test_help_says_passes_are_reused() -> None:
    done = subprocess.run([KGEN, "test", "--help"], capture_output=True, text=True, check=True)
    assert "Passes are reused" in done.stdout and "--no-cache" in done.stdout


def _built(root: Path) -> dict[str, bytes]:
    return build_project(load_project(root / "kgen.yaml")._replace(targets=("prometheus-rules",)))


@pytest.mark.parametrize("text", [
    "# Generated by kgen\nrule_files:\n- ../rules/a.yaml\nevaluation_interval: 1m\ntests: []\n",
    "rule_files: [a.yaml, \"b.yaml\", 'c d', \"1\"]\n", "tests: []\n", "rule_files: []\n",
    "tests: {a: [1, {b: [c]}], d: *x}\nrule_files: ['z']\n", "tests: &x [1]\nrule_files: [z]\n",
    "rule_files:\n- |\n  a\n", "rule_files: [1]\n", "rule_files: [true, ~]\n", "rule_files:\n",
    "<<: {rule_files: [x]}\nrule_files: [y]\n", "rule_files: [a]\nrule_files: [b]\n",
    "x: &a [q]\nrule_files: *a\n", "rule_files: !!seq [a]\n", "rule_files: [!!str 1]\n",
    "rule_files: [&n a]\n", "rule_files: [a: b]\n", "[a]\n", "", "rule_files: [a\n",
    "rule_files: [a]\n---\nrule_files: [b]\n", "? rule_files\n: [a]\n",
])
def test_rule_files_are_what_the_safe_loader_reads_or_none(text: str) -> None:
    """Read from the parser's events: never a list other than the one the file's YAML holds."""
    found = rule_files(text.encode())
    try:
        document = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        assert found is None
        return
    held = document.get("rule_files", []) if isinstance(document, dict) else None
    assert found is None or found == held
    if text.startswith(("# Generated", "rule_files: [a.yaml", "tests: []", "rule_files: []")):
        assert found == held
