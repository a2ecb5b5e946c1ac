"""How kgen treats the output tree when the input is fine: it says what it did, leaves unchanged
files alone, writes through a symlinked out/, and never leaves a staging directory for git to
see (one left by a killed run is removed by the next). And how it loads specs: from source,
never from a stale .pyc, with a spec's prints kept out of kgen's own output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import loader, output
from generator.output import STAGING, with_manifest, write_tree
from tests.broken._base import BASE
from tests.support import ROOT, kgen

RULES = "out/prometheus/rules/demo.yaml"


def demo(root: Path) -> Path:
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "demo.py").write_text(BASE, encoding="utf-8")
    return root


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_build_says_what_it_did_and_keeps_unchanged_files(tmp_path: Path) -> None:
    root = demo(tmp_path)
    first = kgen(root, "build")
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines()[-1] == "out: wrote 5, removed 0, unchanged 0"
    before = mtimes(root / "out")
    again = kgen(root, "build")
    assert again.stderr.splitlines()[-1] == "out: wrote 0, removed 0, unchanged 5"
    assert mtimes(root / "out") == before
    spec = root / "specs" / "demo.py"
    spec.write_text(BASE.replace('summary="Queue full."', 'summary="Queue is full."'))
    changed = kgen(root, "build")
    assert changed.stderr.splitlines()[-1] == "out: wrote 2, removed 0, unchanged 3"
    after = mtimes(root / "out")
    assert {p for p in after if after[p] != before[p]} == {
        "kgen-manifest.json", "prometheus/rules/demo.yaml"}
    (root / "kgen.yaml").write_text("targets: [prometheus-rules]\n")
    fewer = kgen(root, "build")
    assert fewer.stderr.splitlines()[-1] == "out: wrote 1, removed 2, unchanged 2"


def test_a_symlinked_out_is_written_through(tmp_path: Path) -> None:
    root = demo(tmp_path / "project")
    target = tmp_path / "elsewhere" / "generated"
    target.mkdir(parents=True)
    (root / "out").symlink_to(target)
    done = kgen(root, "build")
    assert done.returncode == 0, done.stderr
    assert (root / "out").is_symlink() and os.readlink(root / "out") == str(target)
    assert (target / "prometheus" / "rules" / "demo.yaml").is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["generated"]
    assert sorted(p.name for p in root.iterdir()) == ["out", "specs"]


def test_a_killed_run_leaves_nothing_git_sees_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    """kill -9 mid-write: the staging directory is ignored by .gitignore and removed by the
    next run (its process is gone)."""
    root = demo(tmp_path)
    assert kgen(root, "build").returncode == 0
    shutil.copy(ROOT / ".gitignore", root / ".gitignore")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = root / f"{STAGING}{gone.pid}-out-x1y2"
    (stale / "prometheus").mkdir(parents=True)
    (stale / "prometheus" / "half-written.yaml").write_text("groups:\n")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=root, capture_output=True, text=True, check=True).stdout
    assert STAGING not in status and "half-written" not in status, status
    nothing_to_do = kgen(root, "build")
    assert nothing_to_do.stderr.splitlines()[-1] == "out: wrote 0, removed 0, unchanged 5"
    assert not stale.exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(STAGING)] == []


def test_a_running_builds_staging_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    live = tmp_path / f"{STAGING}{os.getppid()}-out-abc"
    live.mkdir()
    write_tree(out, with_manifest({"a.txt": b"a\n"}))
    assert live.is_dir()


def test_specs_load_from_source_not_a_stale_pyc(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved twice in one second at the same size, with bytecode writing on: the second save
    is what builds."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    specs = tmp_path / "specs"
    specs.mkdir()
    path = specs / "demo.py"
    first = BASE.replace('summary="Queue full."', 'summary="Queue AAAA."')
    second = BASE.replace('summary="Queue full."', 'summary="Queue BBBB."')
    assert len(first) == len(second)
    path.write_text(first)
    stamp = path.stat().st_mtime_ns
    assert _summary(specs) == "Queue AAAA."
    path.write_text(second)
    os.utime(path, ns=(stamp, stamp))
    assert _summary(specs) == "Queue BBBB."
    assert not list(specs.rglob("*.pyc"))


def _summary(specs: Path) -> str:
    (spec,) = loader.load(specs)
    return next(a.summary for a in spec.integration.alerts if a.name == "DemoQueueFull")


def test_a_printing_spec_keeps_json_output_valid(tmp_path: Path) -> None:
    root = demo(tmp_path)
    text = BASE.replace("def integration(config: Config) -> Integration:\n",
                        "def integration(config: Config) -> Integration:\n    print('hello')\n")
    (root / "specs" / "demo.py").write_text(text)
    done = kgen(root, "check", "--format", "json")
    assert done.returncode == 0, done.stderr
    findings = json.loads(done.stdout)["findings"]
    line = text.splitlines().index("    print('hello')") + 1
    assert {"path": "specs/demo.py", "line": line, "level": "warning", "code": "KG006",
            "metric": None, "message": "spec demo wrote to stdout (kgen keeps it out of its "
                                       "own output): 'hello'"} in findings


def test_a_spec_that_changes_directory_does_not_move_the_output(tmp_path: Path) -> None:
    root = demo(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "specs" / "demo.py").write_text(
        f"import os\nos.chdir({str(elsewhere)!r})\n" + BASE)
    done = kgen(root, "build")
    assert done.returncode == 0, done.stderr
    assert (root / RULES).is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_bug_in_kgen_ends_in_one_line_not_a_traceback(tmp_path: Path) -> None:
    script = ("import generator.cli as cli\n"
              "def broken():\n    raise LookupError('no such thing')\n"
              "cli.main = broken\ncli.run()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, cwd=tmp_path, env={**os.environ, "KGEN_DEBUG": ""})
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "kgen: internal error at <string>:3: LookupError: no such thing (a bug in kgen; "
        "KGEN_DEBUG=1 shows the traceback)"]
    debug = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=False, cwd=tmp_path, env={**os.environ, "KGEN_DEBUG": "1"})
    assert "Traceback" in debug.stderr


def test_write_file_is_write_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The staging tree's writer leaves what `Path.write_bytes` leaves: the same bytes (a
    short write finished), the same mode under the umask, an existing file replaced."""
    data = bytes(range(256)) * 4096
    old = os.umask(0o027)
    try:
        output.write_file(str(tmp_path / "ours"), data)
        (tmp_path / "pathlib").write_bytes(data)
    finally:
        os.umask(old)
    assert (tmp_path / "ours").read_bytes() == data
    assert (tmp_path / "ours").stat().st_mode == (tmp_path / "pathlib").stat().st_mode

    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, chunk: real(fd, bytes(chunk)[:1000]))
    output.write_file(str(tmp_path / "ours"), b"short" * 999)
    monkeypatch.undo()
    assert (tmp_path / "ours").read_bytes() == b"short" * 999


def test_a_file_is_taken_from_the_tree_only_as_a_regular_file(tmp_path: Path) -> None:
    """What the tree holds is read as `is_file() and not is_symlink()` then `read_bytes()`
    read it: a symlink, a directory, a FIFO (without waiting for a writer) or a missing
    file holds nothing; a file of another size holds nothing when a size is asked for."""
    (tmp_path / "file").write_bytes(b"data\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "link").symlink_to("file")
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    read = output._regular_file
    assert read(tmp_path / "file") == b"data\n"
    assert read(tmp_path / "file", 5) == b"data\n"
    assert read(tmp_path / "file", 4) is None
    assert read(tmp_path / "empty") == b""
    for name in ("link", "dir", "fifo", "missing"):
        assert read(tmp_path / name) is None, name
