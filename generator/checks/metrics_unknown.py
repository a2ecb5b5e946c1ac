"""Every series a rule or panel reads is in the metric catalog."""

from __future__ import annotations

from generator.findings import Finding, Level, did_you_mean
from generator.loader import Spec
from generator.queries import is_synthetic, read

CODE = "KG203"
NAME = "metrics/unknown"
DOC = "a query reads a metric that is not in the integration's catalog"


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        queries = read(spec)
        known = queries.owners.keys() | queries.recorded
        for query in queries.all:
            for use in queries.uses(query.expr):
                name = use.metric
                if not name or name in known or is_synthetic(name):
                    continue
                hint = did_you_mean(name, sorted(known))
                findings.append(Finding.at(query.location, Level.ERROR, CODE,
                                           f"{query.what} uses {name}, which is not in the metric "
                                           f"catalog{hint}", name))
    return findings
