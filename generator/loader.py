"""Find spec modules, import them, configure them, and turn every failure into a finding.

A spec is a module `specs/<name>.py` (or a package `specs/<name>/`) exposing `Config`, a pydantic
model of its knobs with defaults, and `integration(config) -> Integration`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.findings import Finding, Level, SpecError, did_you_mean
from generator.model import Integration
from generator.model.base import Location, display_path

PACKAGE = "kgen_specs"


@dataclass(frozen=True)
class Spec:
    """A configured integration and the file it came from."""

    name: str
    path: Path
    source: str
    """The spec's path as written in headers: `specs/calico.py`, whatever the working directory."""
    config: BaseModel
    integration: Integration
    build: Callable[[Any], Integration]
    """The spec's `integration(config)`, for targets that build it again with other values."""


def discover(specs_dir: Path) -> list[tuple[str, Path]]:
    """Spec modules below specs_dir, by name: `x.py` files and `x/__init__.py` packages."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(specs_dir.iterdir()):
        if entry.name.startswith(("_", ".")):
            continue
        if entry.suffix == ".py" and entry.is_file():
            found.append((entry.stem, entry))
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            found.append((entry.name, entry / "__init__.py"))
    return found


ConfigOrigin = Callable[[str, tuple[str | int, ...]], Location | None]
"""Where an integration's config value was written: (integration, field path) -> location."""


def load(
    specs_dir: Path,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    origin: ConfigOrigin | None = None,
) -> list[Spec]:
    """Import and configure every spec; raise SpecError with every failure found.

    A config value the spec's Config model rejects is reported where `origin` says it was
    written (the project config), else at the spec.
    """
    if not specs_dir.is_dir():
        raise SpecError([Finding(display_path(str(specs_dir)), 0, Level.ERROR, "KG001",
                                 "specs directory not found")])
    _fresh_package(specs_dir)
    specs: list[Spec] = []
    findings: list[Finding] = []
    for name, path in discover(specs_dir):
        try:
            specs.append(_load_one(name, path, specs_dir, (values or {}).get(name, {}), origin))
        except SpecError as error:
            findings.extend(error.findings)
    if findings:
        raise SpecError(findings)
    return specs


def _fresh_package(specs_dir: Path) -> None:
    """A synthetic package over specs_dir, so spec packages can use relative imports."""
    for module in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[module]
    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(specs_dir.resolve())]
    sys.modules[PACKAGE] = package


def _load_one(name: str, path: Path, specs_dir: Path, values: Mapping[str, Any],
              origin: ConfigOrigin | None) -> Spec:
    shown = display_path(str(path))
    try:
        module = importlib.import_module(f"{PACKAGE}.{name}")
    except Exception as error:
        finding = _from_exception(error, specs_dir, shown, "KG001", "import failed")
        raise SpecError([finding]) from error

    config_model = getattr(module, "Config", None)
    build = getattr(module, "integration", None)
    if not (isinstance(config_model, type) and issubclass(config_model, BaseModel)):
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 "spec module must define `class Config(BaseModel)`")])
    if not callable(build):
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 "spec module must define `integration(config) -> Integration`")])

    try:
        config = config_model.model_validate(dict(values))
    except ValidationError as error:
        raise SpecError([_config_finding(error, shown, name, config_model, origin)]) from None
    try:
        built = build(config)
    except Exception as error:
        finding = _from_exception(error, specs_dir, shown, "KG002", "spec failed")
        raise SpecError([finding]) from error
    if not isinstance(built, Integration):
        returned = type(built).__name__
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 f"integration() returned {returned}, not Integration")])
    if built.name != name:
        line = built.location.line if built.location else 1
        raise SpecError([Finding(shown, line, Level.ERROR, "KG003",
                                 f"integration name {built.name!r} must match the module "
                                 f"name {name!r}")])
    source = f"{specs_dir.name}/{path.relative_to(specs_dir).as_posix()}"
    return Spec(name=name, path=path, source=source, config=config, integration=built,
                build=build)


def _from_exception(error: Exception, specs_dir: Path, shown: str, code: str, what: str) -> Finding:
    """A finding at the innermost spec line on the traceback (or the syntax error's line)."""
    path, line = shown, 1
    root = str(specs_dir.resolve())
    if isinstance(error, SyntaxError) and error.filename:
        path, line = display_path(error.filename), error.lineno or 1
    else:
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename.startswith(root):
                path, line = display_path(frame.filename), frame.lineno or 1
    if isinstance(error, ValidationError):
        return Finding(path, line, Level.ERROR, code, _validation_message(error))
    message = f"{what}: {type(error).__name__}: {error}".replace("\n", " ")
    return Finding(path, line, Level.ERROR, code, message)


def _validation_message(error: ValidationError) -> str:
    """`Alert.for: '10 minutes' is not a Prometheus duration ...`, then how many more errors."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = f"{error.title}.{field}: {first['msg']}"
    if error.error_count() > 1:
        message += f" (and {error.error_count() - 1} more)"
    return message


def _config_finding(error: ValidationError, shown: str, name: str, model: type[BaseModel],
                    origin: ConfigOrigin | None) -> Finding:
    """A rejected config value, at the line that set it, naming its key (and the key meant)."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    where = origin(name, loc) if origin is not None else None
    if where is None:
        return Finding(shown, 1, Level.ERROR, "KG004", "config " + _validation_message(error))
    key = ".".join(str(part) for part in ("integrations", name, "config", *loc))
    message = f"{key}: {first['msg']}"
    if first["type"] == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), model.model_fields)
        message = f"{key}: {name} has no such setting{hint}"
    if error.error_count() > 1:
        message += f" (and {error.error_count() - 1} more)"
    return Finding.at(where, Level.ERROR, "KG004", message)
