"""Generated scrape jobs load in real Prometheus, and at its defaults the Calico spec reproduces
the Sysdig agent's own Calico jobs (vendored in tests/vendor/sysdig-calico/)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.loader import load
from tests.scrapejobs import SCRAPE_FILES, Job, jobs_in, load_jobs, promtool_ready
from tests.support import OUT, SPECS, VENDOR

SEED = VENDOR / "sysdig-calico"
SYSDIG = "scrape-jobs/sysdig-agent/calico.yaml"
PROMETHEUS = "scrape-jobs/prometheus/calico.yaml"
# Prometheus' relabel defaults, so a step that spells one out equals one that leaves it implicit.
DEFAULTS = {"action": "replace", "separator": ";", "regex": "(.*)", "replacement": "$1"}


@pytest.mark.parametrize("path", SCRAPE_FILES, ids=lambda p: p.relative_to(OUT).as_posix())
def test_promtool_accepts_scrape_jobs(promtool: str, path: Path, tmp_path: Path) -> None:
    jobs = [promtool_ready(job, tmp_path) for job in load_jobs(path)]
    config = tmp_path / "prometheus.yml"
    config.write_text(yaml.safe_dump({"scrape_configs": jobs}), encoding="utf-8")
    result = subprocess.run([promtool, "check", "config", str(config)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _seed_jobs() -> list[Job]:
    jobs: list[Job] = yaml.safe_load((SEED / "agent-jobs.yaml").read_text(encoding="utf-8"))
    return jobs


def _seed_metrics() -> list[str]:
    return (SEED / "metrics.txt").read_text(encoding="utf-8").split()


def _jobs(files: dict[str, bytes], path: str) -> list[Job]:
    return jobs_in(files[path])


def _normalised(steps: list[dict[str, Any]]) -> list[dict[str, str | list[str]]]:
    """Relabel steps with defaults filled in and scalars as strings (the seed's `regex: true`)."""
    out = []
    for step in steps:
        full = {**DEFAULTS, **step}
        out.append({k: [str(x) for x in v] if isinstance(v, list) else str(v).lower()
                    if isinstance(v, bool) else str(v) for k, v in full.items()})
    return out


def _catalog() -> list[str]:
    """Felix's part of the catalog: what calico-node's keep-list keeps."""
    (calico,) = [s for s in load(SPECS) if s.name == "calico"]
    return [m.name for m in calico.integration.metrics if m.name.startswith("felix_")]


def test_sysdig_jobs_reproduce_the_seed(default_build: dict[str, bytes]) -> None:
    seed, ours = _seed_jobs(), _jobs(default_build, SYSDIG)
    assert [j["job_name"] for j in ours] == ["calico-node-default", "calico-controller-default"]
    assert [j["job_name"] for j in ours] == [j["job_name"] for j in seed]
    for mine, theirs in zip(ours, seed, strict=True):
        assert mine["kubernetes_sd_configs"] == theirs["kubernetes_sd_configs"] == [{"role": "pod"}]
        assert _normalised(mine["relabel_configs"]) == _normalised(theirs["relabel_configs"])
        assert _normalised(mine.get("metric_relabel_configs", [])) == _normalised(
            theirs.get("metric_relabel_configs", []))


@pytest.mark.parametrize(("job", "integration_type", "port"),
                         [("calico-node-default", "calico", 9091),
                          ("calico-controller-default", "calico-controller", 9094)])
def test_sysdig_job_steps(default_build: dict[str, bytes], job: str, integration_type: str,
                         port: int) -> None:
    (steps,) = [j["relabel_configs"] for j in _jobs(default_build, SYSDIG)
                if j["job_name"] == job]
    annotation = "__meta_kubernetes_pod_annotation_promcat_sysdig_com_integration_type"
    assert steps[0] == {"action": "keep", "source_labels": ["__meta_kubernetes_pod_host_ip"],
                        "regex": "__HOSTIPS__"}
    assert {"action": "drop", "regex": "true",
            "source_labels": ["__meta_kubernetes_pod_annotation_promcat_sysdig_com_omit"]} in steps
    assert {"action": "keep", "source_labels": [annotation], "regex": integration_type} in steps
    (address,) = [s for s in steps if s.get("target_label") == "__address__"]
    assert address["regex"] == r"([^:]+)(?::\d+)?"
    assert address["replacement"] == f"$1:{port}"


@pytest.mark.parametrize(("path", "job"), [(PROMETHEUS, "calico-node"),
                                           (SYSDIG, "calico-node-default")])
def test_node_keep_list_is_exactly_the_catalog(default_build: dict[str, bytes], path: str,
                                               job: str) -> None:
    (keep,) = [j["metric_relabel_configs"] for j in _jobs(default_build, path)
               if j["job_name"] == job]
    assert len(keep) == 1 and keep[0]["action"] == "keep"
    assert keep[0]["source_labels"] == ["__name__"]
    match = re.fullmatch(r"\(([a-z0-9_|]+)\)", keep[0]["regex"])
    assert match, keep[0]["regex"]
    kept = match.group(1).split("|")
    assert kept == sorted(_catalog()) and len(kept) == 22
    assert kept == _seed_metrics()

