"""The live checks' part of the shared live Prometheus: pretend exporters and the temporary
projects `kgen check --prometheus` and `kgen cost` read.

`exact` exposes its temporary spec's catalog exactly (and Prometheus loads the rules kgen
generates for it), `drift` exposes the same kind of spec drifted in every way the online
checks look for, and `calico-node` / `calico-kube-controllers` expose the shipped Calico
catalog (its shipped selector matches these jobs and no other in the shared server).
"""

from __future__ import annotations

import shutil
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from generator.build import build
from generator.loader import load
from generator.model import Metric, MetricType
from tests.scrapejobs import Job
from tests.support import SPECS, closed_port

SPEC = '''\
from generator.kit import SpecConfig
from generator.model import (
    Alert, Dashboard, Flavor, Integration, Metric, MetricType, Panel, Query, Recording, Row,
    Runbook, ScrapeJob, Severity, Variable,
)


class Config(SpecConfig):
    selector: str = ""


RUNBOOK = Runbook(meaning="m.", impact="i.", diagnosis="d.", mitigation="m.")
METRICS = (
    Metric(name="shop_orders_total", type=MetricType.COUNTER, unit="orders", help="Orders.",
           labels=("status",)),
    Metric(name="shop_queue_depth", type=MetricType.GAUGE, unit="items", help="Queued items.",
           labels=("queue",)),
    Metric(name="shop_request_seconds", type=MetricType.HISTOGRAM, unit="seconds",
           help="Request time."),
    Metric(name="shop_wait_seconds", type=MetricType.SUMMARY, unit="seconds", help="Wait time."),
)


def _alert(name: str, expr: str, description: str) -> Alert:
    return Alert(name=name, expr=expr, for_="5m", severity=Severity.WARNING,
                 summary="Something is wrong.", description=description, runbook=RUNBOOK,
                 suppress={"KG304": "a spec for the online checks: a live Prometheus runs it"})


def _panel(title: str, expr: str) -> Panel:
    return Panel(title=title, description="d", unit="short", queries=(Query(expr=expr),))


def integration(config: Config) -> Integration:
    return Integration(
        name="shop", title="Shop", description="A pretend shop.", supported_version="1",
        selector='job="shop"',
        metrics=METRICS,
        recording_rules=(
            Recording(record="job:shop_orders:rate1m",
                      expr="sum by (job) (rate(shop_orders_total[1m]))"),
            Recording(record="job:shop_waits:rate1m",
                      expr="sum by (job) (rate(shop_wait_seconds_count[1m]))"),
        ),
        alerts=(
            _alert("ShopQueueFull", "shop_queue_depth > 100",
                   "Queue {{ $labels.queue }} on {{ $labels.instance }} holds {{ $value }}."),
            _alert("ShopOrderFlood", "job:shop_orders:rate1m > 1000",
                   "{{ $labels.job }} takes {{ $value }} orders a second."),
            _alert("ShopSlowWaits", 'shop_wait_seconds{quantile="0.99"} > 1',
                   "p99 wait on {{ $labels.instance }} is {{ $value }}s."),
        ),
        scrape_jobs=(
            ScrapeJob(job_name="shop", flavor=Flavor.PROMETHEUS),
            ScrapeJob(job_name="shop-sidecar", flavor=Flavor.PROMETHEUS),
        ),
        dashboards=(Dashboard(
            title="Shop",
            variables=(Variable(name="instance", label="instance", metric="shop_queue_depth"),),
            rows=(Row(title="All", panels=(
                _panel("Orders", "sum by (status) (rate(shop_orders_total[5m]))"),
                _panel("Main queue", 'shop_queue_depth{queue="main"}'),
                _panel("Latency", "histogram_quantile(0.9, sum by (le) "
                                  "(rate(shop_request_seconds_bucket[5m])))"),
                _panel("Mean", "sum(rate(shop_request_seconds_sum[5m])) / "
                               "sum(rate(shop_request_seconds_count[5m]))"),
            )),),
        ),),
    )
'''

EXACT = """\
# TYPE exact_orders_total counter
exact_orders_total{status="ok"} 10
exact_orders_total{status="failed"} 1
# TYPE exact_queue_depth gauge
exact_queue_depth{queue="main"} 5
exact_queue_depth{queue="spare"} 0
# TYPE exact_request_seconds histogram
exact_request_seconds_bucket{le="0.1"} 3
exact_request_seconds_bucket{le="1"} 4
exact_request_seconds_bucket{le="+Inf"} 4
exact_request_seconds_sum 0.9
exact_request_seconds_count 4
# TYPE exact_wait_seconds summary
exact_wait_seconds{quantile="0.5"} 0.1
exact_wait_seconds{quantile="0.99"} 0.2
exact_wait_seconds_sum 3
exact_wait_seconds_count 20
"""

