"""Rate-like functions read only counters; histogram_quantile reads only `_bucket` series.

A rate-like call's argument is read through subqueries and recorded series: `rate(x[5m:1m])`
rates whatever `x` is, and `rate(level:x:sum[5m])` whatever its recording rule computes. Only
what is surely not a counter is reported: a gauge or summary quantile, a rate-like result, an
`*_over_time` result other than one of the samples (`last_over_time` of a counter is one), an
aggregation (it hides each counter's resets). histogram_quantile's series are followed through
aggregations, functions and recorded series down to the catalog series they come from; a set
operation's right side (`and`, `unless`) only filters. Series outside the catalog are left to
metrics/unknown.
"""

from __future__ import annotations

from collections.abc import Iterator

import promql_parser as pp

from generator import promql
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Metric, MetricType, Recording
from generator.queries import Query, read

CODE = "KG204"
NAME = "promql/rate-type"
DOC = ("rate/increase/irate over a gauge, quantiles or a non-counter subquery or recorded "
       "series; histogram_quantile over anything but a histogram's _bucket series")

RATE_LIKE = ("rate", "increase", "irate")
NOT_COUNTERS = frozenset({"rate", "irate", "increase", "delta", "idelta", "deriv",
                          "predict_linear", "histogram_quantile"})
"""Functions whose result is never a counter (besides every `*_over_time`)."""
PICKING = frozenset({"last_over_time", "first_over_time", "max_over_time", "min_over_time"})
"""`*_over_time` functions that return one of the samples, so a counter stays one."""
SELECTING = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})
"""Aggregations that pick series and keep their values, so a counter stays one."""
FILTERS = frozenset({"and", "unless"})
MAX_DEPTH = 5
"""How deep recorded series are followed into the rules recording them."""
_ONE_CHILD = (pp.AggregateExpr, pp.UnaryExpr, pp.ParenExpr, pp.SubqueryExpr)
"""Node classes with one `expr`, as a tuple: a union (`A | B`) is built again at every call."""


class _Reader:
    """What the queries of one integration read: its catalog series and recorded series."""

    def __init__(self, spec: Spec) -> None:
        self.owners = read(spec).owners
        self.recordings: dict[str, Recording] = {
            rule.record: rule for rule in spec.integration.recording_rules}

    def problems(self, node: pp.Expr, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """(message tail, metric) for every misused function anywhere in the query, in
        order, added to `found`."""
        if isinstance(node, pp.Call):
            name = node.func.name
            if name in RATE_LIKE and node.args:
                counter = self._not_counter(_inner(node.args[0]), 0)
                if counter is not None:
                    subject, metric_name = counter
                    found.append((f"applies {name}() to {subject}; rates only make sense "
                                  f"over counters", metric_name))
            if name == "histogram_quantile" and len(node.args) == 2:
                found += [(f"applies histogram_quantile() to {series}{through}, not a "
                           f"histogram's _bucket series", metric.name)
                          for series, metric, through in self._sources(node.args[1], "", 0)
                          if metric.type is not MetricType.HISTOGRAM
                          or series != f"{metric.name}_bucket"]
        for child in _children(node):
            self.problems(child, found)
        return found

    def _not_counter(self, node: pp.Expr, depth: int) -> tuple[str, str] | None:
        """(what the node is, named for a person, and the catalog metric it reads) when its
        series are surely not counters; None when they are, or when kgen cannot tell."""
        while isinstance(node, pp.ParenExpr):
            node = node.expr
        if isinstance(node, pp.VectorSelector):
            name = node.name or ""
            metric = self.owners.get(name)
            if metric is not None:
                counting = metric.type is MetricType.COUNTER or name != metric.name
                return None if counting else (f"{name}, a {metric.type}", metric.name)
            rule = self.recordings.get(name)
            if rule is None or depth >= MAX_DEPTH:
                return None
            found = self._not_counter(promql.parse(rule.expr), depth + 1)
            return None if found is None else (f"{name}, recorded as {found[0]}", found[1])
        if isinstance(node, pp.Call) and node.func.name in PICKING and node.args:
            return self._not_counter(_inner(node.args[0]), depth)
        if isinstance(node, pp.Call) and (node.func.name in NOT_COUNTERS
                                          or node.func.name.endswith("_over_time")):
            return f"{node.prettify()}, a result of {node.func.name}()", self._first_metric(node)
        if isinstance(node, pp.AggregateExpr) and str(node.op) not in SELECTING:
            return (f"{node.prettify()}, a {node.op}() over series, which hides each counter's "
                    f"resets (take the rate, then aggregate)", self._first_metric(node))
        return None

    def _sources(self, node: pp.Expr, through: str,
                 depth: int) -> Iterator[tuple[str, Metric, str]]:
        """(series, metric, ` (through recorded)`) of every catalog series whose values
        reach the node's result."""
        if isinstance(node, pp.VectorSelector):
            name = node.name or ""
            metric = self.owners.get(name)
            rule = self.recordings.get(name)
            if metric is not None:
                yield name, metric, through
            elif rule is not None and depth < MAX_DEPTH:
                yield from self._sources(promql.parse(rule.expr), through or f" (through {name})",
                                         depth + 1)
            return
        if isinstance(node, pp.BinaryExpr) and str(node.op) in FILTERS:
            yield from self._sources(node.lhs, through, depth)
            return
        for child in _children(node):
            yield from self._sources(child, through, depth)

    def _first_metric(self, node: pp.Expr) -> str:
        return next((metric.name for _, metric, _ in self._sources(node, "", 0)), "")


def _inner(node: pp.Expr) -> pp.Expr:
    """The expression a range is taken over: a matrix's selector, a subquery's query."""
    if isinstance(node, pp.MatrixSelector):
        return node.vector_selector
    if isinstance(node, pp.SubqueryExpr):
        return node.expr
    return node


def _children(node: pp.Expr) -> list[pp.Expr]:
    if isinstance(node, pp.Call):
        return list(node.args)
    if isinstance(node, pp.BinaryExpr):
        return [node.lhs, node.rhs]
    if isinstance(node, _ONE_CHILD):
        return [node.expr]
    if isinstance(node, pp.MatrixSelector):
        return [node.vector_selector]
    return []


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        reader = _Reader(spec)
        for query in read(spec).all:
            findings += _found(reader, query)
    return findings


def _found(reader: _Reader, query: Query) -> list[Finding]:
    return [Finding.at(query.location, Level.ERROR, CODE, f"{query.what} {message}", metric)
            for message, metric in dict.fromkeys(reader.problems(promql.parse(query.expr), []))]
