"""The committed output trees are the golden record: a fresh build of the project config, and
of each of its profiles, must match them byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_project
from generator.output import drift
from generator.project import load_project
from tests.support import CONFIG, PROFILES


def _fresh(profile: str | None) -> tuple[Path, dict[str, bytes]]:
    project = load_project(CONFIG, profile)
    return project.out_dir, build_project(project)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "base")
def test_committed_tree_matches_a_fresh_build(profile: str | None) -> None:
    out, files = _fresh(profile)
    result = drift(out, files)
    command = "kgen build" + (f" --profile {profile}" if profile else "")
    assert result.clean, (
        f"{out.name}/ differs from a fresh build; run `.venv/bin/{command}` and review the "
        "diff:\n" + result.diff[:5000]
    )


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "base")
def test_every_generated_file_is_listed(profile: str | None) -> None:
    out, files = _fresh(profile)
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert on_disk == set(files)
