"""The unit cache: what a build keeps of each integration, so the next build takes its files
from the output tree instead of building it again.

One record per output tree, in `.kgen-cache/` beside the project config (see
`generator.fastpath`), and one for `kgen test`'s build of the tree's rule files
(`test-units-<tree>.json`; its files are taken from the same tree). An integration's entry
holds its key, the sha256 of every spec module it imported from outside its own files, what
the checks found in it and the summaries the checks across integrations read
(`checks.UnitChecks`), and the sha256 of every file it made. The output tree is the content
store: an entry is used only when the tree still holds each of those files with that digest.

The key covers all that can change an integration's files or findings:

- kgen's own code (every file of its package), the interpreter and kgen's distribution; the
  size and mtime of every other module the last build imported are checked too (a changed
  library drops every entry);
- the working directory (findings name paths relative to it);
- the integration's own files (`x.py`, or every file below `x/`), hashed before it is loaded;
  the spec modules it imported besides (helpers, other specs: all the files of a spec package
  it imported from), recorded as it is built; every file below the specs directory that
  belongs to no integration, by name, and its content unless it is a Python module (a module
  counts when imported) or a symlink to nothing (an editor's lock file);
- the project settings that reach it: every setting but the other integrations' entries.

Only an integration without errors is kept, and not one whose inputs were modified within
`fastpath.RACY_NS` of the build's start or during it. Any doubt means building it again.

An entry also names the boards its integration's dashboards were built from
(`generator.boardcache`, kept beside the record): an integration built again takes a board
whose key still holds from there, and the record drops the boards no entry names.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel

from generator import fastpath
from generator.boardcache import BoardCache
from generator.project import Project

FORMAT = 2


class Entry(NamedTuple):
    """One integration's entry. (Named tuples: a dataclass costs every build about 0.5 ms to
    make, a named tuple a third of that.)"""

    key: str
    inputs: dict[str, str]
    """Path -> sha256 of every spec-directory file the key covers by content."""
    files: dict[str, str]
    """Output path -> sha256."""
    checks: dict[str, Any]
    """`checks.UnitChecks.as_json()`."""
    boards: list[str]
    """The board cache's keys of the boards it used, sorted."""

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "inputs": self.inputs, "files": self.files,
                "checks": self.checks, "boards": self.boards}


class Lookup(NamedTuple):
    """An integration's key as this build sees it, and its usable entry, if any."""

    name: str
    key: str
    own: dict[str, str]
    entry: Entry | None
    boards: list[str] | None
    """The boards the integration's last entry used, whether or not its key still holds;
    None without one."""


