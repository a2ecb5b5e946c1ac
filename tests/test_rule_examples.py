"""The generated promtool tests pass on every tree, and they are strong: weaken any alert and
its examples fail.

Weakenings (mutants), for every alert of the project's build and of each of its profiles:
each comparison flipped (`>` to `<=`), each comparison's threshold moved ten times up and ten
times down (a zero threshold has no such move), and `for` dropped. Every mutant must make
promtool fail the alert's examples. All mutants of a build run in one promtool call, each as
its own test file next to its own rule file.
"""

from __future__ import annotations

import itertools
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import promql_parser as pp
import pytest
import yaml

from generator.build import build_project
from generator.project import load_project
from generator.rule_tests import MARKER
from tests.support import CONFIG, OUT, ROOT

FLIPPED = {">": "<=", "<": ">=", ">=": "<", "<=": ">", "==": "!=", "!=": "=="}
TREES = [OUT, ROOT / "out-prod"]


def _promtool(promtool: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """promtool's report in one stream: per file, `Unit Testing: FILE`, then its verdict."""
    return subprocess.run([promtool, *args], cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=240, check=False)


@pytest.mark.parametrize("tree", TREES, ids=lambda p: p.name)
def test_each_rule_file_has_its_tests_beside_it(tree: Path) -> None:
    """promtool runs them where they lie (tests/test_ci_example.py runs the CI step that does:
    `promtool test rules out/prometheus/tests/*.yaml out-prod/prometheus/tests/*.yaml`)."""
    tests = sorted((tree / "prometheus" / "tests").glob("*.yaml"))
    rules = sorted((tree / "prometheus" / "rules").glob("*.yaml"))
    assert [t.name for t in tests] == [r.name for r in rules]
    for test in tests:
        rule_files = yaml.safe_load(test.read_text())["rule_files"]
        assert rule_files == [f"../rules/{test.name}"]
        assert (test.parent / rule_files[0]).is_file()


def test_every_alert_has_a_firing_and_a_silent_example(built: dict[str, bytes]) -> None:
    for name in ("calico", "etcd"):
        rules = yaml.safe_load(built[f"prometheus/rules/{name}.yaml"])
        tests = yaml.safe_load(built[f"prometheus/tests/{name}.yaml"])
        for rule in _alerts(rules):
            key = f"{rule['alert']}/{rule['labels']['severity']}"
            mine = [g for g in tests["tests"] if _key(g) == key]
            assert any(g["promql_expr_test"][0]["exp_samples"] for g in mine), key
            assert any(not g["promql_expr_test"][0]["exp_samples"] for g in mine), key


def _alerts(rules: dict[str, Any]) -> list[dict[str, Any]]:
    return [rule for group in rules["groups"] for rule in group["rules"] if "alert" in rule]


def _key(group: dict[str, Any]) -> str:
    marker = MARKER.search(group["promql_expr_test"][0]["expr"])
    assert marker is not None
    return marker.group(1)


def comparisons(expr: str) -> int:
    """How many comparisons (not `bool` ones) the expression holds."""
    found = itertools.count()
    pp.transform(pp.parse(expr), post_visit=lambda node: _count(node, found))
    return next(found)


def _count(node: Any, found: Iterator[int]) -> None:
    if _is_comparison(node):
        next(found)


def _is_comparison(node: Any) -> bool:
    return (isinstance(node, pp.BinaryExpr) and str(node.op) in FLIPPED
            and node.modifier is None)


def mutate(expr: str, target: int, how: str) -> str | None:
    """The expression with its `target`-th comparison flipped or its threshold scaled
    (`how` is "flip", "*10" or "/10"); None when that changes nothing."""
    seen = itertools.count()

    def visit(node: Any) -> Any:
        if not _is_comparison(node) or next(seen) != target:
            return None
        op, rhs = str(node.op), node.rhs
        if how == "flip":
            return pp.parse(f"{_operand(node.lhs)} {FLIPPED[op]} {_operand(rhs)}")
        if isinstance(rhs, pp.NumberLiteral):
            if rhs.val == 0:
                raise _Unchanged
            scaled = rhs.val * 10 if how == "*10" else rhs.val / 10
            return pp.parse(f"{_operand(node.lhs)} {op} {scaled!r}")
        return pp.parse(f"{_operand(node.lhs)} {op} ({rhs}) {how[0]} 10")

    try:
        return str(pp.transform(pp.parse(expr), post_visit=visit).prettify())
    except _Unchanged:
        return None


class _Unchanged(Exception):
    pass


def _operand(node: Any) -> str:
    return f"({node})" if isinstance(node, pp.BinaryExpr) else str(node)


def mutants(rule: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what was weakened, the weakened rule) for one alerting rule."""
    for index in range(comparisons(rule["expr"])):
        for how in ("flip", "*10", "/10"):
            expr = mutate(rule["expr"], index, how)
            if expr is not None:
                yield f"comparison {index + 1} {how}", {**rule, "expr": expr}
    if rule.get("for") not in (None, "0s"):
        yield "for dropped", {key: value for key, value in rule.items() if key != "for"}


def test_mutate_flips_and_scales() -> None:
    assert mutate("rate(x[5m]) > 0.5", 0, "flip") == "rate(x[5m]) <= 0.5"
    assert mutate("rate(x[5m]) > 0.5", 0, "*10") == "rate(x[5m]) > 5"
    assert mutate("x < (count(up) + 1) / 2", 0, "/10") == "x < ((count(up) + 1) / 2) / 10"
    assert mutate("x > 0", 0, "*10") is None
    assert comparisons("sum(up == bool 0) > 0 or count(rate(y[2m]) > 0.01)") == 2


@pytest.mark.long
@pytest.mark.parametrize("profile", [None, *load_project(CONFIG).profiles])
def test_every_weakened_alert_fails_its_examples(promtool: str, tmp_path: Path,
                                                 profile: str | None) -> None:
    files = build_project(load_project(CONFIG, profile))
    runs: dict[str, str] = {}
    for path in sorted(files):
        match = re.fullmatch(r"prometheus/rules/(.+)\.yaml", path)
        if not match:
            continue
        name = match.group(1)
        rules = yaml.safe_load(files[path])
        tests = yaml.safe_load(files[f"prometheus/tests/{name}.yaml"])
        for group_index, group in enumerate(rules["groups"]):
            for rule_index, rule in enumerate(group["rules"]):
                if "alert" not in rule:
                    continue
                key = f"{rule['alert']}/{rule['labels']['severity']}"
                mine = [g for g in tests["tests"] if _key(g) == key]
                for what, weakened in mutants(rule):
                    where = tmp_path / f"m{len(runs)}"
                    _write_mutant(where, name, rules, (group_index, rule_index), weakened,
                                  {**tests, "tests": mine})
                    runs[f"{where.name}/tests/{name}.yaml"] = f"{key}: {what}"
    assert len(runs) > 60
    result = _promtool(promtool, ["test", "rules", *runs], tmp_path)
    sections = dict(re.findall(r"Unit Testing:\s+(\S+)\n(.*?)(?=Unit Testing:|\Z)",
                               result.stdout, re.S))
    assert set(sections) == set(runs), result.stdout[-2000:]
    survivors = [runs[test] for test, report in sections.items() if "FAILED" not in report]
    assert not survivors, f"weakened alerts whose examples still pass: {survivors}"
    # Killed by an expectation, not by a rule file promtool could not load.
    assert all("got:" in report for report in sections.values()), result.stdout[-2000:]


def _write_mutant(where: Path, name: str, rules: dict[str, Any], at: tuple[int, int],
                  weakened: dict[str, Any], tests: dict[str, Any]) -> None:
    """The weakened alert alone with the recording rules it reads, so promtool evaluates
    nothing else in the mutant's examples."""
    recording = [{**group, "rules": read} for group in rules["groups"]
                 if (read := [rule for rule in group["rules"]
                              if "record" in rule and rule["record"] in weakened["expr"]])]
    alone = {"name": rules["groups"][at[0]]["name"], "rules": [weakened]}
    (where / "rules").mkdir(parents=True)
    (where / "tests").mkdir()
    (where / "rules" / f"{name}.yaml").write_text(yaml.safe_dump({"groups": [*recording, alone]}))
    (where / "tests" / f"{name}.yaml").write_text(yaml.safe_dump(tests))
