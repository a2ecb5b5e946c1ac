"""Find spec modules, import them, configure them, and turn every failure into a finding.

A spec is a module `specs/<name>.py` (or a package `specs/<name>/`) exposing `Config`, a
`generator.kit.SpecConfig` of its knobs with defaults, and `integration(config) -> Integration`.

Specs are built from their source as read on every load, never from a `.pyc`: a spec saved twice
in one second at the same size would otherwise be built from the stale one. Their code comes
from generator.codecache (compiled code kept by the sha256 of the source), and their lines go
into `linecache`, so tracebacks and attribute docstrings read what was compiled. What a spec
prints and a `sys.exit()` it calls are caught and reported against the spec's line; a spec
that changes directory is put back.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import importlib.machinery
import importlib.util
import inspect
import io
import linecache
import os
import sys
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ForwardRef, NamedTuple, get_args

from pydantic import BaseModel, PydanticUserError, ValidationError

from generator import codecache, docstrings
from generator.findings import Finding, Level, SpecError, did_you_mean
from generator.kit import SpecConfig
from generator.location import Location, display_path
from generator.model import Integration
from generator.model.base import forget_lines

PACKAGE = "kgen_specs"
CODE_OUTPUT = "KG006"


class Spec(NamedTuple):
    """A configured integration and the file it came from."""

    name: str
    path: Path
    source: str
    """The spec as written in headers, whatever the working directory: `specs/calico.py`, or
    `specs/etcd/` for a package."""
    config: BaseModel
    integration: Integration
    build: Callable[[Any], Integration]
    """The spec's `integration(config)`, for targets that build it again with other values."""
    notes: tuple[Finding, ...] = ()
    """Warnings from loading it (what it printed), reported with the checks' findings."""


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
    specs: list[Spec] = []
    findings: list[Finding] = []
    for name, path in units(specs_dir):
        spec, found = load_unit(name, path, specs_dir, (values or {}).get(name, {}), origin)
        specs += [spec] if spec is not None else []
        findings += found
    if any(f.level is Level.ERROR for f in findings):
        raise SpecError(findings)
    return specs


def units(specs_dir: Path) -> list[tuple[str, Path]]:
    """The spec modules below specs_dir, by name, ready to load one by one; SpecError when the
    directory is missing, empty or holds specs kgen would skip or mix up."""
    shown = display_path(str(specs_dir))
    if not specs_dir.is_dir():
        raise SpecError([Finding(shown, 0, Level.ERROR, "KG001", "specs directory not found")])
    found = discover(specs_dir)
    unusable = _unusable(specs_dir, found)
    if unusable:
        raise SpecError(unusable)
    if not found:
        raise SpecError([Finding(shown, 0, Level.ERROR, "KG001",
                                 "no specs here (a spec is NAME.py or NAME/__init__.py); "
                                 "refusing to build nothing")])
    _fresh_package(specs_dir)
    return found


def load_unit(name: str, path: Path, specs_dir: Path, values: Mapping[str, Any],
              origin: ConfigOrigin | None) -> tuple[Spec | None, list[Finding]]:
    """One spec, imported afresh (no module of another spec's import is shared with it, so
    what it builds depends on its own files only), and what loading it found: its errors (then
    no spec), then what it printed (also kept as the spec's notes)."""
    for module in [m for m in sys.modules if m.startswith(PACKAGE + ".")]:
        del sys.modules[module]
    docstrings.forget()
    forget_lines()
    package = sys.modules.get(PACKAGE)
    for attribute in [a for a in vars(package) if not a.startswith("__")] if package else []:
        delattr(package, attribute)  # the spec package held on to every spec loaded before
    try:
        with _captured(name, path, specs_dir) as printed:
            spec = _load_one(name, path, specs_dir, values, origin)
    except SpecError as error:
        return None, [*error.findings, *printed]
    return spec._replace(notes=tuple(printed)), list(printed)


def imported_files(specs_dir: Path) -> list[str]:
    """The file of every imported module below specs_dir: since the last `load_unit`, its own
    modules and the helpers and other specs it imported (plus any module a spec imported
    from there outside the spec package, which stays imported)."""
    root = os.path.realpath(specs_dir) + os.sep  # str(specs_dir.resolve()), at a fifth
    elsewhere = _elsewhere.setdefault(root, {})
    found = set()
    for module in list(sys.modules.values()):
        if id(module) in elsewhere:
            continue
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(root):
            found.add(path)
        else:
            elsewhere[id(module)] = module
    return sorted(found)


_elsewhere: dict[str, dict[int, object]] = {}
"""Specs directory (its real path, with a final separator) -> each module object seen whose
file is not below it, by `id` (held, so no other object takes the id meanwhile): a module's
`__file__` is read once, not at every integration (reading it from each of a build's ~340
modules, cold in memory by then, cost 0.5-1 ms an integration)."""


