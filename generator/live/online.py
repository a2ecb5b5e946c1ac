"""Online checks: where the specs and what the targets really expose have drifted apart.

Each check is a function over one integration and what the API holds for it (`Observed`), so
the checks themselves do no I/O. A finding names the metric it is about.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import re2

from generator import promql
from generator.checks.labels import INVENTING, grouping_labels
from generator.findings import Finding, Level, did_you_mean
from generator.gotemplates import label_refs
from generator.live.client import Sample
from generator.live.observe import Observed
from generator.loader import Spec
from generator.model import Location, Metric, MetricType
from generator.queries import all_queries, queries, series_owner

NO_SERIES = "KG601"
TYPE = "KG602"
LABELS = "KG603"
TARGETS = "KG604"
RECORDED = "KG605"
ALERTS = "KG606"

CHECKS: tuple[tuple[str, str, str], ...] = (
    (NO_SERIES, "live/no-series", "a catalog metric with no series under the selector (an error "
                                  "when a rule or panel reads it, else a warning); a selector "
                                  "matching nothing at all"),
    (TYPE, "live/type", "a metric whose targets declare another type than the catalog's "
                        "(`/api/v1/metadata`)"),
    (LABELS, "live/labels", "a label a query matches, groups by or prints (`$labels`) that no "
                            "live series of its metrics carries"),
    (TARGETS, "live/targets", "a scrape job whose targets are all down (error); one with no "
                              "target while its flavor is deployed, or no job deployed (warning)"),
    (RECORDED, "live/recorded", "a recording rule whose series does not exist: an error when its "
                                "expression returns series (the rule is not loaded) and "
                                "something reads it, else a warning"),
    (ALERTS, "live/alerts", "(info) an alert whose expression, as deployed, returns series now: "
                            "pending or firing"),
)
"""(code, name, what it catches), for the README's table and `kgen check --help`."""


def check(spec: Spec, seen: Observed) -> list[Finding]:
    """Every online finding for one integration."""
    found: list[Finding] = []
    for online_check in ONLINE_CHECKS:
        found += online_check(spec, seen)
    return found


def readers(spec: Spec) -> dict[str, str]:
    """Series name -> the first rule, panel or variable that reads it."""
    found: dict[str, str] = {}
    for what, expr, _ in all_queries(spec):
        for use in promql.selector_uses(expr):
            if use.metric:
                found.setdefault(use.metric, what)
    return found


def no_series(spec: Spec, seen: Observed) -> list[Finding]:
    integration = spec.integration
    where = f"under {integration.selector}"
    if not seen.selected:
        return [Finding.at(integration.location, Level.ERROR, NO_SERIES,
                           f"no series at all match the selector {integration.selector}: no "
                           "target is scraped under it")]
    reader = readers(spec)
    jobs = f"which matches job {', '.join(seen.jobs())}"
    catalog = set(series_owner(spec))
    others = sorted(set(seen.selected) - catalog)
    findings = []
    for metric in integration.metrics:
        names = metric.series_names()
        absent = [name for name in names if name not in seen.selected]
        read = [reader[name] for name in names if name in reader]
        if len(absent) == len(names):
            level = Level.ERROR if read else Level.WARNING
            findings.append(Finding.at(
                metric.location, level, NO_SERIES,
                f"metric {metric.name} has no series {where}, {jobs}"
                f"{_found_elsewhere(seen, names)}{did_you_mean(metric.name, others)}"
                f"{_read_by(read)}", metric.name))
            continue
        for name in absent:
            if name in reader:
                findings.append(Finding.at(
                    metric.location, Level.ERROR, NO_SERIES,
                    f"{metric.type} {metric.name} has no {name} series {where}, {jobs}"
                    f"{_read_by([reader[name]])}", metric.name))
    return findings


