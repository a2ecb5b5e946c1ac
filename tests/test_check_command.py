"""`kgen check` over the shipped specs (real promtool, real schema) and its output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import external
from generator.build import build
from generator.cli import main
from tests.broken._base import BASE
from tests.support import CONFIG, SCHEMAS, SPECS


def test_shipped_specs_check_clean_with_promtool_and_schema(promtool: str) -> None:
    assert (external.SCHEMAS / "dashboard.jsonschema.json").is_file()
    where = ["--config", str(CONFIG)] if CONFIG else ["--specs", str(SPECS)]
    result = CliRunner().invoke(main, ["check", *where, "--strict", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"findings": []}


def test_promtool_and_schema_reject_bad_output(promtool: str) -> None:
    bad = {
        "prometheus/rules/x.yaml": b"groups:\n- name: a\n  rules:\n  - alert: X\n    expr: up ==\n",
        "scrape-jobs/prometheus/x.yaml": b"scrape_configs:\n- job_name: a\n  bogus: 1\n",
        "grafana/dashboards/x.json": b'{"title": 3}',
    }
    codes = {f.code for f in external.run(bad)}
    assert codes == {external.CODE_RULES, external.CODE_CONFIG, external.CODE_SCHEMA}


def test_missing_schema_is_a_finding(tmp_path: Path) -> None:
    found = external.run({"grafana/dashboards/x.json": b"{}"}, tmp_path)
    assert [f.code for f in found] == [external.CODE_SCHEMA_MISSING]


def test_kgen_check_uses_the_schemas_the_tests_use() -> None:
    """kgen check validates with the vendored schema files the test suite uses as its oracle."""
    assert external.SCHEMAS.resolve() == SCHEMAS.resolve()
    assert len(list(SCHEMAS.glob("*.jsonschema.json"))) >= 40


@pytest.mark.parametrize(("change", "expected"), [
    ({"options": {"legend": {"displayMode": "sideways"}}},
     "panel 'Errors' (timeseries) fails its options schema at legend: "),
    ({"fieldConfig": {"defaults": {"custom": {"lineWidth": "thick"}}}},
     "panel 'Errors' (timeseries) fails its fieldConfig.defaults.custom schema at lineWidth: "),
    ({"type": "stat", "fieldConfig": {"defaults": {"custom": {"x": 1}}}},
     "panel 'Errors' (stat) sets fieldConfig.defaults.custom, which its panel type does not"),
    ({"type": "sparkles"}, "panel 'Errors' has type sparkles, which Grafana 11.6 has no"),
])
def test_panel_options_are_checked_against_their_panel_schema(
    tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    (tmp_path / "demo.py").write_text(BASE)
    path = "grafana/dashboards/demo-overview.json"
    board = json.loads(build(tmp_path, ("grafana",))[path])
    assert external.run({path: json.dumps(board).encode()}) == []
    panel = next(p for p in board["panels"] if p["title"] == "Errors")
    for key, value in change.items():
        panel[key] = {**panel.get(key, {}), **value} if isinstance(value, dict) else value
    found = external.run({path: json.dumps(board).encode()})
    assert found and {f.code for f in found} == {external.CODE_SCHEMA}, found
    assert any(expected in f.message for f in found), found


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(main, ["check", "--format", "xml"]).exit_code == 2


def test_missing_promtool_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    found = external.run({"prometheus/rules/x.yaml": b"groups: []\n"})
    assert [f.code for f in found] == [external.CODE_PROMTOOL_MISSING]


def test_prometheusrule_spec_goes_through_promtool(promtool: str) -> None:
    good = b"spec:\n  groups:\n  - name: a\n    rules:\n    - alert: X\n      expr: up == 0\n"
    bad = good.replace(b"up == 0", b"up ==")
    assert external.run({"prometheus-operator/x-prometheusrule.yaml": good}) == []
    found = external.run({"prometheus-operator/x-prometheusrule.yaml": bad})
    assert [f.code for f in found] == [external.CODE_RULES]
