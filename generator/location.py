"""Where something was written: a file and line, shown as people type paths.

Plain records, free of pydantic, so findings and the project config reader import nothing heavy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a spec file: the line that built an item."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}"


def display_path(path: str) -> str:
    """A path relative to the working directory when it lies below it, as people type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
