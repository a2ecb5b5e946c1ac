"""Label values that need escaping survive every rewrite kgen makes, and reach Prometheus as
written: backslashes (regexes such as `etcd-\\d+`), double quotes, newlines, control characters,
any unicode; double-quoted, single-quoted and backtick strings in the input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from generator import promql
from generator.rule_tests import selector_values
from tests.support import kgen, temp_project

QUERIES = (
    "up",
    "rate(m[5m] offset 1h)",
    'sum by (x) (rate(m{b="1"}[5m])) / on (x) group_left () count_values("a\\\\b", up @ start())',
    "topk(3, n) > bool 1 or absent(n offset -5m)",
    'max_over_time(group(up{a="1"})[1d:5m]) unless group(up)',
    'histogram_quantile(0.99, sum without (pod) (rate(m_bucket{le!="+Inf"}[5m])))',
    'rate(m{a=~"x|y"}[5m]) / on (i) group_left count(up{b!~"z\\\\d"} offset 5m) or up{c=~""}',
)


def values_of(query: str, label: str) -> list[list[tuple[str, str]]]:
    """(op, value) of every `label` matcher, per selector of the query."""
    return [[(op, value) for name, op, value in use.matchers if name == label]
            for use in promql.selector_uses(query)]


def written(value: str) -> str:
    """The value as a PromQL string, quoted independently of kgen: JSON's escapes (`\\u0001`)
    are Go's too, and its raw non-ASCII characters are read as they are."""
    return json.dumps(value, ensure_ascii=False)


def rewritten(query: str, change: promql.Rewrite) -> str:
    """The rewrite through the stand-ins' fast path, proved equal to the slow path."""
    fast = promql._rewrite(query, change, spliced=True)
    assert fast == promql._rewrite(query, change, spliced=False)
    return fast


@settings(max_examples=300, deadline=None)
@given(value=st.text(), other=st.text(), query=st.sampled_from(QUERIES),
       keep=st.booleans(), rate=st.booleans())
@example(value="", other="[$__rate_interval]", query="up", keep=False, rate=False)
def test_a_scoped_query_reads_back_every_value_as_it_was(value: str, other: str, query: str,
                                                         keep: bool, rate: bool) -> None:
    change = promql.Rewrite(
        scope=f'job="j", pod={written(value)}, pod!={written(other)}',
        filters=f'instance={written(other)}, x="1"',
                            keep_label="cluster" if keep else None, rate_interval=rate)
    text = rewritten(query, change)
    if rate:  # read back as PromQL: the range Grafana fills in, where no value holds its text
        assume("[$__rate_interval]" not in value + other)
        text = text.replace("[$__rate_interval]", "[5m]")
    assert all(("=", value) in found and ("!=", other) in found
               for found in values_of(text, "pod"))
    assert all(("=", other) in found for found in values_of(text, "instance"))
    if not rate:
        assert promql.format_expr(text) == text


def test_each_side_of_an_or_selector_is_scoped() -> None:
    assert promql.scope('up{a="1" or c="x\\\\y"}', 'job="a\\\\b"') == \
        'up{a="1", job="a\\\\b" or c="x\\\\y", job="a\\\\b"}'