class UnitCache:
    """The entries of one output tree: read at the start of a build, written after it."""

    def __init__(self, project: Project, read: bool, record: str = "") -> None:
        """`record` sets a build of the tree apart from `kgen build`'s (`kgen test` builds
        the rule files alone): its entries and boards are kept in their own files."""
        directory, tree = fastpath.tree_records(project.source, project.out_dir)
        self.path = directory / f"{record}units-{tree}.json"
        self.boards = BoardCache(directory / f"{record}boards-{tree}", read)
        self.project = project
        self.kept: dict[str, Entry] = {}
        self._read_old = read
        self._own: dict[str, list[str]] = {}
        self._owner: dict[str, str] = {}
        """Every integration's own file -> the integration."""
        self._toolchain = ""
        self._inputs: list[str] = []
        self._old: dict[str, Entry] = {}
        self._old_modules: dict[str, list[int]] = {}
        self.digests: dict[str, str] = {}
        """The sha256 of every input file hashed during this build, by path."""
        self.imported_elsewhere: set[str] = set()
        """The files of modules worker processes imported for this build (this process's
        own are read off `sys.modules`)."""
        self.modules: dict[str, list[int]] = {}
        """The size and mtime of every module outside the specs and kgen that the entries
        depend on: those the record read held (an entry taken from it was built with them,
        maybe in a worker of another run) and those this build imported. Set by `save`."""

    def start(self, units: list[tuple[str, Path]]) -> None:
        """Read the entries for these integrations (name, module path) as the build starts."""
        specs = self.project.specs_dir.resolve()
        self._own = {name: _own_files(specs, path) for name, path in units}
        self._owner = {file: name for name, files in self._own.items() for file in files}
        owned = self._owner.keys()
        shared = {path: (None if path.endswith(".py") or _dangling(path)
                         else fastpath.sha256_file(path))
                  for path in _listing(specs) if path not in owned}
        self._toolchain = _digest({"kgen": fastpath.package_digest(), "cwd": os.getcwd(),
                                   "interpreter": fastpath.interpreter(), "shared": shared})
        self._inputs = [path for path in shared if shared[path] is not None]
        self.digests.update((path, digest) for path, digest in shared.items() if digest)
        self._old = self._read() if self._read_old else {}

    def lookup(self, name: str) -> Lookup | None:
        """The integration's key, hashing its own files now (before it is loaded); None when
        they cannot be read (it is built, and not kept)."""
        try:
            own = {path: fastpath.sha256_file(path) for path in self._own[name]}
        except OSError:
            return None
        self.digests.update(own)
        key = _digest({"toolchain": self._toolchain, "name": name, "own": own,
                       "settings": settings(self.project, name)})
        entry = old = self._old.get(name)
        if entry is not None and (entry.key != key or any(
                _sha256_or_none(path) != digest for path, digest in entry.inputs.items()
                if path not in own)):
            entry = None
        return Lookup(name, key, own, entry, old.boards if old is not None else None)

    def keep(self, looked: Lookup, entry: Entry) -> None:
        self.kept[looked.name] = entry

    def entry(self, looked: Lookup, imported: list[str], files: dict[str, str],
              checks: dict[str, Any], boards: list[str]) -> Entry:
        """A new entry for an integration just built, given the spec modules it imported and
        the boards it used. A module of another integration's package brings in every file
        of that package (its data files, which the module may read)."""
        inputs = dict(looked.own)
        for module in imported:
            owner = self._owner.get(module)
            for path in self._own[owner] if owner is not None else [module]:
                if path not in inputs and os.path.isfile(path):
                    inputs[path] = fastpath.sha256_file(path)
        self.digests.update(inputs)
        return Entry(looked.key, inputs, files, checks, sorted(boards))

    def boards_held(self, looks: list[Lookup | None]) -> bool:
        """Whether the boards these integrations used last are all kept: then building them
        again likely needs no SDK."""
        return all(looked is not None and looked.boards is not None
                   and self.boards.held(looked.boards)
                   for looked in looks)

    def save(self, started_ns: int) -> None:
        """Write the entries kept, leaving out those whose inputs are too recent to trust."""
        roots = [str(self.project.specs_dir.resolve()), str(fastpath.PACKAGE_DIR)]
        self.modules = {**fastpath.modules(roots, started_ns, self.imported_elsewhere),
                        **self._old_modules}
        recent = started_ns - fastpath.RACY_NS
        if any(fastpath.mtime_ns(path) >= recent for path in self._inputs):
            self.path.unlink(missing_ok=True)
            self.boards.commit(set())
            return
        entries = {name: entry.as_json() for name, entry in sorted(self.kept.items())
                   if all(fastpath.mtime_ns(path) < recent for path in entry.inputs)}
        self.boards.commit({key for entry in entries.values() for key in entry["boards"]})
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        content = {"format": FORMAT, "toolchain": self._toolchain, "modules": self.modules,
                   "units": entries}
        try:
            fastpath.write_record(self.path, json.dumps(content, sort_keys=True))
        except OSError:
            self.path.unlink(missing_ok=True)

    def _read(self) -> dict[str, Entry]:
        try:
            record = json.loads(self.path.read_bytes())
            if record["format"] != FORMAT or record["toolchain"] != self._toolchain:
                return {}
            modules = {str(path): list(signature) for path, signature in record["modules"].items()}
            if any(fastpath.signature(path) != signature for path, signature in modules.items()):
                return {}
            entries = {str(name): Entry(**entry) for name, entry in record["units"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}
        self._old_modules = modules
        return entries


def settings(project: Project, name: str) -> str:
    """The project settings that reach one integration, as canonical JSON: all of them but
    the config-file lines (findings kept in the cache never point into the config) and the
    other integrations' entries."""
    fields: dict[str, Any] = {key: value for key, value in project._asdict().items()
                              if key not in ("integrations", "lines", "profiles")}
    fields["integration"] = project.integrations.get(name)
    return json.dumps(fields, default=_plain, sort_keys=True)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot key a {type(value).__name__}")


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _own_files(specs: Path, path: Path) -> list[str]:
    """An integration's own files: its module, or every file below its package."""
    if path.name == "__init__.py":
        return _listing(Path(specs, path.parent.name))
    return [str(specs / path.name)]


def _listing(root: Path) -> list[str]:
    """Every file below root, bytecode caches aside, sorted."""
    found = []
    for directory, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(directory, name) for name in sorted(files)]
    return found


def _dangling(path: str) -> bool:
    """Whether path is a symlink to nothing (as Emacs leaves beside a file it edits)."""
    return os.path.islink(path) and not os.path.exists(path)


def _sha256_or_none(path: str) -> str | None:
    try:
        return fastpath.sha256_file(path)
    except OSError:
        return None
