"""Every rule and panel query parses as PromQL."""

from __future__ import annotations

from collections.abc import Iterator

from generator import promql
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG101"
NAME = "promql/syntax"
DOC = "a rule or panel query that does not parse as PromQL"


def queries(spec: Spec) -> Iterator[tuple[str, str, Location | None]]:
    """(what, expr, location) for every query an integration carries."""
    integration = spec.integration
    for rule in integration.recording_rules:
        yield f"recording rule {rule.record}", rule.expr, rule.location
    for alert in integration.alerts:
        yield f"alert {alert.name}", alert.expr, alert.location
    for board in integration.dashboards:
        for row in board.rows:
            for panel in row.panels:
                for query in panel.queries:
                    yield f"panel {panel.title!r}", query.expr, query.location or panel.location


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        try:
            promql.parse_matchers(spec.integration.selector)
        except promql.PromQLError as error:
            findings.append(Finding.at(spec.integration.location, Level.ERROR, CODE,
                                       f"selector {spec.integration.selector!r}: {error}"))
        for what, expr, location in queries(spec):
            try:
                promql.parse(expr)
            except promql.PromQLError as error:
                findings.append(Finding.at(location, Level.ERROR, CODE, f"{what}: {error}"))
    return findings
