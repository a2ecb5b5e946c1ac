"""Where an alert links to: its integration's docs page, the anchor of its runbook section, and
the project's `runbook_url` pattern that joins them into the annotation a pager shows.

Every docs file name and anchor kgen writes or links to comes from here, so a link and the page
it points at cannot drift apart.
"""

from __future__ import annotations

import string

PLACEHOLDERS = ("docs", "anchor", "integration", "alert")
"""What a `runbook_url` pattern may name."""
DEFAULT_PATTERN = "{docs}#{anchor}"
"""Without a pattern: the docs page's path in the repository, which a repository browser opens
but Alertmanager, Slack and PagerDuty cannot."""


def docs_page(integration: str) -> str:
    """The integration's docs page, relative to the output tree."""
    return f"docs/{integration}.md"


def anchor(alert: str) -> str:
    """The anchor GitHub, GitLab and MkDocs give the heading `### <alert>`: alert names are
    letters, digits and `_`, which those slug rules keep, lower-cased."""
    return alert.lower()


def check_pattern(pattern: str) -> str:
    """The pattern, or ValueError naming what in it cannot be filled in."""
    if not pattern.strip():
        raise ValueError("empty pattern")
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as error:
        raise ValueError(f"{error} (write a literal brace as {{{{ or }}}})") from None
    for _, field, spec, conversion in parsed:
        if field is not None and (field not in PLACEHOLDERS or spec or conversion):
            written = field + (f"!{conversion}" if conversion else "") + (
                f":{spec}" if spec else "")
            raise ValueError(f"{{{written}}} is not a placeholder; known: "
                             f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}")
    return pattern


def runbook_url(pattern: str, docs: str, integration: str, alert: str) -> str:
    """The pattern filled in for one alert; `docs` is its docs page's path in the repository."""
    return pattern.format(docs=docs, anchor=anchor(alert), integration=integration, alert=alert)
