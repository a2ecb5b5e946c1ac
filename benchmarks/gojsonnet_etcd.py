"""Render the upstream etcd mixin's alerts and dashboards with go-jsonnet: the benchmark's anchor.

Usage: .venv/bin/python benchmarks/gojsonnet_etcd.py
Prints the evaluation's own time in seconds (interpreter start and import excluded) on stdout.
The mixin and the library files it imports are vendored in benchmarks/etcd-mixin/ (see its
README for sources, commits and licences).
"""

from __future__ import annotations

import time
from pathlib import Path

import _gojsonnet

MIXIN = Path(__file__).resolve().parent / "etcd-mixin"
SNIPPET = """
local mixin = import 'mixin/mixin.libsonnet';
{ alerts: mixin.prometheusAlerts, dashboards: mixin.grafanaDashboards }
"""


def render() -> str:
    rendered: str = _gojsonnet.evaluate_snippet(
        "etcd.jsonnet", SNIPPET, jpathdir=[str(MIXIN), str(MIXIN / "vendor")]
    )
    return rendered


if __name__ == "__main__":
    start = time.perf_counter()
    render()
    print(f"{time.perf_counter() - start:.6f}")
