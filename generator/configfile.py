"""Reading the project config file: YAML through a bounded composition, TOML, and the line of
every key, so each error is one finding at its line.

PyYAML's C parser does the parsing; kgen composes nothing it has not first seen to be bounded
in size, nesting depth and alias expansion (an alias bomb expands to billions of values), and
refuses a key given twice in one mapping (YAML would silently keep the second).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from generator.findings import Finding, Level, SpecError
from generator.location import display_path

CODE = "KG005"
KeyPath = tuple[str | int, ...]
MAX_BYTES = 1 << 20
"""A project config is a few kilobytes; anything past a mebibyte is not one."""
MAX_DEPTH = 32
MAX_VALUES = 100_000
"""Values a YAML document may hold once its aliases are expanded (an alias bomb holds
billions)."""


def read(config: Path) -> tuple[dict[str, Any], KeyPath, dict[KeyPath, int]]:
    """The settings mapping, its key-path prefix in the file, and the line of every key path."""
    if config.suffix == ".toml":
        data, text = read_toml(config)
        tool = data.get("tool", {})
        settings = tool.get("kgen", {}) if isinstance(tool, dict) else None
        toml_lines = _toml_lines(text)
        if not isinstance(settings, dict):
            line = toml_lines.get(("tool", "kgen"), toml_lines.get(("tool",), 1))
            raise _error(config, line, "tool.kgen: expected a table of settings")
        return settings, ("tool", "kgen"), toml_lines
    text = _text(config)
    node = _compose(config, text)
    if node is None:
        return {}, (), {}
    if not isinstance(node, yaml.MappingNode):
        raise _error(config, _line(node), "expected a mapping of settings")
    loader = yaml.CSafeLoader("")
    try:
        data = loader.construct_document(node)
    except yaml.YAMLError as error:
        raise _yaml_error(config, error) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    _yaml_lines(node, (), lines)
    return data, (), lines


def _error(config: Path, line: int, message: str) -> SpecError:
    return SpecError([Finding(display_path(str(config)), line, Level.ERROR, CODE, message)])


def _text(config: Path) -> str:
    """The file as UTF-8 text, refused when it cannot be read, is too large or is not UTF-8."""
    try:
        data = config.read_bytes()
    except OSError as error:
        raise _error(config, 0, f"cannot read the project config: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise _error(config, 1, f"{len(data)} bytes; a project config is at most {MAX_BYTES}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise _error(config, line, f"not UTF-8: byte 0x{data[error.start]:02x} at column "
                                   f"{column}") from None


def _compose(config: Path, text: str) -> yaml.Node | None:
    """The YAML node tree, composed only once the event stream shows it is bounded: nesting
    depth, values after alias expansion, and no key given twice in one mapping."""
    try:
        _bounded(config, yaml.parse(text, Loader=yaml.CSafeLoader))
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as error:
        raise _yaml_error(config, error) from None
    if node is not None:
        _no_duplicate_keys(config, node, set())
    return node


def _bounded(config: Path, events: Iterator[yaml.Event]) -> None:
    sizes: dict[str, int] = {}
    """Anchor -> how many values its node holds, aliases expanded."""
    open_nodes: list[list[Any]] = []
    """Per open collection: [values so far, its anchor]."""
    total = 0

    def add(count: int, line: int, into_parent: bool = True) -> None:
        nonlocal total
        if open_nodes and into_parent:
            open_nodes[-1][0] += count
        total += count
        if total > MAX_VALUES:
            raise _error(config, line, f"the document expands to more than {MAX_VALUES} "
                                       "values (YAML aliases repeating aliases); refused")

    for event in events:
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_nodes) >= MAX_DEPTH:
                raise _error(config, line, f"nested deeper than {MAX_DEPTH} levels")
            add(1, line, into_parent=False)
            open_nodes.append([1, event.anchor])
        elif isinstance(event, yaml.CollectionEndEvent):
            count, anchor = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = count
            if open_nodes:
                open_nodes[-1][0] += count
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[event.anchor] = 1
            add(1, line)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in sizes:
                raise _error(config, line, f"alias *{event.anchor} has no complete anchor "
                                           "before it (undefined, or it refers to itself)")
            add(sizes[event.anchor], line)


def _no_duplicate_keys(config: Path, node: yaml.Node, seen: set[int]) -> None:
    """YAML keeps the last of two equal keys and drops the first block silently: refuse."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                line = _line(key)
                if (key.tag, key.value) in first:
                    raise _error(config, line, f"key {key.value!r} is given twice in one "
                                               f"mapping (first at line "
                                               f"{first[(key.tag, key.value)]}); YAML would "
                                               "keep only this one")
                first[(key.tag, key.value)] = line
            _no_duplicate_keys(config, value, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _no_duplicate_keys(config, item, seen)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1 if node.start_mark is not None else 1


def _yaml_error(config: Path, error: yaml.YAMLError) -> SpecError:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    return _error(config, line, f"invalid YAML: {problem}")


def _yaml_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, key.value)
            lines[child] = key.start_mark.line + 1
            _yaml_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _yaml_lines(item, (*path, index), lines)


def _toml_lines(text: str) -> dict[KeyPath, int]:
    """Lines of tables and keys in a TOML file: `[a.b]` headers and `key =` lines below them.

    Enough to point at a typo; inline tables and dotted keys fall back to their table's line.
    """
    lines: dict[KeyPath, int] = {}
    table: KeyPath = ()
    for number, raw in enumerate(text.split("\n"), 1):  # TOML ends lines at newlines only
        stripped = raw.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            table = tuple(part.strip().strip('"') for part in stripped.strip("[]").split("."))
            lines.setdefault(table, number)
        elif "=" in stripped and not stripped.startswith("#"):
            key = stripped.split("=", 1)[0].strip().strip('"')
            lines.setdefault(table + tuple(key.split(".")), number)
    return lines


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text; an error at the line tomllib names when it is invalid."""
    import tomllib  # only a pyproject.toml needs it

    text = _text(path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(where.group(1)) if where else max(1, text.count("\n"))
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)", "", str(error))
        raise _error(path, line, f"invalid TOML: {message}") from None
    except RecursionError:
        raise _error(path, 1, "invalid TOML: nested too deeply") from None
