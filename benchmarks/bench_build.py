"""Time `kgen build` as a whole process, next to a bare interpreter and go-jsonnet.

Usage: .venv/bin/python benchmarks/bench_build.py [--runs N] [--sizes 10,100,300,1000]
       [--curve-runs M] [--jobs 1,2] [--default-targets] [--other-kgen PATH]
       [--ci N [--ci-runs K]]
       (needs the `bench` extra: pip install -e '.[dev,bench]')

Part one runs its commands in rounds (each command once per round, so a busy machine slows them
alike), N rounds (default 9) after one warm-up, and reports medians:

- `python -c pass`: interpreter start-up;
- go-jsonnet rendering the upstream etcd mixin's alerts and dashboard (vendored in
  benchmarks/etcd-mixin/), as a process and as the evaluation alone (the anchor);
- `kgen build` of the repository's specs and kgen.yaml (seven targets): a no-op (nothing changed
  since the last build) and a rebuild after a kgen.yaml change (calico's error_for flips each
  round; the line below it says how many integrations that built and took from the cache);
- with `--other-kgen PATH` (another venv's kgen, e.g. on another build of CPython), its no-op
  and rebuild too, in the same rounds.

Part two builds synthetic sets (benchmarks/synth.py, seven targets) of each size, M rounds
(default 3): a cold build (no output tree and no cache), a no-op build, a build after one spec
changed, a build after a kgen.yaml change to one integration's setting (each with how many
integrations it built and took from the cache), and the cold build's peak memory (max RSS of
the largest process: with worker processes, each has its own). `--jobs 1,2` adds, in the same
rounds, a cold build with each of those `kgen build --jobs` values (the plain one uses kgen's
default: the CPUs it may run on); `--default-targets` adds, for each of them, a cold build of
kgen's three default targets (prometheus-rules, scrape-jobs, grafana: a kgen.yaml that lists
none).
Part three, with `--ci N`, times a CI run's gates (docs/ci.md) on N synthetic integrations whose
tree is committed and whose checkout has no `.kgen-cache`, K rounds (default 3): `kgen build
--check`, `kgen check --strict`, `kgen test`, `kgen test` again with the `.kgen-cache` the one
before wrote (a CI run that restores it, with nothing changed: every test file's pass reused),
and `promtool test rules` over the generated tests as docs/ci.md runs it (one promtool per
file, as many at once as there are CPUs).
Bytecode caching is on (PYTHONDONTWRITEBYTECODE is dropped), as for any installed package.
Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402

ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
TARGETS = ("prometheus-rules, scrape-jobs, grafana, docs, prometheus-operator, "
           "grafana-provisioning, mixin")


class Timing(NamedTuple):
    wall: float
    cpu: float
    """User plus system time: what the machine's other work does not inflate."""


def run(command: list[str], cwd: Path = ROOT) -> tuple[Timing, int, str]:
    """Wall-clock and CPU seconds, peak RSS (KiB, from the process's own rusage) and stdout of
    one process; a failure stops the benchmark. What `kgen build` says it built is noted in
    BUILT, by command."""
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        stdout.seek(0)
        stderr.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{stderr.read().decode()}")
        cpu = usage.ru_utime + usage.ru_stime
        said = re.findall(r": built (\d+) integration\(s\), (\d+) from the cache",
                          stderr.read().decode())
        if said:
            BUILT[" ".join(command)] = (sum(int(b) for b, _ in said),
                                        sum(int(c) for _, c in said))
        return Timing(seconds, cpu), usage.ru_maxrss, stdout.read().decode()


BUILT: dict[str, tuple[int, int]] = {}
"""Command -> (integrations built, taken from the cache) the last time it ran."""


def rounds(steps: dict[str, Callable[[], Timing]], runs: int,
           warm_up: bool) -> dict[str, Timing]:
    """Median wall-clock and CPU seconds of each step, run in rounds."""
    if warm_up:
        for step in steps.values():
            step()
    timings: dict[str, list[Timing]] = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            timings[name].append(step())
    return {name: Timing(statistics.median(t.wall for t in values),
                         statistics.median(t.cpu for t in values))
            for name, values in timings.items()}


