"""Checks over the configured specs. Each check is one module exposing:

- `CODE` (stable, e.g. "KG101") and `NAME` (pint-style area/what, e.g. "promql/syntax"),
- `DOC`: one line on what it catches (`kgen check --list` prints it),
- `check(specs) -> list[Finding]`, or, for a check that belongs to a target (`TARGET`, the
  target's name: it runs only when that target is on), `check(items) -> list[Finding]` over
  the scoped integrations the target renders.

The Protocols below spell that interface out, and the registries return the modules typed by
them, so mypy verifies every registered check. A check with a rule across integrations
(unique names, jobs, uids) is a `CrossCheck`: besides `check(specs)` it splits into what it finds
in one integration, a JSON-able summary of each and what it finds across the summaries, so
`kgen build` checks integrations it takes from its cache without loading them (`of_unit` per
integration, `combine` over all: the same findings as `run`). Every finding can be suppressed
by the item it is about, with a reason.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    Protocol,
    get_args,
    get_origin,
)

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


class CrossCheck(SpecCheck, Protocol):
    """A spec check with a rule across integrations, in parts a build can cache: what it finds
    in one integration alone (`local`), what it must know of each (`summary`, JSON-able) and
    what it finds across those summaries, in spec order (`across`). `check(specs)` is `local`
    of each plus `across` all."""

    def local(self, spec: Spec, /) -> list[Finding]: ...

    def summary(self, spec: Spec, /) -> list[Any]: ...

    def across(self, summaries: Sequence[tuple[str, Sequence[Any]]], /) -> list[Finding]: ...


class TargetCheck(Described, Protocol):
    """A check that runs only when its target is on, over the scoped integrations it renders."""

    TARGET: str

    def check(self, items: list[Scoped], /) -> list[Finding]: ...


class ProjectCheck(Described, Protocol):
    """A check of the project config, given whether any integration has alerts."""

    def check(self, project: Project, alerting: bool, /) -> list[Finding]: ...


_SYNTAX = "promql/syntax"


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


def cross_checks() -> tuple[CrossCheck, ...]:
    """The spec checks with a rule across integrations (unique names, jobs, uids)."""
    from generator.checks import dashboards, rules_names, scrape_jobs

    return (rules_names, scrape_jobs, dashboards)


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


class UnitChecks:
    """What the checks found in one integration, and what the checks across integrations need
    to know of it: enough to check a build without loading that integration again. (A plain
    class: Python 3.11 makes a dataclass in about 0.4 ms, compiling each method, in every
    build that imports this module.)"""

    def __init__(self, name: str, notes: list[Finding], syntax: list[Finding],
                 findings: list[Finding], target: list[Finding],
                 suppressed: set[tuple[str, int, str]], summaries: dict[str, list[Any]]) -> None:
        self.name = name
        self.notes = notes
        """What loading it printed (KG006)."""
        self.syntax = syntax
        """promql/syntax; when it has an error (here or in any integration) no other check
        counts."""
        self.findings = findings
        """The other spec checks', cross checks' `local` part included."""
        self.target = target
        self.suppressed = suppressed
        self.summaries = summaries
        """Cross check NAME -> its `summary` of this integration."""

    def as_json(self) -> dict[str, Any]:
        def rows(findings: list[Finding]) -> list[list[Any]]:
            return [[f.path, f.line, str(f.level), f.code, f.message, f.metric]
                    for f in findings]

        return {"name": self.name, "notes": rows(self.notes), "syntax": rows(self.syntax),
                "findings": rows(self.findings), "target": rows(self.target),
                "suppressed": sorted(self.suppressed), "summaries": self.summaries}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitChecks:
        def found(rows: list[list[Any]]) -> list[Finding]:
            return [Finding(str(p), int(line), Level(level), str(code), str(message), str(m))
                    for p, line, level, code, message, m in rows]

        return cls(str(data["name"]), found(data["notes"]), found(data["syntax"]),
                   found(data["findings"]), found(data["target"]),
                   {(str(p), int(line), str(code)) for p, line, code in data["suppressed"]},
                   {str(k): list(v) for k, v in data["summaries"].items()})

    @property
    def every(self) -> list[Finding]:
        """Every finding, suppressed or not."""
        return [*self.notes, *self.syntax, *self.findings, *self.target]

    @property
    def errors(self) -> bool:
        refused = any(code in UNSUPPRESSIBLE for _, _, code in self.suppressed)
        return refused or any(f.level is Level.ERROR and _kept(f, self.suppressed)
                              for f in self.every)


def of_unit(spec: Spec, item: Scoped | None, targets: Collection[str]) -> UnitChecks:
    """Every check of one integration: the spec checks (a cross check's `local` part and its
    `summary`), then, when its queries parse, the checks of the `targets` on over `item`."""
    cross = {c.NAME: c for c in cross_checks()}
    unit = UnitChecks(spec.name, list(spec.notes), [], [], [], suppressions([spec]), {})
    for spec_check in spec_checks():
        if spec_check.NAME == _SYNTAX:
            unit.syntax = spec_check.check([spec])
            if any(f.level is Level.ERROR for f in unit.syntax):
                return unit
        elif spec_check.NAME in cross:
            unit.findings += cross[spec_check.NAME].local(spec)
            unit.summaries[spec_check.NAME] = cross[spec_check.NAME].summary(spec)
        else:
            unit.findings += spec_check.check([spec])
    if item is not None:
        for target_check in target_checks():
            if target_check.TARGET in targets:
                unit.target += target_check.check([item])
    return unit


def combine(units: Sequence[UnitChecks]) -> list[Finding]:
    """The findings of a build over these integrations, sorted by file and line, as if every
    check had seen them all at once: nothing but syntax (and notes) when a query anywhere does
    not parse; suppressions from any integration apply to all."""
    findings = [f for unit in units for f in (*unit.notes, *unit.syntax)]
    unparsed = [f for unit in units for f in unit.syntax if f.level is Level.ERROR]
    if unparsed:
        first = min(unparsed)
        findings.append(Finding(first.path, first.line, Level.INFO, first.code,
                                "the checks after promql/syntax did not run: they read parsed "
                                "queries, so fix every KG101 error first"))
    else:
        findings += [f for unit in units for f in unit.findings]
        for cross in cross_checks():
            findings += cross.across([(unit.name, unit.summaries.get(cross.NAME, []))
                                      for unit in units])
        findings += [f for unit in units for f in unit.target]
    suppressed: set[tuple[str, int, str]] = set().union(*(unit.suppressed for unit in units))
    findings += [Finding(path, line, Level.ERROR, code,
                         f"suppressing {code} is refused: {UNSUPPRESSIBLE[code]}")
                 for path, line, code in sorted(suppressed) if code in UNSUPPRESSIBLE]
    return sorted(f for f in findings if _kept(f, suppressed))


def _kept(finding: Finding, suppressed: set[tuple[str, int, str]]) -> bool:
    """Whether no suppression hides the finding (a code in UNSUPPRESSIBLE never is hidden)."""
    return finding.code in UNSUPPRESSIBLE or \
        (finding.path, finding.line, finding.code) not in suppressed


def run(specs: list[Spec], scoped: Sequence[Scoped] = (),
        targets: Collection[str] = ()) -> list[Finding]:
    """Every finding, sorted by file and line, of the checks of the specs and of the `targets`
    on. The checks after promql/syntax run only when every query parses."""
    items = {item.name: item for item in scoped}
    return combine([of_unit(spec, items.get(spec.name), targets) for spec in specs])


def suppressions(specs: list[Spec]) -> set[tuple[str, int, str]]:
    """(path, line, code) of every item that suppresses a check code, with a written reason:
    the integration and every model below it, a field's value or in a tuple that is one."""
    found: set[tuple[str, int, str]] = set()
    for spec in specs:
        below: list[SpecModel] = [spec.integration]
        while below:
            item = below.pop()
            if item.suppress and item.location is not None:
                path = display_path(item.location.path)
                found.update((path, item.location.line, code) for code in item.suppress)
            values = item.__dict__
            for name in _nesting(type(item)):
                value = values[name]
                if isinstance(value, tuple | list):
                    below += [child for child in value if _is_model(type(child))]
                elif isinstance(value, dict):
                    below += [child for child in value.values() if _is_model(type(child))]
                elif _is_model(type(value)):
                    below.append(value)
    return found


@cache
def _nesting(model: type[SpecModel]) -> tuple[str, ...]:
    """The fields of a model whose declared type can hold a model (`Any`, `object` and
    `BaseModel` can): the others (strings, numbers, enums, tuples of strings) hold none."""
    return tuple(name for name, field in model.model_fields.items()
                 if _can_hold_model(field.annotation))


def _can_hold_model(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if annotation is Ellipsis or origin is Literal:
        return False
    if origin is Annotated:
        return _can_hold_model(get_args(annotation)[0])
    if origin is None:
        return (annotation is Any or not isinstance(annotation, type)
                or issubclass(annotation, SpecModel) or issubclass(SpecModel, annotation))
    return any(_can_hold_model(argument) for argument in get_args(annotation))


def _is_model(kind: type) -> bool:
    """`issubclass(kind, SpecModel)`, remembered per class: pydantic's isinstance check of a
    model class is slow, and a suppression search asks about a thousand values."""
    known = _IS_MODEL.get(kind)
    if known is None:
        known = _IS_MODEL[kind] = issubclass(kind, SpecModel)
    return known


_IS_MODEL: dict[type, bool] = {}
