"""`kgen build --jobs N`: integrations built by worker processes make the same bytes, the
same findings and the same errors as the build in one process, whatever the number of workers
and the order they finish in; a spec that ends its worker is one error line; an interrupt
leaves no process and no staging tree behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks import synth
from generator import build as pipeline
from generator import workers
from generator.cli import main
from generator.output import STAGING
from generator.project import load_project
from tests.broken._base import BASE
from tests.support import CONFIG, KGEN, SPECS

SEVEN = ("targets: [prometheus-rules, scrape-jobs, grafana, docs, prometheus-operator, "
         "grafana-provisioning, mixin]\n")
SMALL = "targets: [prometheus-rules, scrape-jobs, grafana, docs, prometheus-operator]\n"
"""For the small specs below (the mixin target refuses their knobs)."""
BODY = "def integration(config: Config) -> Integration:\n"


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def kgen(root: Path, *args: str) -> tuple[int, str, str]:
    """kgen as a process: exit code, stdout, stderr."""
    done = subprocess.run([KGEN, *args], cwd=root, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def tiny(specs: Path, count: int) -> list[Path]:
    """`count` small valid specs u0, u1, ... (renamed copies of the broken-spec base)."""
    specs.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = specs / f"u{index}.py"
        path.write_text(BASE.replace("demo", f"u{index}").replace("Demo", f"U{index}"),
                        encoding="utf-8")
        paths.append(path)
    return paths


def inject(path: Path, line: str) -> None:
    """Put `line` first in the spec's integration()."""
    text = path.read_text(encoding="utf-8")
    assert BODY in text
    path.write_text(text.replace(BODY, f"{BODY}    {line}\n"), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "kgen.yaml").write_text(SEVEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KGEN_NO_FASTPATH", "1")
    return tmp_path


def both(root: Path, *args: str, jobs: tuple[int, ...] = (1, 3),
         process: bool = False) -> list[tuple[int, str]]:
    """Build with each number of jobs from nothing (`process`: as a process, not in this
    one); the exit code and report of each, and every tree made identical."""
    seen = []
    trees = []
    for count in jobs:
        shutil.rmtree(root / "out", ignore_errors=True)
        shutil.rmtree(root / "out-prod", ignore_errors=True)
        shutil.rmtree(root / ".kgen-cache", ignore_errors=True)
        if process:
            code, stdout, stderr = kgen(root, "build", "--jobs", str(count), *args)
            seen.append((code, stdout + "\n--- stderr\n" + stderr))
        else:
            seen.append(invoke("build", "--jobs", str(count), *args))
        trees.append({out: tree(root / out) for out in ("out", "out-prod")})
        assert not list(root.glob(STAGING + "*"))
    assert all(t == trees[0] for t in trees)
    assert all(s == seen[0] for s in seen), seen
    return seen


def test_the_shipped_specs_every_profile(project: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert CONFIG is not None
    shutil.copytree(SPECS, project / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONFIG, project / "kgen.yaml")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)  # two integrations: fork anyway
    [(code, _), _] = both(project, "--all-profiles")
    assert code == 0
    profiles = (None, *load_project(project / "kgen.yaml").profiles)
    for profile in profiles:
        loaded = load_project(project / "kgen.yaml", profile)
        assert tree(loaded.out_dir) == pipeline.build_project(loaded)


def test_a_synthetic_set(project: Path) -> None:
    synth.write(6, project / "specs")
    [(code, report), _, _] = both(project, jobs=(1, 2, 4))
    assert code == 0 and "built 6 integration(s), 0 from the cache" in report
    assert tree(project / "out") == pipeline.build_project(load_project(project / "kgen.yaml"))


def test_findings_and_errors_as_in_one_process(project: Path) -> None:
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    paths = tiny(project / "specs", 6)
    inject(paths[0], "import time; time.sleep(0.3)")  # the first finishes last
    inject(paths[1], 'print("building u1")')
    [(code, report), _] = both(project, process=True)
    assert code == 0 and "building u1" not in report  # a warning (kgen check shows it)
    inject(paths[2], "raise ValueError('no')")
    inject(paths[4], "import sys; sys.exit(3)")
    [(code, report), _] = both(project, process=True)
    assert code == 1 and "u2.py:25: error KG002 spec failed: ValueError: no" in report
    assert "u4.py:25: error KG002 spec failed: the spec called sys.exit(3)" in report
    paths[2].write_text(paths[2].read_text().replace("raise ValueError('no')", ""))
    paths[4].write_text(paths[4].read_text().replace("import sys; sys.exit(3)", ""))
    paths[3].write_text(paths[3].read_text().replace('name="U3Slow"', 'name="U5Slow"'))
    [(code, report), _] = both(project)  # a duplicate across integrations, from summaries
    assert code == 1 and "U5Slow" in report


def test_a_spec_that_ends_its_worker(project: Path) -> None:
    """Eight integrations on two workers: the one that dies on u2 holds u4 too (sent ahead),
    which the worker forked in its place builds."""
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    paths = tiny(project / "specs", 8)
    out = project / "out"
    assert invoke("build", "--jobs", "2")[0] == 0
    before = tree(out)
    for line, how in (("import os; os._exit(3)", "exit status 3"),
                      ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)",
                       "killed by SIGKILL")):
        original = paths[2].read_text()
        inject(paths[2], line)
        code, report = invoke("build", "--jobs", "2")
        assert code == 1
        assert report.splitlines() == [
            f"specs/u2.py:1: error KG002 spec failed: the worker process building u2 ended "
            f"({how}); a spec only builds its integration", "1 error(s); nothing written"]
        assert tree(out) == before and not list(project.glob(STAGING + "*"))
        paths[2].write_text(original)


