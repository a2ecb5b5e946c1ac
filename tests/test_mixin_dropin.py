"""The mixin export as a drop-in for another mixin: knobs a spec marks with MixinKnob are live
`_config` values under our key and the other mixin's, an empty selector still renders valid
PromQL, no configured selector is left in any rendered text, and mixtool's alert lint passes.

The shipped specs are tested as the project config builds them, and the shipped etcd spec (which
marks its selector and member labels as the upstream etcd mixin's `etcd_selector` and
`etcd_instance_labels`, its cluster-name label as `clusterLabel`, and its thresholds and
for-durations) with its defaults; the refusals with a small spec of its own.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
from pathlib import Path
from typing import Any

import _jsonnet
import promql_parser
import pytest
import yaml
from click.testing import CliRunner

from generator.build import build, build_project
from generator.cli import main
from generator.findings import SpecError
from generator.project import Project, load_project
from generator.render import json_text
from tests.broken._base import BASE
from tests.mixtool_lint import lint_alerts
from tests.support import SPECS
from tests.test_mixin import normalised

INTEGRATIONS = ("calico", "etcd")
TARGETS = ("prometheus-rules", "grafana", "mixin")


def evaluate(files: dict[str, bytes], tmp_path: Path, name: str, config: str = "") -> Any:
    """The mixin's fields, with `config` laid over its `_config`."""
    folder = tmp_path / f"mixin-{name}"
    folder.mkdir(exist_ok=True)
    (folder / "mixin.libsonnet").write_bytes(files[f"mixin/{name}/mixin.libsonnet"])
    snippet = f"""local m = (import 'mixin.libsonnet') + {{_config+:: {{{config}}}}};
        {{config: m._config, rules: m.prometheusRules.groups, alerts: m.prometheusAlerts.groups,
          dashboards: m.grafanaDashboards}}"""
    return json.loads(_jsonnet.evaluate_snippet("test", snippet, jpathdir=str(folder)))


def exprs(fields: dict[str, Any]) -> list[str]:
    """Every rule and panel query, and every variable query's selector part."""
    found = [rule["expr"] for group in fields["rules"] + fields["alerts"]
             for rule in group["rules"]]
    for board in fields["dashboards"].values():
        found += [target["expr"] for panel in board["panels"]
                  for target in panel.get("targets", [])]
        found += [re.sub(r"^label_values\((.*), \w+\)$", r"\1", variable["query"], flags=re.S)
                  for variable in board["templating"]["list"]
                  if str(variable.get("query", "")).startswith("label_values(")]
    return [expr.replace("$__rate_interval", "5m") for expr in found]


