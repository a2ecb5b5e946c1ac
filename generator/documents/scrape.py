"""Scrape jobs as Prometheus `scrape_configs` entries, and each flavor's file around them."""

from __future__ import annotations

from typing import Any

from generator.model import Flavor, Relabel, ScrapeJob


def document(flavor: Flavor, jobs: list[dict[str, Any]]) -> Any:
    """A flavor's file: `scrape_configs:` for Prometheus, the bare job list for Sysdig."""
    if flavor is Flavor.SYSDIG_AGENT:
        return jobs
    return {"scrape_configs": jobs}


def scrape_config(job: ScrapeJob) -> dict[str, Any]:
    """One `scrape_configs` entry, keys in the order the Prometheus documentation lists them."""
    body: dict[str, Any] = {"job_name": job.job_name}
    optional = {
        "scrape_interval": job.scrape_interval,
        "scrape_timeout": job.scrape_timeout,
        "metrics_path": job.metrics_path,
        "scheme": job.scheme and str(job.scheme),
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if job.credentials_file:
        body["authorization"] = {"type": "Bearer", "credentials_file": job.credentials_file}
    if job.tls:
        tls = {
            "ca_file": job.tls.ca_file,
            "cert_file": job.tls.cert_file,
            "key_file": job.tls.key_file,
            "server_name": job.tls.server_name,
        }
        body["tls_config"] = {key: value for key, value in tls.items() if value is not None}
        if job.tls.insecure_skip_verify:
            body["tls_config"]["insecure_skip_verify"] = True
    discovery: dict[str, Any] = {"role": str(job.discovery.role)}
    if job.discovery.namespaces:
        discovery["namespaces"] = {"names": list(job.discovery.namespaces)}
    body["kubernetes_sd_configs"] = [discovery]
    if job.relabel_configs:
        body["relabel_configs"] = [relabel_step(step) for step in job.relabel_configs]
    if job.metric_relabel_configs:
        body["metric_relabel_configs"] = [relabel_step(s) for s in job.metric_relabel_configs]
    return body


def relabel_step(step: Relabel) -> dict[str, Any]:
    """A relabel step with only the fields that were set, in a fixed order."""
    fields: dict[str, Any] = {
        "action": str(step.action),
        "source_labels": list(step.source_labels) or None,
        "separator": step.separator,
        "regex": step.regex,
        "modulus": step.modulus,
        "target_label": step.target_label,
        "replacement": step.replacement,
    }
    return {key: value for key, value in fields.items() if value is not None}
