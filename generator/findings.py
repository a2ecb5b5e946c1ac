"""Findings: what kgen reports about a spec, each pointing at the line that caused it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import NamedTuple

from generator.location import Location, display_path


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    """Reported, never failing, even with --strict (an alert active right now)."""


class Finding(NamedTuple):
    """One finding, ordered by path, line, level, code, message and metric. (A named tuple:
    Python 3.11 makes a frozen, ordered dataclass in about 0.5 ms, compiling each method,
    in every run that imports this module.)"""

    path: str
    line: int
    level: Level
    code: str
    message: str
    metric: str = ""
    """The metric the finding is about, where there is one (`--format json` names it)."""

    @classmethod
    def at(cls, location: Location | None, level: Level, code: str, message: str,
           metric: str = "") -> Finding:
        if location is None:
            return cls("<unknown>", 0, level, code, message, metric)
        return cls(display_path(location.path), location.line, level, code, message, metric)

    def fails(self, strict: bool) -> bool:
        """Errors always fail a check; warnings only with --strict; information never."""
        return self.level is Level.ERROR or (strict and self.level is Level.WARNING)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level} {self.code} {self.message}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean X?)` for the closest of `choices`, or nothing when none is close."""
    import difflib  # only a mistake is reported

    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


class SpecError(Exception):
    """Raised when specs cannot be built; carries the findings that say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in findings))
        self.findings = findings
