"""The one live Prometheus the live tests share: the relabel tests' Calico jobs (both forms)
and the live checks' exporters in one config, with one rule file set, started once a session.

Each part keeps to its own jobs: the relabel forms' `job` labels carry the form as a prefix
(tests/live_felix.py), so the shipped Calico selector the live checks query matches their
exporters only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

from tests.live_exporters import Exporters, exporters
from tests.live_felix import Felix, felix
from tests.support import prometheus, wait_for


def count(url: str, query: str) -> int:
    """The answer of the Prometheus at `url` to `count(query)` (0 for its empty answer)."""
    response = httpx.post(f"{url}/api/v1/query", data={"query": f"count({query})"}, timeout=5)
    payload = response.json()
    assert payload["status"] == "success", payload
    return sum(int(sample["value"][1]) for sample in payload["data"]["result"])


@dataclass(frozen=True)
class LivePrometheus:
    url: str
    log: Path
    felix: Felix
    exporters: Exporters


@contextmanager
def started(root: Path, build: dict[str, bytes]) -> Iterator[LivePrometheus]:
    """Every live test's scrape jobs in one Prometheus (1s scrapes and rule evaluation), once
    every target has been scraped and the rules have recorded: `build` is the shipped specs'
    build the relabel tests run the jobs of."""
    with felix(build) as calico, exporters(root) as pretend:
        config = root / "prometheus.yml"
        config.write_text(yaml.safe_dump({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                       "evaluation_interval": "1s"},
            "rule_files": [str(pretend.rules)],
            "scrape_configs": calico.jobs + pretend.jobs,
        }), encoding="utf-8")
        with prometheus(config, root) as (url, log):
            def scraped() -> bool:
                """Every target discovered, and every active one scraped and stored: the wait
                knows nothing of which targets the jobs keep, which the tests assert."""
                targets = httpx.get(f"{url}/api/v1/targets", timeout=5).json()["data"]
                active = targets["activeTargets"]
                discovered = len(active) + len(targets["droppedTargets"])
                return (discovered == calico.discovered() + len(pretend.jobs)
                        and all(t["health"] != "unknown" for t in active)
                        and count(url, "up") == len(active))

            wait_for("every target to be scraped", scraped, log)
            wait_for("the exact rules' recorded series and a rate over the drifted counter",
                     lambda: count(url, "job:exact_orders:rate1m") == 1
                     and count(url, "job:exact_waits:rate1m") == 1
                     and count(url, "rate(drift_orders_total[1m])") == 1, log)
            yield LivePrometheus(url, log, calico, pretend)
