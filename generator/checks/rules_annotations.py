"""Alert annotations: a static summary, a templated description, valid Go templates; and no
alert label that carries the value (each new value would make a new alert, pending again)."""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.gotemplates import label_problems, validate
from generator.loader import Spec

CODE = "KG302"
NAME = "rules/annotations"
DOC = ("a templated summary, a static description, an annotation or label that is not a valid "
       "template, or a label that carries the value (a changing value never lets it fire)")


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        for alert in spec.integration.alerts:
            problems = []
            if "{{" in alert.summary:
                problems.append("summary must be static (no `{{`); put values in the description")
            if "{{" not in alert.description:
                problems.append("description must be templated: say where and how much with "
                                "{{ $labels.x }} and {{ $value }}")
            texts = {"summary": alert.summary, "description": alert.description,
                     "runbook_url": alert.runbook_url or ""}
            for field, text in texts.items():
                problem = validate(text)
                if problem:
                    problems.append(f"{field} column {problem.column}: {problem.message}")
            problems += [f"label {key} {problem}" for key, text in alert.labels.items()
                         for problem in label_problems(text)]
            findings += [Finding.at(alert.location, Level.ERROR, CODE, f"alert {alert.name}: {p}")
                         for p in problems]
    return findings
