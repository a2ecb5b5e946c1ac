"""`kgen check`'s external validators report what they reported before they were made fast:
promtool names the lines of the files PyYAML's own emitter writes, though it first reads files
libyaml's emitter wrote (which wraps long strings elsewhere)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

from generator import external

QUERY = ('sum by (instance) (rate(etcd_network_peer_round_trip_time_seconds_bucket{job=~"etcd.*",'
         ' cluster="a-rather-long-cluster-name", instance=~".+:2379"}[5m])) > 0.15')
LONG = f"  (\n    {QUERY}\n  )\nor on ()\n  {QUERY}"
"""A query laid out on lines as kgen lays them out, which both emitters write double-quoted and
wrap at different places, so the lines after it differ."""


def _promtool_on_pure_yaml(promtool: str, tmp: Path, relpath: str, data: Any,
                           args: list[str]) -> str:
    """What promtool says of `data` written as kgen wrote it before (PyYAML's emitter)."""
    path = tmp / relpath
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data))
    done = subprocess.run([promtool, *args, str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0
    return " ".join((done.stdout + done.stderr).split()).replace(str(tmp), "<tmp>")


def _message(found: list[external.Finding]) -> str:
    [finding] = found
    return re.sub(r"/\S*/kgen-check-[^/]+", "<tmp>", finding.message)


def _lines(dump: str) -> list[str]:
    return dump.splitlines()


def test_the_emitters_wrap_the_long_query_apart() -> None:
    """The premise: with libyaml's lines, promtool would name other lines."""
    spec = {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": LONG}]}]}
    assert (len(_lines(external._fast_yaml(spec).decode()))
            != len(_lines(yaml.safe_dump(spec))))
    assert yaml.safe_load(external._fast_yaml(spec)) == yaml.safe_load(yaml.safe_dump(spec))


def test_a_rejected_prometheusrule_names_the_lines_it_named_before(
    promtool: str, tmp_path: Path
) -> None:
    spec = {"groups": [{"name": "g", "rules": [
        {"alert": "A", "expr": LONG},
        {"alert": "B", "expr": "up =="},
    ]}]}
    path = "prometheus-operator/x-prometheusrule.yaml"
    rule = yaml.safe_dump({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                           "spec": spec}).encode()
    assert (_lines(external._fast_yaml(spec).decode()).index("  - alert: B")
            != _lines(yaml.safe_dump(spec)).index("  - alert: B"))
    said = _promtool_on_pure_yaml(promtool, tmp_path, path, spec, ["check", "rules"])
    assert re.search(r"\d+:\d+: group", said), said
    found = external.run({path: rule})
    assert [f.code for f in found] == [external.CODE_RULES]
    assert _message(found) == f"promtool rejects rules: {said}"


def test_a_rejected_scrape_config_names_the_lines_it_named_before(
    promtool: str, tmp_path: Path
) -> None:
    jobs = [{"job_name": "a", "params": {"q": [LONG]}, "unknown_field": 1}]
    config = {"scrape_configs": jobs}
    assert (_lines(external._fast_yaml(config).decode()).index("  unknown_field: 1")
            != _lines(yaml.safe_dump(config)).index("  unknown_field: 1"))
    path = "scrape-jobs/prometheus/x.yaml"
    said = _promtool_on_pure_yaml(promtool, tmp_path, "scrape-jobs/prometheus.yaml",
                                  config,
                                  ["check", "config", "--syntax-only"])
    assert re.search(r"line \d+: field unknown_field", said), said
    found = external.run({path: yaml.safe_dump(config).encode()})
    assert _message(found) == f"promtool rejects the prometheus scrape jobs ({path}): {said}"
