"""Examples as a tool feature, in temporary projects: series notation, KG304, the generated test
file, `kgen test` and its report, and examples that follow the config they were built from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.build import build_project
from generator.cli import main
from generator.model.examples import (
    Example,
    Fires,
    Hold,
    Records,
    Rise,
    Series,
    Silent,
    blip,
    counter,
    elsewhere,
    fires_when,
    gauge,
    histogram,
    hold,
    jump,
    records,
    rise,
    series,
    silent_on,
)
from generator.project import AlertSettings, IntegrationSettings, Project
from generator.rule_tests import Failure, failures
from tests.broken._base import BASE
from tests.support import SPECS
from tests.test_broken_specs import line_of, write_spec


def test_series_render_promtool_notation() -> None:
    assert counter("x", 1, 20).values() == "0+60x19"
    assert series("x", hold(0, 10), rise(1 / 60, 3), hold(3, 5)).values() == "0x9 1+1x2 3x4"
    assert blip("x", 0.01, 2, 4, 12, 40).values() == "0.01x3 2x11 0.01x23"
    assert jump("x", 1, 0, 1, 5).values() == "1x0 0x3"
    buckets = {s.labels["le"]: s.values() for s in histogram("h", 1, ((10, 0.1), (5, 1.0)))}
    assert buckets == {"0.05": "0x9 0x4", "0.1": "0+60x9 540x4", "0.5": "0+60x9 540x4",
                       "1": "0+60x9 600+60x4", "+Inf": "0+60x9 600+60x4"}


def test_helpers_build_what_the_models_build() -> None:
    """The helpers hand pydantic's validator a dict (no `BaseModel.__init__` frame): what they
    build equals the model built the usual way, Example's spec line included."""
    up = hold(1, 5)
    assert up == Hold(value=1, minutes=5) and rise(0.5, 3) == Rise(per_second=0.5, minutes=3)
    assert gauge("x", 1, 5, a="b") == Series(metric="x", labels={"a": "b"}, phases=(up,))
    assert elsewhere("up", 5) == Series(metric="up", labels={"job": "elsewhere"},
                                        phases=(up,), scoped=False)
    line = sys._getframe().f_lineno
    built = (fires_when("x", (gauge("x", 1, 5),), 2, count=2, a="b"),
             silent_on("y", (), 3),
             records("z", (), 4, 0.5, c="d"))
    assert [example.location for example in built] == [(__file__, line + n) for n in (1, 2, 3)]
    assert [example.expect for example in built] == [
        Fires(at=2, labels={"a": "b"}, count=2), Silent(at=3), Records(at=4, value=0.5,
                                                                        labels={"c": "d"})]
    made = Example(name="y", series=(), expect=Silent(at=3))  # another line: compare fields
    assert type(built[1]) is Example and built[1].model_dump() == made.model_dump()


@pytest.mark.parametrize(("call", "message"), [
    ("hold(1, 0)", "Hold.minutes: Input should be greater than or equal to 1"),
    ("rise(1, 2.5)", "Rise.minutes: Input should be a valid integer, got a number with a "
                     "fractional part"),
    ('counter("demo-x", 1, 5)', "Series.metric: Value error, 'demo-x' is not a valid metric "
                                "name"),
    ('gauge("x", 1, 5, **{"a-b": "c"})', "Series.labels.a-b.[key]: Value error, 'a-b' is not a "
                                         "valid label name"),
    ('series("x")', "Series.phases: Tuple should have at least 1 item after validation, not 0"),
    ('fires_when("", (), 1)', "Example.name: String should have at least 1 character"),
    ('fires_when("x", (), 1, count=0)', "Fires.count: Input should be greater than or equal to 1"),
    ('silent_on("x", (), -1)', "Silent.at: Input should be greater than or equal to 0"),
    ('records("x", (), 1, "a")', "Records.value: Input should be a valid number, unable to parse "
                                 "string as a number"),
])
def test_a_bad_example_value_is_one_line_at_its_spec_line(tmp_path: Path, call: str,
                                                          message: str) -> None:
    text = BASE.replace("from generator.model.examples import counter, fires_when, gauge, hold,",
                        "from generator.model.examples import counter, fires_when, gauge, hold, "
                        "records, rise, series,").replace(
        "    a1 = Alert(", f"    bad = {call}\n    a1 = Alert(")
    specs = write_spec(tmp_path, text)
    result = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert result.output == (f"{specs / 'demo.py'}:{line_of(text, 'bad = ')}: error KG002 "
                             f"{message}\n1 error(s); nothing written\n"), result.output
    assert not (tmp_path / "out").exists()


def test_base_spec_writes_a_test_file_beside_its_rules(tmp_path: Path) -> None:
    files = build_project(Project(specs_dir=write_spec(tmp_path, BASE)))
    tests = yaml.safe_load(files["prometheus/tests/demo.yaml"])
    assert tests["rule_files"] == ["../rules/demo.yaml"]
    first = tests["tests"][0]
    assert first["name"] == "DemoErrors/warning: fires when errors keep coming"
    assert first["input_series"] == [{"series": 'demo_errors_total{code="500", job="demo"}',
                                      "values": "0+60x19"}]
    assert first["promql_expr_test"] == [{
        "expr": 'count(ALERTS{alertname="DemoErrors", alertstate="firing", severity="warning"})'
                " # kgen example DemoErrors/warning 1",
        "eval_time": "12m", "exp_samples": [{"labels": "{}", "value": 1}]}]


