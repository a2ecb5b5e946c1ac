"""Agent scrape jobs as Prometheus `scrape_configs`, one file per flavor and integration.

Each flavor's file has the shape its agent loads. Prometheus: a `scrape_configs:` document for
`scrape_config_files`. The Sysdig agent reads one `prometheus.yaml` and no other file, so its
files are bare lists of jobs: concatenated under a `scrape_configs:` line they make that file
(`{ echo 'scrape_configs:'; cat scrape-jobs/sysdig-agent/*.yaml; } > prometheus.yaml`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions
from generator.documents.scrape import document, scrape_config
from generator.model import Flavor
from generator.render import to_yaml

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec = item.spec
    files: dict[str, bytes] = {}
    for flavor in Flavor:
        jobs = [job for job in spec.integration.scrape_jobs if job.flavor is flavor]
        if jobs:
            files[conventions.scrape_jobs_path(flavor, spec.name)] = to_yaml(
                document(flavor, [scrape_config(job) for job in jobs]), spec.source)
    return files
