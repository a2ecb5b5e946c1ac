"""The pipeline: named stages over the typed model, the same for `kgen build`, `kgen check`,
`kgen test` and `kgen cost`.

load -> settings -> cluster-label -> scope -> checks -> render. Each stage reads what the ones
before it made (a `Run`) and adds its part; nothing but the loader does I/O.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import checks, loader, overlay
from generator.documents import dashboard
from generator.findings import Finding, Level, SpecError
from generator.loader import Spec
from generator.model import Integration, Location
from generator.model.base import display_path
from generator.output import Memory, OutputError, Part, Sink, with_manifest
from generator.project import CODE, IntegrationSettings, Project
from generator.promql import PromQLError
from generator.scoping import Scoped
from generator.targets import BOARD_TARGETS, DEFAULT_TARGETS, renderer

if TYPE_CHECKING:
    from generator.unitcache import Entry, Lookup, UnitCache


class Run:
    """What the stages have made of one project so far. (Plain classes here and in
    `_Streamed`: Python 3.11 makes a dataclass in about 0.5 ms, compiling each method, in
    every run that imports this module.)"""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.specs: list[Spec] = []
        """Configured, with the project's settings laid over them; queries as written (what
        the checks read and report at their spec lines)."""
        self.scoped: list[Scoped] = []
        """The same integrations with their selector in every query (what targets render)."""
        self.unparsed: dict[str, str] = {}
        """Integration -> why one of its queries does not parse (the scope stage skips it)."""
        self.findings: list[Finding] = []
        self.files: dict[str, bytes] = {}

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.ERROR]


class Stage(NamedTuple):
    name: str
    run: Callable[[Run], None]


def _load(run: Run) -> None:
    project = run.project

    def origin(name: str, loc: tuple[str | int, ...]) -> Location | None:
        return project.locate("integrations", name, "config", *loc)

    run.specs = loader.load(project.specs_dir, project.values(), origin)
    loaded = {spec.name for spec in run.specs}
    run.findings = [
        Finding.at(project.locate("integrations", name), Level.ERROR, CODE,
                   f"integrations.{name}: no spec named {name} in {project.specs_dir}")
        for name in project.integrations if name not in loaded
    ]


def _settings(run: Run) -> None:
    """The project's settings over every spec; a setting naming nothing (here or in the load
    stage) stops the run."""
    findings = run.findings
    laid = []
    for spec in run.specs:
        integration, found = overlay.apply(spec.integration, run.project)
        findings += found
        laid.append(_laid(spec, integration, run.project))
    if findings:
        raise SpecError(findings)
    run.specs = laid


def _laid(spec: Spec, integration: Integration, project: Project) -> Spec:
    """The spec with the project's settings laid over; the project's alert labels that are
    not laid over (`overlay.label_problems`) are its errors, reported with its checks."""
    return spec._replace(integration=integration,
                         notes=(*spec.notes, *overlay.label_problems(spec.name, project)))


def _cluster_label(run: Run) -> None:
    label = run.project.cluster_label
    if label:
        run.specs = [s._replace(integration=overlay.keep_cluster_label(
            s.integration, label)) for s in run.specs]


def _scope(run: Run) -> None:
    """Every integration whose queries parse, scoped (the checks report those that do not)."""
    run.scoped = []
    for spec in run.specs:
        try:
            run.scoped.append(Scoped.of(spec))
        except PromQLError as error:
            run.unparsed[spec.name] = str(error)


def _checks(run: Run) -> None:
    run.findings = checks.run(run.specs, run.scoped, run.project.targets)
    if run.unparsed and not run.errors:  # a query no check reads: never render without it
        run.findings += [Finding(spec.source, 1, Level.ERROR, "KG101",
                                 f"{spec.name}: a query does not parse: {run.unparsed[spec.name]}")
                         for spec in run.specs if spec.name in run.unparsed]


def _render(run: Run) -> None:
    """Every file the project's targets make, spec by spec, plus the manifest; nothing when a
    check found an error. A target that refuses an integration (the mixin's KG701) adds its
    findings and the others go on, so every refusal is reported."""
    if run.errors:
        return
    files: dict[str, bytes] = {}
    refused: list[Finding] = []
    renderers = [renderer(target) for target in run.project.targets]
    for item in run.scoped:
        for render_target in renderers:
            try:
                made = render_target(item, run.project)
            except SpecError as error:
                refused += error.findings
                continue
            for path, data in made.items():
                if path in files:
                    raise OutputError(f"two targets both produce {path}")
                files[path] = data
    if refused:
        run.findings = sorted(run.findings + refused)
        return
    run.files = with_manifest(files)


STAGES: tuple[Stage, ...] = (
    Stage("load", _load),
    Stage("settings", _settings),
    Stage("cluster-label", _cluster_label),
    Stage("scope", _scope),
    Stage("checks", _checks),
    Stage("render", _render),
)
"""In order. load and settings raise SpecError on a finding (later stages need their result);
checks records findings, and render makes nothing when one of them is an error."""


def run(project: Project, until: str = "render") -> Run:
    """The stages up to and including `until`."""
    state = Run(project)
    for stage in STAGES:
        stage.run(state)
        if stage.name == until:
            break
    return state


def prepare(integration: Integration, project: Project) -> tuple[Integration, list[Finding]]:
    """One integration through the settings and cluster-label stages, and what the settings
    stage found (the streamed build goes this way, and the mixin target lays the project over
    its stand-in build the same way)."""
    laid, found = overlay.apply(integration, project)
    if project.cluster_label:
        laid = overlay.keep_cluster_label(laid, project.cluster_label)
    return laid, found


def build(
    specs_dir: Path,
    targets: Sequence[str] = DEFAULT_TARGETS,
    values: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, bytes]:
    """The files for `specs_dir` with per-integration config `values` and no project file."""
    settings = {name: IntegrationSettings(config=dict(v)) for name, v in (values or {}).items()}
    project = Project(specs_dir=specs_dir, targets=tuple(targets), integrations=settings)
    return build_project(project)


def build_project(project: Project) -> dict[str, bytes]:
    """Every output file, by path relative to the output directory, plus the manifest.

    Raises SpecError when any check finds an error: then nothing is rendered.
    """
    done = run(project)
    if done.errors:
        raise SpecError(done.errors)
    return done.files


def load_specs(project: Project) -> list[Spec]:
    """The project's specs, configured and with its settings laid over them."""
    return run(project, until="cluster-label").specs


class _Streamed:
    """What `stream` keeps while it goes: findings and summaries, never a spec or a file."""

    def __init__(self) -> None:
        self.loading: list[Finding] = []
        """What loading each spec found, in spec order (notes of the cached ones included)."""
        self.load_failed = False
        self.settings: list[Finding] = []
        self.units: list[checks.UnitChecks] = []
        self.unparsed: list[Finding] = []
        self.refused: list[Finding] = []
        self.clash: OutputError | None = None
        self.held_back: list[tuple[str, Path]] = []
        """Integrations not rendered because the build had an error when they were
        checked."""
        self.checks_failed = False
        self.alerting = False
        """Whether any integration built here has alerts (once the settings are laid over)."""

    def add(self, unit: checks.UnitChecks) -> None:
        self.units.append(unit)
        self.checks_failed = self.checks_failed or unit.errors

    @property
    def failing(self) -> bool:
        """Whether the build already has an error that means it writes nothing."""
        return bool(self.load_failed or self.settings or self.unparsed or self.clash
                    or self.checks_failed)


PARALLEL_FROM = 4
"""The fewest integrations to build that are worth forking workers for."""


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform has it): the
    default number of jobs."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def stream(project: Project, sink: Sink, cache: UnitCache | None = None,
           jobs: int = 1) -> tuple[int, int]:
    """Build the project integration by integration into `sink`: each one is loaded, laid
    over with the settings, scoped, checked and rendered before the next is loaded, and only
    its findings and the summaries the checks across integrations read are kept; one the
    cache holds is taken from it (its files from the current tree) without being loaded.
    Then the checks across integrations run on the summaries.

    With `jobs` above 1 (and at least PARALLEL_FROM integrations to build, where the platform
    can fork), that many worker processes build the integrations (`generator.workers`), and
    what each made is taken in integration order, as if built here one after another: the
    same files, findings and errors.

    Returns how many integrations were built and how many taken from the cache. Raises
    SpecError with exactly the errors `build_project` reports (then the sink holds a partial
    tree: discard it), or OutputError for two targets writing one path."""
    done = _stream(project, sink, cache, jobs)
    errors = [f for f in done.findings if f.level is Level.ERROR]
    if errors:
        raise SpecError(errors)
    return done.built, done.cached


