"""The board cache: a rebuild whose boards did not change takes each board's SDK build from
`.kgen-cache/` and imports no grafana-foundation-sdk; whatever the SDK build reads (a board's
title, a panel's kind, a threshold, the integration's description) builds through the SDK
again; a corrupt or foreign entry, or `KGEN_NO_FASTPATH`, means the SDK; the bytes are always
those of a build without any cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.boardcache import FORMAT
from tests.support import settled, shipped_project
from tests.test_incremental import SEVEN, assert_as_without_cache, counts, edit

CONFIG = SEVEN + "integrations:\n  calico:\n    config: {error_for: 20m}\n"
REPO = Path(__file__).parents[1]
# kgen as a user runs it, telling on exit whether the SDK was imported
KGEN = """
import atexit, sys
atexit.register(lambda: print("sdk:", any(m.startswith("grafana_foundation_sdk")
                                          for m in sys.modules), file=sys.stderr))
from generator.cli import run
run()
"""


def kgen_build(root: Path, **env: str) -> tuple[bool, str]:
    """Build the project at root in a kgen process of its own: whether it imported the SDK,
    and its report."""
    done = subprocess.run(
        [sys.executable, "-c", KGEN, "build"], cwd=root, capture_output=True, text=True,
        timeout=300, env={**os.environ, "PYTHONPATH": str(REPO), **env})
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[-1] in ("sdk: True", "sdk: False"), done.stderr
    return lines[-1] == "sdk: True", done.stderr


def boards(root: Path) -> dict[str, bytes]:
    (directory,) = (root / ".kgen-cache").glob("boards-*")
    return {path.name: path.read_bytes() for path in directory.iterdir()}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """calico and etcd, built once (through the SDK, keeping their three boards)."""
    shipped_project(tmp_path, CONFIG, monkeypatch, only=("calico", "etcd"))
    sdk, report = kgen_build(tmp_path)
    assert sdk and counts(report) == (2, 0)
    assert len(boards(tmp_path)) == 3
    return tmp_path


def flip_error_for(root: Path) -> None:
    """A kgen.yaml change that reaches calico's alerts, none of its boards."""
    edit(root / "kgen.yaml", "error_for: 20m", "error_for: 25m")


def test_a_rebuild_that_reaches_no_board_imports_no_sdk(project: Path) -> None:
    before = boards(project)
    flip_error_for(project)
    sdk, report = kgen_build(project)
    assert not sdk and counts(report) == (1, 1)
    assert_as_without_cache(project)
    assert boards(project) == before


@pytest.mark.parametrize(("old", "new"), [
    ('title="Calico / Felix"', 'title="Calico / Felix agents"'),
    ('legend="down", kind=stat', 'legend="down", kind=PanelKind.GAUGE'),
    ("thresholds=_bad_from(1)),", "thresholds=_bad_from(2)),"),
    ("description=\"Felix, Calico's per-node", "description=\"Felix, Calico's node"),
], ids=["board title", "panel kind", "threshold", "integration description"])
def test_a_change_that_reaches_a_board_builds_through_the_sdk(project: Path, old: str,
                                                              new: str) -> None:
    edit(project / "specs" / "calico.py", old, new)
    sdk, report = kgen_build(project)
    assert sdk and counts(report) == (1, 1)
    assert_as_without_cache(project)
    assert len(boards(project)) == 3  # the replaced board's entry is gone


def test_a_kgen_yaml_change_that_reaches_a_board_builds_through_the_sdk(project: Path) -> None:
    """calico's `down_for` is in a panel's description."""
    edit(project / "kgen.yaml", "{error_for: 20m}", "{error_for: 20m, down_for: 7m}")
    sdk, report = kgen_build(project)
    assert sdk and counts(report) == (1, 1)
    assert_as_without_cache(project)
    assert len(boards(project)) == 3


# kgen as above, telling which selectors the builds scoped a board's queries with
SCOPINGS = """
import atexit, sys
from generator.documents import dashboard
scoped, seen = dashboard._scoped, []
def counted(built, board, scope):
    seen.append(scope.scope)
    return scoped(built, board, scope)
dashboard._scoped = counted
atexit.register(lambda: print("scoped:", sorted(set(seen)), file=sys.stderr))
from generator.cli import run
run()
"""