def _unusable(specs_dir: Path, found: list[tuple[str, Path]]) -> list[Finding]:
    """Spec files kgen would otherwise skip or mix up: dangling symlinks, a name defined both
    as `x.py` and as `x/`."""
    findings = [Finding(display_path(str(entry)), 0, Level.ERROR, "KG001",
                        f"a symlink to {os.readlink(entry)}, which does not exist")
                for entry in sorted(specs_dir.iterdir())
                if entry.suffix == ".py" and entry.is_symlink() and not entry.exists()]
    seen: dict[str, Path] = {}
    for name, path in found:
        if name in seen:
            findings.append(Finding(display_path(str(path)), 1, Level.ERROR, "KG001",
                                    f"integration {name} is also defined by "
                                    f"{display_path(str(seen[name]))}; keep one"))
        seen.setdefault(name, path)
    return findings


def _fresh_package(specs_dir: Path) -> None:
    """A synthetic package over specs_dir, so spec packages can use relative imports."""
    for module in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[module]
    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(specs_dir.resolve())]
    sys.modules[PACKAGE] = package
    finders = [finder for finder in sys.meta_path if isinstance(finder, _SourceFinder)]
    for finder in finders:
        finder.invalidate_caches()
    if not finders:
        sys.meta_path.insert(0, _SourceFinder())


class _SourceLoader(importlib.machinery.SourceFileLoader):
    """Builds the module from its source as read now: no .pyc is read or written."""

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        # a SyntaxError (bad encoding too) names its line
        code, classes = codecache.code(path, source)
        docstrings.known(code, classes)
        # split as the compiler and linecache do: at newlines only (decode_source made every
        # line end `\n`); str.splitlines also ends a line at a form feed or U+2028
        lines = io.StringIO(importlib.util.decode_source(source)).readlines()
        linecache.cache[path] = (len(source), None, lines, path)
        return code


class _SourceFinder:
    """Finds the spec package's modules with _SourceLoader (a meta path finder; not derived
    from importlib.abc.MetaPathFinder, whose module imports tempfile and shutil).

    It keeps one FileFinder per directory for a build (`_fresh_package` starts each build
    afresh), which lists its directory again whenever the directory's mtime changes, as
    Python's own path finders do, instead of listing the specs directory (an entry per
    integration) for every spec."""

    def __init__(self) -> None:
        self._finders: dict[str, importlib.machinery.FileFinder] = {}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(PACKAGE + ".") or not path:
            return None
        for entry in path:
            finder = self._finders.get(entry)
            if finder is None:
                finder = importlib.machinery.FileFinder(entry, (_SourceLoader, [".py"]))
                self._finders[entry] = finder
            spec = finder.find_spec(fullname)
            if spec is not None:
                return spec
        return None

    def invalidate_caches(self) -> None:
        """`importlib.invalidate_caches()`: list every directory again."""
        self._finders.clear()


class _Output(io.StringIO):
    """A stream that remembers the spec line of each write."""

    def __init__(self, root: str) -> None:
        super().__init__()
        self.root = root
        self.lines: list[int] = []

    def write(self, text: str) -> int:
        frame = sys._getframe(1)
        while frame is not None and not frame.f_code.co_filename.startswith(self.root):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is not None:
            self.lines.append(frame.f_lineno)
        return super().write(text)


@contextlib.contextmanager
def _captured(name: str, path: Path, specs_dir: Path) -> Iterator[list[Finding]]:
    """Run a spec's import and build with stdout and stderr captured; what it wrote becomes a
    warning at the line that wrote it (it would corrupt `kgen check --format json`)."""
    found: list[Finding] = []
    root = str(specs_dir.resolve())
    streams = {"stdout": _Output(root), "stderr": _Output(root)}
    cwd = os.getcwd()
    try:
        with contextlib.redirect_stdout(streams["stdout"]), \
                contextlib.redirect_stderr(streams["stderr"]):
            yield found
    finally:
        if os.getcwd() != cwd:  # relative paths (out/, specs/) must keep their meaning
            os.chdir(cwd)
        for stream, output in streams.items():
            text = output.getvalue()
            if text.strip():
                line = output.lines[0] if output.lines else 1
                first = text.strip().splitlines()[0][:120]
                found.append(Finding(display_path(str(path)), line, Level.WARNING, CODE_OUTPUT,
                                     f"spec {name} wrote to {stream} (kgen keeps it out of "
                                     f"its own output): {first!r}"))


