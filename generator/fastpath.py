"""A no-op build: skip `kgen build` when nothing that shapes its output changed since the last one.

After a build that wrote (or checked clean) its trees, `record` keeps an input manifest in
`.kgen-cache/` beside the project config: the sha256 of the project config, of every file below
the specs directories and kgen's own package (templates and schemas too), kgen's installed
distribution, the interpreter, the size and mtime of every other module the build imported, and
the sha256 of each output manifest. `up_to_date` checks all of it, and every output file against
its manifest, before anything heavy is imported. Any difference or doubt (a missing, unreadable
or foreign record, `KGEN_NO_FASTPATH` set) means a full build.

An input modified within `RACY_NS` of the build's start, or during it, may not be what the build
read: then no record is written, and the next build is a full one.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple

CACHE_DIR = ".kgen-cache"
FORMAT = 1
RACY_NS = 1_000_000_000
DISABLE = "KGEN_NO_FASTPATH"
PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = "kgen-manifest.json"  # generator.output.MANIFEST, without importing it
_IGNORE_ALL = "# kgen's build records; never commit\n*\n"


class Invocation(NamedTuple):
    """What `kgen build` was asked to do, as given on the command line. (A named tuple: a
    dataclass costs a no-op build about 1 ms to import and make.)"""

    config: str | None
    profile: str | None
    specs: str | None
    out: str | None
    all_profiles: bool
    cwd: str = ""

    @classmethod
    def of(cls, config: Path | None, profile: str | None, specs: Path | None, out: Path | None,
           all_profiles: bool) -> Invocation:
        def absolute(path: Path | None) -> str | None:
            return None if path is None else os.path.abspath(path)

        return cls(absolute(config), profile, absolute(specs), absolute(out), all_profiles,
                   os.getcwd())

    def record_path(self) -> Path:
        root = Path(self.config).parent if self.config else Path(self.cwd)
        key = hashlib.sha256(json.dumps(self._asdict(), sort_keys=True).encode()).hexdigest()
        return root / CACHE_DIR / f"build-{key[:20]}.json"

    def config_files(self) -> list[str]:
        """The files the project config is read from (their absence counts too)."""
        if self.config:
            return [self.config]
        return [os.path.join(self.cwd, "kgen.yaml"), os.path.join(self.cwd, "pyproject.toml")]


def enabled() -> bool:
    """Whether kgen may trust what it recorded (`KGEN_NO_FASTPATH` unset): the no-op check and
    the unit cache."""
    return not os.environ.get(DISABLE)


def up_to_date(invocation: Invocation) -> list[tuple[str, int]] | None:
    """Each output tree and its file count when the last build's record still holds; else None."""
    if not enabled():
        return None
    try:
        record = json.loads(invocation.record_path().read_bytes())
        if record["format"] != FORMAT or record["invocation"] != invocation._asdict():
            return None
        if record["interpreter"] != interpreter() or record["config"] != _files(
                invocation.config_files()):
            return None
        if str(PACKAGE_DIR) not in record["sources"] or any(
                _tree(Path(root)) != listing for root, listing in record["sources"].items()):
            return None
        if any(signature(path) != stat for path, stat in record["modules"].items()):
            return None
        return [(_shown(out), _verified(Path(out), digest))
                for out, digest in record["outputs"].items()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _verified(out_dir: Path, manifest_sha256: str) -> int:
    """The number of files in out_dir, each checked against the manifest; raises when stale.
    A symlink is no output file, nor a directory kgen writes in (a build writes a regular file
    in place of the one, and refuses the other as not its own)."""
    data = regular_file(out_dir / MANIFEST, follow_symlinks=False)
    if hashlib.sha256(data).hexdigest() != manifest_sha256:
        raise ValueError(f"{out_dir / MANIFEST} changed")
    files: dict[str, str] = json.loads(data)["files"]
    directories: set[str] = set()
    for parent in {path.rpartition("/")[0] for path in files}:
        while parent and parent not in directories:
            if os.path.islink(out_dir / parent):
                raise ValueError(f"{out_dir / parent} is a symlink")
            directories.add(parent)
            parent = parent.rpartition("/")[0]
    for path, digest in files.items():
        data = regular_file(out_dir / path, follow_symlinks=False)
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"{out_dir / path} changed")
    return len(files) + 1


