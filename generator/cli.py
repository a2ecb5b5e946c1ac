"""The `kgen` command line. Thin: parse arguments, call the pipeline, report.

Exit codes: 0 done, 1 the specs have errors or out/ is stale (nothing written), 2 usage error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from generator.project import Project

F = TypeVar("F", bound=Callable[..., Any])


def project_options(func: F) -> F:
    """--config, --profile, --specs and --out: which settings, specs and output tree to use."""
    options = (
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False,
                                                                exists=True),
                     help="Project config (default: ./kgen.yaml, else [tool.kgen] in "
                          "./pyproject.toml)."),
        click.option("--profile", help="A profile from the project config, laid over its base "
                                       "settings; it has its own output tree."),
        click.option("--specs", "specs_dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Directory of integration spec modules (default: specs)."),
        click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Output directory (default: out, or out-<profile>); kgen only touches "
                          "the files it generated."),
    )
    for option in reversed(options):
        func = option(func)
    return func


def _project(config_path: Path | None, profile: str | None, specs_dir: Path | None,
             out_dir: Path | None) -> Project:
    import dataclasses

    from generator.project import find_config, load_project

    project = load_project(config_path or find_config(Path()), profile)
    if specs_dir is not None:
        project = dataclasses.replace(project, specs_dir=specs_dir)
    if out_dir is not None:
        project = dataclasses.replace(project, out_dir=out_dir)
    return project


def run() -> None:
    """The console script. kgen is a short-lived batch process that makes many small objects
    and frees few: collect rarely while it works (as mypy does), and skip the collection of
    everything at exit, which otherwise costs a quarter of a build."""
    import gc

    gc.set_threshold(100_000, 50, 100)
    try:
        main()
    finally:
        gc.freeze()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgen")
def main() -> None:
    """kgen: monitoring config-as-code.

    Compiles typed integration specs into Prometheus rules, agent scrape jobs, Grafana
    dashboards and more.
    """


@main.command()
@project_options
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 with a diff when the output directory is stale.")
@click.option("--all-profiles", is_flag=True,
              help="The base settings and then every profile, each to its own tree.")
def build(config_path: Path | None, profile: str | None, specs_dir: Path | None,
          out_dir: Path | None, check: bool, all_profiles: bool) -> None:
    """Regenerate the output directory from the specs."""
    from generator import fastpath

    started_ns = time.time_ns()
    invocation = fastpath.Invocation.of(config_path, profile, specs_dir, out_dir, all_profiles)
    if (unchanged := fastpath.up_to_date(invocation)) is not None:
        for tree, count in unchanged:
            click.echo(f"{tree} is up to date ({count} files; no input changed)", err=True)
        return
    from generator.build import build_project
    from generator.findings import SpecError
    from generator.output import OutputError, write_tree

    if all_profiles and (profile or out_dir):
        raise click.UsageError("--all-profiles builds every tree; drop --profile and --out")
    stale = False
    trees: list[tuple[Path, Path]] = []
    try:
        base = _project(config_path, profile, specs_dir, out_dir)
        profiles = [None, *base.profiles] if all_profiles else [profile]
        for name in profiles:
            project = base if name == profile else _project(config_path, name, specs_dir, None)
            files = build_project(project)
            trees.append((project.specs_dir, project.out_dir))
            if check:
                stale = not _show_drift(project.out_dir, files, name) or stale
                continue
            write_tree(project.out_dir, files)
            click.echo(f"wrote {len(files)} files to {project.out_dir}", err=True)
    except SpecError as error:
        _report(error)
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    if stale:
        sys.exit(1)
    fastpath.record(invocation, trees, started_ns)


@main.command()
@project_options
def diff(config_path: Path | None, profile: str | None, specs_dir: Path | None,
         out_dir: Path | None) -> None:
    """Show how the output directory differs from the specs; write nothing, exit 0."""
    from generator.build import build_project
    from generator.findings import SpecError

    try:
        project = _project(config_path, profile, specs_dir, out_dir)
        _show_drift(project.out_dir, build_project(project), profile)
    except SpecError as error:
        _report(error)


def _show_drift(out_dir: Path, files: dict[str, bytes], profile: str | None) -> bool:
    """Print how out_dir differs from `files`; True when it does not."""
    from generator.output import drift

    stale = drift(out_dir, files)
    if stale.clean:
        click.echo(f"{out_dir} is up to date ({len(files)} files)", err=True)
        return True
    click.echo(stale.diff, nl=False)
    for label, paths in (("stale", stale.stale), ("missing", stale.missing),
                         ("extra", stale.extra)):
        for path in paths:
            click.echo(f"{label}: {out_dir / path}", err=True)
    command = "kgen build" + (f" --profile {profile}" if profile else "")
    click.echo(f"{out_dir} is out of date; run `{command}` to regenerate it", err=True)
    return False


@main.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Findings as text lines or as a JSON list.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
def check(config_path: Path | None, profile: str | None, specs_dir: Path | None,
          out_dir: Path | None, output_format: str, strict: bool) -> None:
    """Run every check and the external validators (promtool, dashboard schema); write nothing.

    Exit 0 when clean, 1 on errors (or on warnings with --strict).
    """
    import dataclasses
    import json

    from generator import checks
    from generator.build import load_specs, render
    from generator.checks import external
    from generator.findings import Level, SpecError

    try:
        project = _project(config_path, profile, specs_dir, out_dir)
        specs = load_specs(project)
        findings = checks.run(specs)
        if not any(f.level is Level.ERROR for f in findings):
            files = render(specs, project.targets)
            findings = sorted(findings + external.run(files))
    except SpecError as error:
        findings = error.findings
    if output_format == "json":
        click.echo(json.dumps([dataclasses.asdict(f) for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(str(finding), err=True)
    failing = [f for f in findings if strict or f.level is Level.ERROR]
    if not failing:
        click.echo(f"{len(findings)} finding(s), none failing", err=True)
    sys.exit(1 if failing else 0)


@main.command(name="list")
@project_options
def list_integrations(config_path: Path | None, profile: str | None, specs_dir: Path | None,
                      out_dir: Path | None) -> None:
    """Show the integrations and what each produces."""
    from generator.build import load_specs
    from generator.findings import SpecError

    try:
        project = _project(config_path, profile, specs_dir, out_dir)
        specs = load_specs(project)
    except SpecError as error:
        _report(error)
    click.echo(f"targets: {', '.join(project.targets)} -> {project.out_dir}")
    for spec in specs:
        i = spec.integration
        flavors = sorted({str(job.flavor) for job in i.scrape_jobs})
        click.echo(f"{i.name} ({i.title} {i.supported_version}) from {spec.source}")
        click.echo(f"  metrics:         {len(i.metrics)}")
        click.echo(f"  recording rules: {len(i.recording_rules)}")
        click.echo(f"  alerts:          {len(i.alerts)}")
        click.echo(f"  scrape jobs:     {len(i.scrape_jobs)} ({', '.join(flavors) or 'none'})")
        click.echo(f"  dashboards:      {', '.join(d.title for d in i.dashboards) or 'none'}")


@main.command()
@click.argument("name")
@click.option("--specs", "specs_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("specs"), show_default=True, help="Where the spec module goes.")
@click.option("--tests", "tests_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("tests"), show_default=True, help="Where its test goes.")
def new(name: str, specs_dir: Path, tests_dir: Path) -> None:
    """Scaffold a spec module specs/NAME.py and its test, ready to fill in."""
    from generator.scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(name, specs_dir, tests_dir)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    for path in written:
        click.echo(f"created {path}", err=True)


def _report(error: Exception) -> NoReturn:
    from generator.findings import SpecError

    assert isinstance(error, SpecError)
    for finding in error.findings:
        click.echo(str(finding), err=True)
    click.echo(f"{len(error.findings)} error(s); nothing written", err=True)
    sys.exit(1)
