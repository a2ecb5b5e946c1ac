"""KG305 rules/runbook-links, a project check: a warning when alerts link their docs page by
repository path (no runbook_url pattern) or link a docs page the tree does not build."""

from __future__ import annotations

from pathlib import Path

from generator.checks import runbook_links
from generator.findings import Level
from generator.model.base import display_path
from generator.project import Project

CONFIG = Path("/repo/kgen.yaml")
PATTERN = "https://git.example.com/org/repo/blob/main/{docs}#{anchor}"


def _project(targets: tuple[str, ...], runbook_url: str | None) -> Project:
    """A project read from /repo/kgen.yaml: targets at line 2, runbook_url (when set) at 3."""
    lines = {("targets",): 2, **({("runbook_url",): 3} if runbook_url else {})}
    return Project(targets=targets, runbook_url=runbook_url, source=CONFIG, lines=lines,
                   out_dir=Path("/repo/out"))


def test_a_pattern_linking_built_docs_is_fine() -> None:
    assert runbook_links.check(_project(("prometheus-rules", "docs"), PATTERN), True) == []


def test_a_pattern_without_the_docs_page_needs_no_docs_target() -> None:
    pattern = "https://runbooks.example.com/{integration}/{alert}"
    assert runbook_links.check(_project(("prometheus-rules",), pattern), True) == []


def test_without_alerts_nothing_is_said() -> None:
    assert runbook_links.check(_project(("prometheus-rules",), None), False) == []


def test_no_pattern_is_a_warning_at_the_top_of_the_config_file() -> None:
    (finding,) = runbook_links.check(_project(("prometheus-rules", "docs"), None), True)
    assert (finding.code, finding.level) == ("KG305", Level.WARNING)
    assert (finding.path, finding.line) == (display_path(str(CONFIG)), 1)
    assert finding.message.startswith("no runbook_url pattern: alerts link the repository "
                                      "path out/docs/<integration>.md#..., which a pager "
                                      "cannot open; set e.g. runbook_url: ")


def test_no_pattern_and_no_docs_says_the_page_is_not_built_either() -> None:
    (finding,) = runbook_links.check(_project(("prometheus-rules",), None), True)
    assert "out/docs/<integration>.md#... (not built here: the docs target is off)" in \
        finding.message


def test_a_pattern_linking_docs_the_tree_does_not_build_is_a_warning_at_targets() -> None:
    (finding,) = runbook_links.check(_project(("prometheus-rules",), PATTERN), True)
    assert (finding.level, finding.path, finding.line) == (Level.WARNING,
                                                           display_path(str(CONFIG)), 2)
    assert finding.message == ("runbook_url links out/docs/<integration>.md#..., but the docs "
                               "target is off, so that page is not written; add docs to "
                               "targets, or link where the pages are published")


def test_without_a_config_file_the_finding_names_the_config() -> None:
    (finding,) = runbook_links.check(Project(targets=("prometheus-rules",)), True)
    assert (finding.path, finding.line, finding.level) == ("<config>", 0, Level.WARNING)
