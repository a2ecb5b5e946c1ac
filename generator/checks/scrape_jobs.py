"""Scrape job names are unique across integrations and no secret is written inline."""

from __future__ import annotations

import re
from typing import Any

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG402"
NAME = "scrape/jobs"
DOC = "a job name used twice, or an inline secret (only *_file references are allowed)"

SECRET = re.compile(r"-----BEGIN|(?i:password|passwd|bearer_token|authorization|api[_-]?key)"
                    r"\s*[:=]|(?i:bearer)\s+[A-Za-z0-9._~+/-]{8,}")


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() if not str(key).endswith("_file")
                for s in strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in strings(item)]
    return []


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    seen: dict[str, Location | None] = {}
    for spec in specs:
        for job in spec.integration.scrape_jobs:
            if job.job_name in seen:
                findings.append(Finding.at(job.location, Level.ERROR, CODE,
                                           f"job {job.job_name} is already defined at "
                                           f"{seen[job.job_name]}"))
            seen.setdefault(job.job_name, job.location)
            if any(SECRET.search(text) for text in strings(job.model_dump())):
                findings.append(Finding.at(job.location, Level.ERROR, CODE,
                                           f"job {job.job_name} carries an inline secret; "
                                           f"reference it with a *_file field"))
    return findings
