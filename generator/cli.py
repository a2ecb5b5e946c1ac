"""The `kgen` command line. Thin: parse arguments, call the pipeline, report.

Exit codes: 0 done, 1 the specs have errors or out/ is stale (nothing written), 2 usage error.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from contextlib import ExitStack

    from generator.findings import Finding
    from generator.live.client import Connection
    from generator.loader import Spec
    from generator.model import Integration
    from generator.output import Drift
    from generator.project import Project
    from generator.promtool_pool import Pool, Running
    from generator.testcache import TestCache

F = TypeVar("F", bound=Callable[..., Any])

EXISTING_FILE = click.Path(path_type=Path, dir_okay=False, exists=True)
DIRECTORY = click.Path(path_type=Path, file_okay=False)
"""The parameter types of the path options, made once and shared: each `click.Path` looks its
name up in the message catalogs as it is made (about 0.1 ms each, for ~20 options)."""


def spec_options(func: F) -> F:
    """--config, --profile and --specs: which settings and specs to use."""
    options = (
        click.option("--config", "config_path", type=EXISTING_FILE,
                     help="Project config (default: ./kgen.yaml, else [tool.kgen] in "
                          "./pyproject.toml)."),
        click.option("--profile", help="A profile from the project config, laid over its base "
                                       "settings; it has its own output tree."),
        click.option("--specs", "specs_dir", type=DIRECTORY,
                     help="Directory of integration spec modules (default: specs)."),
    )
    for option in reversed(options):
        func = option(func)
    return func


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), envvar="KGEN_JOBS", show_envvar=True,
    help="Build integrations in this many processes (default: the CPUs kgen may run on; "
         "1 builds them one after another in this process).")


def _jobs(jobs: int | None) -> int:
    from generator.build import available_cpus

    return jobs if jobs is not None else available_cpus()


def live_options(required: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--prometheus and how to reach it (credentials from files only, plain extra headers),
    handed to the command as one `connection` (None without --prometheus)."""
    options = (
        click.option("--prometheus", "prometheus_url", metavar="URL", required=required,
                     help="A Prometheus-compatible API: Prometheus, Thanos Query, or Mimir's "
                          "/prometheus prefix, e.g. http://mimir:8080/prometheus."),
        click.option("--bearer-token-file", type=EXISTING_FILE,
                     help="Send `Authorization: Bearer` with the token this file holds."),
        click.option("--basic-auth-file", type=EXISTING_FILE,
                     help="Basic auth from a file holding one line `user:password`."),
        click.option("--ca-file", type=EXISTING_FILE,
                     help="Verify the server's TLS certificate with this CA bundle."),
        click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
                     help="An extra request header, e.g. 'X-Scope-OrgID: team-a' (repeatable; "
                          "credentials only through the files above)."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                     show_default=True, help="Seconds to wait for each API answer."),
    )

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_connection(*args: Any, prometheus_url: str | None,
                            bearer_token_file: Path | None, basic_auth_file: Path | None,
                            ca_file: Path | None, headers: tuple[str, ...], timeout: float,
                            **kwargs: Any) -> Any:
            connection = None
            if prometheus_url is not None:
                connection = _connection(prometheus_url, bearer_token_file, basic_auth_file,
                                         ca_file, headers, timeout)
            elif bearer_token_file or basic_auth_file or ca_file or headers:
                raise click.UsageError("--bearer-token-file, --basic-auth-file, --ca-file and "
                                       "--header are for --prometheus")
            return command(*args, connection=connection, **kwargs)

        decorated: Callable[..., Any] = with_connection
        for option in reversed(options):
            decorated = option(decorated)
        return decorated

    return decorate


def _connection(url: str, bearer_token_file: Path | None, basic_auth_file: Path | None,
                ca_file: Path | None, headers: tuple[str, ...], timeout: float) -> Connection:
    from generator.live.client import Connection, parse_header

    try:
        parsed = tuple(parse_header(header) for header in headers)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--header") from None
    return Connection(url, bearer_token_file, basic_auth_file, ca_file, parsed, timeout)


