"""Alert and record names are unique across integrations; alerts are CamelCase with a prefix.

Within one integration an alert name may repeat at different severities (a warning tier and a
critical tier of the same condition, as the etcd mixin does); anything else is a duplicate.
An integration that must keep another project's names (a mixin's lower-case alerts) sets
`Integration.naming_exemption` to the reason; uniqueness still applies to it.

Uniqueness is decided over each integration's `summary` (its names, tiers and lines), so a
build can check it with the integrations it did not load again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from generator.checks._summaries import located, place
from generator.conventions import alert_prefix
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG301"
NAME = "rules/names"
DOC = "a duplicate alert or record name, or an alert not named <Integration>CamelCase"

CAMEL = re.compile(r"^[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")

Named = tuple[str, str, str, str | None, int]
"""(what, name, tier, path, line) of an alert or recording rule, in spec order."""


def check(specs: list[Spec]) -> list[Finding]:
    return [f for spec in specs for f in local(spec)] + across(
        [(spec.name, summary(spec)) for spec in specs])


def summary(spec: Spec) -> list[Named]:
    integration = spec.integration
    named = [(f"alert {a.name}", a.name, str(a.severity), a.location)
             for a in integration.alerts]
    named += [(f"recording rule {r.record}", r.record, "", r.location)
              for r in integration.recording_rules]
    return [(what, name, tier, *place(location)) for what, name, tier, location in named]


def across(summaries: Sequence[tuple[str, Sequence[Named]]]) -> list[Finding]:
    """Duplicate names: within an integration (same name and tier), or a name another
    integration defined first."""
    findings = []
    owner: dict[str, tuple[str, Location | None]] = {}
    for integration, named in summaries:
        seen: dict[tuple[str, str], Location | None] = {}
        for what, name, tier, path, line in named:
            location = located(path, line)
            first = owner.setdefault(name, (integration, location))
            if (name, tier) in seen or first[0] != integration:
                earlier = seen.get((name, tier), first[1])
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"{what} is already defined at {earlier}"))
            seen.setdefault((name, tier), location)
    return findings


def local(spec: Spec) -> list[Finding]:
    """Alert names not `<Integration>CamelCase` (unless the integration is exempt)."""
    integration = spec.integration
    if integration.naming_exemption:
        return []
    findings = []
    want = alert_prefix(integration.name)
    first_alert = {a.name: a.location for a in reversed(integration.alerts)}
    for name, location in first_alert.items():
        rest = name.removeprefix(want)
        if not (rest != name and rest[:1].isupper() and CAMEL.match(name)):
            findings.append(Finding.at(location, Level.ERROR, CODE,
                                       f"alert {name} should be CamelCase and start with {want}"))
    return findings


