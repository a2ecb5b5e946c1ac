"""Checks over the configured specs. Each check is one module exposing:

- `CODE` (stable, e.g. "KG101") and `NAME` (pint-style area/what, e.g. "promql/syntax"),
- `DOC`: one line on what it catches (`kgen check --list` prints it),
- `check(specs) -> list[Finding]`, or, for a check that belongs to a target (`TARGET`, the
  target's name: it runs only when that target is on), `check(items) -> list[Finding]` over
  the scoped integrations the target renders.

Checks see every spec at once, so cross-integration rules (unique names) fit the same shape.
Every finding can be suppressed by the item it is about, with a reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Collection, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import SpecModel
from generator.model.base import display_path

if TYPE_CHECKING:
    from generator.scoping import Scoped

CHECK_MODULES: tuple[str, ...] = (
    "generator.checks.promql_syntax",
    "generator.checks.metrics_unknown",
    "generator.checks.metrics_dropped",
    "generator.checks.metrics_unused",
    "generator.checks.promql_rate_type",
    "generator.checks.labels",
    "generator.checks.rules_names",
    "generator.checks.rules_annotations",
    "generator.checks.rules_runbook",
    "generator.checks.rules_examples",
    "generator.checks.scrape_relabel",
    "generator.checks.scrape_jobs",
    "generator.checks.dashboards",
    "generator.checks.operator_podmonitor",
    "generator.checks.provisioning_configmap",
)
"""In run order; syntax comes first because later checks read parsed queries."""


PROJECT_CHECKS: tuple[str, ...] = ("generator.checks.runbook_links",)
"""Checks of the project config rather than the specs, run by `kgen check`."""


def modules() -> list[ModuleType]:
    return [importlib.import_module(name) for name in CHECK_MODULES]


def listing() -> list[tuple[str, str, str]]:
    """(code, name, doc) of every check, spec and project checks alike, from each module; a
    target's check says which target enables it."""
    found = []
    for module in [*modules(), *(importlib.import_module(n) for n in PROJECT_CHECKS)]:
        target = getattr(module, "TARGET", None)
        doc = f"(with the {target} target) {module.DOC}" if target else module.DOC
        found.append((module.CODE, module.NAME, doc))
    return found


def run(specs: list[Spec], scoped: Sequence[Scoped] = (),
        targets: Collection[str] = ()) -> list[Finding]:
    """Every finding, sorted by file and line, of the checks of the specs and of the `targets`
    on. Later checks run only on queries that parse."""
    findings: list[Finding] = [note for spec in specs for note in spec.notes]
    for module in modules():
        target: str | None = getattr(module, "TARGET", None)
        if target is None:
            found: list[Finding] = module.check(specs)
        elif target in targets:
            found = module.check(list(scoped))
        else:
            continue
        findings.extend(found)
        if module.NAME == "promql/syntax" and any(f.level is Level.ERROR for f in found):
            break
    suppressed = suppressions(specs)
    return sorted(f for f in findings if (f.path, f.line, f.code) not in suppressed)


def suppressions(specs: list[Spec]) -> set[tuple[str, int, str]]:
    """(path, line, code) of every item that suppresses a check code, with a written reason."""
    found: set[tuple[str, int, str]] = set()
    for spec in specs:
        for item in _items(spec.integration):
            if item.suppress and item.location is not None:
                path = display_path(item.location.path)
                found.update((path, item.location.line, code) for code in item.suppress)
    return found


def _items(model: SpecModel) -> list[SpecModel]:
    items = [model]
    for name in type(model).model_fields:
        value = getattr(model, name)
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, SpecModel):
                items += _items(child)
    return items
