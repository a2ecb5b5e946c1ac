"""The speed-ups change no byte: the fast JSON and YAML writers match the libraries' own, and a
no-op build leaves exactly what a full build writes, for the shipped specs with every profile
and for a synthetic set of integrations (benchmarks/synth.py)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import gc
import io
import json
import math
import os
import shutil
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import synth
from generator import checks, loader
from generator.cli import main
from generator.findings import Level
from generator.render import (
    _Dumper,
    _orjson,
    _style,
    header_line,
    json_text,
    to_json,
    to_yaml,
    to_yaml_under,
)
from tests.support import CONFIG, ROOT, SPECS

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def reference(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)


@given(JSON)
def test_json_text_is_the_standard_librarys(data: Any) -> None:
    assert json_text(data) == reference(data)


class _Level(enum.IntEnum):
    HIGH = 3


class _Kind(enum.StrEnum):
    GAUGE = "gauge"


def test_json_text_edge_values() -> None:
    deep: list[Any] = []
    for _ in range(300):  # past orjson's nesting limit
        deep = [deep]
    for data in ({}, [], {"a": {}}, [[]], math.inf, -math.inf, 1e-05, 10**30, "é\u2028\x00",
                 {"b": (1, 2)}, {2: "non-string key"}, {"k": True, "j": None},
                 {"v": [math.nan, 0.5]}, {"v": -math.inf}, [1e-7, 2.5e-8, 0.00001, 0.0001, 1e16],
                 [1e16], {"v": [2.5e20, -1e300, 1.5e16]},  # alone: no small float sends them
                 # to the standard library (orjson before 3.11.7 wrote `1e16` for `1e+16`)
                 [-0.0, 5e-324, 1.7976931348623157e308, 2**63 - 1, -(2**63), 2**64, -(2**64)],
                 ["node-1 fires after 1e-5 s", "0.00001", "x0.0000y", "e-1"], "\ud800",
                 {"\U0001f600": "\x7f", "\u00e9": 1, "z": 2, "Z": 3}, [_Level.HIGH, _Kind.GAUGE],
                 deep):
        assert json_text(data) == reference(data)
        if data != "\ud800":  # a lone surrogate has no UTF-8: to_json raises, as it did
            assert to_json(data) == (reference(data) + "\n").encode("utf-8")


@given(JSON)
def test_json_orjson_read_is_written_as_the_standard_library_does_unread(data: Any) -> None:
    """`to_json(data, plain=True)`: what orjson reads is not read back after it is written."""
    try:
        read = orjson.loads(orjson.dumps(data))
    except TypeError:  # orjson.JSONEncodeError is one
        return
    assert to_json(read, plain=True) == (reference(read) + "\n").encode("utf-8")


def test_json_text_refuses_what_json_refuses() -> None:
    """orjson writes these; `json.dumps`, and so kgen, refuses them."""
    for data in ([datetime.date(2026, 1, 1)], {"k": _Unit(1)}, [enum.Enum("E", "A").A]):
        with pytest.raises(TypeError):
            json_text(data)


@dataclasses.dataclass
class _Unit:
    x: int


def test_json_text_takes_orjsons_bytes_for_a_dashboard_like_document() -> None:
    """The fast path is taken for what dashboards hold (so the speed-up cannot silently go)."""
    document = {"panels": [{"id": 1, "title": "Leader changes · etcd", "gridPos": {"h": 8},
                            "fieldConfig": {"defaults": {"thresholds": {"steps": [
                                {"color": "green", "value": None}, {"value": 0.25}]}}},
                            "targets": [{"expr": 'rate(x{job="etcd"}[5m]) > 0.001'}],
                            "transparent": False, "links": []}], "schemaVersion": 39}
    written = _orjson(document)
    assert written is not None
    assert written.decode() == reference(document)


def test_json_text_on_every_generated_json_file(built: dict[str, bytes]) -> None:
    documents = [json.loads(data) for path, data in built.items() if path.endswith(".json")]
    assert documents
    for document in documents:
        assert json_text(document) == reference(document)


class _PlainDumper(yaml.CSafeDumper):
    """PyYAML's own dumper with kgen's two choices (no anchors, multi-line strings as literal
    blocks) and none of `to_yaml`'s shortcuts: the reference its output is held to."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_PlainDumper.add_representer(str, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None))


