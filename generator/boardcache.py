"""The board cache: each dashboard as grafana-foundation-sdk built it
(`generator.documents.dashboard_builder.built`: JSON data, queries as written), kept so that a
build whose boards did not change neither imports the SDK nor builds through it.

One directory per output tree in `.kgen-cache/`, beside the unit cache's record
(`generator.unitcache`), one file per board, named by its key. The key is the sha256 of all
that the SDK build reads: the board's fields but its queries' text (which
`generator.documents.dashboard` fills in for each scoping), the integration's name and
description, kgen's own code (every file of its package), the interpreter and kgen's
distribution, and the installed grafana-foundation-sdk, promql-parser and orjson (each one's
dist-info name and the sha256 of its RECORD, which lists every file it installed with its
digest). A file holds a header line (format, key, what scoping its JSON is scoped by, sha256
of the rest) and the board's JSON: the board's file as a build scoped it (the grafana
target's bytes; its queries are replaced by any other scoping, and a build scoping the same
queries the same way takes the file whole), or, for a board only the mixin scoped, the SDK
build itself. Any doubt (unreadable, corrupt or foreign file, one of those distributions not
found) means building through the SDK.

A board built during a build is staged in a temporary directory (made before a parallel build
forks, so that its workers stage there too) and moved into the cache only when the unit cache
writes its record: a build that fails leaves the project as it was. The unit cache's entries
name the boards their integration used; when it writes its record, the boards no kept entry
names are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from functools import cache
from pathlib import Path

from generator import fastpath

FORMAT = 2
SDK = "grafana_foundation_sdk-"
PROMQL = "promql_parser-"
ORJSON = "orjson-"
"""promql-parser prints the scoped queries of a board's file (which an entry may hold), and
orjson writes its JSON (`generator.render`)."""


class BoardCache:
    """The boards of one output tree, in `directory`; `read`: whether entries may be used
    (kgen still writes them with `KGEN_NO_FASTPATH` set, as the unit cache does)."""

    def __init__(self, directory: Path, read: bool) -> None:
        self.directory = directory
        self.read = read
        self.used: dict[str, set[str]] = {}
        """Integration name -> the keys of the boards this process built or took for it."""
        self._toolchain: str | None = None
        """What the key covers besides the board, as JSON (None: a distribution not found)."""
        self._staged: Path | None = None
        self._owner = os.getpid()
        self._listed: frozenset[str] | None = None
        """The names in `directory` when this process first read it (no file is added there
        before `commit`): a board not listed is not read (a cold build has no directory)."""

    def key(self, integration: str, board: str) -> str | None:
        """The key of a board (`generator.documents.dashboard.board_text`: what its SDK build
        reads), recorded as used by `integration`; None when the SDK's, promql-parser's or
        orjson's distribution is not found (then nothing is kept)."""
        if self._toolchain is None:
            libraries = {"sdk": distribution_digest(SDK), "promql": distribution_digest(PROMQL),
                         "orjson": distribution_digest(ORJSON)}
            self._toolchain = None if None in libraries.values() else json.dumps(
                {"format": FORMAT, "kgen": fastpath.package_digest(),
                 "interpreter": fastpath.interpreter(), **libraries}, sort_keys=True)
        if self._toolchain is None:
            return None
        key = hashlib.sha256(f"{self._toolchain}\n{board}".encode()).hexdigest()
        self.used.setdefault(integration, set()).add(key)
        return key

    def get(self, key: str) -> tuple[str | None, bytes] | None:
        """The board kept under `key`, when it is there, whole and readable: what scoping its
        JSON text is the file of (None: the SDK build itself) and the text."""
        if not self.read:
            return None
        name = f"{key}.json"
        if self._listed is None:
            try:
                self._listed = frozenset(os.listdir(self.directory))
            except OSError:
                self._listed = frozenset()
        if name not in self._listed:
            return None
        try:
            header, _, text = (self.directory / name).read_bytes().partition(b"\n")
            about = json.loads(header)
        except (OSError, ValueError):
            return None
        if not isinstance(about, dict) or about != {
                "format": FORMAT, "key": key, "scoped": about.get("scoped"),
                "sha256": hashlib.sha256(text).hexdigest()} or not (
                about["scoped"] is None or isinstance(about["scoped"], str)):
            return None
        return about["scoped"], text

    def stage(self) -> Path | None:
        """The temporary directory boards built during this build wait in (made now when it
        is not yet; removed when this process exits, if `commit` did not); None when it
        cannot be made (then nothing is kept)."""
        if self._staged is None:
            import atexit
            import tempfile

            try:
                self._staged = Path(tempfile.mkdtemp(prefix="kgen-boards-"))
            except OSError:
                return None
            atexit.register(self.discard)
        return self._staged

    def put(self, key: str, text: bytes, scoped: str | None) -> None:
        """Stage a board just built: the JSON text of its SDK build, or of its file as the
        scoping `scoped` makes it (the queries are replaced on use; a failure stages
        nothing)."""
        staged = self.stage()
        if staged is None:
            return
        from generator.output import write_file

        header = json.dumps({"format": FORMAT, "key": key, "scoped": scoped,
                             "sha256": hashlib.sha256(text).hexdigest()}, sort_keys=True)
        path = os.path.join(staged, f"{key}.json")  # a cold build stages every board: no Path
        try:
            write_file(path, header.encode() + b"\n" + text)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def commit(self, keep: set[str]) -> None:
        """Move the staged boards that `keep` names into the cache (each in one atomic step:
        renamed, or copied and renamed from another file system) and remove every board it
        does not name (the directory too, when none is left)."""
        staged = self._staged
        if staged is not None and keep:
            import shutil

            with contextlib.suppress(OSError):
                self.directory.mkdir(parents=True, exist_ok=True)
            for name in sorted(os.listdir(staged)):
                if name.removesuffix(".json") not in keep:
                    continue
                try:
                    os.replace(staged / name, self.directory / name)
                except OSError:
                    landing = self.directory / f"{name}.{os.getpid()}.tmp"
                    try:
                        shutil.copyfile(staged / name, landing)
                        os.replace(landing, self.directory / name)
                    except OSError:
                        landing.unlink(missing_ok=True)
        self.discard()
        self._prune(keep)
        self._listed = None

    def discard(self) -> None:
        """Remove the staged boards (in the process that made their directory only)."""
        if self._staged is not None and os.getpid() == self._owner:
            import shutil

            shutil.rmtree(self._staged, ignore_errors=True)
            self._staged = None

    def held(self, keys: list[str]) -> bool:
        """Whether every one of these boards is kept (without reading them)."""
        return self.read and all((self.directory / f"{key}.json").is_file() for key in keys)

    def _prune(self, keep: set[str]) -> None:
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name.removesuffix(".json") not in keep:
                (self.directory / name).unlink(missing_ok=True)
        if not keep:
            with contextlib.suppress(OSError):
                self.directory.rmdir()


@cache
def distribution_digest(prefix: str) -> str | None:
    """The installed distribution(s) on the path whose dist-info name starts with `prefix`:
    dist-info name and the sha256 of its RECORD; None when none is found or one cannot be
    read."""
    try:
        found = fastpath.distributions(prefix, "RECORD")
    except OSError:
        return None
    if not found:
        return None
    return hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
