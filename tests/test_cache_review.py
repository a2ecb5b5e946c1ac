"""`kgen build`, `kgen build --check` and `kgen diff` answer as the same command with
`KGEN_NO_FASTPATH=1` (the reference: no no-op record, unit cache or board cache) after real user
actions, whatever the caches recorded before."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.test_test_build import CONFIG, kgen, spec, write

NAMES = ("u0", "u1")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    for name in NAMES:
        write(root, name, spec(name))
    (root / "kgen.yaml").write_text(CONFIG, encoding="utf-8")
    _age(root / "kgen.yaml")
    return root


def _age(path: Path) -> None:
    """Date a file a minute back: no record trusts an input modified within a second of its
    build (`fastpath.RACY_NS`)."""
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime - 60))


def _same_as_reference(root: Path, *args: str, stderr: bool = False) -> tuple[int, str, str]:
    """The command's answer, asserted equal to the reference's on a copy of the project as it
    is now (each may write its tree: the copy keeps the reference from changing what the
    command under test sees); with `stderr`, its error lines too."""
    reference = root.parent / "reference"
    shutil.rmtree(reference, ignore_errors=True)
    shutil.copytree(root, reference, symlinks=True)
    expected = kgen(reference, *args, reference=True)
    got = kgen(root, *args)
    assert got[0] == expected[0], (got, expected)
    assert got[1] == expected[1]
    if stderr:
        assert got[2] == expected[2]
    return got


def test_an_output_file_replaced_by_a_symlink_to_the_same_bytes(project: Path) -> None:
    """A build takes no symlink for an output file (it writes a regular file in its place, and
    --check calls the tree stale): the no-op record must not say "up to date" through it."""
    assert kgen(project, "build")[0] == 0
    target = project / "out" / "docs" / "u0.md"
    kept = project / "u0.md"
    shutil.copyfile(target, kept)
    target.unlink()
    target.symlink_to(kept)
    code, _, err = kgen(project, "build", "--check")
    assert code == 1 and "stale: out/docs/u0.md" in err, err
    assert kgen(project, "build")[0] == 0
    assert not target.is_symlink()


def test_the_manifest_replaced_by_a_symlink_to_the_same_bytes(project: Path) -> None:
    assert kgen(project, "build")[0] == 0
    target = project / "out" / "kgen-manifest.json"
    kept = project / "manifest.json"
    shutil.copyfile(target, kept)
    target.unlink()
    target.symlink_to(kept)
    code, _, err = kgen(project, "build", "--check")
    assert code == 1 and "stale: out/kgen-manifest.json" in err, err
    assert kgen(project, "build")[0] == 0
    assert not target.is_symlink()


@pytest.mark.xfail(strict=True, reason="not fixed: targets/mixin.py's _first_difference walks "
                   "dict keys in the order the board's data has them, which the board cache's "
                   "entry (the grafana file, keys sorted) does not share with the SDK's build")
def test_a_mixin_proof_after_a_board_the_grafana_target_kept(project: Path) -> None:
    """The mixin's proof names the first query where the stand-in build differs. After a
    build whose grafana target kept its boards' files in the board cache, the mixin's boards
    are read from those files, whose keys are in another order than the SDK's build: the proof
    named another query than the reference's."""
    config = "specs: specs\nout: out\ncluster_label: cluster\ntargets: [%s]\n"
    (project / "specs" / "u1.py").unlink()
    (project / "kgen.yaml").write_text(config % "grafana", encoding="utf-8")
    _age(project / "kgen.yaml")
    assert kgen(project, "build")[0] == 0
    (project / "kgen.yaml").write_text(config % "mixin", encoding="utf-8")
    _age(project / "kgen.yaml")
    assert _same_as_reference(project, "build", stderr=True)[0] == 1