def test_the_cache_after_a_parallel_build(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    paths = tiny(project / "specs", 5)
    past = time.time() - 30
    for path in paths:
        os.utime(path, (past, past))
    monkeypatch.delenv("KGEN_NO_FASTPATH")
    assert "built 5 integration(s), 0 from the cache" in invoke("build", "-j", "2")[1]
    inject(paths[3], "pass")
    os.utime(paths[3], (past, past))
    assert "built 1 integration(s), 4 from the cache" in invoke("build", "-j", "2")[1]
    assert tree(project / "out") == pipeline.build_project(load_project(project / "kgen.yaml"))


def test_an_interrupt_leaves_nothing_behind(project: Path) -> None:
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    paths = tiny(project / "specs", 6)
    for path in paths[1:]:
        inject(path, "import time; time.sleep(60)")
    env = {**os.environ, "KGEN_JOBS": "2"}
    process = subprocess.Popen([KGEN, "build"], cwd=project, env=env, start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: list[int] = []
    deadline = time.monotonic() + 30
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
        workers = _running(str(project))
        workers = [pid for pid in workers if pid != process.pid]
    assert len(workers) == 2, "the workers did not start"
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    _, stderr = process.communicate(timeout=30)
    assert process.returncode != 0
    assert "Traceback" not in stderr.decode()
    assert _running(str(project)) == []
    assert not list(project.glob(STAGING + "*")) and not (project / "out").exists()


def test_an_interrupt_while_a_worker_is_forked_is_not_lost(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the build forks its second worker (here sent just before that fork)
    interrupts the build once the fork is done, and both workers are stopped and reaped:
    before, the build ignored SIGINT while forking, so the interrupt was lost and the build
    ran on (test_an_interrupt_leaves_nothing_behind failed that way under load)."""
    forked: list[int] = []
    fork = BaseProcess.start

    def start(process: BaseProcess) -> None:
        if forked:
            os.kill(os.getpid(), signal.SIGINT)
        fork(process)
        assert process.pid is not None
        forked.append(process.pid)

    monkeypatch.setattr(BaseProcess, "start", start)
    with pytest.raises(KeyboardInterrupt), workers.Pool(2, lambda index: index):
        pytest.fail("the interrupt was lost")
    assert len(forked) == 2
    for pid in forked:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _running(cwd: str) -> list[int]:
    """Processes (kgen and its workers) whose working directory is `cwd`, but this one (the
    test runs there too, and under pytest-xdist its command line names the venv's python by
    its absolute path, which holds "kgen" when the clone is named so)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if os.readlink(entry / "cwd") == cwd and re.search(
                        b"kgen", (entry / "cmdline").read_bytes()):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def suppressing(specs: Path) -> None:
    """Specs v0, whose alert V0extra breaks KG301, and v1, which suppresses KG301 for the
    extra alert both build (`_shared.extra`): v0 is held back, then built."""
    from tests.test_incremental import SHARED

    (specs / "_shared.py").write_text(SHARED, encoding="utf-8")
    for name, call in (("v0", 'extra("V0extra", "v0_queue_depth", {})'),
                       ("v1", 'extra("V1Extra", "v1_queue_depth", '
                              '{"KG301": "kept as the pager knows it"})')):
        source = BASE.replace("demo", name).replace("Demo", name.upper())
        source = source.replace("from generator.kit", "from ._shared import extra\n"
                                "from generator.kit", 1)
        source = source.replace("alerts=(a1, a2, a3),", f"alerts=(a1, a2, a3, {call}),")
        (specs / f"{name}.py").write_text(source, encoding="utf-8")


def test_an_error_another_spec_suppresses(project: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Held back while the build had an error, then built once another spec's suppression
    cleared it: as in one process."""
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    specs = project / "specs"
    tiny(specs, 2)
    suppressing(specs)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    [(code, report), _] = both(project)
    assert code == 0 and "built 4 integration(s)" in report, report
    assert "V0extra" in (project / "out/prometheus/rules/v0.yaml").read_text()


def test_check_and_diff(project: Path) -> None:
    (project / "kgen.yaml").write_text(SMALL, encoding="utf-8")
    tiny(project / "specs", 5)
    assert invoke("build", "-j", "1")[0] == 0
    (project / "out/docs/u3.md").write_text("edited\n")
    (project / "out/prometheus/rules/u1.yaml").unlink()
    for command in (("build", "--check"), ("diff",)):
        one, three = (kgen(project, *command, "--jobs", count) for count in ("1", "3"))
        assert one == three and one[0] == (1 if command[0] == "build" else 0)
        assert "-edited" in one[1] and "missing: out/prometheus/rules/u1.yaml" in one[2]


def _exit_on_zero(index: int) -> int:
    if index == 0:
        os._exit(3)
    return index * 10


def test_what_a_dead_worker_held_besides_goes_back_to_the_queue() -> None:
    """A worker holds its next integration ahead; when it dies building the first, the one it
    held is handed out again at once, not only when the build comes to ask for it."""
    with workers.Pool(1, _exit_on_zero) as pool:
        pool.submit([0, 1, 2])
        assert pool._workers[0].indexes == [0, 1]
        pool._collect()
        assert pool._done.pop(0) == workers.Died("exit status 3")
        assert ([w.indexes for w in pool._workers], pool._queue) == ([[1]], [2])
        assert (pool.result(1), pool.result(2)) == (10, 20)
