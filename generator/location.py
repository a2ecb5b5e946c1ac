"""Where something was written: a file and line, shown as people type paths.

Plain records, free of pydantic, so findings and the project config reader import nothing heavy.
"""

from __future__ import annotations

import os
from typing import NamedTuple


class Location(NamedTuple):
    """A place in a spec file: the line that built an item.

    A named tuple (immutable, ordered by path then line) rather than a frozen dataclass: every
    spec model is stamped with one as it is built, and a tuple is built at a third of the cost."""

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
