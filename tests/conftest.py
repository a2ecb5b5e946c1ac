"""Shared fixtures: an isolated working directory, the project's build, the real promtool,
rules built from the specs' own defaults, and the one live Prometheus."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

from generator.build import build, build_project
from generator.targets import TARGETS
from tests.support import PROJECT, SPECS

if TYPE_CHECKING:
    from tests.live_server import LivePrometheus


# Property tests judge what kgen does, not how fast: with the suite on every core, and other
# suites on the machine, an example can wait for a core well past Hypothesis' 200 ms deadline
# or its too-slow generation check.
settings.register_profile("shared-cores", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared-cores")


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """pyproject's addopts spreads the suite over pytest-xdist's workers (`--numprocesses`);
    without the plugin (`-p no:xdist`, or a venv installed before it joined the dev extra)
    the option is taken and ignored, and the same command runs the suite serially."""
    if not pluginmanager.has_plugin("xdist"):
        group = parser.getgroup("xdist", "pytest-xdist not loaded: the suite runs serially")
        group.addoption("--numprocesses", dest="numprocesses", help="ignored")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked `long` first: pytest-xdist hands tests out in this order, so no worker
    is still running one when the other has run out of tests."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in an empty directory, so nothing picks up this repository's
    kgen.yaml by accident: tests name the project they mean."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(scope="session")
def built() -> dict[str, bytes]:
    """A fresh in-memory build of the shipped specs with the project config, every target on
    (path relative to out/ -> bytes)."""
    return build_project(PROJECT._replace(targets=tuple(TARGETS)))


@pytest.fixture(scope="session")
def default_build() -> dict[str, bytes]:
    """The shipped specs built with their own defaults and every target: for tests that state
    what a spec does at its default thresholds and selectors."""
    return build(SPECS, tuple(TARGETS))


@pytest.fixture(scope="session")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool not found: install Debian's `prometheus` package (.ci/run does)"
    return path


@pytest.fixture(scope="session")
def checked_rules(built: dict[str, bytes], promtool: str,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`promtool check rules` run once, together, over every rule file of the project's build:
    rule file path -> what promtool said of it. Tests of artefacts that hold the same groups
    (the PrometheusRule specs) compare with these files instead of running promtool again."""
    root = tmp_path_factory.mktemp("checked-rules")
    paths = sorted(path for path in built if path.startswith("prometheus/rules/"))
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(built[path])
    done = subprocess.run([promtool, "check", "rules", *paths], cwd=root, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    said = {path: "" for path in paths}
    current = None
    for line in done.stdout.splitlines():
        if line.startswith("Checking "):
            current = line.removeprefix("Checking ").strip()
        elif current in said:
            said[current] += line + "\n"
    return said


@pytest.fixture(scope="session")
def default_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory laid out like the repository, holding the rule files the shipped specs
    produce with their default config in out/prometheus/rules/ (the upstream mixin's scenarios
    and the seed state behaviour at those defaults)."""
    root = tmp_path_factory.mktemp("defaults")
    for path, data in build(SPECS, ("prometheus-rules",)).items():
        if path.startswith("prometheus/rules/"):
            target = root / "out" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return root


@pytest.fixture(scope="session")
def live_prometheus(tmp_path_factory: pytest.TempPathFactory,
                    default_build: dict[str, bytes]) -> Iterator[LivePrometheus]:
    """The one real Prometheus the live tests share (tests/live_server.py), stopped when the
    session ends. Imported here, not at the top: a scaffolded project's tests/ holds this file
    and support.py alone."""
    from tests.live_server import started

    with started(tmp_path_factory.mktemp("live"), default_build) as live:
        yield live
