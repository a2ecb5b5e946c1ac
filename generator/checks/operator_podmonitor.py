"""A prometheus-flavor scrape job the prometheus-operator target cannot write as a PodMonitor
that scrapes what the job scrapes (run when that target is on).

A PodMonitor reads no files in the Prometheus pod, so TLS material comes from the Secret named
by `TLS.secret` (keyed by the files' names) and a bearer token file cannot be used; the
operator drops an empty `regex`, which would change a step's meaning; only pod discovery has a
PodMonitor form; and the object name must be a Kubernetes name. Every problem of every job is
reported. A job that suppresses KG403 is written with what the PodMonitor can say.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from generator import conventions
from generator.findings import Finding, Level
from generator.model import Flavor, Role, ScrapeJob

if TYPE_CHECKING:
    from generator.scoping import Scoped

CODE = "KG403"
NAME = "operator/pod-monitor"
DOC = ("a scrape job a PodMonitor cannot express: TLS files without `TLS.secret`, a bearer "
       "token file, an empty regex, a non-pod role, a name Kubernetes refuses")
TARGET = "prometheus-operator"

OBJECT_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")


def check(items: list[Scoped]) -> list[Finding]:
    return [Finding.at(job.location, Level.ERROR, CODE, f"job {job.job_name}: {why}")
            for item in items for job in item.spec.integration.scrape_jobs
            if job.flavor is Flavor.PROMETHEUS for why in problems(job)]


def problems(job: ScrapeJob) -> list[str]:
    """Why a PodMonitor would not scrape what the job scrapes, each in one sentence."""
    found = []
    if job.discovery.role is not Role.POD:
        found.append(f"role {job.discovery.role} has no PodMonitor form; use pod discovery")
    name = conventions.pod_monitor_object(job.job_name)
    if not OBJECT_NAME.match(name):
        found.append(f"{name} is not a Kubernetes object name (lower case letters, digits, "
                     "'-' and '.')")
    if any(step.regex == "" for step in (*job.relabel_configs, *job.metric_relabel_configs)):
        found.append("the operator drops an empty regex, which would change the step; match "
                     "the empty string with '^$' instead")
    if job.credentials_file:
        found.append("a PodMonitor cannot read a bearer token file; drop credentials_file or "
                     "leave the prometheus-operator target out")
    tls = job.tls
    if tls is not None and tls.secret is None and (tls.ca_file or tls.cert_file or tls.key_file):
        found.append("a PodMonitor cannot read TLS files from the Prometheus pod; name the "
                     "Secret holding them with TLS(secret=...)")
    return found
