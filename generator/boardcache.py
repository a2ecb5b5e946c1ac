"""The board cache: each dashboard as grafana-foundation-sdk built it
(`generator.documents.dashboard_builder.built`: JSON data, queries as written), kept so that a
build whose boards did not change neither imports the SDK nor builds through it.

One directory per output tree in `.kgen-cache/`, beside the unit cache's record
(`generator.unitcache`), one file per board, named by its key. The key is the sha256 of all
that the SDK build reads: the board's fields but its queries' text (which
`generator.documents.dashboard` fills in for each scoping), the integration's name and
description, kgen's own code (every file of its package), the interpreter and kgen's
distribution, and the installed grafana-foundation-sdk (its dist-info name and the sha256 of
its RECORD, which lists every file it installed with its digest). A file holds a header line
(format, key, sha256 of the rest) and the board's JSON; any doubt (unreadable, corrupt or
foreign file, no SDK distribution found) means building through the SDK.

The unit cache's entries name the boards their integration used; when it writes its record,
the boards no kept entry names are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from generator import fastpath
from generator.model import Dashboard

FORMAT = 1
SDK = "grafana_foundation_sdk-"


class BoardCache:
    """The boards of one output tree, in `directory`; `read`: whether entries may be used
    (kgen still writes them with `KGEN_NO_FASTPATH` set, as the unit cache does)."""

    def __init__(self, directory: Path, read: bool) -> None:
        self.directory = directory
        self.read = read
        self.used: dict[str, set[str]] = {}
        """Integration name -> the keys of the boards this process built or took for it."""
        self._toolchain: dict[str, Any] | None = None

    def key(self, integration: str, description: str, board: Dashboard) -> str | None:
        """The board's key (recorded as used by `integration`); None when the SDK's
        distribution is not found (then nothing is kept)."""
        if self._toolchain is None:
            self._toolchain = {"kgen": fastpath.package_digest(),
                               "interpreter": fastpath.interpreter(), "sdk": sdk_digest()}
        if self._toolchain["sdk"] is None:
            return None
        fields = board.model_dump()  # floats as they are: inf is not None, 1.0 not 1
        for row in fields["rows"]:
            for panel in row["panels"]:
                for query in panel["queries"]:
                    del query["expr"]  # filled in for each scoping: not read by the SDK build
        key = hashlib.sha256(json.dumps(
            {"format": FORMAT, "toolchain": self._toolchain, "integration": integration,
             "description": description, "board": fields}, sort_keys=True).encode()).hexdigest()
        self.used.setdefault(integration, set()).add(key)
        return key

    def get(self, key: str) -> dict[str, Any] | None:
        """The board kept under `key`, when it is there, whole and readable."""
        if not self.read:
            return None
        try:
            header, _, text = (self.directory / f"{key}.json").read_bytes().partition(b"\n")
            about = json.loads(header)
            if (about != {"format": FORMAT, "key": key,
                          "sha256": hashlib.sha256(text).hexdigest()}):
                return None
            board = json.loads(text)
        except (OSError, ValueError):
            return None
        return board if isinstance(board, dict) else None

    def put(self, key: str, board: dict[str, Any]) -> None:
        """Keep a board just built (in one atomic step; a failure keeps nothing)."""
        text = json.dumps(board, separators=(",", ":")).encode()
        header = json.dumps({"format": FORMAT, "key": key,
                             "sha256": hashlib.sha256(text).hexdigest()}, sort_keys=True)
        path = self.directory / f"{key}.json"
        staged = path.with_name(f"{key}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(header.encode() + b"\n" + text)
            os.replace(staged, path)
        except OSError:
            staged.unlink(missing_ok=True)

    def held(self, keys: list[str]) -> bool:
        """Whether every one of these boards is kept (without reading them)."""
        return self.read and all((self.directory / f"{key}.json").is_file() for key in keys)

    def prune(self, keep: set[str]) -> None:
        """Remove every board but those `keep` names (the directory too, when none is left)."""
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
def sdk_digest() -> str | None:
    """The installed grafana-foundation-sdk distribution(s) on the path: dist-info name and
    the sha256 of its RECORD; None when none is found."""
    found = {}
    for entry in sys.path:
        try:
            names = [n for n in os.listdir(entry or ".")
                     if n.startswith(SDK) and n.endswith(".dist-info")]
        except OSError:
            continue
        for name in names:
            try:
                found[os.path.join(entry, name)] = fastpath.sha256_file(
                    os.path.join(entry, name, "RECORD"))
            except OSError:
                return None
    if not found:
        return None
    return hashlib.sha256(json.dumps(found, sort_keys=True).encode()).hexdigest()
