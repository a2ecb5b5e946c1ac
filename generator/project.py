"""The project config: `kgen.yaml` (or `[tool.kgen]` in pyproject.toml) and its profiles.

A profile is a named set of settings laid over the base ones (mappings merge key by key, lists
and scalars replace), written to its own output tree. Every key is validated; an error names the
config file, the line, and the key path, like a spec error does. (No `from __future__ import
annotations` here: pydantic would evaluate each annotation string as the models are built.)
"""

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple, Self, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from generator import conventions
from generator.configfile import CODE as CODE
from generator.configfile import KeyPath as KeyPath
from generator.configfile import read, read_toml
from generator.findings import Finding, Level, SpecError, did_you_mean
from generator.kubernetes import MANAGED_BY, PART_OF, LabelKey, LabelValue, Namespace
from generator.model import Flavor, Severity
from generator.model.base import Location
from generator.model.types import LabelName
from generator.targets import DEFAULT_TARGETS, TARGETS

_STRICT = ConfigDict(extra="forbid", frozen=True)
"""Every settings model's config (set on each: a base model class only for it costs every
build about 0.3 ms to make)."""


class AlertSettings(BaseModel):
    """Changes to an integration's alerts that need no fork of its spec."""

    model_config = _STRICT

    labels: dict[LabelName, str] = Field(default_factory=dict)
    """Extra labels on every alert (team, tier), for Alertmanager routing."""
    severity: dict[str, Severity] = Field(default_factory=dict)
    """Alert name -> the severity it should carry instead of the spec's."""
    disable: tuple[str, ...] = ()
    """Alert names to leave out."""


class IntegrationSettings(BaseModel):
    model_config = _STRICT

    config: dict[str, Any] = Field(default_factory=dict)
    """Values for the integration's typed `Config` (selector, thresholds, for-durations, ...)."""
    alerts: AlertSettings = AlertSettings()


class PrometheusOperatorSettings(BaseModel):
    """Where the PrometheusRule and PodMonitor objects go, and the labels the operator selects
    them by (kube-prometheus-stack's Prometheus selects `release: <release name>`)."""

    model_config = _STRICT

    namespace: Namespace | None = None
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _not_kgens(cls, labels: dict[str, str]) -> dict[str, str]:
        return _without_managed(labels)


class GrafanaProvisioningSettings(BaseModel):
    """Where the dashboard ConfigMaps go and how the Grafana sidecar finds and files them."""

    model_config = _STRICT

    namespace: Namespace | None = None
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict)
    sidecar_label: LabelKey = "grafana_dashboard"
    """The label the sidecar watches (the Grafana chart's `sidecar.dashboards.label`) ..."""
    sidecar_label_value: LabelValue = "1"
    """... and its value (`sidecar.dashboards.labelValue`)."""
    folder_annotation: LabelKey = "k8s-sidecar-target-directory"
    """The annotation naming the dashboard's folder (`sidecar.dashboards.folderAnnotation`)."""
    folder: str | None = Field(default=None, min_length=1, pattern=r"^[^/]+$")
    """One Grafana folder for every integration's dashboards; unset: a folder per
    integration, named by its title."""

    @model_validator(mode="after")
    def _sidecar_label_set_once(self) -> Self:
        _without_managed(self.labels)
        if self.sidecar_label in self.labels:
            raise ValueError(f"labels: {self.sidecar_label} is the sidecar label; set "
                             "sidecar_label_value instead")
        return self


def _without_managed(labels: dict[str, str]) -> dict[str, str]:
    for key in labels:
        if key in (MANAGED_BY, PART_OF):
            raise ValueError(f"{key} is kgen's own label; it says which objects kgen manages")
    return labels


class Settings(BaseModel):
    """What the base config and each profile can set."""

    model_config = _STRICT

    out: str | None = None
    targets: tuple[str, ...] | None = None
    flavors: tuple[Flavor, ...] | None = None
    cluster_label: LabelName | None = None
    runbook_url: str | None = None
    """Pattern of every alert's runbook_url: {docs} (the tree's docs page from the repository
    root), {anchor}, {integration}, {alert}."""
    prometheus_operator: PrometheusOperatorSettings = PrometheusOperatorSettings()
    grafana_provisioning: GrafanaProvisioningSettings = GrafanaProvisioningSettings()
    integrations: dict[str, IntegrationSettings] = Field(default_factory=dict)

    @field_validator("runbook_url")
    @classmethod
    def _fillable(cls, pattern: str | None) -> str | None:
        return None if pattern is None else conventions.check_pattern(pattern)

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, targets: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for target in targets or ():
            if target not in TARGETS:
                raise ValueError(f"unknown target {target!r}{did_you_mean(target, TARGETS)}; "
                                 f"known: {', '.join(TARGETS)}")
        return targets


