"""Labels named in grouping clauses and in `{{ $labels.x }}` exist on the series queried.

Conservative: a query's labels are the union over the series it selects (catalog labels, target
labels, relabel target labels, the integration's external labels, `quantile`/`le`, recording
rule labels); a query with a selector kgen cannot resolve, or one that invents labels
(label_replace, label_join), is skipped.
"""

from __future__ import annotations

import re

import promql_parser as pp

from generator import promql
from generator.findings import Finding, Level
from generator.gotemplates import label_refs
from generator.loader import Spec
from generator.model import Location, MetricType
from generator.queries import all_queries, series_owner

CODE = "KG205"
NAME = "labels/unknown"
DOC = ("a by/without/on/ignoring label, a label matcher or a {{ $labels.x }} that no queried "
       "series carries")

TARGET_LABELS = frozenset({"job", "instance"})
INVENTING = re.compile(r"\blabel_(?:replace|join)\s*\(")
"""A call that invents labels (label_replace, label_join); a metric named like one is not."""


def grouping_labels(node: pp.Expr) -> list[str]:
    """Labels in every by/without/on/ignoring/group_x clause of a parsed query."""
    found: list[str] = []
    if isinstance(node, pp.AggregateExpr):
        found += list(node.modifier.labels) if node.modifier else []
        found += grouping_labels(node.expr)
    elif isinstance(node, pp.BinaryExpr):
        modifier = node.modifier
        if modifier is not None:
            found += list(modifier.matching.labels) if modifier.matching else []
            found += list(modifier.group_labels or ())
        found += grouping_labels(node.lhs) + grouping_labels(node.rhs)
    elif isinstance(node, pp.Call):
        for arg in node.args:
            found += grouping_labels(arg)
    elif isinstance(node, pp.UnaryExpr | pp.ParenExpr | pp.SubqueryExpr):
        found += grouping_labels(node.expr)
    return found


class Labels:
    """Which labels the series of one integration carry."""

    def __init__(self, spec: Spec) -> None:
        integration = spec.integration
        self.owners = series_owner(spec)
        self.recordings = {r.record: r for r in integration.recording_rules}
        relabelled = {step.target_label for job in integration.scrape_jobs
                      for step in (*job.relabel_configs, *job.metric_relabel_configs)
                      if step.target_label and not step.target_label.startswith("__")}
        self.common = TARGET_LABELS | relabelled | set(integration.external_labels)

    def of(self, expr: str, depth: int = 0) -> set[str] | None:
        """The union of labels the query's selectors carry, or None when unknown."""
        if depth > 5 or INVENTING.search(expr):
            return None
        labels = set(self.common)
        for use in promql.selector_uses(expr):
            name = use.metric or ""
            metric = self.owners.get(name)
            if metric is not None:
                labels.update(metric.labels)
                if name.endswith("_bucket") and metric.type is MetricType.HISTOGRAM:
                    labels.add("le")
                if name == metric.name and metric.type is MetricType.SUMMARY:
                    labels.add("quantile")
            elif name in self.recordings:
                rule = self.recordings[name]
                inner = self.of(rule.expr, depth + 1)
                if inner is None:
                    return None
                labels |= inner | set(rule.labels)
            else:
                return None
        return labels


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        known = Labels(spec)
        items = [(what, expr, location, "") for what, expr, location in all_queries(spec)
                 if not what.startswith("alert ")]
        items += [(f"alert {a.name}", a.expr, a.location, a.summary + a.description)
                  for a in spec.integration.alerts]
        for what, expr, location, template in items:
            labels = known.of(expr)
            if labels is None:
                continue
            used = grouping_labels(promql.parse(expr)) + label_refs(template)
            for label in sorted(set(used) - labels):
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"{what} uses label {label!r}, which none of its "
                                           f"series carry ({', '.join(sorted(labels))})"))
            findings += _unknown_matchers(known, what, expr, location)
    return findings


def _unknown_matchers(known: Labels, what: str, expr: str,
                      location: Location | None) -> list[Finding]:
    """A matcher on a label its series never carry matches nothing, silently: a finding."""
    findings = []
    for use in promql.selector_uses(expr):
        carried = known.of(use.metric) if use.metric else None
        if carried is None:
            continue
        for label in sorted({name for name, _, _ in use.matchers} - carried - {"__name__"}):
            findings.append(Finding.at(location, Level.ERROR, CODE,
                                       f"{what} matches on label {label!r}, which "
                                       f"{use.metric} does not carry "
                                       f"({', '.join(sorted(carried))})"))
    return findings
