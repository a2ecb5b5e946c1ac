"""Shared fixtures: the project root, the shipped specs' build, and the real promtool."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build_project
from generator.project import load_project

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
OUT = ROOT / "out"
CONFIG = ROOT / "kgen.yaml"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def built() -> dict[str, bytes]:
    """A fresh in-memory build of the shipped specs with the project config (path relative to
    out/ -> bytes)."""
    return build_project(load_project(CONFIG))


@pytest.fixture(scope="session")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool not found: install Debian's `prometheus` package (.ci/run does)"
    return path
