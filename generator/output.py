"""The output tree: compare it with a fresh build, or replace it atomically.

kgen owns exactly the files listed in the manifest it writes; anything else in the output
directory is left alone. A build is staged in a sibling directory and swapped in with one
atomic rename-exchange, so an error or an interrupt leaves the old tree as it was. Staging
directories are named `.kgen-staging-<pid>-...` (ignored by git; one left by a killed run is
removed by the next). Unchanged files are carried over as hard links, so they keep their mtime;
a build that changes nothing writes nothing. An output directory that is a symlink is written
through (its target is replaced); one that is a file or has no write permission is refused.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

from generator import fastpath

MANIFEST = "kgen-manifest.json"
STAGING = ".kgen-staging-"


class OutputError(Exception):
    """The output tree cannot be written as asked."""


class Written(NamedTuple):
    """What a write did to the tree: files written, files removed, files left as they were."""

    written: int
    removed: int
    unchanged: int

    def __str__(self) -> str:
        return f"wrote {self.written}, removed {self.removed}, unchanged {self.unchanged}"


def with_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files plus the manifest that records them (paths and sha256), in a stable order."""
    return {**files, MANIFEST: manifest({path: _digest(data) for path, data in files.items()})}


def manifest(hashes: Mapping[str, str]) -> bytes:
    """The manifest of files with these sha256 digests."""
    listing = dict(sorted(hashes.items()))
    return (json.dumps({"generator": "kgen", "files": listing}, indent=2, sort_keys=True)
            + "\n").encode("utf-8")


def owned_files(out_dir: Path) -> set[str]:
    """The files the last build recorded as its own (none when there is no manifest)."""
    try:
        data = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(path) for path in data["files"]} | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


class Part(NamedTuple):
    """What a worker process's copy of a sink did with one integration's files, for the
    sink in the building process to take in (`Sink.merge`). (Named tuples here: Python 3.11
    makes a dataclass in about 0.4 ms, compiling each method, in every build that imports
    this module.)"""

    files: list[tuple[str, str]]
    """Path and sha256 of each file, in the order the build made them."""
    kept: list[str]
    written: int
    foreign: list[str]
    stale: list[str]
    missing: list[str]
    chunks: dict[str, str]
    data: tuple[bytes, ...] = ()
    """The bytes of each file, in `files`' order, for a sink that keeps them (`Memory`)."""


class Sink(Protocol):
    """Where a build puts its files, one by one: a staging tree, or a comparison with the tree
    on disk. Each path comes once; the manifest is the sink's own.

    Worker processes forked from the build (`generator.workers`) each use their own copy: the
    build calls `share` before forking them, a worker `part` after each integration, and the
    build `merge` with each part, in integration order."""

    def add(self, path: str, data: bytes) -> str:
        """A file the build made; its sha256."""

    def reuse(self, files: Mapping[str, str]) -> bool:
        """Files (path -> sha256) a build made before, taken as they are in the current tree
        when it holds every one of them with that digest; False (nothing taken) otherwise."""

    def share(self) -> None:
        """Ready the sink for copies in forked worker processes."""

    def part(self) -> Part:
        """What this copy did since the last `part` (or the fork), then forget it."""

    def merge(self, part: Part) -> None:
        """Take in a copy's part; OutputError at the first path already made (the paths
        before it are taken)."""


class Memory:
    """A sink that keeps the files in memory and writes nothing (what `kgen check` validates
    and `kgen test` runs). A worker's part carries the bytes of its files. Given the output
    `tree`, it takes the files of an integration the unit cache holds from there (read, never
    written); without one, every integration is built."""

    def __init__(self, tree: Path | None = None) -> None:
        self.hashes: dict[str, str] = {}
        self.files: dict[str, bytes] = {}
        self.tree = tree

    def add(self, path: str, data: bytes) -> str:
        digest = _claim(self.hashes, path, data)
        self.files[path] = data
        return digest

    def reuse(self, files: Mapping[str, str]) -> bool:
        if self.tree is None:
            return False
        found = {}
        for path, digest in files.items():
            data = None if path in self.hashes else _regular_file(self.tree / path)
            if data is None or _digest(data) != digest:
                return False
            found[path] = data
        self.hashes.update(files)
        self.files.update(found)
        return True

    def share(self) -> None:
        pass

    def part(self) -> Part:
        done = Part(list(self.hashes.items()), kept=[], written=0, foreign=[], stale=[],
                    missing=[], chunks={}, data=tuple(self.files.values()))
        self.hashes, self.files = {}, {}
        return done

    def merge(self, part: Part) -> None:
        for (path, digest), data in zip(part.files, part.data, strict=True):
            _claim_digest(self.hashes, path, digest)
            self.files[path] = data

    def finish(self) -> dict[str, bytes]:
        """Every file the build made, plus the manifest (as `with_manifest` makes it)."""
        return {**self.files, MANIFEST: manifest(self.hashes)}