def project_options(func: F) -> F:
    """The spec options and --out: which settings, specs and output tree to use."""
    func = click.option("--out", "out_dir", type=DIRECTORY,
                        help="Output directory (default: out, or out-<profile>); kgen only "
                             "touches the files it generated.")(func)
    return spec_options(func)


def _project(config_path: Path | None, profile: str | None, specs_dir: Path | None,
             out_dir: Path | None) -> Project:
    from generator.project import find_config, load_project

    project = load_project(config_path or find_config(Path()), profile)
    if specs_dir is not None:
        project = project._replace(specs_dir=specs_dir)
    if out_dir is not None:
        project = project._replace(out_dir=out_dir)
    project.check_paths(out_given=out_dir is not None, specs_given=specs_dir is not None)
    return project


def _projects(config_path: Path | None, profile: str | None, specs_dir: Path | None,
              out_dir: Path | None, all_profiles: bool) -> dict[str | None, Project]:
    """The chosen profile's settings, or with --all-profiles the base and every profile."""
    base = _project(config_path, profile, specs_dir, out_dir)
    names = [None, *base.profiles] if all_profiles else [profile]
    return {name: base if name == profile else _project(config_path, name, specs_dir, None)
            for name in names}


def run() -> NoReturn:
    """The console script. kgen is a short-lived batch process that makes many small objects
    and frees few: collect rarely while it works (as mypy does), and end without tearing the
    interpreter down (`_end`).

    An exception nothing turned into a finding is a bug in kgen: it ends in one line too
    (KGEN_DEBUG=1 shows the traceback)."""
    import gc
    import os

    gc.set_threshold(100_000, 50, 100)
    try:
        try:
            main()
        except Exception as error:
            if os.environ.get("KGEN_DEBUG"):
                raise
            _internal_error(error)
    except SystemExit as done:
        _end(done.code)
    _end(0)


def _end(code: object) -> NoReturn:
    """`sys.exit(code)` without the interpreter's teardown: the exit handlers run and the
    output is flushed as at any exit, then the process ends, and the operating system frees
    its memory at once instead of the interpreter freeing every module and object one by one
    (about 5 ms of every run after a build's 350 modules, more on a busy machine)."""
    import atexit
    import os

    if code is None or isinstance(code, int):
        status = code or 0
    else:
        sys.stderr.write(f"{code}\n")
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120  # what the interpreter exits with when it cannot flush
    os._exit(status)


