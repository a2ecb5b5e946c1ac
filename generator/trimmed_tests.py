"""A promtool test file cut into one part per tested rule, each part's rule file holding only
the rules that can change that part's verdict, so `kgen test` spends promtool's time on them.

promtool evaluates every rule of the rule file at each step of each test group, though a test
group's expression reads one rule's output. A part keeps, in their groups and order (a rule reads
what the rules before it in its group wrote at the same step):
- the rules writing a metric the test expression reads (`ALERTS{alertname="X"}`: every alert X);
- every rule whose metrics, followed through the recording rules that write them, include a
  metric of the part's input series: promtool fails a test group on any rule's evaluation error,
  and only such a rule sees data in it;
- the rules that each kept rule reads, transitively;
- in the first part, every rule no part keeps, so that an error without data still shows.
A part of its own holds the whole rule file and a test group without series, evaluated up to the
file's last `eval_time`: promtool loads every rule (a rule file it refuses, an alert's template
that does not parse) and evaluates each at every step on no data, which is what a rule sees in a
test group none of whose series it reads, however it depends on time.
Nothing is cut when a rule reads a selector without a fixed metric name, `ALERTS` or
`ALERTS_FOR_STATE`, when a query does not parse, when a rule writes `ALERTS` or
`ALERTS_FOR_STATE`, when an alert's labels or annotations may call the `query` template function
(which reads series no expression names), or when the test file is not as kgen writes it.
A part's verdict is then the verdict of its test groups in the whole file; `kgen test` runs the
whole file again whenever a part does not pass, so what it reports is promtool's own output.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from generator import promql
from generator.model.types import duration_seconds

UNKNOWN = "\0unknown"
"""Stands for what a query reads when it cannot be told: it matches every metric."""
_ALERT_OUTPUTS = frozenset({"ALERTS", "ALERTS_FOR_STATE"})
_TEST_KEYS = frozenset({"rule_files", "evaluation_interval", "tests"})


def reads(expr: str) -> frozenset[str]:
    """The metric names a query reads, or {UNKNOWN} when it reads one it does not name."""
    try:
        uses = promql.selector_uses(expr)
    except (promql.PromQLError, ValueError, TypeError):
        return frozenset({UNKNOWN})
    names = set()
    for use in uses:
        if not use.metric or any(name == "__name__" for name, _, _ in use.matchers):
            return frozenset({UNKNOWN})
        names.add(use.metric)
    return frozenset(names)


def _alert_reads(expr: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """What a test expression reads: metric names, and the alert names of its `ALERTS`
    selectors (each with an `alertname="X"` matcher); None when that cannot be told."""
    try:
        uses = promql.selector_uses(expr)
    except (promql.PromQLError, ValueError, TypeError):
        return None
    names: set[str] = set()
    alerts: set[str] = set()
    for use in uses:
        if not use.metric or use.metric == "ALERTS_FOR_STATE" or use.either is not None \
                or any(name == "__name__" for name, _, _ in use.matchers):
            return None
        if use.metric == "ALERTS":
            named = [value for name, op, value in use.matchers
                     if name == "alertname" and op == "="]
            if not named:
                return None
            alerts.update(named)
        else:
            names.add(use.metric)
    return frozenset(names), frozenset(alerts)


class _Rules:
    """The rules of a rule file, numbered in file order, with what each reads and writes."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.places: list[tuple[int, int]] = []
        self.reads: list[frozenset[str]] = []
        self.writers: dict[str, list[int]] = {}
        self.alerts: dict[str, list[int]] = {}
        for group_index, group in enumerate(document["groups"]):
            for rule_index, rule in enumerate(group["rules"]):
                number = len(self.places)
                self.places.append((group_index, rule_index))
                read = reads(str(rule["expr"]))
                self.reads.append(read if read.isdisjoint(_ALERT_OUTPUTS)
                                  else frozenset({UNKNOWN}))
                if "record" in rule:
                    self.writers.setdefault(str(rule["record"]), []).append(number)
                else:
                    self.alerts.setdefault(str(rule["alert"]), []).append(number)
        self.everything = frozenset(range(len(self.places)))
        self._reached = [self.closure([number]) for number in self.everything]

    def closure(self, start: Iterable[int]) -> frozenset[int]:
        """`start` and every rule they read, transitively; every rule when one of them reads
        what cannot be told."""
        seen = set(start)
        todo = list(seen)
        while todo:
            read = self.reads[todo.pop()]
            if UNKNOWN in read:
                return self.everything
            for name in read:
                for writer in self.writers.get(name, ()):
                    if writer not in seen:
                        seen.add(writer)
                        todo.append(writer)
        return frozenset(seen)

    def sees(self, number: int, inputs: frozenset[str]) -> bool:
        """Whether rule `number`, through the rules it reads, reads one of `inputs`."""
        reached = self._reached[number]
        return reached == self.everything or any(
            not self.reads[other].isdisjoint(inputs) for other in reached)


