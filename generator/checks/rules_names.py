"""Alert and record names are unique across integrations; alerts are CamelCase with a prefix.

Within one integration an alert name may repeat at different severities (a warning tier and a
critical tier of the same condition, as the etcd mixin does); anything else is a duplicate.
An integration that must keep another project's names (a mixin's lower-case alerts) sets
`Integration.naming_exemption` to the reason; uniqueness still applies to it.
"""

from __future__ import annotations

import re

from generator.conventions import alert_prefix
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG301"
NAME = "rules/names"
DOC = "a duplicate alert or record name, or an alert not named <Integration>CamelCase"

CAMEL = re.compile(r"^[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    owner: dict[str, tuple[str, Location | None]] = {}
    for spec in specs:
        integration = spec.integration
        seen: dict[tuple[str, str], Location | None] = {}
        named = [(f"alert {a.name}", a.name, str(a.severity), a.location)
                 for a in integration.alerts]
        named += [(f"recording rule {r.record}", r.record, "", r.location)
                  for r in integration.recording_rules]
        for what, name, tier, location in named:
            first = owner.setdefault(name, (integration.name, location))
            if (name, tier) in seen or first[0] != integration.name:
                earlier = seen.get((name, tier), first[1])
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"{what} is already defined at {earlier}"))
            seen.setdefault((name, tier), location)
        if integration.naming_exemption:
            continue
        want = alert_prefix(integration.name)
        first_alert = {a.name: a.location for a in reversed(integration.alerts)}
        for name, location in first_alert.items():
            rest = name.removeprefix(want)
            if not (rest != name and rest[:1].isupper() and CAMEL.match(name)):
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"alert {name} should be CamelCase and start "
                                           f"with {want}"))
    return findings
