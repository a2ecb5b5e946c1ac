"""KG302 rules/annotations: a static summary, a templated description, and Go templates (in
summary, description, runbook_url and labels) that parse, with the column of the problem."""

from __future__ import annotations

import pytest

from generator.checks import rules_annotations
from generator.findings import Level
from generator.model import Alert, Severity
from tests.checks.conftest import DESC, at, demo, found, reported, where


def _alert(summary: str = "Queue full.", description: str = DESC, **fields: object) -> Alert:
    return Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m",
                 severity=Severity.WARNING, summary=summary, description=description,
                 **fields)  # type: ignore[arg-type]


def test_the_demo_annotations_are_fine() -> None:
    assert found(rules_annotations, demo()) == []


def test_a_templated_summary_is_an_error_at_the_alert() -> None:
    bad = _alert(summary="Queue at {{ $value }}.")
    (finding,) = found(rules_annotations, demo(alerts=(bad,)))
    assert (finding.code, finding.level, where(finding)) == ("KG302", Level.ERROR, at(bad))
    assert finding.message == ("alert DemoQueueFull: summary must be static (no `{{`); put "
                               "values in the description")


def test_a_static_description_is_an_error() -> None:
    (finding,) = found(rules_annotations, demo(alerts=(_alert(description="Queue full."),)))
    assert finding.message.startswith("alert DemoQueueFull: description must be templated")


@pytest.mark.parametrize("value", ["{{ $value }}", "{{ $value | humanize }}", "{{ .Value }}",
                                   "{{ printf \"%.0f\" $value }}"])
def test_the_value_in_a_label_is_an_error(value: str) -> None:
    """Each new value makes a new alert, pending from the start: one whose value keeps changing
    never fires (promtool shows it)."""
    bad = _alert(labels={"depth": f"at {value}"})
    (finding,) = found(rules_annotations, demo(alerts=(bad,)))
    assert (finding.level, where(finding)) == (Level.ERROR, at(bad))
    assert finding.message == (
        "alert DemoQueueFull: label depth uses the value: every new value makes a new alert, "
        "pending from the start, so while the value changes it never fires; put the value in "
        "the description")


def test_a_label_named_like_the_value_is_fine() -> None:
    good = _alert(labels={"kind": "{{ $labels.value }}", "other": "$value is a word here"})
    assert found(rules_annotations, demo(alerts=(good,))) == []


def test_a_template_that_does_not_parse_names_its_field_and_column() -> None:
    bad = _alert(description="ok {{ $value }} {{ nope }}")
    (finding,) = found(rules_annotations, demo(alerts=(bad,)))
    assert finding.message == ("alert DemoQueueFull: description column 17: unknown function "
                               "or value 'nope' in `{{ nope }}`")


def test_label_values_are_templates_too() -> None:
    bad = _alert(labels={"team": "{{ $labels.team "})
    (finding,) = found(rules_annotations, demo(alerts=(bad,)))
    assert where(finding) == at(bad) and finding.message.startswith(
        "alert DemoQueueFull: label team column ")


def test_every_problem_of_an_alert_is_its_own_finding() -> None:
    bad = _alert(summary="At {{ $value }}", description="{{ $value | humanise }}")
    findings = found(rules_annotations, demo(alerts=(bad,)))
    assert [f.message.split(": ")[1].split(" ")[0] for f in findings] == ["summary",
                                                                        "description"]
    assert all(where(f) == at(bad) for f in findings)


def test_a_suppressed_alert_is_not_reported() -> None:
    bad = _alert(description="Queue full.", suppress={"KG302": "the pager shows no values"})
    assert found(rules_annotations, demo(alerts=(bad,))) != []
    assert reported("KG302", demo(alerts=(bad,))) == []
