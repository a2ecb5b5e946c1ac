"""The test cache: the test files `kgen test` saw pass, so that a later run skips promtool for a
file whose inputs are byte for byte those of that pass and reports it as promtool reports a
passing file (by its name alone).

One record per output tree in `.kgen-cache/` beside the project config (`tests-<tree>.json`,
named as the unit cache names its own). For each test file that passed it holds the sha256 of
the file, the rule files the file names (its `rule_files`, read from those bytes: the same
bytes name the same files) and the pass's key, the sha256 of:
- the key scheme (`SCHEME`);
- the test file's name (promtool's argument) and bytes, and each rule file it names with its
  bytes (a name promtool would glob, or one that is not a built rule file, is not cached);
- promtool: the sha256 of its binary (memoised in `promtool.json` on its resolved path,
  device, inode, size, mtime and ctime; any difference means hashing it again), the arguments
  kgen gives it and the environment variables that can change what it computes
  (`ENVIRONMENT`; `GOGC` and the like only change how fast it runs);
- kgen's own code (every file of its package): the parts `generator.trimmed_tests` cuts a test
  file into are made from the file and the one rule file it names alone, by that code.

Only passes are kept: a file that fails runs again, so its report is always promtool's. Each
run writes its tree's record anew, in one atomic step, with the passes it reused or saw (so it
holds at most one entry per test file of the tree, and concurrent runs leave one of their
records whole). An unreadable, corrupt or foreign record or entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import posixpath
import time
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from generator import fastpath
from generator.project import Project
from generator.promtool_pool import ARGUMENTS

SCHEME = "kgen-test-cache-1"
ENVIRONMENT = ("GODEBUG", "TZ", "ZONEINFO")
"""What promtool's Go runtime reads that can change a verdict: its behaviour switches and the
time zone a template's time functions may use."""
PROMTOOL_RECORD = "promtool.json"
_GLOB = frozenset("*?[\\")
"""Characters that make promtool glob a `rule_files` entry."""
_STRING = "tag:yaml.org,2002:str"


class Pass(NamedTuple):
    """A test file that passed: its sha256, the rule files it names and the pass's key."""

    sha256: str
    rule_files: list[str]
    key: str


class TestCache:
    """The passes of one output tree: read when `kgen test` starts it, written after its
    report. `read`: whether passes may be reused (they are recorded either way)."""

    def __init__(self, project: Project, promtool: str, read: bool) -> None:
        self.directory, tree = fastpath.tree_records(project.source, project.out_dir)
        self.path = self.directory / f"tests-{tree}.json"
        self.reading = read
        self._toolchain = toolchain(promtool, self.directory)
        self._old = self._read() if read and self._toolchain is not None else {}
        self._reused: dict[str, Pass] = {}

    def reused(self, test: str, files: Mapping[str, bytes]) -> bool:
        """Whether test file `test` (of the built `files`) passed before with these very
        inputs: then promtool need not run it."""
        old = self._old.get(test)
        if old is None or self._toolchain is None:
            return False
        digest = _sha256(files[f"prometheus/tests/{test}"])
        if digest != old.sha256 or _key(self._toolchain, test, digest, old.rule_files,
                                         files) != old.key:
            return False
        self._reused[test] = old
        return True

    def save(self, passed: Iterable[str], files: Mapping[str, bytes]) -> None:
        """Write the record: the passes reused and those of the test files promtool just
        `passed` (nothing else)."""
        if self._toolchain is None:
            return
        kept = dict(self._reused)
        for test in passed:
            if test not in kept and (new := _pass(self._toolchain, test, files)) is not None:
                kept[test] = new
        content = {"format": SCHEME, "toolchain": self._toolchain,
                   "passes": {test: entry._asdict() for test, entry in sorted(kept.items())}}
        with contextlib.suppress(OSError):  # the old record, if any, stays whole
            fastpath.write_record(self.path, json.dumps(content, sort_keys=True))

    def _read(self) -> dict[str, Pass]:
        try:
            record = json.loads(self.path.read_bytes())
            if record["format"] != SCHEME or record["toolchain"] != self._toolchain:
                return {}
            return {str(test): entry for test, value in record["passes"].items()
                    if (entry := _entry(value)) is not None}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}


def _entry(value: Any) -> Pass | None:
    """A pass as the record holds it; None when it is not one (a miss)."""
    if not isinstance(value, dict) or set(value) != set(Pass._fields):
        return None
    entry = Pass(**value)
    if isinstance(entry.sha256, str) and isinstance(entry.key, str) and isinstance(
            entry.rule_files, list) and all(isinstance(name, str) for name in entry.rule_files):
        return entry
    return None


@cache
def toolchain(promtool: str, directory: Path) -> str | None:
    """What every key covers besides the files, as JSON (once per process: every tree of
    `kgen test --all-profiles` shares it); None when promtool's binary cannot be read whole
    (nothing is cached then)."""
    binary = promtool_sha256(promtool, directory)
    if binary is None:
        return None
    return json.dumps({"scheme": SCHEME, "promtool": binary, "arguments": ARGUMENTS,
                       "environment": {name: os.environ.get(name) for name in ENVIRONMENT},
                       "kgen": fastpath.package_digest()}, sort_keys=True)


