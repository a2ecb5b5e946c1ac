"""Small validated value types shared by the spec models."""

import inspect
import re
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator

_DURATION = re.compile(r"^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def _duration(value: str) -> str:
    if not value or not _DURATION.match(value):
        raise ValueError(f"{value!r} is not a Prometheus duration such as 30s, 5m or 1h30m")
    return value


def _label_name(value: str) -> str:
    if not _LABEL_NAME.match(value):
        raise ValueError(f"{value!r} is not a valid label name")
    return value


def _metric_name(value: str) -> str:
    if not _METRIC_NAME.match(value):
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


def _after(check: Callable[[str], str]) -> AfterValidator:
    """pydantic's AfterValidator over `check`, with check's signature worked out once.

    pydantic reads a validator's signature (does it take an info argument?) every time a model
    class uses the type, with `inspect.signature`, which returns a function's `__signature__`
    when it has one; each spec's Config is a new model class over its Duration knobs."""
    check.__signature__ = inspect.signature(check)  # type: ignore[attr-defined]
    return AfterValidator(check)


Duration = Annotated[str, _after(_duration)]
LabelName = Annotated[str, _after(_label_name)]
MetricName = Annotated[str, _after(_metric_name)]
