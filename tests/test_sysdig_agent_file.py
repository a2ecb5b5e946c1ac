"""The Sysdig agent's files paste as documented: bare job lists that the README's command joins
into the agent's one `prometheus.yaml`, which promtool accepts; and `kgen check` runs promtool
over every flavor's jobs, not only Prometheus'."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from generator import external
from generator.build import build
from tests.scrapejobs import promtool_ready
from tests.support import ROOT, SPECS

SYSDIG = "scrape-jobs/sysdig-agent/"


def readme_command() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### The Sysdig agent's `prometheus.yaml`\n.*?```sh\n(.*?)```", text, re.S)
    assert block, "README lost the Sysdig agent's command"
    return block.group(1)


def test_the_documented_command_makes_one_prometheus_yaml_promtool_accepts(
        promtool: str, tmp_path: Path) -> None:
    files = {path: data for path, data in build(SPECS, ("scrape-jobs",)).items()
             if path.startswith(SYSDIG)}
    assert len(files) >= 2
    expected = []
    for path, data in sorted(files.items()):
        jobs = yaml.safe_load(data)
        assert isinstance(jobs, list) and all("job_name" in job for job in jobs), path
        expected += [job["job_name"] for job in jobs]
        (tmp_path / "out" / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "out" / path).write_bytes(data)
    done = subprocess.run(["bash", "-c", readme_command()], cwd=tmp_path, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((tmp_path / "prometheus.yaml").read_text(encoding="utf-8"))
    assert list(config) == ["scrape_configs"]
    assert [job["job_name"] for job in config["scrape_configs"]] == expected
    ready = {"scrape_configs": [promtool_ready(job, tmp_path)
                                for job in config["scrape_configs"]]}
    (tmp_path / "checked.yaml").write_text(yaml.safe_dump(ready), encoding="utf-8")
    checked = subprocess.run([promtool, "check", "config", str(tmp_path / "checked.yaml")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_docs_page_gives_the_same_command_for_its_tree() -> None:
    page = build(SPECS, ("docs",))["docs/calico.md"].decode()
    assert readme_command() in page
    assert "`out/scrape-jobs/prometheus/calico.yaml` in `scrape_config_files`" in page


def test_kgen_check_runs_promtool_over_every_flavor(promtool: str) -> None:
    good = b"- job_name: a\n  kubernetes_sd_configs:\n  - role: pod\n"
    assert external.run({f"{SYSDIG}a.yaml": good}) == []
    bad = {f"{SYSDIG}a.yaml": good + b"  bogus: 1\n"}
    (finding,) = external.run(bad)
    assert finding.code == external.CODE_CONFIG
    assert "the sysdig-agent scrape jobs (scrape-jobs/sysdig-agent/a.yaml)" in finding.message


def test_kgen_check_refuses_job_names_that_clash_once_concatenated(promtool: str) -> None:
    job = b"- job_name: same\n  kubernetes_sd_configs:\n  - role: pod\n"
    (finding,) = external.run({f"{SYSDIG}a.yaml": job, f"{SYSDIG}b.yaml": job})
    assert finding.code == external.CODE_CONFIG and "same" in finding.message
    prometheus = {f"scrape-jobs/prometheus/{name}.yaml": b"scrape_configs:\n" + job
                  for name in "ab"}
    assert [f.code for f in external.run(prometheus)] == [external.CODE_CONFIG]
