"""The base every spec model derives from: strict, immutable, and aware of where it was written."""

import sys
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from generator.location import Location as Location
from generator.location import display_path as display_path
from generator.model import plugins

plugins.install()  # before the first model is built

_GENERATOR_DIR = str(Path(__file__).resolve().parent.parent)


def caller_location() -> Location | None:
    """The spec line that is building a model (called by `SpecModel.model_post_init` only).

    That is the innermost frame outside kgen and pydantic, except that a private helper
    (`def _alert(...)`) hands the location on to its caller: the line that says which alert
    to build is the one a person wants to jump to, not the helper's shared constructor call.
    The walk starts above `model_post_init` (kgen's own frame), and the location is made by
    `tuple.__new__`, as `Location(...)` would make it without the named tuple's Python-level
    `__new__`: every spec model pays for this walk, twice per spec with the mixin's stand-in
    build.
    """
    frame: FrameType | None = sys._getframe(1).f_back  # None: no Python frame called pydantic
    innermost: FrameType | None = None
    while frame is not None:
        code = frame.f_code
        outside = _outside.get(code.co_filename)
        if outside is None:
            outside = _outside[code.co_filename] = _is_outside(code.co_filename)
        if outside:
            if not code.co_name.startswith("_"):
                return _location(Location, (code.co_filename, _line(frame)))
            innermost = innermost or frame
        frame = frame.f_back
    return None if innermost is None else _location(
        Location, (innermost.f_code.co_filename, _line(innermost)))


_location = tuple.__new__


def _line(frame: FrameType) -> int:
    """`frame.f_lineno`, remembered by the frame's code object and instruction: reading it
    walks the code's line table from its start (a spec's `integration()` is long), and both
    builds of a spec build their models at the same places."""
    code = frame.f_code
    held = _lines.get(id(code))
    if held is None:
        held = _lines[id(code)] = (code, {})
    lines = held[1]
    line = lines.get(frame.f_lasti)
    if line is None:
        line = lines[frame.f_lasti] = frame.f_lineno
    return line


_lines: dict[int, tuple[CodeType, dict[int, int]]] = {}
"""id of a code object -> the code object (held: no other object can take its id meanwhile)
and its lines by instruction offset (`f_lasti`). `forget_lines` empties it."""


def forget_lines() -> None:
    """Let go of the code objects `_line` holds (the loader calls it before each spec)."""
    _lines.clear()


def _is_outside(filename: str) -> bool:
    """Whether code from this file is a spec's: not kgen's, not pydantic's, not generated."""
    return not (filename.startswith((_GENERATOR_DIR, "<")) or "pydantic" in filename)


_outside: dict[str, bool] = {}
"""Source file -> _is_outside (every model built asks about every frame above it)."""


class SpecModel(BaseModel):
    """Strict (an unknown field is an error), frozen, stamped with the spec line that built it.

    The line is kept in pydantic's store of private values (`__pydantic_private__`, which
    copies, pickles and `==` carry along) under `_location`, set by `model_post_init`. It is
    not declared as a `PrivateAttr`: pydantic would then wrap `model_post_init` of every
    subclass again (twice per model, each wrap filling in the private defaults), which cost
    more than validating a small model does; the specs build hundreds of models each."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    suppress: dict[str, str] = Field(
        default_factory=dict,
        description="Check code -> the written reason this item is exempt from it",
    )

    @field_validator("suppress")
    @classmethod
    def _reasons_are_written(cls, suppress: dict[str, str]) -> dict[str, str]:
        for code, reason in suppress.items():
            if not reason.strip():
                raise ValueError(f"suppressing {code} needs a written reason")
        return suppress

    def model_post_init(self, context: Any, /) -> None:
        private = self.__pydantic_private__  # a subclass's own private attributes, if any
        if private is None:
            object.__setattr__(self, "__pydantic_private__", {"_location": caller_location()})
        else:
            private["_location"] = caller_location()

    @property
    def location(self) -> Location | None:
        private = self.__pydantic_private__
        return private.get("_location") if private else None
