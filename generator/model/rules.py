"""Recording and alerting rules."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, field_validator

from generator.model.base import SpecModel
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
    runbook_url: str = Field(min_length=1)
    labels: dict[LabelName, str] = Field(default_factory=dict)

    @field_validator("labels")
    @classmethod
    def _severity_is_its_own_field(cls, labels: dict[str, str]) -> dict[str, str]:
        if "severity" in labels:
            raise ValueError("set severity with the `severity` field, not as a label")
        return labels
