"""What the tests share: where this repository's content is, what its project config says, and
temporary projects for tests of kgen itself.

Tests of the shipped content follow the project config (a user who changes a threshold in
kgen.yaml or adds an integration still gets a green suite after `kgen build`); tests of the
generator run in temporary projects and never read this repository's kgen.yaml.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from generator.loader import discover
from generator.project import Project, find_config, load_project

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "tests" / "vendor"
"""Reference material the tests compare with (see its README for sources and licences)."""
SCHEMAS = ROOT / "generator" / "schemas" / "grafana" / "v11.6"
KGEN = str(Path(sys.executable).parent / "kgen")

CONFIG = find_config(ROOT)
"""This repository's project config (kgen.yaml, or [tool.kgen] in pyproject.toml), if any."""
PROJECT = (load_project(CONFIG) if CONFIG
           else Project(specs_dir=ROOT / "specs", out_dir=ROOT / "out"))
SPECS = PROJECT.specs_dir
OUT = PROJECT.out_dir
PROFILES: tuple[str | None, ...] = (None, *PROJECT.profiles)
INTEGRATIONS = tuple(name for name, _ in discover(SPECS))
"""The integrations this repository ships, whatever they are."""

SPECIMENS = ("calico", "etcd")
"""The specs tests of the generator copy into their temporary projects."""


def temp_project(root: Path, config: str | None = None, name: str = "kgen.yaml",
                 specs: tuple[str, ...] = SPECIMENS) -> Path:
    """A project directory at `root`: copies of the specimen specs (modules or packages) and,
    when given, a config."""
    (root / "specs").mkdir(parents=True, exist_ok=True)
    for spec in specs:
        package = ROOT / "specs" / spec
        if package.is_dir():
            shutil.copytree(package, root / "specs" / spec,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / "specs" / f"{spec}.py", root / "specs" / f"{spec}.py")
    if config is not None:
        (root / name).write_text(config, encoding="utf-8")
    return root


def kgen(root: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real console script, run in `root` as a user would."""
    return subprocess.run([KGEN, *args], cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=timeout)


LIVE_TIMEOUT = 30.0
"""Seconds a live Prometheus may take to start, scrape and evaluate."""


@contextlib.contextmanager
def closed_port() -> Iterator[int]:
    """A local port that refuses connections while the block runs: bound by this process and
    never listened on, so no other process can start listening there meanwhile."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        port: int = held.getsockname()[1]
        yield port


def free_port() -> int:
    """A local port free when asked: another process (a test on another xdist worker, another
    suite on the machine) may take it before the caller listens there; `prometheus` retries."""
    with closed_port() as port:
        return port


def wait_for(what: str, ready: Callable[[], bool], log: Path) -> None:
    """Poll `ready` until it holds; fail with the end of the Prometheus log when it never does.
    Errors while the server starts (refused connections, 503s, half-filled answers) count as
    not ready yet."""
    import httpx

    deadline = time.monotonic() + LIVE_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except (OSError, httpx.HTTPError, ValueError, KeyError, AssertionError):
            pass
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; prometheus log:\n{log.read_text()[-3000:]}")


PORT_TAKEN = "bind: address already in use"
"""What Prometheus logs, then exits, when another process listens on its port."""
READY = "Server is ready to receive web requests."


@contextlib.contextmanager
def prometheus(config: Path, root: Path) -> Iterator[tuple[str, Path]]:
    """The real Prometheus on a free local port, loading `config`, its data and log under
    `root`: its URL and its log, once it serves; stopped when the block ends. A port taken
    between `free_port` and Prometheus' bind means another port, at most three times."""
    log = root / "prometheus.log"
    for _ in range(3):
        web = f"127.0.0.1:{free_port()}"
        with log.open("wb") as out:
            server = subprocess.Popen(
                ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={root / 'data'}",
                 f"--web.listen-address={web}"], stdout=out, stderr=subprocess.STDOUT)
        try:
            if _serving(server, log):
                yield f"http://{web}", log
                return
        finally:
            server.terminate()
            server.wait(timeout=10)
    pytest.fail(f"no free port for prometheus in three tries; its log:\n{log.read_text()[-3000:]}")


def _serving(server: subprocess.Popen[bytes], log: Path) -> bool:
    """Whether the starting Prometheus `server` came to serve (False: it found its port taken
    and exited); any other exit, or no readiness in LIVE_TIMEOUT, fails the test."""
    deadline = time.monotonic() + LIVE_TIMEOUT
    while time.monotonic() < deadline:
        said = log.read_text(errors="replace")
        if server.poll() is not None:
            if PORT_TAKEN in said:
                return False
            pytest.fail(f"prometheus exited ({server.returncode}); its log:\n{said[-3000:]}")
        if READY in said:
            return True
        time.sleep(0.1)
    pytest.fail(f"prometheus did not start in {LIVE_TIMEOUT}s; its log:\n{log.read_text()[-3000:]}")


def settled(root: Path) -> Path:
    """Every file below root dated back, as if written well before the build (kgen trusts no
    input modified just before or during a build); root."""
    past = time.time() - 30
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    return root


def shipped_project(root: Path, config: str, monkeypatch: pytest.MonkeyPatch,
                    only: tuple[str, ...] = ()) -> Path:
    """A project of the shipped specs (`only` these integrations, when given, so a team's added
    integrations do not change what a test of kgen counts) and `config` at root, the working
    directory, with the fast path on and every file dated back."""
    ignore = shutil.ignore_patterns("__pycache__")
    if not only:
        shutil.copytree(SPECS, root / "specs", ignore=ignore)
    for name in only:
        module = SPECS / f"{name}.py"
        if module.is_file():
            (root / "specs").mkdir(exist_ok=True)
            shutil.copy(module, root / "specs" / module.name)
        else:
            shutil.copytree(SPECS / name, root / "specs" / name, ignore=ignore)
    (root / "kgen.yaml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("KGEN_NO_FASTPATH", raising=False)
    return settled(root)
