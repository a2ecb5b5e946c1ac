"""Generated dashboards validate against Grafana 11.6's JSON schemas and follow our conventions."""

from __future__ import annotations

import itertools
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from generator.loader import load
from tests.support import OUT, SCHEMAS, SPECS

DASHBOARDS = sorted((OUT / "grafana" / "dashboards").glob("*.json"))
DATASOURCE = "${datasource}"


@cache
def _validator(schema_file: str, definition: str) -> Draft7Validator:
    """A validator for one definition of a schema file; its `#/definitions/...` refs resolve
    inside that same file."""
    schema = json.loads((SCHEMAS / schema_file).read_text(encoding="utf-8"))
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
    errors: list[str] = []
    for panel in _panels(_load(path)):
        schema_file = f"{panel['type']}.jsonschema.json"
        assert (SCHEMAS / schema_file).is_file(), f"no schema for panel type {panel['type']}"
        checks = [("Options", panel.get("options")),
                  ("FieldConfig", panel["fieldConfig"]["defaults"].get("custom"))]
        definitions = json.loads((SCHEMAS / schema_file).read_text())["definitions"]
        for definition, value in checks:
            if value is not None:  # absent: Grafana applies the panel's defaults
                assert definition in definitions, f"{panel['type']} takes no {definition}"
                errors += [f"{panel['title']}: {e}"
                           for e in _errors(_validator(schema_file, definition), value)]
    assert not errors, "\n".join(errors)


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
        ranges = re.findall(r"\[([^\]]*)\]", query)
        assert all(r == "$__rate_interval" for r in ranges), query


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
    assert calico.integration.selector == 'job=~"calico-node.*"'
    for query in _queries(board):
        assert calico.integration.selector in query, query