def repository(runs: int, kgen: str, tmp: Path, other: str | None) -> dict[str, Timing]:
    """Part one's medians; `other` is another venv's kgen, whose no-op and rebuild run in the
    same rounds (with its own output trees and caches)."""

    def rebuild_step(kgen: str, name: str) -> Callable[[], Timing]:
        config = tmp / name / "kgen.yaml"
        config.parent.mkdir()
        flip = iter(range(1 << 30))

        def rebuild() -> Timing:
            error_for = "11m" if next(flip) % 2 else "12m"
            config.write_text(f"specs: {ROOT / 'specs'}\nout: {config.parent / 'out'}\n"
                              f"targets: [{TARGETS}]\n"
                              f"integrations: {{calico: {{config: {{error_for: {error_for}}}}}}}\n",
                              encoding="utf-8")
            return run([kgen, "build", "--config", str(config)])[0]
        return rebuild

    go_eval: list[float] = []

    def go_process() -> Timing:
        timing, _, stdout = run([sys.executable, str(ROOT / "benchmarks/gojsonnet_etcd.py")])
        go_eval.append(float(stdout))
        return timing

    steps = {
        "python -c pass": lambda: run([sys.executable, "-c", "pass"])[0],
        "go-jsonnet etcd mixin (process)": go_process,
        "kgen build, no-op": lambda: run([kgen, "build", "--out",
                                                   str(tmp / "out-noop")])[0],
        "kgen.yaml change": rebuild_step(kgen, "rebuild"),
    }
    if other is not None:
        steps["other kgen: no-op"] = lambda: run([other, "build", "--out",
                                                  str(tmp / "out-noop-other")])[0]
        steps["other kgen: kgen.yaml change"] = rebuild_step(other, "rebuild-other")
    results = rounds(steps, runs, warm_up=True)
    anchor = statistics.median(go_eval[1:])  # the warm-up's evaluation is not counted
    built, cached = BUILT[f"{kgen} build --config {tmp / 'rebuild' / 'kgen.yaml'}"]
    results = {f"{label}: built {built}, cached {cached}" if label.endswith("kgen.yaml change")
               else label: timing for label, timing in results.items()}
    return {"go-jsonnet etcd mixin (evaluation)": Timing(anchor, anchor), **results}


def curve(size: int, runs: int, kgen: str, tmp: Path, jobs: list[int], default_targets: bool
          ) -> tuple[dict[str, Timing], dict[str, float], dict[str, tuple[int, int]]]:
    """Medians of each step, each cold build's peak MiB, and what the last one-spec and
    kgen.yaml builds said they built (built, from the cache). The cold build runs once per
    round with kgen's default number of jobs, and once with each of `jobs`; with
    `default_targets`, also with each of `jobs` building kgen's three default targets."""
    project = tmp / f"synthetic-{size}"
    synth.write(size, project / "specs")
    config = project / "kgen.yaml"
    changed = project / "specs" / sorted(os.listdir(project / "specs"))[0]
    integration = changed.name.removesuffix(".py")

    def configure(error_for: str | None) -> None:
        extra = ("" if error_for is None else
                 f"integrations: {{{integration}: {{config: {{error_for: {error_for}}}}}}}\n")
        config.write_text(f"specs: specs\nout: out\ntargets: [{TARGETS}]\n{extra}",
                          encoding="utf-8")
        settle(config)

    configure(None)
    past = time.time() - 60  # written a while ago: kgen trusts no input written just before
    for path in project.rglob("*"):
        os.utime(path, (past, past))
    original = changed.read_text(encoding="utf-8")
    flip = iter(range(1 << 30))
    peaks: dict[str, list[int]] = {}

    trash = tmp / f"trash-{size}"
    trash.mkdir()
    moved = iter(range(1 << 30))

    defaults = project / "kgen-default-targets.yaml"
    defaults.write_text("specs: specs\nout: out\n", encoding="utf-8")
    settle(defaults)

    def cold(label: str, *options: str) -> Callable[[], Timing]:
        def step() -> Timing:
            """No output tree and no cache: everything is built. The last build's tree and
            cache are moved aside, not removed: on ext4, a directory's freshly freed inodes
            make the next files created there several times dearer for a while (0.2-0.5 ms
            a file here, against 0.02), which would time the benchmark's own clean-up."""
            for name in ("out", ".kgen-cache"):
                if (project / name).exists():
                    (project / name).rename(trash / f"{name}-{next(moved)}")
            configure(None)
            timing, peak, _ = run([kgen, "build", *options], cwd=project)
            peaks.setdefault(label, []).append(peak)
            return timing
        return step

    said: dict[str, tuple[int, int]] = {}

    def one_spec() -> Timing:
        changed.write_text(original + f"# edit {next(flip)}\n", encoding="utf-8")
        timing = run([kgen, "build"], cwd=project)[0]
        said["one spec changed"] = BUILT[f"{kgen} build"]
        settle(changed)  # as if a person had edited it a while before the next build
        return timing

    def config_change() -> Timing:
        """One integration's setting flips: that integration is built again."""
        configure("11m" if next(flip) % 2 else "12m")
        timing = run([kgen, "build"], cwd=project)[0]
        said["kgen.yaml change"] = BUILT[f"{kgen} build"]
        return timing

    colds = [  # the first cold build compiles the specs; the no-op follows a seven-target one
        ("cold", ()),
        *((f"cold defaults --jobs {count}", ("--config", str(defaults), "--jobs", str(count)))
          for count in (jobs if default_targets else [])),
        *((f"cold --jobs {count}", ("--jobs", str(count))) for count in jobs),
    ]
    steps = {
        **{label: cold(label, *options) for label, options in colds},
        "no-op": lambda: run([kgen, "build"], cwd=project)[0],
        "one spec changed": one_spec,
        "kgen.yaml change": config_change,
    }
    results = rounds(steps, runs, warm_up=False)
    shutil.rmtree(project)
    shutil.rmtree(trash)
    return results, {step: statistics.median(p) / 1024 for step, p in peaks.items()}, said


