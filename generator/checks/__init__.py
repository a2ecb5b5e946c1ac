"""Checks over the configured specs. Each check is one module exposing:

- `CODE` (stable, e.g. "KG101") and `NAME` (pint-style area/what, e.g. "promql/syntax"),
- `DOC`: one line on what it catches (`kgen check --list` prints it),
- `check(specs) -> list[Finding]`, or, for a check that belongs to a target (`TARGET`, the
  target's name: it runs only when that target is on), `check(items) -> list[Finding]` over
  the scoped integrations the target renders.

The Protocols below spell that interface out, and the registries return the modules typed by
them, so mypy verifies every registered check. Checks see every spec at once, so
cross-integration rules (unique names) fit the same shape. Every finding can be suppressed by
the item it is about, with a reason.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Protocol

from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import SpecModel
from generator.model.base import display_path

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


class Described(Protocol):
    """What `kgen check --list` prints of a check."""

    CODE: str
    NAME: str
    DOC: str


class SpecCheck(Described, Protocol):
    """A check of the configured specs, all of them at once."""

    def check(self, specs: list[Spec], /) -> list[Finding]: ...


class TargetCheck(Described, Protocol):
    """A check that runs only when its target is on, over the scoped integrations it renders."""

    TARGET: str

    def check(self, items: list[Scoped], /) -> list[Finding]: ...


class ProjectCheck(Described, Protocol):
    """A check of the project config, given whether any integration has alerts."""

    def check(self, project: Project, alerting: bool, /) -> list[Finding]: ...


def spec_checks() -> tuple[SpecCheck, ...]:
    """In run order; syntax comes first because later checks read parsed queries. (Imported
    here, not at the top, so `kgen` starts without them.)"""
    from generator.checks import (
        dashboards,
        labels,
        metrics_dropped,
        metrics_unknown,
        metrics_unused,
        promql_rate_type,
        promql_syntax,
        rules_annotations,
        rules_examples,
        rules_names,
        rules_runbook,
        scrape_jobs,
        scrape_relabel,
    )

    return (promql_syntax, metrics_unknown, metrics_dropped, metrics_unused, promql_rate_type,
            labels, rules_names, rules_annotations, rules_runbook, rules_examples,
            scrape_relabel, scrape_jobs, dashboards)


def target_checks() -> tuple[TargetCheck, ...]:
    """Run after the spec checks, each only when its target is on."""
    from generator.checks import operator_podmonitor, provisioning_configmap

    return (operator_podmonitor, provisioning_configmap)


def project_checks() -> tuple[ProjectCheck, ...]:
    """Checks of the project config rather than the specs, run by `kgen check`."""
    from generator.checks import runbook_links

    return (runbook_links,)


def listing() -> list[tuple[str, str, str]]:
    """(code, name, doc) of every check, spec, target and project checks alike, from each
    module; a target's check says which target enables it."""
    found = [(c.CODE, c.NAME, c.DOC) for c in spec_checks()]
    found += [(c.CODE, c.NAME, f"(with the {c.TARGET} target) {c.DOC}") for c in target_checks()]
    return found + [(c.CODE, c.NAME, c.DOC) for c in project_checks()]


UNSUPPRESSIBLE = {
    "KG101": "kgen parses every query to scope and render it, so one that does not parse "
             "cannot be built; fix the query or leave it out",
}
"""Codes no item can suppress, and why: an item that tries is an error at its line."""


def run(specs: list[Spec], scoped: Sequence[Scoped] = (),
        targets: Collection[str] = ()) -> list[Finding]:
    """Every finding, sorted by file and line, of the checks of the specs and of the `targets`
    on. The checks after promql/syntax run only when every query parses."""
    findings = [note for spec in specs for note in spec.notes] + _found(specs, scoped, targets)
    suppressed = suppressions(specs)
    findings += [Finding(path, line, Level.ERROR, code,
                         f"suppressing {code} is refused: {UNSUPPRESSIBLE[code]}")
                 for path, line, code in suppressed if code in UNSUPPRESSIBLE]
    return sorted(f for f in findings
                  if f.code in UNSUPPRESSIBLE or (f.path, f.line, f.code) not in suppressed)


def _found(specs: list[Spec], scoped: Sequence[Scoped],
           targets: Collection[str]) -> list[Finding]:
    """The checks' findings in run order; after a promql/syntax error, none but a note that
    the later checks did not run (at the first error)."""
    findings: list[Finding] = []
    for spec_check in spec_checks():
        found = spec_check.check(specs)
        findings += found
        unparsed = [f for f in found if f.level is Level.ERROR]
        if spec_check.NAME == "promql/syntax" and unparsed:
            first = min(unparsed)
            return [*findings, Finding(first.path, first.line, Level.INFO, first.code,
                                       "the checks after promql/syntax did not run: they read "
                                       "parsed queries, so fix every KG101 error first")]
    for target_check in target_checks():
        if target_check.TARGET in targets:
            findings += target_check.check(list(scoped))
    return findings


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