def config_digests(invocation: Invocation) -> dict[str, str | None] | None:
    """The sha256 of each file the project config is read from (None: no such file), taken
    before the build reads them: `record` keeps these, not the files as they are after it.
    None when one cannot be read (then nothing is recorded; the build reports it)."""
    try:
        return _files(invocation.config_files())
    except OSError:
        return None


def record(invocation: Invocation, trees: list[tuple[Path, Path]], started_ns: int,
           config: Mapping[str, str | None] | None, known: Mapping[str, str] | None = None,
           cached_modules: Mapping[str, list[int]] | None = None) -> None:
    """Record what the build that just finished read and wrote: (specs dir, out dir) per tree,
    and `config`, the `config_digests` taken before it read the project config.

    `known` holds the sha256 of input files the build hashed after it started (path ->
    digest; the unit cache's keys), taken as they are: a file modified since then has an
    mtime after the build's start, and then nothing is recorded. `cached_modules`: the modules
    the unit caches' entries depend on (imported in worker processes, or by an earlier build
    whose entries this one took), with the size and mtime they were built with."""
    path = invocation.record_path()
    if config is None:
        path.unlink(missing_ok=True)
        return
    try:
        roots = sorted({os.path.abspath(specs) for specs, _ in trees} | {str(PACKAGE_DIR)})
        inputs = [*invocation.config_files()]
        sources = {root: _tree(Path(root), inputs, known or {}) for root in roots
                   if root != str(PACKAGE_DIR)}
        sources[str(PACKAGE_DIR)], files = _package_tree()
        inputs += files
        if any(mtime_ns(file) >= started_ns - RACY_NS for file in inputs):
            path.unlink(missing_ok=True)
            return
        outputs = {os.path.abspath(out): sha256_file(out / MANIFEST) for _, out in trees}
        content = {
            "format": FORMAT,
            "invocation": invocation._asdict(),
            "interpreter": interpreter(),
            "config": dict(config),
            "sources": sources,
            "modules": {**modules(roots, started_ns), **(cached_modules or {})},
            "outputs": outputs,
        }
        write_record(path, json.dumps(content, sort_keys=True))
    except OSError:
        path.unlink(missing_ok=True)


def tree_records(source: Path | None, out_dir: Path) -> tuple[Path, str]:
    """Where kgen keeps its records of output tree `out_dir`: the cache directory beside the
    project config `source` (the current directory without one), and the name every record of
    that tree carries (the start of the sha256 of the tree's absolute path)."""
    root = source.parent if source is not None else Path()
    tree = hashlib.sha256(os.path.abspath(out_dir).encode()).hexdigest()[:20]
    return root / CACHE_DIR, tree


def write_record(path: Path, text: str) -> None:
    """Write a record into the cache directory (made, and ignored by git, on first use) in one
    atomic step."""
    path.parent.mkdir(exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.is_file() or ignore.read_text(encoding="utf-8") != _IGNORE_ALL:
        ignore.write_text(_IGNORE_ALL, encoding="utf-8")
    staged = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)


def package_digest() -> str:
    """sha256 over every file of kgen's package (code, templates, schemas)."""
    listing, _ = _package_tree()
    return hashlib.sha256(json.dumps(listing, sort_keys=True).encode()).hexdigest()


@cache
def _package_tree() -> tuple[dict[str, str], list[str]]:
    """kgen's package hashed once per process (the unit cache's key and the build's record
    share it), and its files: `record` trusts none modified since the build started."""
    files: list[str] = []
    return _tree(PACKAGE_DIR, files), files


def _shown(path: str) -> str:
    """The path relative to the working directory when it lies below it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


@cache
def interpreter() -> dict[str, Any]:
    """The interpreter and kgen's installed distribution(s), as far as they shape a build."""
    return {"version": sys.version, "executable": sys.executable, "prefix": sys.prefix,
            "kgen": distributions("kgen-", "METADATA")}