class Checked(NamedTuple):
    """What `kgen check` needs of a build (`check_project`)."""

    findings: list[Finding]
    """Every finding of `run(project)`, warnings and information too."""
    files: dict[str, bytes] | None
    """Every file it makes, the manifest included; None when it has an error."""
    alerting: bool
    """Whether any integration has alerts."""


def check_project(project: Project, jobs: int = 1) -> Checked:
    """What `run(project)` finds and makes, built as `stream` builds (in `jobs` worker
    processes) into memory: only the findings, the files and whether any integration alerts
    come back from the workers, never a spec. Raises SpecError, as `run` does, when a spec
    does not load or a setting names nothing, or OutputError for two targets writing one
    path."""
    sink = Memory()
    done = _stream(project, sink, None, jobs)
    failed = any(f.level is Level.ERROR for f in done.findings)
    return Checked(done.findings, None if failed else sink.finish(), done.alerting)


def rules_for_tests(project: Project, cache: UnitCache | None,
                    jobs: int) -> tuple[list[str], dict[str, bytes]]:
    """What `kgen test` runs: the files `run(project)` makes (for `project`'s targets, the
    rule files and their tests), built as `stream` builds them, in `jobs` worker processes,
    with an integration whose entry the `cache` holds taken from the output tree when it
    still holds that entry's files (read, never written); and every integration's name, in
    spec order. Raises SpecError with the errors `run(project)` finds."""
    sink = Memory(project.out_dir)
    done = _stream(project, sink, cache, jobs)
    errors = [f for f in done.findings if f.level is Level.ERROR]
    if errors:
        raise SpecError(errors)
    return [name for name, _ in loader.units(project.specs_dir)], sink.finish()


