"""promtool unit tests from the examples in the specs, and promtool's verdict mapped back to them.

One test group per example (its own series, so scenarios never mix), each with one
`promql_expr_test`. Why expressions over ALERTS and not `alert_rule_test`: see
generator.model.examples. Every expression ends in a PromQL comment naming its rule and example
(`# kgen example etcdNoLeader/critical 2`), which promtool prints back when it fails, so
`kgen test` can point at the example's spec line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from typing import Any, NamedTuple

import yaml

from generator import promql
from generator.model import Alert, Example, Fires, Integration, Recording, Records, Series, Silent
from generator.model.examples import STEP, number

EXTERNAL_VALUE = "example"
"""The value every example series gets for each external label (the cluster label)."""

MARKER = re.compile(r"# kgen example (\S+) (\d+)$")


def rule_key(rule: Alert | Recording) -> str:
    """What names a rule in a test file: `etcdHighFsyncDurations/critical`, or a record name."""
    return f"{rule.name}/{rule.severity}" if isinstance(rule, Alert) else rule.record


def tested_in_order(integration: Integration) -> list[Alert | Recording]:
    """The rules with examples, recording rules first: the order of the test file's groups."""
    rules: list[Alert | Recording] = [*integration.recording_rules, *integration.alerts]
    return [rule for rule in rules if rule.examples]


def examples(integration: Integration) -> Iterator[tuple[Alert | Recording, int, Example]]:
    """Every (rule, 1-based index, example) of an integration, recording rules first."""
    for rule in tested_in_order(integration):
        for index, example in enumerate(rule.examples, 1):
            yield rule, index, example


def promtool_tests(integration: Integration, rule_file: str) -> dict[str, Any] | None:
    """The promtool test document for an integration (None without examples); `rule_file` is
    the rule file's path relative to the test file."""
    texts: dict[tuple[object, ...], str] = {}
    groups = [group(integration, rule, index, example, texts)
              for rule, index, example in examples(integration)]
    if not groups:
        return None
    return {"rule_files": [rule_file], "evaluation_interval": STEP, "tests": groups}


_VERBS = {"fires": "fires when", "silent": "silent when", "records": "records when"}


def group(integration: Integration, rule: Alert | Recording, index: int, example: Example,
          texts: dict[tuple[object, ...], str]) -> dict[str, Any]:
    """One example's test group. `texts` keeps each input series' text by its metric,
    labels and scoping, for the integration's other examples (they share many series)."""
    expect = example.expect
    query, samples = _assertion(rule, expect)
    key = rule_key(rule)
    return {
        "name": f"{key}: {_VERBS[expect.kind]} {example.name}",
        "interval": STEP,
        "input_series": [{"series": _input_text(integration, s, texts), "values": s.values()}
                         for s in example.series],
        "promql_expr_test": [{
            "expr": f"{query} # kgen example {key} {index}",
            "eval_time": f"{expect.at}m",
            "exp_samples": samples,
        }],
    }


def _input_text(integration: Integration, series: Series,
                texts: dict[tuple[object, ...], str]) -> str:
    key = (series.metric, series.scoped, *series.labels.items())
    text = texts.get(key)
    if text is None:
        text = texts[key] = _series_text(series.metric, series_labels(integration, series))
    return text


def _assertion(rule: Alert | Recording, expect: Fires | Silent | Records,
               ) -> tuple[str, list[dict[str, Any]]]:
    if isinstance(rule, Recording):
        assert isinstance(expect, Records)
        selected = _selector(rule.record, expect.labels)
        if expect.value == 0:
            return f"sum({selected})", [{"labels": "{}", "value": 0}]
        # The value to 0.1% (promtool compares floats exactly): their ratio, rounded.
        return (f"round(sum({selected}) / {number(expect.value)}, 0.001)",
                [{"labels": "{}", "value": 1}])
    alerts = _selector("ALERTS", {"alertname": rule.name, "alertstate": "firing",
                                  "severity": str(rule.severity), **expect.labels})
    if isinstance(expect, Fires):
        return f"count({alerts})", [{"labels": "{}", "value": expect.count}]
    return alerts, []


