"""Labels named in grouping clauses and in `{{ $labels.x }}` exist on the series queried, and
an alert's templates (summary, description, label values) name only labels its result keeps.

Conservative: a query's labels are the union over the series it selects (catalog labels, target
labels, relabel target labels, the integration's external labels, `quantile`/`le`, recording
rule labels); a query with a selector kgen cannot resolve, or one that invents labels
(label_replace, label_join), is skipped. What an alert's result keeps follows Prometheus:
`sum by (a)` keeps a, `sum without (a)` drops it, a plain `sum` keeps nothing, topk keeps the
series' labels, a one-to-one match `on (a)` keeps a, `group_left (b)` the left side's labels
and b, `and`/`unless` the left side's, histogram_quantile drops `le`. Where kgen cannot tell
(absent, label_replace, info), only the union is checked.
"""

from __future__ import annotations

import re

import promql_parser as pp

from generator import promql
from generator.findings import Finding, Level
from generator.gotemplates import label_refs
from generator.loader import Spec
from generator.model import Location, MetricType, Recording
from generator.queries import Query, Read, read

CODE = "KG205"
NAME = "labels/unknown"
DOC = ("a by/without/on/ignoring label, a label matcher or a {{ $labels.x }} that no queried "
       "series carries; a {{ $labels.x }} in an alert's annotations or label values that its "
       "expression does not keep")

TARGET_LABELS = frozenset({"job", "instance"})
INVENTING = re.compile(r"\blabel_(?:replace|join)\s*\(")
"""A call that invents labels (label_replace, label_join); a metric named like one is not.
(Searched only in a query holding `label_`: a quick test, and every match holds it.)"""
SELECTING = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})
"""Aggregations that pick series and keep all their labels."""
UNTOLD = frozenset({"absent", "absent_over_time", "label_replace", "label_join", "info"})
"""Functions whose result's labels kgen does not work out."""
SCALARS = frozenset({"scalar", "time", "pi", "vector"})
"""Functions whose result carries no labels."""
_WRAPPING = (pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr)
_SIGNED = (pp.ParenExpr, pp.UnaryExpr)
_LITERAL = (pp.NumberLiteral, pp.StringLiteral)
"""Node classes for isinstance, as tuples: a union (`A | B`) is built again at every call."""


def grouping_labels(node: pp.Expr, found: list[str] | None = None) -> list[str]:
    """Labels in every by/without/on/ignoring/group_x clause of a parsed query, in order
    (added to `found`)."""
    found = [] if found is None else found
    if isinstance(node, pp.AggregateExpr):
        found += node.modifier.labels if node.modifier else ()
        grouping_labels(node.expr, found)
    elif isinstance(node, pp.BinaryExpr):
        modifier = node.modifier
        if modifier is not None:
            found += modifier.matching.labels if modifier.matching else ()
            found += modifier.group_labels or ()
        grouping_labels(node.lhs, found)
        grouping_labels(node.rhs, found)
    elif isinstance(node, pp.Call):
        for arg in node.args:
            grouping_labels(arg, found)
    elif isinstance(node, _WRAPPING):
        grouping_labels(node.expr, found)
    return found


