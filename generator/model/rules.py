"""Recording and alerting rules."""

from collections.abc import Mapping
from enum import StrEnum

from pydantic import Field, field_validator

from generator.model.base import Location, SpecModel
from generator.model.examples import Example, Records
from generator.model.types import Duration, LabelName, MetricName


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


class Recording(SpecModel):
    """A recording rule; `record` follows the level:metric:operations convention."""

    record: MetricName
    expr: str = Field(min_length=1)
    labels: dict[LabelName, str] = Field(default_factory=dict)
    examples: tuple[Example, ...] = Field(
        default=(), description="Scenarios with the value recorded (Records), run by promtool",
    )

    @field_validator("examples")
    @classmethod
    def _records_only(cls, examples: tuple[Example, ...]) -> tuple[Example, ...]:
        if any(not isinstance(example.expect, Records) for example in examples):
            raise ValueError("a recording rule's examples expect Records(...), not Fires/Silent")
        return examples


class Runbook(SpecModel):
    """What the on-call engineer reads when the alert fires; Markdown, rendered into the docs
    page section the alert's runbook_url points to."""

    meaning: str = Field(min_length=1, description="What the alert says is happening")
    impact: str = Field(min_length=1, description="What breaks, for whom, if it goes on")
    diagnosis: str = Field(min_length=1, description="How to confirm it and find the cause")
    mitigation: str = Field(min_length=1, description="What to do about it")


class Alert(SpecModel):
    """An alerting rule, with the annotations a person on call reads."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    expr: str = Field(min_length=1)
    for_: Duration = Field(alias="for")
    severity: Severity
    summary: str = Field(min_length=1, description="One static line: what is wrong")
    description: str = Field(
        min_length=1,
        description="Go template over $labels and $value: where, how much, why it matters",
    )
    runbook: Runbook | None = None
    runbook_url: str | None = None
    """Derived, never written in a spec: the project's `runbook_url` pattern filled in for this
    alert (its docs page and section anchor) when the project settings are laid over it."""
    labels: dict[LabelName, str] = Field(default_factory=dict)
    examples: tuple[Example, ...] = Field(
        default=(),
        description="Scenarios where it fires and where it stays silent, run by promtool "
                    "(KG304 wants at least one of each)",
    )

    @field_validator("examples")
    @classmethod
    def _fires_or_silent(cls, examples: tuple[Example, ...]) -> tuple[Example, ...]:
        if any(isinstance(example.expect, Records) for example in examples):
            raise ValueError("an alert's examples expect Fires(...) or Silent(...), not Records")
        return examples

    @field_validator("runbook_url")
    @classmethod
    def _derived(cls, url: str | None) -> None:
        if url is not None:
            raise ValueError("runbook_url is derived from kgen.yaml's `runbook_url` pattern and "
                             "the docs page; drop it from the spec")
        return None

    def label_line(self, key: str) -> Location | None:
        """The project config line that lays label `key` over (`with_label_lines`), or None
        (the spec writes it, at the alert's own line)."""
        lines: dict[str, Location | None] = (self.__pydantic_private__ or {}).get(
            "_label_lines", {})
        return lines.get(key)

    def with_label_lines(self, lines: Mapping[str, Location | None]) -> "Alert":
        """A copy that knows the project config line of each of these labels' values."""
        copy = self.model_copy()
        private = copy.__pydantic_private__
        assert private is not None  # SpecModel.model_post_init made it
        private["_label_lines"] = dict(lines)
        return copy

    @field_validator("labels")
    @classmethod
    def _severity_is_its_own_field(cls, labels: dict[str, str]) -> dict[str, str]:
        if "severity" in labels:
            raise ValueError("set severity with the `severity` field, not as a label")
        return labels
