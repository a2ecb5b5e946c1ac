"""Validators outside kgen, run by `kgen check` over the rendered output: promtool and the
Grafana dashboard JSON Schema. A missing tool or schema is a finding, not a crash."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from generator.findings import Finding, Level

CODE_PROMTOOL_MISSING = "KG901"
CODE_RULES = "KG902"
CODE_CONFIG = "KG903"
CODE_SCHEMA_MISSING = "KG904"
CODE_SCHEMA = "KG905"
SCHEMA = Path(__file__).parent.parent / "schemas/grafana/v11.6/dashboard.jsonschema.json"
"""Grafana's own dashboard schema for 11.6, shipped with kgen (Apache-2.0, see its LICENSE)."""


def run(files: dict[str, bytes], schema: Path = SCHEMA) -> list[Finding]:
    """Findings from promtool (rules, scrape config) and the dashboard schema over `files`."""
    return [*_promtool(files), *_dashboards(files, schema)]


def _promtool(files: dict[str, bytes]) -> list[Finding]:
    promtool = shutil.which("promtool")
    if promtool is None:
        return [Finding("<promtool>", 0, Level.ERROR, CODE_PROMTOOL_MISSING,
                        "promtool is not on PATH; install Prometheus' promtool to check "
                        "rendered rules and scrape configs")]
    findings = []
    with tempfile.TemporaryDirectory(prefix="kgen-check-") as tmp:
        root = Path(tmp)
        rules = [_write(root, path, data) for path, data in sorted(files.items())
                 if path.startswith("prometheus/rules/")]
        rules += [_write(root, path, _rule_spec(data)) for path, data in sorted(files.items())
                  if path.startswith("prometheus-operator/") and "prometheusrule" in path]
        if rules:
            findings += _tool(promtool, ["check", "rules", *map(str, rules)], CODE_RULES, "rules")
        for flavor, paths in _by_flavor(files).items():
            config = _write(root, f"scrape-jobs/{flavor}.yaml",
                            _static([files[path] for path in paths]))
            findings += _tool(promtool, ["check", "config", "--syntax-only", str(config)],
                              CODE_CONFIG, f"the {flavor} scrape jobs ({', '.join(paths)})")
    return findings


def _write(root: Path, relpath: str, data: bytes) -> Path:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _rule_spec(data: bytes) -> bytes:
    """A PrometheusRule's spec as a plain rule file, which is what the operator hands Prometheus."""
    return yaml.safe_dump(yaml.safe_load(data)["spec"]).encode()


def _by_flavor(files: dict[str, bytes]) -> dict[str, list[str]]:
    """The scrape-jobs files of each flavor, by flavor directory."""
    flavors: dict[str, list[str]] = {}
    for path in sorted(files):
        parts = path.split("/")
        if parts[0] == "scrape-jobs" and len(parts) == 3:
            flavors.setdefault(parts[1], []).append(path)
    return flavors


def _static(documents: list[bytes]) -> bytes:
    """One config holding every job of a flavor's files (as the agent gets them together, so
    job names must not clash), with Kubernetes discovery swapped for a static target: Debian's
    promtool is built without kubernetes_sd_configs. A file is a `scrape_configs:` document
    (Prometheus) or a bare job list (Sysdig agent)."""
    jobs: list[dict[str, Any]] = []
    for data in documents:
        loaded = yaml.safe_load(data)
        jobs += loaded if isinstance(loaded, list) else loaded.get("scrape_configs", [])
    for job in jobs:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["static_configs"] = [{"targets": ["127.0.0.1:9090"]}]
    return yaml.safe_dump({"scrape_configs": jobs}).encode()


def _tool(promtool: str, args: list[str], code: str, what: str) -> list[Finding]:
    done = subprocess.run([promtool, *args], capture_output=True, text=True, check=False)
    if done.returncode == 0:
        return []
    output = " ".join((done.stdout + done.stderr).split())
    return [Finding("<promtool>", 0, Level.ERROR, code, f"promtool rejects {what}: {output}")]


def dashboard_schema(path: Path = SCHEMA) -> dict[str, Any]:
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


def _dashboards(files: dict[str, bytes], schema_path: Path) -> list[Finding]:
    boards = {p: d for p, d in sorted(files.items()) if p.startswith("grafana/dashboards/")}
    if not boards:
        return []
    if not schema_path.is_file():
        return [Finding(str(schema_path), 0, Level.ERROR, CODE_SCHEMA_MISSING,
                        "Grafana dashboard schema not found; cannot validate dashboards")]
    validator = jsonschema.Draft7Validator(dashboard_schema(schema_path))
    findings = []
    for path, data in boards.items():
        for error in sorted(validator.iter_errors(json.loads(data)), key=str)[:5]:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            findings.append(Finding(path, 0, Level.ERROR, CODE_SCHEMA,
                                    f"dashboard fails the v11.6 schema at {where}: "
                                    f"{error.message}"))
    return findings
