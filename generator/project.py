"""The project config: `kgen.yaml` (or `[tool.kgen]` in pyproject.toml) and its profiles.

A profile is a named set of settings laid over the base ones (mappings merge key by key, lists
and scalars replace), written to its own output tree. Every key is validated; an error names the
config file, the line, and the key path, like a spec error does.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.findings import Finding, Level, SpecError, did_you_mean
from generator.model import Flavor, Severity
from generator.model.base import Location, display_path
from generator.model.types import LabelName
from generator.targets import DEFAULT_TARGETS, TARGETS

CODE = "KG005"
KeyPath = tuple[str | int, ...]
MAX_BYTES = 1 << 20
"""A project config is a few kilobytes; anything past a mebibyte is not one."""
MAX_DEPTH = 32
MAX_VALUES = 100_000
"""Values a YAML document may hold once its aliases are expanded (an alias bomb holds
billions)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlertSettings(_Strict):
    """Changes to an integration's alerts that need no fork of its spec."""

    labels: dict[LabelName, str] = Field(default_factory=dict)
    """Extra labels on every alert (team, tier), for Alertmanager routing."""
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Alert name -> the severity it should carry instead of the spec's."""
    disable: tuple[str, ...] = ()
    """Alert names to leave out."""


class IntegrationSettings(_Strict):
    config: dict[str, Any] = Field(default_factory=dict)
    """Values for the integration's typed `Config` (selector, thresholds, for-durations, ...)."""
    alerts: AlertSettings = AlertSettings()


class Settings(_Strict):
    """What the base config and each profile can set."""

    out: str | None = None
    targets: tuple[str, ...] | None = None
    flavors: tuple[Flavor, ...] | None = None
    cluster_label: LabelName | None = None
    integrations: dict[str, IntegrationSettings] = Field(default_factory=dict)

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, targets: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for target in targets or ():
            if target not in TARGETS:
                raise ValueError(f"unknown target {target!r}{did_you_mean(target, TARGETS)}; "
                                 f"known: {', '.join(TARGETS)}")
        return targets


class ProjectFile(Settings):
    specs: str = "specs"
    profiles: dict[str, Settings] = Field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    """The settings one build runs with: base config, with the chosen profile laid over it."""

    specs_dir: Path = Path("specs")
    out_dir: Path = Path("out")
    targets: tuple[str, ...] = DEFAULT_TARGETS
    flavors: tuple[Flavor, ...] | None = None
    cluster_label: str | None = None
    integrations: Mapping[str, IntegrationSettings] = field(default_factory=dict)
    source: Path | None = None
    """The config file, if any."""
    prefix: KeyPath = ()
    """Where the settings live in `source`: () for kgen.yaml, ("tool", "kgen") in pyproject."""
    lines: Mapping[KeyPath, int] = field(default_factory=dict)
    profile: str | None = None
    profiles: tuple[str, ...] = ()
    """Every profile the config defines."""

    def locate(self, *path: str | int) -> Location | None:
        """The config-file line of a key path, in the profile when it sets the key, else in
        the base settings (or the nearest written parent key)."""
        if self.source is None:
            return None
        bases = [(*self.prefix, "profiles", self.profile)] if self.profile else []
        for base in [*bases, self.prefix]:
            line = self.lines.get(base + path)
            if line is not None:
                return Location(str(self.source), line)
        for end in range(len(path) - 1, -1, -1):
            line = self.lines.get(self.prefix + path[:end])
            if line is not None:
                return Location(str(self.source), line)
        return Location(str(self.source), 1)

    def check_paths(self, out_given: bool = False, specs_given: bool = False) -> None:
        """Refuse an output directory that holds the specs or the project (kgen replaces its
        tree as a whole), and a configured specs directory that is not there."""
        out, specs = self.out_dir.resolve(), self.specs_dir.resolve()
        project = [self.source.resolve().parent] if self.source is not None else []
        problem = ""
        if out == specs or out in specs.parents or out in project:
            problem = f"out: {self.out_dir} holds the specs or the project config"
        elif specs in out.parents:
            problem = f"out: {self.out_dir} is inside the specs directory {self.specs_dir}"
        if problem:
            where = None if out_given else self.locate("out")
            raise SpecError([Finding("--out", 0, Level.ERROR, CODE, problem) if where is None
                             else Finding.at(where, Level.ERROR, CODE, problem)])
        if self.source is not None and not specs_given and not self.specs_dir.is_dir():
            where = self.locate("specs")
            raise SpecError([Finding.at(where, Level.ERROR, CODE,
                                        f"specs: {self.specs_dir} is not a directory")])

    def values(self) -> dict[str, dict[str, Any]]:
        """Per-integration values for the spec Config models."""
        return {name: dict(s.config) for name, s in self.integrations.items()}


