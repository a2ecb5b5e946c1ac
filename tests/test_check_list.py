"""`kgen check --list` shows every check from its own module, and the README's table of checks
names each of them with the same code and name."""

from __future__ import annotations

import re

from click.testing import CliRunner

from generator.checks import CHECK_MODULES, PROJECT_CHECKS, listing
from generator.cli import main
from tests.support import ROOT


def test_kgen_check_list_prints_every_check_module() -> None:
    result = CliRunner().invoke(main, ["check", "--list"])
    assert result.exit_code == 0, result.output
    rows = [row.split(None, 2) for row in result.output.splitlines()]
    assert [(code, name) for code, name, _ in rows] == [(c, n) for c, n, _ in listing()]
    assert len(rows) == len(CHECK_MODULES) + len(PROJECT_CHECKS)
    for (_, _, shown), (_, _, doc) in zip(rows, listing(), strict=True):
        assert shown == doc


def test_readme_table_names_every_check_as_its_module_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (KG\d{3}) \| ([^|]+?) \|", readme, flags=re.MULTILINE))
    for code, name, _ in listing():
        assert table.get(code) == name, f"README.md's table of checks lacks | {code} | {name} |"
