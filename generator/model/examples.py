"""Examples: an alert's behaviour, stated in its spec and run by promtool.

Design
------
An `Example` is one scenario: input series, one time, one expectation. It is written next to
its alert (`Alert.examples`, optionally `Recording.examples`) and built from the integration's
Config, so a threshold or `for` changed in kgen.yaml moves the example with it.

- Series are built with typed helpers: `counter` (rising at a rate), `gauge` and `jump`
  (holding, or jumping at a minute), `blip` (a value for a while, then back), `quantile`
  (one quantile of a summary), `histogram` (bucket series whose observations take a given
  latency), `target` (`up`, down or up), `elsewhere` (a series outside the integration's
  selector, for `absent()`). Each is a sequence of phases (`hold`, `rise`) at a one-minute
  step, rendered in promtool's `input_series` notation (`0+60x19`).
- Authors give only the labels that tell their series apart (`instance`, `To`, ...). The test
  file adds what the deployment's queries select on: a value for each matcher of the
  integration's selector, and the integration's external labels (the `cluster_label`), so the
  same example holds for every profile and selector.
- Expectations are label subsets: `Fires(at, labels)`, `Silent(at, labels)`, and for recording
  rules `Records(at, labels, value)`. promtool's `alert_rule_test` compares whole label sets,
  which would tie every example to the labels the expression keeps and to the routing labels
  a project adds (`alerts.labels: {team: x}`), different per profile. So the generated test
  never states full label sets: it asks promtool's `promql_expr_test` for
  `count(ALERTS{alertname, alertstate="firing", severity, <subset>})`, whose result has no
  labels; the subset is a selector and the count is compared exactly. Rejected: computing the
  full set (the author's subset plus the alert's labels plus whatever the expression keeps:
  the cluster label, `absent()`'s equality matchers... a second PromQL evaluator), and running
  promtool twice to copy the labels it got (slow, and it would bless whatever the rule does).
  The cost: annotations are not asserted by examples (KG302 and the suite check them).
- Times are whole minutes from the start of the scenario (`at=25` is promtool's `25m`).
"""

import math
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat

from generator.model.base import SpecModel
from generator.model.types import LabelName, MetricName, duration_seconds

STEP = "1m"
"""The scrape and evaluation interval of every example."""


_VALUE = ConfigDict(extra="forbid", frozen=True)
"""The config of the plain values below, set on each (a base class made only to hold it
costs every build about 0.2 ms to make)."""


class Hold(BaseModel):
    """The series stays at `value` for `minutes` samples."""

    model_config = _VALUE

    kind: Literal["hold"] = "hold"
    value: FiniteFloat
    minutes: int = Field(ge=1)


class Rise(BaseModel):
    """The series grows by `per_second` * 60 each minute, for `minutes` samples."""

    model_config = _VALUE

    kind: Literal["rise"] = "rise"
    per_second: FiniteFloat
    minutes: int = Field(ge=1)


Phase = Hold | Rise


class Series(BaseModel):
    """One input series: a metric, the labels that tell it apart, and its phases in order."""

    model_config = _VALUE

    metric: MetricName
    labels: dict[LabelName, str] = Field(default_factory=dict)
    phases: tuple[Phase, ...] = Field(min_length=1)
    scoped: bool = Field(
        default=True,
        description="Carries the labels the integration's selector matches; False for a "
                    "series of some other job (what absent() must not see)",
    )

    @property
    def minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases)

    def values(self) -> str:
        """promtool's expanding notation: `a+bxN` is N+1 samples a, a+b, ..., a+N*b."""
        parts: list[str] = []
        last: float | None = None
        for phase in self.phases:
            if isinstance(phase, Hold):
                parts.append(f"{number(phase.value)}x{phase.minutes - 1}")
                last = phase.value
                continue
            step = phase.per_second * 60
            first = 0.0 if last is None else last + step
            rate = f"+{number(step)}" if step else ""
            parts.append(f"{number(first)}{rate}x{phase.minutes - 1}")
            last = first + step * (phase.minutes - 1)
        return " ".join(parts)


class Fires(BaseModel):
    """At minute `at`, exactly `count` firing alerts of this rule carry every label in `labels`."""

    model_config = _VALUE

    kind: Literal["fires"] = "fires"
    at: int = Field(ge=0)
    labels: dict[LabelName, str] = Field(default_factory=dict)
    count: int = Field(default=1, ge=1)


class Silent(BaseModel):
    """At minute `at`, no firing alert of this rule carries every label in `labels`."""

    model_config = _VALUE

    kind: Literal["silent"] = "silent"
    at: int = Field(ge=0)
    labels: dict[LabelName, str] = Field(default_factory=dict)


class Records(BaseModel):
    """At minute `at`, the recorded series carrying `labels` sum to `value` (within 0.1%)."""

    model_config = _VALUE

    kind: Literal["records"] = "records"
    at: int = Field(ge=0)
    labels: dict[LabelName, str] = Field(default_factory=dict)
    value: FiniteFloat


Expectation = Fires | Silent | Records


class Example(SpecModel):
    """A scenario and what the rule does in it. `name` is a clause read after "fires when" or
    "silent when" (the docs page prints it so): "1 of 3 members is down", "one member restarts
    for 10 minutes"."""

    name: str = Field(min_length=1)
    series: tuple[Series, ...]
    expect: Expectation = Field(discriminator="kind")

    def words(self) -> str:
        """The example in one line, for the docs page."""
        expect = self.expect
        where = ", ".join(f"{k}={v}" for k, v in sorted(expect.labels.items()))
        where = f" ({where})" if where else ""
        if isinstance(expect, Fires):
            return f"fires when {self.name}: firing at {expect.at}m{where}"
        if isinstance(expect, Silent):
            return f"silent when {self.name}: nothing firing at {expect.at}m{where}"
        return f"records {number(expect.value)} when {self.name}, at {expect.at}m{where}"