def distributions(prefix: str, member: str) -> dict[str, str]:
    """The installed distributions on the path whose dist-info name starts with `prefix`:
    dist-info path -> sha256 of its `member` file (OSError when one cannot be read)."""
    found = {}
    for entry in sys.path:
        try:
            names = [n for n in os.listdir(entry or ".")
                     if n.startswith(prefix) and n.endswith(".dist-info")]
        except OSError:
            continue
        for name in names:
            found[os.path.join(entry, name)] = sha256_file(os.path.join(entry, name, member))
    return found


def _files(paths: list[str]) -> dict[str, str | None]:
    """sha256 of each file; None for one that does not exist."""
    return {path: sha256_file(path) if os.path.exists(path) else None for path in paths}


def _tree(root: Path, seen: list[str] | None = None,
          known: Mapping[str, str] | None = None) -> dict[str, str]:
    """sha256 of every file below root (bytecode caches aside), by relative path; `known`:
    digests already taken, by full path below root's real path (as the unit cache walks a
    symlinked specs directory)."""
    if not root.is_dir():
        raise FileNotFoundError(root)
    listing = {}
    cut = len(os.path.join(root, ""))  # os.walk's paths start with root: relative by slicing
    real = os.path.join(os.path.realpath(root), "") if known else ""
    for directory, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            full = os.path.join(directory, name)
            digest = known.get(real + full[cut:]) if known else None
            listing[full[cut:]] = digest or sha256_file(full)
            if seen is not None:
                seen.append(full)
    return listing


def modules(hashed_roots: list[str], started_ns: int,
            elsewhere: Iterable[str] = ()) -> dict[str, list[int]]:
    """Size and mtime of the file behind every module outside the hashed roots that the
    build started at `started_ns` imported: in this process (the unit cache and the build
    record share one look at the modules, and add any imported here since, as
    `kgen test --all-profiles` builds its later trees here) and, given as `elsewhere`, the
    files of those its worker processes imported."""
    prefixes = tuple(root + os.sep for root in hashed_roots)
    found = {path: stat for path, stat in _imported(started_ns).items()
             if not path.startswith(prefixes)}
    here = {getattr(module, "__file__", None) for module in list(sys.modules.values())}
    for path in sorted({*elsewhere, *(p for p in here if isinstance(p, str))} - found.keys()):
        if not path.startswith(prefixes) and (stat := signature(path)) is not None:
            found[path] = stat
    return found


@lru_cache(maxsize=1)
def _imported(started_ns: int) -> dict[str, list[int]]:
    found = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and (stat := signature(path)) is not None:
            found[path] = stat
    return found


def signature(path: str) -> list[int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def mtime_ns(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


def sha256_file(path: str | Path) -> str:
    """The file's sha256 (OSError when it is no regular file: see `regular_file`)."""
    return hashlib.sha256(regular_file(path)).hexdigest()


def regular_file(path: str | Path, *, follow_symlinks: bool = True,
                 size: int | None = None) -> bytes:
    """The bytes of the regular file at path (not through a symlink unless `follow_symlinks`),
    in four system calls: open without waiting (a FIFO would wait for a writer), fstat, read
    to the end, close. A no-op build reads some 170 files, a build taking its files from the
    tree each of them, and `open()`'s buffered file object costs more than reading one.
    OSError when there is no such file, it cannot be read, it is not a regular file or (given
    `size`) it is not that long."""
    descriptor = os.open(path, _READ if follow_symlinks else _READ | _NOFOLLOW)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if size is not None and size != status.st_size:
            raise OSError(errno.EINVAL, f"not {size} bytes long", str(path))
        parts = []
        while part := os.read(descriptor, status.st_size + 1):
            parts.append(part)
        return b"".join(parts)
    finally:
        os.close(descriptor)


_READ = (os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
         | getattr(os, "O_NONBLOCK", 0))
"""Untranslated on Windows; a FIFO or device opened without waiting (and then refused)."""
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
"""A symlink refused (ELOOP)."""