def promtool_accepts(promtool: str, tmp_path: Path, fields: dict[str, Any]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": fields["rules"] + fields["alerts"]}))
    done = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def alert(fields: dict[str, Any], name: str, severity: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for group in fields["alerts"] for r in group["rules"]
                                if r["alert"] == name and r["labels"]["severity"] == severity)
    return rule


@pytest.fixture(scope="module")
def marked() -> dict[str, bytes]:
    """The shipped specs with their defaults: etcd's marked knobs as the spec declares them."""
    return build_project(Project(specs_dir=SPECS, targets=TARGETS))


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_shipped_mixins_keep_no_selector_text_and_accept_an_empty_one(
        built: dict[str, bytes], tmp_path: Path, promtool: str, integration: str) -> None:
    key = f"{integration}Selector"
    default = evaluate(built, tmp_path, integration)["config"][key]
    raw = built[f"mixin/{integration}/mixin.libsonnet"].decode()
    assert raw.count(json.dumps(default)) == 1, "the selector belongs in _config alone"
    other = evaluate(built, tmp_path, integration, f"{key}: 'job=\"team-a\"'")
    assert default not in json.dumps(other)
    assert "__kgen" not in json.dumps(other)
    empty = evaluate(built, tmp_path, integration, f"{key}: ''")
    for expr in exprs(empty):
        promql_parser.parse(expr)
        assert "{," not in expr and ",}" not in expr, expr
    assert "__kgen" not in json.dumps(empty)
    promtool_accepts(promtool, tmp_path, empty)


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_shipped_mixins_pass_mixtools_alert_lint(built: dict[str, bytes], tmp_path: Path,
                                                 integration: str) -> None:
    lint = yaml.safe_load(built[f"mixin/{integration}/.lint"])
    assert lint_alerts(evaluate(built, tmp_path, integration)["alerts"], lint) == []
    for reason in (lint["exclusions"] or {}).values():
        assert reason["reason"].strip()


def test_lint_catches_what_mixtool_catches() -> None:
    groups = [{"name": "x", "rules": [{"alert": "fooDown", "labels": {"severity": "page"},
                                       "annotations": {"summary": "{{ $labels.x }} down",
                                                       "description": "static"}}]}]
    assert sorted(lint_alerts(groups, {})) == [
        "[alert-description-templating] fooDown", "[alert-name-camelcase] fooDown",
        "[alert-severity-rule] fooDown", "[alert-summary-style] fooDown",
        "[alert-summary-templating] fooDown"]
    lint = {"exclusions": {"alert-name-camelcase": {"reason": "r"},
                           "alert-severity-rule": {"entries": [{"alert": "other"}]}}}
    assert "[alert-name-camelcase] fooDown" not in lint_alerts(groups, lint)
    assert "[alert-severity-rule] fooDown" in lint_alerts(groups, lint)


def test_marked_mixin_equals_the_plain_outputs(marked: dict[str, bytes],
                                               tmp_path: Path) -> None:
    fields = evaluate(marked, tmp_path, "etcd")
    rules = yaml.safe_load(marked["prometheus/rules/etcd.yaml"])["groups"]
    assert normalised(fields["rules"] + fields["alerts"]) == normalised(rules)
    boards = {path.removeprefix("grafana/dashboards/"): json.loads(data)
              for path, data in marked.items() if path.startswith("grafana/dashboards/etcd-")}
    assert normalised(fields["dashboards"]) == normalised(boards)
    assert fields["config"]["etcd_selector"] == fields["config"]["etcdSelector"]
    assert fields["config"]["etcd_instance_labels"] == "instance, pod"
    assert "__kgen" not in json.dumps(fields)


def test_upstream_keys_rescope_and_regroup(marked: dict[str, bytes], tmp_path: Path,
                                           promtool: str) -> None:
    plain = evaluate(marked, tmp_path, "etcd")
    default = plain["config"]["etcd_selector"]
    fields = evaluate(marked, tmp_path, "etcd",
                      "etcd_selector: 'job=\"kube-etcd\"', etcd_instance_labels: 'instance'")
    assert fields["config"]["etcdSelector"] == 'job="kube-etcd"'
    assert default not in json.dumps(fields)
    assert 'job="kube-etcd"' in alert(fields, "etcdMetricsAbsent", "critical")["annotations"][
        "description"]
    before = [e for e in exprs(plain) if re.search(r"\bpod\b", e)]
    assert before, "the default instance labels include pod"
    assert not [e for e in exprs(fields) if re.search(r"\bpod\b", e)]
    promtool_accepts(promtool, tmp_path, fields)
    ours = evaluate(marked, tmp_path, "etcd",
                    "etcd_selector: 'job=\"a\"', etcdSelector: 'job=\"b\"'")
    text = json.dumps(ours["rules"] + ours["alerts"])
    assert 'job=\\"b\\"' in text and 'job=\\"a\\"' not in text


def test_thresholds_and_durations_are_live(marked: dict[str, bytes], tmp_path: Path) -> None:
    fields = evaluate(marked, tmp_path, "etcd",
                      "etcdFsyncWarningP99Seconds: 0.3, etcdMembersDownFor: '45m'")
    fsync = alert(fields, "etcdHighFsyncDurations", "warning")
    assert fsync["expr"].rstrip().endswith("> 0.3"), fsync["expr"]
    assert "0.3s" in fsync["annotations"]["description"]
    assert alert(fields, "etcdHighFsyncDurations", "critical")["expr"].rstrip().endswith("> 1")
    down = alert(fields, "etcdMembersDown", "warning")
    assert down["for"] == "45m" and "45m" in down["annotations"]["description"]


def test_empty_upstream_selector_renders_valid_promql(marked: dict[str, bytes],
                                                      tmp_path: Path, promtool: str) -> None:
    fields = evaluate(marked, tmp_path, "etcd", "etcd_selector: ''")
    for expr in exprs(fields):
        promql_parser.parse(expr)
    promtool_accepts(promtool, tmp_path, fields)


DEMO_CONFIG = '''\
from typing import Annotated

from generator.kit import SpecConfig
from generator.model import MixinKnob


class Config(SpecConfig):
    selector: Annotated[str, MixinKnob("demo_selector")] = 'job="demo"'
    queue_limit: Annotated[float, MixinKnob("queueLimit")] = 100
    slow_for: Annotated[str, MixinKnob()] = "5m"
'''


def demo(tmp_path: Path, config: str = DEMO_CONFIG, **replace: str) -> Path:
    text = BASE.replace("class Config(SpecConfig):\n    selector: str = 'job=\"demo\"'\n",
                        config.split("\n\n\n", 1)[1])
    text = config.split("\n\n\n", 1)[0] + "\n" + text
    text = text.replace('"demo_queue_depth > 100"', 'f"demo_queue_depth > {config.queue_limit:g}"')
    text = text.replace('selector=\'job="demo"\'', "selector=config.selector")
    text = text.replace('for_="5m", severity=Severity.WARNING, summary="Slow."',
                        'for_=config.slow_for, severity=Severity.WARNING, summary="Slow."')
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / "demo.py").write_text(text, encoding="utf-8")
    return tmp_path / "specs"


