"""The one place that touches PromQL: parsing, selector injection, and what a query reads.

Everything goes through the promql-parser AST, never through string formatting, so no selector
inside a query can be missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

import promql_parser as pp

RATE_FUNCTIONS = frozenset({"rate", "irate", "increase", "delta", "idelta", "deriv"})
"""Functions whose range Grafana's `$__rate_interval` is meant for."""

_RATE_INTERVAL_SENTINEL = timedelta(days=4321)
_RATE_INTERVAL_TEXT = f"[{pp.display_duration(_RATE_INTERVAL_SENTINEL)}]"


class PromQLError(ValueError):
    """A query that does not parse."""


@dataclass(frozen=True)
class SelectorUse:
    """A vector selector in a query and the function (if any) applied directly to it."""

    metric: str | None
    matchers: tuple[tuple[str, str, str], ...]
    function: str | None


def parse(expr: str) -> Any:
    try:
        return _parse_cached(expr)
    except ValueError as error:
        raise PromQLError(str(error)) from None


@lru_cache(maxsize=1024)
def _parse_cached(expr: str) -> Any:
    """A parsed query takes about 25 KiB: a larger cache costs more memory than it saves time
    (the checks walk every integration's queries once per check, so no size fits them all)."""
    return pp.parse(expr)


def format_expr(expr: str) -> str:
    """The canonical, Prometheus-style formatting of a query (multi-line when long)."""
    return str(parse(expr).prettify())


def parse_matchers(selector: str) -> list[Any]:
    """Label matchers from a selector body such as `job=~".*etcd.*", namespace="kube-system"`."""
    if not selector.strip():
        return []
    node = parse("{" + selector + "}")
    if not isinstance(node, pp.VectorSelector):
        raise PromQLError(f"{selector!r} is not a list of label matchers")
    return list(node.matchers.matchers)


def scope(expr: str, selector: str, skip_metrics: frozenset[str] = frozenset()) -> str:
    """Add the selector's matchers to every vector selector in expr, except those naming a metric
    in skip_metrics (recorded series, already scoped when they were recorded)."""
    extra = parse_matchers(selector)
    if not extra:
        return format_expr(expr)

    def add_matchers(node: Any) -> Any:
        if not isinstance(node, pp.VectorSelector) or node.name in skip_metrics:
            return None
        present = {str(m) for m in node.matchers.matchers}
        node.matchers = pp.Matchers(
            list(node.matchers.matchers) + [m for m in extra if str(m) not in present]
        )
        return _parse_cached(str(node))

    return str(pp.transform(parse(expr), pre_visit=add_matchers).prettify())


def scope_panel_query(expr: str, selector: str, skip_metrics: frozenset[str],
                      variables: str) -> str:
    """A dashboard query: `scope(expr, selector, skip_metrics)`, then the variables' matchers
    on every selector, then `$__rate_interval` as the range of every rate-like call, in one
    pass over the AST."""
    first, then = parse_matchers(selector), parse_matchers(variables)

    def add_matchers(node: Any) -> Any:
        if not isinstance(node, pp.VectorSelector):
            return None
        matchers = list(node.matchers.matchers)
        for extra in ([] if node.name in skip_metrics else first), then:
            present = {str(m) for m in matchers}
            matchers += [m for m in extra if str(m) not in present]
        if len(matchers) == len(node.matchers.matchers):
            return None
        node.matchers = pp.Matchers(matchers)
        return _parse_cached(str(node))

    rendered = str(pp.transform(parse(expr), pre_visit=add_matchers, post_visit=_widen).prettify())
    return rendered.replace(_RATE_INTERVAL_TEXT, "[$__rate_interval]")


def _widen(node: Any) -> Any:
    """A rate-like call over a range vector, with the range set to the sentinel."""
    if not (isinstance(node, pp.Call) and node.func.name in RATE_FUNCTIONS):
        return None
    matrix = node.args[0]
    if not isinstance(matrix, pp.MatrixSelector):
        return None
    matrix.range = _RATE_INTERVAL_SENTINEL
    return _parse_cached(f"{node.func.name}({matrix})")


def keep_label(expr: str, label: str) -> str:
    """The query with `label` kept through every aggregation and vector match.

    `sum(x)` and `sum by (job) (x)` gain `by (..., label)`, `without (label)` loses it, and
    `on (...)` matching gains it, so a query over many clusters answers per cluster.
    """

    def keep(node: Any) -> Any:
        if isinstance(node, pp.AggregateExpr):
            return pp.parse(_aggregation_keeping(node, label))
        if isinstance(node, pp.BinaryExpr) and node.modifier is not None:
            return pp.parse(_vector_match_keeping(node, label))
        return None

    return str(pp.transform(parse(expr), post_visit=keep).prettify())


def _aggregation_keeping(node: Any, label: str) -> str:
    param = f"{node.param}, " if node.param is not None else ""
    modifier = node.modifier
    if modifier is not None and modifier.type == pp.AggModifierType.Without:
        grouping = f"without ({', '.join(n for n in modifier.labels if n != label)})"
    else:
        names = list(modifier.labels) if modifier is not None else []
        grouping = f"by ({_joined_with(names, label)})"
    return f"{node.op} {grouping} ({param}{node.expr})"


def _vector_match_keeping(node: Any, label: str) -> str:
    vector_match = node.modifier
    matching = ""
    if vector_match.matching is not None:
        names = list(vector_match.matching.labels)
        if vector_match.matching.type == pp.LabelModifierType.Include:
            matching = f"on ({_joined_with(names, label)})"
        else:
            matching = f"ignoring ({', '.join(n for n in names if n != label)})"
    group = ""
    if vector_match.card == pp.VectorMatchCardinality.ManyToOne:
        group = f"group_left ({', '.join(vector_match.group_labels or ())})"
    elif vector_match.card == pp.VectorMatchCardinality.OneToMany:
        group = f"group_right ({', '.join(vector_match.group_labels or ())})"
    bool_ = "bool" if vector_match.return_bool else ""
    parts = " ".join(part for part in (str(node.op), bool_, matching, group) if part)
    return f"{_operand(node.lhs)} {parts} {_operand(node.rhs)}"


def _joined_with(names: list[str], label: str) -> str:
    """`job, cluster`: the label list with `label` added unless it is there already."""
    return ", ".join(dict.fromkeys([*names, label]))


def _operand(node: Any) -> str:
    """An operand's text, in parentheses when it is itself an operation (precedence is kept)."""
    return f"({node})" if isinstance(node, pp.BinaryExpr) else str(node)


def selector_uses(expr: str) -> list[SelectorUse]:
    """Every vector selector in expr, in order, with the function applied directly to it."""
    uses: list[SelectorUse] = []
    _collect(parse(expr), None, uses)
    return uses


def _collect(node: Any, function: str | None, uses: list[SelectorUse]) -> None:
    if isinstance(node, pp.VectorSelector):
        matchers = tuple((m.name, _OPS[str(m.op)], m.value) for m in node.matchers.matchers)
        uses.append(SelectorUse(metric=node.name, matchers=matchers, function=function))
    elif isinstance(node, pp.MatrixSelector):
        _collect(node.vector_selector, function, uses)
    elif isinstance(node, pp.Call):
        for arg in node.args:
            _collect(arg, node.func.name, uses)
    elif isinstance(node, pp.BinaryExpr):
        _collect(node.lhs, None, uses)
        _collect(node.rhs, None, uses)
    elif isinstance(node, pp.AggregateExpr | pp.UnaryExpr | pp.ParenExpr | pp.SubqueryExpr):
        _collect(node.expr, None, uses)


_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
