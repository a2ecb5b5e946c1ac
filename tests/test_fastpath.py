"""The no-op build: it skips only when nothing that shapes the output changed, and then leaves
every byte as a full build would. Each kind of change must bring a full build back."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.support import ROOT, settled, shipped_project

UP_TO_DATE = "is up to date"
CONFIG = """\
targets: [prometheus-rules, scrape-jobs, grafana, docs]
integrations:
  calico:
    config: {error_for: 20m}
profiles:
  prod:
    integrations:
      etcd:
        config: {selector: 'job="etcd"'}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped specs and a config; cwd is the project."""
    return shipped_project(tmp_path, CONFIG, monkeypatch)


def build(*args: str) -> str:
    result = CliRunner().invoke(main, ["build", *args])
    assert result.exit_code == 0, result.output
    return result.output


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    settled(path.parent)


def full_then_noop(*args: str) -> None:
    """A full build happens, and the one after it is a no-op."""
    assert UP_TO_DATE not in build(*args)
    assert UP_TO_DATE in build(*args)


def test_noop_build_leaves_every_byte_and_file_alone(project: Path) -> None:
    full_then_noop()
    before = tree(project / "out")
    stats = {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*")}
    assert UP_TO_DATE in build()
    assert tree(project / "out") == before
    assert {p: p.stat().st_mtime_ns for p in (project / "out").rglob("*")} == stats
    shutil.rmtree(project / ".kgen-cache")
    assert UP_TO_DATE not in build()
    assert tree(project / "out") == before


def test_spec_edit_rebuilds(project: Path) -> None:
    full_then_noop()
    spec = project / "specs/calico.py"
    (default,) = re.findall(r"^    selector: str = (.+)$", spec.read_text(), re.M)
    edit(spec, f"selector: str = {default}", "selector: str = 'job=~\"felix.*\"'")
    full_then_noop()
    assert 'job=~"felix.*"' in (project / "out/prometheus/rules/calico.yaml").read_text()


def test_helper_module_in_specs_dir_rebuilds(project: Path) -> None:
    (project / "specs/_shared.py").write_text('TITLE = "Calico"\n', encoding="utf-8")
    edit(project / "specs/calico.py", 'title="Calico",',
         'title=__import__("kgen_specs._shared").__dict__["_shared"].TITLE,')
    full_then_noop()
    edit(project / "specs/_shared.py", '"Calico"', '"Project Calico"')
    full_then_noop()
    assert "# Project Calico" in (project / "out/docs/calico.md").read_text()


def test_config_edit_and_profile_rebuild(project: Path) -> None:
    full_then_noop()
    edit(project / "kgen.yaml", "error_for: 20m", "error_for: 25m")
    full_then_noop()
    assert "for: 25m" in (project / "out/prometheus/rules/calico.yaml").read_text()
    full_then_noop("--profile", "prod")
    assert 'job="etcd"' in (project / "out-prod/prometheus/rules/etcd.yaml").read_text()
    edit(project / "kgen.yaml", "selector: 'job=\"etcd\"'", "selector: 'job=\"etcd-main\"'")
    base = tree(project / "out")
    full_then_noop()  # the base settings are the same, but their file changed: rebuilt
    assert tree(project / "out") == base
    full_then_noop("--profile", "prod")
    assert 'job="etcd-main"' in (project / "out-prod/prometheus/rules/etcd.yaml").read_text()
    full_then_noop("--all-profiles")


def test_hand_edited_or_deleted_output_rebuilds(project: Path) -> None:
    full_then_noop()
    before = tree(project / "out")
    rules = project / "out/prometheus/rules/calico.yaml"
    rules.write_bytes(rules.read_bytes().replace(b"20m", b"30m"))
    full_then_noop()
    (project / "out/docs/etcd.md").unlink()
    full_then_noop()
    manifest = project / "out/kgen-manifest.json"
    manifest.write_bytes(manifest.read_bytes() + b"\n")
    full_then_noop()
    assert tree(project / "out") == before


def test_input_changed_right_before_the_build_is_not_trusted(project: Path) -> None:
    full_then_noop()
    path = project / "specs/etcd/alerts.py"
    path.write_text(path.read_text(encoding="utf-8") + "# touched\n", encoding="utf-8")
    assert UP_TO_DATE not in build()
    assert UP_TO_DATE not in build()  # the spec was written within a second of the last build
    settled(project)
    full_then_noop()


def test_disabled_by_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    full_then_noop()
    monkeypatch.setenv("KGEN_NO_FASTPATH", "1")
    assert UP_TO_DATE not in build()


def test_kgen_source_change_rebuilds(project: Path, tmp_path_factory: pytest.TempPathFactory
                                     ) -> None:
    """kgen itself, run from a copy of its package, whose templates and code then change."""
    copy = tmp_path_factory.mktemp("kgen-copy")
    shutil.copytree(ROOT / "generator", copy / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    settled(copy)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop("KGEN_NO_FASTPATH", None)

    def kgen_build() -> str:
        command = [sys.executable, "-c", "from generator.cli import run; run()", "build"]
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                                check=True)
        return result.stderr

    assert UP_TO_DATE not in kgen_build()
    assert UP_TO_DATE in kgen_build()
    edit(copy / "generator/templates/docs/integration.md.j2", "{{ header }}",
         "{{ header }} (edited kgen)")
    assert UP_TO_DATE not in kgen_build()
    assert "(edited kgen)" in (project / "out/docs/calico.md").read_text()
    assert UP_TO_DATE in kgen_build()
    edit(copy / "generator/render.py", '"Generated by kgen from', '"Built by kgen from')
    assert UP_TO_DATE not in kgen_build()
    assert "# Built by kgen from specs/calico.py" in (
        project / "out/prometheus/rules/calico.yaml").read_text()


def test_missing_specs_directory_is_a_full_build(project: Path) -> None:
    full_then_noop()
    shutil.rmtree(project / "specs")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "specs is not a directory" in result.output


@pytest.mark.parametrize("size", [0, 1, 4096, (1 << 20) + 7, 3 << 20])
def test_a_files_digest_is_the_sha256_of_all_its_bytes(tmp_path: Path, size: int) -> None:
    """Read in chunks through the descriptor: any size, the last chunk included."""
    import hashlib

    from generator.fastpath import sha256_file

    path = tmp_path / "data"
    data = os.urandom(size)
    path.write_bytes(data)
    assert sha256_file(path) == sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_a_digest_of_what_is_no_file_is_an_oserror(tmp_path: Path) -> None:
    """What every caller takes as 'cannot be read' (a full build, an entry not used)."""
    from generator.fastpath import sha256_file

    for path in (tmp_path / "missing", tmp_path):
        with pytest.raises(OSError):
            sha256_file(path)


def _kgen_build(project: Path) -> subprocess.CompletedProcess[str]:
    """`kgen build` in its own process, which a file that blocks a reader cannot hang."""
    return subprocess.run([sys.executable, "-c", "from generator.cli import run; run()", "build"],
                          cwd=project, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_below_the_specs_is_one_error_not_a_wait(project: Path) -> None:
    """A FIFO has no content to key a build on (and opening it waits for a writer)."""
    os.mkfifo(project / "specs" / "pipe.txt")
    done = _kgen_build(project)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"error: {(project / 'specs' / 'pipe.txt').resolve()}: not a regular file"]
    assert not (project / "out").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_in_place_of_an_output_file_is_rebuilt(project: Path) -> None:
    full_then_noop()
    rules = project / "out/prometheus/rules/calico.yaml"
    before = rules.read_bytes()
    rules.unlink()
    os.mkfifo(rules)
    done = _kgen_build(project)
    assert done.returncode == 0, done.stderr
    assert rules.is_file() and rules.read_bytes() == before