def _selector(metric: str, labels: dict[str, str]) -> str:
    """`metric{k="v", ...}`, each value quoted as PromQL reads it back (not as JSON: promtool
    refuses the surrogate pairs JSON writes for characters outside the BMP). Values that are
    all printable, with no quote or backslash, are each written between quotes as they are
    (what `promql.quote` does with each), checked at once."""
    values = "".join(labels.values())
    if values.isprintable() and '"' not in values and "\\" not in values:
        return metric + "{" + ", ".join([f'{k}="{v}"' for k, v in labels.items()]) + "}"
    return metric + "{" + ", ".join(f"{k}={promql.quote(v)}" for k, v in labels.items()) + "}"


def _series_text(metric: str, labels: dict[str, str]) -> str:
    return _selector(metric, dict(sorted(labels.items())))


def series_labels(integration: Integration, series: Series) -> dict[str, str]:
    """The series' labels plus what the integration's queries select on: a value for every
    matcher of its selector, and its external labels (such as the cluster label)."""
    labels = dict(series.labels)
    if not series.scoped:
        return labels
    labels.update(selector_values(integration.selector, labels))
    for name in integration.external_labels:
        labels.setdefault(name, EXTERNAL_VALUE)
    return labels


class UnmatchableSelector(ValueError):
    """No label value the example could carry is selected by the integration's selector."""


def selector_values(selector: str, given: dict[str, str]) -> dict[str, str]:
    """Label values that satisfy every matcher of `selector`, keeping those `given` that do."""
    return dict(_chosen(selector, tuple(map(given.get, _matcher_names(selector), repeat("")))))


@lru_cache(maxsize=256)
def _matchers(selector: str) -> tuple[tuple[str, str, str], ...]:
    """(name, op, value) of every matcher of a selector body, in order."""
    return tuple(matcher for use in promql.selector_uses("{" + selector + "}")
                 for matcher in use.matchers)


@lru_cache(maxsize=256)
def _matcher_names(selector: str) -> tuple[str, ...]:
    """The label name of every matcher of a selector body, in order."""
    return tuple(name for name, _, _ in _matchers(selector))


