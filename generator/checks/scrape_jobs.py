"""Scrape job names are unique across integrations and no secret is written inline: not in a
field, not in the query string of `metrics_path`, not in a URL parameter a relabel step sets
(`__param_<name>`).

Uniqueness is decided over each integration's `summary` (its job names and lines), so a build
can check it with the integrations it did not load again."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from generator.checks._summaries import Placed, place, used_twice
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import ScrapeJob

CODE = "KG402"
NAME = "scrape/jobs"
DOC = "a job name used twice, or an inline secret (only *_file references are allowed)"

SECRET = re.compile(r"-----BEGIN|(?i:password|passwd|bearer_token|authorization|api[_-]?key)"
                    r"\s*[:=]|(?i:bearer)\s+[A-Za-z0-9._~+/-]{8,}")
SECRET_PARAM = re.compile(r"(?i)token|secret|passw|api[_-]?key|apikey|^auth$|auth[_-]|[_-]auth|"
                          r"authoriz|authent|signature|sig$|credential|session")
"""URL parameter names that carry a credential (`access_token`, `api_key`, `X-Amz-Signature`)."""


def strings(value: Any) -> list[str]:
    """Every string a job writes into its output: not `*_file` paths, not suppression reasons."""
    found = []
    below = [value]
    while below:
        item = below.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            below += [each for key, each in reversed(item.items())
                      if not str(key).endswith("_file") and key != "suppress"]
        elif isinstance(item, list | tuple):
            below += reversed(item)
    return found


def check(specs: list[Spec]) -> list[Finding]:
    return [f for spec in specs for f in local(spec)] + across(
        [(spec.name, summary(spec)) for spec in specs])


Job = Placed
"""(job name, path, line) of a scrape job, in spec order."""


def summary(spec: Spec) -> list[Job]:
    return [(job.job_name, *place(job.location)) for job in spec.integration.scrape_jobs]


def across(summaries: Sequence[tuple[str, Sequence[Job]]]) -> list[Finding]:
    """Job names defined twice, in one integration or in two."""
    return used_twice(summaries, CODE, lambda name, first: f"job {name} is already defined at "
                                                           f"{first}")


def local(spec: Spec) -> list[Finding]:
    """Inline secrets in the integration's jobs."""
    findings = []
    secret: dict[str, bool] = {}
    """Each string's verdict: an integration's jobs share long ones (a keep-list's regex)."""
    for job in spec.integration.scrape_jobs:
        if any(secret[text] if text in secret else secret.setdefault(
                text, SECRET.search(text) is not None) for text in strings(_written(job))):
            findings.append(Finding.at(job.location, Level.ERROR, CODE,
                                       f"job {job.job_name} carries an inline secret; "
                                       f"reference it with a *_file field"))
        for param in secret_params(job.metrics_path, job.relabel_configs):
            findings.append(Finding.at(job.location, Level.ERROR, CODE,
                                       f"job {job.job_name} sends {param} as a URL "
                                       "parameter, so the secret ships in the output; "
                                       "use credentials_file or a *_file field"))
    return findings


def _written(job: ScrapeJob) -> dict[str, Any]:
    """The job's fields as plain data, without those left unset (None holds no string, and
    a third of a job's fields are None: the walk over them cost more than the dump)."""
    return job.model_dump(exclude_none=True)


def secret_params(metrics_path: str | None, steps: Any) -> list[str]:
    """Credential-like URL parameters set in the metrics path or by a relabel step."""
    found = []
    if metrics_path:
        found += [f"metrics_path parameter {name!r}"
                  for name, _ in parse_qsl(urlsplit(metrics_path).query, keep_blank_values=True)
                  if SECRET_PARAM.search(name)]
    for step in steps:
        name = (step.target_label or "").removeprefix("__param_")
        if step.target_label and step.target_label.startswith("__param_") \
                and SECRET_PARAM.search(name):
            found.append(f"relabelled parameter {name!r}")
    return found