def _found_elsewhere(seen: Observed, names: tuple[str, ...]) -> str:
    jobs = sorted({job for name in names for job in seen.elsewhere.get(name, {})})
    if not jobs:
        return ""
    return f"; it exists outside the selector, in job {', '.join(jobs)}"


def _read_by(read: list[str]) -> str:
    if not read:
        return "; nothing reads it"
    more = f" and {len(read) - 1} more" if len(read) > 1 else ""
    return f"; read by {read[0]}{more}"


def declared_types(metric: Metric, seen: Observed) -> frozenset[str]:
    """The types the targets declare for a metric; OpenMetrics names a counter without
    `_total`. `unknown` (an untyped exposition) says nothing and is left out."""
    declared = seen.types.get(metric.name, frozenset())
    if metric.type is MetricType.COUNTER and metric.name.endswith("_total"):
        declared |= seen.types.get(metric.name.removesuffix("_total"), frozenset())
    return declared - {"unknown"}


def types(spec: Spec, seen: Observed) -> list[Finding]:
    reader = readers(spec)
    findings = []
    for metric in spec.integration.metrics:
        names = metric.series_names()
        live = declared_types(metric, seen)
        if not any(name in seen.selected for name in names) or not live or metric.type in live:
            continue
        read = [reader[name] for name in names if name in reader]
        findings.append(Finding.at(
            metric.location, Level.ERROR if read else Level.WARNING, TYPE,
            f"metric {metric.name} is a {metric.type} in the catalog, but its targets declare "
            f"it a {' and a '.join(sorted(live))}{_read_by(read)}", metric.name))
    return findings


@dataclass(frozen=True)
class LabelUse:
    """A query and the labels it needs beyond its matchers."""

    what: str
    expr: str
    location: Location | None
    needs: tuple[str, ...]


def label_uses(spec: Spec) -> Iterator[LabelUse]:
    """Every query with its grouping labels, alerts with the `$labels` their annotations and
    label values print (the result's labels only: Prometheus does not give a rule's own labels
    to its templates), and each dashboard variable with the label it lists."""
    for what, expr, location in queries(spec):
        if not what.startswith("alert "):
            yield LabelUse(what, expr, location, tuple(grouping_labels(promql.parse(expr))))
    for alert in spec.integration.alerts:
        printed = label_refs(" ".join((alert.summary, alert.description, *alert.labels.values())))
        yield LabelUse(f"alert {alert.name}", alert.expr, alert.location,
                       tuple(grouping_labels(promql.parse(alert.expr)) + printed))
    for board in spec.integration.dashboards:
        for variable in board.variables:
            yield LabelUse(f"variable {variable.name}", variable.metric, variable.location,
                           (variable.label,))


def labels(spec: Spec, seen: Observed) -> list[Finding]:
    """Labels are compared with what the live series carry; labels added outside the scrape
    (the integration's external labels) are not visible to every API and are left out."""
    owner = {name: metric.name for name, metric in series_owner(spec).items()}
    outside = set(spec.integration.external_labels)
    findings = []
    for use in label_uses(spec):
        if INVENTING.search(use.expr):
            continue
        selectors = promql.selector_uses(use.expr)
        carried = [seen.labels.get(s.metric or "") for s in selectors]
        for selector, has in zip(selectors, carried, strict=True):
            name = selector.metric or ""
            for label, op, value in selector.matchers:
                if has is None or label in outside or label == "__name__":
                    continue
                if needs_label(op, value) and label not in has:
                    findings.append(Finding.at(
                        use.location, Level.ERROR, LABELS,
                        f"{use.what} matches {label}{op}{json.dumps(value)} on {name}, but no live "
                        f"series of {name} carries {label!r} ({_listed(has)})",
                        owner.get(name, name)))
        known = [has for has in carried if has is not None]
        if not selectors or len(known) < len(carried):
            continue
        union = set().union(*known) | outside
        names = list(dict.fromkeys(s.metric or "" for s in selectors))
        for label in sorted(dict.fromkeys(use.needs)):
            if label not in union:
                findings.append(Finding.at(
                    use.location, Level.ERROR, LABELS,
                    f"{use.what} uses label {label!r}, which no live series of "
                    f"{', '.join(names)} carries ({_listed(union)})",
                    ", ".join(dict.fromkeys(owner.get(n, n) for n in names))))
    return findings