def _internal_error(error: Exception) -> NoReturn:
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = f"{type(error).__name__}: {error}".replace("\n", " ")
    click.echo(f"kgen: internal error{where}: {message} (a bug in kgen; KGEN_DEBUG=1 shows "
               "the traceback)", err=True)
    sys.exit(1)


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
@jobs_option
def build(config_path: Path | None, profile: str | None, specs_dir: Path | None,
          out_dir: Path | None, check: bool, all_profiles: bool, jobs: int | None) -> None:
    """Regenerate the output directory from the specs."""
    from generator import fastpath

    started_ns = time.time_ns()
    invocation = fastpath.Invocation.of(config_path, profile, specs_dir, out_dir, all_profiles)
    if (unchanged := fastpath.up_to_date(invocation)) is not None:
        for tree, count in unchanged:
            click.echo(f"{tree} is up to date ({count} files; no input changed)", err=True)
        return
    from generator.build import stream
    from generator.findings import SpecError
    from generator.output import DriftCheck, OutputError, Staging
    from generator.unitcache import UnitCache

    if all_profiles and (profile or out_dir):
        raise click.UsageError("--all-profiles builds every tree; drop --profile and --out")
    stagings: dict[str | None, Staging] = {}
    try:
        config = fastpath.config_digests(invocation)
        projects = _projects(config_path, profile, specs_dir, out_dir, all_profiles)
        _one_tree_each(projects)
        checks: dict[str | None, DriftCheck] = {}
        caches, findings, counts = [], [], {}
        for name, project in projects.items():  # every tree is staged before any is written
            cache = UnitCache(project, read=fastpath.enabled())
            sink: DriftCheck | Staging
            if check:
                sink = checks[name] = DriftCheck(project.out_dir)
            else:
                sink = stagings[name] = Staging(project.out_dir)
            try:
                counts[name] = stream(project, sink, cache, _jobs(jobs))
                caches.append(cache)
            except SpecError as error:
                findings += [f for f in error.findings if f not in findings]
        if findings:
            raise SpecError(findings)
        if check:
            fresh = [_show_drift(projects[name].out_dir, sink.finish(), name)
                     for name, sink in checks.items()]
            if all(fresh):
                for cache in caches:
                    cache.save(started_ns)
            sys.exit(0 if all(fresh) else 1)
        done = {name: staging.finish() for name, staging in stagings.items()}
        for name, staging in stagings.items():
            staging.swap()
            built, cached = counts[name]
            click.echo(f"{projects[name].out_dir}: built {built} integration(s), "
                       f"{cached} from the cache", err=True)
            click.echo(f"{projects[name].out_dir}: {done[name]}", err=True)
        for cache in caches:
            cache.save(started_ns)
        fastpath.record(invocation, [(p.specs_dir, p.out_dir) for p in projects.values()],
                        started_ns, config,
                        {k: v for cache in caches for k, v in cache.digests.items()},
                        {path: stat for cache in caches for path, stat in cache.modules.items()})
    except SpecError as error:
        _report(error)
    except (OutputError, OSError) as error:
        _fail(error)
    finally:
        for staging in stagings.values():
            staging.discard()


def _one_tree_each(projects: dict[str | None, Project]) -> None:
    """Two profiles writing one directory would overwrite each other: refuse."""
    from generator.findings import Finding, Level, SpecError
    from generator.project import CODE

    seen: dict[Path, str] = {}
    for name, project in projects.items():
        out = project.out_dir.resolve()
        label = f"profile {name}" if name else "the base settings"
        if out in seen:
            where = project.locate("out") or project.locate()
            raise SpecError([Finding.at(where, Level.ERROR, CODE,
                                        f"{label} writes {project.out_dir}, as {seen[out]} "
                                        "does; give each tree its own `out`")])
        seen[out] = label


def _fail(error: Exception) -> NoReturn:
    """An output or file-system error: one line naming the path."""
    if isinstance(error, OSError) and error.filename:
        click.echo(f"error: {error.filename}: {error.strerror}", err=True)
    else:
        click.echo(f"error: {error}", err=True)
    sys.exit(1)


@main.command()
@project_options
@jobs_option
def diff(config_path: Path | None, profile: str | None, specs_dir: Path | None,
         out_dir: Path | None, jobs: int | None) -> None:
    """Show how the output directory differs from the specs; write nothing, exit 0."""
    from generator import fastpath
    from generator.build import stream
    from generator.findings import SpecError
    from generator.output import DriftCheck, OutputError
    from generator.unitcache import UnitCache

    try:
        project = _project(config_path, profile, specs_dir, out_dir)
        compared = DriftCheck(project.out_dir)
        stream(project, compared, UnitCache(project, read=fastpath.enabled()), _jobs(jobs))
        _show_drift(project.out_dir, compared.finish(), profile)
    except SpecError as error:
        _report(error)
    except (OutputError, OSError) as error:
        _fail(error)


def _show_drift(out_dir: Path, stale: Drift, profile: str | None) -> bool:
    """Print how out_dir differs from what the build makes; True when it does not."""
    if stale.clean:
        click.echo(f"{out_dir} is up to date ({stale.files} files)", err=True)
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
              show_default=True, help="Findings as text lines, or as JSON: an object whose "
                                      "`findings` list names each finding's metric.")
