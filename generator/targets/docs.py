"""A Markdown reference page per integration (`docs/<name>.md`).

Generated, so always true: setup, the metric catalog, every alert with its severity, threshold
expression and for-duration, and the runbook section its runbook_url points to (the page's path
and the sections' anchors come from `generator.conventions`); recording rules, dashboards with their
panels, scrape jobs, and the config knobs with their defaults and this build's values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args, get_origin

from generator import conventions
from generator.loader import Spec
from generator.model import Alert, Dashboard, Integration
from generator.render import header

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


@dataclass(frozen=True)
class AlertSection:
    """One runbook section: every tier (severity) of one alert name."""

    name: str
    tiers: tuple[Alert, ...]

    @property
    def first(self) -> Alert:
        return self.tiers[0]


@dataclass(frozen=True)
class Knob:
    name: str
    type: str
    default: str
    value: str
    description: str


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec, integration = item.spec, item.integration
    sections = alert_sections(integration)
    page = "".join([
        _summary(header(spec.source), integration, len(sections)),
        _setup(integration),
        _scrape_jobs(integration, scrape_files(spec, project)),
        _metrics(integration),
        _alerts(sections),
        _recording_rules(integration),
        *(_dashboard(spec.name, board) for board in integration.dashboards),
        _configuration(integration.name, knobs(spec)),
    ])
    return {conventions.docs_page(spec.name): page.encode("utf-8")}


def _summary(generated: str, integration: Integration, alerts: int) -> str:
    return (f"<!-- {generated} -->\n"
            f"# {integration.title}\n\n"
            f"{integration.description}\n\n"
            f"- Supported version: {integration.supported_version}\n"
            f"- Selector on every query: {code(integration.selector)}\n"
            f"- Metrics: {len(integration.metrics)} · recording rules: "
            f"{len(integration.recording_rules)} · alerts: {alerts} · scrape jobs: "
            f"{len(integration.scrape_jobs)} · dashboards: {len(integration.dashboards)}\n\n")


def _setup(integration: Integration) -> str:
    if not integration.setup:
        return ""
    steps = "".join(f"{number}. {_indent(step, 3)}\n"
                    for number, step in enumerate(integration.setup, start=1))
    return f"## Setup\n\n{steps}\n"


def _scrape_jobs(integration: Integration, files: dict[str, str]) -> str:
    if not integration.scrape_jobs:
        return ""
    lines = ["## Scrape jobs", "",
             "| job | flavor | discovery | scheme | relabel steps | metric relabel steps |",
             "| --- | --- | --- | --- | --- | --- |"]
    for job in integration.scrape_jobs:
        discovery = str(job.discovery.role)
        if job.discovery.namespaces:
            discovery += f" in {', '.join(job.discovery.namespaces)}"
        lines.append(f"| {code(job.job_name)} | {job.flavor!s} | {discovery} | "
                     f"{job.scheme or 'http'!s} | {len(job.relabel_configs)} | "
                     f"{len(job.metric_relabel_configs)} |")
    if "prometheus" in files:
        lines += ["", f"Prometheus: list `{files['prometheus']}` in `scrape_config_files` "
                      "(Prometheus 2.43 and later), or copy its `scrape_configs` entries into "
                      "`prometheus.yml`."]
    if "sysdig-agent" in files:
        every = files["sysdig-agent"].replace(f"{integration.name}.yaml", "*.yaml")
        lines += ["", f"Sysdig agent: `{files['sysdig-agent']}` is a bare list of jobs, because "
                      "the agent reads a single `prometheus.yaml`. Build that file from every "
                      "integration's list (add your own jobs' files to the `cat` the same way) "
                      "and store it under the key `prometheus.yaml` of the agent's "
                      "`sysdig-agent` ConfigMap (with the agent's Helm chart: "
                      "`prometheus.file: true`, and the file's content, as YAML, under the value "
                      "`prometheus.yaml`):",
                  "", "```sh",
                  f"{{ echo 'scrape_configs:'; cat {every}; }} > prometheus.yaml", "```"]
    return "\n".join(lines) + "\n\n"


def _metrics(integration: Integration) -> str:
    lines = ["## Metrics", "", "| metric | type | unit | signal | labels | help |",
             "| --- | --- | --- | --- | --- | --- |"]
    lines += [f"| {code(metric.name)} | {metric.type!s} | {metric.unit} | "
              f"{metric.signal or ''!s} | {', '.join(metric.labels)} | {cell(metric.help)} |"
              for metric in integration.metrics]
    return "\n".join(lines) + "\n"


def _alerts(sections: list[AlertSection]) -> str:
    lines = ["", "## Alerts", "", "| alert | severity | for | summary |",
             "| --- | --- | --- | --- |"]
    lines += [f"| [{section.name}](#{conventions.anchor(section.name)}) | "
              f"{', '.join(str(alert.severity) for alert in section.tiers)} | "
              f"{', '.join(_unique(alert.for_ for alert in section.tiers))} | "
              f"{cell(section.first.summary)} |"
              for section in sections]
    return "\n".join(lines) + "\n" + "".join(_alert_section(section) for section in sections)


def _alert_section(section: AlertSection) -> str:
    """An alert's heading, each of its tiers with its examples, and its runbook."""
    parts = [f"\n### {section.name}\n\n{section.first.summary}\n\n"]
    for alert in section.tiers:
        labels = ""
        if alert.labels:
            pairs = sorted(alert.labels.items(), key=lambda pair: pair[0].lower())
            labels = f" (labels: {', '.join(f'{key}={value}' for key, value in pairs)})"
        parts.append(f"**{alert.severity!s}** after {alert.for_}{labels}:\n\n"
                     f"```promql\n{alert.expr}\n```\n\n")
        if alert.examples:
            said = "".join(f"- {example.words()}\n" for example in alert.examples)
            parts.append("Examples (`kgen test` runs them; times from the start of each "
                         f"scenario):\n\n{said}\n")
    runbook = section.first.runbook
    if runbook:
        parts.append(f"#### Meaning\n\n{runbook.meaning}\n\n#### Impact\n\n{runbook.impact}\n\n"
                     f"#### Diagnosis\n\n{runbook.diagnosis}\n\n"
                     f"#### Mitigation\n\n{runbook.mitigation}\n")
    else:
        parts.append("No runbook has been written for this alert yet.\n")
    return "".join(parts)


