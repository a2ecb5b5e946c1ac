"""Relabel steps compile under RE2, reference existing groups and carry what their action needs."""

from __future__ import annotations

import re

import re2

from generator import prometheus_regex
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Action, Relabel

CODE = "KG401"
NAME = "scrape/relabel"
DOC = "a relabel regex RE2 rejects, a replacement naming a missing group, or a missing field"

GROUP_REF = re.compile(r"(?<!\$)(?:\$\$)*\$(?:\{(\w+)\}|(\w+))")
"""A `$1`/`${name}` group reference; `$$` is Go's escaped literal `$`, so `$$x` refers to none."""
NEEDS_TARGET = (Action.REPLACE, Action.HASHMOD, Action.KEEPEQUAL, Action.DROPEQUAL,
                Action.LOWERCASE, Action.UPPERCASE)


def problems(step: Relabel) -> list[str]:
    found = []
    if step.action in NEEDS_TARGET and not step.target_label:
        found.append(f"{step.action} needs target_label")
    if step.action is Action.HASHMOD and step.modulus is None:
        found.append("hashmod needs modulus")
    if step.action is Action.LABELMAP and step.regex is None:
        found.append("labelmap needs regex")
    regex = step.regex if step.regex is not None else "(.*)"
    try:
        compiled = prometheus_regex.anchored(regex)
    except re2.error as error:
        return [*found, f"regex {regex!r} does not compile under RE2: "
                        f"{prometheus_regex.refusal(error)}"]
    if step.replacement is not None and step.action in (Action.REPLACE, Action.LABELMAP):
        names = set(compiled.groupindex)
        for number, name in GROUP_REF.findall(step.replacement):
            ref = number or name
            exists = int(ref) <= compiled.groups if ref.isdigit() else ref in names
            if not exists:
                found.append(f"replacement {step.replacement!r} refers to group ${ref}, "
                             f"which regex {regex!r} does not have")
    return found


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        found: dict[tuple[object, ...], list[str]] = {}
        """What `problems` reads of a step -> what it says: an integration's jobs share steps
        (a keep-list in every job), so each is worked out once."""
        for job in spec.integration.scrape_jobs:
            for step in (*job.relabel_configs, *job.metric_relabel_configs):
                key = (step.action, step.target_label, step.modulus, step.regex, step.replacement)
                if key not in found:
                    found[key] = problems(step)
                findings += [Finding.at(step.location or job.location, Level.ERROR, CODE,
                                        f"job {job.job_name}: {message}")
                             for message in found[key]]
    return findings