def yaml_reference(data: Any) -> bytes:
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=1 << 16).encode("utf-8")


@given(JSON)
def test_to_yaml_is_pyyamls(data: Any) -> None:
    assert to_yaml(data) == yaml_reference(data)


def test_to_yaml_on_every_generated_yaml_file(built: dict[str, bytes]) -> None:
    documents = [document for path, data in built.items() if path.endswith(".yaml")
                 for document in yaml.safe_load_all(data)]
    assert documents
    for document in documents:
        assert to_yaml(document) == yaml_reference(document)


SCALARS = ["", "true", "Yes", "off", "null", "~", "1", "-1.5", "+1", "0x1f", "0o7", ".inf",
           "-.Inf", ".nan", "1_000", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=",
           "190:20:30", "5m", "1e3", "-", 'job="x"', "true\n", "a\nb", " x", "x ", "'", '"',
           "#", "- x", ": x", "!", "&", "*", "?", "0+600x19", "{}", "[]", "1m", "\t", "\x85",
           "\u2028", "é", "a" * 200]
"""Strings PyYAML reads back as another type when plain, or writes quoted, or in a block."""

YAMLISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text()
    | st.sampled_from(SCALARS),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.sampled_from(SCALARS) | st.integers() | st.booleans(),
                      inner, max_size=4),
    max_leaves=30,
)
"""JSON-like data whose strings are often those of SCALARS, each met several times (a
document's strings keep their style from their first node) and as keys and values."""


@given(YAMLISH)
def test_to_yaml_is_pyyamls_on_special_strings(data: Any) -> None:
    assert to_yaml(data) == yaml_reference(data)


@given(st.sampled_from(SCALARS) | st.text(max_size=8))
def test_a_strings_style_is_the_emitters_choice(value: str) -> None:
    """`_style` quotes a one-line string exactly when PyYAML's resolver reads its plain form
    back as another type than str (the emitter then quotes it); a string with a line break
    is a literal block, as the representer asks."""
    resolved = yaml.resolver.BaseResolver.resolve(_Dumper(io.StringIO()), yaml.ScalarNode, value,
                                                  (True, False))
    expected = "|" if "\n" in value else None if resolved == "tag:yaml.org,2002:str" else "'"
    assert _style(value) == expected


def test_a_document_left_to_the_representer_starts_afresh() -> None:
    """A float met after strings of every style were emitted sends the whole document to
    PyYAML's representer: nothing emitted before it is kept, the header is written once."""
    data = {"a": ["x", "true", "x\ny", 1, None, False], "b": {"true": 1.5}, "c": "x"}
    assert to_yaml(data, "specs/x.py") == header_line("specs/x.py") + yaml_reference(data)


def test_one_event_carries_many_strings() -> None:
    """The events that carry each style's strings hold no earlier string's text: strings of
    each style alternate, each met again after the others."""
    strings = ["a", "1", "x\ny", "b", "true", "p\nq", "a", "1", "x\ny", "", "é", "1\n"]
    data = {s: [s, *strings, {s: s}] for s in strings}
    assert to_yaml(data) == yaml_reference(data)
    assert yaml.safe_load(to_yaml(data)) == data


MAPPING = st.dictionaries(st.text(max_size=6) | st.sampled_from(SCALARS), YAMLISH,
                          min_size=1, max_size=4)
ENDINGS = st.sampled_from(["x\n", "x\n\n", "\n", " x\ny", "x\ry", "x\u2028y", "a\n\nb\n",
                           "\x85", "...", "x\n...\n"])
"""Strings whose block or quoted form depends on the column, or ends the document (`|+`)."""