def _recording_rules(integration: Integration) -> str:
    if not integration.recording_rules:
        return ""
    rules = "\n".join(f"### {rule.record}\n\n```promql\n{rule.expr}\n```\n"
                      for rule in integration.recording_rules)
    return f"\n## Recording rules\n\n{rules}"


def _dashboard(name: str, board: Dashboard) -> str:
    uid = code(conventions.dashboard_uid(name, board.slug))
    described = f": {board.description}" if board.description else ""
    parts = [f"\n## Dashboard: {board.title}\n\nuid {uid}{described}\n\n"]
    for row in board.rows:
        panels = "".join(f"| {cell(panel.title)} | {panel.unit} | {cell(panel.description)} |\n"
                         for panel in row.panels)
        parts.append(f"**{row.title}**\n\n| panel | unit | what it shows |\n"
                     f"| --- | --- | --- |\n{panels}\n")
    return "".join(parts)


def _configuration(name: str, knobs: list[Knob]) -> str:
    lines = ["## Configuration", "",
             f"Set these per integration in `kgen.yaml` (`integrations: {{{name}: "
             "{config: {...}}}`) or in a profile.", "",
             "| knob | type | default | this build | what it does |",
             "| --- | --- | --- | --- | --- |"]
    lines += [f"| {code(knob.name)} | {cell(knob.type)} | {code(knob.default)} | "
              f"{code(knob.value) if knob.value != knob.default else 'default'} | "
              f"{cell(knob.description)} |"
              for knob in knobs]
    return "\n".join(lines) + "\n"


def scrape_files(spec: Spec, project: Project) -> dict[str, str]:
    """Flavor -> the integration's scrape-jobs file from the repository root."""
    flavors = sorted({str(job.flavor) for job in spec.integration.scrape_jobs})
    return {flavor: project.in_repository(conventions.scrape_jobs_path(flavor, spec.name))
            for flavor in flavors}


def alert_sections(integration: Integration) -> list[AlertSection]:
    """Alerts grouped by name, in the order they are first defined."""
    names = list(dict.fromkeys(alert.name for alert in integration.alerts))
    return [AlertSection(name, tuple(a for a in integration.alerts if a.name == name))
            for name in names]


def knobs(spec: Spec) -> list[Knob]:
    config = spec.config
    found = []
    for name, field in type(config).model_fields.items():
        found.append(Knob(
            name=name,
            type=_type_name(field.annotation),
            default=_value(field.get_default(call_default_factory=True)),
            value=_value(getattr(config, name)),
            description=" ".join((field.description or "").split()),
        ))
    return found


def _type_name(annotation: Any) -> str:
    """`int`, `tuple`, or the choices of a Literal: `'https-client' or 'http-metrics'`."""
    if get_origin(annotation) is Literal:
        return " or ".join(repr(choice) for choice in get_args(annotation))
    return str(getattr(annotation, "__name__", annotation))


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        value = list(value)
    return json.dumps(value, ensure_ascii=False)


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks and pipes in the text (for table cells)."""
    text = str(text).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _indent(text: str, width: int) -> str:
    """Every line but the first indented by `width` spaces, blank lines left blank (a list
    item's continuation lines)."""
    first, *rest = (text + "\n").splitlines()
    return "\n".join([first, *(" " * width + line if line else line for line in rest)])


def _unique(values: Iterable[str]) -> list[str]:
    """The values in order, each once; two that differ only in case count as one."""
    seen: set[str] = set()
    kept = []
    for value in values:
        if value.lower() not in seen:
            seen.add(value.lower())
            kept.append(value)
    return kept