@click.option("--strict", is_flag=True, help="Warnings fail the check too (information never).")
@click.option("--list", "list_checks", is_flag=True,
              help="Print every check's code, name and what it catches; check nothing.")
@live_options(required=False)
@jobs_option
def check(config_path: Path | None, profile: str | None, specs_dir: Path | None,
          out_dir: Path | None, output_format: str, strict: bool, list_checks: bool,
          connection: Connection | None, jobs: int | None) -> None:
    """Run every check and the external validators (promtool, dashboard schema); write nothing.

    With --prometheus, also check the specs against what a running Prometheus-compatible API
    holds under each integration's selector (KG6xx), building in this process. Exit 0 when
    clean, 1 on errors (or on warnings with --strict) or when the API cannot be queried.
    """
    import json

    if list_checks:
        from generator.checks import listing

        for code, name, doc in listing():
            click.echo(f"{code}  {name:<28} {doc}")
        return
    from generator import external
    from generator.build import check_project, run
    from generator.checks import runbook_links
    from generator.findings import SpecError

    try:
        project = _project(config_path, profile, specs_dir, out_dir)
        if connection is None:  # the specs stay in the workers: what the build found of them
            built = check_project(project, _jobs(jobs))
            found, files, alerting = built.findings, built.files, built.alerting
            specs: list[Spec] = []
        else:  # the online checks read the specs: built here
            done = run(project)
            found, files, specs = done.findings, None if done.errors else done.files, done.specs
            alerting = any(spec.integration.alerts for spec in specs)
        findings = sorted(found + runbook_links.check(project, alerting))
        if files is not None:
            findings = sorted(findings + external.run(files))
            if connection is not None:
                findings = sorted(findings + _online(specs, connection))
    except SpecError as error:
        findings = error.findings
    except OSError as error:
        _fail(error)
    if output_format == "json":
        click.echo(json.dumps({"findings": [f._asdict() | {"metric": f.metric or None}
                                            for f in findings]}, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding), err=True)
    failing = [f for f in findings if f.fails(strict)]
    if not failing:
        click.echo(f"{len(findings)} finding(s), none failing", err=True)
    sys.exit(1 if failing else 0)


def _online(specs: list[Spec], connection: Connection) -> list[Finding]:
    """The online findings of every integration; an API that cannot be queried ends the run."""
    from generator.live import online
    from generator.live.client import APIError, PrometheusAPI
    from generator.live.observe import observe

    try:
        with PrometheusAPI(connection) as api:
            types = api.metadata()
            return [f for spec in specs for f in online.check(spec, observe(spec, api, types))]
    except APIError as error:
        _fail(error)


@main.command()
@project_options
@live_options(required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="A table per integration, or JSON for pipelines.")
def cost(config_path: Path | None, profile: str | None, specs_dir: Path | None,
         out_dir: Path | None, output_format: str, connection: Connection) -> None:
    """Live series per integration and metric, largest first, and what a keep-list of only
    the metrics some rule or panel reads would save."""
    from generator.build import run
    from generator.findings import SpecError
    from generator.live import cost as billing
    from generator.live.client import APIError, PrometheusAPI
    from generator.live.observe import series

    try:
        done = run(_project(config_path, profile, specs_dir, out_dir), until="checks")
        if done.errors:
            raise SpecError(done.errors)
        specs = done.specs
    except SpecError as error:
        _report(error)
    try:
        with PrometheusAPI(connection) as api:
            types = api.metadata()
            bills = [billing.bill(spec, *series(spec, api), types) for spec in specs]
    except APIError as error:
        _fail(error)
    bills.sort(key=lambda b: (-b.series, b.integration))
    click.echo(billing.as_json(bills) if output_format == "json" else billing.as_text(bills))


@main.command(name="test")
@spec_options
@click.option("--all-profiles", is_flag=True,
              help="The base settings and then every profile.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), envvar="KGEN_JOBS", show_envvar=True,
              help="Build in this many processes and run this many promtool processes at "
                   "once (default: the CPUs kgen may run on; 1 builds in this process and "
                   "runs one promtool over each tree's test files).")
