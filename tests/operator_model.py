"""What the Prometheus Operator makes of a PodMonitor: the scrape config it generates.

A test-side model of prometheus-operator's `generatePodMonitorConfig` (pkg/prometheus/
promcfg.go, v0.6x-0.8x), for the fields kgen's PodMonitors use: a pod-discovery job named
`podMonitor/<namespace>/<name>/<index>`, the operator's own relabeling first (keep the old job
label in `__tmp_prometheus_job_name`; drop Failed and Succeeded pods unless `filterRunning` is
false; the selector's matchLabels, none for `selector: {}`; the port, none when unset; then
`namespace`, `container`, `pod`, and `job=<namespace>/<name>`),
then the endpoint's relabelings, and its metricRelabelings as metric_relabel_configs.
Written independently of kgen's target, so the two can disagree.
"""

from __future__ import annotations

import re
from typing import Any

NAMESPACE = "monitoring"
"""Where the PodMonitor is applied (the operator names jobs after it)."""


def snake(step: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key): value
            for key, value in step.items()}


def scrape_config(monitor: dict[str, Any], index: int = 0) -> dict[str, Any]:
    name = monitor["metadata"]["name"]
    spec = monitor["spec"]
    assert spec["selector"] == {}, "model covers the empty selector only"
    endpoint = spec["podMetricsEndpoints"][index]
    assert "port" not in endpoint and "targetPort" not in endpoint
    discovery: dict[str, Any] = {"role": "pod"}
    selector = spec.get("namespaceSelector", {})
    if not selector.get("any"):
        discovery["namespaces"] = {"names": selector.get("matchNames", [NAMESPACE])}
    job: dict[str, Any] = {"job_name": f"podMonitor/{NAMESPACE}/{name}/{index}",
                           "honor_labels": False, "kubernetes_sd_configs": [discovery]}
    for key, ours in (("scheme", "scheme"), ("path", "metrics_path"),
                      ("interval", "scrape_interval"), ("scrapeTimeout", "scrape_timeout")):
        if key in endpoint:
            job[ours] = endpoint[key]
    phase = [] if endpoint.get("filterRunning") is False else [
        {"action": "drop", "source_labels": ["__meta_kubernetes_pod_phase"],
         "regex": "(Failed|Succeeded)"}]
    job["relabel_configs"] = [
        {"source_labels": ["job"], "target_label": "__tmp_prometheus_job_name"},
        *phase,
        {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
        {"source_labels": ["__meta_kubernetes_pod_container_name"], "target_label": "container"},
        {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
        {"target_label": "job", "replacement": f"{NAMESPACE}/{name}"},
        *(snake(step) for step in endpoint.get("relabelings", [])),
    ]
    if endpoint.get("metricRelabelings"):
        job["metric_relabel_configs"] = [snake(s) for s in endpoint["metricRelabelings"]]
    return job
