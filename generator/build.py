"""The pipeline: load specs, lay the project settings over them, check, render every target.

No I/O beyond the loader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator import checks, loader, overlay
from generator.findings import Finding, Level, SpecError
from generator.loader import Spec
from generator.model import Location
from generator.output import OutputError, with_manifest
from generator.project import CODE, IntegrationSettings, Project
from generator.targets import DEFAULT_TARGETS, renderer


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
    specs = load_specs(project)
    errors = [f for f in checks.run(specs) if f.level is Level.ERROR]
    if errors:
        raise SpecError(errors)
    return render(specs, project)


def load_specs(project: Project) -> list[Spec]:
    """The project's specs, configured and with its settings laid over them."""
    def origin(name: str, loc: tuple[str | int, ...]) -> Location | None:
        return project.locate("integrations", name, "config", *loc)

    specs = loader.load(project.specs_dir, project.values(), origin)
    loaded = {spec.name for spec in specs}
    findings = [
        Finding.at(project.locate("integrations", name), Level.ERROR, CODE,
                   f"integrations.{name}: no spec named {name} in {project.specs_dir}")
        for name in project.integrations if name not in loaded
    ]
    laid = []
    for spec in specs:
        integration, found = overlay.apply(spec.integration, project)
        findings += found
        laid.append(dataclasses.replace(spec, integration=integration))
    if findings:
        raise SpecError(findings)
    return laid


def render(specs: Sequence[Spec], project: Project) -> dict[str, bytes]:
    """Every file the project's targets make of the (laid-over) specs, plus the manifest; spec
    by spec, each through every target, so what targets share is fresh in the caches."""
    files: dict[str, bytes] = {}
    renderers = [renderer(target) for target in project.targets]
    for spec in specs:
        for render_target in renderers:
            for path, data in render_target(spec, project).items():
                if path in files:
                    raise OutputError(f"two targets both produce {path}")
                files[path] = data
    return with_manifest(files)