def ci_gates(size: int, runs: int, kgen: str, tmp: Path) -> dict[str, Timing]:
    """Medians of each CI gate on `size` synthetic integrations, as a checkout runs them: the
    committed tree is current and there is no `.kgen-cache` (each run's is moved aside)."""
    project = tmp / f"ci-{size}"
    synth.write(size, project / "specs")
    (project / "kgen.yaml").write_text(
        f"specs: specs\nout: out\ntargets: [{TARGETS}]\n"
        'runbook_url: "https://git.example.com/org/monitoring/blob/main/{docs}#{anchor}"\n',
        encoding="utf-8")
    past = time.time() - 60
    for path in project.rglob("*"):
        os.utime(path, (past, past))
    run([kgen, "build"], cwd=project)
    trash = tmp / f"trash-ci-{size}"
    trash.mkdir()
    moved = iter(range(1 << 30))

    def gate(*command: str, cache: bool = False) -> Callable[[], Timing]:
        def step() -> Timing:
            if not cache and (project / ".kgen-cache").exists():
                (project / ".kgen-cache").rename(trash / f"cache-{next(moved)}")
            return run(list(command), cwd=project)[0]
        return step

    steps = {
        "kgen build --check": gate(kgen, "build", "--check"),
        "kgen check --strict": gate(kgen, "check", "--strict"),
        "kgen test": gate(kgen, "test"),
        "kgen test, the passes of the run before kept": gate(kgen, "test", cache=True),
        "promtool test rules (docs/ci.md)": gate(
            "bash", "-c", "printf '%s\\n' out/prometheus/tests/*.yaml | "
            'xargs -P "$(nproc)" -n 1 promtool test rules'),
    }
    results = rounds(steps, runs, warm_up=False)
    shutil.rmtree(project)
    shutil.rmtree(trash)
    return results


def interpreter(python: str) -> str:
    """An interpreter's path and version, and whether libpython is a shared library: CPython
    built with `--enable-shared` and without `--enable-optimizations` (pyenv's default) runs
    kgen markedly slower than a PGO/LTO build with libpython linked in (Debian's)."""
    said = subprocess.run(
        [python, "-c", "import platform, sys; print(platform.python_version()); "
         "print(any('/libpython' in line for line in open('/proc/self/maps')))"],
        capture_output=True, text=True, check=False).stdout.split()
    if len(said) != 2:
        return f"{os.path.realpath(python)} (version unknown)"
    linked = "libpython as a shared library" if said[1] == "True" else "libpython linked in"
    return f"{os.path.realpath(python)} {said[0]}, {linked}"


def _shebang(script: str) -> str:
    """The interpreter a console script runs on."""
    with open(script, encoding="utf-8") as file:
        return file.readline().removeprefix("#!").strip()


