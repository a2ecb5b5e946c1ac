"""Alert and record names are unique across integrations; alerts are CamelCase with a prefix.

An integration that must keep another project's names (a mixin's lower-case alerts) sets
`Integration.naming_exemption` to the reason; uniqueness still applies to it.
"""

from __future__ import annotations

import re

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Location

CODE = "KG301"
NAME = "rules/names"
DOC = "a duplicate alert or record name, or an alert not named <Integration>CamelCase"

CAMEL = re.compile(r"^[A-Z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")


def prefix(integration_name: str) -> str:
    """`calico` -> `Calico`, `kube-proxy` -> `KubeProxy`."""
    return "".join(part.title() for part in integration_name.split("-"))


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    seen: dict[str, Location | None] = {}
    for spec in specs:
        integration = spec.integration
        named = [(f"alert {a.name}", a.name, a.location) for a in integration.alerts]
        named += [(f"recording rule {r.record}", r.record, r.location)
                  for r in integration.recording_rules]
        for what, name, location in named:
            if name in seen:
                findings.append(Finding.at(location, Level.ERROR, CODE,
                                           f"{what} is already defined at {seen[name]}"))
            seen.setdefault(name, location)
        if integration.naming_exemption:
            continue
        want = prefix(integration.name)
        for alert in integration.alerts:
            if not (alert.name.startswith(want) and CAMEL.match(alert.name)):
                findings.append(Finding.at(alert.location, Level.ERROR, CODE,
                                           f"alert {alert.name} should be CamelCase and start "
                                           f"with {want}"))
    return findings