def scoped_integration(project: Project, name: str) -> Integration:
    """One integration as `run(project)` hands it to the targets: loaded afresh, the
    project's settings laid over and its selector in every query (what `kgen test` explains
    a failing example from, the build having found no error in it). Raises SpecError when it
    no longer loads."""
    spec, found = _load_unit(project, name, dict(loader.units(project.specs_dir))[name])
    if spec is None:
        raise SpecError(found)
    laid, _ = prepare(spec.integration, project)
    return Scoped.of(_laid(spec, laid, project)).integration


class _Done(NamedTuple):
    """What `_stream` made of a build, besides the files in its sink."""

    findings: list[Finding]
    """Every finding of the build; it failed when one is an error."""
    built: int
    cached: int
    alerting: bool
    """Whether any integration built (not taken from the cache) has alerts."""


def _stream(project: Project, sink: Sink, cache: UnitCache | None, jobs: int) -> _Done:
    """`stream`, returning every finding instead of raising the errors among them: the
    findings of `run(project)` (a spec that ends its worker process is one KG002 error here;
    in `run` it ends kgen). Raises SpecError, as `run` does, when a spec does not load or a
    setting names nothing, and OutputError for two targets writing one path."""
    units = loader.units(project.specs_dir)
    names = {name for name, _ in units}
    missing = [Finding.at(project.locate("integrations", name), Level.ERROR, CODE,
                          f"integrations.{name}: no spec named {name} in {project.specs_dir}")
               for name in project.integrations if name not in names]
    state = _Streamed()
    if cache is not None:
        cache.start(units)
    looks = [cache.lookup(name) if cache is not None else None for name, _ in units]
    to_build = [index for index, looked in enumerate(looks)
                if looked is None or looked.entry is None]
    dashboard.keep_boards(cache.boards if cache is not None else None)
    try:
        if jobs > 1 and hasattr(os, "fork") and len(to_build) >= PARALLEL_FROM:
            cached = _stream_parallel(project, units, looks, to_build, jobs, state, sink, cache)
        else:
            cached = _stream_sequential(project, units, looks, state, sink, cache)
    finally:
        dashboard.keep_boards(None)
    if state.load_failed:
        raise SpecError(state.loading)
    if missing or state.settings:
        raise SpecError(missing + state.settings)
    done = _Done(checks.combine(state.units), len(units) - cached, cached, state.alerting)
    if any(f.level is Level.ERROR for f in done.findings):
        return done
    if state.unparsed:  # a query no check reads: never render without it
        return done._replace(findings=done.findings + state.unparsed)
    if state.clash is not None:
        raise state.clash
    for name, path in state.held_back:  # held back for an error another spec suppressed
        again = _Streamed()
        _stream_one(project, name, path, again, sink, held_back=True)
        state.refused += again.refused
        if again.clash is not None:
            raise again.clash
    if state.refused:
        return done._replace(findings=sorted(done.findings + state.refused))
    return done