@settings(max_examples=300, deadline=None)
@given(value=st.text())
def test_every_quoting_reads_back_the_same_value(value: str) -> None:
    """`quote` reads back as the value, printed as written; single-quoted and backtick (raw)
    strings in the input mean what they mean to Prometheus."""
    assert values_of('x{a=' + promql.quote(value) + '}', "a") == [[("=", value)]]
    single = "'" + promql.quote(value)[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
    assert values_of("x{a=" + single + "}", "a") == [[("=", value)]]
    if "`" not in value:
        assert values_of("x{a=`" + value + "`}", "a") == [[("=", value)]]
    assert promql.format_expr("x{a=" + single + "}") == "x{a=" + promql.quote(value) + "}"


@pytest.mark.parametrize(("value", "quoted"), [
    ("etcd-\\d+", '"etcd-\\\\d+"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("a\nb\tc\rd", '"a\\nb\\tc\\rd"'),
    ("\a\b\f\v\x01\x7f", '"\\a\\b\\f\\v\\x01\\x7f"'),
    ("\x85\u2028\U000e0001", '"\\u0085\\u2028\\U000e0001"'),
    ("é☃😀 '`", "\"é☃😀 '`\""),
])
def test_quote_writes_what_go_strconv_quote_writes(value: str, quoted: str) -> None:
    assert promql.quote(value) == quoted


@pytest.mark.parametrize(("written", "value"), [
    ("`etcd-\\d+`", "etcd-\\d+"),
    ("`C:\\`", "C:\\"),
    ("`a\\b`", "a\\b"),
    ("'it\\'s \"x\"'", "it's \"x\""),
    ('"\\101\\x41\\u00e9"', "AAé"),
])
def test_backtick_and_single_quoted_strings_read_as_prometheus_reads_them(written: str,
                                                                          value: str) -> None:
    scoped = promql.scope("rate(m{pod=" + written + "}[5m])", 'job="x"')
    assert values_of(scoped, "pod") == [[("=", value)]]


SELECTOR = (r'job="etcd", namespace=~"kube-.*\\.prod", '
            r'path="C:\\new\\table", team="☃🚀", quoted=' + "'say \"hi\"'")
"""In kgen.yaml: a regex with escaped dots, a path whose backslashes
`\\n` and `\\t` follow, characters outside the BMP (which JSON's escapes would split into
surrogates promtool refuses), a value holding double quotes written single-quoted."""
PATH = "C:\\new\\table"

PROMTOOL_TEST = r"""
rule_files: [rules.yaml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'etcd_disk_wal_fsync_duration_seconds_bucket{job="etcd", team="☃🚀",
          namespace="kube-etcd.prod", path="C:\\new\\table", quoted="say \"hi\"", le="+Inf"}'
        values: 0+60x20
      - series: 'etcd_disk_wal_fsync_duration_seconds_bucket{job="etcd", team="☃🚀",
          namespace="kube-etcd.prod", path="C:\new\table", quoted="say \"hi\"", le="+Inf"}'
        values: 0+60x20
      - series: 'etcd_disk_wal_fsync_duration_seconds_bucket{job="etcd", team="☃🚀",
          namespace="kube-etcdXprod", path="C:\\new\\table", quoted="say \"hi\"", le="+Inf"}'
        values: 0+60x20
    promql_expr_test:
      - expr: count by (namespace, path, quoted)
          (job_instance:etcd_disk_wal_fsync_duration_seconds:p99_rate5m)
        eval_time: 15m
        exp_samples:
          - labels: '{namespace="kube-etcd.prod", path="C:\\new\\table", quoted="say \"hi\""}'
            value: 1
"""
"""Of three series, only the first is selected: the second's path holds a newline and a tab
where the selector has backslashes (what printing the value unescaped made of it), the third's
namespace has an X where the regex wants a dot."""


def test_a_selector_that_needs_escaping_reaches_promtool_as_written(tmp_path: Path) -> None:
    config = {"targets": ["prometheus-rules"],
              "integrations": {"etcd": {"config": {"selector": SELECTOR}}}}
    root = temp_project(tmp_path, yaml.safe_dump(config), specs=("etcd",))
    built = kgen(root, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    rules = root / "out" / "prometheus" / "rules" / "etcd.yaml"
    exprs = [rule["expr"] for group in yaml.safe_load(rules.read_text())["groups"]
             for rule in group["rules"]]
    for expr in exprs:
        for found in values_of(expr.replace("[$__rate_interval]", "[5m]"), "path"):
            assert found in ([("=", PATH)], []), expr
    assert any(values_of(expr, "path") for expr in exprs)
    checked = subprocess.run(["promtool", "check", "rules", str(rules)], capture_output=True,
                             text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (root / "rules.yaml").write_bytes(rules.read_bytes())
    (root / "test.yaml").write_text(PROMTOOL_TEST, encoding="utf-8")
    tested = subprocess.run(["promtool", "test", "rules", "test.yaml"], cwd=root,
                            capture_output=True, text=True, check=False)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    examples = kgen(root, "test")
    assert examples.returncode == 0, examples.stdout + examples.stderr


@pytest.mark.parametrize(("selector", "given", "chosen"), [
    (r'pod=~"etcd-\\d+"', {}, {"pod": "etcd-0"}),
    (r'pod=~`etcd-\d+`', {"pod": "etcd-7"}, {"pod": "etcd-7"}),
    (r'instance=~".*\\.example\\.com:2379"', {}, {"instance": ".example.com:2379"}),
    (r'pod=~"etcd-[0-9]+|other", team="a\\b"', {}, {"pod": "etcd-0", "team": "a\\b"}),
    ('job=~".*etcd.*"', {}, {"job": "etcd"}),
])
def test_example_series_get_values_a_selector_with_escapes_selects(
        selector: str, given: dict[str, str], chosen: dict[str, str]) -> None:
    """An alert's examples carry a value for each matcher of the integration's selector: one
    the regex matches, its escapes (`\\d`, `\\.`) read as RE2 reads them."""
    assert selector_values(selector, given) == chosen
