"""Checks over the configured specs. Each check is one module exposing:

- `CODE` (stable, e.g. "KG101") and `NAME` (pint-style area/what, e.g. "promql/syntax"),
- `DOC`: one line on what it catches,
- `check(specs) -> list[Finding]`.

Checks see every spec at once, so cross-integration rules (unique names) fit the same shape.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from generator.findings import Finding, Level
from generator.loader import Spec

CHECK_MODULES: tuple[str, ...] = ("generator.checks.promql_syntax",)
"""In run order; syntax comes first because later checks read parsed queries."""


def modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in CHECK_MODULES]


def run(specs: list[Spec]) -> list[Finding]:
    """Every finding, sorted by file and line. Later checks run only on queries that parse."""
    findings: list[Finding] = []
    for module in modules():
        found: list[Finding] = module.check(specs)
        findings.extend(found)
        if module.NAME == "promql/syntax" and any(f.level is Level.ERROR for f in found):
            break
    return sorted(findings)
