"""A Markdown reference page per integration (`docs/<name>.md`), rendered with Jinja2.

Generated, so always true: setup, the metric catalog, every alert with its severity, threshold
expression and for-duration, and the runbook section its runbook_url points to (the page's path
and the sections' anchors come from `generator.conventions`); recording rules, dashboards with their
panels, scrape jobs, and the config knobs with their defaults and this build's values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, Union, get_args, get_origin

from generator import conventions
from generator.loader import Spec
from generator.model import Alert, Example, Integration
from generator.render import header

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "docs"


class AlertSection(NamedTuple):
    """One runbook section: every tier (severity) of one alert name, and the alert table's
    cells for them: the tiers' severities and their distinct `for` durations, in tier order.
    (The page's records are named tuples: a dataclass costs each build that renders a page
    about 0.5 ms to make.)"""

    name: str
    tiers: tuple[Alert, ...]
    severities: str
    durations: str

    @property
    def first(self) -> Alert:
        return self.tiers[0]


class Knob(NamedTuple):
    name: str
    type: str
    default: str
    value: str
    description: str


@cache
def _template() -> Any:
    """The page template, loaded once per process. Compiling it costs more than rendering, so
    its compiled code is kept in Jinja2's bytecode cache (its per-user directory below the
    system's temporary directory), keyed by the template's source and Jinja2's and Python's
    versions, as Python keeps .pyc files."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, autoescape=False, trim_blocks=True, lstrip_blocks=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(),
    )
    environment.filters["anchor"] = conventions.anchor
    environment.filters["cell"] = cell
    environment.filters["code"] = code
    environment.filters["pairs"] = pairs
    environment.filters["words"] = Example.words
    return environment.get_template("integration.md.j2")


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec, integration = item.spec, item.integration
    page = _template().render(
        header=header(spec.source),
        integration=integration,
        sections=alert_sections(integration),
        knobs=knobs(spec),
        scrape_files=scrape_files(spec, project),
        uid=lambda board: conventions.dashboard_uid(spec.name, board.slug),
    )
    return {conventions.docs_page(spec.name): page.encode("utf-8")}


def scrape_files(spec: Spec, project: Project) -> dict[str, str]:
    """Flavor -> the integration's scrape-jobs file from the repository root."""
    flavors = sorted({str(job.flavor) for job in spec.integration.scrape_jobs})
    return {flavor: project.in_repository(conventions.scrape_jobs_path(flavor, spec.name))
            for flavor in flavors}


def alert_sections(integration: Integration) -> list[AlertSection]:
    """Alerts grouped by name, in the order they are first defined."""
    tiers: dict[str, list[Alert]] = {}
    for alert in integration.alerts:
        tiers.setdefault(alert.name, []).append(alert)
    return [AlertSection(name, tuple(alerts), ", ".join([str(a.severity) for a in alerts]),
                         _distinct([a.for_ for a in alerts]))
            for name, alerts in tiers.items()]


def _distinct(values: Iterable[object]) -> str:
    """`values | unique | join(", ")`, by Jinja2's own `unique` filter (the first of each
    value, strings compared without their case)."""
    from jinja2.filters import do_unique

    return ", ".join(map(str, do_unique(_template().environment, values)))


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
    """`int`, `tuple` (of any items), the choices of a Literal (`'https-client' or
    'http-metrics'`), a union's members (`tuple or None`), an Annotated type's own type.
    Never an object's repr, which may hold a memory address (a validator's function)."""
    origin = get_origin(annotation)
    if origin is Literal:
        return " or ".join(repr(choice) for choice in get_args(annotation))
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return " or ".join(_type_name(member) for member in get_args(annotation))
    if annotation is type(None):
        return "None"
    named = origin if origin is not None else annotation
    return str(getattr(named, "__name__", None) or type(named).__name__)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        value = list(value)
    return _json(value)


_json = json.JSONEncoder(ensure_ascii=False).encode
"""`json.dumps(value, ensure_ascii=False)`, without making an encoder for every value (which
`json.dumps` does for any argument but the defaults)."""


def pairs(items: Iterable[tuple[str, str]]) -> str:
    """`name=value, ...`: labels as the page lists them (in a filter, not a template loop,
    which costs a loop context per alert)."""
    return ", ".join([f"{name}={value}" for name, value in items])


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks and pipes in the text (for table cells)."""
    text = str(text).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"