@click.option("--no-cache", is_flag=True,
              help="Run promtool over every test file, even one that passed before with the "
                   "same inputs (as KGEN_NO_FASTPATH does).")
def test_examples(config_path: Path | None, profile: str | None, specs_dir: Path | None,
                  all_profiles: bool, jobs: int | None, no_cache: bool) -> None:
    """Run every rule's examples through promtool on rules built in memory; write nothing
    but kgen's cache.

    promtool runs in up to --jobs processes at once (every profile's test files share them);
    the report is the same whatever their number. Each example first runs against only the
    rules it can depend on; a test file where one fails runs again whole, so what is reported
    is what promtool says of the whole file.

    The rules are built as `kgen build` builds them: in --jobs processes, an integration
    whose inputs did not change since kgen test last built it taken from the output tree when
    that still holds its files (a spec edited since is built again, as it is now).

    Passes are reused: a test file that passed before, with the same bytes, the same rule
    files and the same promtool, is reported as passing without running promtool (kept in
    .kgen-cache/ beside the project config; a failure always runs again).

    Exit 0 when every example holds, 1 when one fails (or the specs have errors), 2 when
    promtool is missing.
    """
    import shutil
    from contextlib import ExitStack

    from generator import fastpath
    from generator.findings import SpecError
    from generator.promtool_pool import Pool
    from generator.testcache import TestCache

    if all_profiles and profile:
        raise click.UsageError("--all-profiles tests every profile; drop --profile")
    promtool = shutil.which("promtool")
    if promtool is None:
        click.echo("error: promtool is not on PATH; install Prometheus' promtool", err=True)
        sys.exit(2)
    started_ns = time.time_ns()
    workers = _jobs(jobs)
    reuse = not no_cache and fastpath.enabled()
    reports: list[Callable[[], bool]] = []
    held: list[bool] = []

    def report_started() -> None:
        held.extend(report() for report in reports)
        reports.clear()

    with ExitStack() as temporary, Pool(promtool, workers) as pool:
        try:
            projects = _projects(config_path, profile, specs_dir, None, all_profiles)
            for name, project in projects.items():  # the next tree builds while promtool runs
                # in this process then: nothing forks while promtool's threads run
                builders = 1 if reports else workers
                reports.append(_start_examples(project, name, pool, temporary,
                                               TestCache(project, promtool, reuse), builders,
                                               started_ns))
                if workers == 1:
                    report_started()
        except SpecError as error:
            report_started()
            _report(error)
        except OSError as error:  # what kgen build reports of an input it cannot key on
            report_started()
            _fail(error)
        report_started()
    sys.exit(0 if all(held) else 1)