class Labels:
    """Which labels the series of one integration carry."""

    def __init__(self, spec: Spec) -> None:
        integration = spec.integration
        self.queries: Read = read(spec)
        self.owners = self.queries.owners
        self.recordings: dict[str, Recording] = {
            r.record: r for r in integration.recording_rules}
        relabelled = {step.target_label for job in integration.scrape_jobs
                      for step in (*job.relabel_configs, *job.metric_relabel_configs)
                      if step.target_label and not step.target_label.startswith("__")}
        self.common = TARGET_LABELS | relabelled | set(integration.external_labels)
        self._of: dict[tuple[str, int], frozenset[str] | None] = {}
        self._series: dict[tuple[str, int], frozenset[str] | None] = {}
        self._kept: dict[tuple[str, int], frozenset[str] | None] = {}
        """`of`, `series` and `kept` of a query or series at a depth: queries share series."""

    def of(self, expr: str, depth: int = 0) -> frozenset[str] | None:
        """The union of labels the query's selectors carry, or None when unknown."""
        key = (expr, depth)
        if key not in self._of:
            self._of[key] = self._union(expr, depth)
        return self._of[key]

    def _union(self, expr: str, depth: int) -> frozenset[str] | None:
        if depth > 5 or ("label_" in expr and INVENTING.search(expr)):
            return None
        labels = set(self.common)
        for use in self.queries.uses(expr):
            carried = self.series(use.metric or "", depth)
            if carried is None:
                return None
            labels |= carried
        return frozenset(labels)

    def series(self, name: str, depth: int = 0) -> frozenset[str] | None:
        """The labels the series `name` carries (as `of` a query selecting only it), or None
        when unknown."""
        key = (name, depth)
        if key not in self._series:
            self._series[key] = self._carried(name, depth)
        return self._series[key]

    def _carried(self, name: str, depth: int) -> frozenset[str] | None:
        metric = self.owners.get(name)
        if metric is not None:
            labels = set(self.common).union(metric.labels)
            if name.endswith("_bucket") and metric.type is MetricType.HISTOGRAM:
                labels.add("le")
            if name == metric.name and metric.type is MetricType.SUMMARY:
                labels.add("quantile")
            return frozenset(labels)
        rule = self.recordings.get(name)
        if rule is None or depth > 5:
            return None
        inner = self.of(rule.expr, depth + 1)
        return None if inner is None else inner | self.common | set(rule.labels)

    def kept(self, node: pp.Expr, depth: int = 0) -> frozenset[str] | None:
        """The labels the query's result carries at most, or None when kgen cannot tell."""
        if isinstance(node, _WRAPPING):
            return self.kept(node.expr, depth)
        if isinstance(node, pp.MatrixSelector):
            return self.kept(node.vector_selector, depth)
        if isinstance(node, _LITERAL):
            return frozenset()
        if isinstance(node, pp.VectorSelector):
            name = node.name or ""
            if name in self.recordings and name not in self.owners:
                return self._recorded(name, depth)
            return self.series(name) if name else None
        if isinstance(node, pp.AggregateExpr):
            return self._aggregated(node, depth)
        if isinstance(node, pp.BinaryExpr):
            return self._matched(node, depth)
        if isinstance(node, pp.Call):
            return self._called(node, depth)
        return None

    def _recorded(self, name: str, depth: int) -> frozenset[str] | None:
        """What the recorded series `name` keeps: what its rule keeps, plus the rule's labels."""
        key = (name, depth)
        if key not in self._kept:
            rule = self.recordings[name]
            inner = self.kept(promql.parse(rule.expr), depth + 1) if depth < 5 else None
            self._kept[key] = None if inner is None else inner | set(rule.labels)
        return self._kept[key]

    def _aggregated(self, node: pp.AggregateExpr, depth: int) -> frozenset[str] | None:
        inner = self.kept(node.expr, depth)
        if str(node.op) in SELECTING:
            return inner
        counted = frozenset({node.param.val} if str(node.op) == "count_values"
                            and isinstance(node.param, pp.StringLiteral) else ())
        modifier = node.modifier
        if modifier is None:
            return counted
        if modifier.type == pp.AggModifierType.Without:
            return None if inner is None else inner - set(modifier.labels) | counted
        return frozenset(modifier.labels) | counted

    def _matched(self, node: pp.BinaryExpr, depth: int) -> frozenset[str] | None:
        lhs, rhs = self.kept(node.lhs, depth), self.kept(node.rhs, depth)
        op = str(node.op)
        if op in ("and", "unless") or _scalar(node.rhs):
            return lhs
        if _scalar(node.lhs):
            return rhs
        if op == "or":
            return None if lhs is None or rhs is None else lhs | rhs
        modifier = node.modifier
        if modifier is None:
            return lhs
        extra = frozenset(modifier.group_labels or ())
        if modifier.card == pp.VectorMatchCardinality.ManyToOne:
            return None if lhs is None else lhs | extra
        if modifier.card == pp.VectorMatchCardinality.OneToMany:
            return None if rhs is None else rhs | extra
        matching = modifier.matching
        if matching is not None and matching.type == pp.LabelModifierType.Include:
            return frozenset(matching.labels)
        ignored = frozenset(matching.labels if matching is not None else ())
        return None if lhs is None else lhs - ignored

    def _called(self, node: pp.Call, depth: int) -> frozenset[str] | None:
        name = node.func.name
        if name in UNTOLD:
            return None
        if name in SCALARS:
            return frozenset()
        labels: frozenset[str] = frozenset()
        for arg in node.args:
            inner = self.kept(arg, depth)
            if inner is None:
                return None
            labels |= inner
        return labels - {"le"} if name == "histogram_quantile" else labels


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        known = Labels(spec)
        for query in known.queries.all:
            if not query.what.startswith("alert "):
                findings += _checked(known, query, ())
        for alert in spec.integration.alerts:
            templates = (("summary", alert.summary, None),
                         ("description", alert.description, None),
                         *((f"label {key}", value, alert.label_line(key))
                           for key, value in alert.labels.items()))
            findings += _checked(known, Query(f"alert {alert.name}", alert.expr, (alert,)),
                                 templates)
    return findings