def _stream_sequential(project: Project, units: list[tuple[str, Path]],
                       looks: list[Lookup | None], state: _Streamed, sink: Sink,
                       cache: UnitCache | None) -> int:
    """Every integration here, one after another, given their cache lookups; how many came
    from the cache."""
    cached = 0
    for (name, path), looked in zip(units, looks, strict=True):
        entry = looked.entry if looked is not None else None
        if entry is not None and sink.reuse(entry.files):
            _take_cached(state, cache, looked, entry)
            cached += 1
            continue
        made = _stream_one(project, name, path, state, sink)
        if made is not None and cache is not None and looked is not None:
            cache.keep(looked, cache.entry(looked, loader.imported_files(project.specs_dir), made,
                                           state.units[-1].as_json(),
                                           list(cache.boards.used.get(name, ()))))
    return cached


def _take_cached(state: _Streamed, cache: UnitCache | None, looked: Lookup | None,
                 entry: Entry) -> None:
    unit = checks.UnitChecks.from_json(entry.checks)
    state.loading += unit.notes
    state.add(unit)
    if cache is not None and looked is not None:
        cache.keep(looked, entry)


class _Built(NamedTuple):
    """What a worker made of one integration: `_stream_one`'s record of it alone, the files it
    made (path -> sha256, None when not to be kept), the spec modules it imported, and what
    its copy of the sink did."""

    state: _Streamed
    made: dict[str, str] | None
    imported: list[str]
    part: Part
    boards: list[str]
    """The board cache's keys of the boards it used."""
    modules: list[str]
    """The file of every module the worker imported since its last integration: the unit
    cache records those outside the specs and kgen, as it records the modules this process
    imports (a change to one drops every entry)."""


def _stream_parallel(project: Project, units: list[tuple[str, Path]],
                     looks: list[Lookup | None], to_build: list[int], jobs: int,
                     state: _Streamed, sink: Sink, cache: UnitCache | None) -> int:
    """`_stream_sequential` with the integrations the cache does not hold built by worker
    processes: their records are taken in integration order, each as `_stream_one` would have
    recorded it here, so the result is the same whatever order they finish in."""
    for target in project.targets:  # imported once, here, for every worker
        renderer(target)
    boards = not BOARD_TARGETS.isdisjoint(project.targets)
    if boards and (cache is None or not cache.boards_held([looks[i] for i in to_build])):
        # the SDK too, once, here: a worker will build a board through it
        from generator.documents import dashboard_builder  # noqa: F401
    if boards and cache is not None:
        cache.boards.stage()  # where the workers stage the boards they build
    checks.spec_checks()
    checks.target_checks()
    sink.share()
    from generator import workers  # multiprocessing: only for a build that forks

    seen = set(sys.modules)  # each worker's copy: the modules it has reported

    def build_one(index: int) -> _Built:
        name, path = units[index]
        sink.part()  # forget what this copy held before (all of the build's, when just forked)
        alone = _Streamed()
        made = _stream_one(project, name, path, alone, sink)
        imported = loader.imported_files(project.specs_dir) if made is not None else []
        boards = list(cache.boards.used.get(name, ())) if cache is not None else []
        return _Built(alone, made, imported, sink.part(), boards, _new_modules(seen))

    cached = 0
    with workers.Pool(min(jobs, len(to_build)), build_one) as pool:
        pool.submit(to_build)
        for index, (name, path) in enumerate(units):
            looked = looks[index]
            entry = looked.entry if looked is not None else None
            if entry is not None and sink.reuse(entry.files):
                _take_cached(state, cache, looked, entry)
                cached += 1
                continue
            built = pool.result(index)
            if cache is not None and not isinstance(built, workers.Died):
                cache.imported_elsewhere.update(built.modules)
            if isinstance(built, workers.Died):
                state.loading.append(Finding(
                    display_path(str(path)), 1, Level.ERROR, "KG002",
                    f"spec failed: the worker process building {name} ended ({built.how}); "
                    "a spec only builds its integration"))
                state.load_failed = True
                continue
            made = _take_built(state, sink, name, path, built)
            if made is not None and cache is not None and looked is not None:
                cache.keep(looked, cache.entry(looked, built.imported, made,
                                               state.units[-1].as_json(), built.boards))
    return cached


