"""`kgen check --list` shows every check from its own module, and the README's table of checks
names each of them with the same code and name."""

from __future__ import annotations

import re

from click.testing import CliRunner

from generator.checks import listing, project_checks, spec_checks, target_checks
from generator.cli import main
from tests.support import ROOT


def test_kgen_check_list_prints_every_check_module() -> None:
    result = CliRunner().invoke(main, ["check", "--list"])
    assert result.exit_code == 0, result.output
    rows = [row.split(None, 2) for row in result.output.splitlines()]
    assert [(code, name) for code, name, _ in rows] == [(c, n) for c, n, _ in listing()]
    assert len(rows) == len(spec_checks()) + len(target_checks()) + len(project_checks())
    for (_, _, shown), (_, _, doc) in zip(rows, listing(), strict=True):
        assert shown == doc


def test_every_check_module_is_registered_once() -> None:
    """A module in generator/checks/ that no registry returns would never run."""
    registered = [c.__name__  # type: ignore[attr-defined]
                  for c in (*spec_checks(), *target_checks(), *project_checks())]
    on_disk = sorted(f"generator.checks.{path.stem}"
                     for path in (ROOT / "generator" / "checks").glob("[!_]*.py"))
    assert sorted(registered) == on_disk
    assert len({c.CODE for c in (*spec_checks(), *target_checks(), *project_checks())}) == \
        len(registered)


def test_every_check_module_has_its_unit_tests() -> None:
    """tests/checks/test_<module>.py, as the README says."""
    for check in (*spec_checks(), *target_checks(), *project_checks()):
        module = check.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
        assert (ROOT / "tests" / "checks" / f"test_{module}.py").is_file(), module


def test_readme_table_names_every_check_as_its_module_does() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| (KG\d{3}) \| ([^|]+?) \|", readme, flags=re.MULTILINE))
    for code, name, _ in listing():
        assert table.get(code) == name, f"README.md's table of checks lacks | {code} | {name} |"
