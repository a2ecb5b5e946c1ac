"""The `kgen` command line. Thin: parse arguments, call the pipeline, report.

Exit codes: 0 done, 1 the specs have errors or out/ is stale (nothing written), 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

SPECS_OPTION = click.option(
    "--specs", "specs_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("specs"),
    show_default=True, help="Directory of integration spec modules.",
)
OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("out"),
    show_default=True, help="Output directory (kgen only touches the files it generated).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgen")
def main() -> None:
    """kgen: monitoring config-as-code.

    Compiles typed integration specs into Prometheus rules, agent scrape jobs and Grafana
    dashboards.
    """


@main.command()
@SPECS_OPTION
@OUT_OPTION
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 with a diff when the output directory is stale.")
def build(specs_dir: Path, out_dir: Path, check: bool) -> None:
    """Regenerate the output directory from the specs."""
    from generator.build import build as run_build
    from generator.findings import SpecError
    from generator.output import OutputError, drift, write_tree

    try:
        files = run_build(specs_dir)
        if check:
            stale = drift(out_dir, files)
            if not stale.clean:
                click.echo(stale.diff, nl=False)
                for label, paths in (("stale", stale.stale), ("missing", stale.missing),
                                     ("extra", stale.extra)):
                    for path in paths:
                        click.echo(f"{label}: {out_dir / path}", err=True)
                click.echo(f"{out_dir} is out of date; run `kgen build` to regenerate it", err=True)
                sys.exit(1)
            click.echo(f"{out_dir} is up to date ({len(files)} files)", err=True)
            return
        write_tree(out_dir, files)
    except SpecError as error:
        _report(error)
    except OutputError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(f"wrote {len(files)} files to {out_dir}", err=True)


@main.command()
@SPECS_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Findings as text lines or as a JSON list.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too.")
def check(specs_dir: Path, output_format: str, strict: bool) -> None:
    """Run every check and the external validators (promtool, dashboard schema); write nothing.

    Exit 0 when clean, 1 on errors (or on warnings with --strict).
    """
    import dataclasses
    import json

    from generator import checks, loader
    from generator.checks import external
    from generator.findings import Level, SpecError
    from generator.targets import DEFAULT_TARGETS, renderer

    try:
        specs = loader.load(specs_dir)
        findings = checks.run(specs)
        if not any(f.level is Level.ERROR for f in findings):
            files = {path: data for target in DEFAULT_TARGETS for spec in specs
                     for path, data in renderer(target)(spec).items()}
            findings = sorted(findings + external.run(files, specs_dir))
    except SpecError as error:
        findings = error.findings
    if output_format == "json":
        click.echo(json.dumps([dataclasses.asdict(f) for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(str(finding), err=True)
    failing = [f for f in findings if strict or f.level is Level.ERROR]
    sys.exit(1 if failing else 0)


@main.command(name="list")
@SPECS_OPTION
def list_integrations(specs_dir: Path) -> None:
    """Show the integrations and what each produces."""
    from generator import loader
    from generator.findings import SpecError

    try:
        specs = loader.load(specs_dir)
    except SpecError as error:
        _report(error)
    for spec in specs:
        i = spec.integration
        flavors = sorted({str(job.flavor) for job in i.scrape_jobs})
        click.echo(f"{i.name} ({i.title} {i.supported_version}) from {spec.source}")
        click.echo(f"  metrics:         {len(i.metrics)}")
        click.echo(f"  recording rules: {len(i.recording_rules)}")
        click.echo(f"  alerts:          {len(i.alerts)}")
        click.echo(f"  scrape jobs:     {len(i.scrape_jobs)} ({', '.join(flavors) or 'none'})")
        click.echo(f"  dashboards:      {', '.join(d.title for d in i.dashboards) or 'none'}")


def _report(error: Exception) -> None:
    from generator.findings import SpecError

    assert isinstance(error, SpecError)
    for finding in error.findings:
        click.echo(str(finding), err=True)
    click.echo(f"{len(error.findings)} error(s); nothing written", err=True)
    sys.exit(1)