def promtool_sha256(promtool: str, directory: Path) -> str | None:
    """The sha256 of the binary `promtool` resolves to, memoised in `directory` on its path,
    device, inode, size, mtime and ctime; None when it cannot be read, or changed while it
    was."""
    path = os.path.realpath(promtool)
    try:
        identity = _identity(path, os.stat(path))
    except OSError:
        return None
    memo = directory / PROMTOOL_RECORD
    try:
        record = json.loads(memo.read_bytes())
        if record["format"] == SCHEME and record["identity"] == identity \
                and isinstance(record["sha256"], str):
            return str(record["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        with open(path, "rb") as binary:
            digest = hashlib.file_digest(binary, "sha256").hexdigest()
            after = _identity(path, os.fstat(binary.fileno()))
    except OSError:
        return None
    if after != identity:
        return None
    if max(identity[-2:]) < time.time_ns() - fastpath.RACY_NS:  # else a change may not show
        with contextlib.suppress(OSError):
            fastpath.write_record(memo, json.dumps(
                {"format": SCHEME, "identity": identity, "sha256": digest}, sort_keys=True))
    return digest


def _identity(path: str, status: os.stat_result) -> list[Any]:
    """What the memo of a binary's digest is kept on; mtime and ctime last."""
    return [path, status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            status.st_ctime_ns]


def rule_files(test: bytes) -> list[str] | None:
    """The `rule_files` a test file names, as PyYAML's safe loader reads them, from the
    parser's events (a tenth of the cost of loading the file); None when the file is not one
    block or flow mapping, without aliases, whose `rule_files`, given once and without a merge
    key (`<<`) beside it, is a sequence of strings without anchors or tags."""
    import yaml

    try:
        events: Iterator[Any] = iter(yaml.parse(test, Loader=yaml.CSafeLoader))
        if not (isinstance(next(events), yaml.StreamStartEvent)
                and isinstance(next(events), yaml.DocumentStartEvent)
                and _plain_collection(next(events), yaml.MappingStartEvent)):
            return None
        names: list[str] | None = None
        while not isinstance(event := next(events), yaml.MappingEndEvent):
            key = _string(event)
            if key is None or key == "<<":
                return None
            if key != "rule_files":
                _skip_node(next(events), events)
                continue
            if names is not None or not _plain_collection(next(events),
                                                          yaml.SequenceStartEvent):
                return None
            names = []
            while not isinstance(event := next(events), yaml.SequenceEndEvent):
                if (name := _string(event)) is None:
                    return None
                names.append(name)
        if not (isinstance(next(events), yaml.DocumentEndEvent)
                and isinstance(next(events), yaml.StreamEndEvent)):
            return None
    except (yaml.YAMLError, StopIteration, ValueError):
        return None
    return [] if names is None else names


def _plain_collection(event: Any, kind: type[Any]) -> bool:
    return isinstance(event, kind) and event.anchor is None and bool(event.implicit)


def _string(event: Any) -> str | None:
    """The string a scalar event holds, when the safe loader reads it as one (quoted, or plain
    and resolving to a string: not `1`, `true`, `null`...) and it has no tag or anchor."""
    import yaml

    if not isinstance(event, yaml.ScalarEvent) or event.anchor is not None \
            or event.tag is not None:
        return None
    resolver: Any = yaml.resolver.Resolver()
    if event.implicit[0] and resolver.resolve(yaml.ScalarNode, event.value,
                                              (True, False)) != _STRING:
        return None
    return str(event.value)


def _skip_node(event: Any, events: Iterator[Any]) -> None:
    """Read the rest of the node that starts with `event` (a scalar is one event);
    ValueError at an alias (the parser does not check that its anchor exists)."""
    import yaml

    depth = int(isinstance(event, yaml.CollectionStartEvent))
    while depth:
        event = next(events)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise ValueError("an alias")
    if isinstance(event, yaml.AliasEvent):
        raise ValueError("an alias")


def _pass(toolchain: str, test: str, files: Mapping[str, bytes]) -> Pass | None:
    data = files[f"prometheus/tests/{test}"]
    names = rule_files(data)
    if names is None:
        return None
    digest = _sha256(data)
    key = _key(toolchain, test, digest, names, files)
    return None if key is None else Pass(digest, names, key)


def _key(toolchain: str, test: str, digest: str, names: list[str],
         files: Mapping[str, bytes]) -> str | None:
    """The key of test file `test` (sha256 `digest`) naming rule files `names`; None when a
    name is one promtool would glob or not a built rule file."""
    rules = []
    for name in names:
        path = posixpath.normpath(f"prometheus/tests/{name}")
        if (_GLOB & set(name) or name.startswith("/") or not path.startswith("prometheus/")
                or path not in files):
            return None
        rules.append([name, _sha256(files[path])])
    return _sha256(json.dumps([toolchain, test, digest, rules]).encode())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
