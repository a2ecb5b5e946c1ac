"""What the checks across integrations share: a spec location as a summary stores it (plain
JSON, so the unit cache can keep it), and the search for a name used twice."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from generator.findings import Finding, Level
from generator.model import Location

Place = tuple[str | None, int]
"""(path, line) of a Location; (None, 0) for none."""

Placed = tuple[str, str | None, int]
"""(name, path, line) of one named item, in spec order."""


def place(location: Location | None) -> Place:
    return (None, 0) if location is None else (location.path, location.line)


def located(path: str | None, line: int) -> Location | None:
    return None if path is None else Location(path, line)


def used_twice(summaries: Sequence[tuple[str, Sequence[Placed]]], code: str,
               message: Callable[[str, Location | None], str]) -> list[Finding]:
    """An error at every item whose name an earlier item (in this integration or one before
    it) already has; `message(name, first)` says where the first one is."""
    findings = []
    seen: dict[str, Location | None] = {}
    for _, items in summaries:
        for name, path, line in items:
            location = located(path, line)
            if name in seen:
                findings.append(Finding.at(location, Level.ERROR, code, message(name, seen[name])))
            seen.setdefault(name, location)
    return findings