def settle(path: Path) -> None:
    past = time.time() - 60
    os.utime(path, (past, past))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--curve-runs", type=int, default=3)
    parser.add_argument("--sizes", default="10,100,300,1000",
                        help="synthetic set sizes, comma-separated ('' for none)")
    parser.add_argument("--jobs", default="",
                        help="also time each synthetic cold build with each of these --jobs "
                             "values, comma-separated, in the same rounds (e.g. 1,2)")
    parser.add_argument("--default-targets", action="store_true",
                        help="with --jobs: also time each synthetic cold build with kgen's "
                             "three default targets (no targets in kgen.yaml), same rounds")
    parser.add_argument("--other-kgen", metavar="PATH",
                        help="another venv's kgen (e.g. on another interpreter): its no-op and "
                             "kgen.yaml rebuild are timed in the same rounds")
    parser.add_argument("--ci", type=int, default=0, metavar="N",
                        help="also time a CI run's gates on N synthetic integrations")
    parser.add_argument("--ci-runs", type=int, default=3)
    args = parser.parse_args()
    kgen = str(Path(sys.executable).with_name("kgen"))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        other = str(Path(args.other_kgen).absolute()) if args.other_kgen else None
        results = repository(args.runs, kgen, tmp, other)
        anchor = results["go-jsonnet etcd mixin (evaluation)"].wall
        print(f"interpreter: {interpreter(sys.executable)}")
        if other is not None:
            print(f"other kgen: {other} on {interpreter(_shebang(other))}")
        print(f"median of {args.runs} rounds (after one warm-up); ratio of wall-clock time to "
              "go-jsonnet's evaluation of the etcd mixin")
        print(f"  {'':<50} {'wall ms':>8} {'ratio':>6} {'CPU ms':>8}")
        for label, timing in results.items():
            print(f"  {label:<50} {timing.wall * 1000:8.1f} {timing.wall / anchor:5.2f}x "
                  f"{timing.cpu * 1000:8.1f}")
        sizes = [int(size) for size in args.sizes.split(",") if size]
        if sizes:
            print(f"synthetic integrations, seven targets, median of {args.curve_runs} rounds: "
                  "wall-clock (CPU) seconds")
            print("  cold: no output tree and no cache; one spec changed and kgen.yaml change "
                  "(one integration's setting): [integrations built/taken from the cache]")
            print(f"  {'N':>5} {'cold':>15} {'ms/integration':>15} {'no-op':>13} "
                  f"{'one spec changed':>26} {'kgen.yaml change':>26} {'peak MiB':>9}")
        jobs = [int(count) for count in args.jobs.split(",") if count]
        for size in sizes:
            r, peaks, said = curve(size, args.curve_runs, kgen, tmp, jobs, args.default_targets)
            peak = peaks["cold"]
            cold, noop = r["cold"], r["no-op"]
            changes = [f"{r[step].wall:6.2f} ({r[step].cpu:5.2f}) "
                       f"[{said[step][0]}/{said[step][1]}]".rjust(26)
                       for step in ("one spec changed", "kgen.yaml change")]
            print(f"  {size:>5} {cold.wall:7.2f} ({cold.cpu:5.2f}) "
                  f"{cold.wall / size * 1000:6.1f} ({cold.cpu / size * 1000:5.1f}) "
                  f"{noop.wall:5.2f} ({noop.cpu:5.2f}) {' '.join(changes)} {peak:9.0f}",
                  flush=True)
            for count in jobs:
                step = f"cold --jobs {count}"
                print(f"  {'':>5} {r[step].wall:7.2f} ({r[step].cpu:5.2f}) "
                      f"{r[step].wall / size * 1000:6.1f} ({r[step].cpu / size * 1000:5.1f}) "
                      f"with --jobs {count}; peak MiB {peaks[step]:.0f} (the largest process)",
                      flush=True)
            for count in jobs if args.default_targets else []:
                step = f"cold defaults --jobs {count}"
                print(f"  {'':>5} {r[step].wall:7.2f} ({r[step].cpu:5.2f}) "
                      f"{r[step].wall / size * 1000:6.1f} ({r[step].cpu / size * 1000:5.1f}) "
                      f"with --jobs {count}, kgen's three default targets; peak MiB "
                      f"{peaks[step]:.0f}", flush=True)

        if args.ci:
            gates = ci_gates(args.ci, args.ci_runs, kgen, tmp)
            print(f"a CI run's gates on {args.ci} synthetic integrations (committed tree, no "
                  f"cache), median of {args.ci_runs} rounds: wall-clock (CPU) seconds")
            for label, timing in gates.items():
                print(f"  {label:<50} {timing.wall:8.2f} ({timing.cpu:7.2f})", flush=True)


if __name__ == "__main__":
    main()