@lru_cache(maxsize=1024)
def _chosen(selector: str, current: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """`selector_values` given the series' value of each matcher's label ("" when it has none):
    an integration's series share a few such tuples, so each is worked out once."""
    chosen: dict[str, str] = {}
    for (name, op, value), have in zip(_matchers(selector), current, strict=True):
        if op == "=":
            chosen[name] = value
        elif op == "=~":
            pattern = _anchored(value)
            fits = [c for c in (have, *_candidates(value)) if pattern.match(c)]
            if not fits:
                raise UnmatchableSelector(
                    f"no value of {name} for the example's series matches {name}=~"
                    f"{json.dumps(value)}; give the series a {name} label that does")
            chosen[name] = fits[0]
        elif (op == "!=" and have == value) or (op == "!~" and _anchored(value).match(have)):
            raise UnmatchableSelector(
                f"the example's {name}={json.dumps(have)} is excluded by the selector "
                f"({name}{op}{json.dumps(value)})")
    return tuple(chosen.items())


@lru_cache(maxsize=256)
def _anchored(regex: str) -> Any:
    """The regex as Prometheus matches it (RE2, anchored at both ends)."""
    from generator import prometheus_regex

    return prometheus_regex.anchored(regex)


def _candidates(regex: str) -> list[str]:
    """Plausible literal values for a regex, one per alternative: each atom written once (`.`
    as `x`, `\\d` as `0`, a class as its first member, an escaped character as itself), an atom
    that may be absent (`*`, `?`) left out (`calico-node.*` -> `calico-node`, `etcd-\\d+` ->
    `etcd-0`). Only a guess: the caller keeps those the regex matches."""
    found = []
    for alternative in _ALTERNATIVE.split(regex):
        literal = "".join(_written(atom) for atom, quantifier in _ATOM.findall(alternative)
                          if not quantifier.startswith(("*", "?", "{0")))
        if literal:
            found.append(literal)
    return found


_ALTERNATIVE = re.compile(r"(?<!\\)\|")
_ATOM = re.compile(r"(\\.|\[\^?\]?(?:\\.|[^\]])*\]|\(\?:|[^*+?{])([*+?]\??|\{[0-9,]+\}\??)?")
_CLASSES = {"d": "0", "D": "x", "w": "x", "W": "-", "s": " ", "S": "x"}


def _written(atom: str) -> str:
    """One character an atom of a regex matches, or "" for a group's parenthesis or an anchor."""
    if atom.startswith("\\"):
        return _CLASSES.get(atom[1:], atom[1:])
    if atom.startswith("[") and len(atom) > 2:
        first = atom[1:].lstrip("^") if not atom.startswith("[^") else "x"
        return _written(first[:2]) if first.startswith("\\") else first[0]
    if atom in ("(", ")", "(?:", "^", "$"):
        return ""
    return "x" if atom == "." else atom


@dataclass(frozen=True)
class Failure:
    """One failed expectation as promtool printed it."""

    test_file: str
    rule: str
    index: int
    at: str
    expected: str
    got: str


_FAILED = re.compile(r'^\s*expr: (".*"), time: (\S+),\n\s*exp: (.*)\n\s*got: (.*)$', re.M)
_FILE = re.compile(r"^Unit Testing:\s+(\S+)$", re.M)


def failures(output: str) -> tuple[list[Failure], str]:
    """The failed expectations in promtool's output, and whatever else it complained about
    (a rule file that does not load, a test file it cannot read)."""
    found: list[Failure] = []
    other: list[str] = []
    files = [(m.start(), m.group(1)) for m in _FILE.finditer(output)]
    for match in _FAILED.finditer(output):
        test_file = next((name for start, name in reversed(files) if start < match.start()), "")
        marker = MARKER.search(json.loads(match.group(1)))
        if marker is None:
            other.append(match.group(0).strip())
            continue
        found.append(Failure(test_file, marker.group(1), int(marker.group(2)), match.group(2),
                             match.group(3).strip(), match.group(4).strip()))
    rest = _FAILED.sub("", _FILE.sub("", output))
    rest = "\n".join(line for line in rest.splitlines()
                     if line.strip() and line.strip() not in ("FAILED:", "SUCCESS"))
    return found, "\n".join([*other, rest]).strip()


def merged(tests: list[str], outputs: list[str]) -> str:
    """What one `promtool test rules` over `tests` would have printed, from the outputs of
    runs over parts of them: promtool prints each file's report after its `Unit Testing:`
    line, so each output is cut at those lines and the pieces are put in the order of `tests`
    (what a run printed before its first file comes first, a file not in `tests` last)."""
    order = {name: index for index, name in enumerate(tests)}
    first: list[str] = []
    pieces: list[tuple[int, str]] = []
    for output in outputs:
        headers = list(_FILE.finditer(output))
        first.append(output[:headers[0].start()] if headers else output)
        bounds = [header.start() for header in headers] + [len(output)]
        for header, end in zip(headers, bounds[1:], strict=True):
            pieces.append((order.get(header.group(1), len(tests)), output[header.start():end]))
    pieces.sort(key=lambda piece: piece[0])
    return "".join(first) + "".join(piece for _, piece in pieces)


class Outcome(NamedTuple):
    """One rule's examples after a promtool run: which failed, and how."""

    integration: str
    rule: str
    """`rule_key` of the rule."""
    examples: int
    failed: tuple[tuple[int, Example, Failure], ...]


Tested = list[tuple[str, int]]
"""What a test file tests: each rule with examples, in spec order, by `rule_key`, and how
many examples it has."""


def tested(integration: Integration) -> Tested:
    """The rules with examples of an integration, as its test file tests them."""
    return [(rule_key(rule), len(rule.examples)) for rule in tested_in_order(integration)]


_MARKED = re.compile(rb"^  - expr: [^\n]*# kgen example ([^\s'\"\\]+) ([1-9][0-9]*)'?$", re.M)
"""A line with a test group's expression, written plain or in single quotes, and its marker."""


def tested_rules(test_file: bytes) -> Tested:
    """What a test file `promtool_tests` made tests, read from its bytes: each test group's
    expression ends in the marker naming its rule and example (the examples of a rule are
    numbered from 1, one after another). As kgen writes the file, a group starts at a line
    `- name: ` and its one expression is written on the line `  - expr: ` (no scalar that
    spans lines is indented by only two spaces); a file where those lines do not pair up, or a
    marker that is quoted otherwise, is read as YAML instead."""
    markers = _markers(test_file)
    if markers is None:
        document = yaml.load(test_file, Loader=yaml.CSafeLoader)
        markers = []
        for test in document["tests"]:
            found = MARKER.search(test["promql_expr_test"][0]["expr"])
            if found is None:
                raise ValueError("a test group without kgen's example marker")
            markers.append((found.group(1), int(found.group(2))))
    rules: Tested = []
    for key, index in markers:
        if index == 1:
            rules.append((key, 1))
        elif rules and rules[-1] == (key, index - 1):
            rules[-1] = (key, index)
        else:
            raise ValueError(f"example {index} of {key} does not follow its example {index - 1}")
    return rules


def _markers(test_file: bytes) -> list[tuple[str, int]] | None:
    """The (rule, index) marker of each test group read off the lines, or None when the
    lines are not as kgen writes them (the file starts with its header, never with a
    group)."""
    marked = _MARKED.findall(test_file)
    if not len(marked) == test_file.count(b"\n  - expr: ") == test_file.count(b"\n- name: "):
        return None
    return [(key.decode("utf-8"), int(index)) for key, index in marked]


def outcomes(integrations: list[tuple[str, Tested]], found: list[Failure],
             integration: Callable[[str], Integration]) -> list[Outcome]:
    """Per rule with examples, in spec order, the failures promtool reported for it, given
    what each integration's test file tests (integration name, its rules); an integration
    with a failure is asked of `integration` for its examples."""
    by_place = {(f.test_file.removesuffix(".yaml"), f.rule, f.index): f for f in found}
    failing = {name for name, _, _ in by_place}
    result = []
    for name, rules in integrations:
        if name in failing:
            result += integration_outcomes(integration(name), by_place)
        else:
            result += [Outcome(name, key, count, ()) for key, count in rules]
    return result


def integration_outcomes(integration: Integration,
                         by_place: dict[tuple[str, str, int], Failure]) -> list[Outcome]:
    """Per rule with examples of one integration, the failures of `by_place` (test file
    name, rule key, example index) for it."""
    result = []
    for rule in tested_in_order(integration):
        key = rule_key(rule)
        failed = tuple((index, example, by_place[integration.name, key, index])
                       for index, example in enumerate(rule.examples, 1)
                       if (integration.name, key, index) in by_place)
        result.append(Outcome(integration.name, key, len(rule.examples), failed))
    return result


def explain(index: int, example: Example, failure: Failure) -> str:
    """`specs/etcd.py:540: etcdNoLeader/critical example 2 (silent when ...) at 13m: expected
    nothing firing, got {...}`."""
    expect = example.expect
    if isinstance(expect, Fires):
        wanted = f"{expect.count} firing"
    elif isinstance(expect, Silent):
        wanted = "nothing firing"
    else:
        wanted = f"the recorded series summing to {number(expect.value)}"
    where = f"{example.location}: " if example.location else ""
    return (f"{where}{failure.rule} example {index} ({example.words()}): at {failure.at} "
            f"expected {wanted}, got {_got(failure.got, expect)}")


def _got(got: str, expect: Fires | Silent | Records) -> str:
    """promtool's `nil`, a count (`{} 2E+00`) and a Records ratio in words; alerts as promtool
    printed them."""
    if got == "nil":
        return "nothing"
    if not got.startswith("{} "):
        return got
    value = float(got[3:])
    if isinstance(expect, Records) and expect.value != 0:
        return f"about {number(round(value * expect.value, 6))}"
    return f"{number(value)} firing"
