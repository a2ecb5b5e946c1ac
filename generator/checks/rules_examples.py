"""Every alert proves in its spec that it fires and that it stays silent (see
generator.model.examples); every example's series can be selected by the integration."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Fires, Integration, Series, Silent
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
        unmatchable: dict[tuple[tuple[str, str], ...], str | None] = {}
        """A scoped series' labels -> why the selector cannot match them (None: it can); the
        examples of an integration share a few such label sets."""
        for rule, index, example in examples(integration):
            for series in example.series:
                if not series.scoped:
                    continue  # carries its own labels only: nothing to match
                key = tuple(sorted(series.labels.items()))
                if key not in unmatchable:
                    unmatchable[key] = _unmatchable(integration, series)
                if unmatchable[key] is not None:
                    findings.append(Finding.at(example.location, Level.ERROR, CODE,
                                               f"{rule_key(rule)} example {index}: "
                                               f"{unmatchable[key]}"))
            short = [s.metric for s in example.series if s.minutes <= example.expect.at]
            if short:
                findings.append(Finding.at(
                    example.location, Level.ERROR, CODE,
                    f"{rule_key(rule)} example {index}: evaluated at {example.expect.at}m, "
                    f"after its {short[0]} series ends; make the series longer"))
    return findings


def _unmatchable(integration: Integration, series: Series) -> str | None:
    """Why the integration's selector matches no labels the series could carry, if so."""
    try:
        series_labels(integration, series)
    except UnmatchableSelector as error:
        return str(error)
    return None
