"""`kgen check`'s external validators: promtool's rejections name the group and rule (or the
job's field) it rejects, and the schemas find what jsonschema's Draft 7 validator finds, though
jsonschema_rs decides which values it sees."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import external
from generator.build import build
from tests.broken._base import BASE
from tests.support import temp_project

QUERY = ('sum by (instance) (rate(etcd_network_peer_round_trip_time_seconds_bucket{job=~"etcd.*",'
         ' cluster="a-rather-long-cluster-name", instance=~".+:2379"}[5m])) > 0.15')
LONG = f"  (\n    {QUERY}\n  )\nor on ()\n  {QUERY}"
"""A query laid out on lines as kgen lays them out, which YAML writes double-quoted over several
lines: a rule after it is still named by its group and place."""


def _message(found: list[external.Finding]) -> str:
    [finding] = found
    return re.sub(r"/\S*/kgen-check-[^/]+", "<tmp>", finding.message)


def test_a_rejected_prometheusrule_names_its_group_and_rule(promtool: str) -> None:
    spec = {"groups": [{"name": "g", "rules": [
        {"alert": "A", "expr": LONG},
        {"alert": "B", "expr": "up =="},
    ]}]}
    path = "prometheus-operator/x-prometheusrule.yaml"
    rule = yaml.safe_dump({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                           "spec": spec}).encode()
    found = external.run({path: rule})
    assert [f.code for f in found] == [external.CODE_RULES]
    assert re.fullmatch(r'promtool rejects rules: .*<tmp>/prometheus-operator/'
                        r'x-prometheusrule\.yaml: \d+:\d+: group "g", rule 2, "B": .*',
                        _message(found)), _message(found)


def test_a_rejected_scrape_config_names_the_field(promtool: str) -> None:
    jobs = [{"job_name": "a", "params": {"q": [LONG]}, "unknown_field": 1}]
    path = "scrape-jobs/prometheus/x.yaml"
    found = external.run({path: yaml.safe_dump({"scrape_configs": jobs}).encode()})
    assert [f.code for f in found] == [external.CODE_CONFIG]
    assert re.fullmatch(rf"promtool rejects the prometheus scrape jobs \({path}\): .*"
                        r"line \d+: field unknown_field not found .*", _message(found)), \
        _message(found)


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


class _NothingValid:
    """In place of jsonschema_rs's validator: jsonschema checks every value, as kgen did."""

    def __init__(self, schema: dict[str, Any], validate_formats: bool) -> None:
        assert schema and validate_formats is False

    def is_valid(self, instance: Any) -> bool:
        return False


def test_schema_findings_are_those_of_jsonschema_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letting jsonschema_rs say which values are valid changes no finding: every broken board
    is reported as jsonschema's Draft 7 validator reports it when it checks every value, with
    the boards checked together and each alone."""
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
    monkeypatch.setattr(external.jsonschema_rs, "Draft7Validator", _NothingValid)
    assert found == external.run(together)
    assert alone == [external.run(one) for one in files]
    external._validator.cache_clear()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)
"""Any JSON value json.loads can return (the boards kgen reads are JSON)."""


@pytest.fixture(scope="module")
def demo_board(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _board(tmp_path_factory.mktemp("demo"))


def _places(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every path to a value inside `value`, its own included."""
    inner: list[tuple[str | int, ...]] = []
    if isinstance(value, dict):
        inner = [p for key, item in value.items() for p in _places(item, (*path, key))]
    elif isinstance(value, list):
        inner = [p for index, item in enumerate(value) for p in _places(item, (*path, index))]
    return [path, *inner]


def _replaced(value: Any, path: tuple[str | int, ...], new: Any) -> Any:
    if not path:
        return new
    copied = _copy(value)
    parent = copied
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = new
    return copied


def _schemas(board: dict[str, Any]) -> list[tuple[external._Schema, Any]]:
    """The board's schema and the board, and each panel part's schema and value."""
    found = [(external._Schema(external.dashboard_schema(external.SCHEMAS
                                                         / "dashboard.jsonschema.json")), board)]
    for panel in external._panels(board):
        schema = external.SCHEMAS / f"{panel['type']}.jsonschema.json"
        found.append((external._validator(schema, "Options"), panel["options"]))
        custom = panel["fieldConfig"]["defaults"].get("custom")
        if custom is not None:
            found.append((external._validator(schema, "FieldConfig"), custom))
    return found


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_jsonschema_rs_and_jsonschema_agree_on_what_is_valid(
    demo_board: dict[str, Any], data: st.DataObject
) -> None:
    """The gate says a value is valid exactly when jsonschema finds no error in it: a board or
    a panel's options with any value put anywhere in them."""
    for schema, value in _schemas(demo_board):
        assert schema.gate.is_valid(value) and not schema.errors(value)
    schema, value = data.draw(st.sampled_from(_schemas(demo_board)))
    changed = _replaced(value, data.draw(st.sampled_from(_places(value))), data.draw(JSON))
    assert schema.gate.is_valid(changed) == (not list(schema.validator.iter_errors(changed)))


def _rule_files(expr: str, operator_expr: str) -> dict[str, bytes]:
    def spec(expr: str) -> dict[str, Any]:
        return {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": expr}]}]}
    return {"prometheus/rules/x.yaml": yaml.safe_dump(spec(expr)).encode(),
            "prometheus-operator/x-prometheusrule.yaml": yaml.safe_dump(
                {"kind": "PrometheusRule", "spec": spec(operator_expr)}).encode()}


def test_a_prometheusrule_unlike_the_rule_file_is_checked_on_its_own(promtool: str) -> None:
    assert external.run(_rule_files("up == 0", "up == 0")) == []
    found = external.run(_rule_files("up == 0", "up =="))
    assert [f.code for f in found] == [external.CODE_RULES]
    assert "x-prometheusrule.yaml" in _message(found)
    assert "rules/x.yaml: group" not in _message(found)


def test_a_prometheusrule_like_a_rejected_rule_file_is_reported_with_it(promtool: str) -> None:
    """The same rules as the rule file: promtool reads them once, and its finding names the
    rule file."""
    found = external.run(_rule_files("up ==", "up =="))
    assert [f.code for f in found] == [external.CODE_RULES]
    assert re.search(r"<tmp>/prometheus/rules/x\.yaml: \d+:\d+: group", _message(found))
    assert "x-prometheusrule.yaml" not in _message(found)


PROBE = """
import json, sys
from generator.cli import main
try:
    main(["check", "--format", "json"])
except SystemExit as done:
    print(json.dumps({"code": done.code, "jsonschema": "jsonschema" in sys.modules}))
"""


def test_a_clean_check_does_not_import_jsonschema(tmp_path: Path, promtool: str) -> None:
    """jsonschema (about 70 ms to import) is only asked why a value fails."""
    root = temp_project(tmp_path / "project", "targets: [prometheus-rules, scrape-jobs, "
                        "grafana, docs, prometheus-operator, grafana-provisioning, mixin]\n")
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=root, capture_output=True,
                          text=True, check=False, timeout=120)
    assert json.loads(done.stdout.splitlines()[-1]) == {"code": 0, "jsonschema": False}, done
    found = external.run({"grafana/dashboards/x.json": b'{"title": 3}'})
    assert found and {f.code for f in found} == {external.CODE_SCHEMA}