DRIFT_SHARDS = 50
DRIFT = """\
# A counter exposed as a gauge.
# TYPE drift_orders_total gauge
drift_orders_total{status="ok"} 10
# The queue label is gone, and the queue is full.
# TYPE drift_queue_depth gauge
drift_queue_depth 500
# TYPE drift_request_seconds histogram
drift_request_seconds_bucket{le="1"} 4
drift_request_seconds_bucket{le="+Inf"} 4
drift_request_seconds_sum 0.9
drift_request_seconds_count 4
# drift_wait_seconds, renamed.
# TYPE drift_wait_time_seconds summary
drift_wait_time_seconds{quantile="0.99"} 0.2
drift_wait_time_seconds_sum 3
drift_wait_time_seconds_count 20
# Not in the catalog, and many series of it.
# TYPE drift_cache_entries gauge
""" + "".join(f'drift_cache_entries{{shard="{n}"}} {n}\n' for n in range(DRIFT_SHARDS))


def _exposition(metrics: tuple[Metric, ...], values: dict[str, float] | None = None) -> str:
    """A /metrics page with one series of every catalog metric, each label valued `x`, valued 7
    unless `values` says otherwise."""
    lines = []
    for m in metrics:
        labels = ",".join(f'{name}="x"' for name in m.labels)
        lines.append(f"# TYPE {m.name} {m.type.value}")
        if m.type is MetricType.SUMMARY:
            lines += [f'{m.name}{{quantile="{q}"}} 0.01' for q in ("0.5", "0.99")]
            lines += [f"{m.name}_sum 1.5", f"{m.name}_count 150"]
        else:
            lines.append(f"{m.name}{{{labels}}} {(values or {}).get(m.name, 7):g}")
    return "\n".join(lines) + "\n"


def serve(handler: type[BaseHTTPRequestHandler],
          tls: ssl.SSLContext | None = None) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _exporter(body: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return serve(Handler)


def address(server: ThreadingHTTPServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


RUNBOOKS = 'runbook_url: "https://runbooks.example/{integration}#{anchor}"\n'
"""Each temporary project's kgen.yaml: a runbook link pattern, so `--strict` has no warning."""


def project(root: Path, name: str, text: str) -> Path:
    """A temporary specs directory holding `text` as integration `name`, with its kgen.yaml
    beside it."""
    specs = root / name / "specs"
    specs.mkdir(parents=True)
    (specs / f"{name}.py").write_text(text.replace("shop", name)
                                      .replace("Shop", name.capitalize()), encoding="utf-8")
    (root / name / "kgen.yaml").write_text(RUNBOOKS, encoding="utf-8")
    return specs


@dataclass(frozen=True)
class Exporters:
    """The live checks' scrape jobs and rules, and the projects that describe them."""

    exact: Path
    drift: Path
    calico: Path
    """The Calico project's kgen.yaml."""
    drift_instance: str
    jobs: list[Job]
    rules: Path


@contextmanager
def exporters(root: Path) -> Iterator[Exporters]:
    """The exporters, serving while the block runs, with their projects under `root`."""
    exact, drift = project(root, "exact", SPEC), project(root, "drift", SPEC)
    calico_specs = root / "calico" / "specs"
    calico_specs.mkdir(parents=True)
    shutil.copy(SPECS / "calico.py", calico_specs / "calico.py")
    (calico_spec,) = load(calico_specs)
    felix = tuple(m for m in calico_spec.integration.metrics if m.name.startswith("felix_"))
    controllers = tuple(m for m in calico_spec.integration.metrics if m not in felix)
    rules = root / "exact-rules.yaml"
    rules.write_bytes(build(exact, ["prometheus-rules"])["prometheus/rules/exact.yaml"])
    servers = {name: _exporter(body) for name, body in (
        ("exact", EXACT), ("drift", DRIFT), ("empty", ""),
        ("calico", _exposition(felix)),
        ("calico-controllers", _exposition(controllers, {"ipam_ippool_size": 256})))}
    # Calico tells Felix from the kube-controllers by the port in `instance`: the exporters'.
    calico = root / "calico" / "kgen.yaml"
    calico.write_text(yaml.safe_dump({
        "runbook_url": "https://runbooks.example/{integration}#{anchor}",
        "integrations": {"calico": {"config": {
            "node_port": servers["calico"].server_address[1],
            "controllers_port": servers["calico-controllers"].server_address[1]}}},
    }), encoding="utf-8")
    with closed_port() as closed:  # the sidecar Prometheus finds down
        targets = [
            ("exact", address(servers["exact"]), {}),
            ("exact-sidecar", address(servers["empty"]), {}),
            ("drift", address(servers["drift"]), {}),
            ("drift-sidecar", f"127.0.0.1:{closed}", {}),
            ("calico-node", address(servers["calico"]),
             {"namespace": "calico-system", "pod": "calico-node-a", "node": "node-a"}),
            ("calico-kube-controllers", address(servers["calico-controllers"]), {}),
        ]
        jobs = [{"job_name": job, "static_configs": [{"targets": [target], "labels": labels}]}
                for job, target, labels in targets]
        try:
            yield Exporters(exact, drift, calico, address(servers["drift"]), jobs, rules)
        finally:
            for running in servers.values():
                running.shutdown()
                running.server_close()
