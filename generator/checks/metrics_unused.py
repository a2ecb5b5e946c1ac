"""Every catalog metric is read by some rule, panel or variable."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.queries import read

CODE = "KG202"
NAME = "metrics/unused"
DOC = "a catalog metric that no rule, panel or variable reads (kept and scraped for nothing)"


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        queries = read(spec)
        used = {use.metric for query in queries.all for use in queries.uses(query.expr)}
        for metric in spec.integration.metrics:
            if not used.intersection(metric.series_names()):
                findings.append(Finding.at(metric.location, Level.WARNING, CODE,
                                           f"metric {metric.name} is in the catalog but no rule "
                                           f"or panel uses it", metric.name))
    return findings
