"""`kgen check` over the shipped specs (real promtool, real schema) and its output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.checks import external
from generator.cli import main
from tests.conftest import SHARED, SPECS


def test_shipped_specs_check_clean_with_promtool_and_schema(promtool: str) -> None:
    assert (SHARED / external.SCHEMA).is_file()
    result = CliRunner().invoke(main, ["check", "--specs", str(SPECS), "--strict",
                                       "--format", "json"])
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
    found = external.run({"grafana/dashboards/x.json": b"{}"}, tmp_path / "none.json")
    assert [f.code for f in found] == [external.CODE_SCHEMA_MISSING]


def test_shipped_schema_is_grafanas() -> None:
    """kgen check carries the dashboard schema the tests use as their oracle, unchanged."""
    oracle = SHARED / "grafana-schema" / "v11.6" / "dashboard.jsonschema.json"
    assert external.SCHEMA.read_bytes() == oracle.read_bytes()


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
