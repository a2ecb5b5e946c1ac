"""`kgen check --prometheus` and `kgen cost` against a real Prometheus on 127.0.0.1.

One Prometheus (1s scrapes and rule evaluation) scrapes pretend exporters this module serves:
`exact` exposes its temporary spec's catalog exactly (and Prometheus loads the rules kgen
generates for it), `drift` exposes the same kind of spec drifted in every way the online
checks look for, and `calico-node` exposes the shipped Calico catalog. A recording proxy in
front of Prometheus shows what reaches the server (credentials, tenant header).
"""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from click.testing import CliRunner, Result

from generator.build import build
from generator.cli import main
from generator.live import cost, online
from generator.live.observe import Observed
from generator.loader import load
from generator.model import Metric, MetricType
from tests.conftest import SPECS
from tests.support import free_port, prometheus, wait_for

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


def _serve(handler: type[BaseHTTPRequestHandler],
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

    return _serve(Handler)


def _address(server: ThreadingHTTPServer) -> str:
    return f"127.0.0.1:{server.server_address[1]}"


def _config(specs: Path) -> str:
    """The kgen.yaml of the temporary project whose specs directory is `specs`."""
    return str(specs.parent / "kgen.yaml")


RUNBOOKS = 'runbook_url: "https://runbooks.example/{integration}#{anchor}"\n'
"""Each temporary project's kgen.yaml: a runbook link pattern, so `--strict` has no warning."""


def _project(root: Path, name: str, text: str) -> Path:
    """A temporary specs directory holding `text` as integration `name`, with its kgen.yaml
    beside it."""
    specs = root / name / "specs"
    specs.mkdir(parents=True)
    (specs / f"{name}.py").write_text(text.replace("shop", name)
                                      .replace("Shop", name.capitalize()), encoding="utf-8")
    (root / name / "kgen.yaml").write_text(RUNBOOKS, encoding="utf-8")
    return specs


@dataclass(frozen=True)
class Live:
    url: str
    exact: Path
    drift: Path
    calico: Path
    drift_instance: str
    proxy: str
    requests: list[dict[str, str]]
    """Headers of every request that reached the proxy."""

    def vector(self, query: str) -> list[dict[str, Any]]:
        response = httpx.post(f"{self.url}/api/v1/query", data={"query": query}, timeout=5)
        payload = response.json()
        assert payload["status"] == "success", payload
        result: list[dict[str, Any]] = payload["data"]["result"]
        return result

    def count(self, query: str) -> int:
        """Prometheus' own answer to `count(query)` (0 for its empty answer)."""
        return sum(int(sample["value"][1]) for sample in self.vector(f"count({query})"))


TENANT = "team-a"
TOKEN = "s3cret-token"
BASIC = ("kgen", "pa:ss")


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _proxy(upstream: str, seen: list[dict[str, str]],
           tls: ssl.SSLContext | None = None) -> ThreadingHTTPServer:
    """Forwards every request to `upstream` as Mimir's gateway would: only with a tenant header
    and a bearer token or basic auth it accepts (else 401); records every request's headers."""
    accepted = {f"Bearer {TOKEN}", _basic(*BASIC)}

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            seen.append({k.lower(): v for k, v in self.headers.items()})
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Authorization") not in accepted or \
                    self.headers.get("X-Scope-OrgID") != TENANT:
                self.send_response(401)
                self.end_headers()
                self.wfile.write(b"no org id or credentials\n")
                return
            headers = {"Content-Type": self.headers.get("Content-Type", "")}
            answer = httpx.request(self.command, upstream + self.path, content=body,
                                   headers=headers, timeout=10)
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.content)

        do_GET = do_POST = _forward

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return _serve(Handler, tls)


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("live")
    exact, drift = _project(root, "exact", SPEC), _project(root, "drift", SPEC)
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
    closed = free_port()
    jobs = [
        ("exact", _address(servers["exact"]), {}),
        ("exact-sidecar", _address(servers["empty"]), {}),
        ("drift", _address(servers["drift"]), {}),
        ("drift-sidecar", f"127.0.0.1:{closed}", {}),
        ("calico-node", _address(servers["calico"]),
         {"namespace": "calico-system", "pod": "calico-node-a", "node": "node-a"}),
        ("calico-kube-controllers", _address(servers["calico-controllers"]), {}),
    ]
    config = root / "prometheus.yml"
    config.write_text(yaml.safe_dump({
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules)],
        "scrape_configs": [{"job_name": job, "static_configs": [{"targets": [target],
                                                                 "labels": labels}]}
                           for job, target, labels in jobs],
    }), encoding="utf-8")
    requests: list[dict[str, str]] = []
    with prometheus(config, root) as (url, log):
        proxy = _proxy(url, requests)
        try:
            live = Live(url, exact, drift, calico, _address(servers["drift"]),
                        f"http://{_address(proxy)}", requests)

            def scraped() -> bool:
                targets = httpx.get(f"{live.url}/api/v1/targets", timeout=5).json()["data"]
                health = [t["health"] for t in targets["activeTargets"]]
                return len(health) == len(jobs) and "unknown" not in health

            wait_for("every target to be scraped", scraped, log)
            wait_for("the exact rules' recorded series and a rate over the drifted counter",
                     lambda: live.count("job:exact_orders:rate1m") == 1
                     and live.count("job:exact_waits:rate1m") == 1
                     and live.count("rate(drift_orders_total[1m])") == 1, log)
            yield live
        finally:
            for running in (*servers.values(), proxy):
                running.shutdown()
                running.server_close()


