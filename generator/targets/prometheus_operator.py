"""Prometheus Operator objects: a PrometheusRule per integration, and a PodMonitor per
prometheus-flavor scrape job that scrapes what the plain `scrape_configs` job scrapes.

How a PodMonitor becomes the same job (prometheus-operator's `generatePodMonitorConfig`,
pkg/prometheus/promcfg.go, v0.6x-0.9x): the operator writes a pod-discovery job named
`podMonitor/<ns>/<name>/<i>` whose relabeling starts with its own steps (copy `job` aside,
drop finished pods unless `filterRunning: false`, the pod selector, the port, then
`namespace`, `container`, `pod` and `job=<ns>/<name>` labels) and then the endpoint's
`relabelings`. So the PodMonitor selects every pod (`selector: {}`), sets no port and turns
the phase filter off; its relabelings first undo the operator's labels and set `job` to the
spec's job name, restoring what plain Prometheus starts from, and then run the spec's own
steps. The sysdig-agent flavor has no operator form. kgen.yaml's `prometheus_operator` puts the
objects in a namespace and adds the labels the operator's selectors want (kube-prometheus-stack:
`release: <release name>`).

What a PodMonitor cannot say is an error at the job's line, never a silent difference: check
KG403 (`generator/checks/operator_podmonitor.py`) refuses it before this target renders. TLS
material comes from the Secret named by `TLS.secret`, keyed by the files' names.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from generator import conventions
from generator.documents.rules import rule_file_written
from generator.documents.scrape import relabel_step
from generator.kubernetes import object_labels
from generator.loader import Spec
from generator.model import Action, Flavor, Relabel, ScrapeJob
from generator.render import to_yaml_documents, to_yaml_under

if TYPE_CHECKING:
    from generator.project import Project, PrometheusOperatorSettings
    from generator.scoping import Scoped

API_VERSION = "monitoring.coreos.com/v1"
OPERATOR_LABELS = ("__tmp_prometheus_job_name", "container", "namespace", "pod")
"""Labels the operator's own relabeling adds to every PodMonitor target."""
CAMEL = {"source_labels": "sourceLabels", "target_label": "targetLabel"}


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec = item.spec
    files: dict[str, bytes] = {}
    integration = spec.integration
    settings = project.prometheus_operator
    if integration.recording_rules or integration.alerts:
        rules, written = rule_file_written(item.integration)
        files[conventions.prometheus_rule_path(spec.name)] = to_yaml_under(
            prometheus_rule_head(item, settings), "spec", rules, written, spec.source)
    jobs = [job for job in integration.scrape_jobs if job.flavor is Flavor.PROMETHEUS]
    if jobs:
        monitors = [pod_monitor(spec, job, settings) for job in jobs]
        files[conventions.pod_monitors_path(spec.name)] = to_yaml_documents(
            monitors, spec.source)
    return files


def metadata(spec: Spec, name: str, settings: PrometheusOperatorSettings) -> dict[str, Any]:
    """Name, the project's namespace (else the one the objects are applied to) and labels."""
    namespace = {"namespace": settings.namespace} if settings.namespace else {}
    return {"name": name, **namespace, "labels": object_labels(spec, settings.labels)}


def prometheus_rule_head(item: Scoped, settings: PrometheusOperatorSettings) -> dict[str, Any]:
    """A PrometheusRule but its spec, which is the rule file's groups, unchanged (the rule
    file's YAML, written once, indented under `spec:`)."""
    spec = item.spec
    return {"apiVersion": API_VERSION, "kind": "PrometheusRule",
            "metadata": metadata(spec, conventions.prometheus_rule_object(spec.name), settings)}


def pod_monitor(spec: Spec, job: ScrapeJob,
                settings: PrometheusOperatorSettings) -> dict[str, Any]:
    name = conventions.pod_monitor_object(job.job_name)
    endpoint: dict[str, Any] = {"filterRunning": False}
    optional = {"scheme": job.scheme and str(job.scheme), "path": job.metrics_path,
                "interval": job.scrape_interval, "scrapeTimeout": job.scrape_timeout}
    endpoint.update({key: value for key, value in optional.items() if value is not None})
    if job.tls is not None:
        endpoint["tlsConfig"] = _tls(job)
    endpoint["relabelings"] = [relabeling(step) for step in (*_as_plain_job(job),
                                                              *job.relabel_configs)]
    if job.metric_relabel_configs:
        endpoint["metricRelabelings"] = [relabeling(s) for s in job.metric_relabel_configs]
    namespaces = job.discovery.namespaces
    return {
        "apiVersion": API_VERSION,
        "kind": "PodMonitor",
        "metadata": metadata(spec, name, settings),
        "spec": {
            "namespaceSelector": {"matchNames": list(namespaces)} if namespaces
            else {"any": True},
            "selector": {},
            "podMetricsEndpoints": [endpoint],
        },
    }


def _as_plain_job(job: ScrapeJob) -> tuple[Relabel, ...]:
    """Steps that undo what the operator's own relabeling did, so the spec's steps start from
    the labels plain Prometheus starts from: discovery's, and `job` set to the job name."""
    return (
        Relabel(action=Action.LABELDROP, regex=f"({'|'.join(OPERATOR_LABELS)})"),
        Relabel(target_label="job", replacement=job.job_name),
    )


def _tls(job: ScrapeJob) -> dict[str, Any]:
    tls = job.tls
    assert tls is not None
    files = {"ca": tls.ca_file, "cert": tls.cert_file, "keySecret": tls.key_file}
    config: dict[str, Any] = {}
    if any(files.values()) and tls.secret is not None:  # else KG403 refused it, or was told not to
        for field, path in files.items():
            if path is not None:
                key = {"name": tls.secret, "key": PurePosixPath(path).name}
                config[field] = key if field == "keySecret" else {"secret": key}
    if tls.server_name:
        config["serverName"] = tls.server_name
    if tls.insecure_skip_verify:
        config["insecureSkipVerify"] = True
    return config


def relabeling(step: Relabel) -> dict[str, Any]:
    """A relabel step in the operator's RelabelConfig spelling (camelCase keys)."""
    return {CAMEL.get(key, key): value for key, value in relabel_step(step).items()}