def _start_examples(project: Project, profile: str | None, pool: Pool, temporary: ExitStack,
                    cache: TestCache, jobs: int, started_ns: int) -> Callable[[], bool]:
    """Build `project`'s rules and tests in memory, write those the `cache` has no pass of to
    a temporary directory and queue promtool over them; returns what reports each rule's
    examples (True when all of them hold) once promtool is done, and records the passes.

    The rules are built as `kgen build` builds them (in `jobs` workers, an integration whose
    inputs did not change taken from the output tree through the unit cache), and the report
    reads each integration's rules off its test file, loading an integration again only to
    explain its failing examples. With KGEN_NO_FASTPATH set, every spec is loaded and built
    in this process and the report reads the rules off them."""
    import tempfile

    from generator import fastpath, rule_tests, trimmed_tests
    from generator.build import rules_for_tests, run, scoped_integration
    from generator.conventions import rule_tests_path
    from generator.findings import SpecError
    from generator.unitcache import UnitCache

    tested = project._replace(targets=("prometheus-rules",))
    integration: Callable[[str], Integration]
    if fastpath.enabled():
        units = UnitCache(tested, read=cache.reading, record="test-")
        names, files = rules_for_tests(tested, units, jobs)
        units.save(started_ns)
        rules = [(name, rule_tests.tested_rules(files[rule_tests_path(name)]))
                 for name in names if rule_tests_path(name) in files]
        integration = functools.partial(scoped_integration, tested)
    else:
        built = run(tested)
        if built.errors:
            raise SpecError(built.errors)
        files = built.files
        rules = [(item.integration.name, rule_tests.tested(item.integration))
                 for item in built.scoped]
        integration = {item.integration.name: item.integration
                       for item in built.scoped}.__getitem__
    tests = sorted(p.removeprefix("prometheus/tests/") for p in files
                   if p.startswith("prometheus/tests/"))
    tag = f"[{profile}] " if profile else ""
    if not tests:
        return functools.partial(_no_examples, tag)
    reused = {test for test in tests if cache.reused(test, files)}
    skipped = {f"prometheus/tests/{test}" for test in reused}
    tmp = Path(temporary.enter_context(tempfile.TemporaryDirectory(prefix="kgen-test-")))
    for path, data in files.items():
        if path.startswith("prometheus/") and path not in skipped:
            (tmp / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp / path).write_bytes(data)
    sizes = {test: len(files[f"prometheus/tests/{test}"]) for test in tests}
    parts = {test: trimmed_tests.write_parts(tmp, test, files) for test in tests
             if test not in reused}
    running = pool.start(tmp / "prometheus" / "tests", tests, sizes, parts, reused)
    return functools.partial(_report_examples, tag, rules, integration, running,
                             functools.partial(cache.save, files=files))


def _no_examples(tag: str) -> bool:
    click.echo(f"{tag}no examples to run", err=True)
    return True


def _report_examples(tag: str, rules: list[tuple[str, list[tuple[str, int]]]],
                     integration: Callable[[str], Integration], running: Running,
                     save: Callable[[list[str]], None]) -> bool:
    """Wait for promtool, `save` the test files that passed and report each rule's examples
    (given each integration's name and rules, and how to get an integration whose examples
    failed); True when all of them hold."""
    from generator import rule_tests

    done = running.result()
    save(running.passed())
    found, other = rule_tests.failures(done.output)
    outcomes = rule_tests.outcomes(rules, found, integration)
    for outcome in outcomes:
        verdict = "FAIL" if outcome.failed else "ok  "
        click.echo(f"{tag}{verdict} {outcome.integration} {outcome.rule}"
                   f" ({outcome.examples} examples)")
        for index, example, failure in outcome.failed:
            click.echo(f"    {rule_tests.explain(index, example, failure)}")
    if other or (done.returncode != 0 and not found):
        click.echo(f"{tag}promtool: {other or done.output.strip()}", err=True)
        return False
    failing = sum(len(o.failed) for o in outcomes)
    total = sum(o.examples for o in outcomes)
    click.echo(f"{tag}{total - failing} of {total} examples hold", err=True)
    return failing == 0 and done.returncode == 0


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
    except OSError as error:
        _fail(error)
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
@click.option("--specs", "specs_dir", type=DIRECTORY,
              default=Path("specs"), show_default=True, help="Where the spec package goes.")
@click.option("--tests", "tests_dir", type=DIRECTORY,
              default=Path("tests"), show_default=True, help="Where its test goes.")
def new(name: str, specs_dir: Path, tests_dir: Path) -> None:
    """Scaffold a spec package specs/NAME/ and its test, ready to fill in."""
    from generator.scaffold import ScaffoldError, scaffold

    try:
        written = scaffold(name, specs_dir, tests_dir)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    except OSError as error:
        _fail(error)
    for path in written:
        click.echo(f"created {path}", err=True)


def _report(error: Exception) -> NoReturn:
    from generator.findings import SpecError

    assert isinstance(error, SpecError)
    for finding in error.findings:
        click.echo(str(finding), err=True)
    click.echo(f"{len(error.findings)} error(s); nothing written", err=True)
    sys.exit(1)