def _load_one(name: str, path: Path, specs_dir: Path, values: Mapping[str, Any],
              origin: ConfigOrigin | None) -> Spec:
    shown = display_path(str(path))
    try:
        module = importlib.import_module(f"{PACKAGE}.{name}")
    except (Exception, SystemExit) as error:
        finding = _from_exception(error, specs_dir, shown, "KG001", "import failed")
        raise SpecError([finding]) from None

    config_model = getattr(module, "Config", None)
    build = getattr(module, "integration", None)
    if not isinstance(config_model, type):
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 "spec module must define `class Config(SpecConfig)`")])
    if not issubclass(config_model, SpecConfig):
        where = _class_location(config_model) or Location(str(path), 1)
        raise SpecError([Finding.at(where, Level.ERROR, "KG003",
                                    "Config must derive from generator.kit.SpecConfig (strict: "
                                    "a typo in kgen.yaml is an error; documented knobs; the "
                                    "selector)")])
    if not callable(build):
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 "spec module must define `integration(config) -> Integration`")])

    try:
        config = config_model.from_values(values)
    except ValidationError as error:
        raise SpecError([_config_finding(error, shown, name, config_model, origin,
                                         set(values))]) from None
    except PydanticUserError as error:  # pydantic could not complete the Config class
        raise SpecError([_incomplete_config(error, config_model, path)]) from None
    try:
        built = build(config)
    except (Exception, SystemExit) as error:
        finding = _from_exception(error, specs_dir, shown, "KG002", "spec failed")
        raise SpecError([finding]) from None
    if not isinstance(built, Integration):
        returned = type(built).__name__
        raise SpecError([Finding(shown, 1, Level.ERROR, "KG003",
                                 f"integration() returned {returned}, not Integration")])
    if built.name != name:
        line = built.location.line if built.location else 1
        raise SpecError([Finding(shown, line, Level.ERROR, "KG003",
                                 f"integration name {built.name!r} must match the module "
                                 f"name {name!r}")])
    package = path.name == "__init__.py"
    source = f"{specs_dir.name}/{name}/" if package else f"{specs_dir.name}/{path.name}"
    return Spec(name=name, path=path, source=source, config=config, integration=built,
                build=build)


def _from_exception(error: BaseException, specs_dir: Path, shown: str, code: str,
                    what: str) -> Finding:
    """A finding at the innermost spec line on the traceback (or the syntax error's line)."""
    import traceback  # only a failing spec is reported

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
    if isinstance(error, SystemExit):
        return Finding(path, line, Level.ERROR, code,
                       f"{what}: the spec called sys.exit({error.code!r}); a spec only builds "
                       "its integration")
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
                    origin: ConfigOrigin | None, given: set[str]) -> Finding:
    """A rejected config value, at the line that set it, naming its key (and the key meant);
    a rejected default (a key the project config does not set) at its line in the Config."""
    first = error.errors()[0]
    loc = tuple(first["loc"])
    unset = bool(loc) and str(loc[0]) not in given
    default = _field_location(model, str(loc[0])) if unset else None
    if default is not None:  # the spec's own default is what the model rejects
        return Finding.at(default, Level.ERROR, "KG004",
                          "config default " + _validation_message(error))
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


def _incomplete_config(error: PydanticUserError, model: type[BaseModel],
                       path: Path) -> Finding:
    """A Config whose knob names a type that is not defined (`window: Duraton` where
    annotations are postponed), at that knob's line; another class pydantic could not complete,
    at the class statement."""
    where = _class_location(model) or Location(str(path), 1)
    module = sys.modules.get(model.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    for knob, field in model.model_fields.items():
        for reference in _forward_references(field.annotation):
            undefined = _undefined_name(reference, namespace)
            if undefined is not None:
                where = _field_location(model, knob) or where
                return Finding.at(where, Level.ERROR, "KG003",
                                  f"Config.{knob}: its type {undefined} is not defined")
    return Finding.at(where, Level.ERROR, "KG003", f"Config: {str(error).splitlines()[0]}")


def _forward_references(annotation: object) -> Iterator[str]:
    """The text of each forward reference in an annotation (`'Duraton'`, `list['Duraton']`,
    whose argument stays a string)."""
    if isinstance(annotation, ForwardRef):
        yield annotation.__forward_arg__
    elif isinstance(annotation, str):
        yield annotation
    for argument in get_args(annotation):
        yield from _forward_references(argument)


def _undefined_name(reference: str, namespace: dict[str, Any]) -> str | None:
    """The name a forward reference's text uses that the Config's module does not define, as
    typing would find it evaluating the text there (a name defined below the class is
    defined by now); None when it evaluates."""
    try:
        value = eval(reference, namespace)  # what typing does with the text
    except NameError as error:
        return error.name
    except Exception:  # another mistake, which pydantic's message names
        return None
    return next(filter(None, (_undefined_name(inner, namespace)
                              for inner in _forward_references(value))), None)


def _class_location(model: type) -> Location | None:
    """The line of a class statement (after its decorators)."""
    try:
        path = inspect.getsourcefile(model)
        _, line = inspect.getsourcelines(model)
    except (OSError, TypeError):
        return None
    return Location(path, line) if path else None


def _field_location(model: type[BaseModel], field: str) -> Location | None:
    """The line that declares `field` in the Config class (or the base that declares it)."""
    import textwrap  # only a bad knob is reported

    for cls in model.__mro__:
        if field not in getattr(cls, "__annotations__", {}):
            continue
        try:
            path = inspect.getsourcefile(cls)
            lines, first = inspect.getsourcelines(cls)
        except (OSError, TypeError):
            return None
        tree = ast.parse(textwrap.dedent("".join(lines)))
        for node in ast.walk(tree):
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                    and node.target.id == field and path):
                return Location(path, first + node.lineno - 1)
        return None
    return None