def _checked(known: Labels, query: Query,
             templates: tuple[tuple[str, str, Location | None], ...]) -> list[Finding]:
    """The query's grouping labels and matchers against its series, and each (field, text,
    where) template's `{{ $labels.x }}` against its series and what its result keeps; a
    template's problems are reported where it is written (a label kgen.yaml lays over: at its
    line there), the others at the query."""
    what, expr = query.what, query.expr
    labels = known.of(expr)
    if labels is None:
        return []
    parsed = promql.parse(expr)
    problems = [f"{what} uses label {label!r}, which none of its series carry "
                f"({', '.join(sorted(labels))})"
                for label in sorted(set(grouping_labels(parsed)) - labels)]
    kept = known.kept(parsed) if templates else None
    placed: list[tuple[Location | None, str]] = []
    for field, text, where in templates:
        for label in sorted(set(label_refs(text))):
            if label not in labels:
                placed.append((where, f"{what} {field} uses label {label!r}, which none of its "
                                      f"series carry ({', '.join(sorted(labels))})"))
            elif kept is not None and label not in kept:
                placed.append((where, f"{what} {field} uses label {label!r}, which its "
                                      f"expression does not keep (its result carries "
                                      f"{_listed(kept)})"))
    problems += [p for where, p in placed if where is None]
    problems += _unknown_matchers(known, what, expr)
    at_query = [Finding.at(query.location, Level.ERROR, CODE, problem) for problem in problems]
    return at_query + [Finding.at(where, Level.ERROR, CODE, problem)
                       for where, problem in placed if where is not None]


def _listed(labels: frozenset[str]) -> str:
    return f"only {', '.join(sorted(labels))}" if labels else "no labels"


def _scalar(node: pp.Expr) -> bool:
    """Whether the expression is a scalar (a number, `scalar(...)`, `time()`)."""
    if isinstance(node, _SIGNED):
        return _scalar(node.expr)
    if isinstance(node, pp.BinaryExpr):
        return _scalar(node.lhs) and _scalar(node.rhs)
    return isinstance(node, pp.NumberLiteral) or (
        isinstance(node, pp.Call) and node.func.name in ("scalar", "time", "pi"))


def _unknown_matchers(known: Labels, what: str, expr: str) -> list[str]:
    """A matcher on a label its series never carry matches nothing, silently: a problem."""
    problems = []
    for use in known.queries.uses(expr):
        carried = known.series(use.metric) if use.metric else None
        if carried is None:
            continue
        problems += [f"{what} matches on label {label!r}, which {use.metric} does not carry "
                     f"({', '.join(sorted(carried))})"
                     for label in sorted({name for name, _, _ in use.matchers}
                                         - carried - {"__name__"})]
    return problems
