"""Findings: what kgen reports about a spec, each pointing at the line that caused it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from generator.model.base import Location, display_path


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    level: Level
    code: str
    message: str

    @classmethod
    def at(cls, location: Location | None, level: Level, code: str, message: str) -> Finding:
        if location is None:
            return cls("<unknown>", 0, level, code, message)
        return cls(display_path(location.path), location.line, level, code, message)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level} {self.code} {self.message}"


class SpecError(Exception):
    """Raised when specs cannot be built; carries the findings that say why."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("\n".join(str(f) for f in findings))
        self.findings = findings