def test_a_small_spec_exposes_what_it_marks(tmp_path: Path) -> None:
    files = build_project(Project(specs_dir=demo(tmp_path), targets=TARGETS))
    fields = evaluate(files, tmp_path, "demo",
                      "demo_selector: 'job=\"x\"', demoQueueLimit: 7, demoSlowFor: '1h'")
    queue = alert(fields, "DemoQueueFull", "warning")
    assert queue["expr"] == 'demo_queue_depth{job="x"} > 7'
    assert alert(fields, "DemoSlow", "warning")["for"] == "1h"
    assert fields["config"]["demoSelector"] == 'job="x"'


def test_matchers_a_spec_adds_around_the_selector_stay(tmp_path: Path) -> None:
    composed = "selector=config.selector + ', env=\"prod\"'"
    specs = demo(tmp_path, **{"selector=config.selector": composed})
    files = build_project(Project(specs_dir=specs, targets=TARGETS))
    fields = evaluate(files, tmp_path, "demo", "demo_selector: 'job=\"x\"'")
    queue = alert(fields, "DemoQueueFull", "warning")
    assert queue["expr"] == 'demo_queue_depth{job="x",env="prod"} > 100', queue["expr"]


@pytest.mark.parametrize(("replace", "message"), [
    ({'f"demo_queue_depth > {config.queue_limit:g}"':
      'f"demo_queue_depth > {config.queue_limit * 2:g}"'},
     "Config.queue_limit is marked MixinKnob() but its value reaches no rule, description or "
     "dashboard as written"),
    ({'summary="Slow."': 'summary=f"Slow {config.queue_limit + 1:g}."'},
     "a knob marked MixinKnob() is computed on or formatted differently"),
    ({'"max by (instance) (demo_queue_depth)"':
      'f"max by (instance) (demo_queue_depth) > {config.queue_limit * 2:g}"'},
     "a knob marked MixinKnob() is computed on or formatted differently"),
    ({"for_=config.slow_for,": 'for_="5m",'},
     "Config.slow_for is marked MixinKnob() but its value reaches no rule"),
    ({"for_=config.slow_for,": 'for_="5m",', 'summary="Slow."': 'summary="Slow \u0913ms."'},
     "Config.slow_for is marked MixinKnob() but its value reaches no rule"),  # 913ms, escaped
    ({'slow_for: Annotated[str, MixinKnob()] = "5m"':
      "slow_for: Annotated[bool, MixinKnob()] = False"},
     "Config.slow_for: the mixin can expose numbers, durations, label names and label lists"),
    ({'MixinKnob("queueLimit")': 'MixinKnob("demoSelector")'},
     "mixin _config key demoSelector is named twice"),
])
def test_a_knob_the_mixin_cannot_change_is_refused_at_the_config(
        tmp_path: Path, replace: dict[str, str], message: str) -> None:
    if "bool" in next(iter(replace.values())):
        replace = {**replace, "for_=config.slow_for,": 'for_="5m",'}
    specs = demo(tmp_path, **replace)
    with pytest.raises(SpecError) as raised:
        build_project(Project(specs_dir=specs, targets=TARGETS))
    (finding,) = raised.value.findings
    assert finding.code == "KG701" and message in finding.message, finding
    line = (specs / "demo.py").read_text().splitlines()[finding.line - 1]
    assert line.startswith("class Config"), line


