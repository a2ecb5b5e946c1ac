"""What a running Prometheus holds for one integration, collected with a handful of queries.

Two scopes: the integration's selector (what its rules and panels read) and its scrape jobs
(what it costs: a job is known in `up` and every series by its `job` label, which is the job's
`job_name` in both flavors). The selector's matchers on labels other than `job` (a cluster, a
namespace) apply to both. Recorded series are looked up unscoped, as the rules that read them
do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator import promql
from generator.live.client import PrometheusAPI, Sample
from generator.loader import Spec
from generator.model import Alert
from generator.queries import all_queries
from generator.scoping import scoped as scoped_queries

Matcher = tuple[str, str, str]
Counts = dict[str, dict[str, int]]
"""Series name -> job -> how many series."""


@dataclass(frozen=True)
class Observed:
    """One integration as the API sees it now."""

    selected: Counts
    """Series under the selector."""
    up: dict[str, tuple[int, int]]
    """Scrape job -> (targets, healthy targets)."""
    types: dict[str, frozenset[str]]
    """Metric name -> the types its targets declare (global: metadata is not scoped)."""
    labels: dict[str, frozenset[str]]
    """Series name read by a query -> the label names its live series carry."""
    elsewhere: Counts
    """Catalog series absent under the selector -> where they do exist (job -> series)."""
    recorded: dict[str, int]
    """Recording rule -> series it has stored now."""
    unrecorded: dict[str, int]
    """Recording rule with no series -> how many its expression returns now."""
    alerts: list[tuple[Alert, list[Sample]]]
    """Each alert, scoped as deployed, with the series its expression returns now."""

    def jobs(self) -> list[str]:
        """The jobs the selector matches."""
        return sorted({job for by_job in self.selected.values() for job in by_job})


def selector(matchers: Iterable[Matcher]) -> str:
    """`{a="x", b=~"y"}` with every value quoted as PromQL reads it."""
    return "{" + ", ".join(f"{name}{op}{promql.quote(value)}" for name, op, value in matchers) + "}"


def matchers_of(text: str) -> tuple[Matcher, ...]:
    """The (label, op, value) matchers of a selector body such as `job=~"etcd.*"`."""
    if not text.strip():
        return ()
    (use,) = promql.selector_uses("{" + text + "}")
    return use.matchers


def any_of(names: Iterable[str]) -> str:
    """An RE2 regex matching exactly these names."""
    return "|".join(re.escape(name) for name in sorted(names))


def scopes(spec: Spec) -> tuple[tuple[Matcher, ...], tuple[Matcher, ...]]:
    """The selector's matchers, and the matchers of the integration's scrape jobs."""
    by_selector = matchers_of(spec.integration.selector)
    rest = tuple(m for m in by_selector if m[0] != "job")
    jobs = sorted({job.job_name for job in spec.integration.scrape_jobs})
    return by_selector, (("job", "=~", any_of(jobs)), *rest) if jobs else ()


def series(spec: Spec, api: PrometheusAPI) -> tuple[Counts, Counts]:
    """Series under the selector, and under the integration's scrape jobs."""
    by_selector, by_jobs = scopes(spec)
    return _selected(api, by_selector), _counts(api, selector(by_jobs)) if by_jobs else {}


def observe(spec: Spec, api: PrometheusAPI, types: dict[str, frozenset[str]]) -> Observed:
    by_selector, by_jobs = scopes(spec)
    selected = _selected(api, by_selector)
    catalog = [name for m in spec.integration.metrics for name in m.series_names()]
    missing = [name for name in catalog if name not in selected]
    elsewhere = _counts(api, selector([("__name__", "=~", any_of(missing))])) if missing else {}
    scoped = scoped_queries(spec.integration)
    stored = _recorded(api, [r.record for r in scoped.recording_rules])
    unrecorded = {r.record: len(api.vector(r.expr)) for r in scoped.recording_rules
                  if not stored[r.record]}
    read = {use.metric for _, expr, _ in all_queries(spec)
            for use in promql.selector_uses(expr) if use.metric}
    labels = {}
    for name in sorted(read):
        if stored.get(name):
            labels[name] = api.label_names(selector([("__name__", "=", name)]))
        elif name in selected:
            labels[name] = api.label_names(selector([("__name__", "=", name), *by_selector]))
    alerts = [(alert, api.vector(alert.expr)) for alert in scoped.alerts]
    return Observed(selected=selected, up=_up(api, by_jobs), types=types,
                    labels=labels, elsewhere=elsewhere, recorded=stored, unrecorded=unrecorded,
                    alerts=alerts)


def _selected(api: PrometheusAPI, by_selector: tuple[Matcher, ...]) -> Counts:
    """Series under the selector (every series when it is empty)."""
    return _counts(api, selector(by_selector or (("__name__", "=~", ".+"),)))


def _counts(api: PrometheusAPI, matching: str) -> Counts:
    counts: Counts = {}
    for sample in api.vector(f"count by (__name__, job) ({matching})"):
        by_job = counts.setdefault(sample.labels.get("__name__", ""), {})
        by_job[sample.labels.get("job", "")] = int(sample.value)
    return counts


def _up(api: PrometheusAPI, by_jobs: tuple[Matcher, ...]) -> dict[str, tuple[int, int]]:
    if not by_jobs:
        return {}
    up = "up" + selector(by_jobs)
    targets = {s.labels.get("job", ""): int(s.value) for s in api.vector(f"count by (job) ({up})")}
    healthy = {s.labels.get("job", ""): int(s.value)
               for s in api.vector(f"count by (job) ({up} == 1)")}
    return {job: (count, healthy.get(job, 0)) for job, count in targets.items()}


def _recorded(api: PrometheusAPI, records: list[str]) -> dict[str, int]:
    if not records:
        return {}
    wanted = selector([("__name__", "=~", any_of(records))])
    found = {s.labels.get("__name__", ""): int(s.value)
             for s in api.vector(f"count by (__name__) ({wanted})")}
    return {record: found.get(record, 0) for record in records}