@given(MAPPING, st.sampled_from(["spec", "true", "a b", "", "x" * 130, "é" * 100, "\ufeffx",
                                 *SCALARS, "#x", "x: y", "x\ty", "x #y", "[x", "{x", "@x",
                                 "`x", "%x", "|", ">", "a" * 127]),
       st.dictionaries(st.text(max_size=4), YAMLISH | ENDINGS, min_size=1, max_size=4)
       | st.sampled_from([{}, {"k": []}, {"k": {}}]), st.none() | st.just("specs/x.py"))
def test_to_yaml_under_is_to_yaml(data: dict[str, Any], key: str, value: dict[str, Any],
                                  source: str | None) -> None:
    """A mapping written once, indented under a key, reads as the whole document written."""
    assert to_yaml_under(data, key, value, to_yaml(value), source) == \
        to_yaml({**data, key: value}, source)


def test_to_yaml_under_at_the_line_width() -> None:
    """A scalar the emitter breaks near the line width (65536) is not indented as it lies."""
    for value in ({"k": "x" * 65_532 + " y"}, {"k": ["x" * 65_533 + " y"]},
                  {"k": {"j": "x" * 65_528 + " y z"}}):
        assert to_yaml_under({"a": 1}, "spec", value, to_yaml(value)) == \
            to_yaml({"a": 1, "spec": value})


def _settle(root: Path) -> None:
    past = time.time() - 30
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _builds(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """A full build, a no-op build and a build with the fast path off, each leaving the same
    trees; their reports."""
    monkeypatch.chdir(root)
    reports, trees = [], []
    for disabled in ("", "", "1"):
        monkeypatch.setenv("KGEN_NO_FASTPATH", disabled)
        result = CliRunner().invoke(main, ["build", *args])
        assert result.exit_code == 0, result.output
        reports.append(result.output)
        trees.append({p.name: _tree(p) for p in root.iterdir() if p.name.startswith("out")})
    assert trees[0] == trees[1] == trees[2]
    return reports


def test_shipped_specs_every_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(SPECS, tmp_path / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(CONFIG, tmp_path / "kgen.yaml")
    _settle(tmp_path)
    full, noop, _ = _builds(tmp_path, monkeypatch, "--all-profiles")
    assert "is up to date" not in full
    assert "is up to date" in noop
    trees = sorted(p.name for p in tmp_path.iterdir() if (p / "kgen-manifest.json").is_file())
    assert trees == sorted(p.name for p in ROOT.iterdir() if (p / "kgen-manifest.json").is_file())
    for name in trees:
        assert _tree(tmp_path / name) == _tree(ROOT / name)


def test_synthetic_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = synth.write(12, tmp_path / "specs")
    specs = loader.load(tmp_path / "specs")
    assert len(specs) == len(written) == 12
    assert not [f for f in checks.run(specs) if f.level is Level.ERROR]
    (tmp_path / "kgen.yaml").write_text(
        "targets: [prometheus-rules, scrape-jobs, grafana, docs, prometheus-operator, "
        "grafana-provisioning, mixin]\n", encoding="utf-8")
    _settle(tmp_path)
    full, noop, again = _builds(tmp_path, monkeypatch)
    assert "is up to date" not in full
    assert "is up to date" in noop
    assert "is up to date" not in again
    assert len(_tree(tmp_path / "out")) > 12 * 7


@pytest.mark.parametrize("data", [{"a": [1, {"b": "c"}], "d": None, "e": True},
                                  {"a": ["x", 1.5]}], ids=["events", "representer"])
def test_writing_yaml_leaves_no_reference_cycle(data: dict[str, Any]) -> None:
    """A document written leaves nothing for the cycle collector: a cycle holding the C
    emitter would keep its libyaml buffers until a full collection (about 0.4 MiB of peak
    memory per integration in a build)."""
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            to_yaml(data, "specs/x.py")
        assert gc.collect() == 0
    finally:
        gc.enable()