class ProjectFile(Settings):
    specs: str = "specs"
    profiles: dict[str, Settings] = Field(default_factory=dict)


class Project(NamedTuple):
    """The settings one build runs with: base config, with the chosen profile laid over it.
    (A named tuple: Python 3.11 makes a frozen dataclass in about 0.5 ms, compiling each
    method, in every run; its defaults are immutable and shared.)"""

    specs_dir: Path = Path("specs")
    out_dir: Path = Path("out")
    targets: tuple[str, ...] = DEFAULT_TARGETS
    flavors: tuple[Flavor, ...] | None = None
    cluster_label: str | None = None
    runbook_url: str | None = None
    """The runbook_url pattern; None: none set (alerts link `conventions.DEFAULT_PATTERN`)."""
    prometheus_operator: PrometheusOperatorSettings = PrometheusOperatorSettings()
    grafana_provisioning: GrafanaProvisioningSettings = GrafanaProvisioningSettings()
    integrations: Mapping[str, IntegrationSettings] = MappingProxyType({})
    source: Path | None = None
    """The config file, if any; its directory is taken as the repository root."""
    prefix: KeyPath = ()
    """Where the settings live in `source`: () for kgen.yaml, ("tool", "kgen") in pyproject."""
    lines: Mapping[KeyPath, int] = MappingProxyType({})
    profile: str | None = None
    profiles: tuple[str, ...] = ()
    """Every profile the config defines."""

    def locate(self, *path: str | int) -> Location | None:
        """The config-file line of a key path, in the profile when it sets the key, else in
        the base settings (or the nearest written parent key)."""
        if self.source is None:
            return None
        bases = [(*self.prefix, "profiles", self.profile)] if self.profile else []
        for base in [*bases, self.prefix]:
            line = self.lines.get(base + path)
            if line is not None:
                return Location(str(self.source), line)
        for end in range(len(path) - 1, -1, -1):
            line = self.lines.get(self.prefix + path[:end])
            if line is not None:
                return Location(str(self.source), line)
        return Location(str(self.source), 1)

    def in_repository(self, path: str) -> str:
        """A path in this tree (`docs/etcd.md`) from the repository root, taken to be the config
        file's directory (else the working directory): `out-prod/docs/etcd.md`."""
        root = self.source.parent if self.source is not None else Path()
        return Path(os.path.relpath(self.out_dir / path, root)).as_posix()

    def docs_page(self, integration: str) -> str:
        """The integration's docs page from the repository root, whether or not the `docs`
        target writes it."""
        return self.in_repository(conventions.docs_page(integration))

    def runbook_links(self, integration: str) -> Callable[[str], str]:
        """An alert's runbook_url by its name: the project's pattern (or the default) filled
        in for one integration, its docs page worked out once."""
        pattern = self.runbook_url or conventions.DEFAULT_PATTERN
        page = self.docs_page(integration)
        return lambda alert: conventions.runbook_url(pattern, page, integration, alert)

    def check_paths(self, out_given: bool = False, specs_given: bool = False) -> None:
        """Refuse an output directory that holds the specs or the project (kgen replaces its
        tree as a whole), and a configured specs directory that is not there."""
        problem = _out_problem(self.out_dir, self.specs_dir, self.source)
        if problem:
            where = None if out_given else self.locate("out")
            raise SpecError([Finding("--out", 0, Level.ERROR, CODE, problem) if where is None
                             else Finding.at(where, Level.ERROR, CODE, problem)])
        if self.source is not None and not specs_given and not self.specs_dir.is_dir():
            where = self.locate("specs")
            raise SpecError([Finding.at(where, Level.ERROR, CODE,
                                        f"specs: {self.specs_dir} is not a directory")])

    def values(self) -> dict[str, dict[str, Any]]:
        """Per-integration values for the spec Config models."""
        return {name: dict(s.config) for name, s in self.integrations.items()}


