"""The committed output trees are the golden record: a fresh build of the project config, and
of each of its profiles, must match them byte for byte. The trees are read and compared here,
file by file, not through kgen's own drift code (which `kgen build --check` uses), so a fault
in that code cannot hide a stale tree."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from generator.build import build_project
from generator.project import load_project
from tests.support import CONFIG, PROFILES


def _fresh(profile: str | None) -> tuple[Path, dict[str, bytes]]:
    project = load_project(CONFIG, profile)
    return project.out_dir, build_project(project)


def _on_disk(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*")) if path.is_file()}


def _difference(path: str, committed: bytes, fresh: bytes) -> str:
    lines = difflib.unified_diff(committed.decode("utf-8", "replace").splitlines(),
                                 fresh.decode("utf-8", "replace").splitlines(),
                                 f"committed/{path}", f"fresh/{path}", lineterm="")
    return "\n".join(lines)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "base")
def test_committed_tree_matches_a_fresh_build_byte_for_byte(profile: str | None) -> None:
    out, fresh = _fresh(profile)
    committed = _on_disk(out)
    command = "kgen build" + (f" --profile {profile}" if profile else "")
    assert sorted(committed) == sorted(fresh), (
        f"{out.name}/ holds other files than a fresh build makes; run `.venv/bin/{command}`")
    stale = [path for path in fresh if committed[path] != fresh[path]]
    assert not stale, (
        f"{out.name}/ differs from a fresh build in {stale}; run `.venv/bin/{command}` and "
        "review the diff:\n" + "\n".join(_difference(p, committed[p], fresh[p])
                                         for p in stale)[:5000])
