"""Runbook links that open from a pager: every alert of every profile links its own tree's docs
page at a section that exists there, through kgen.yaml's `runbook_url` pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.build import build_project
from generator.cli import main
from generator.findings import SpecError
from generator.project import load_project
from tests.broken._base import BASE
from tests.support import CONFIG, ROOT
from tests.test_docs import anchors

ALERTS = ("DemoErrors", "DemoQueueFull", "DemoSlow")


def runbook_urls(files: dict[str, bytes]) -> dict[str, str]:
    """Alert name -> runbook_url, from every rule file of a build."""
    return {rule["alert"]: rule["annotations"]["runbook_url"]
            for path, data in files.items() if path.startswith("prometheus/rules/")
            for group in yaml.safe_load(data)["groups"] for rule in group["rules"]
            if "alert" in rule}


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The URLs a pattern produces, with each placeholder captured by name."""
    parts = re.split(r"\{(docs|anchor|integration|alert)\}", pattern)
    groups = {"docs": r"(?P<docs>[^#?]+)", "anchor": r"(?P<anchor>[\w-]+)",
              "integration": r"(?P<integration>[a-z0-9-]+)", "alert": r"(?P<alert>\w+)"}
    seen: set[str] = set()
    regex = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            regex += re.escape(part.replace("{{", "{").replace("}}", "}"))
        else:
            regex += f"(?P={part})" if part in seen else groups[part]
            seen.add(part)
    return re.compile(regex)


def project_files(tmp_path: Path, config: str) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(BASE)
    (tmp_path / "kgen.yaml").write_text(config)
    return tmp_path / "kgen.yaml"


@pytest.mark.parametrize("profile", [None, *load_project(CONFIG).profiles])
def test_shipped_alerts_link_their_own_trees_page_at_an_existing_section(
        profile: str | None) -> None:
    """This repository's config, whatever its pattern: the URL's {docs} part is the profile's
    own committed docs page, and its anchor a heading on that page."""
    project = load_project(CONFIG, profile)
    urls = runbook_urls(build_project(project))
    assert urls
    match = pattern_regex(project.runbook_url or "{docs}#{anchor}")
    for alert, url in urls.items():
        found = match.fullmatch(url)
        assert found, (alert, url)
        docs = found.groupdict().get("docs")
        assert docs is not None, f"{url}: the pattern names no docs page to check"
        page = ROOT / docs
        assert page.parent.parent == project.out_dir.resolve(), (url, project.out_dir)
        assert page.is_file(), url
        assert found.group("anchor") == alert.lower()
        assert found.group("anchor") in anchors(page.read_text(encoding="utf-8")), url


def test_relative_pattern_resolves_in_every_profiles_tree(tmp_path: Path) -> None:
    config = project_files(tmp_path, (
        "targets: [prometheus-rules, docs]\n"
        "runbook_url: '{docs}#{anchor}'\n"
        "profiles:\n"
        "  prod: {}\n"
        "  staging: {out: trees/staging}\n"))
    done = CliRunner().invoke(main, ["build", "--all-profiles", "--config", str(config)])
    assert done.exit_code == 0, done.output
    for profile, tree in ((None, "out"), ("prod", "out-prod"), ("staging", "trees/staging")):
        rules = (tmp_path / tree / "prometheus/rules/demo.yaml").read_bytes()
        urls = runbook_urls({"prometheus/rules/demo.yaml": rules})
        assert set(urls) == set(ALERTS), profile
        for alert, url in urls.items():
            path, anchor = url.split("#")
            assert path == f"{tree}/docs/demo.md"
            page = (tmp_path / path).read_text(encoding="utf-8")
            assert anchor == alert.lower() and anchor in anchors(page)


def test_https_pattern_and_every_placeholder(tmp_path: Path) -> None:
    config = project_files(tmp_path, (
        "runbook_url: 'https://git.example.com/o/r/blob/main/{docs}#{anchor}'\n"
        "profiles:\n"
        "  prod:\n"
        "    runbook_url: 'https://runbooks.example.com/{integration}/{alert}?from={{kgen}}'\n"))
    base = runbook_urls(build_project(load_project(config)))
    assert base["DemoSlow"] == "https://git.example.com/o/r/blob/main/out/docs/demo.md#demoslow"
    prod = runbook_urls(build_project(load_project(config, "prod")))
    assert prod["DemoQueueFull"] == "https://runbooks.example.com/demo/DemoQueueFull?from={kgen}"


def test_without_a_pattern_links_the_repository_path_and_check_warns(tmp_path: Path) -> None:
    config = project_files(tmp_path, "targets: [prometheus-rules, docs]\n")
    urls = runbook_urls(build_project(load_project(config)))
    assert urls["DemoErrors"] == "out/docs/demo.md#demoerrors"
    done = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert f"{config}:1: warning KG305 no runbook_url pattern" in done.output
    strict = CliRunner().invoke(main, ["check", "--strict", "--config", str(config)])
    assert strict.exit_code == 1


def test_a_tree_without_docs_warns_that_its_links_name_a_missing_page(tmp_path: Path) -> None:
    config = project_files(tmp_path, (
        "runbook_url: 'https://git.example.com/o/r/blob/main/{docs}#{anchor}'\n"
        "targets: [prometheus-rules]\n"))
    done = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert (f"{config}:2: warning KG305 runbook_url links out/docs/<integration>.md#..., but "
            "the docs target is off, so that page is not written") in done.output
    assert "no runbook_url pattern" not in done.output
    urls = runbook_urls(build_project(load_project(config)))
    assert urls["DemoErrors"].endswith("/out/docs/demo.md#demoerrors")


def test_a_pattern_published_elsewhere_needs_no_docs_target(tmp_path: Path) -> None:
    config = project_files(tmp_path, (
        "runbook_url: 'https://wiki.example.com/{integration}#{anchor}'\n"
        "targets: [prometheus-rules]\n"))
    done = CliRunner().invoke(main, ["check", "--config", str(config)])
    assert done.exit_code == 0, done.output
    assert "KG305" not in done.output


@pytest.mark.parametrize(("pattern", "message"), [
    ("'{doc}#{anchor}'", "runbook_url: Value error, {doc} is not a placeholder; known: {docs}"),
    ("'{docs!r}'", "{docs!r} is not a placeholder"),
    ("'https://x/{docs'", "expected '}' before end of string"),
    ("' '", "empty pattern"),
])
def test_a_bad_pattern_is_an_error_at_its_line(tmp_path: Path, pattern: str,
                                               message: str) -> None:
    config = project_files(tmp_path, f"out: out\nprofiles:\n  prod:\n    runbook_url: {pattern}\n")
    with pytest.raises(SpecError) as raised:
        load_project(config, "prod")
    (finding,) = raised.value.findings
    assert (finding.line, finding.code) == (4, "KG005"), finding
    assert message in finding.message


def test_a_spec_cannot_write_its_own_runbook_url(tmp_path: Path) -> None:
    config = project_files(tmp_path, "")
    spec = tmp_path / "specs" / "demo.py"
    spec.write_text(BASE.replace('summary="Slow.",', 'summary="Slow.", runbook_url="x",'))
    with pytest.raises(SpecError) as raised:
        build_project(load_project(config))
    assert "runbook_url is derived from kgen.yaml's `runbook_url` pattern" in str(raised.value)
