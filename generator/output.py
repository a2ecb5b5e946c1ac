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

import ctypes
import ctypes.util
import difflib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "kgen-manifest.json"
STAGING = ".kgen-staging-"


class OutputError(Exception):
    """The output tree cannot be written as asked."""


@dataclass(frozen=True)
class Written:
    """What a write did to the tree: files written, files removed, files left as they were."""

    written: int
    removed: int
    unchanged: int

    def __str__(self) -> str:
        return f"wrote {self.written}, removed {self.removed}, unchanged {self.unchanged}"


def with_manifest(files: dict[str, bytes]) -> dict[str, bytes]:
    """The files plus the manifest that records them (paths and sha256), in a stable order."""
    listing = {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}
    manifest = {"generator": "kgen", "files": listing}
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return {**files, MANIFEST: data}


def owned_files(out_dir: Path) -> set[str]:
    """The files the last build recorded as its own (none when there is no manifest)."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return {str(path) for path in manifest["files"]} | {MANIFEST}
    except (OSError, ValueError, KeyError, TypeError):
        return set()


@dataclass
class Drift:
    """How an output tree differs from what the specs produce."""

    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    diff: str = ""

    @property
    def clean(self) -> bool:
        return not (self.stale or self.missing or self.extra)


def drift(out_dir: Path, files: dict[str, bytes]) -> Drift:
    """Compare the tree on disk with the files a build would write; never writes."""
    result = Drift()
    chunks: list[str] = []
    for path in sorted(files):
        target = out_dir / path
        if not target.is_file():
            result.missing.append(path)
            chunks.append(_diff(path, b"", files[path]))
            continue
        current = target.read_bytes()
        if current != files[path]:
            result.stale.append(path)
            chunks.append(_diff(path, current, files[path]))
    for path in sorted(owned_files(out_dir) - set(files)):
        if (out_dir / path).is_file():
            result.extra.append(path)
            chunks.append(_diff(path, (out_dir / path).read_bytes(), b""))
    result.diff = "".join(chunks)
    return result


def _diff(path: str, old: bytes, new: bytes) -> str:
    lines = difflib.unified_diff(
        old.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{path}",
        tofile=f"b/{path}",
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)
    return text


def write_tree(out_dir: Path, files: dict[str, bytes]) -> Written:
    """Make out_dir hold exactly `files` plus whatever kgen does not own, atomically."""
    try:
        return _write_tree(_target(out_dir), files)
    except OSError as error:
        where = error.filename or out_dir
        raise OutputError(f"{where}: {error.strerror or error}") from None
    except RuntimeError as error:  # a symlink loop
        raise OutputError(f"{out_dir}: {error}") from None


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


def _write_tree(out_dir: Path, files: dict[str, bytes]) -> Written:
    if out_dir.parent.is_dir():
        remove_stale_staging(out_dir.parent)
    owned = owned_files(out_dir)
    foreign = _foreign_files(out_dir, owned)
    clashes = sorted(set(files) & foreign)
    if clashes:
        raise OutputError(
            f"{out_dir / clashes[0]} was not generated by kgen; move it away so kgen can write it"
        )
    unchanged = {path for path, data in files.items() if _holds(out_dir / path, data)}
    removed = [path for path in sorted(owned - set(files)) if (out_dir / path).is_file()]
    done = Written(len(files) - len(unchanged), len(removed), len(unchanged))
    if not done.written and not done.removed:
        return done
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING}{os.getpid()}-{out_dir.name}-",
                                    dir=out_dir.parent))
    try:
        for path in sorted(foreign | unchanged):
            _place(staging / path, source=out_dir / path)
        for path, data in sorted(files.items()):
            if path not in unchanged:
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        os.chmod(staging, 0o755)
        if out_dir.exists():
            _exchange(staging, out_dir)
        else:
            os.rename(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return done


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at path holds exactly `data`."""
    try:
        return (path.is_file() and not path.is_symlink() and path.stat().st_size == len(data)
                and path.read_bytes() == data)
    except OSError:
        return False


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


def _foreign_files(out_dir: Path, owned: set[str]) -> set[str]:
    if not out_dir.is_dir():
        return set()
    found = set()
    for path in out_dir.rglob("*"):
        if path.is_file() or path.is_symlink():
            relative = path.relative_to(out_dir).as_posix()
            if relative not in owned:
                found.add(relative)
    return found


def _place(target: Path, source: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
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
    """Swap two directories in one step (Linux renameat2); where that is missing, two renames."""
    libc_name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(libc_name, use_errno=True) if libc_name else None
    renameat2 = getattr(libc, "renameat2", None)
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
