"""No query reads a series that every scrape job of a flavor drops with metric_relabel_configs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import re2

from generator import prometheus_regex
from generator.findings import Finding, Level
from generator.loader import Spec
from generator.model import Action, Flavor, ScrapeJob
from generator.queries import is_synthetic, read

CODE = "KG201"
NAME = "metrics/dropped-by-keep-list"
DOC = "a query reads a series its scrape jobs drop, so the rule can never see data"


def keeps(job: ScrapeJob, series: str, matched: dict[tuple[str, str], bool | None]) -> bool:
    """Whether the job's keep/drop steps on `__name__` let the series through (RE2, anchored).
    `matched` remembers whether a regex matches a series (None: RE2 refuses the regex) for
    the other jobs of the integration, which share keep-lists."""
    for step in job.metric_relabel_configs:
        if step.action not in (Action.KEEP, Action.DROP) or step.source_labels != ("__name__",):
            continue
        key = (step.regex or "(.*)", series)
        if key not in matched:
            regex = _anchored(key[0])
            matched[key] = None if regex is None else regex.fullmatch(series)
        if matched[key] is None:
            continue  # scrape/relabel reports the regex
        if matched[key] != (step.action is Action.KEEP):
            return False
    return True


class _Regex:
    """A keep/drop step's regex, asked whether it matches a whole series name: first through
    an RE2 set of that one regex (a tenth of the cost of `fullmatch` through re2's wrapper),
    which can say no only wrongly (when its DFA runs out of memory), so a no is asked again."""

    def __init__(self, regex: str) -> None:
        self.compiled = prometheus_regex.compiled(f"(?:{regex})")
        self.quick: Any = re2.Set.FullMatchSet(prometheus_regex.QUIET)
        try:
            self.quick.Add(f"(?:{regex})")
            self.quick.Compile()
        except re2.error:
            self.quick = None

    def fullmatch(self, series: str) -> bool:
        return (self.quick is not None and self.quick.Match(series) is not None) or \
            self.compiled.fullmatch(series) is not None


class _Names:
    """A keep/drop regex that only lists names, `a|b` or `(a|b)` (what `kit.keep_list`
    writes): with nothing but letters, digits, `_` and `:` in a name, it matches a whole
    series name exactly when the series is one of them, as RE2 answers, without compiling
    it (an RE2 set of a 30-name keep-list took about 0.2 ms to build, in every integration;
    scrape/relabel still compiles the regex, and reports it if RE2 refuses it)."""

    def __init__(self, names: str) -> None:
        self.names = frozenset(names.split("|"))

    def fullmatch(self, series: str) -> bool:
        return series in self.names


_NAMES = r"[a-zA-Z0-9_:]+(?:\|[a-zA-Z0-9_:]+)*"
_NAME_LIST = re.compile(rf"\(({_NAMES})\)|{_NAMES}")


@lru_cache(maxsize=16)
def _anchored(regex: str) -> _Names | _Regex | None:
    """The step's regex compiled once (None when RE2 refuses it), or the names it lists.
    An integration's jobs share a few (the same keep-list in each flavor); another
    integration's are its own, and each compiled one holds its automata (about 140 KiB for a
    keep-list of 30 names): 256 of them were 50 MB of a 300-integration build's peak."""
    listed = _NAME_LIST.fullmatch(regex)
    if listed is not None:
        return _Names(listed[1] or regex)
    try:
        return _Regex(regex)
    except re2.error:
        return None


def check(specs: list[Spec]) -> list[Finding]:
    findings = []
    for spec in specs:
        jobs = spec.integration.scrape_jobs
        flavors = {flavor: [job for job in jobs if job.flavor is flavor]
                   for flavor in sorted({job.flavor for job in jobs})}
        dropping: dict[str, list[Flavor]] = {}
        """Series name -> the flavors whose every job drops it (each name is read often)."""
        queries = read(spec)
        matched: dict[tuple[str, str], bool | None] = {}
        for query in queries.all:
            for use in queries.uses(query.expr):
                name = use.metric
                if not name or name in queries.recorded or is_synthetic(name):
                    continue
                if name not in dropping:
                    dropping[name] = [flavor for flavor, flavored in flavors.items()
                                      if not any(keeps(job, name, matched) for job in flavored)]
                for flavor in dropping[name]:
                    flavored = flavors[flavor]
                    findings.append(Finding.at(
                        query.location, Level.ERROR, CODE,
                        f"{query.what} uses {name}, which every {flavor} scrape job drops "
                        f"({', '.join(j.job_name for j in flavored)}): it can never fire",
                        name))
    return findings
