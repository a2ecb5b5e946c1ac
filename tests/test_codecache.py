"""Compiled spec code is reused only when it was compiled from exactly the source read now, at
the same path, by the same interpreter; otherwise the spec is compiled again."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
import sys
from pathlib import Path

import pytest

from generator import codecache, loader
from tests.broken._base import BASE


@pytest.fixture(autouse=True)
def bytecode_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _summary(specs: Path) -> str:
    (spec,) = loader.load(specs)
    return next(a.summary for a in spec.integration.alerts if a.name == "DemoQueueFull")


def _project(root: Path, text: str) -> Path:
    specs = root / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    (specs / "demo.py").write_text(text, encoding="utf-8")
    return specs


def test_a_loaded_spec_keeps_its_code_and_the_next_load_uses_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = _project(tmp_path, BASE)
    assert _summary(specs) == "Queue full."
    entry = specs / "__pycache__" / f"demo{codecache.SUFFIX}"
    assert entry.is_file()
    compiled: list[str] = []
    real = compile
    monkeypatch.setattr("builtins.compile", lambda *a, **k: compiled.append(a[1]) or real(*a, **k))
    assert _summary(specs) == "Queue full."
    assert str(specs / "demo.py") not in compiled


def test_an_edit_of_the_same_size_and_mtime_is_compiled_again(tmp_path: Path) -> None:
    specs = _project(tmp_path, BASE.replace("Queue full.", "Queue AAAA."))
    path = specs / "demo.py"
    stamp = path.stat().st_mtime_ns
    assert _summary(specs) == "Queue AAAA."
    path.write_text(BASE.replace("Queue full.", "Queue BBBB."), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    assert _summary(specs) == "Queue BBBB."


def test_a_copied_project_does_not_take_code_compiled_at_the_old_path(tmp_path: Path) -> None:
    """Code objects name their file: errors must point at the copy, not the original."""
    specs = _project(tmp_path / "a", BASE)
    assert _summary(specs) == "Queue full."
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    (spec,) = loader.load(tmp_path / "b" / "specs")
    assert spec.integration.location is not None
    assert spec.integration.location.path == str(tmp_path / "b" / "specs" / "demo.py")


def test_a_damaged_entry_is_compiled_over(tmp_path: Path) -> None:
    specs = _project(tmp_path, BASE)
    entry = specs / "__pycache__" / f"demo{codecache.SUFFIX}"
    entry.parent.mkdir()
    entry.write_bytes(b"\0" * 10)
    assert _summary(specs) == "Queue full."
    assert entry.stat().st_size > 1000
    good = entry.read_bytes()
    entry.write_bytes(good[:32] + b"garbage")  # the right key, unreadable code
    assert _summary(specs) == "Queue full."
    assert entry.read_bytes() == good


def test_nothing_is_written_with_bytecode_writing_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    specs = _project(tmp_path, BASE)
    assert _summary(specs) == "Queue full."
    assert not (specs / "__pycache__").exists()


@pytest.mark.parametrize("reader", [b"pydantic 9.9", b"another docstrings.py"])
def test_another_docstring_reader_compiles_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: bytes) -> None:
    """An entry keeps the knob docstrings too: a pydantic upgrade or a change to
    generator.docstrings must not serve the ones read before."""
    specs = _project(tmp_path, BASE)
    assert _summary(specs) == "Queue full."
    compiled: list[str] = []
    real = compile
    monkeypatch.setattr("builtins.compile", lambda *a, **k: compiled.append(a[1]) or real(*a, **k))
    monkeypatch.setattr(codecache, "_reader", lambda: reader)
    assert _summary(specs) == "Queue full."
    assert str(specs / "demo.py") in compiled


def test_the_specs_directory_is_listed_once_a_build_and_afresh_for_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The finder keeps each directory's listing for a build (not one listing of the specs
    directory per spec), and the next build lists again: a module added in between is found."""
    specs = _project(tmp_path, BASE)
    for number in range(3):
        (specs / f"demo{number}.py").write_text(BASE.replace("demo", f"demo{number}"),
                                                encoding="utf-8")
    assert len(loader.load(specs)) == 4  # makes __pycache__/, which changes the mtime
    listed: list[str] = []
    fill = importlib.machinery.FileFinder._fill_cache

    def counted(finder: importlib.machinery.FileFinder) -> None:
        listed.append(finder.path)
        fill(finder)

    monkeypatch.setattr(importlib.machinery.FileFinder, "_fill_cache", counted)
    assert len(loader.load(specs)) == 4
    assert listed.count(str(specs.resolve())) == 1
    stamp = specs.stat().st_mtime_ns
    (specs / "_words.py").write_text('SUMMARY = "Queue words."\n', encoding="utf-8")
    specs.joinpath("demo.py").write_text(
        "from ._words import SUMMARY\n" + BASE.replace('"Queue full."', "SUMMARY"),
        encoding="utf-8")
    os.utime(specs, ns=(stamp, stamp))  # as if within the file system's mtime granularity
    assert _summary_of(specs, "demo") == "Queue words."
    assert listed.count(str(specs.resolve())) == 2


def _summary_of(specs: Path, name: str) -> str:
    spec = next(s for s in loader.load(specs) if s.name == name)
    return next(a.summary for a in spec.integration.alerts if a.name == "DemoQueueFull")