class Drift(NamedTuple):
    """How an output tree differs from what the specs produce."""

    stale: list[str]
    missing: list[str]
    extra: list[str]
    diff: str = ""
    files: int = 0
    """How many files the build makes, the manifest included."""

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra)


class DriftCheck:
    """A sink that compares each file with the tree on disk and never writes."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.hashes: dict[str, str] = {}
        self._stale: list[str] = []
        self._missing: list[str] = []
        self._chunks: dict[str, str] = {}

    def add(self, path: str, data: bytes) -> str:
        digest = _claim(self.hashes, path, data)
        target = self.out_dir / path
        current = _regular_file(target)  # as a build takes it: a symlink is no output file
        if current is None:
            (self._stale if os.path.lexists(target) else self._missing).append(path)
            self._chunks[path] = _diff(path, b"", data)
            return digest
        if current != data:
            self._stale.append(path)
            self._chunks[path] = _diff(path, current, data)
        return digest

    def reuse(self, files: Mapping[str, str]) -> bool:
        if any(path in self.hashes or not _holds_digest(self.out_dir / path, digest)
               for path, digest in files.items()):
            return False
        self.hashes.update(files)
        return True

    def share(self) -> None:
        pass

    def part(self) -> Part:
        done = Part(list(self.hashes.items()), kept=[], written=0, foreign=[],
                    stale=self._stale, missing=self._missing, chunks=self._chunks)
        self.hashes, self._stale, self._missing, self._chunks = {}, [], [], {}
        return done

    def merge(self, part: Part) -> None:
        for path, digest in part.files:
            _claim_digest(self.hashes, path, digest)
        self._stale += part.stale
        self._missing += part.missing
        self._chunks.update(part.chunks)

    def finish(self) -> Drift:
        self.add(MANIFEST, manifest(self.hashes))
        extra = [path for path in sorted(owned_files(self.out_dir) - set(self.hashes))
                 if (self.out_dir / path).is_file()]
        chunks = [self._chunks[path] for path in sorted(self._chunks)]
        chunks += [_diff(path, (self.out_dir / path).read_bytes(), b"") for path in extra]
        return Drift(sorted(self._stale), sorted(self._missing), extra, "".join(chunks),
                     len(self.hashes))


def drift(out_dir: Path, files: dict[str, bytes]) -> Drift:
    """Compare the tree on disk with the files a build would write; never writes."""
    check = DriftCheck(out_dir)
    for path, data in sorted(files.items()):
        if path != MANIFEST:
            check.add(path, data)
    return check.finish()


def _diff(path: str, old: bytes, new: bytes) -> str:
    import difflib  # only a stale tree is shown

    lines = difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text


class Staging:
    """A sink that writes the new tree file by file into a staging directory beside out_dir;
    `finish` completes it (manifest, kgen's old files left out, foreign files kept) and `swap`
    puts it in place in one atomic exchange, or `discard` drops it. out_dir is not touched
    before `swap`. A file the current tree holds byte for byte is hard-linked, so it keeps its
    mtime; a build that changes nothing writes nothing.

    Problems with out_dir itself (a file, read-only, a foreign file where kgen writes) are
    raised by `finish`, so a spec error found meanwhile is reported first."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.hashes: dict[str, str] = {}
        self._written = 0
        self._kept: list[str] = []
        """Files the current tree holds as they should be: linked in by `finish`."""
        self._clashes: list[str] = []
        self._staging: Path | None = None
        self._problem: OutputError | None = None
        self._tree = out_dir
        self._owned: set[str] = set()
        self._foreign: set[str] = set()
        self._unwritable: OutputError | None = None
        """Why `share` could not make the staging directory (a worker reports it on write)."""
        self._root = ""
        """The staging directory's path, once made."""
        self._made: set[str] = {""}
        """Directories of the staging tree made so far, relative to it."""
        try:
            self._tree = _target(out_dir)
            if self._tree.parent.is_dir():
                remove_stale_staging(self._tree.parent)
            self._owned = owned_files(self._tree)
            self._foreign = _foreign_files(self._tree, self._owned)
        except OutputError as error:
            self._problem = error
        except (OSError, RuntimeError) as error:
            self._problem = _output_error(error, out_dir)

    def add(self, path: str, data: bytes) -> str:
        digest = _claim(self.hashes, path, data)
        if self._problem is not None:
            return digest
        if path in self._foreign:
            self._clashes.append(path)
            return digest
        try:  # `_failing` written out: a context manager per file costs a cold build more
            # A path the last build did not own is not in the tree (every other file there
            # is foreign): no look at the tree for it.
            if path in self._owned and _holds(self._tree / path, data):
                self._kept.append(path)
            else:
                self._write(path, data)
                self._written += 1
        except (OSError, RuntimeError) as error:
            raise _output_error(error, self.out_dir) from None
        return digest

    def _write(self, path: str, data: bytes) -> None:
        write_file(self._staged(path), data)

    def _staged(self, path: str) -> str:
        """Where a file goes in the staging tree, its directory made on first use."""
        root = self._root or str(self._dir())
        directory = path.rpartition("/")[0]
        if directory not in self._made:
            os.makedirs(f"{root}/{directory}", exist_ok=True)
            self._made.add(directory)
        return f"{root}/{path}"

    def reuse(self, files: Mapping[str, str]) -> bool:
        if self._problem is not None or any(
                path in self.hashes or path in self._foreign or path not in self._owned
                or not _holds_digest(self._tree / path, digest)
                for path, digest in files.items()):
            return False
        self.hashes.update(files)
        self._kept += files
        return True

    def share(self) -> None:
        """Make the staging directory now, so every worker writes into this one."""
        if self._problem is None and self._staging is None:
            try:
                self._dir()
            except OutputError as error:
                self._unwritable = error

    def part(self) -> Part:
        done = Part(list(self.hashes.items()), kept=self._kept, written=self._written,
                    foreign=self._clashes, stale=[], missing=[], chunks={})
        self.hashes, self._kept, self._written, self._clashes = {}, [], 0, []
        return done

    def merge(self, part: Part) -> None:
        for path, digest in part.files:
            _claim_digest(self.hashes, path, digest)
        self._kept += part.kept
        self._written += part.written
        self._clashes += part.foreign

    def finish(self) -> Written:
        """Complete the staged tree; what swapping it in will do."""
        if self._problem is not None:
            raise self._problem
        if self._foreign:
            self._clashes += _in_the_way(self._foreign, self.hashes)
        if self._clashes:
            raise OutputError(f"{self._tree / sorted(self._clashes)[0]} was not generated by "
                              "kgen; move it away so kgen can write it")
        self.add(MANIFEST, manifest(self.hashes))
        removed = [path for path in sorted(self._owned - set(self.hashes))
                   if (self._tree / path).is_file()]
        done = Written(self._written, len(removed), len(self._kept))
        if not done.written and not done.removed:
            self.discard()
            return done
        with self._failing():
            for path in sorted(self._foreign) + self._kept:
                _place(self._staged(path), source=self._tree / path)
        return done

    def swap(self) -> None:
        """Put the staged tree in place of out_dir (nothing when it would change nothing)."""
        if self._staging is None:
            return
        try:
            with self._failing():
                os.chmod(self._staging, 0o755)
                if self._tree.exists():
                    _exchange(self._staging, self._tree)
                else:
                    os.rename(self._staging, self._tree)
        finally:
            self.discard()

    def discard(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            self._root = ""
            self._made = {""}

    def _dir(self) -> Path:
        if self._unwritable is not None:
            raise self._unwritable
        if self._staging is None:
            self._tree.parent.mkdir(parents=True, exist_ok=True)
            self._staging = Path(tempfile.mkdtemp(
                prefix=f"{STAGING}{os.getpid()}-{self._tree.name}-", dir=self._tree.parent))
            self._root = str(self._staging)
        return self._staging

    @contextlib.contextmanager
    def _failing(self) -> Iterator[None]:
        """OS errors as one OutputError naming the path."""
        try:
            yield
        except (OSError, RuntimeError) as error:
            raise _output_error(error, self.out_dir) from None


def write_tree(out_dir: Path, files: dict[str, bytes]) -> Written:
    """Make out_dir hold exactly `files` plus whatever kgen does not own, atomically."""
    staging = Staging(out_dir)
    try:
        for path, data in sorted(files.items()):
            if path != MANIFEST:
                staging.add(path, data)
        done = staging.finish()
        staging.swap()
    finally:
        staging.discard()
    return done


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
"""How `Path.write_bytes` opens a file (a staging tree's file is new: nothing to truncate)."""


def write_file(path: str, data: bytes) -> None:
    """`Path(path).write_bytes(data)` in three system calls (open, write, close) instead of
    six (Python's file object also asks for the file's status, whether it is a terminal and
    its position), and without building a file object: a cold build writes a dozen files per
    integration."""
    descriptor = os.open(path, _CREATE, 0o666)
    try:
        written = os.write(descriptor, data)
        while written < len(data):  # a short write (a signal, a full disk): write the rest
            written += os.write(descriptor, memoryview(data)[written:])
    finally:
        os.close(descriptor)


def _claim(hashes: dict[str, str], path: str, data: bytes) -> str:
    digest = _digest(data)
    _claim_digest(hashes, path, digest)
    return digest


def _claim_digest(hashes: dict[str, str], path: str, digest: str) -> None:
    if path in hashes:
        raise OutputError(f"two targets both produce {path}")
    hashes[path] = digest


def _output_error(error: OSError | RuntimeError, out_dir: Path) -> OutputError:
    if isinstance(error, OSError):
        return OutputError(f"{error.filename or out_dir}: {error.strerror or error}")
    return OutputError(f"{out_dir}: {error}")  # a symlink loop


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _holds_digest(path: Path, digest: str) -> bool:
    """Whether the regular file at path has this sha256."""
    data = _regular_file(path)
    return data is not None and _digest(data) == digest


def _regular_file(path: Path, size: int | None = None) -> bytes | None:
    """The bytes of the regular file at path, not through a symlink; None when there is no
    such file, it cannot be read or (given `size`) it is not that long."""
    try:
        return fastpath.regular_file(path, follow_symlinks=False, size=size)
    except OSError:
        return None


def _target(out_dir: Path) -> Path:
    """The directory to replace: out_dir, or the directory a symlinked out_dir points at."""
    target = out_dir
    if out_dir.is_symlink():
        target = out_dir.resolve()
        if not target.exists():
            raise OutputError(f"{out_dir} is a symlink to {target}, which does not exist")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{out_dir} is not a directory; move it away or choose another --out")
    if target.is_dir() and not target.stat().st_mode & 0o222:
        raise OutputError(f"{out_dir} is read-only; make it writable or choose another --out")
    return target


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at path holds exactly `data`."""
    return _regular_file(path, len(data)) == data


def remove_stale_staging(directory: Path) -> list[Path]:
    """Remove staging directories whose kgen process is gone (killed mid-write)."""
    removed = []
    for entry in sorted(directory.glob(STAGING + "*")):
        pid = entry.name.removeprefix(STAGING).split("-", 1)[0]
        if entry.is_dir() and not entry.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _in_the_way(foreign: set[str], generated: Mapping[str, str]) -> list[str]:
    """Files kgen did not write that stand where it makes a directory (`docs`, a file,
    against `docs/etcd.md`), or below a path where it writes a file: kept as they are, they
    could not both be in the tree. (The same path is found as each file is added.)"""
    directories = {path[:end] for path in generated for end in _slashes(path)}
    return [path for path in foreign if path in directories
            or any(path[:end] in generated for end in _slashes(path))]


def _slashes(path: str) -> list[int]:
    return [index for index, char in enumerate(path) if char == "/"]


def _foreign_files(out_dir: Path, owned: set[str]) -> set[str]:
    if not out_dir.is_dir():
        return set()
    found = set()
    for directory, dirs, files in os.walk(out_dir):
        relative = os.path.relpath(directory, out_dir)
        names = files + [d for d in dirs if os.path.islink(os.path.join(directory, d))]
        for name in names:
            path = name if relative == "." else f"{relative}/{name}"
            if path not in owned:
                found.add(path)
    return found


def _place(target: str, source: Path) -> None:
    """A file of the current tree into the staging tree as it is: hard-linked (copied where
    that fails), a symlink as a symlink."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two directories in one step (Linux renameat2); where that is missing, two renames.

    renameat2 is looked up among the symbols the interpreter has loaded (its C library), not
    with `ctypes.util.find_library`, which imports subprocess and may run ldconfig."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        error = ctypes.get_errno()
        if error not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OutputError(f"cannot swap {a} into {b}: {os.strerror(error)}")
    backup = a.with_name(a.name + ".old")
    os.rename(b, backup)
    os.rename(a, b)
    os.rename(backup, a)