SLOW_EXAMPLES = ("examples=SLOW)", "examples=(fires_when('p99 is 2s', (quantile("
                 "'demo_wait_seconds', '0.99', hold(2, minutes(config.slow_for) + 20)),), "
                 "minutes(config.slow_for) + 12), silent_on('p99 is 0.5s', (quantile("
                 "'demo_wait_seconds', '0.99', hold(0.5, minutes(config.slow_for) - 2)),), 2)))")
"""DemoSlow's examples built from its marked `for`: with the stand-in `913ms` (one minute),
the quiet phase is -1 minutes long, which the model refuses."""
EXAMPLES_IMPORT = ("import counter, fires_when,", "import counter, minutes, fires_when,")


def test_examples_reach_no_mixin_file(tmp_path: Path) -> None:
    """An alert's examples are in no part of the mixin (nor in what its proof compares): the
    mixin is the same whether DemoSlow's examples are built from its marked knob or fixed."""
    built = {}
    for name, replace in (("knob", dict([SLOW_EXAMPLES, EXAMPLES_IMPORT])), ("fixed", {})):
        folder = tmp_path / name
        folder.mkdir()
        if replace:
            replace[SLOW_EXAMPLES[0]] = SLOW_EXAMPLES[1].replace(" - 2)", " + 2)")
        files = build_project(Project(specs_dir=demo(folder, **replace), targets=TARGETS))
        built[name] = files["mixin/demo/mixin.libsonnet"]
    assert built["knob"] == built["fixed"]


def test_examples_the_stand_ins_break_refuse_the_spec(tmp_path: Path) -> None:
    """The stand-in build runs the whole spec, examples included: examples that cannot be
    built with a knob's stand-in refuse the spec (KG701), though no example reaches the mixin.
    Pinned: a stand-in build that skipped examples would accept this spec."""
    specs = demo(tmp_path, **dict([SLOW_EXAMPLES, EXAMPLES_IMPORT]))
    with pytest.raises(SpecError) as raised:
        build_project(Project(specs_dir=specs, targets=TARGETS))
    (finding,) = raised.value.findings
    assert finding.code == "KG701" and "building with the mixin's stand-in values failed" \
        in finding.message and "greater than or equal to 1" in finding.message, finding
    build_project(Project(specs_dir=specs, targets=("prometheus-rules", "grafana")))