def _kgen(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _findings(result: Result) -> list[dict[str, Any]]:
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def test_exact_exporter_has_no_findings(live: Live) -> None:
    result = _kgen("check", "--config", _config(live.exact), "--prometheus", live.url, "--strict",
                   "--format", "json")
    assert result.exit_code == 0, result.output
    assert _findings(result) == []



def test_shipped_calico_catalog_exposed_exactly_has_no_findings(live: Live) -> None:
    result = _kgen("check", "--config", str(live.calico), "--prometheus", live.url, "--strict",
                   "--format", "json")
    assert result.exit_code == 0, result.output
    assert _findings(result) == []


def _line(spec: Path, marker: str) -> int:
    lines = spec.read_text(encoding="utf-8").splitlines()
    (number,) = [n for n, line in enumerate(lines, 1) if marker in line]
    return number


def test_drifted_exporter_findings(live: Live) -> None:
    result = _kgen("check", "--config", _config(live.drift), "--prometheus", live.url,
                   "--format", "json")
    assert result.exit_code == 1, result.output
    path = str(live.drift / "drift.py")

    def at(marker: str, level: str, code: str, metric: str | None, message: str) -> Any:
        return {"path": path, "line": _line(live.drift / "drift.py", marker), "level": level,
                "code": code, "metric": metric, "message": message}

    assert _findings(result) == [
        at('name="drift_orders_total"', "error", "KG602", "drift_orders_total",
           "metric drift_orders_total is a counter in the catalog, but its targets declare it a "
           "gauge; read by recording rule job:drift_orders:rate1m"),
        at('name="drift_wait_seconds"', "error", "KG601", "drift_wait_seconds",
           'metric drift_wait_seconds has no series under job="drift", which matches job drift '
           "(did you mean drift_wait_time_seconds?); read by alert DriftSlowWaits and 1 more"),
        at('Recording(record="job:drift_orders:rate1m"', "error", "KG605",
           "job:drift_orders:rate1m",
           "recorded series job:drift_orders:rate1m does not exist: its expression returns 1 "
           "series now, so the rule is not loaded where this API reads; read by alert "
           "DriftOrderFlood"),
        at('Recording(record="job:drift_waits:rate1m"', "warning", "KG605",
           "job:drift_waits:rate1m",
           "recorded series job:drift_waits:rate1m does not exist: its expression returns "
           "nothing now either: its inputs are missing, or it keeps nothing at the moment; "
           "nothing reads it"),
        at('_alert("DriftQueueFull"', "error", "KG603", "drift_queue_depth",
           "alert DriftQueueFull uses label 'queue', which no live series of drift_queue_depth "
           "carries (they carry instance, job)"),
        at('_alert("DriftQueueFull"', "info", "KG606", None,
           "alert DriftQueueFull is active now: its expression returns 1 series "
           f"({{instance='{live.drift_instance}', job='drift'}}), so it is pending, and fires "
           "once that has held for 5m"),
        at('ScrapeJob(job_name="drift-sidecar"', "error", "KG604", None,
           "scrape job drift-sidecar: none of its 1 target(s) is up"),
        at("_panel(\"Main queue\"", "error", "KG603", "drift_queue_depth",
           "panel 'Main queue' matches queue=\"main\" on drift_queue_depth, but no live series of "
           "drift_queue_depth carries 'queue' (they carry instance, job)"),
    ]


def test_info_never_fails_even_strict(live: Live) -> None:
    """The exact exporter with a full queue: its alert is active, which is information."""
    full = live.exact.parent.parent / "full" / "specs"
    full.mkdir(parents=True)
    text = (live.exact / "exact.py").read_text(encoding="utf-8")
    (full / "exact.py").write_text(text.replace("exact_queue_depth > 100",
                                                "exact_queue_depth > 1"), encoding="utf-8")
    (full.parent / "kgen.yaml").write_text(RUNBOOKS, encoding="utf-8")
    result = _kgen("check", "--config", _config(full), "--prometheus", live.url, "--strict",
                   "--format", "json")
    assert result.exit_code == 0, result.output
    assert [(f["level"], f["code"]) for f in _findings(result)] == [("info", "KG606")]
    assert "1 finding(s), none failing" in result.stderr


def test_cost_counts_are_prometheus_own(live: Live) -> None:
    result = _kgen("cost", "--config", _config(live.drift), "--prometheus", live.url,
                   "--format", "json")
    assert result.exit_code == 0, result.output
    (bill,) = json.loads(result.stdout)["integrations"]
    rows = {row["metric"]: row for row in bill["metrics"]}
    series = {
        "drift_cache_entries": "drift_cache_entries",
        "drift_request_seconds": "drift_request_seconds_(bucket|sum|count)",
        "drift_wait_time_seconds": "drift_wait_time_seconds(_sum|_count)?",
        "drift_orders_total": "drift_orders_total",
        "drift_queue_depth": "drift_queue_depth",
    }
    assert list(rows) == list(series)
    for metric, names in series.items():
        expected = live.count(f'{{__name__=~"{names}", job=~"drift|drift-sidecar"}}')
        assert rows[metric]["series"] == expected, metric
    assert rows["drift_cache_entries"]["series"] == DRIFT_SHARDS
    assert [(r["in_catalog"], r["read"]) for r in bill["metrics"]] == [
        (False, False), (True, True), (False, False), (True, True), (True, True)]
    unread = rows["drift_cache_entries"]["series"] + rows["drift_wait_time_seconds"]["series"]
    assert [r["droppable_series"] for r in bill["metrics"]] == [
        DRIFT_SHARDS, 0, rows["drift_wait_time_seconds"]["series"], 0, 0]
    assert bill["droppable_series"] == unread
    assert bill["series"] == sum(r["series"] for r in bill["metrics"])
    assert (bill["integration"], bill["selector"], bill["jobs"]) == (
        "drift", 'job="drift"', ["drift", "drift-sidecar"])


def test_cost_text_is_a_table_largest_first(live: Live) -> None:
    result = _kgen("cost", "--config", str(live.calico), "--prometheus", live.url)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    total = live.count('{__name__=~"(felix|ipam)_.+", job=~"calico-node|calico-kube-controllers"}')
    assert lines[0].startswith(f"calico: {total} series under ")
    assert lines[0].endswith("a keep-list of what is read saves 0")
    assert lines[1].split() == ["SERIES", "READ", "CATALOG", "METRIC"]
    counts = [int(line.split()[0]) for line in lines[2:]]
    metrics = load(live.calico.parent / "specs")[0].integration.metrics
    assert counts == sorted(counts, reverse=True) and len(counts) == len(metrics)
    summary = live.count('{__name__=~"felix_exec_time_micros.*", job="calico-node"}')
    assert f"  {summary:>6}  yes   yes      felix_exec_time_micros" in lines


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("credentials", ["bearer", "basic"])
def test_credentials_and_tenant_reach_the_server(live: Live, tmp_path: Path,
                                                 credentials: str) -> None:
    live.requests.clear()
    if credentials == "bearer":
        auth = ["--bearer-token-file", _secret(tmp_path, "token", TOKEN)]
        expected = f"Bearer {TOKEN}"
    else:
        auth = ["--basic-auth-file", _secret(tmp_path, "basic", ":".join(BASIC))]
        expected = _basic(*BASIC)
    result = _kgen("check", "--config", _config(live.exact), "--prometheus", live.proxy, *auth,
                   "--header", f"X-Scope-OrgID: {TENANT}", "--strict", "--format", "json")
    assert result.exit_code == 0, result.output
    assert _findings(result) == []
    assert len(live.requests) > 5
    assert {(r["authorization"], r["x-scope-orgid"]) for r in live.requests} == {
        (expected, TENANT)}


def test_refused_credentials_are_one_line(live: Live, tmp_path: Path) -> None:
    token = _secret(tmp_path, "token", "wrong")
    result = _kgen("check", "--config", _config(live.exact), "--prometheus", live.proxy,
                   "--bearer-token-file", token, "--header", f"X-Scope-OrgID: {TENANT}")
    assert result.exit_code == 1
    assert result.stderr == (f"error: {live.proxy}/api/v1/metadata: HTTP 401 Unauthorized "
                             "(check the credentials)\n")


@pytest.mark.parametrize("header", ["Authorization: Bearer x", "X-Scope-OrgID", "Cookie: a=b"])
def test_inline_credentials_and_malformed_headers_are_usage_errors(live: Live,
                                                                   header: str) -> None:
    result = _kgen("check", "--config", _config(live.exact), "--prometheus", live.proxy,
                   "--header", header)
    assert result.exit_code == 2
    assert "--header" in result.stderr


def test_unreachable_server_is_one_line_without_traceback(live: Live) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    kgen = str(Path(sys.executable).parent / "kgen")
    done = subprocess.run([kgen, "check", "--config", _config(live.exact), "--prometheus", url],
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (f"error: cannot reach {url}/api/v1/metadata: "
                           "[Errno 111] Connection refused\n")
    result = _kgen("cost", "--config", _config(live.exact), "--prometheus", url)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == done.stderr


def test_silent_server_times_out_in_one_line(live: Live) -> None:
    release = threading.Event()

    class Silent(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            release.wait(10)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = _serve(Silent)
    try:
        url = f"http://{_address(server)}"
        started = time.monotonic()
        result = _kgen("cost", "--config", _config(live.exact), "--prometheus", url,
                       "--timeout", "0.5")
        assert time.monotonic() - started < 5
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert result.stderr == f"error: {url}/api/v1/metadata: no answer within 0.5s\n"


def test_tls_server_is_verified_with_the_ca_file(live: Live, tmp_path: Path) -> None:
    cert, key = tmp_path / "server.crt", tmp_path / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _proxy(live.url, [], context)
    url = f"https://{_address(server)}"
    access = ["--bearer-token-file", _secret(tmp_path, "token", TOKEN),
              "--header", f"X-Scope-OrgID: {TENANT}"]
    try:
        trusted = _kgen("cost", "--config", _config(live.exact), "--prometheus", url, *access,
                        "--ca-file", str(cert))
        untrusted = _kgen("cost", "--config", _config(live.exact), "--prometheus", url, *access)
    finally:
        server.shutdown()
        server.server_close()
    assert trusted.exit_code == 0, trusted.output
    assert untrusted.exit_code == 1
    assert untrusted.stderr.startswith(f"error: cannot reach {url}/api/v1/metadata: ")
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert untrusted.stderr.count("\n") == 1


def test_selector_matching_nothing_is_one_finding(live: Live) -> None:
    gone = live.exact.parent.parent / "gone" / "specs"
    gone.mkdir(parents=True)
    text = (live.exact / "exact.py").read_text(encoding="utf-8")
    (gone / "exact.py").write_text(text.replace("selector='job=\"exact\"'",
                                                "selector='job=\"gone\"'"), encoding="utf-8")
    (gone.parent / "kgen.yaml").write_text(RUNBOOKS, encoding="utf-8")
    result = _kgen("check", "--config", _config(gone), "--prometheus", live.url,
                   "--format", "json")
    assert result.exit_code == 1, result.output
    assert _findings(result) == [{
        "path": str(gone / "exact.py"), "line": _line(gone / "exact.py", "return Integration("),
        "level": "error", "code": "KG601", "metric": None,
        "message": 'no series at all match the selector job="gone": no target is scraped '
                   "under it"}]


def test_offline_findings_name_their_metric_in_json(tmp_path: Path) -> None:
    specs = _project(tmp_path, "idle", SPEC.replace(
        '    Metric(name="shop_wait_seconds"',
        '    Metric(name="shop_idle", type=MetricType.GAUGE, unit="x", help="Unread."),\n'
        '    Metric(name="shop_wait_seconds"'))
    result = _kgen("check", "--config", _config(specs), "--format", "json")
    assert result.exit_code == 0, result.output
    assert [(f["code"], f["metric"]) for f in _findings(result)] == [("KG202", "idle_idle")]


def test_readme_documents_every_online_check() -> None:
    readme = (SPECS.parent / "README.md").read_text(encoding="utf-8")
    for code, name, _ in online.CHECKS:
        assert f"| {code} | {name} | (`--prometheus`" in readme, code


def test_connection_options_need_prometheus(tmp_path: Path) -> None:
    result = _kgen("check", "--specs", str(tmp_path), "--header", "X-Scope-OrgID: a")
    assert result.exit_code == 2
    assert "are for --prometheus" in result.stderr


def _observed(types: dict[str, frozenset[str]]) -> Observed:
    return Observed(selected={}, up={}, types=types, labels={}, elsewhere={},
                    recorded={}, unrecorded={}, alerts=[])


@pytest.mark.parametrize(("declared", "expected"), [
    ({"x_total": frozenset({"counter"})}, {"counter"}),
    ({"x": frozenset({"counter"})}, {"counter"}),  # OpenMetrics names the family without _total
    ({"x_total": frozenset({"gauge", "unknown"})}, {"gauge"}),
    ({"x_total": frozenset({"unknown"})}, set()),
])
def test_declared_types(declared: dict[str, frozenset[str]], expected: set[str]) -> None:
    metric = Metric(name="x_total", type=MetricType.COUNTER, unit="x", help="h")
    assert online.declared_types(metric, _observed(declared)) == expected


def test_series_are_billed_to_their_family_by_metadata() -> None:
    types = {"h": frozenset({"histogram"}), "s": frozenset({"summary"}), "g": frozenset({"gauge"})}
    assert [cost.family(name, types) for name in (
        "h_bucket", "h_sum", "h_count", "s_sum", "s_count", "s_bucket", "g_sum", "other_count")
    ] == ["h", "h", "h", "s", "s", "s_bucket", "g_sum", "other_count"]


@pytest.mark.parametrize(("op", "value", "needs"), [
    ("=", "a", True), ("=", "", False), ("=~", "a.+", True), ("=~", "a|", False),
    ("=~", ".*", False), ("!=", "a", False), ("!~", "a", False)])
def test_which_matchers_need_the_label(op: str, value: str, needs: bool) -> None:
    assert online.needs_label(op, value) is needs