def test_a_rebuild_takes_each_board_file_whole_when_its_queries_and_scoping_hold(
        project: Path) -> None:
    """calico's two boards are the files the last build made: only the mixin scopes them (with
    its placeholder); the bytes are as without any cache."""
    flip_error_for(project)
    done = subprocess.run([sys.executable, "-c", SCOPINGS, "build"], cwd=project,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "scoped: ['__kgen_selector__=\"calico\"']"
    assert counts(done.stderr) == (1, 1)
    assert_as_without_cache(project)


@pytest.mark.parametrize(("path", "old", "new"), [
    ("specs/calico.py", '"max(felix_cluster_num_policies)"', '"min(felix_cluster_num_policies)"'),
    ("kgen.yaml", "{error_for: 20m}", "{error_for: 20m, selector: 'job=\"calico-node\"'}"),
], ids=["query text", "selector"])
def test_a_board_whose_queries_or_scoping_changed_is_scoped_again(
        project: Path, path: str, old: str, new: str) -> None:
    """The SDK build is the one kept (no SDK), its file is made anew."""
    edit(project / path, old, new)
    sdk, report = kgen_build(project)
    assert not sdk and counts(report) == (1, 1)
    assert_as_without_cache(project)


@pytest.mark.parametrize("damage", ["truncated", "body changed", "header changed", "not json"])
def test_a_corrupt_entry_is_ignored(project: Path, damage: str) -> None:
    (directory,) = (project / ".kgen-cache").glob("boards-*")
    for path in directory.iterdir():
        data = path.read_bytes()
        header, _, body = data.partition(b"\n")
        path.write_bytes({
            "truncated": data[:len(data) // 2],
            "body changed": header + b"\n" + body.replace(b'"title', b'"Title', 1),
            "header changed": header.replace(f'"format": {FORMAT}'.encode(),
                                             f'"format": {FORMAT + 1}'.encode()) + b"\n" + body,
            "not json": b"\x00" * 40,
        }[damage])
    settled(directory)
    flip_error_for(project)
    sdk, report = kgen_build(project)
    assert sdk and counts(report) == (1, 1)
    assert_as_without_cache(project)


def test_an_entry_under_another_key_is_not_taken(project: Path) -> None:
    """A well-formed entry moved to another board's name is refused: its header names its key."""
    (directory,) = (project / ".kgen-cache").glob("boards-*")
    paths = sorted(directory.iterdir())
    contents = [path.read_bytes() for path in paths]
    for path, content in zip(paths, contents[1:] + contents[:1], strict=True):
        path.write_bytes(content)  # each board's entry under the next one's name
    flip_error_for(project)
    assert kgen_build(project)[0]
    assert_as_without_cache(project)


def test_no_fastpath_reads_no_board(project: Path) -> None:
    flip_error_for(project)
    sdk, report = kgen_build(project, KGEN_NO_FASTPATH="1")
    assert sdk and counts(report) == (2, 0)
    assert_as_without_cache(project)


def test_the_boards_kept_are_the_same_bytes_from_any_build(project: Path) -> None:
    """Deterministic: the entries of a build from scratch (another hash seed) are the same."""
    before = boards(project)
    for path in (project / ".kgen-cache").rglob("*"):
        if path.is_file():
            path.unlink()
    assert kgen_build(project, PYTHONHASHSEED="7")[0]
    assert boards(project) == before


def test_a_parallel_build_imports_the_sdk_before_forking_only_when_a_worker_needs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four integrations built by two workers: the building process imports the SDK for them
    the first time; when every board they used last is kept, it does not (nor does a worker:
    the rebuild's boards are all taken from the cache, and the bytes are as without it)."""
    from benchmarks import synth

    synth.write(4, tmp_path / "specs")
    (tmp_path / "kgen.yaml").write_text(SEVEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settled(tmp_path)
    sdk, report = kgen_build(tmp_path, KGEN_JOBS="2")
    assert sdk and counts(report) == (4, 0)
    edit(tmp_path / "kgen.yaml", "targets:", "runbook_url: https://runbooks.example/{alert}\n"
                                             "targets:")
    sdk, report = kgen_build(tmp_path, KGEN_JOBS="2")
    assert counts(report) == (4, 0)
    assert_as_without_cache(tmp_path)
    assert not sdk


def test_a_key_covers_every_field_but_query_text(tmp_path: Path) -> None:
    """Query text is scoped after the SDK build: it is not in the key. Every other field is,
    with its value as the model holds it (None is not 0.0, -0.0 not 0.0)."""
    from generator.boardcache import BoardCache
    from generator.documents.dashboard import board_text
    from generator.model import Dashboard, Integration, Panel, Query, Row

    kept = BoardCache(tmp_path, read=True)

    def key(expr: str = "up", legend: str = "", **panel: float | None) -> str | None:
        board = Dashboard(title="x", rows=(Row(title="r", panels=(Panel(
            title="t", description="d", unit="s",
            queries=(Query(expr=expr, legend=legend),), **panel),)),))
        demo = Integration.model_construct(name="demo", description="A demo.")
        return kept.key("demo", board_text(demo, board))

    assert key() is not None and key() == key(expr="sum(up)")
    keys = [key(legend="{{job}}"), key(max=2.5), key(max=None), key(max=1),
            key(max=-0.0), key(max=0.0)]
    assert len({*keys, key()}) == len(keys)
    assert kept.used == {"demo": set(keys)}
