"""What an integration costs in series, and what a keep-list of only what is read would save.

An integration's series are those under its selector or scraped by its jobs, counted as
`count by (__name__, job)` returns them. Series Prometheus writes itself (`up`,
`scrape_*`, `ALERTS`) and the integration's recorded series are not scraped, so no keep-list
can drop them: they are left out. Histogram and summary series are billed to their metric:
by the catalog, or else by the targets' metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.live.observe import Counts
from generator.live.online import readers
from generator.loader import Spec
from generator.queries import is_synthetic, recorded, series_owner

RULE_SERIES = ("ALERTS", "ALERTS_FOR_STATE")
FAMILY_SUFFIXES = {"_bucket": ("histogram",), "_sum": ("histogram", "summary"),
                   "_count": ("histogram", "summary")}


@dataclass(frozen=True)
class Row:
    metric: str
    series: int
    in_catalog: bool
    read: bool

    @property
    def droppable(self) -> int:
        """Series a keep-list of only what is read would save."""
        return 0 if self.read else self.series


@dataclass(frozen=True)
class Bill:
    integration: str
    selector: str
    jobs: tuple[str, ...]
    rows: tuple[Row, ...]
    """Largest first."""

    @property
    def series(self) -> int:
        return sum(row.series for row in self.rows)

    @property
    def droppable(self) -> int:
        return sum(row.droppable for row in self.rows)


def bill(spec: Spec, selected: Counts, scraped: Counts, types: dict[str, frozenset[str]]) -> Bill:
    """The integration's series under its selector (`selected`) or its jobs (`scraped`)."""
    owner = series_owner(spec)
    records = recorded(spec)
    read = set(readers(spec))
    merged = merge(selected, scraped)
    totals: dict[str, int] = {}
    for name, by_job in merged.items():
        if is_synthetic(name) or name in RULE_SERIES or name in records:
            continue
        metric = owner[name].name if name in owner else family(name, types)
        totals[metric] = totals.get(metric, 0) + sum(by_job.values())
    catalog = {m.name: m for m in spec.integration.metrics}
    rows = [Row(metric, series, metric in catalog,
                metric in catalog and bool(read.intersection(catalog[metric].series_names())))
            for metric, series in totals.items()]
    rows.sort(key=lambda row: (-row.series, row.metric))
    jobs = sorted({job for by_job in merged.values() for job in by_job})
    return Bill(spec.name, spec.integration.selector, tuple(jobs), tuple(rows))


def merge(*scopes: Counts) -> Counts:
    """Series name -> job -> series, over scopes that may overlap (the job partitions them)."""
    merged: Counts = {}
    for counts in scopes:
        for name, by_job in counts.items():
            merged.setdefault(name, {}).update(by_job)
    return merged


def family(name: str, types: dict[str, frozenset[str]]) -> str:
    """The metric a series name belongs to: `x` for `x_bucket` when `x` is a histogram."""
    for suffix, kinds in FAMILY_SUFFIXES.items():
        base = name.removesuffix(suffix)
        if base != name and types.get(base, frozenset()).intersection(kinds):
            return base
    return name


def as_json(bills: list[Bill]) -> str:
    return json.dumps({"integrations": [{
        "integration": b.integration, "selector": b.selector, "jobs": list(b.jobs),
        "series": b.series, "droppable_series": b.droppable,
        "metrics": [{"metric": r.metric, "series": r.series, "in_catalog": r.in_catalog,
                     "read": r.read, "droppable_series": r.droppable} for r in b.rows],
    } for b in bills]}, indent=2)


def as_text(bills: list[Bill]) -> str:
    lines = []
    for b in bills:
        lines.append(f"{b.integration}: {b.series} series under {b.selector} and its jobs "
                     f"(job {', '.join(b.jobs) or 'none'}); a keep-list of what is read "
                     f"saves {b.droppable}")
        width = max([len(str(b.series)), len("SERIES")])
        lines.append(f"  {'SERIES':>{width}}  {'READ':<4}  {'CATALOG':<7}  METRIC")
        for r in b.rows:
            lines.append(f"  {r.series:>{width}}  {_yes(r.read):<4}  {_yes(r.in_catalog):<7}  "
                         f"{r.metric}")
    return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"
