"""Each PromQL rewrite changes exactly what it should and keeps everything else.

Every case is a query, a rewrite, and the query as it should read afterwards; expected queries
are compared in canonical form, so the test speaks about the AST, not about spacing.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import promql
from generator.promql import Rewrite

SCOPE = Rewrite(scope='job="x"')
KEEP = Rewrite(keep_label="cluster")
RATE = Rewrite(rate_interval=True)

CASES = [
    # Scoping: every selector, whatever surrounds it.
    ("rate(a[5m] offset 1h)", SCOPE, 'rate(a{job="x"}[5m] offset 1h)'),
    ("a @ 100", SCOPE, 'a{job="x"} @ 100'),
    # A matcher the scope repeats is added once, to each side of an `or` too.
    ('a{b="1" or c="2"}', Rewrite(scope='zz="1", zz="1"'), 'a{b="1", zz="1" or c="2", zz="1"}'),
    ("a", Rewrite(scope='zz="1", zz="1"'), 'a{zz="1"}'),
    ("rate(a[5m] @ end())", SCOPE, 'rate(a{job="x"}[5m] @ end())'),
    ("max_over_time(rate(a[5m])[1h:1m] offset 5m)", SCOPE,
     'max_over_time(rate(a{job="x"}[5m])[1h:1m] offset 5m)'),
    ("a > bool 1", SCOPE, 'a{job="x"} > bool 1'),
    ("a / on (i) group_left (n) b", SCOPE, 'a{job="x"} / on (i) group_left (n) b{job="x"}'),
    ('label_replace(a, "dst", "$1", "src", "(.*)")', SCOPE,
     'label_replace(a{job="x"}, "dst", "$1", "src", "(.*)")'),
    ('a{job="x"} + b{i="1"}', SCOPE, 'a{job="x"} + b{i="1",job="x"}'),
    ("rec:x + a", Rewrite(scope='job="x"', recorded=frozenset({"rec:x"})), 'rec:x + a{job="x"}'),
    ("rec:x + a", Rewrite(scope='job="x"', recorded=frozenset({"rec:x"}), filters='i=~"$i"'),
     'rec:x{i=~"$i"} + a{i=~"$i",job="x"}'),
    ("a + fill (0) b", SCOPE, 'a{job="x"} + fill (0) b{job="x"}'),
    # A filter the scope already added is not added twice (as scoping, then filtering).
    ("a", Rewrite(scope='i=~"$i"', filters='i=~"$i", j=~"$j"'), 'a{i=~"$i",j=~"$j"}'),
    # Keeping the cluster label: aggregations and vector matches, nothing else.
    ("sum(a)", KEEP, "sum by (cluster) (a)"),
    ("sum by (job) (a)", KEEP, "sum by (job, cluster) (a)"),
    ("sum by (job, cluster) (a)", KEEP, "sum by (job, cluster) (a)"),
    ("sum without (cluster, pod) (a)", KEEP, "sum without (pod) (a)"),
    ("topk(3, a)", KEEP, "topk by (cluster) (3, a)"),
    ("quantile by (job) (0.9, a)", KEEP, "quantile by (job, cluster) (0.9, a)"),
    ('count_values("v", a)', KEEP, 'count_values by (cluster) ("v", a)'),
    ("a + on (job) group_left (n) fill (0) b", KEEP,
     "a + on (job, cluster) group_left (n) fill (0) b"),
    ("a + on (job) fill_left (1) fill_right (2) b", KEEP,
     "a + on (job, cluster) fill_left (1) fill_right (2) b"),
    ("a + fill (0) b", KEEP, "a + fill (0) b"),
    ("a + ignoring (cluster, x) group_right b", KEEP, "a + ignoring (x) group_right () b"),
    ("a > bool on () b", KEEP, "a > bool on (cluster) b"),
    ("a and on () b", KEEP, "a and on (cluster) b"),
    ("a > 0", KEEP, "a > 0"),
    ("max by (job) (sum by (job, pod) (rate(a[5m] offset 5m)))", KEEP,
     "max by (job, cluster) (sum by (job, pod, cluster) (rate(a[5m] offset 5m)))"),
    ("sum(rate(a[5m] @ end()))", KEEP, "sum by (cluster) (rate(a[5m] @ end()))"),
    ("max_over_time(sum(rate(a[5m]))[1h:5m])", KEEP,
     "max_over_time(sum by (cluster) (rate(a[5m]))[1h:5m])"),
    ('label_join(sum by (a) (x), "d", ",", "a")', KEEP,
     'label_join(sum by (a, cluster) (x), "d", ",", "a")'),
    ("(sum(a)) * 2", KEEP, "(sum by (cluster) (a)) * 2"),
    ("-sum(a)", KEEP, "-sum by (cluster) (a)"),
    ("a * on (x) b + c", KEEP, "a * on (x, cluster) b + c"),
    ("a * on (x) (b + c)", KEEP, "a * on (x, cluster) (b + c)"),
    ("(sum(a) > 0) or count(b)", KEEP, "(sum by (cluster) (a) > 0) or count by (cluster) (b)"),
    ("sum(a) > 0 or count(b)", KEEP, "sum by (cluster) (a) > 0 or count by (cluster) (b)"),
]

RATE_CASES = [
    ("rate(a[5m])", "rate(a[$__rate_interval])"),
    ("increase(a[1h] offset 1d)", "increase(a[$__rate_interval] offset 1d)"),
    ("sum(irate(a[1m])) / sum(deriv(b[10m]))",
     "sum(irate(a[$__rate_interval])) / sum(deriv(b[$__rate_interval]))"),
    ("max_over_time(a[5m])", "max_over_time(a[5m])"),
    ("rate(a[5m:1m])", "rate(a[5m:1m])"),
    ("quantile_over_time(0.9, rate(a[5m])[1h:1m])",
     "quantile_over_time(0.9, rate(a[$__rate_interval])[1h:1m])"),
    # The text kgen marks rate-like ranges with while printing (a range of 4321d, then the
    # next day's) may be the query's own: a range it keeps, or part of a label value.
    ("max_over_time(a[4321d]) / rate(b[5m])",
     "max_over_time(a[4321d]) / rate(b[$__rate_interval])"),
    ('rate(a{b="[617w2d]"}[5m])', 'rate(a{b="[617w2d]"}[$__rate_interval])'),
    ('max_over_time(a{b="[617w3d]"}[4321d]) + rate(c[1m])',
     'max_over_time(a{b="[617w3d]"}[4321d]) + rate(c[$__rate_interval])'),
]


@pytest.mark.parametrize(("query", "change", "expected"), CASES)
def test_rewrite_changes_exactly_what_it_should(query: str, change: Rewrite,
                                                expected: str) -> None:
    assert promql.rewrite(query, change) == promql.format_expr(expected)


@pytest.mark.parametrize(("query", "expected"), RATE_CASES)
def test_rate_interval_only_widens_rate_like_calls(query: str, expected: str) -> None:
    assert promql.rewrite(query, RATE) == expected


@pytest.mark.parametrize("query", sorted({case[0] for case in CASES}))
def test_no_rewrite_is_the_canonical_query(query: str) -> None:
    assert promql.rewrite(query, Rewrite()) == promql.format_expr(query)


@pytest.mark.parametrize(("query", "change", "expected"), CASES)
def test_a_rewritten_query_is_printed_canonically(query: str, change: Rewrite,
                                                  expected: str) -> None:
    """Rule files write scoped queries as rewrite printed them, without formatting again."""
    rewritten = promql.rewrite(query, change)
    assert promql.format_expr(rewritten) == rewritten


@pytest.mark.parametrize("query", sorted({case[0] for case in CASES}))
def test_keeping_a_label_twice_changes_nothing_more(query: str) -> None:
    once = promql.rewrite(query, KEEP)
    assert promql.rewrite(once, KEEP) == once


def test_all_changes_in_one_pass_equal_them_one_after_another() -> None:
    query = ("sum by (job) (rate(a[5m] offset 1m)) / on (job) group_left () fill (1) rec:x"
             " + max_over_time(b[1h:5m])")
    every = Rewrite(scope='job="e"', recorded=frozenset({"rec:x"}), filters='i=~"$i"',
                    keep_label="cluster", rate_interval=True)
    stepwise = query
    for step in (Rewrite(scope='job="e"', recorded=frozenset({"rec:x"})),
                 Rewrite(filters='i=~"$i"'), KEEP, RATE):
        stepwise = promql.rewrite(stepwise.replace("$__rate_interval", "5m"), step)
    assert promql.rewrite(query, every) == stepwise
    assert "fill (1)" in stepwise and "offset 1m" in stepwise
    assert 'rec:x{i=~"$i"}' in stepwise and "[1h:5m]" in stepwise


SHAPES = [
    'a{b="1"} + on (i) group_left (n) rate(c{d=~"x|y"}[5m])',
    'sum by (job) (rate(a[5m] offset 1h)) / sum(rate(b[5m] @ end()))',
    '{__name__="a", b!~"c.*"} * 2',
    'histogram_quantile(0.99, sum by (le) (rate(a_bucket{le!=""}[5m]))) > 0.5',
    'label_replace(up{instance=~".+:9100", job="node"}, "host", "$1", "instance", "(.*):.*")',
    'count(a{b="x,y"} or b{c="d"}) > on () group_left count(d)',
    'up{instance=~".+:9094"} == 0 or absent(up{instance=~".+:9094"}) * on () group_left up',
    'sum by (le) (rate(a_bucket{le!~"1|2", x="\\u00e9"}[5m] offset 1m))'
    ' / rate(b{y=~"z", q=~"w"}[1m])',
    'label_replace(up{a=~"x"}, "b", "$1", "a", "(.*)") or count_values("v", c{a!~"y", z="\\n"})',
    "sum(rate(apiserver_request_total{verb!~\"WATCH|CONNECT\", code=~\"5..\"}[5m])) "
    "/ sum(rate(apiserver_request_total{verb!~\"WATCH|CONNECT\"}[5m])) > 0.01"
    " and sum(rate(apiserver_request_total{verb!~\"WATCH|CONNECT\"}[5m])) > 10",
]
CHANGES = [
    SCOPE, RATE, Rewrite(scope='job=~".*etcd.*", ns="a"', filters='instance=~"$instance"',
                         rate_interval=True, keep_label="cluster"),
    Rewrite(scope='zz=~"a.*"', recorded=frozenset({"b"}), filters='aa="1"'),
    Rewrite(scope='zz="1", zz="1"', filters='zz="1", aa="2"'),  # each added once
]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("query", SHAPES + [case[0] for case in CASES])
def test_spliced_selectors_print_as_the_selectors_parsed_again(query: str,
                                                               change: Rewrite) -> None:
    """Scoped selectors spliced into the printed query (`promql._spliced`): the same text as
    the traversal that parses each changed selector again."""
    assert promql._rewrite(query, change, spliced=True) == \
        promql._rewrite(query, change, spliced=False)


# Queries whose selectors `_spliced` must place, or refuse to, in their printed text: a bare
# name inside another name (`group(up)`), a label or a string literal; one selector a prefix of
# another; the same selector twice; a subquery right after a selector; offsets and @.
PLACES = [
    "(max_over_time(group(up)[1d:5m]) unless group(up)) or on () absent(up)",
    "sum by (up) (up)",
    'label_replace(up, "up", "$1", "instance", "up")',
    'a / a{b="1"} + a{b="1",c="2"}',
    'rate(m{x="1"}[5m]) + rate(m{x="1"}[5m] offset 1h) + max_over_time(m{x="1"}[5m:1m])',
    "-rate(m[5m] @ end())",
    "topk(5, sum by (instance) (rate(m[1y17d4h5m]))) > 0",
    "histogram_quantile(0.99, sum by (le) (rate(m_bucket[5m])))",
    # A line that starts with a selector but holds more (split when it grows), and selectors
    # alone on a line (never split, however long).
    "up > 0",
    'sum by (i) (rate(m_bucket{x="1"}[5m]) > 0) / on (i) group_left up',
    "up",
    "rate(m[5m])",
]


@pytest.mark.parametrize("query", PLACES + SHAPES)
def test_spliced_selectors_print_as_the_traversal_prints_them(query: str) -> None:
    """The splice (lines that still fit keep their layout; others printed again with stand-in
    names) gives the traversal's text whatever the length the scoping adds, on either side of
    prettify's line width, with each kind of change kgen makes; where it cannot place the
    selectors, the traversal is taken."""
    for width in range(1, 100):
        value = "v" * width
        for change in (Rewrite(scope=f'job="{value}"', recorded=frozenset({"up"})),
                       Rewrite(scope=f'job=~"{value}"', filters='instance=~"$instance"',
                               rate_interval=True),
                       Rewrite(filters=f'x="{value}"')):
            assert promql._rewrite(query, change, spliced=True) == \
                promql._rewrite(query, change, spliced=False), (width, change)


def test_each_selector_is_placed_where_it_is_printed() -> None:
    placed = promql._placed('a / a{b="1"} + sum(rate(a[5m]))')
    assert placed is not None
    assert [placed.printed[s.start:s.end] for s in placed.spots] == ["a", 'a{b="1"}', "a"]
    assert [placed.printed[s.end:s.range_end] for s in placed.spots if s.range_end] == ["[5m]"]


@pytest.mark.parametrize("query", [
    "sum by (up) (up)",  # the name is also a label
    'label_replace(up, "x", "$1", "y", "up")',  # and a string
    'a{b="x" or c="y"}',  # `or` groups
    'a{b="é"}',  # a value prettify's line width counts in bytes
])
def test_a_selector_not_told_apart_in_the_text_is_not_placed(query: str) -> None:
    assert promql._placed(query) is None


def test_a_query_the_change_does_not_touch_is_not_printed_again() -> None:
    placed = promql._placed("sum(rec:x) / rec:y")
    assert placed is not None
    change = Rewrite(scope='job="x"', recorded=frozenset({"rec:x", "rec:y"}))
    assert promql._spliced(placed, change, "") == (placed.printed, 0)


def test_a_range_the_rate_interval_mark_shortens_is_printed_again() -> None:
    """The mark `$__rate_interval` is laid out by (`4321d`) is shorter than this range as
    printed (`382d4h5m`): a line that shrinks may join others, so it is not spliced."""
    for width in range(40, 100):
        query = f'sum by (instance) (rate(m{{x="{"v" * width}"}}[1y17d4h5m]))'
        assert promql._rewrite(query, RATE, spliced=True) == \
            promql._rewrite(query, RATE, spliced=False), width


_NAMES = st.sampled_from(["a", "b", "rec:x", "up", "m_bucket"])
_VALUES = st.integers(0, 120).map(lambda n: "v" * n)
_SELECTORS = st.builds(
    lambda name, matchers: name + ("{" + ", ".join(matchers) + "}" if matchers else ""),
    _NAMES, st.lists(st.builds(lambda label, op, value: f'{label}{op}"{value}"',
                               st.sampled_from(["i", "j", "le"]),
                               st.sampled_from(["=", "!=", "=~"]), _VALUES), max_size=2))
_QUERIES = st.recursive(_SELECTORS, lambda inner: st.one_of(
    st.builds("rate({}[5m])".format, _SELECTORS),
    st.builds("-{}".format, inner),
    st.builds("sum by (i) ({})".format, inner),
    st.builds("max_over_time(({})[1h:5m])".format, inner),
    st.builds("histogram_quantile(0.9, {})".format, inner),
    st.builds('label_replace({}, "d", "$1", "i", "(.*)")'.format, inner),
    st.builds("{} offset 5m".format, _SELECTORS),
    st.builds("({} > 0)".format, inner),
    st.builds("{} {} {}".format, inner, st.sampled_from(["+", "/ on (i)", "or", "> bool"]),
              inner),
    st.builds("({} {} {})".format, inner, st.sampled_from(["+", "/ on (i)", "or", "> bool"]),
              inner)), max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(query=_QUERIES, scope=_VALUES, filters=_VALUES, recorded=st.booleans(),
       rate=st.booleans())
def test_spliced_queries_of_any_shape_and_length_print_as_the_traversal_prints_them(
        query: str, scope: str, filters: str, recorded: bool, rate: bool) -> None:
    """Differential: selectors (some over recorded series, some longer than a line on their
    own, some unchanged) grown by a scope and filters of any length, on both sides of
    prettify's line width: the splice gives the traversal's text."""
    change = Rewrite(scope=f'job="{scope}"' if scope else "",
                     recorded=frozenset({"rec:x", "up"} if recorded else ()),
                     filters=f'i=~"{filters}"' if filters else "", rate_interval=rate)
    assert promql._rewrite(query, change, spliced=True) == \
        promql._rewrite(query, change, spliced=False)
