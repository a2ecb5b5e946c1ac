"""KG304 rules/examples: every alert has an example where it fires and one where it stays
silent; every example's series can carry what the selector selects, and lasts past the minute
the example is evaluated at."""

from __future__ import annotations

from generator.checks import rules_examples
from generator.findings import Level
from generator.model import Alert, Recording, Severity
from generator.model.examples import counter, fires_when, gauge, records, silent_on
from tests.checks.conftest import ALERTS, DESC, QUEUE, at, demo, found, reported, where


def _alert(*examples: object, **fields: object) -> Alert:
    return Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m",
                 severity=Severity.WARNING, summary="s", description=DESC,
                 examples=examples, **fields)  # type: ignore[arg-type]


def test_the_demo_alerts_prove_both_ways() -> None:
    assert found(rules_examples, demo()) == []


def test_an_alert_without_examples_is_an_error_at_the_alert() -> None:
    bad = _alert()
    (finding,) = found(rules_examples, demo(alerts=(bad,)))
    assert (finding.code, finding.level, where(finding)) == ("KG304", Level.ERROR, at(bad))
    assert finding.message == ("alert DemoQueueFull has no example where it fires or stays "
                               "silent; add examples=(fires_when(...), silent_on(...)) from "
                               "generator.model.examples")


def test_an_alert_that_only_fires_lacks_the_silent_example() -> None:
    (finding,) = found(rules_examples, demo(alerts=(_alert(QUEUE[0]),)))
    assert "has no example where it stays silent;" in finding.message
    (finding,) = found(rules_examples, demo(alerts=(_alert(QUEUE[1]),)))
    assert "has no example where it fires;" in finding.message


def test_a_series_shorter_than_its_evaluation_is_an_error_at_the_example() -> None:
    short = silent_on("50 items wait", (gauge("demo_queue_depth", 50, 12),), 12)
    (finding,) = found(rules_examples, demo(alerts=(_alert(QUEUE[0], short),)))
    assert where(finding) == at(short)
    assert finding.message == ("DemoQueueFull/warning example 2: evaluated at 12m, after its "
                               "demo_queue_depth series ends; make the series longer")


def test_a_series_the_selector_excludes_is_an_error_at_the_example() -> None:
    excluded = fires_when("200 items wait",
                          (gauge("demo_queue_depth", 200, 20, env="test"),), 12)
    integration = demo(selector='job="demo", env!="test"',
                       alerts=(_alert(excluded, QUEUE[1]),))
    (finding,) = found(rules_examples, integration)
    assert where(finding) == at(excluded)
    assert finding.message == ('DemoQueueFull/warning example 1: the example\'s env="test" is '
                               'excluded by the selector (env!="test")')


def test_a_regex_selector_no_plausible_value_matches_is_an_error() -> None:
    integration = demo(selector='job=~"demo-[0-9]{4}"')
    findings = found(rules_examples, integration)
    assert [where(f) for f in findings] == [at(e) for a in ALERTS for e in a.examples]
    assert findings[0].message == (
        'DemoErrors/warning example 1: no value of job for the example\'s series matches '
        'job=~"demo-[0-9]{4}"; give the series a job label that does')


def test_recording_rule_examples_are_checked_too() -> None:
    short = records("one error a second", (counter("demo_errors_total", 1, 5),), 10, 1)
    rule = Recording(record="instance:demo_errors:rate5m", expr="rate(demo_errors_total[5m])",
                     examples=(short,))
    (finding,) = found(rules_examples, demo(recording_rules=(rule,)))
    assert where(finding) == at(short)
    assert finding.message.startswith("instance:demo_errors:rate5m example 1: evaluated at 10m")


def test_a_suppressed_alert_is_not_reported() -> None:
    bare = _alert(suppress={"KG304": "covered by the upstream mixin's tests"})
    assert found(rules_examples, demo(alerts=(bare,))) != []
    assert reported("KG304", demo(alerts=(bare,))) == []
