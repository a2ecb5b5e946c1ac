"""Generated dashboards validate against Grafana 11.6's JSON schemas (the copies kgen ships in
generator/schemas) and follow our conventions: every panel sets its options explicitly."""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import promql_parser as pp
import pytest
from jsonschema import Draft7Validator

from generator import promql
from generator.external import dashboard_schema
from generator.loader import load
from tests.support import OUT, SCHEMAS, SPECS

DASHBOARDS = sorted((OUT / "grafana" / "dashboards").glob("*.json"))
DATASOURCE = "${datasource}"


@cache
def _validator(schema_file: str, definition: str) -> Draft7Validator:
    """A validator for one definition of a schema file; its `#/definitions/...` refs resolve
    inside that same file."""
    schema = (dashboard_schema(SCHEMAS / schema_file) if schema_file.startswith("dashboard.")
              else json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8")))
    assert definition in schema["definitions"], f"{schema_file} has no {definition}"
    root = {"$schema": schema["$schema"], "definitions": schema["definitions"],
            "$ref": f"#/definitions/{definition}"}
    Draft7Validator.check_schema(root)
    return Draft7Validator(root)


def _errors(validator: Draft7Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in validator.iter_errors(instance)]


def _load(path: Path) -> dict[str, Any]:
    board: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return board


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """Every panel that shows data (rows excluded, collapsed rows' panels included)."""
    flat: list[dict[str, Any]] = []
    for panel in board["panels"]:
        flat += panel.get("panels", []) if panel["type"] == "row" else [panel]
    return flat


def _queries(board: dict[str, Any]) -> list[str]:
    variables = [v["query"] for v in board["templating"]["list"] if v["type"] == "query"]
    return variables + [t["expr"] for p in _panels(board) for t in p["targets"]]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_matches_grafana_schema(path: Path) -> None:
    errors = _errors(_validator("dashboard.jsonschema.json", "Dashboard"), _load(path))
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panel_options_match_their_panel_schema(path: Path) -> None:
    """Every panel carries options, and field config where its type has any, and both validate
    against the panel type's schema: nothing is left to the defaults of a Grafana version."""
    errors: list[str] = []
    for panel in _panels(_load(path)):
        schema_file = f"{panel['type']}.jsonschema.json"
        assert (SCHEMAS / schema_file).is_file(), f"no schema for panel type {panel['type']}"
        definitions = json.loads((SCHEMAS / schema_file).read_text())["definitions"]
        custom = panel["fieldConfig"]["defaults"].get("custom")
        assert "options" in panel, f"{panel['title']} leaves its options to Grafana"
        checks = [("Options", panel["options"])]
        if "FieldConfig" in definitions:
            assert custom is not None, f"{panel['title']} leaves its field config to Grafana"
            checks.append(("FieldConfig", custom))
        else:
            assert custom is None, f"{panel['type']} takes no field config"
        for definition, value in checks:
            errors += [f"{panel['title']}: {e}"
                       for e in _errors(_validator(schema_file, definition), value)]
    assert not errors, "\n".join(errors)


def test_a_panel_without_options_fails_its_schema() -> None:
    """The check can fail: a stat panel with no options misses every required one."""
    errors = _errors(_validator("stat.jsonschema.json", "Options"), {})
    assert any("reduceOptions" in e for e in errors)


@cache
def _unit_ids() -> frozenset[str]:
    units = json.loads((SCHEMAS / "units.jsonschema.json").read_text())["definitions"]
    return frozenset(u["const"] for u in units.values() if "const" in u)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels_say_what_they_show(path: Path) -> None:
    """Units are Grafana unit ids (or its `suffix:` custom unit); stats reduce to the last
    non-null value and color by the spec's own thresholds; time series set legend and
    tooltip."""
    for panel in _panels(_load(path)):
        unit = panel["fieldConfig"]["defaults"]["unit"]
        assert unit in _unit_ids() or unit.startswith("suffix:"), (panel["title"], unit)
        steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        assert steps[0]["value"] is None and all(s["value"] is not None for s in steps[1:])
        if panel["type"] == "stat":
            assert panel["options"]["reduceOptions"]["calcs"] == ["lastNotNull"], panel["title"]
            assert panel["options"]["graphMode"] in ("none", "area"), panel["title"]
        if panel["type"] == "timeseries":
            legend, tooltip = panel["options"]["legend"], panel["options"]["tooltip"]
            assert {"displayMode", "placement", "calcs", "showLegend"} <= set(legend)
            assert {"mode", "sort"} <= set(tooltip)


def test_stats_that_count_trouble_turn_red_at_one() -> None:
    """Members without a leader, members down, Felix targets down: red from the first one."""
    boards = {p.name: _load(p) for p in DASHBOARDS}
    wanted = {("etcd-overview.json", "Members without a leader"),
              ("etcd-overview.json", "Members down"),
              ("calico-overview.json", "Felix targets down"),
              ("calico-ipam.json", "Kube-controllers targets down")}
    for board, title in wanted:
        (panel,) = [p for p in _panels(boards[board]) if p["title"] == title]
        steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        assert steps[-1] == {"color": "red", "value": 1}, (board, title, steps)
        assert panel["options"]["graphMode"] == "none"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_conventions(path: Path) -> None:
    board = _load(path)
    assert board["schemaVersion"] == 41
    first = board["templating"]["list"][0]
    assert (first["type"], first["name"]) == ("datasource", "datasource")
    for variable in board["templating"]["list"][1:]:
        assert variable["datasource"]["uid"] == DATASOURCE, variable["name"]
    for panel in _panels(board):
        assert panel["fieldConfig"]["defaults"].get("unit"), f"{panel['title']} has no unit"
        assert panel["datasource"]["uid"] == DATASOURCE, panel["title"]
        assert panel["targets"], f"{panel['title']} has no query"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE, panel["title"]
    for query in _queries(board):
        assert all(r == SENTINEL for r in _rate_ranges(query)), query


SENTINEL = timedelta(days=4321)


def _rate_ranges(query: str) -> list[timedelta]:
    """The range of every rate-like call in a panel query (`$__rate_interval` read as
    SENTINEL); other range functions, such as `changes(x[1d])`, keep the window they name."""
    label_values = re.fullmatch(r"label_values\((.*), \w+\)", query, re.S)
    text = (label_values[1] if label_values else query).replace("$__rate_interval", "4321d")
    found: list[timedelta] = []

    def visit(node: Any) -> None:
        if (isinstance(node, pp.Call) and node.func.name in promql.RATE_FUNCTIONS
                and isinstance(node.args[0], pp.MatrixSelector)):
            found.append(node.args[0].range)

    pp.walk(promql.parse(text), visit)  # type: ignore[arg-type]
    return found


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels_do_not_overlap(path: Path) -> None:
    boxes = [(p["title"], p["gridPos"]) for p in _load(path)["panels"]]
    for (a, pa), (b, pb) in itertools.combinations(boxes, 2):
        apart = (pa["x"] + pa["w"] <= pb["x"] or pb["x"] + pb["w"] <= pa["x"]
                 or pa["y"] + pa["h"] <= pb["y"] or pb["y"] + pb["h"] <= pa["y"])
        assert apart, f"{a!r} {pa} overlaps {b!r} {pb}"
    assert all(g["x"] + g["w"] <= 24 for _, g in boxes)


def test_calico_dashboard_is_scoped_and_stable(default_build: dict[str, bytes]) -> None:
    """At the spec's defaults."""
    (calico,) = [s for s in load(SPECS) if s.name == "calico"]
    board = json.loads(default_build["grafana/dashboards/calico-overview.json"])
    assert board["uid"] == "kgen-calico-overview"
    assert calico.integration.selector == 'job=~"calico-node.*|calico-(kube-)?controllers?.*"'
    ipam = json.loads(default_build["grafana/dashboards/calico-ipam.json"])
    for query in _queries(board) + _queries(ipam):
        assert calico.integration.selector in query, query
