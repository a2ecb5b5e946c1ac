"""Time `kgen build` over the shipped specs as a whole process, next to a bare interpreter.

Usage: .venv/bin/python benchmarks/bench_build.py [--runs N]

Each command runs N times (default 9) after one warm-up; the median wall-clock time is reported,
with the build's ratio to bare interpreter start-up. Nothing here is asserted by the test suite.
Bytecode caching is on (PYTHONDONTWRITEBYTECODE is dropped), as for any installed package: the
warm-up run writes the caches a `pip install` would have compiled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=ENV)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, capture_output=True, env=ENV)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    kgen = str(Path(sys.executable).with_name("kgen"))
    with tempfile.TemporaryDirectory() as tmp:
        defaults = Path(tmp) / "kgen.yaml"
        defaults.write_text(f"specs: {ROOT / 'specs'}\nout: {Path(tmp) / 'out-defaults'}\n",
                            encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "kgen --help": [kgen, "--help"],
            "kgen build (3 default targets)": [kgen, "build", "--config", str(defaults)],
            "kgen build (kgen.yaml: 7 targets)": [kgen, "build", "--out", f"{tmp}/out"],
            "kgen build --check (7 targets)": [kgen, "build", "--check"],
        }
        results = {name: median_seconds(cmd, args.runs) for name, cmd in commands.items()}
    bare = results["python -c pass"]
    print(f"median of {args.runs} runs (after one warm-up)")
    for name, seconds in results.items():
        print(f"  {name:<36} {seconds * 1000:8.1f} ms  {seconds / bare:5.1f}x bare")


if __name__ == "__main__":
    main()
