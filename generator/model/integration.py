"""The integration: its metric catalog and everything compiled from it."""

from enum import StrEnum

from pydantic import Field

from generator.model.base import SpecModel
from generator.model.dashboard import Dashboard
from generator.model.rules import Alert, Recording
from generator.model.scrape import ScrapeJob
from generator.model.types import LabelName, MetricName


class MetricType(StrEnum):
    COUNTER = "counter"
    GAUGE = "gauge"
    HISTOGRAM = "histogram"
    SUMMARY = "summary"


class Signal(StrEnum):
    """The golden signal a metric speaks to."""

    ERRORS = "errors"
    LATENCY = "latency"
    SATURATION = "saturation"
    TRAFFIC = "traffic"


class Metric(SpecModel):
    """One metric the integration's targets expose, as it appears on the `/metrics` page."""

    name: MetricName
    type: MetricType
    help: str = Field(min_length=1)
    unit: str = Field(
        min_length=1,
        description="What a sample counts: seconds, microseconds, bytes, messages, errors, ...",
    )
    labels: tuple[LabelName, ...] = ()
    signal: Signal | None = None

    def series_names(self) -> tuple[str, ...]:
        """The series names this metric exposes in the Prometheus text format."""
        if self.type is MetricType.HISTOGRAM:
            return (f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count")
        if self.type is MetricType.SUMMARY:
            return (self.name, f"{self.name}_sum", f"{self.name}_count")
        return (self.name,)


class Integration(SpecModel):
    """Everything kgen knows about monitoring one piece of software."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1, description="How people write the name: Calico, etcd")
    description: str = Field(min_length=1)
    supported_version: str = Field(min_length=1)
    setup: tuple[str, ...] = Field(
        default=(), description="Ordered Markdown steps that make the software expose its metrics "
                                "and the scrape jobs find it",
    )
    selector: str = Field(
        description="PromQL label matchers that scope every query, e.g. job=~\".*etcd.*\"",
    )
    metrics: tuple[Metric, ...] = Field(min_length=1)
    naming_exemption: str | None = Field(
        default=None, min_length=1,
        description="Why alert names keep another project's style (e.g. a mixin's lower-case "
                    "names); exempts them from rules/names' CamelCase prefix rule only",
    )
    external_labels: tuple[LabelName, ...] = Field(
        default=(),
        description="Labels every series carries that no scrape job adds: Prometheus "
                    "external_labels, or a cluster label set by the agent or the ruler",
    )
    recording_rules: tuple[Recording, ...] = ()
    alerts: tuple[Alert, ...] = ()
    scrape_jobs: tuple[ScrapeJob, ...] = ()
    dashboards: tuple[Dashboard, ...] = ()

    def metric(self, name: str) -> Metric | None:
        return next((m for m in self.metrics if m.name == name), None)

    def metric_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.metrics)
