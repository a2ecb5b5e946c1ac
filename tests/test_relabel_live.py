"""Real Prometheus runs the generated Calico jobs against a fake Felix and keeps the right pods.

The jobs, pods and fake Felix are in tests/live_felix.py; they run in the live Prometheus the
live tests share. Every test runs twice: with the generated scrape_configs, and with the
prometheus-flavor jobs replaced by what the Prometheus Operator generates from the generated
PodMonitors, so both forms must keep the same pods, scrape the same URLs and store the same
labels and series. In the shared server each form's `job` labels carry the form as a prefix
(`podmonitors/calico-node`), which tells the forms apart; the tests strip it where they name
a generated job.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live_felix import FORMS, KEPT, NODE_JOBS, PODS, catalog, job_label
from tests.live_server import LivePrometheus

SCRAPE_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                 "scrape_samples_post_metric_relabeling", "scrape_series_added"}
EXTRA_METRICS = {"go_goroutines", "process_cpu_seconds_total"}


@dataclass(frozen=True)
class Live:
    """One form's jobs in the shared server."""

    api: str
    form: str
    felix_port: int
    log: Path
    pools: dict[str, str]
    """The form's scrape pools (job_name in the config) -> the generated job each runs."""

    def get(self, path: str, **params: str) -> Any:
        url = f"{self.api}{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=5) as response:
            payload = json.load(response)
        assert payload["status"] == "success", payload
        return payload["data"]

    def job(self, job: str) -> str:
        """The `job` label the generated job's targets carry in this form."""
        return job_label(self.form, job)

    def names(self, job: str) -> set[str]:
        matcher = f'{{job="{self.job(job)}"}}'
        return set(self.get("/api/v1/label/__name__/values", **{"match[]": matcher}))

    def active(self) -> list[dict[str, Any]]:
        """This form's active targets."""
        active = self.get("/api/v1/targets", state="active")["activeTargets"]
        return [t for t in active if t["scrapePool"] in self.pools]


@pytest.fixture(scope="module", params=FORMS)
def live(request: pytest.FixtureRequest, live_prometheus: LivePrometheus) -> Live:
    felix = live_prometheus.felix
    return Live(live_prometheus.url, request.param, felix.port, live_prometheus.log,
                felix.pools[request.param])


def _pods(live: Live, targets: list[dict[str, Any]], job: str) -> set[str]:
    """Pod names of the job's targets in this form, by scrape pool. Prometheus 2.42 reports a
    dropped target's discoveredLabels as relabeling left them, so an operator job's dropped
    targets are known by the `__tmp_prometheus_job_name` its first step copied the pool name
    into."""
    def pool(target: dict[str, Any]) -> str:
        found = target.get("scrapePool") or target["discoveredLabels"].get("job") or \
            target["discoveredLabels"]["__tmp_prometheus_job_name"]
        return str(found)

    return {t["discoveredLabels"]["__meta_kubernetes_pod_name"] for t in targets
            if live.pools.get(pool(t)) == job}


@pytest.mark.parametrize("job", sorted(KEPT))
def test_kept_and_dropped_pods(live: Live, job: str) -> None:
    data = live.get("/api/v1/targets")
    kept = _pods(live, data["activeTargets"], job)
    assert kept == KEPT[job]
    all_pods = {p["labels"]["__meta_kubernetes_pod_name"] for p in PODS}
    assert _pods(live, data["droppedTargets"], job) == all_pods - KEPT[job]


@pytest.mark.parametrize("job", sorted(KEPT))
def test_scrape_url_uses_the_rewritten_port(live: Live, job: str) -> None:
    urls = {t["scrapeUrl"] for t in live.active() if t["labels"]["job"] == live.job(job)}
    assert urls == {f"http://127.0.0.1:{live.felix_port}/metrics"}


def test_target_labels(live: Live) -> None:
    by_pod = {(t["labels"]["job"], t["discoveredLabels"]["__meta_kubernetes_pod_name"]): t["labels"]
              for t in live.active()}
    node, sysdig = live.job("calico-node"), live.job("calico-node-default")
    assert by_pod[node, "calico-node-a"] == {
        "job": node, "instance": f"127.0.0.1:{live.felix_port}",
        "namespace": "calico-system", "pod": "calico-node-a", "node": "node-calico-node-a"}
    assert by_pod[sysdig, "felix-g"] == {
        "job": sysdig, "instance": f"127.0.0.1:{live.felix_port}",
        "sysdig_k8s_pod_uid": "uid-felix-g", "sysdig_k8s_pod_container_name": "felix"}


@pytest.mark.parametrize("job", NODE_JOBS)
def test_node_jobs_store_only_the_catalog(live: Live, job: str) -> None:
    """calico-node keeps Felix's part of the catalog; the kube-controllers' IPAM metrics the
    fake also serves are dropped there."""
    felix = {m.name for m in catalog() if m.name.startswith("felix_")}
    assert len(felix) == 22
    assert live.names(job) == felix | SCRAPE_SERIES


def test_controller_jobs_keep_everything(live: Live) -> None:
    names = live.names("calico-kube-controllers")
    assert names >= EXTRA_METRICS | {"felix_exec_time_micros_sum", "felix_exec_time_micros_count"}


def test_controller_jobs_keep_the_ipam_metrics_own_node_label(live: Live) -> None:
    """The IPAM gauges carry the node that holds each allocation; a `node` target label would
    overwrite it (and move it to `exported_node`), so the kube-controllers job sets none."""
    match = f'ipam_allocations_in_use{{job="{live.job("calico-kube-controllers")}"}}'
    series = live.get("/api/v1/series", **{"match[]": match})
    assert series and all(s["node"] == "x" and "exported_node" not in s for s in series), series