def parts(rule_file: dict[str, Any], tests: dict[str, Any],
          ) -> list[tuple[dict[str, Any] | None, list[Any]]] | None:
    """The rule file and the test groups of each part of `tests`: first the whole rule file
    (None: the file as it is) with one test group of no series, evaluated to the file's last
    `eval_time` (promtool loads every rule and evaluates it at every step on no data), then the
    parts, in the order of their groups'
    first test; None when the files are not as kgen writes them or every part would keep every
    rule (test it whole)."""
    if not _as_kgen_writes(rule_file, tests) or _reads_beyond_expressions(rule_file):
        return None
    rules = _Rules(rule_file)
    cut: dict[frozenset[int], list[Any]] = {}
    for group in tests["tests"]:
        kept = _kept(rules, group)
        if kept is None:
            return None
        cut.setdefault(kept, []).append(group)
    if not cut or all(kept == rules.everything for kept in cut):
        return None
    sets = list(cut)
    sets[0] = sets[0] | (rules.everything - frozenset().union(*sets))
    first = tests["tests"][0]
    load: dict[str, Any] = {"interval": first["interval"]} if "interval" in first else {}
    last = max((duration_seconds(str(test.get("eval_time", "0s")))
                for group in tests["tests"] for test in group["promql_expr_test"]), default=0.0)
    load["promql_expr_test"] = [{"expr": "vector(1)", "eval_time": f"{last:g}s",
                                 "exp_samples": [{"labels": "{}", "value": 1}]}]
    return [(None, [load]), *((_rule_file_of(rule_file, rules, kept), groups)
                                   for kept, groups in zip(sets, cut.values(), strict=True))]


def _as_kgen_writes(rule_file: Any, tests: Any) -> bool:
    return (isinstance(tests, dict) and set(tests) <= _TEST_KEYS
            and isinstance(tests.get("tests"), list)
            and isinstance(rule_file, dict) and set(rule_file) == {"groups"}
            and isinstance(rule_file["groups"], list)
            and all(isinstance(group, dict) and isinstance(group.get("rules"), list)
                    and all(isinstance(rule, dict) and "expr" in rule
                            and ("record" in rule) != ("alert" in rule)
                            for rule in group["rules"])
                    for group in rule_file["groups"])
            and all(isinstance(group, dict) and set(group) <= _GROUP_KEYS
                    and isinstance(group.get("promql_expr_test"), list)
                    and isinstance(group.get("input_series", []), list)
                    for group in tests["tests"]))


def _reads_beyond_expressions(rule_file: dict[str, Any]) -> bool:
    """Whether a rule writes what alerts write (`ALERTS`, `ALERTS_FOR_STATE`), or its labels or
    annotations may call the `query` template function: then what a test reads is not told by
    the expressions alone."""
    for group in rule_file["groups"]:
        for rule in group["rules"]:
            if str(rule.get("record")) in _ALERT_OUTPUTS:
                return True
            if any("query" in str(rule.get(key, "")) for key in ("labels", "annotations")):
                return True
    return False


_GROUP_KEYS = frozenset({"name", "interval", "input_series", "promql_expr_test"})
"""A test group's fields as kgen writes them (no alert_rule_test, no external labels)."""


def _kept(rules: _Rules, group: dict[str, Any]) -> frozenset[int] | None:
    """The rules a test group's part keeps; None when what it reads cannot be told."""
    start: set[int] = set()
    for test in group["promql_expr_test"]:
        if not isinstance(test, dict) or "expr" not in test:
            return None
        read = _alert_reads(str(test["expr"]))
        if read is None:
            return rules.everything
        names, alerts = read
        start.update(writer for name in names for writer in rules.writers.get(name, ()))
        start.update(number for alert in alerts for number in rules.alerts.get(alert, ()))
    inputs: set[str] = set()
    for series in group.get("input_series", []):
        if not isinstance(series, dict) or "series" not in series:
            return None
        inputs |= reads(str(series["series"]))
    if UNKNOWN in inputs:
        return rules.everything
    seen = frozenset(inputs)
    start.update(number for number in rules.everything if rules.sees(number, seen))
    return rules.closure(start)


def _rule_file_of(document: dict[str, Any], rules: _Rules, kept: frozenset[int],
                  ) -> dict[str, Any]:
    """The rule file with only the `kept` rules, each group keeping its fields and order; a
    group left with none is left out."""
    chosen: dict[int, list[int]] = {}
    for number in sorted(kept):
        group_index, rule_index = rules.places[number]
        chosen.setdefault(group_index, []).append(rule_index)
    groups = []
    for group_index, indexes in chosen.items():
        group = document["groups"][group_index]
        groups.append({**group, "rules": [group["rules"][index] for index in indexes]})
    return {"groups": groups}


def write_parts(tmp: Path, test: str, files: dict[str, bytes]) -> list[str]:
    """Write the parts of test file `test` (of the built `files`, written below `tmp` as
    `prometheus/...`) under `tmp`/parts and return their paths; none when it is tested
    whole."""
    document = yaml.load(files[f"prometheus/tests/{test}"], Loader=yaml.CSafeLoader)
    rule_files = document.get("rule_files") if isinstance(document, dict) else None
    if not isinstance(rule_files, list) or len(rule_files) != 1:
        return []
    rule_path = posixpath.normpath(f"prometheus/tests/{rule_files[0]}")
    if rule_path not in files:
        return []
    cut = parts(yaml.load(files[rule_path], Loader=yaml.CSafeLoader), document)
    if cut is None:
        return []
    where = tmp / "parts" / test.removesuffix(".yaml")
    where.mkdir(parents=True)
    names = []
    for number, (rules, groups) in enumerate(cut):
        rule_name = str(tmp / rule_path) if rules is None else f"{number}.rules.yaml"
        if rules is not None:
            _dump(where / rule_name, rules)
        _dump(where / f"{number}.yaml", {**document, "rule_files": [rule_name], "tests": groups})
        names.append(str(where / f"{number}.yaml"))
    return names


def _dump(path: Path, data: Any) -> None:
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False,
                              allow_unicode=True), encoding="utf-8")
