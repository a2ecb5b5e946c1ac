"""KG201 metrics/dropped-by-keep-list: no query reads a series that every scrape job of a
flavor drops with its metric_relabel_configs keep/drop steps on __name__."""

from __future__ import annotations

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks import metrics_dropped
from generator.findings import Level
from generator.kit import keep_list
from generator.model import Action, Alert, Flavor, Relabel, ScrapeJob, Severity
from tests.checks.conftest import (
    ALERTS,
    BOARD,
    DESC,
    JOB,
    METRICS,
    QUEUE,
    at,
    demo,
    found,
    reported,
    where,
)


def _only(regex: str, action: Action = Action.KEEP) -> ScrapeJob:
    step = Relabel(action=action, source_labels=("__name__",), regex=regex)
    return ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, metric_relabel_configs=(step,))


def test_the_demo_keeps_what_it_reads() -> None:
    assert found(metrics_dropped, demo()) == []


def test_a_kit_keep_list_of_the_catalog_keeps_every_series() -> None:
    job = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS,
                    metric_relabel_configs=keep_list(METRICS))
    assert found(metrics_dropped, demo(scrape_jobs=(job,))) == []


def test_every_query_over_a_series_the_keep_list_misses_is_an_error() -> None:
    job = _only("demo_(errors|latency|wait).*")
    findings = found(metrics_dropped, demo(scrape_jobs=(job,)))
    queue_panel = BOARD.rows[0].panels[2]
    assert [(f.code, f.level, where(f), f.metric) for f in findings] == [
        ("KG201", Level.ERROR, at(ALERTS[1]), "demo_queue_depth"),
        ("KG201", Level.ERROR, at(queue_panel.queries[0]), "demo_queue_depth"),
        ("KG201", Level.ERROR, at(BOARD.variables[0]), "demo_queue_depth"),
    ]
    assert findings[0].message == ("alert DemoQueueFull uses demo_queue_depth, which every "
                                   "prometheus scrape job drops (demo): it can never fire")


def test_a_drop_step_drops_what_it_matches_only() -> None:
    findings = found(metrics_dropped, demo(scrape_jobs=(_only("demo_wait_seconds",
                                                              Action.DROP),)))
    assert [(where(f), f.metric) for f in findings] == [(at(ALERTS[2]), "demo_wait_seconds")]


def test_recorded_series_and_prometheus_own_series_are_never_dropped() -> None:
    up = Alert(name="DemoDown", expr="up == 0", for_="5m", severity=Severity.WARNING,
               summary="Down.", description=DESC)
    integration = demo(alerts=(ALERTS[0], up), dashboards=(),
                       scrape_jobs=(_only("demo_errors_total"),))
    assert found(metrics_dropped, integration) == []


def test_one_job_of_the_flavor_keeping_the_series_is_enough() -> None:
    other = ScrapeJob(job_name="demo-all", flavor=Flavor.PROMETHEUS)
    assert found(metrics_dropped, demo(scrape_jobs=(_only("nothing"), other))) == []


def test_each_flavor_must_keep_it() -> None:
    sysdig = ScrapeJob(job_name="demo-agent", flavor=Flavor.SYSDIG_AGENT,
                       metric_relabel_configs=(Relabel(action=Action.KEEP,
                                                       source_labels=("__name__",),
                                                       regex="demo_errors_total"),))
    findings = found(metrics_dropped, demo(alerts=ALERTS[1:2], dashboards=(),
                                           scrape_jobs=(JOB, sysdig)))
    assert [where(f) for f in findings] == [at(ALERTS[1])]
    assert "every sysdig-agent scrape job drops (demo-agent)" in findings[0].message


def test_steps_on_other_labels_and_regexes_re2_rejects_are_not_its_business() -> None:
    other = Relabel(action=Action.KEEP, source_labels=("__name__", "job"), regex="nothing")
    broken = Relabel(action=Action.KEEP, source_labels=("__name__",), regex="demo_(.*")
    job = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS,
                    metric_relabel_configs=(other, broken))
    assert found(metrics_dropped, demo(scrape_jobs=(job,))) == []


def test_a_suppressed_alert_is_not_reported() -> None:
    kept = Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m",
                 severity=Severity.WARNING, summary="Queue full.", description=DESC,
                 examples=QUEUE, suppress={"KG201": "scraped by a job outside kgen"})
    integration = demo(alerts=(kept,), dashboards=(),
                       scrape_jobs=(_only("demo_(errors|latency|wait).*"),))
    assert reported("KG201", integration) == []
    assert found(metrics_dropped, integration) != []


@pytest.mark.parametrize("regex", ["demo_.*", "demo_queue_depth|demo_errors_total|x+", "^demo_q.*$",
                                   "(demo|other)_(queue|wait)_.+", "", "x*", "(?i)DEMO_.*"])
def test_a_keep_regex_matches_a_whole_name_as_re2_fullmatch_does(regex: str) -> None:
    """The quick RE2 set agrees with re2's own fullmatch, anchored at both ends."""
    compiled = re2.compile(f"(?:{regex})")
    names = ["demo_queue_depth", "demo_errors_total", "xdemo_queue_depth", "demo_queue_depthx",
             "other_wait_seconds", "", "xxx", "DEMO_Q"]
    expected = [compiled.fullmatch(n) is not None for n in names]
    asked = metrics_dropped._anchored(regex)
    assert asked is not None and asked.quick is not None
    assert [asked.quick.Match(n) is not None for n in names] == expected
    assert [asked.fullmatch(n) for n in names] == expected


def test_a_no_from_the_quick_set_is_asked_again() -> None:
    """An RE2 set says no wrongly when its DFA runs out of memory: fullmatch has the last word."""
    class _OutOfMemory:
        def Match(self, name: str) -> None:  # re2.Set's own name
            return None

    regex = metrics_dropped._Regex("demo_.*")
    regex.quick = _OutOfMemory()
    assert regex.fullmatch("demo_queue_depth")
    assert not regex.fullmatch("other_queue_depth")


NAME = st.text(alphabet="ab_:1", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(names=st.lists(NAME, min_size=1, max_size=5), grouped=st.booleans(),
       series=st.one_of(NAME, st.text(alphabet="ab_:1|()", max_size=6)))
def test_a_listed_name_keep_list_matches_as_re2_does(names: list[str], grouped: bool,
                                                     series: str) -> None:
    """A regex that only lists names (`kit.keep_list`'s) is answered by a set lookup, not RE2:
    the same answer RE2 gives, for the names, their prefixes and extensions, and any text."""
    regex = "|".join(names)
    regex = f"({regex})" if grouped else regex
    anchored = metrics_dropped._anchored(regex)
    assert isinstance(anchored, metrics_dropped._Names)
    for candidate in (series, *names, *(n + series for n in names), *(n[:-1] for n in names)):
        expected = re2.compile(f"(?:{regex})").fullmatch(candidate) is not None
        assert anchored.fullmatch(candidate) is expected, (regex, candidate)


@pytest.mark.parametrize("regex", ["(a|b", "a|b)", "(a)|(b)", "a.b", "a|", "", "(a|b)+"])
def test_a_regex_that_does_more_than_list_names_goes_to_re2(regex: str) -> None:
    assert not isinstance(metrics_dropped._anchored(regex), metrics_dropped._Names)
