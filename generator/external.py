"""Validators outside kgen, run by `kgen check` over the rendered output: promtool and Grafana's
JSON Schemas (the dashboard, and each panel's options against its panel type's schema). A missing
tool or schema is a finding, not a crash."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import jsonschema_rs
import yaml

from generator.findings import Finding, Level

if TYPE_CHECKING:
    import jsonschema

CODE_PROMTOOL_MISSING = "KG901"
CODE_RULES = "KG902"
CODE_CONFIG = "KG903"
CODE_SCHEMA_MISSING = "KG904"
CODE_SCHEMA = "KG905"
SCHEMAS = Path(__file__).parent / "schemas" / "grafana" / "v11.6"
"""Grafana's own 11.6 dashboard and panel schemas, shipped with kgen (Apache-2.0, see LICENSE)."""
PANEL_PARTS = (("options", "Options"), ("fieldConfig.defaults.custom", "FieldConfig"))
"""What of a panel its type's schema describes: (where in the panel, schema definition)."""


def run(files: dict[str, bytes], schemas: Path = SCHEMAS) -> list[Finding]:
    """Findings from promtool (rules, scrape config) and Grafana's schemas over `files`.

    promtool runs in the background while the schemas are checked, over the files `_jobs`
    writes (the lines it names in a finding are those of these temporary files: its message
    names the group and rule, or the job and field, too).
    """
    promtool = shutil.which("promtool")
    if promtool is None:
        return [Finding("<promtool>", 0, Level.ERROR, CODE_PROMTOOL_MISSING,
                        "promtool is not on PATH; install Prometheus' promtool to check "
                        "rendered rules and scrape configs"), *_dashboards(files, schemas)]
    with tempfile.TemporaryDirectory(prefix="kgen-check-") as tmp:
        running: list[tuple[_Job, subprocess.Popen[str]]] = []
        try:
            for job in _jobs(Path(tmp), files):
                running.append((job, _start(promtool, job)))
            boards = _dashboards(files, schemas)
        except BaseException:
            for _, process in running:
                process.kill()
                process.wait()
            raise
        tools = [f for job, process in running for f in _outcome(job, process)]
    return [*tools, *boards]


class _Job(NamedTuple):
    """One promtool run: its arguments, the code of its finding and what it checks."""

    args: list[str]
    code: str
    what: str


def _jobs(root: Path, files: dict[str, bytes]) -> Iterator[_Job]:
    """promtool's runs over `files`, written below `root` (by libyaml): each PrometheusRule's
    spec as a plain rule file (what the operator hands Prometheus), but one whose rules are
    those of a rule file promtool reads anyway (the same data, so the same verdict: the build
    makes both from one rule set), and each flavor's scrape jobs as one config; each as soon
    as its files are written (promtool can start on the rules while the scrape jobs are
    read)."""
    rules = [_write(root, path, data) for path, data in sorted(files.items())
             if path.startswith("prometheus/rules/")]
    checked = {repr(_load(data)) for path, data in files.items()
               if path.startswith("prometheus/rules/")}
    for path, data in sorted(files.items()):
        if path.startswith("prometheus-operator/") and "prometheusrule" in path:
            spec = _load(data)["spec"]
            if repr(spec) not in checked:  # repr tells True, 1 and 1.0 apart; == does not
                rules.append(_write(root, path, _dump(spec)))
    if rules:
        yield _Job(["check", "rules", *map(str, rules)], CODE_RULES, "rules")
    for flavor, paths in _by_flavor(files).items():
        config = _write(root, f"scrape-jobs/{flavor}.yaml",
                        _dump(_static([files[path] for path in paths])))
        yield _Job(["check", "config", "--syntax-only", str(config)], CODE_CONFIG,
                   f"the {flavor} scrape jobs ({', '.join(paths)})")


