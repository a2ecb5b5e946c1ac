"""Compiled spec modules, kept by the sha256 of what they were compiled from: the module's code
and the attribute docstrings of its classes (generator.docstrings), both read off one parse.

Specs are never built from a `.pyc`: Python trusts a `.pyc` whose source has the size and mtime
it recorded, so a spec saved twice in one second at the same size would be built from the
first save. An entry here is used only when the sha256 it carries matches the source as read
now, together with the interpreter's bytecode magic number, the optimisation level and the
path (code objects embed it): it is exactly as safe as compiling, at a fiftieth of the cost
(compiling a spec takes 1-5 ms, unmarshalling its code 0.05 ms).

Entries live beside the module, in `__pycache__/<module>.kgen-code` (ignored wherever `.pyc`
files are, and skipped by the no-op build's hash of the specs directory); one per module,
replaced when it changes. Like Python, nothing is written when bytecode writing is off
(`PYTHONDONTWRITEBYTECODE`, `-B`); an entry that cannot be read or written is simply compiled.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib.util
import marshal
import os
import sys
import types

from generator import docstrings

SUFFIX = ".kgen-code"
_DIGEST = 32


def code(path: str, source: bytes) -> tuple[types.CodeType, docstrings.Classes]:
    """The module code of `source`, read from `path`, and its classes' attribute docstrings:
    from its entry when that holds, else compiled (and kept)."""
    entry = _entry(path)
    key = _key(path, source)
    try:
        with open(entry, "rb") as stored:
            data = stored.read()
        if data[:_DIGEST] == key:
            found = marshal.loads(data[_DIGEST:])
            if (isinstance(found, tuple) and len(found) == 2
                    and isinstance(found[0], types.CodeType) and isinstance(found[1], dict)):
                return found
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tree = ast.parse(source, path)
    compiled = compile(tree, path, "exec", dont_inherit=True), docstrings.of_module(tree)
    if not sys.dont_write_bytecode:
        _keep(entry, key + marshal.dumps(compiled))
    return compiled


def _entry(path: str) -> str:
    directory, name = os.path.split(path)
    return os.path.join(directory, "__pycache__", os.path.splitext(name)[0] + SUFFIX)


def _key(path: str, source: bytes) -> bytes:
    """What the entry depends on besides the source: the bytecode format, -O, the path, and
    what reads the docstrings (pydantic's visitor, in its version, and `generator.docstrings`,
    by its source)."""
    digest = hashlib.sha256(b"%s\0%d\0%s\0%s\0" % (
        importlib.util.MAGIC_NUMBER, sys.flags.optimize, os.fsencode(path), _reader()))
    digest.update(source)  # not `header + source`: a copy of the source
    return digest.digest()


@functools.cache
def _reader() -> bytes:
    from pydantic.version import VERSION

    with open(docstrings.__file__, "rb") as module:
        return b"%s\0%s" % (VERSION.encode(), hashlib.sha256(module.read()).digest())


def _keep(entry: str, data: bytes) -> None:
    """Write the entry whole (through a temporary file), or not at all."""
    staged = f"{entry}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        with open(staged, "wb") as out:
            out.write(data)
        os.replace(staged, entry)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(staged)
