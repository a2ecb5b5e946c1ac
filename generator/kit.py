"""The spec kit: what every spec needs beyond the typed model, written once.

- `SpecConfig`, the base every spec's `Config` derives from (the loader refuses any other):
  strict (a typo in kgen.yaml is an error), frozen, documented by attribute docstrings, and
  validating its own defaults (a bad duration default is an error at that default's line).
- Go-template pieces for annotations (`labels("instance")`, `humanize()`), so f-strings need
  no `{{{{`; `legend(...)` for Grafana legends.
- `panel(...)` for the one-query panel.
- Pod discovery for both scrape flavors (`pod_discovery`, `sysdig_discovery`) and the catalog
  keep-list (`keep_list`).
- A few PromQL builders where they read better than a string: `rate`, `by`, `without`. They
  never format the integration's selector: that reaches every query through the PromQL AST.

Everything here lives under generator/, so models built through it are located at the spec
line that called the kit (generator.model.base.caller_location skips kgen's frames).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, field_validator

from generator import relabel
from generator.docstrings import describe_fields
from generator.model import Metric, Panel, PanelKind, Query, Relabel, Threshold, keep_metrics
from generator.model.types import label_matchers

__all__ = [
    "SpecConfig", "by", "humanize", "humanize_percentage", "keep_list", "labels", "legend",
    "panel", "pod_discovery", "rate", "sysdig_discovery", "value", "without",
]


class _Documented(BaseModel):
    """A model whose fields are described by the docstrings below them (pydantic's
    `use_attribute_docstrings`, read by generator.docstrings at a fraction of the cost)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        describe_fields(cls, sys._getframe(1))


class SpecConfig(_Documented):
    """The knobs of an integration, set in kgen.yaml under `integrations.<name>.config`.

    Subclasses give every knob a default and a docstring below it (both reach the docs page),
    and set the default of `selector`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    selector: str
    """PromQL label matchers that scope every rule and panel query of the integration, e.g.
    `job=~".*etcd.*"`."""

    @field_validator("selector")
    @classmethod
    def _selector_is_label_matchers(cls, selector: str) -> str:
        """Kept by the subclasses that give `selector` its default (and so its annotation)."""
        return label_matchers(selector)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Self:
        """The config from the project's `values`, after validating the defaults too.

        A bad default is a ValidationError naming its field, as with pydantic's
        `validate_default` (see `_check_defaults`); the config itself keeps the defaults as
        written (validating them would turn a float knob's `5` into `5.0`)."""
        _check_defaults(cls, dict(values))
        return cls.model_validate(dict(values))


def _check_defaults(model: type[BaseModel], values: dict[str, Any]) -> None:
    """Validate `values` with every default validated too, as `validate_default` would.

    The defaults of the fields not set are validated as if they were set, alongside the
    values: the same validators in the same order, so the same errors. Where that could differ
    (an alias, a model validator or `model_post_init` that could tell a value from a default, a
    default factory that reads other fields), a throwaway subclass with `validate_default` on
    checks them; it costs building a second model class per spec."""
    fields = model.model_fields
    if (model.__pydantic_decorators__.model_validators
            or model.model_post_init is not BaseModel.model_post_init
            or any(f.alias or f.validation_alias
                   or getattr(f, "default_factory_takes_validated_data", False)
                   for f in fields.values())):
        checking: type[BaseModel] = type(model.__name__, (model,), {
            "__module__": model.__module__,
            "model_config": ConfigDict(validate_default=True),
        })
        checking.model_validate(values)
        return
    defaults = {name: field.get_default(call_default_factory=True)
                for name, field in fields.items()
                if name not in values and not field.is_required()
                and field.validate_default is not False}
    model.model_validate({**defaults, **values})


# Go templates of alert annotations (Prometheus) and legends (Grafana).

def labels(name: str) -> str:
    """`{{ $labels.<name> }}`: a label of the alert's series, in an annotation."""
    return "{{ $labels." + name + " }}"


def value(*functions: str) -> str:
    """`{{ $value }}`, piped through template functions: `value("humanize")`."""
    return "{{ " + " | ".join(("$value", *functions)) + " }}"


def humanize() -> str:
    """`{{ $value | humanize }}`: the alert's value with SI prefixes."""
    return value("humanize")


def humanize_percentage() -> str:
    """`{{ $value | humanizePercentage }}`: a ratio (0.25) as a percentage (25%)."""
    return value("humanizePercentage")


def legend(*names: str, sep: str = " ") -> str:
    """A Grafana legend of series labels: `legend("instance", "To")` is `{{instance}} {{To}}`."""
    return sep.join("{{" + name + "}}" for name in names)


# Panels.

def panel(title: str, expr: str | tuple[Query, ...], *, unit: str, description: str,
          legend: str = "", kind: PanelKind = PanelKind.TIMESERIES, width: int = 12,
          thresholds: tuple[Threshold, ...] = (), sparkline: bool = False,
          min: float | None = None, max: float | None = None) -> Panel:
    """A panel over one query (`expr`, shown as `legend`), or over the given `Query`s."""
    queries = (Query(expr=expr, legend=legend),) if isinstance(expr, str) else expr
    return Panel(kind=kind, title=title, unit=unit, description=description, width=width,
                 queries=queries, thresholds=thresholds, sparkline=sparkline, min=min, max=max)


# Scrape jobs.

def pod_discovery(label: str, match: str, port: int, *,
                  node_label: bool = False) -> tuple[Relabel, ...]:
    """Prometheus-flavor pod discovery: running pods whose discovery label `label` (e.g.
    `__meta_kubernetes_pod_container_name`) matches `match`, scraped on their IP at `port`,
    labelled with `namespace` and `pod` (and their node as `node` with `node_label`)."""
    node = (relabel.copy(f"{relabel.POD}node_name", "node"),) if node_label else ()
    return (
        relabel.keep(label, match),
        relabel.keep_running(),
        relabel.scrape_port(port),
        relabel.copy("__meta_kubernetes_namespace", "namespace"),
        relabel.copy(f"{relabel.POD}name", "pod"),
        *node,
    )


def sysdig_discovery(label: str, match: str, integration_type: str, port: int, *,
                     scheme_annotation: bool = False) -> tuple[Relabel, ...]:
    """Sysdig-agent pod discovery (promcat): the running pods on the agent's own host that
    `label` matches or that are annotated with `integration_type`, scraped at `port`."""
    return relabel.sysdig_promcat(label, match, integration_type, port,
                                  scheme_annotation=scheme_annotation)


def keep_list(metrics: Iterable[Metric], *, names_only: bool = False) -> tuple[Relabel, ...]:
    """The metric_relabel step keeping the catalog: every series each metric exposes (a
    histogram's `_bucket`, `_sum`, `_count`), or with `names_only` the bare names (a summary's
    quantiles without its `_sum` and `_count`)."""
    if names_only:
        return (keep_metrics(metric.name for metric in metrics),)
    return (keep_metrics(series for metric in metrics for series in metric.series_names()),)


# PromQL, where a builder reads better than the string.

def rate(series: str, window: str) -> str:
    """`rate(<series>[<window>])`."""
    return f"rate({series}[{window}])"


def by(names: Iterable[str], expr: str, aggregation: str = "sum") -> str:
    """`sum by (a, b) (<expr>)`."""
    return f"{aggregation} by ({', '.join(names)}) ({expr})"


def without(names: Iterable[str], expr: str, aggregation: str = "sum") -> str:
    """`sum without (a, b) (<expr>)`: aggregate away what tells members apart, keep the rest."""
    return f"{aggregation} without ({', '.join(names)}) ({expr})"