def _write(root: Path, relpath: str, data: bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _load(data: bytes) -> Any:
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _dump(data: Any) -> bytes:
    return yaml.dump(data, Dumper=yaml.CSafeDumper).encode()


def _by_flavor(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The scrape-jobs files of each flavor, by flavor directory."""
    flavors: dict[str, list[str]] = {}
    for path in sorted(files):
        parts = path.split("/")
        if parts[0] == "scrape-jobs" and len(parts) == 3:
            flavors.setdefault(parts[1], []).append(path)
    return flavors


def _static(documents: list[bytes]) -> dict[str, Any]:
    """One config holding every job of a flavor's files (as the agent gets them together, so
    job names must not clash), with Kubernetes discovery swapped for a static target: Debian's
    promtool is built without kubernetes_sd_configs. A file is a `scrape_configs:` document
    (Prometheus) or a bare job list (Sysdig agent)."""
    jobs: list[dict[str, Any]] = []
    for data in documents:
        loaded = _load(data)
        jobs += loaded if isinstance(loaded, list) else loaded.get("scrape_configs", [])
    for job in jobs:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["static_configs"] = [{"targets": ["127.0.0.1:9090"]}]
    return {"scrape_configs": jobs}


def _start(promtool: str, job: _Job) -> subprocess.Popen[str]:
    return subprocess.Popen([promtool, *job.args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _outcome(job: _Job, process: subprocess.Popen[str]) -> list[Finding]:
    stdout, stderr = process.communicate()
    if process.returncode == 0:
        return []
    output = " ".join((stdout + stderr).split())
    return [Finding("<promtool>", 0, Level.ERROR, job.code,
                    f"promtool rejects {job.what}: {output}")]


def dashboard_schema(path: Path) -> dict[str, Any]:
    """The dashboard schema, with a threshold step's value allowed to be null.

    Grafana writes the base step of every thresholds list as `"value": null` (its -Infinity
    has no JSON form) and reads it back as the base; the schema types the value as a number
    and says in its own description that nulls appear there. That one gap is closed here; the
    file itself stays as Grafana published it.
    """
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    value = schema["definitions"]["Threshold"]["properties"]["value"]
    value["type"] = ["number", "null"]
    return schema


def _dashboards(files: dict[str, bytes], schemas: Path) -> list[Finding]:
    boards = {p: d for p, d in sorted(files.items()) if p.startswith("grafana/dashboards/")}
    if not boards:
        return []
    dashboard = schemas / "dashboard.jsonschema.json"
    if not dashboard.is_file():
        return [Finding(str(dashboard), 0, Level.ERROR, CODE_SCHEMA_MISSING,
                        "Grafana dashboard schema not found; cannot validate dashboards")]
    validator = _Schema(dashboard_schema(dashboard))
    findings = []
    for path, data in boards.items():
        board = json.loads(data)
        for error in validator.errors(board):
            findings.append(Finding(path, 0, Level.ERROR, CODE_SCHEMA,
                                    f"dashboard fails the v11.6 schema at {_where(error)}: "
                                    f"{error.message}"))
        for panel in _panels(board):
            findings += _panel(path, panel, schemas)
    return findings


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    """The panels that show data: rows left out, a collapsed row's own panels included."""
    found: list[dict[str, Any]] = []
    for panel in board.get("panels") or []:
        if not isinstance(panel, dict):
            continue
        found += panel.get("panels") or [] if panel.get("type") == "row" else [panel]
    return found


def _panel(path: str, panel: dict[str, Any], schemas: Path) -> list[Finding]:
    """A panel's options and custom field config against its panel type's schema."""
    kind, title = panel.get("type"), panel.get("title")
    schema = schemas / f"{kind}.jsonschema.json"
    if not isinstance(kind, str) or not schema.is_file():
        return [Finding(path, 0, Level.ERROR, CODE_SCHEMA,
                        f"panel {title!r} has type {kind}, which Grafana 11.6 has no schema for")]
    findings = []
    for where, definition in PANEL_PARTS:
        value: Any = panel
        for key in where.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        if value is None:  # absent: Grafana applies the panel type's defaults
            continue
        if definition not in _definitions(schema):
            findings.append(Finding(path, 0, Level.ERROR, CODE_SCHEMA,
                                    f"panel {title!r} ({kind}) sets {where}, which its panel "
                                    "type does not take"))
            continue
        for error in _validator(schema, definition).errors(value):
            findings.append(Finding(path, 0, Level.ERROR, CODE_SCHEMA,
                                    f"panel {title!r} ({kind}) fails its {where} schema at "
                                    f"{_where(error)}: {error.message}"))
    return findings


def _where(error: jsonschema.ValidationError) -> str:
    return "/".join(str(part) for part in error.absolute_path) or "(root)"


@cache
def _definitions(schema: Path) -> frozenset[str]:
    return frozenset(json.loads(schema.read_text(encoding="utf-8")).get("definitions", {}))


@cache
def _validator(schema: Path, definition: str) -> _Schema:
    """A validator for a schema file, or for one of its definitions (whose `#/definitions/...`
    references resolve inside the same file)."""
    document = json.loads(schema.read_text(encoding="utf-8"))
    if definition:
        document = {"$schema": document.get("$schema"), "definitions": document["definitions"],
                    "$ref": f"#/definitions/{definition}"}
    return _Schema(document)


class _Schema:
    """A schema with two validators: jsonschema_rs (compiled, in Rust; about a hundred times
    faster) says whether a value is valid, and jsonschema, asked only of a value that is not,
    names its errors, as it always has. Neither checks `format` (Draft 7 leaves it optional)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.gate = jsonschema_rs.Draft7Validator(schema, validate_formats=False)

    @cached_property
    def validator(self) -> jsonschema.Draft7Validator:
        import jsonschema  # only once a value fails: importing it costs about 70 ms

        return jsonschema.Draft7Validator(self.schema)

    def errors(self, instance: Any) -> list[jsonschema.ValidationError]:
        """The value's first five errors, by their text; none when it is valid."""
        if self.gate.is_valid(instance):
            return []
        return sorted(self.validator.iter_errors(instance), key=str)[:5]
