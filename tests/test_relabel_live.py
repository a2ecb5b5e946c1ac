"""Real Prometheus runs the generated Calico jobs against a fake Felix and keeps the right pods.

Debian's Prometheus has no Kubernetes discovery, so each job's kubernetes_sd_configs is replaced
by static target groups carrying the `__meta_kubernetes_pod_*` labels pod discovery would set.
The jobs rewrite every pod's address to Felix's port (9091 / 9094); here that port is the fake
Felix's free port instead: the test takes the generated `$1:9091` / `$1:9094` replacement and
substitutes that port, so everything else about the relabel steps is exercised as generated.
The Sysdig jobs' `__HOSTIPS__` placeholder is filled with HOST_IP, the agent's own host.

Every test runs twice: with the generated scrape_configs, and with the prometheus-flavor jobs
replaced by what the Prometheus Operator generates from the generated PodMonitors, so both
forms must keep the same pods, scrape the same URLs and store the same labels and series.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.loader import load
from generator.model import Metric, MetricType
from tests.operator_model import scrape_config
from tests.scrapejobs import Job, jobs_in, with_static_targets
from tests.support import SPECS, free_port, prometheus, wait_for

HOST_IP = "10.1.2.3"
OTHER_HOST_IP = "10.9.9.9"
ANNOTATION = "__meta_kubernetes_pod_annotation_"
SCRAPE_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                 "scrape_samples_post_metric_relabeling", "scrape_series_added"}
EXTRA_METRICS = {"go_goroutines", "process_cpu_seconds_total"}


def _catalog() -> tuple[Metric, ...]:
    (calico,) = [s for s in load(SPECS) if s.name == "calico"]
    return calico.integration.metrics


def _exposition(metrics: tuple[Metric, ...]) -> bytes:
    """Felix-like /metrics text: the catalog (summaries in full) plus non-catalog metrics."""
    lines = ["# TYPE go_goroutines gauge", "go_goroutines 42",
             "# TYPE process_cpu_seconds_total counter", "process_cpu_seconds_total 3.5"]
    for m in metrics:
        lines.append(f"# TYPE {m.name} {m.type.value}")
        labels = ",".join(f'{name}="x"' for name in m.labels)
        if m.type is MetricType.SUMMARY:
            lines += [f'{m.name}{{quantile="{q}"}} 0.01' for q in ("0.5", "0.9", "0.99")]
            lines += [f"{m.name}_sum 1.5", f"{m.name}_count 150"]
        else:
            lines.append(f"{m.name}{{{labels}}} 7" if labels else f"{m.name} 7")
    return ("\n".join(lines) + "\n").encode()


def _pod(name: str, container: str, address: str = "127.0.0.1", phase: str = "Running",
         host_ip: str = HOST_IP, **annotations: str) -> dict[str, Any]:
    labels = {
        "__meta_kubernetes_namespace": "calico-system",
        "__meta_kubernetes_pod_name": name,
        "__meta_kubernetes_pod_uid": f"uid-{name}",
        "__meta_kubernetes_pod_node_name": f"node-{name}",
        "__meta_kubernetes_pod_container_name": container,
        "__meta_kubernetes_pod_phase": phase,
        "__meta_kubernetes_pod_host_ip": host_ip,
    } | {ANNOTATION + key: value for key, value in annotations.items()}
    return {"targets": [address], "labels": labels}


# What pod discovery would report: every job sees every pod.
PODS = [
    _pod("calico-node-a", "calico-node"),  # no port in __address__
    _pod("calico-node-b", "calico-node", address="127.0.0.1:8080", host_ip=OTHER_HOST_IP),
    _pod("calico-node-c", "calico-node", phase="Pending"),
    _pod("calico-node-d", "calico-node", promcat_sysdig_com_omit="true"),
    _pod("calico-typha-e", "calico-typha"),
    _pod("calico-kube-controllers-f", "calico-kube-controllers", address="127.0.0.1:9094"),
    _pod("felix-g", "felix", promcat_sysdig_com_integration_type="calico"),
]
KEPT = {
    "calico-node": {"calico-node-a", "calico-node-b", "calico-node-d"},
    "calico-kube-controllers": {"calico-kube-controllers-f"},
    "calico-node-default": {"calico-node-a", "felix-g"},
    "calico-controller-default": {"calico-kube-controllers-f"},
}
NODE_JOBS = ("calico-node", "calico-node-default")


def _for_test(job: Job, port: int) -> Job:
    """The generated job with static pods, the fake Felix's port and this host's IP."""
    swapped = with_static_targets(job, PODS)
    (address,) = [s for s in swapped["relabel_configs"] if s.get("target_label") == "__address__"]
    assert address["replacement"] in ("$1:9091", "$1:9094")
    address["replacement"] = f"$1:{port}"
    for step in swapped["relabel_configs"]:
        if step.get("regex") == "__HOSTIPS__":
            step["regex"] = HOST_IP
    return swapped


def _fake_felix(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/metrics" else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body if self.path == "/metrics" else b"")

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)


@dataclass(frozen=True)
class Live:
    api: str
    felix_port: int
    log: Path
    pools: dict[str, str]
    """Scrape pool (job_name in the config) -> the job label its targets carry."""

    def get(self, path: str, **params: str) -> Any:
        url = f"{self.api}{path}?{urllib.parse.urlencode(params)}"
        with urllib.request.urlopen(url, timeout=5) as response:
            payload = json.load(response)
        assert payload["status"] == "success", payload
        return payload["data"]

    def names(self, job: str) -> set[str]:
        return set(self.get("/api/v1/label/__name__/values", **{"match[]": f'{{job="{job}"}}'}))


def _generated_jobs(form: str, files: dict[str, bytes]) -> tuple[list[Job], dict[str, str]]:
    """The Calico jobs (at the spec's defaults) as Prometheus runs them, and scrape pool -> job
    label."""
    def jobs_of(path: str) -> list[Job]:
        return jobs_in(files[path])

    sysdig = jobs_of("scrape-jobs/sysdig-agent/calico.yaml")
    if form == "scrape_configs":
        jobs = jobs_of("scrape-jobs/prometheus/calico.yaml") + sysdig
        return jobs, {job["job_name"]: job["job_name"] for job in jobs}
    monitors = list(yaml.safe_load_all(files["prometheus-operator/calico-podmonitors.yaml"]))
    operated = [scrape_config(monitor) for monitor in monitors]
    pools = {job["job_name"]: m["metadata"]["name"].removeprefix("kgen-")
             for job, m in zip(operated, monitors, strict=True)}
    return operated + sysdig, pools | {job["job_name"]: job["job_name"] for job in sysdig}


@pytest.fixture(scope="module", params=["scrape_configs", "podmonitors"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         default_build: dict[str, bytes]) -> Iterator[Live]:
    felix = _fake_felix(_exposition(_catalog()))
    threading.Thread(target=felix.serve_forever, daemon=True).start()
    port = felix.server_address[1]
    assert isinstance(port, int)
    generated, pools = _generated_jobs(request.param, default_build)
    jobs = [_for_test(job, port) for job in generated]
    tmp = tmp_path_factory.mktemp("prometheus")
    config = tmp / "prometheus.yml"
    config.write_text(yaml.safe_dump({"global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
                                      "scrape_configs": jobs}), encoding="utf-8")
    try:
        with prometheus(config, tmp) as (url, log):
            live = Live(url, port, log, pools)
            expected = sum(len(pods) for pods in KEPT.values())

            def all_up() -> bool:
                active = live.get("/api/v1/targets", state="active")["activeTargets"]
                return len(active) == expected and all(t["health"] == "up" for t in active)

            wait_for("every kept target to be scraped", all_up, log)
            wait_for("the node jobs' series", lambda: all(
                live.names(job) >= {"felix_cluster_num_hosts"} for job in NODE_JOBS), log)
            yield live
    finally:
        felix.shutdown()
        felix.server_close()


def _pods(live: Live, targets: list[dict[str, Any]], job: str) -> set[str]:
    """Pod names of the job's targets, by scrape pool. Prometheus 2.42 reports a dropped
    target's discoveredLabels as relabeling left them, so an operator job's dropped targets are
    known by the `__tmp_prometheus_job_name` its first step copied the pool name into."""
    def pool(target: dict[str, Any]) -> str:
        found = target.get("scrapePool") or target["discoveredLabels"].get("job") or \
            target["discoveredLabels"]["__tmp_prometheus_job_name"]
        return str(found)

    return {t["discoveredLabels"]["__meta_kubernetes_pod_name"] for t in targets
            if live.pools[pool(t)] == job}


@pytest.mark.parametrize("job", sorted(KEPT))
def test_kept_and_dropped_pods(live: Live, job: str) -> None:
    data = live.get("/api/v1/targets")
    kept = _pods(live, data["activeTargets"], job)
    assert kept == KEPT[job]
    all_pods = {p["labels"]["__meta_kubernetes_pod_name"] for p in PODS}
    assert _pods(live, data["droppedTargets"], job) == all_pods - KEPT[job]


@pytest.mark.parametrize("job", sorted(KEPT))
def test_scrape_url_uses_the_rewritten_port(live: Live, job: str) -> None:
    active = live.get("/api/v1/targets", state="active")["activeTargets"]
    urls = {t["scrapeUrl"] for t in active if t["labels"]["job"] == job}
    assert urls == {f"http://127.0.0.1:{live.felix_port}/metrics"}


def test_target_labels(live: Live) -> None:
    active = live.get("/api/v1/targets", state="active")["activeTargets"]
    by_pod = {(t["labels"]["job"], t["discoveredLabels"]["__meta_kubernetes_pod_name"]): t["labels"]
              for t in active}
    assert by_pod["calico-node", "calico-node-a"] == {
        "job": "calico-node", "instance": f"127.0.0.1:{live.felix_port}",
        "namespace": "calico-system", "pod": "calico-node-a", "node": "node-calico-node-a"}
    assert by_pod["calico-node-default", "felix-g"] == {
        "job": "calico-node-default", "instance": f"127.0.0.1:{live.felix_port}",
        "sysdig_k8s_pod_uid": "uid-felix-g", "sysdig_k8s_pod_container_name": "felix"}


@pytest.mark.parametrize("job", NODE_JOBS)
def test_node_jobs_store_only_the_catalog(live: Live, job: str) -> None:
    """calico-node keeps Felix's part of the catalog; the kube-controllers' IPAM metrics the
    fake also serves are dropped there."""
    catalog = {m.name for m in _catalog() if m.name.startswith("felix_")}
    assert len(catalog) == 22
    assert live.names(job) == catalog | SCRAPE_SERIES


def test_controller_jobs_keep_everything(live: Live) -> None:
    names = live.names("calico-kube-controllers")
    assert names >= EXTRA_METRICS | {"felix_exec_time_micros_sum", "felix_exec_time_micros_count"}


def test_controller_jobs_keep_the_ipam_metrics_own_node_label(live: Live) -> None:
    """The IPAM gauges carry the node that holds each allocation; a `node` target label would
    overwrite it (and move it to `exported_node`), so the kube-controllers job sets none."""
    match = 'ipam_allocations_in_use{job="calico-kube-controllers"}'
    series = live.get("/api/v1/series", **{"match[]": match})
    assert series and all(s["node"] == "x" and "exported_node" not in s for s in series), series
