"""KG301 rules/names: alert and record names are unique across integrations (an alert may
repeat within one at another severity) and alerts are <Integration>CamelCase unless the
integration states a naming exemption."""

from __future__ import annotations

import pytest

from generator.checks import rules_names
from generator.findings import Level
from generator.model import Alert, Recording, Severity
from tests.checks.conftest import ALERTS, DESC, ERROR_RATE, at, demo, found, reported, where


def _alert(name: str, severity: Severity = Severity.WARNING, **fields: object) -> Alert:
    return Alert(name=name, expr="demo_queue_depth > 100", for_="5m", severity=severity,
                 summary="s", description=DESC, **fields)  # type: ignore[arg-type]


def test_the_demo_names_are_unique_and_prefixed() -> None:
    assert found(rules_names, demo()) == []


def test_an_alert_name_twice_at_one_severity_is_an_error_at_the_second() -> None:
    first, second = _alert("DemoQueueFull"), _alert("DemoQueueFull")
    (finding,) = found(rules_names, demo(alerts=(first, second)))
    assert (finding.code, finding.level, where(finding)) == ("KG301", Level.ERROR, at(second))
    assert finding.message == f"alert DemoQueueFull is already defined at {first.location}"


def test_tiers_of_one_alert_at_other_severities_are_fine() -> None:
    tiers = (_alert("DemoQueueFull"), _alert("DemoQueueFull", Severity.CRITICAL))
    assert found(rules_names, demo(alerts=tiers)) == []


def test_a_record_name_twice_is_an_error() -> None:
    again = Recording(record=ERROR_RATE.record, expr="rate(demo_errors_total[10m])")
    (finding,) = found(rules_names, demo(recording_rules=(ERROR_RATE, again)))
    assert where(finding) == at(again)
    assert finding.message == (f"recording rule {ERROR_RATE.record} is already defined at "
                               f"{ERROR_RATE.location}")


def test_names_are_unique_across_integrations_whatever_the_severity() -> None:
    other = demo(name="other", alerts=(_alert("DemoErrors", Severity.CRITICAL),),
                 naming_exemption="kept as the demo names it")
    findings = found(rules_names, demo(), other)
    assert [(where(f), f.message) for f in findings] == [
        (at(other.alerts[0]), f"alert DemoErrors is already defined at {ALERTS[0].location}"),
        (at(other.recording_rules[0]),
         f"recording rule {ERROR_RATE.record} is already defined at {ERROR_RATE.location}"),
    ]


@pytest.mark.parametrize("name", ["QueueFull", "Demo_queue_full", "demoQueueFull",
                                  "Demonstration"])
def test_an_alert_not_prefixed_camel_case_is_an_error(name: str) -> None:
    bad = _alert(name)
    (finding,) = found(rules_names, demo(alerts=(bad,)))
    assert where(finding) == at(bad)
    assert finding.message == f"alert {name} should be CamelCase and start with Demo"


def test_the_prefix_of_a_hyphenated_integration_is_camel_case() -> None:
    assert found(rules_names, demo(name="kube-proxy", alerts=(_alert("KubeProxyDown"),))) == []
    (finding,) = found(rules_names, demo(name="kube-proxy", alerts=(_alert("KubeproxyDown"),)))
    assert finding.message.endswith("start with KubeProxy")


def test_tiers_with_a_bad_name_are_reported_once_at_the_first() -> None:
    first = _alert("queueFull")
    findings = found(rules_names, demo(alerts=(first, _alert("queueFull", Severity.CRITICAL))))
    assert [where(f) for f in findings] == [at(first)]


def test_a_naming_exemption_lifts_the_style_rule_only() -> None:
    exempt = demo(alerts=(_alert("demoQueueFull"), _alert("demoQueueFull")),
                  naming_exemption="upstream mixin names, kept for silences")
    findings = found(rules_names, exempt)
    assert [f.message.split(" is ")[0] for f in findings] == ["alert demoQueueFull"]


def test_a_suppressed_alert_is_not_reported() -> None:
    bad = _alert("QueueFull", suppress={"KG301": "kept for dashboard links"})
    assert reported("KG301", demo(alerts=(bad,))) == []
    assert reported("KG301", demo(alerts=(_alert("QueueFull"),))) != []


def test_capitals_after_the_prefix_are_fine() -> None:
    assert found(rules_names, demo(alerts=(_alert("DemoIPPoolFull"),))) == []
