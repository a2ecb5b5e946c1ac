"""Every rule and panel query parses as PromQL. No item can suppress this check
(`generator.checks.UNSUPPRESSIBLE`): kgen parses every query to scope and render it."""

from __future__ import annotations

from generator import promql
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.queries import read

CODE = "KG101"
NAME = "promql/syntax"
DOC = "a rule or panel query that does not parse as PromQL (never suppressed)"


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        try:
            promql.parse_matchers(spec.integration.selector)
        except promql.PromQLError as error:
            findings.append(Finding.at(spec.integration.location, Level.ERROR, CODE,
                                       f"selector {spec.integration.selector!r}: {error}"))
        for what, expr, location in read(spec).queries:
            try:
                promql.parse(expr)
            except promql.PromQLError as error:
                findings.append(Finding.at(location, Level.ERROR, CODE, f"{what}: {error}"))
    return findings
