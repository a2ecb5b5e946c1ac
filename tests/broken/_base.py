# ruff: noqa: E501
"""A tiny valid spec (module `demo`); each broken case patches one line of it. (`BaseModel` and
`Duration` are imported for the cases that use them.)"""

BASE = '''\
from pydantic import BaseModel

from generator.kit import SpecConfig, legend, panel
from generator.model import (
    TLS, Action, Alert, Dashboard, Flavor, Integration, Metric, MetricType, Panel, Query,
    Recording, Relabel, Row, ScrapeJob, Severity, Variable,
)
from generator.model.examples import counter, fires_when, gauge, hold, quantile, silent_on
from generator.model.types import Duration


class Config(SpecConfig):
    selector: str = 'job="demo"'


C, G = MetricType.COUNTER, MetricType.GAUGE
H, S = MetricType.HISTOGRAM, MetricType.SUMMARY
DESC = "Errors on {{ $labels.instance }}: {{ $value | humanize }}."
ERRORS = (fires_when("errors keep coming", (counter("demo_errors_total", 1, 20, code="500"),), 12), silent_on("no errors", (counter("demo_errors_total", 0, 20, code="500"),), 12))
QUEUE = (fires_when("200 items wait", (gauge("demo_queue_depth", 200, 20),), 12), silent_on("50 items wait", (gauge("demo_queue_depth", 50, 20),), 12))
SLOW = (fires_when("p99 is 2s", (quantile("demo_wait_seconds", "0.99", hold(2, 20)),), 12), silent_on("p99 is 0.5s", (quantile("demo_wait_seconds", "0.99", hold(0.5, 20)),), 12))


def integration(config: Config) -> Integration:
    m1 = Metric(name="demo_errors_total", type=C, unit="errors", help="h", labels=("code",))
    m2 = Metric(name="demo_queue_depth", type=G, unit="items", help="h")
    m3 = Metric(name="demo_latency_seconds", type=H, unit="seconds", help="h")
    m4 = Metric(name="demo_wait_seconds", type=S, unit="seconds", help="h")
    r1 = Recording(record="instance:demo_errors:rate5m", expr="rate(demo_errors_total[5m])")
    a1 = Alert(name="DemoErrors", expr="instance:demo_errors:rate5m > 0", for_="5m", severity=Severity.WARNING, summary="Demo errors.", description=DESC, examples=ERRORS)
    a2 = Alert(name="DemoQueueFull", expr="demo_queue_depth > 100", for_="5m", severity=Severity.WARNING, summary="Queue full.", description=DESC, examples=QUEUE)
    a3 = Alert(name="DemoSlow", expr='demo_wait_seconds{quantile="0.99"} > 1', for_="5m", severity=Severity.WARNING, summary="Slow.", description=DESC, examples=SLOW)
    keep = Relabel(action=Action.KEEP, source_labels=("__name__",), regex="demo_.*")
    step = Relabel(action=Action.REPLACE, source_labels=("__address__",), regex="(.+)", replacement="$1", target_label="addr")
    j1 = ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, relabel_configs=(step,), metric_relabel_configs=(keep,))
    p1 = Panel(title="Errors", description="d", unit="ops", queries=(Query(expr="sum by (code) (rate(demo_errors_total[5m]))"),))
    p2 = Panel(title="Latency", description="d", unit="s", queries=(Query(expr="histogram_quantile(0.9, sum by (le) (rate(demo_latency_seconds_bucket[5m])))"),))
    p3 = panel("Queue", "max by (instance) (demo_queue_depth)", unit="short", description="d", legend=legend("instance"))
    board = Dashboard(title="Demo", variables=(Variable(name="instance", label="instance", metric="demo_queue_depth"),), rows=(Row(title="All", panels=(p1, p2, p3)),))
    return Integration(
        name="demo", title="Demo", description="d", supported_version="1", selector='job="demo"',
        metrics=(m1, m2, m3, m4), recording_rules=(r1,), alerts=(a1, a2, a3),
        scrape_jobs=(j1,), dashboards=(board,),
    )
'''
