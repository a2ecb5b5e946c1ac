"""Dashboards: rows of panels over PromQL queries, with template variables."""

from enum import StrEnum
from typing import Self

from pydantic import Field, FiniteFloat, model_validator

from generator.model.base import SpecModel
from generator.model.types import LabelName, MetricName


class PanelKind(StrEnum):
    TIMESERIES = "timeseries"
    STAT = "stat"
    GAUGE = "gauge"
    BARGAUGE = "bargauge"
    TABLE = "table"


class Query(SpecModel):
    """A panel query; range selectors inside rate-like calls become `$__rate_interval`."""

    expr: str = Field(min_length=1)
    legend: str = ""


class Threshold(SpecModel):
    """One step of a panel's thresholds: values from `value` up show in `color` (a Grafana
    color name or hex). The first step is the base and has no value. Values, like a panel's
    `min` and `max`, are finite: neither JSON nor jsonnet can write a NaN or an infinity."""

    color: str = Field(min_length=1)
    value: FiniteFloat | None = None


class Panel(SpecModel):
    """A panel. Stat panels say what their value means: `thresholds` are required (one base
    step for a value with no bad range), and `sparkline` draws the trend under the number."""

    kind: PanelKind = PanelKind.TIMESERIES
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    unit: str = Field(
        min_length=1, description="A Grafana unit id: s, ms, bytes, ops, short, percentunit, ..."
    )
    queries: tuple[Query, ...] = Field(min_length=1)
    width: int = Field(default=12, ge=1, le=24)
    height: int = Field(default=8, ge=1)
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None
    thresholds: tuple[Threshold, ...] = ()
    sparkline: bool = False

    @model_validator(mode="after")
    def _thresholds_are_steps(self) -> Self:
        if self.kind is PanelKind.STAT and not self.thresholds:
            raise ValueError("a stat panel needs thresholds: the colors its value takes")
        if self.thresholds:
            base, *steps = self.thresholds
            values = [step.value for step in steps if step.value is not None]
            if base.value is not None or len(values) != len(steps):
                raise ValueError("thresholds: only the first step (the base) has no value")
            if values != sorted(values):
                raise ValueError("thresholds: step values must ascend")
        return self


class Row(SpecModel):
    title: str = Field(min_length=1)
    panels: tuple[Panel, ...] = Field(min_length=1)


class Variable(SpecModel):
    """A query variable listing the values of `label` on `metric` (scoped like every query)."""

    name: LabelName
    label: LabelName
    metric: MetricName
    title: str | None = None
    multi: bool = True
    include_all: bool = True


class Dashboard(SpecModel):
    """A Grafana dashboard; its uid is `kgen-<integration>-<slug>`, stable across builds."""

    slug: str = Field(default="overview", pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    tags: tuple[str, ...] = ()
    variables: tuple[Variable, ...] = ()
    rows: tuple[Row, ...] = Field(min_length=1)
    refresh: str = "1m"
    time_from: str = "now-6h"
