"""Helpers for testing generated scrape jobs with Debian's Prometheus, which lacks Kubernetes SD."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from tests.support import OUT

Job = dict[str, Any]

SCRAPE_FILES = sorted((OUT / "scrape-jobs").glob("*/*.yaml"))


def load_jobs(path: Path) -> list[Job]:
    """The jobs of one generated scrape-jobs file."""
    return jobs_in(path.read_bytes())


def jobs_in(data: bytes) -> list[Job]:
    """The jobs of a scrape-jobs file: its `scrape_configs` (Prometheus), or the file itself, a
    bare list (Sysdig agent)."""
    loaded = yaml.safe_load(data)
    jobs: list[Job] = loaded if isinstance(loaded, list) else loaded["scrape_configs"]
    return jobs


def with_static_targets(job: Job, groups: list[dict[str, Any]]) -> Job:
    """A copy of `job` with its kubernetes_sd_configs replaced by static target groups."""
    swapped = copy.deepcopy(job)
    assert swapped.pop("kubernetes_sd_configs", None) is not None, job["job_name"]
    swapped["static_configs"] = groups
    return swapped


def promtool_ready(job: Job, pki: Path) -> Job:
    """A copy of `job` that Debian's `promtool check config` can load: a static target in place
    of Kubernetes discovery, and empty stand-ins under `pki` for the TLS files it stats."""
    ready = with_static_targets(job, [{"targets": ["127.0.0.1:1"]}])
    if "tls_config" in job:
        ready["tls_config"] = {}
        for key, path in job["tls_config"].items():
            stand_in = pki / Path(path).name
            stand_in.touch()
            ready["tls_config"][key] = str(stand_in)
    return ready