def needs_label(op: str, value: str) -> bool:
    """Whether a matcher selects only series that carry the label (`x="a"`, `x=~"a.+"`)."""
    if op == "=":
        return value != ""
    if op == "=~":
        return re2.fullmatch(value, "") is None
    return False


def _listed(labels: frozenset[str] | set[str]) -> str:
    return f"they carry {', '.join(sorted(labels))}" if labels else "they carry no labels"


def targets(spec: Spec, seen: Observed) -> list[Finding]:
    integration = spec.integration
    jobs = integration.scrape_jobs
    if jobs and not any(job.job_name in seen.up for job in jobs):
        names = ", ".join(sorted({job.job_name for job in jobs}))
        return [Finding.at(integration.location, Level.WARNING, TARGETS,
                           f"none of the scrape jobs ({names}) is in `up`: they are not "
                           "deployed where this API reads, or run under other names")]
    findings = []
    for job in jobs:
        count, healthy = seen.up.get(job.job_name, (0, 0))
        if count and not healthy:
            findings.append(Finding.at(job.location, Level.ERROR, TARGETS,
                                       f"scrape job {job.job_name}: none of its {count} "
                                       f"target(s) is up"))
        deployed = [j.job_name for j in jobs if j.flavor is job.flavor and j.job_name in seen.up]
        if not count and deployed:
            findings.append(Finding.at(job.location, Level.WARNING, TARGETS,
                                       f"scrape job {job.job_name} finds no targets, while "
                                       f"{', '.join(deployed)} of the same flavor "
                                       f"({job.flavor}) does"))
    return findings


def recorded_series(spec: Spec, seen: Observed) -> list[Finding]:
    """A recorded series that is missing while its expression returns series means the rule is
    not loaded; when the expression returns nothing either, its inputs are missing (reported on
    their own) or it keeps nothing at the moment, which is worth a warning only."""
    if not seen.selected:
        return []
    reader = readers(spec)
    findings = []
    for rule in spec.integration.recording_rules:
        if seen.recorded.get(rule.record):
            continue
        output = seen.unrecorded.get(rule.record, 0)
        read = [reader[rule.record]] if rule.record in reader else []
        if output:
            level = Level.ERROR if read else Level.WARNING
            why = (f"its expression returns {output} series now, so the rule is not loaded "
                   "where this API reads")
        else:
            level = Level.WARNING
            why = ("its expression returns nothing now either: its inputs are missing, or it "
                   "keeps nothing at the moment")
        findings.append(Finding.at(rule.location, level, RECORDED,
                                   f"recorded series {rule.record} does not exist: "
                                   f"{why}{_read_by(read)}", rule.record))
    return findings


def alerts(spec: Spec, seen: Observed) -> list[Finding]:
    return [Finding.at(alert.location, Level.INFO, ALERTS,
                       f"alert {alert.name} is active now: its expression returns "
                       f"{len(samples)} series ({_first(samples)}), so it is pending, and "
                       f"fires once that has held for {alert.for_}")
            for alert, samples in seen.alerts if samples]


def _first(samples: list[Sample]) -> str:
    labels = ", ".join(f"{k}={v!r}" for k, v in sorted(samples[0].labels.items())
                       if k != "__name__")
    more = f" and {len(samples) - 1} more" if len(samples) > 1 else ""
    return f"{{{labels}}}{more}"


ONLINE_CHECKS: tuple[Callable[[Spec, Observed], list[Finding]], ...] = (
    no_series, types, labels, targets, recorded_series, alerts)
