"""What the unit tests of the checks share: the tiny demo integration of tests/broken/_base.py,
built here in Python, and the few helpers that run one check over it.

A test builds the item it breaks in its own body, so a finding about that item points at the
test's line (`at(item)`); the demo's items point at this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator import checks
from generator.findings import Finding, Level
from generator.kit import SpecConfig, legend, panel
from generator.loader import Spec
from generator.model import (
    Action,
    Alert,
    Dashboard,
    Flavor,
    Integration,
    Metric,
    MetricType,
    Panel,
    Query,
    Recording,
    Relabel,
    Row,
    Runbook,
    ScrapeJob,
    Severity,
    SpecModel,
    Variable,
)
from generator.model.base import display_path
from generator.model.examples import counter, fires_when, gauge, hold, quantile, silent_on
from generator.scoping import Scoped

C, G = MetricType.COUNTER, MetricType.GAUGE
H, S = MetricType.HISTOGRAM, MetricType.SUMMARY
DESC = "Errors on {{ $labels.instance }}: {{ $value | humanize }}."

ERRORS = (fires_when("errors keep coming", (counter("demo_errors_total", 1, 20, code="500"),), 12),
          silent_on("no errors", (counter("demo_errors_total", 0, 20, code="500"),), 12))
QUEUE = (fires_when("200 items wait", (gauge("demo_queue_depth", 200, 20),), 12),
         silent_on("50 items wait", (gauge("demo_queue_depth", 50, 20),), 12))
SLOW = (fires_when("p99 is 2s", (quantile("demo_wait_seconds", "0.99", hold(2, 20)),), 12),
        silent_on("p99 is 0.5s", (quantile("demo_wait_seconds", "0.99", hold(0.5, 20)),), 12))

ERRORS_TOTAL = Metric(name="demo_errors_total", type=C, unit="errors", help="h", labels=("code",))
QUEUE_DEPTH = Metric(name="demo_queue_depth", type=G, unit="items", help="h")
LATENCY = Metric(name="demo_latency_seconds", type=H, unit="seconds", help="h")
WAIT = Metric(name="demo_wait_seconds", type=S, unit="seconds", help="h")
METRICS = (ERRORS_TOTAL, QUEUE_DEPTH, LATENCY, WAIT)

ERROR_RATE = Recording(record="instance:demo_errors:rate5m", expr="rate(demo_errors_total[5m])")
RUNBOOK = Runbook(meaning="m", impact="i", diagnosis="d", mitigation="m")


ALERTS = (
    Alert(name="DemoErrors", expr="instance:demo_errors:rate5m > 0", for_="5m",
          severity=Severity.WARNING, summary="Demo errors.", description=DESC, examples=ERRORS),
    Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m",
          severity=Severity.WARNING, summary="Queue full.", description=DESC, examples=QUEUE),
    Alert(name="DemoSlow", expr='demo_wait_seconds{quantile="0.99"} > 1', for_="5m",
          severity=Severity.WARNING, summary="Slow.", description=DESC, examples=SLOW),
)

KEEP = Relabel(action=Action.KEEP, source_labels=("__name__",), regex="demo_.*")
ADDR = Relabel(action=Action.REPLACE, source_labels=("__address__",), regex="(.+)",
               replacement="$1", target_label="addr")
JOB = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, relabel_configs=(ADDR,),
                metric_relabel_configs=(KEEP,))

PANELS = (
    Panel(title="Errors", description="d", unit="ops",
          queries=(Query(expr="sum by (code) (rate(demo_errors_total[5m]))"),)),
    Panel(title="Latency", description="d", unit="s", queries=(Query(
        expr="histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[5m])))"),)),
    panel("Queue", "max by (instance) (demo_queue_depth)", unit="short", description="d",
          legend=legend("instance")),
)
INSTANCE = Variable(name="instance", label="instance", metric="demo_queue_depth")


def board(*panels: Panel, **fields: Any) -> Dashboard:
    """The demo dashboard, with `panels` after its own."""
    return Dashboard(**{"title": "Demo", "variables": (INSTANCE,),
                        "rows": (Row(title="All", panels=(*PANELS, *panels)),), **fields})


BOARD = board()


def demo(**changes: Any) -> Integration:
    """The demo integration; each of `changes` replaces a whole field (`alerts=(...)`)."""
    fields: dict[str, Any] = {
        "name": "demo", "title": "Demo", "description": "d", "supported_version": "1",
        "selector": 'job="demo"', "metrics": METRICS, "recording_rules": (ERROR_RATE,),
        "alerts": ALERTS, "scrape_jobs": (JOB,), "dashboards": (BOARD,),
    }
    return Integration(**{**fields, **changes})


def spec(integration: Integration) -> Spec:
    """The integration as the loader hands it to the checks."""
    return Spec(name=integration.name, path=Path(f"specs/{integration.name}.py"),
                source=f"specs/{integration.name}.py",
                config=SpecConfig.model_construct(selector=integration.selector),
                integration=integration, build=lambda _: integration)


def found(check: checks.SpecCheck, *integrations: Integration) -> list[Finding]:
    """What one spec check says of the integrations, in its own order."""
    return check.check([spec(integration) for integration in integrations])


def found_for_target(check: checks.TargetCheck, *integrations: Integration) -> list[Finding]:
    """What one target check says of the integrations, scoped as the render stage sees them."""
    return check.check([Scoped.of(spec(integration)) for integration in integrations])


def reported(code: str, *integrations: Integration, targets: tuple[str, ...] = ()) -> list[Finding]:
    """The findings of `code` that `kgen check` keeps: every check run, suppressions applied."""
    specs = [spec(integration) for integration in integrations]
    scoped = [Scoped.of(s) for s in specs] if targets else []
    done = checks.run(specs, scoped, targets)
    return [finding for finding in done if finding.code == code]


def at(item: SpecModel) -> tuple[str, int]:
    """(path, line) a finding about `item` names: where the item was built."""
    assert item.location is not None
    return display_path(item.location.path), item.location.line


def where(finding: Finding) -> tuple[str, int]:
    return finding.path, finding.line


def errors(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.level is Level.ERROR]