def number(value: float) -> str:
    """A float as promtool reads it, the same bytes on every machine: `60`, `0.25`, `1e+06`."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def minutes(duration: str) -> int:
    """Whole minutes in a Prometheus duration, rounded up: `15m` -> 15, `90s` -> 2."""
    return math.ceil(duration_seconds(duration) / 60)


_Model = TypeVar("_Model", bound=BaseModel)


def _validator(model: type[_Model]) -> Callable[[dict[str, Any]], _Model]:
    """`model(**fields)` without `BaseModel.__init__`, a Python frame that only hands its
    keyword arguments to the model's pydantic validator as a dict: the same validation, the
    same errors, about a fifth less time for these small models (the specs build about 330
    per integration, twice with the mixin's stand-in build)."""
    return model.__pydantic_validator__.validate_python


_hold, _rise, _series = _validator(Hold), _validator(Rise), _validator(Series)
_fires, _silent, _records = _validator(Fires), _validator(Silent), _validator(Records)
_example = _validator(Example)


# Phases and series: the helpers specs build examples with.

def hold(value: float, for_minutes: int) -> Hold:
    return _hold({"value": value, "minutes": for_minutes})


def rise(per_second: float, for_minutes: int) -> Rise:
    return _rise({"per_second": per_second, "minutes": for_minutes})


def series(metric: str, *phases: Phase, **labels: str) -> Series:
    """A series from explicit phases: `series("x", hold(0, 10), rise(1, 30), instance="a")`."""
    return _series({"metric": metric, "labels": labels, "phases": phases})


def counter(metric: str, per_second: float, for_minutes: int, **labels: str) -> Series:
    """A counter from 0, rising at `per_second` all along."""
    return series(metric, rise(per_second, for_minutes), **labels)


def gauge(metric: str, value: float, for_minutes: int, **labels: str) -> Series:
    """A gauge holding `value` all along."""
    return series(metric, hold(value, for_minutes), **labels)


def jump(metric: str, before: float, after: float, at: int, for_minutes: int,
         **labels: str) -> Series:
    """A gauge at `before` until minute `at`, then at `after` (counters too: 0 -> 3 changes)."""
    return series(metric, hold(before, at), hold(after, for_minutes - at), **labels)


def blip(metric: str, normal: float, high: float, start: int, length: int, for_minutes: int,
         **labels: str) -> Series:
    """A gauge at `normal`, at `high` for `length` minutes from minute `start`, then normal."""
    return series(metric, hold(normal, start), hold(high, length),
                  hold(normal, for_minutes - start - length), **labels)


def quantile(metric: str, q: str, *phases: Phase, **labels: str) -> Series:
    """One quantile series of a summary, e.g. `quantile(m, "0.99", hold(2.0, 40))`."""
    return series(metric, *phases, quantile=q, **labels)


def histogram(metric: str, per_second: float, latencies: tuple[tuple[int, float], ...],
              **labels: str) -> tuple[Series, ...]:
    """The `_bucket` series of a histogram observing `per_second` events, each taking the
    latency of its phase: `((10, 0.01), (8, 2.0), (22, 0.01))` is 10 fast minutes, 8 slow
    ones, 22 fast ones. Each latency L gets buckets at L/2 and L, so a p99 over a phase of
    latency L reads about 0.995 L."""
    bounds = sorted({b for _, latency in latencies for b in (latency / 2, latency)})
    # each phase counting or still, built once (phases are immutable: the buckets share them)
    counting = [rise(per_second, length) for length, _ in latencies]
    still = [rise(0, length) for length, _ in latencies]
    buckets = []
    for le in [*map(number, bounds), "+Inf"]:
        phases = [counting[index] if le == "+Inf" or latency <= float(le) else still[index]
                  for index, (_, latency) in enumerate(latencies)]
        buckets.append(series(f"{metric}_bucket", *phases, le=le, **labels))
    return tuple(buckets)


def target(*phases: Phase, **labels: str) -> Series:
    """A scrape target's `up`: `target(hold(1, 5), hold(0, 10), hold(1, 25), instance="b1")`."""
    return series("up", *phases, **labels)


def elsewhere(metric: str, for_minutes: int, **labels: str) -> Series:
    """A series of some other job, outside the integration's selector (what absent() ignores)."""
    return _series({"metric": metric, "labels": {"job": "elsewhere", **labels},
                    "phases": (hold(1, for_minutes),), "scoped": False})


# Examples: one line per scenario in a spec.

def fires_when(name: str, series: tuple[Series, ...], at: int, count: int = 1,
               **labels: str) -> Example:
    """`count` alerts of the rule fire at minute `at`, carrying `labels` (a subset)."""
    expect = _fires({"at": at, "labels": labels, "count": count})
    return _example({"name": name, "series": series, "expect": expect})


def silent_on(name: str, series: tuple[Series, ...], at: int, **labels: str) -> Example:
    """No alert of the rule carrying `labels` (a subset) fires at minute `at`."""
    return _example({"name": name, "series": series,
                     "expect": _silent({"at": at, "labels": labels})})


def records(name: str, series: tuple[Series, ...], at: int, value: float,
            **labels: str) -> Example:
    """The recording rule's series carrying `labels` sum to `value` at minute `at`."""
    expect = _records({"at": at, "labels": labels, "value": value})
    return _example({"name": name, "series": series, "expect": expect})