def test_alert_without_a_silent_example_is_an_error_unless_exempt(tmp_path: Path) -> None:
    text = BASE.replace("examples=QUEUE", "examples=QUEUE[:1]")
    result = CliRunner().invoke(main, ["check", "--specs", str(write_spec(tmp_path, text))])
    assert result.exit_code == 1
    line = line_of(text, "a2 = Alert(")
    assert (f"demo.py:{line}: error KG304 alert DemoQueueFull has no example where it stays "
            "silent") in result.output
    exempt = text.replace("examples=QUEUE[:1]",
                          'examples=QUEUE[:1], suppress={"KG304": "a queue is never empty"}')
    result = CliRunner().invoke(main, ["check", "--specs", str(write_spec(tmp_path, exempt))])
    assert "KG304" not in result.output, result.output


def test_example_the_selector_cannot_select_is_an_error(tmp_path: Path) -> None:
    text = BASE.replace("selector='job=\"demo\"'", "selector='job=~\"[0-9]{4}\"'")
    result = CliRunner().invoke(main, ["check", "--specs", str(write_spec(tmp_path, text))])
    assert result.exit_code == 1
    assert (f"demo.py:{line_of(text, 'QUEUE = (')}: error KG304 DemoQueueFull/warning example 1:"
            ' no value of job for the example\'s series matches job=~"[0-9]{4}"') in result.output


def test_kgen_test_names_the_failing_example_with_expected_and_got(tmp_path: Path) -> None:
    text = BASE.replace('fires_when("p99 is 2s", (quantile("demo_wait_seconds", "0.99", '
                        "hold(2, 20)", 'fires_when("p99 is 2s", (quantile("demo_wait_seconds", '
                        '"0.99", hold(0.2, 20)')
    assert text != BASE
    specs = write_spec(tmp_path, text)
    result = CliRunner().invoke(main, ["test", "--specs", str(specs)])
    assert result.exit_code == 1, result.output
    assert "ok   demo DemoErrors/warning (2 examples)" in result.output
    assert "FAIL demo DemoSlow/warning (2 examples)" in result.output
    assert (f"{specs / 'demo.py'}:{line_of(text, 'SLOW = (')}: DemoSlow/warning example 1 "
            "(fires when p99 is 2s: firing at 12m): at 12m expected 1 firing, got nothing"
            ) in result.output
    assert "5 of 6 examples hold" in result.output


def test_kgen_test_passes_refuses_and_needs_promtool(tmp_path: Path) -> None:
    specs = write_spec(tmp_path, BASE)
    passed = CliRunner().invoke(main, ["test", "--specs", str(specs)])
    assert passed.exit_code == 0 and "6 of 6 examples hold" in passed.output, passed.output
    usage = CliRunner().invoke(main, ["test", "--specs", str(specs), "--all-profiles",
                                      "--profile", "x"])
    assert usage.exit_code == 2
    missing = CliRunner(env={"PATH": str(tmp_path)}).invoke(main, ["test", "--specs", str(specs)])
    assert missing.exit_code == 2 and "promtool is not on PATH" in missing.output
    broken = write_spec(tmp_path, BASE.replace('"demo_queue_depth > 100"', '"demo_queue > 100"'))
    refused = CliRunner().invoke(main, ["test", "--specs", str(broken)])
    assert refused.exit_code == 1 and "error KG203" in refused.output


def test_examples_follow_thresholds_durations_selector_and_labels(promtool: str,
                                                                  tmp_path: Path) -> None:
    """What a platform team changes in kgen.yaml moves the examples: the tests still pass."""
    calico = {"selector": 'job="felix"', "error_threshold": 3, "error_for": "30m",
              "latency_for": "20m", "dataplane_apply_p99_seconds": 12, "fork_exec_p99_seconds": 0.2,
              "node_port": 9191, "down_for": "3m", "absent_for": "30m",
              "ippool_usage_percent": 75, "ippool_for": "1h"}
    etcd = {"selector": 'job=~"etcd-.+"', "cluster_name_label": "cluster",
            "instance_labels": ["instance"], "latency_for": "10m", "members_down_for": "5m",
            "leader_changes_threshold": 6, "grpc_error_warning_percent": 3,
            "fsync_warning_p99_seconds": 0.1, "quota_percent": 80, "request_rate_per_second": 40,
            "growth_horizon": "1h", "fragmentation_ratio": 0.3, "no_leader_for": "3m"}
    routed = AlertSettings(labels={"team": "platform"}, severity={"etcdHighRequestRate": "info"})
    project = Project(specs_dir=SPECS, targets=("prometheus-rules",), cluster_label="cluster",
                      integrations={"calico": IntegrationSettings(config=calico),
                                    "etcd": IntegrationSettings(config=etcd, alerts=routed)})
    files = build_project(project)
    for path, data in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    assert 'job="felix"' in files["prometheus/tests/calico.yaml"].decode()
    assert 'cluster="example"' in files["prometheus/tests/etcd.yaml"].decode()
    done = subprocess.run([promtool, "test", "rules", "calico.yaml", "etcd.yaml"],
                          cwd=tmp_path / "prometheus" / "tests", stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    assert done.returncode == 0, done.stdout


def test_promtool_report_is_mapped_back_to_examples() -> None:
    output = (
        "Unit Testing:  demo.yaml\n  FAILED:\n"
        '    expr: "count(ALERTS{alertname=\\"DemoSlow\\"}) # kgen example DemoSlow/warning 2",'
        " time: 12m,\n        exp: {} 1E+00\n        got: nil\n"
        "Unit Testing:  other.yaml\n  FAILED:\n    1:1: group \"x\", rule 1: bad template\n"
    )
    found, rest = failures(output)
    assert found == [Failure("demo.yaml", "DemoSlow/warning", 2, "12m", "{} 1E+00", "nil")]
    assert rest == '1:1: group "x", rule 1: bad template'
