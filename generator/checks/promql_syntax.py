"""Every rule and panel query parses as PromQL, as Prometheus parses it. No item can suppress
this check (`generator.checks.UNSUPPRESSIBLE`): kgen parses every query to scope and render it.

The parser kgen uses also reads `or` between label matchers (`up{a="1" or b="2"}`), which
Prometheus does not (promtool 2.42 refuses it): such a selector is an error here, in a query and
in the integration's selector, where scoping would otherwise drop it."""

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
        selector = spec.integration.selector
        problem = promql.selector_problem(selector)
        if problem is not None:
            findings.append(Finding.at(spec.integration.location, Level.ERROR, CODE,
                                       f"selector {selector!r}: {problem}"))
        queries = read(spec)
        for query in queries.queries:
            try:
                uses = queries.uses(query.expr)
            except promql.PromQLError as error:
                findings.append(Finding.at(query.location, Level.ERROR, CODE,
                                           f"{query.what}: {error}"))
                continue
            findings += [Finding.at(query.location, Level.ERROR, CODE,
                                    f"{query.what}: {either} {promql.NO_OR}; write a selector "
                                    "for each side and join them with the `or` operator")
                         for either in dict.fromkeys(use.either for use in uses if use.either)]
    return findings
