"""Rate-like functions read only counters; histogram_quantile reads only `_bucket` series."""

from __future__ import annotations

from generator import promql
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import MetricType
from generator.queries import all_queries, series_owner

CODE = "KG204"
NAME = "promql/rate-type"
DOC = "rate/increase/irate over a gauge or quantile series, or histogram_quantile over non-buckets"

RATE_LIKE = ("rate", "increase", "irate")


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        owners = series_owner(spec)
        for what, expr, location in all_queries(spec):
            for use in promql.selector_uses(expr):
                metric = owners.get(use.metric or "")
                if metric is None or use.metric is None:
                    continue
                counting = metric.type is MetricType.COUNTER or use.metric != metric.name
                if use.function in RATE_LIKE and not counting:
                    findings.append(Finding.at(
                        location, Level.ERROR, CODE,
                        f"{what} applies {use.function}() to {use.metric}, a {metric.type}; "
                        f"rates only make sense over counters", metric.name))
                if use.function == "histogram_quantile" and not use.metric.endswith("_bucket"):
                    findings.append(Finding.at(
                        location, Level.ERROR, CODE,
                        f"{what} applies histogram_quantile() to {use.metric}, not a _bucket "
                        f"series", metric.name))
    return findings