def test_a_refused_knob_is_at_the_config_line_below_a_form_feed(tmp_path: Path) -> None:
    """A form feed ends no line for Python (nor for the line a finding names), though it does
    for str.splitlines."""
    specs = demo(tmp_path, **{'f"demo_queue_depth > {config.queue_limit:g}"':
                              'f"demo_queue_depth > {config.queue_limit * 2:g}"'})
    spec = specs / "demo.py"
    spec.write_text("# page one \x0c page two\n" + spec.read_text(), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        build_project(Project(specs_dir=specs, targets=TARGETS))
    (finding,) = raised.value.findings
    assert spec.read_text().split("\n")[finding.line - 1].startswith("class Config"), finding


def test_the_cli_reports_a_refused_knob_and_writes_nothing(tmp_path: Path) -> None:
    specs = demo(tmp_path, **{'f"demo_queue_depth > {config.queue_limit:g}"':
                              'f"demo_queue_depth > {config.queue_limit * 2:g}"'})
    (tmp_path / "kgen.yaml").write_text("specs: specs\ntargets: [mixin]\n")
    done = CliRunner().invoke(main, ["build", "--config", str(tmp_path / "kgen.yaml")])
    assert done.exit_code == 1 and "error KG701" in done.output
    assert not (tmp_path / "out").exists()
    assert load_project(tmp_path / "kgen.yaml").specs_dir == specs


def test_upstream_cluster_label_names_the_cluster(marked: dict[str, bytes],
                                                  tmp_path: Path) -> None:
    fields = evaluate(marked, tmp_path, "etcd", "clusterLabel: 'cluster'")
    described = alert(fields, "etcdNoLeader", "critical")["annotations"]["description"]
    assert "{{ $labels.cluster }}" in described and "$labels.job" not in described


@pytest.mark.parametrize(("part", "selector", "agrees"), [
    ({"expr": 'up{__kgen_selector__="demo"}'}, 'job="demo"', True),
    ({"expr": "demo_latency > 911ms"}, 'job="demo"', False),  # a mark in a part both share
    ({"expr": 'x__kgen_selector__="demo"1ms'}, "91", False),  # the value makes a mark
    ({"expr": '91__kgen_selector__="demo"1ms'}, "", False),  # the text around it joins
    ({"panels": [{"title": "a"}, [{"title": "b"}]]}, 'job="demo"', True),
    ({"panels": [{"title": "a"}, [{"title": "b 911ms"}]]}, 'job="demo"', False),  # in a list
])
def test_the_proof_skips_only_parts_that_fill_alike(part: dict[str, Any], selector: str,
                                                    agrees: bool) -> None:
    """Parts equal in both builds are skipped only when filling cannot tell them apart: the
    walk's answer and the skip's are the same."""
    from generator.targets.mixin import _Proof, _Unreached

    placeholder = '__kgen_selector__="demo"'
    pairs = [(placeholder, selector), ("911ms", "5m")]
    expected_pairs = [(placeholder, selector)]
    never = _Unreached(["911ms"], "911ms")  # a value that holds the mark: nothing is skipped
    walked = _Proof(pairs, expected_pairs, never).agrees(part, json.loads(json.dumps(part)))
    proof = _Proof(pairs, expected_pairs, _Unreached(["911ms"], selector))
    skipping = proof.agrees(part, part)
    assert walked is skipping is agrees
    assert proof.agrees_part(part, part, json_text(part)) is agrees


@pytest.mark.parametrize(("alike", "agrees"), [
    ({"title": "b"}, True),
    ({"title": "b 911ms"}, False),  # a mark in a part both share, beside one the walk visits
    ([{"title": "b"}, {"legend": "911ms 911ms"}], False),
    ({"911ms": "b"}, True),  # in a key: fill leaves keys as they are
    ({"title": "\x1911ms"}, True),  # its JSON escape `\u0019` joins `11ms` into a mark
    ({"threshold": 911}, True),  # a number is not filled
    ({"max": None}, True),
    ({"max": None, "title": "911ms"}, False),
    ({"title": "\ud800 911ms"}, False),  # a lone surrogate, which orjson refuses
    ({"title": "\ud800"}, True),
    ({"threshold": 2**70, "title": "911ms"}, False),  # past 64 bits, which orjson refuses
])
def test_the_proof_checks_what_it_sets_aside_as_filling_would(alike: Any, agrees: bool) -> None:
    """A part that differs between the builds is walked, and what is alike in both is set
    aside and checked at the end: the answer is the one of filling both and comparing."""
    from generator.targets.mixin import _Proof, _Unreached, _unwrapped, fill

    placeholder = '__kgen_selector__="demo"'
    pairs = [(placeholder, 'job="demo"'), ("911ms", "5m")]
    expected_pairs = [(placeholder, 'job="demo"')]
    got = {"rules": [{"expr": "x > 911ms", "for": "911ms"}, alike], "other": alike}
    expected = {"rules": [{"expr": "x > 5m", "for": "5m"}, json.loads(json.dumps(alike))],
                "other": json.loads(json.dumps(alike))}
    filled = _unwrapped(fill(got, pairs)) == _unwrapped(fill(expected, expected_pairs))
    proof = _Proof(pairs, expected_pairs, _Unreached(["911ms"], 'job="demo"'))
    assert proof.agrees_part(got, expected, json_text(got)) is filled is agrees


@pytest.mark.parametrize("bound", ["max=float('nan')", "min=float('-inf')", "max=float('inf')"])
def test_a_dashboard_value_jsonnet_cannot_write_is_refused_at_its_panel(
        tmp_path: Path, bound: str) -> None:
    """jsonnet has no literal for NaN or an infinity (`Infinity` is an unknown variable to it),
    nor has JSON: the panel refuses it when the spec builds it, at the panel's line, before
    the mixin's stand-in build."""
    specs = demo(tmp_path, **{'legend=legend("instance"))': f'legend=legend("instance"), {bound})'})
    with pytest.raises(SpecError) as raised:
        build_project(Project(specs_dir=specs, targets=TARGETS))
    [finding] = raised.value.findings
    line = next(n for n, text in enumerate((specs / "demo.py").read_text().splitlines(), 1)
                if bound in text)
    assert (finding.code, finding.path.endswith("demo.py")) == ("KG002", True)
    assert finding.line == line  # the panel's constructor call, which holds the bound
    assert finding.message == f"Panel.{bound.split('=')[0]}: Input should be a finite number"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_an_exposed_knob_jsonnet_cannot_write_is_refused(tmp_path: Path, value: float) -> None:
    """A float knob the mixin exposes holds its value in `_config`, where jsonnet has no
    literal for NaN or an infinity: refused, named, at the Config (not as a knob computed
    on, which the stand-in build would make of PromQL's `Inf`)."""
    specs = demo(tmp_path)
    with pytest.raises(SpecError) as raised:
        build(specs, TARGETS, {"demo": {"queue_limit": value}})
    [finding] = raised.value.findings
    config = next(n for n, text in enumerate((specs / "demo.py").read_text().splitlines(), 1)
                  if text.startswith("class Config"))
    assert (finding.code, finding.line) == ("KG701", config)
    assert finding.message == (f"Config.queue_limit is {value}, which jsonnet has no literal "
                               "for: the mixin cannot expose it (give it a finite value)")


@pytest.mark.parametrize("limit", ["", ", max=2.5", ", max=1e16", ", max=1e-7", ", min=-2**70"])
def test_the_mixins_parts_are_the_standard_librarys_json(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str) -> None:
    """Each part the mixin writes is `json.dumps(indent=2, sort_keys=True)`'s text, whether its
    boards are plain (orjson's JSON not read back) or not (an integer past 64 bits, which
    orjson refuses) or hold a float the two write apart."""
    from generator.targets import mixin

    literals = mixin._Documents.literals
    written: list[tuple[Any, str]] = []

    def spying(self: Any, parts: dict[str, Any]) -> dict[str, str]:
        made = literals(self, parts)
        written.extend((parts[part], text) for part, text in made.items())
        return made

    monkeypatch.setattr(mixin._Documents, "literals", spying)
    specs = demo(tmp_path, **{'legend=legend("instance"))': f'legend=legend("instance"){limit})'})
    build_project(Project(specs_dir=specs, targets=TARGETS))
    assert len(written) == 3
    for data, text in written:
        assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
