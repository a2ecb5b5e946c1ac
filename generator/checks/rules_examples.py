"""Every alert proves in its spec that it fires and that it stays silent (see
generator.model.examples); every example's series can be selected by the integration."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Fires, Silent
from generator.rule_tests import UnmatchableSelector, examples, rule_key, series_labels

CODE = "KG304"
NAME = "rules/examples"
DOC = "an alert without a firing and a silent example, or an example its selector cannot match"


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        integration = spec.integration
        for alert in integration.alerts:
            kinds = {type(example.expect) for example in alert.examples}
            missing = [word for kind, word in ((Fires, "fires"), (Silent, "stays silent"))
                       if kind not in kinds]
            if missing:
                findings.append(Finding.at(
                    alert.location, Level.ERROR, CODE,
                    f"alert {alert.name} has no example where it {' or '.join(missing)}; add "
                    "examples=(fires_when(...), silent_on(...)) from "
                    "generator.model.examples"))
        for rule, index, example in examples(integration):
            for series in example.series:
                try:
                    series_labels(integration, series)
                except UnmatchableSelector as error:
                    findings.append(Finding.at(example.location, Level.ERROR, CODE,
                                               f"{rule_key(rule)} example {index}: {error}"))
            short = [s.metric for s in example.series if s.minutes <= example.expect.at]
            if short:
                findings.append(Finding.at(
                    example.location, Level.ERROR, CODE,
                    f"{rule_key(rule)} example {index}: evaluated at {example.expect.at}m, "
                    f"after its {short[0]} series ends; make the series longer"))
    return findings
