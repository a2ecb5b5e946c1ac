"""Small validated value types shared by the spec models."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

# each matched whole (`fullmatch`: a `$` would also match before a final newline)
_DURATION = re.compile(r"(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_METRIC_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def _duration(value: str) -> str:
    if not value or not _DURATION.fullmatch(value):
        raise ValueError(f"{value!r} is not a Prometheus duration such as 30s, 5m or 1h30m")
    return value


def _label_name(value: str) -> str:
    # an ASCII identifier is a label name (a fifth of the regex's cost); the regex decides
    # the rest, so what it accepts is what is accepted
    if not (value.isascii() and value.isidentifier()) and not _LABEL_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid label name")
    return value


def _metric_name(value: str) -> str:
    # a metric name is a label name that may also hold colons (see _label_name)
    if not (value.isascii() and value.replace(":", "_").isidentifier()) \
            and not _METRIC_NAME.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid metric name")
    return value


def label_matchers(value: str) -> str:
    """The value, when it is label matchers joined by commas, as inside a selector's braces
    (`job="etcd", env=~"p.*"`)."""
    from generator import promql

    problem = promql.selector_problem(value)
    if problem is not None:
        raise ValueError(f"{value!r}: {problem}")
    return value


def duration_seconds(value: str) -> float:
    """Seconds in a Prometheus duration string (validated by `Duration`)."""
    units = {"y": 31536000.0, "w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|[ywdhms])", value):
        total += int(number) * (0.001 if unit == "ms" else units[unit])
    return total


@dataclass(frozen=True)
class _Checked:
    """A str that `check` validates after pydantic's own str validation: the core schema
    `AfterValidator(check)` makes (the same validation and errors), built without pydantic
    inspecting check's signature (does it take an info argument?) for every field of every
    model class that uses the type; each spec's Config is a new model class over its Duration
    knobs."""

    check: Callable[[str], str]

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))


Duration = Annotated[str, _Checked(_duration)]
LabelName = Annotated[str, _Checked(_label_name)]
MetricName = Annotated[str, _Checked(_metric_name)]
