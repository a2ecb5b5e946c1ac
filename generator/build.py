"""The pipeline: load specs, check them, render every target. No I/O beyond the loader."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from generator import checks, loader
from generator.findings import Level, SpecError
from generator.output import OutputError, with_manifest
from generator.targets import DEFAULT_TARGETS, renderer


def build(
    specs_dir: Path,
    targets: Sequence[str] = DEFAULT_TARGETS,
    values: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, bytes]:
    """Every output file, by path relative to the output directory, plus the manifest.

    Raises SpecError when any check finds an error: then nothing is rendered.
    """
    specs = loader.load(specs_dir, values)
    errors = [f for f in checks.run(specs) if f.level is Level.ERROR]
    if errors:
        raise SpecError(errors)
    files: dict[str, bytes] = {}
    for target in targets:
        render = renderer(target)
        for spec in specs:
            for path, data in render(spec).items():
                if path in files:
                    raise OutputError(f"two targets both produce {path}")
                files[path] = data
    return with_manifest(files)