def find_config(directory: Path) -> Path | None:
    """`kgen.yaml` in the directory, else a pyproject.toml that has a `[tool.kgen]` table.

    A pyproject.toml that cannot be read might have been the config: that is an error, not a
    build on defaults.
    """
    if os.path.lexists(directory / "kgen.yaml"):
        return directory / "kgen.yaml"
    pyproject = directory / "pyproject.toml"
    if os.path.lexists(pyproject):
        tool = _read_toml(pyproject)[0].get("tool", {})
        if isinstance(tool, dict) and "kgen" in tool:
            return pyproject
    return None


def load_project(config: Path | None, profile: str | None = None) -> Project:
    """The project settings from `config` (None: defaults), with `profile` applied."""
    if config is None:
        if profile is not None:
            raise SpecError([Finding("<config>", 0, Level.ERROR, CODE,
                                     f"profile {profile!r} asked for, but there is no kgen.yaml "
                                     "or [tool.kgen] in pyproject.toml")])
        return Project()
    raw, prefix, lines = _read(config)
    located = Project(source=config, prefix=prefix, lines=lines)
    try:
        parsed = ProjectFile.model_validate(raw)
    except ValidationError as error:
        raise SpecError([_finding(located, error)]) from None
    merged: Mapping[str, Any] = raw
    if profile is not None:
        if profile not in parsed.profiles:
            where = located.locate("profiles")
            raise SpecError([Finding.at(where, Level.ERROR, CODE,
                                        f"no profile {profile!r}"
                                        f"{did_you_mean(profile, parsed.profiles)}; known: "
                                        f"{', '.join(parsed.profiles) or 'none'}")])
        merged = _merge(raw, raw["profiles"][profile])
    settings = ProjectFile.model_validate({k: v for k, v in merged.items() if k != "profiles"})
    base = config.parent
    base_out = parsed.out or "out"
    out = base_out if profile is None else parsed.profiles[profile].out or f"{base_out}-{profile}"
    return Project(
        specs_dir=base / settings.specs,
        out_dir=base / out,
        targets=settings.targets or DEFAULT_TARGETS,
        flavors=settings.flavors,
        cluster_label=settings.cluster_label,
        integrations=settings.integrations,
        source=config,
        prefix=prefix,
        lines=lines,
        profile=profile,
        profiles=tuple(parsed.profiles),
    )


def _read(config: Path) -> tuple[dict[str, Any], KeyPath, dict[KeyPath, int]]:
    """The settings mapping, its key-path prefix in the file, and the line of every key path."""
    if config.suffix == ".toml":
        data, text = _read_toml(config)
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
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            table = tuple(part.strip().strip('"') for part in stripped.strip("[]").split("."))
            lines.setdefault(table, number)
        elif "=" in stripped and not stripped.startswith("#"):
            key = stripped.split("=", 1)[0].strip().strip('"')
            lines.setdefault(table + tuple(key.split(".")), number)
    return lines


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: mappings merge key by key; anything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _finding(project: Project, error: ValidationError) -> Finding:
    """The first validation error, at its key's line, with a suggestion for a misspelt key."""
    first = error.errors()[0]
    path = tuple(first["loc"])
    dotted = ".".join(str(part) for part in path)
    message = f"{dotted}: {first['msg']}"
    if first["type"] == "extra_forbidden":
        message = f"{dotted}: unknown key{did_you_mean(str(path[-1]), _fields_at(path[:-1]))}"
    if error.error_count() > 1:
        message += f" (and {error.error_count() - 1} more)"
    return Finding.at(project.locate(*path), Level.ERROR, CODE, message)


def _fields_at(path: KeyPath) -> list[str]:
    """The keys the settings mapping at `path` accepts (none when `path` is not a mapping)."""
    model: type[BaseModel] = ProjectFile
    pending: type[BaseModel] | None = None
    for part in path:
        if pending is not None:
            model, pending = pending, None
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        annotation, args = info.annotation, get_args(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
            pending = args[-1]
        else:
            return []
    return [] if pending is not None else list(model.model_fields)


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text; an error at the line tomllib names when it is invalid."""
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
