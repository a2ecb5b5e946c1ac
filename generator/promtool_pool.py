"""`promtool test rules` over many test files in up to `jobs` processes at once, each tree's
report put back together as one process over all its files would have printed it.

promtool tests one file after another on one core, about 2 s per integration: with more than
one job, each test file gets its own process (promtool starts in about 20 ms), the largest
files first, so the workers take the long ones early and finish together whatever else the
machine runs. Every tree `kgen test --all-profiles` runs shares the one pool.

A test file may come with parts (`generator.trimmed_tests`): promtool then runs over the parts
of the batch's files first, and when every part passes the batch's output is what promtool
prints for passing files (it names nothing but the file); otherwise it runs over the files
themselves, and that run's output and exit code are the batch's.

A test file that passed before with the same inputs (`generator.testcache`) runs in no process:
its output is what promtool prints for a passing file.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from generator import rule_tests

ARGUMENTS = ("test", "rules")
"""What promtool runs with, before the test files."""
GOGC = "200"
"""Go's garbage collector target for promtool unless the environment sets one: promtool
evaluates every rule at each step of each test group and makes much short-lived garbage;
collecting when the heap has grown by twice the live heap (Go's default: by once) takes about
16% less CPU for about 27 MB more memory per process (measured on synthetic etcd and calico
test files; GOGC=400 saves a few % more for 150 MB more)."""


def passed(test: str) -> str:
    """What `promtool test rules` prints for a test file whose every test group passes."""
    return f"Unit Testing:  {test}\n  SUCCESS\n\n"


class Result(NamedTuple):
    """A promtool run's exit code and what it printed (stdout and stderr as one stream)."""

    returncode: int
    output: str


def batches(tests: list[str], weights: Mapping[str, int], jobs: int) -> list[list[str]]:
    """The test files of each promtool process: with one job, all of them in order in one
    process (as a user runs promtool); else one file per process, heaviest first (by
    `weights`; ties in the order of `tests`)."""
    if jobs == 1:
        return [list(tests)]
    return [[test] for test in sorted(tests, key=lambda test: -weights[test])]


class Running:
    """The promtool processes over one tree's test files (`runs`, one per batch of `batches`),
    and the files that passed before (`reused`)."""

    def __init__(self, tests: list[str], batches: list[list[str]], runs: list[Future[Result]],
                 reused: list[str]) -> None:
        self._tests = tests
        self._batches = batches
        self._runs = runs
        self._reused = reused

    def result(self) -> Result:
        """Wait for every process: the output as one run over the files in order, and the
        exit code of the first run (in that order of starting) that failed, else 0."""
        done = [run.result() for run in self._runs]
        code = next((result.returncode for result in done if result.returncode), 0)
        outputs = [*(result.output for result in done), *map(passed, self._reused)]
        return Result(code, rule_tests.merged(self._tests, outputs))

    def passed(self) -> list[str]:
        """The test files promtool ran and passed (every file of a run that exited 0; a file
        of a run that failed counts as failed)."""
        return [test for batch, run in zip(self._batches, self._runs, strict=True)
                if run.result().returncode == 0 for test in batch]


class Pool:
    """At most `jobs` promtool processes at a time."""

    def __init__(self, promtool: str, jobs: int) -> None:
        self._promtool = promtool
        self._jobs = jobs
        self._executor = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="promtool")
        self._environment = {"GOGC": GOGC, **os.environ}

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def start(self, cwd: Path, tests: list[str], weights: Mapping[str, int],
              parts: Mapping[str, Sequence[str]], reused: Collection[str] = ()) -> Running:
        """Queue `promtool test rules` over `tests` (paths relative to `cwd`) but those
        `reused` (they passed before), over their `parts` first where every file of a batch
        has some."""
        to_run = [test for test in tests if test not in reused]
        planned = batches(to_run, weights, self._jobs) if to_run else []
        runs = [self._executor.submit(self._run_parts, cwd, batch, parts) for batch in planned]
        return Running(tests, planned, runs, [test for test in tests if test in reused])

    def _run_parts(self, cwd: Path, tests: list[str],
                   parts: Mapping[str, Sequence[str]]) -> Result:
        if all(parts.get(test) for test in tests):
            pieces = [part for test in tests for part in parts[test]]
            if self._run(cwd, pieces) == Result(0, "".join(map(passed, pieces))):
                return Result(0, "".join(map(passed, tests)))
        return self._run(cwd, tests)

    def _run(self, cwd: Path, tests: list[str]) -> Result:
        done = subprocess.run([self._promtool, *ARGUMENTS, *tests], cwd=cwd,
                              env=self._environment, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, check=False)
        return Result(done.returncode, done.stdout)