def _out_problem(out_dir: Path, specs_dir: Path, source: Path | None) -> str:
    try:
        out, specs = out_dir.resolve(), specs_dir.resolve()
        project = [source.resolve().parent] if source is not None else []
    except (OSError, RuntimeError) as error:  # a symlink loop
        return f"out: {out_dir} cannot be resolved: {error}"
    if out == specs or out in specs.parents or out in project:
        return f"out: {out_dir} holds the specs or the project config"
    if specs in out.parents:
        return f"out: {out_dir} is inside the specs directory {specs_dir}"
    return ""


def find_config(directory: Path) -> Path | None:
    """`kgen.yaml` in the directory, else a pyproject.toml that has a `[tool.kgen]` table.

    A pyproject.toml that cannot be read might have been the config: that is an error, not a
    build on defaults.
    """
    if os.path.lexists(directory / "kgen.yaml"):
        return directory / "kgen.yaml"
    pyproject = directory / "pyproject.toml"
    if os.path.lexists(pyproject):
        tool = read_toml(pyproject)[0].get("tool", {})
        if isinstance(tool, dict) and "kgen" in tool:
            return pyproject
    return None


def load_project(config: Path | None, profile: str | None = None) -> Project:
    """The project settings from `config` (None: defaults), with `profile` applied."""
    if config is None:
        if profile is not None:
            raise SpecError([Finding("<config>", 0, Level.ERROR, CODE,
                                     f"profile {profile!r} asked for, but there is no kgen.yaml "
                                     "or [tool.kgen] in pyproject.toml")])
        return Project()
    raw, prefix, lines = read(config)
    located = Project(source=config, prefix=prefix, lines=lines)
    try:
        parsed = ProjectFile.model_validate(raw)
    except ValidationError as error:
        raise SpecError([_finding(located, error)]) from None
    settings = parsed  # without a profile, the base settings are the file's (validated once)
    if profile is not None:
        if profile not in parsed.profiles:
            where = located.locate("profiles")
            raise SpecError([Finding.at(where, Level.ERROR, CODE,
                                        f"no profile {profile!r}"
                                        f"{did_you_mean(profile, parsed.profiles)}; known: "
                                        f"{', '.join(parsed.profiles) or 'none'}")])
        merged = _merge(raw, raw["profiles"][profile])
        settings = ProjectFile.model_validate({k: v for k, v in merged.items()
                                               if k != "profiles"})
    base = config.parent
    base_out = parsed.out or "out"
    out = base_out if profile is None else parsed.profiles[profile].out or f"{base_out}-{profile}"
    return Project(
        specs_dir=base / settings.specs,
        out_dir=base / out,
        targets=settings.targets or DEFAULT_TARGETS,
        flavors=settings.flavors,
        cluster_label=settings.cluster_label,
        runbook_url=settings.runbook_url,
        prometheus_operator=settings.prometheus_operator,
        grafana_provisioning=settings.grafana_provisioning,
        integrations=settings.integrations,
        source=config,
        prefix=prefix,
        lines=lines,
        profile=profile,
        profiles=tuple(parsed.profiles),
    )


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: mappings merge key by key; anything else replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _finding(project: Project, error: ValidationError) -> Finding:
    """The first validation error, at its key's line, with a suggestion for a misspelt key."""
    first = error.errors()[0]
    path = tuple(first["loc"])
    dotted = ".".join(str(part) for part in path)
    message = f"{dotted}: {first['msg']}"
    if first["type"] == "extra_forbidden":
        message = f"{dotted}: unknown key{did_you_mean(str(path[-1]), _fields_at(path[:-1]))}"
    if error.error_count() > 1:
        message += f" (and {error.error_count() - 1} more)"
    return Finding.at(project.locate(*path), Level.ERROR, CODE, message)


def _fields_at(path: KeyPath) -> list[str]:
    """The keys the settings mapping at `path` accepts (none when `path` is not a mapping)."""
    model: type[BaseModel] = ProjectFile
    pending: type[BaseModel] | None = None
    for part in path:
        if pending is not None:
            model, pending = pending, None
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        annotation, args = info.annotation, get_args(info.annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        elif args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
            pending = args[-1]
        else:
            return []
    return [] if pending is not None else list(model.model_fields)
