"""The etcd scrape jobs load in Prometheus (promtool check config), in both scrape modes."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build
from tests.scrapejobs import jobs_in, promtool_ready
from tests.support import SPECS

FLAVORS = ("prometheus", "sysdig-agent")


def _check(promtool: str, tmp_path: Path, jobs: list[dict[str, Any]]) -> str:
    config = tmp_path / "prometheus.yml"
    runnable = [promtool_ready(job, tmp_path) for job in jobs]
    config.write_text(yaml.safe_dump({"scrape_configs": runnable}))
    result = subprocess.run([promtool, "check", "config", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("flavor", FLAVORS)
def test_generated_jobs_pass_promtool(
    promtool: str, tmp_path: Path, built: dict[str, bytes], flavor: str
) -> None:
    jobs = jobs_in(built[f"scrape-jobs/{flavor}/etcd.yaml"])
    assert [job["kubernetes_sd_configs"] for job in jobs] == [
        [{"role": "pod", "namespaces": {"names": ["kube-system"]}}]
    ]
    assert jobs[0]["scheme"] == "https"
    assert set(jobs[0]["tls_config"]) == {"ca_file", "cert_file", "key_file"}
    keep = jobs[0]["metric_relabel_configs"][0]["regex"]
    assert "etcd_disk_wal_fsync_duration_seconds_bucket" in keep
    _check(promtool, tmp_path, jobs)


def test_http_metrics_mode(promtool: str, tmp_path: Path) -> None:
    files = build(SPECS, ("scrape-jobs",), {"etcd": {"scrape": "http-metrics"}})
    jobs = yaml.safe_load(files["scrape-jobs/prometheus/etcd.yaml"])["scrape_configs"]
    assert jobs[0]["scheme"] == "http" and "tls_config" not in jobs[0]
    assert any(step.get("replacement") == "$1:2381" for step in jobs[0]["relabel_configs"])
    _check(promtool, tmp_path, jobs)