def _new_modules(seen: set[str]) -> list[str]:
    """The files of the modules imported since `seen` was taken, which now holds them too."""
    new = [module for module in list(sys.modules) if module not in seen]
    seen.update(new)
    files = {getattr(sys.modules.get(module), "__file__", None) for module in new}
    return sorted(file for file in files if isinstance(file, str))


def _take_built(state: _Streamed, sink: Sink, name: str, path: Path,
                built: _Built) -> dict[str, str] | None:
    """Record an integration a worker built as `_stream_one` would have recorded it here,
    given what the integrations before it did; the files to keep, as it returns them."""
    alone = built.state
    state.loading += alone.loading
    if alone.load_failed:
        state.load_failed = True
        return None
    if state.load_failed:
        return None
    state.settings += alone.settings
    if state.settings:
        return None
    state.alerting = state.alerting or alone.alerting
    state.unparsed += alone.unparsed
    failing = state.failing
    unit = alone.units[0]
    state.add(unit)
    if alone.unparsed:
        return None
    if failing or unit.errors:  # rendered by the worker only when its own checks passed
        state.held_back.append((name, path))
        return None
    state.refused += alone.refused
    try:
        sink.merge(built.part)
    except OutputError as error:
        state.clash = error
        return None
    if alone.clash is not None:
        state.clash = alone.clash
        return None
    return built.made


def _load_unit(project: Project, name: str, path: Path) -> tuple[Spec | None, list[Finding]]:
    """`loader.load_unit` of one integration with its kgen.yaml config, whose errors point
    into the project config."""
    settings = project.integrations.get(name)
    return loader.load_unit(
        name, path, project.specs_dir, dict(settings.config) if settings else {},
        lambda n, loc: project.locate("integrations", n, "config", *loc))


def _stream_one(project: Project, name: str, path: Path, state: _Streamed, sink: Sink,
                held_back: bool = False) -> dict[str, str] | None:
    """One integration through every stage into `state` and `sink`: the files it made (path ->
    sha256), or None when it has a finding that keeps it out of the cache or was not
    rendered. An integration is held back from rendering (in `state.held_back`) while the
    build has an error, its own included: the build fails, unless another integration
    suppresses that error; then it is built again, `held_back`, and rendered."""
    spec, found = _load_unit(project, name, path)
    state.loading += found
    if spec is None:
        state.load_failed = True
        return None
    if state.load_failed:
        return None
    laid, found = prepare(spec.integration, project)
    state.settings += found
    if found or state.settings:
        return None
    spec = _laid(spec, laid, project)
    state.alerting = state.alerting or bool(spec.integration.alerts)
    try:
        item: Scoped | None = Scoped.of(spec)
    except PromQLError as error:
        item = None
        state.unparsed.append(Finding(spec.source, 1, Level.ERROR, "KG101",
                                      f"{spec.name}: a query does not parse: {error}"))
    unit = checks.of_unit(spec, item, project.targets)
    failing = state.failing
    state.add(unit)
    if item is None:
        return None
    if (failing or unit.errors) and not held_back:
        state.held_back.append((name, path))
        return None
    made: dict[str, str] = {}
    refused = False
    for target in project.targets:  # imported on first use: none when all come from the cache
        try:
            files = renderer(target)(item, project)
        except SpecError as error:
            state.refused += error.findings
            refused = True
            continue
        try:
            made.update((file, sink.add(file, data)) for file, data in files.items())
        except OutputError as error:
            state.clash = error
            return None
    cacheable = not (refused or held_back) and all(f.path != _config_path(project)
                                                   for f in unit.every)
    return made if cacheable else None


def _config_path(project: Project) -> str:
    return display_path(str(project.source)) if project.source is not None else ""
