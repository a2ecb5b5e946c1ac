"""Shared fixtures: the project root, the shipped specs' build, and the real promtool."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
OUT = ROOT / "out"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built() -> dict[str, bytes]:
    """A fresh in-memory build of the shipped specs (path relative to out/ -> bytes)."""
    return build(SPECS)


@pytest.fixture(scope="session")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool not found: install Debian's `prometheus` package (.ci/run does)"
    return path
