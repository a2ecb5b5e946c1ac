"""`kgen check`'s external validators report what they reported before they were made fast:
promtool names the lines of the files PyYAML's own emitter writes, though it first reads files
libyaml's emitter wrote (which wraps long strings elsewhere), and the schemas find what
jsonschema's Draft 7 validator finds, though a value found valid is not checked again."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema.protocols import Validator

from generator import external
from generator.build import build
from tests.broken._base import BASE

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


def _board(project: Path) -> dict[str, Any]:
    """The demo spec's board, which passes the schemas."""
    (project / "demo.py").write_text(BASE)
    board: dict[str, Any] = json.loads(build(project, ("grafana",))[BOARD])
    return board


BOARD = "grafana/dashboards/demo-overview.json"


def _broken(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Boards that fail the schemas where a value recurs: the same bad value in several panels,
    a value valid in one place and not in another, bad options beside good copies of them."""
    panels = [p for p in board["panels"] if p.get("type") != "row"]
    first, second = panels[0], panels[1]

    def changed(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        copy = _copy(board)
        change(copy)
        return copy

    def panel(board: dict[str, Any], index: int) -> dict[str, Any]:
        found: dict[str, Any] = [p for p in board["panels"] if p.get("type") != "row"][index]
        return found

    def both(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        def change(board: dict[str, Any]) -> None:
            panel(board, 0)[key] = value
            panel(board, 1)[key] = value
        return change

    assert first["gridPos"] and second["fieldConfig"]
    return [
        changed(both("gridPos", {"h": "tall", "w": 6, "x": 0, "y": 0})),
        changed(both("fieldConfig", {"defaults": {"thresholds": {"mode": "sideways"}}})),
        changed(both("options", {"legend": {"displayMode": "sideways"}})),
        changed(lambda b: panel(b, 1).update(
            fieldConfig={**panel(b, 0)["fieldConfig"], "overrides": [{"matcher": 3}]})),
        changed(lambda b: panel(b, 1).update(datasource=panel(b, 0)["gridPos"])),
        changed(lambda b: panel(b, 1).update(options={**panel(b, 0)["options"], "bogus": 1})),
        changed(lambda b: panel(b, 1)["fieldConfig"]["defaults"].update(
            custom={**panel(b, 0)["fieldConfig"]["defaults"].get("custom", {}),
                    "lineWidth": "thick"})),
        changed(lambda b: b.update(
            panels=[*b["panels"], {"type": "row", "panels": [{"type": 3}], "gridPos": 3}])),
        changed(lambda b: b.update(
            panels=[*b["panels"], panel(b, 0), {**panel(b, 0), "id": "x"}])),
    ]


def _copy(board: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(board))
    return copied


def _plain(schema: dict[str, Any]) -> Validator:
    return jsonschema.Draft7Validator(schema)


def test_schema_findings_are_those_of_a_validator_checking_every_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipping a value once found valid under a definition changes no finding: every broken
    board is reported as jsonschema's own Draft 7 validator reports it, with the boards checked
    one after another (so the values of the earlier ones are known) and each alone."""
    board = _board(tmp_path)
    boards = [board, *_broken(board), board]
    files = [{f"grafana/dashboards/b{i}.json": json.dumps(b).encode()}
             for i, b in enumerate(boards)]
    together = {path: data for one in files for path, data in one.items()}
    external._validator.cache_clear()
    found = external.run(together)
    alone = [external.run(one) for one in files]
    assert external.run({BOARD: json.dumps(board).encode()}) == []
    assert all(alone[1:-1]), "every broken board fails"
    external._validator.cache_clear()
    monkeypatch.setattr(external, "_once_per_value", _plain)
    assert found == external.run(together)
    assert alone == [external.run(one) for one in files]
    external._validator.cache_clear()
