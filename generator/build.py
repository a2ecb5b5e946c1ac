"""The pipeline: named stages over the typed model, the same for `kgen build`, `kgen check`,
`kgen test` and `kgen cost`.

load -> settings -> cluster-label -> scope -> checks -> render. Each stage reads what the ones
before it made (a `Run`) and adds its part; nothing but the loader does I/O.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import checks, loader, overlay
from generator.findings import Finding, Level, SpecError
from generator.loader import Spec
from generator.model import Integration, Location
from generator.output import OutputError, with_manifest
from generator.project import CODE, IntegrationSettings, Project
from generator.promql import PromQLError
from generator.scoping import Scoped
from generator.targets import DEFAULT_TARGETS, renderer


@dataclass
class Run:
    """What the stages have made of one project so far."""

    project: Project
    specs: list[Spec] = field(default_factory=list)
    """Configured, with the project's settings laid over them; queries as written (what the
    checks read and report at their spec lines)."""
    scoped: list[Scoped] = field(default_factory=list)
    """The same integrations with their selector in every query (what targets render)."""
    unparsed: dict[str, str] = field(default_factory=dict)
    """Integration -> why one of its queries does not parse (the scope stage skips it)."""
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level is Level.ERROR]


@dataclass(frozen=True)
class Stage:
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
        laid.append(dataclasses.replace(spec, integration=integration))
    if findings:
        raise SpecError(findings)
    run.specs = laid


def _cluster_label(run: Run) -> None:
    label = run.project.cluster_label
    if label:
        run.specs = [dataclasses.replace(s, integration=overlay.keep_cluster_label(
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


def prepare(integration: Integration, project: Project) -> Integration:
    """One integration through the settings and cluster-label stages (the mixin target builds
    its spec again with stand-in values and lays the project over it the same way)."""
    laid, _ = overlay.apply(integration, project)
    if project.cluster_label:
        laid = overlay.keep_cluster_label(laid, project.cluster_label)
    return laid


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
