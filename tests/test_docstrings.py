"""A Config's knob descriptions (what the docs page prints) are what pydantic's own
`use_attribute_docstrings` makes of the same class, in the cases a spec can write."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator import codecache, loader

BASE = {
    "ours": "from generator.kit import SpecConfig as Base\n",
    "pydantic": '''
from pydantic import BaseModel, ConfigDict


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    selector: str
    """PromQL label matchers that scope every rule and panel query of the integration, e.g.
    `job=~".*etcd.*"`."""
''',
}

HEADER = """
from typing import Annotated

from pydantic import Field
"""

CASES = {
    "plain": '''
class Config(Base):
    """Knobs."""

    selector: str = "job=\\"x\\""
    """Scopes every query."""
    port: int = Field(default=1, ge=1)
    """The port,
    over two lines."""
    undocumented: int = 2
    described: int = Field(default=3, description="from Field")
    """A docstring that Field's description wins over."""
    _private = 4
    """Not a field's docstring."""
    after_plain: str = "x"

    """Separated by a blank line: still its docstring."""
''',
    "inherited selector": '''
class Config(Base):
    window: str = "5m"
    """The window."""
''',
    "selector without a docstring": '''
class Config(Base):
    selector: str = "job=\\"x\\""
    window: str = "5m"
    """The window."""
''',
    "nested definitions": '''
class Config(Base):
    selector: str = "x"

    class Inner:
        hidden: int = 1
        """Not Config's."""

    def helper(self) -> None:
        local: int = 1
        """Not Config's either."""

    shown: Annotated[int, "meta"] = 1
    """Shown."""
''',
    "a string line at column 0": '''
class Config(Base):
    selector: str = "x"
    """Begins here,
and goes on at column 0."""
    after: int = 1
    """After it."""
''',
    "inside a function": '''
def make():
    class Config(Base):
        selector: str = "x"
        """Made in a function."""
        depth: int = 1
        """Nested."""

    return Config


Config = make()
''',
    "inside a function, after a form feed": '''
# one line to Python, two to str.splitlines: \x0c ends a line there, as \x1c and \u2028 do
def make():
    class Config(Base):
        selector: str = "x"
        """Made in a function, below a form feed."""

    return Config


Config = make()
''',
    "a decorated class": '''
def keep(cls):
    return cls


@keep
@keep
class Config(Base):
    selector: str = "x"
    """Under decorators."""
''',
    "a header over several lines": '''
class Config(
    Base,
):
    selector: str = "x"
    """Over several lines."""
''',
}


def _descriptions(tmp_path: Path, base: str, body: str) -> dict[str, Any]:
    path = tmp_path / f"module_{next(_numbers)}.py"
    path.write_text(BASE[base] + HEADER + textwrap.dedent(body), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: field.description for name, field in module.Config.model_fields.items()}


_numbers = itertools.count()


def _loaded(tmp_path: Path, body: str) -> dict[str, Any]:
    """The descriptions of a spec module's Config imported by the spec loader, whose compiled
    code (and docstrings) generator.codecache keeps."""
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "demo.py").write_text(BASE["ours"] + HEADER + textwrap.dedent(body),
                                   encoding="utf-8")
    loader.units(specs)
    module = importlib.import_module(f"{loader.PACKAGE}.demo")
    return {name: field.description for name, field in module.Config.model_fields.items()}


@pytest.mark.parametrize("case", CASES)
def test_knob_descriptions_match_pydantic(tmp_path: Path, case: str) -> None:
    ours = _descriptions(tmp_path, "ours", CASES[case])
    assert ours == _descriptions(tmp_path, "pydantic", CASES[case])
    assert any(ours.values())


@pytest.mark.parametrize("case", CASES)
def test_spec_modules_read_their_docstrings_off_their_compiled_code(
        tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    pydantic = _descriptions(tmp_path, "pydantic", CASES[case])
    assert _loaded(tmp_path, CASES[case]) == pydantic  # compiled, and kept
    assert (tmp_path / "specs" / "__pycache__" / f"demo{codecache.SUFFIX}").is_file()
    assert _loaded(tmp_path, CASES[case]) == pydantic  # from what was kept


def test_the_plain_case_reads_as_written(tmp_path: Path) -> None:
    assert _descriptions(tmp_path, "ours", CASES["plain"]) == {
        "selector": "Scopes every query.",
        "port": "The port,\nover two lines.",
        "undocumented": None,
        "described": "from Field",
        "after_plain": "Separated by a blank line: still its docstring.",
    }


def test_a_class_made_by_type_keeps_its_bases_descriptions() -> None:
    from generator.kit import SpecConfig

    made = type("Config", (SpecConfig,), {"__module__": __name__})
    assert made.model_fields["selector"].description == \
        SpecConfig.model_fields["selector"].description
