"""Field descriptions from the docstrings written below the fields, as pydantic's
`use_attribute_docstrings` takes them, without its cost.

pydantic (on Python < 3.13) finds a class's source by asking `inspect.getmodule` about every
frame on the stack, and each of those questions scans `sys.modules`: a cost that grows with every
module loaded, paid again for every spec's `Config`. Here the frame that runs the class
statement is found by its globals, and the docstrings are read by pydantic's own visitor (a
string statement right after an annotated assignment documents that field); an existing
`Field(description=...)` wins.

A spec module's classes are read when it is compiled (`of_module`, kept with its code by
generator.codecache) and `known` to this module while it runs, by its code object; other
classes are parsed from their lines in `linecache` (the loader puts each spec's source there as
it compiles it).
"""

from __future__ import annotations

import ast
import inspect
import linecache
from types import CodeType, FrameType
from typing import Any

from pydantic import BaseModel
from pydantic._internal._docs_extraction import DocstringVisitor, _dedent_source_lines

Classes = dict[int, tuple[str, dict[str, str]]]
"""A module's classes: line of the class statement (and of each of its decorators) -> the
class's name and its fields' docstrings."""

_known: dict[int, tuple[CodeType, Classes]] = {}
"""id of a module's code -> that code (held, so the id stays its own) and its classes."""


def of_module(tree: ast.Module) -> Classes:
    """The attribute docstrings of every class statement in a module."""
    classes: Classes = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            visitor = DocstringVisitor()
            visitor.generic_visit(node)
            for line in (node.lineno, *(d.lineno for d in node.decorator_list)):
                classes[line] = (node.name, visitor.attrs)
    return classes


def known(code: CodeType, classes: Classes) -> None:
    """`code` (a module about to run) has these classes."""
    _known[id(code)] = (code, classes)


def forget() -> None:
    """Drop every module `known` so far (the loader's specs are imported afresh each time)."""
    _known.clear()


def describe_fields(model: type[BaseModel], frame: FrameType | None) -> None:
    """Fill in the description of each of `model`'s fields that has none from its docstring.

    `frame` is where to start looking for the frame that runs `model`'s class statement (the
    caller of the hook that pydantic calls once the class is built)."""
    docs = _docstrings(model, frame)
    for name, field in model.model_fields.items():
        if field.description is None and name in docs:
            field.description = docs[name]


def _docstrings(model: type[Any], frame: FrameType | None) -> dict[str, str]:
    """Field -> docstring, from the innermost frame of model's module that runs its class
    statement; nothing when none does (a class made by `type()`)."""
    while frame is not None:
        if frame.f_globals.get("__name__") == model.__module__:
            module = _known.get(id(frame.f_code))
            if module is not None and module[0] is frame.f_code:
                name, docs = module[1].get(frame.f_lineno, ("", {}))
                if name == model.__name__:
                    return docs
            statement = _class_statement(frame, model.__name__)
            if statement is not None:
                visitor = DocstringVisitor()
                visitor.generic_visit(statement)
                return visitor.attrs
        frame = frame.f_back
    return {}


def _class_statement(frame: FrameType, name: str) -> ast.ClassDef | None:
    """The class statement `name` at the frame's current line, parsed; None when there is none."""
    filename = frame.f_code.co_filename
    linecache.checkcache(filename)
    lines = linecache.getlines(filename, frame.f_globals)[frame.f_lineno - 1:]
    if not lines:
        return None
    for block in (_indented_block, inspect.getblock):
        statement = _parsed(block(lines), name)
        if statement is not None:
            return statement
    return None


def _indented_block(lines: list[str]) -> list[str]:
    """The first line and every line after it up to the first code line indented no deeper.

    Fast, and exact whenever it parses: a cut inside a string or a bracket (a continuation line
    written at the class's own indentation) leaves text that does not parse, and then
    `inspect.getblock`, which tokenizes, decides."""
    depth = len(lines[0]) - len(lines[0].lstrip())
    for index, line in enumerate(lines[1:], start=1):
        text = line.strip()
        if text and not text.startswith("#") and len(line) - len(line.lstrip()) <= depth:
            return lines[:index]
    return lines


def _parsed(block: list[str], name: str) -> ast.ClassDef | None:
    # pydantic's dedent: wrapped in `def dedent_workaround():` when a string line is
    # indented less than the class
    source = _dedent_source_lines(block)
    try:
        statement = ast.parse(source).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(statement, ast.FunctionDef) and statement.name == "dedent_workaround":
        statement = statement.body[0]
    if isinstance(statement, ast.ClassDef) and statement.name == name:
        return statement
    return None
