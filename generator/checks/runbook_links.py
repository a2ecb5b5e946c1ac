"""Runbook links a pager can open: a project check (it reads kgen.yaml, not the specs), run by
`kgen check`.

Without a `runbook_url` pattern every alert links its docs page by its path in the repository,
which Alertmanager, Slack and PagerDuty show as text, not a link; and a tree built without the
`docs` target links a page it does not contain.
"""

from __future__ import annotations

from generator.findings import Finding, Level
from generator.project import Project

CODE = "KG305"
NAME = "rules/runbook-links"
DOC = ("(warning) no `runbook_url` pattern in kgen.yaml, or alerts linking docs pages the tree "
       "does not build")


def check(project: Project, alerting: bool) -> list[Finding]:
    """Findings for a project whose integrations have alerts (`alerting`)."""
    if not alerting:
        return []
    docs_off = "docs" not in project.targets
    page = f"{project.docs_page('<integration>')}#..."
    if project.runbook_url is None:
        missing = " (not built here: the docs target is off)" if docs_off else ""
        return [_at(project, "runbook_url", (
            f"no runbook_url pattern: alerts link the repository path {page}{missing}, which "
            "a pager cannot open; set e.g. runbook_url: "
            "\"https://git.example.com/org/repo/blob/main/{docs}#{anchor}\""))]
    if "{docs}" in project.runbook_url and docs_off:
        return [_at(project, "targets", (
            f"runbook_url links {page}, but the docs target is off, so that page is not "
            "written; add docs to targets, or link where the pages are published"))]
    return []


def _at(project: Project, key: str, message: str) -> Finding:
    where = project.locate(key)
    if where is None:
        return Finding("<config>", 0, Level.WARNING, CODE, message)
    return Finding.at(where, Level.WARNING, CODE, message)
