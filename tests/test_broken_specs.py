"""The broken-spec corpus: every case is the tiny base spec with one defect, and `kgen build`
must refuse it at the right file and line while leaving out/ byte-identical."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.broken._base import BASE

A2 = "a2 = Alert("
STEP = "step = Relabel("

# (id, old text, new text, expected code, marker of the reported line in the patched spec)
CASES: list[tuple[str, str, str, str, str]] = [
    ("unknown-alert-metric", '"demo_queue_depth > 100"', '"demo_queue_dept > 100"', "KG203", A2),
    ("unknown-panel-metric", "rate(demo_errors_total[5m]))", "rate(demo_error_total[5m]))",
     "KG203", "p1 = Panel("),
    ("unknown-recorded-input", 'expr="rate(demo_errors_total[5m])"', 'expr="rate(demo_errs[5m])"',
     "KG203", "r1 = Recording("),
    ("unknown-variable-metric", 'metric="demo_queue_depth"', 'metric="demo_queue"', "KG203",
     "board = Dashboard("),
    ("unknown-bucket", "demo_latency_seconds_bucket[", "demo_latency_seconds_buckets[", "KG203",
     "p2 = Panel("),
    ("dropped-by-keep", 'regex="demo_.*"', 'regex="demo_(errors|latency|wait).*"', "KG201", A2),
    ("dropped-by-drop", 'Action.KEEP, source_labels=("__name__",), regex="demo_.*"',
     'Action.DROP, source_labels=("__name__",), regex="demo_wait_seconds"', "KG201",
     "a3 = Alert("),
    ("rate-over-gauge", '"demo_queue_depth > 100"', '"rate(demo_queue_depth[5m]) > 100"',
     "KG204", A2),
    ("rate-over-quantiles", """'demo_wait_seconds{quantile="0.99"} > 1'""",
     "'rate(demo_wait_seconds[5m]) > 1'", "KG204", "a3 = Alert("),
    ("quantile-over-sum", "sum by (le) (rate(demo_latency_seconds_bucket[5m]))",
     "demo_latency_seconds_sum", "KG204", "p2 = Panel("),
    ("duplicate-alert", 'name="DemoQueueFull"', 'name="DemoErrors"', "KG301", A2),
    ("no-prefix", 'name="DemoQueueFull"', 'name="QueueFull"', "KG301", A2),
    ("not-camel", 'name="DemoQueueFull"', 'name="Demo_queue_full"', "KG301", A2),
    ("lower-case", 'name="DemoQueueFull"', 'name="demoQueueFull"', "KG301", A2),
    ("templated-summary", 'summary="Queue full."', 'summary="Queue at {{ $value }}."', "KG302",
     A2),
    ("static-description", 'summary="Queue full.", description=DESC',
     'summary="Queue full.", description="Queue full."', "KG302", A2),
    ("unclosed-template", 'summary="Slow.", description=DESC',
     'summary="Slow.", description="On {{ $labels.instance."', "KG302", "a3 = Alert("),
    ("unknown-template-function", 'summary="Slow.", description=DESC',
     'summary="Slow.", description="{{ $value | humanise }}"', "KG302", "a3 = Alert("),
    ("stray-close", 'summary="Slow.", description=DESC',
     'summary="Slow.", description="{{ $value }} }}"', "KG302", "a3 = Alert("),
    ("regex-not-re2", 'regex="(.+)"', 'regex="(?<=x)(.+)"', "KG401", STEP),
    ("missing-group", 'replacement="$1"', 'replacement="$2"', "KG401", STEP),
    ("missing-named-group", 'replacement="$1"', 'replacement="${host}"', "KG401", STEP),
    ("replace-without-target", ', target_label="addr")', ")", "KG401", STEP),
    ("hashmod-without-modulus", "action=Action.REPLACE", "action=Action.HASHMOD", "KG401", STEP),
    ("labelmap-without-regex", 'Action.REPLACE, source_labels=("__address__",), regex="(.+)"',
     'Action.LABELMAP, source_labels=("__address__",), regex=None', "KG401", STEP),
    ("keep-regex-broken", 'regex="demo_.*"', 'regex="demo_(.*"', "KG401", "keep = Relabel("),
    ("inline-password", 'replacement="$1"', 'replacement="password=hunter2"', "KG402",
     "j1 = ScrapeJob("),
    ("inline-pem", 'flavor=Flavor.PROMETHEUS,',
     'flavor=Flavor.PROMETHEUS, tls=TLS(ca_file="x", server_name="-----BEGIN KEY"),', "KG402",
     "j1 = ScrapeJob("),
    ("uid-too-long", 'Dashboard(title="Demo"',
     'Dashboard(slug="a-very-long-slug-that-overflows-the-uid", title="Demo"', "KG501",
     "board = Dashboard("),
    ("unknown-template-label", 'summary="Slow.", description=DESC',
     'summary="Slow.", description="On {{ $labels.pod }}."', "KG205", "a3 = Alert("),
    ("unknown-by-label", "sum by (code) (rate(", "sum by (status) (rate(", "KG205", "p1 = Panel("),
    ("unknown-on-label", '"demo_queue_depth > 100"',
     '"demo_queue_depth > on (node) demo_wait_seconds_count"', "KG205", A2),
    ("le-on-summary", '"demo_queue_depth > 100"',
     '"sum by (le) (demo_wait_seconds_count) > 100"', "KG205", A2),
    ("unknown-matcher-label", '"demo_queue_depth > 100"', """'demo_queue_depth{queue="a"} > 100'""",
     "KG205", A2),
    ("matcher-typo-in-panel", "rate(demo_errors_total[5m]))",
     "rate(demo_errors_total{cdoe='500'}[5m]))", "KG205", "p1 = Panel("),
    ("promql-syntax", '"demo_queue_depth > 100"', '"demo_queue_depth > "', "KG101", A2),
    ("bad-duration", 'for_="5m", severity=Severity.WARNING, summary="Queue full."',
     'for_="5 minutes", severity=Severity.WARNING, summary="Queue full."', "KG002", A2),
    ("missing-severity", 'severity=Severity.WARNING, summary="Queue full."',
     'summary="Queue full."', "KG002", A2),
    ("import-error", "C, G = MetricType.COUNTER, MetricType.GAUGE",
     "C, G = MetricType.COUNTER, MetricType.GAUG", "KG001", "C, G = "),
    ("syntax-error", "def integration(config: Config) -> Integration:",
     "def integration(config: Config) -> Integration", "KG001", "def integration("),
    ("config-default-bad-duration", "class Config(SpecConfig):\n",
     "class Config(SpecConfig):\n    wait_for: Duration = '5 minutes'\n", "KG004",
     "wait_for: Duration"),
    ("config-undefined-type", "class Config(SpecConfig):\n",
     "class Config(SpecConfig):\n    wait_for: 'Duraton' = '5m'\n", "KG003",
     "wait_for: 'Duraton'"),
    ("config-not-spec-config", "class Config(SpecConfig):", "class Config(BaseModel):", "KG003",
     "class Config(BaseModel)"),
    ("ignoring-nothing-grouped", '"demo_queue_depth > 100"',
     '"demo_queue_depth / ignoring () group_left demo_queue_depth > 100"', "KG101", A2),
    ("kit-panel-query", '"max by (instance) (demo_queue_depth)"',
     '"max by (instance) (demo_queue_depth"', "KG101", "p3 = panel("),
    ("kit-panel-metric", '"max by (instance) (demo_queue_depth)"',
     '"max by (instance) (demo_queue_dept)"', "KG203", "p3 = panel("),
    ("empty-suppression-reason", 'name="DemoQueueFull",',
     'name="QueueFull", suppress={"KG301": " "},', "KG002", A2),
]


def write_spec(root: Path, text: str, name: str = "demo") -> Path:
    specs = root / "specs"
    specs.mkdir(exist_ok=True)
    (specs / f"{name}.py").write_text(text)
    return specs


def patched(old: str, new: str) -> str:
    assert BASE.count(old) >= 1, f"patch target {old!r} not in the base spec"
    return BASE.replace(old, new, 1)


def line_of(text: str, marker: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
    assert lines, marker
    return lines[0]


def sentinel_out(root: Path) -> tuple[Path, dict[str, bytes]]:
    out = root / "out"
    out.mkdir()
    (out / "sentinel.txt").write_bytes(b"do not touch\n")
    return out, snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_base_spec_builds_clean(tmp_path: Path) -> None:
    specs = write_spec(tmp_path, BASE)
    result = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "error" not in result.output


@pytest.mark.parametrize(("old", "new", "code", "marker"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_spec_is_refused_at_its_line(
    tmp_path: Path, old: str, new: str, code: str, marker: str
) -> None:
    text = patched(old, new)
    specs = write_spec(tmp_path, text)
    out, before = sentinel_out(tmp_path)
    result = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out", str(out)])
    assert result.exit_code == 1, result.output
    expected = f"{specs / 'demo.py'}:{line_of(text, marker)}: error {code} "
    assert expected in result.output, result.output
    assert snapshot(out) == before


def test_corpus_is_large_and_distinct() -> None:
    assert len(CASES) >= 30
    assert len({case[0] for case in CASES}) == len(CASES)


def test_unknown_metric_suggests_the_close_name(tmp_path: Path) -> None:
    specs = write_spec(tmp_path, patched('"demo_queue_depth > 100"', '"demo_queue_dept > 100"'))
    result = CliRunner().invoke(main, ["check", "--specs", str(specs)])
    assert result.exit_code == 1
    assert ("alert DemoQueueFull uses demo_queue_dept, which is not in the metric catalog "
            "(did you mean demo_queue_depth?)") in result.output


def test_template_error_reports_its_column(tmp_path: Path) -> None:
    text = patched('summary="Slow.", description=DESC',
                   'summary="Slow.", description="ok {{ $value }} {{ nope }}"')
    result = CliRunner().invoke(main, ["check", "--specs", str(write_spec(tmp_path, text))])
    assert "description column 17: unknown function or value 'nope'" in result.output


def test_suppression_with_a_reason_drops_the_finding(tmp_path: Path) -> None:
    text = patched('name="DemoQueueFull",',
                   'name="QueueFull", suppress={"KG301": "kept for dashboard links"},')
    result = CliRunner().invoke(main, ["build", "--specs", str(write_spec(tmp_path, text)),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_naming_exemption_allows_mixin_names(tmp_path: Path) -> None:
    text = patched('name="DemoQueueFull",', 'name="demoQueueFull",').replace(
        'selector=\'job="demo"\',',
        'selector=\'job="demo"\', naming_exemption="upstream mixin names, kept for silences",')
    result = CliRunner().invoke(main, ["build", "--specs", str(write_spec(tmp_path, text)),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_names_and_jobs_are_unique_across_integrations(tmp_path: Path) -> None:
    write_spec(tmp_path, BASE)
    specs = write_spec(tmp_path, BASE.replace('name="demo", title="Demo"',
                                              'name="demo2", title="Demo"'), "demo2")
    result = CliRunner().invoke(main, ["check", "--specs", str(specs)])
    assert result.exit_code == 1
    assert "alert DemoErrors is already defined at" in result.output
    assert "job demo is already defined at" in result.output
    assert "recording rule instance:demo_errors:rate5m is already defined at" in result.output


def test_warnings_do_not_block_build_but_fail_strict_check(tmp_path: Path) -> None:
    text = patched('m4 = Metric(name="demo_wait_seconds", type=S, unit="seconds", help="h")',
                   'm4 = Metric(name="demo_wait_seconds", type=S, unit="seconds", help="h")\n'
                   '    m5 = Metric(name="demo_idle", type=G, unit="x", help="h")').replace(
        "metrics=(m1, m2, m3, m4)", "metrics=(m1, m2, m3, m4, m5)")
    specs = write_spec(tmp_path, text)
    built = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out",
                                      str(tmp_path / "out")])
    assert built.exit_code == 0, built.output
    strict = CliRunner().invoke(main, ["check", "--specs", str(specs), "--strict",
                                       "--format", "json"])
    assert strict.exit_code == 1
    assert '"code": "KG202"' in strict.output


def test_real_subprocess_refuses_broken_spec(tmp_path: Path) -> None:
    text = patched('"demo_queue_depth > 100"', '"demo_queue_dept > 100"')
    specs = write_spec(tmp_path, text)
    out, before = sentinel_out(tmp_path)
    kgen = str(Path(sys.executable).parent / "kgen")
    done = subprocess.run([kgen, "build", "--specs", str(specs), "--out", str(out)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert f"specs/demo.py:{line_of(text, A2)}: error KG203 " in done.stderr
    assert snapshot(out) == before


def test_a_regex_re2_refuses_is_one_line_on_stderr(tmp_path: Path) -> None:
    """RE2 logs a line of its own on stderr for each regex it refuses (and absl a warning before
    the first): kgen turns that log off, so its finding is the only line about the regex."""
    text = patched('regex="demo_.*"', 'regex="demo_(.*"')
    write_spec(tmp_path, text)
    kgen = str(Path(sys.executable).parent / "kgen")
    done = subprocess.run([kgen, "build", "--specs", "specs", "--out", "out"],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"specs/demo.py:{line_of(text, 'keep = Relabel(')}: error KG401 job demo: regex "
        "'demo_(.*' does not compile under RE2: missing ): ^(?:demo_(.*)$",
        "1 error(s); nothing written"]


def test_tiers_share_a_name_at_different_severities(tmp_path: Path) -> None:
    """A warning and a critical tier of one condition (the etcd mixin's pattern) are not a clash;
    the same name at the same severity is."""
    critical = patched('name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m", '
                       'severity=Severity.WARNING',
                       'name="DemoErrors", expr="demo_queue_depth > 100", for_="5m", '
                       'severity=Severity.CRITICAL')
    result = CliRunner().invoke(main, ["check", "--specs", str(write_spec(tmp_path, critical))])
    assert "KG301" not in result.output, result.output


def test_private_helper_reports_its_callers_line(tmp_path: Path) -> None:
    """An alert built inside `def _alert(...)` is reported at the line that calls the helper."""
    text = patched("def integration(config: Config) -> Integration:",
                   "def _alert(name: str, expr: str) -> Alert:\n"
                   "    return Alert(name=name, expr=expr, for_=\"5m\", "
                   "severity=Severity.WARNING,\n"
                   "                 summary=\"s.\", description=DESC)\n\n\n"
                   "def integration(config: Config) -> Integration:").replace(
        "alerts=(a1, a2, a3),", "alerts=(a1, a2, a3,\n"
        "                _alert(\"DemoGone\", \"demo_gone > 0\")),")
    specs = write_spec(tmp_path, text)
    result = CliRunner().invoke(main, ["check", "--specs", str(specs)])
    assert result.exit_code == 1
    line = line_of(text, '_alert("DemoGone"')
    assert f"{specs / 'demo.py'}:{line}: error KG203 alert DemoGone" in result.output


@pytest.mark.parametrize(("knobs", "undefined"), [
    ("    a: 'Later' = 'x'\n    b: 'Duraton' = '5m'\n", "Duraton"),
    ("    a: 'Later' = 'x'\n    b: list['Duraton'] = []\n", "Duraton"),
    ("    a: 'Later' = 'x'\n    b: 'list[Duraton]' = []\n", "Duraton"),
], ids=["quoted", "nested", "nested-in-text"])
def test_an_undefined_type_is_named_at_its_knob_not_a_type_defined_below(
    tmp_path: Path, knobs: str, undefined: str
) -> None:
    """A type defined below the Config (`Later`) is not what the error names: pydantic's own
    message, made when the class was, still says so."""
    text = patched("class Config(SpecConfig):\n", "class Config(SpecConfig):\n" + knobs) \
        + "\nLater = str\n"
    specs = write_spec(tmp_path, text)
    out, before = sentinel_out(tmp_path)
    result = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert (f"{specs / 'demo.py'}:{line_of(text, '    b: ')}: error KG003 Config.b: its type "
            f"{undefined} is not defined") in result.output, result.output
    assert snapshot(out) == before
