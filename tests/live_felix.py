"""The relabel tests' part of the shared live Prometheus: the generated Calico jobs, in both
forms, against pretend pods and a fake Felix.

Debian's Prometheus has no Kubernetes discovery, so each job's kubernetes_sd_configs is replaced
by static target groups carrying the `__meta_kubernetes_pod_*` labels pod discovery would set.
The jobs rewrite every pod's address to Felix's port (9091 / 9094); here that port is the fake
Felix's free port instead: the generated `$1:9091` / `$1:9094` replacement gets that port, so
everything else about the relabel steps is exercised as generated. The Sysdig jobs'
`__HOSTIPS__` placeholder is filled with HOST_IP, the agent's own host.

Both forms share one server with the live checks, so each form's scrape pools and `job` labels
carry the form as a prefix (`podmonitors/calico-node`): the forms stay apart, and none of their
series falls under the shipped Calico selector the live checks query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import yaml

from generator.loader import load
from generator.model import Metric, MetricType
from tests.operator_model import scrape_config
from tests.scrapejobs import Job, jobs_in, with_static_targets
from tests.support import SPECS

FORMS = ("scrape_configs", "podmonitors")
"""The generated scrape_configs, and what the Prometheus Operator makes of the generated
PodMonitors (the Sysdig jobs are the same in both)."""
HOST_IP = "10.1.2.3"
OTHER_HOST_IP = "10.9.9.9"
ANNOTATION = "__meta_kubernetes_pod_annotation_"


def catalog() -> tuple[Metric, ...]:
    (calico,) = [s for s in load(SPECS) if s.name == "calico"]
    return calico.integration.metrics


def exposition(metrics: tuple[Metric, ...]) -> bytes:
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
"""Generated job (its `job` label, without the form) -> the pods it keeps."""
NODE_JOBS = ("calico-node", "calico-node-default")


def job_label(form: str, job: str) -> str:
    """The `job` label a generated job's targets carry in the shared server."""
    return f"{form}/{job}"


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


def _prefixed(form: str, job: Job, sets_job: bool) -> Job:
    """The job with its scrape pool named after the form; a job whose relabeling sets `job`
    itself (the operator's) gets one last step that prefixes the label it set."""
    renamed = {**job, "job_name": f"{form}/{job['job_name']}"}
    if sets_job:
        renamed["relabel_configs"] = [*job["relabel_configs"], {
            "source_labels": ["job"], "target_label": "job", "replacement": f"{form}/$1"}]
    return renamed


def generated_jobs(form: str, files: dict[str, bytes]) -> tuple[list[Job], dict[str, str]]:
    """The Calico jobs (at the spec's defaults) of one form as Prometheus runs them, and scrape
    pool -> the generated job (its `job` label without the form)."""
    sysdig = jobs_in(files["scrape-jobs/sysdig-agent/calico.yaml"])
    if form == "scrape_configs":
        jobs = jobs_in(files["scrape-jobs/prometheus/calico.yaml"]) + sysdig
        return ([_prefixed(form, job, sets_job=False) for job in jobs],
                {f"{form}/{job['job_name']}": job["job_name"] for job in jobs})
    monitors = list(yaml.safe_load_all(files["prometheus-operator/calico-podmonitors.yaml"]))
    operated = [scrape_config(monitor) for monitor in monitors]
    pools = {f"{form}/{job['job_name']}": m["metadata"]["name"].removeprefix("kgen-")
             for job, m in zip(operated, monitors, strict=True)}
    return ([_prefixed(form, job, sets_job=True) for job in operated]
            + [_prefixed(form, job, sets_job=False) for job in sysdig],
            pools | {f"{form}/{job['job_name']}": job["job_name"] for job in sysdig})


def _fake_felix(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/metrics" else 404)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body if self.path == "/metrics" else b"")

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@dataclass(frozen=True)
class Felix:
    """The relabel tests' scrape jobs, and what they need to know of them."""

    port: int
    """The fake Felix's port, every kept pod's scrape port."""
    jobs: list[Job]
    pools: dict[str, dict[str, str]]
    """Form -> scrape pool -> the generated job it runs."""

    def discovered(self) -> int:
        """How many targets these jobs discover, kept or dropped: every pod, each."""
        return len(self.jobs) * len(PODS)


@contextmanager
def felix(files: dict[str, bytes]) -> Iterator[Felix]:
    """The fake Felix, serving while the block runs, and both forms' jobs of the build
    `files`."""
    server = _fake_felix(exposition(catalog()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    assert isinstance(port, int)
    jobs: list[Job] = []
    pools: dict[str, dict[str, str]] = {}
    for form in FORMS:
        generated, pools[form] = generated_jobs(form, files)
        jobs += [_for_test(job, port) for job in generated]
    try:
        yield Felix(port, jobs, pools)
    finally:
        server.shutdown()
        server.server_close()
