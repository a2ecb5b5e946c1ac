"""`kgen check --prometheus` and `kgen cost` against a real Prometheus on 127.0.0.1.

The live Prometheus the live tests share (1s scrapes and rule evaluation) scrapes the pretend
exporters of tests/live_exporters.py: `exact` exposes its temporary spec's catalog exactly (and
Prometheus loads the rules kgen generates for it), `drift` exposes the same kind of spec
drifted in every way the online checks look for, and `calico-node` exposes the shipped Calico
catalog. A recording proxy in front of Prometheus shows what reaches the server (credentials,
tenant header).
"""

from __future__ import annotations

import base64
import json
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
from click.testing import CliRunner, Result

from generator.cli import main
from generator.live import cost, online
from generator.live.observe import Observed
from generator.loader import load
from generator.model import Metric, MetricType
from tests.live_exporters import DRIFT_SHARDS, RUNBOOKS, SPEC, address, project, serve
from tests.live_server import LivePrometheus, count
from tests.support import SPECS, closed_port


def _config(specs: Path) -> str:
    """The kgen.yaml of the temporary project whose specs directory is `specs`."""
    return str(specs.parent / "kgen.yaml")


def _variant(live: Live, name: str, old: str, new: str, base: str = "exact") -> Path:
    """A project beside the `base` one (exact, drift) whose spec has `old` replaced by `new`;
    its specs dir."""
    specs = live.exact.parent.parent / name / "specs"
    specs.mkdir(parents=True)
    text = (live.exact.parent.parent / base / "specs" / f"{base}.py").read_text(encoding="utf-8")
    assert old in text
    (specs / f"{base}.py").write_text(text.replace(old, new), encoding="utf-8")
    (specs.parent / "kgen.yaml").write_text(RUNBOOKS, encoding="utf-8")
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

    def count(self, query: str) -> int:
        """Prometheus' own answer to `count(query)` (0 for its empty answer)."""
        return count(self.url, query)


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

    return serve(Handler, tls)


@pytest.fixture(scope="module")
def live(live_prometheus: LivePrometheus) -> Iterator[Live]:
    """The exporters' side of the shared live Prometheus, and a recording proxy in front of
    it."""
    exporters = live_prometheus.exporters
    requests: list[dict[str, str]] = []
    proxy = _proxy(live_prometheus.url, requests)
    try:
        yield Live(live_prometheus.url, exporters.exact, exporters.drift, exporters.calico,
                   exporters.drift_instance, f"http://{address(proxy)}", requests)
    finally:
        proxy.shutdown()
        proxy.server_close()


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


def test_only_the_calico_exporters_fall_under_the_calico_selector(live: Live) -> None:
    """The shared server also runs the relabel tests' Calico jobs: none of them falls under the
    shipped selector, so the Calico findings and costs here are the two exporters' own."""
    (spec,) = load(live.calico.parent / "specs")
    assert live.count(f"up{{{spec.integration.selector}}}") == 2


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


def _labelled(live: Live, name: str, labels: str, description: str = "") -> Path:
    """A variant of the drift project whose DriftQueueFull alert carries `labels` (a dict
    literal), and whose description drops its `{{ $labels.queue }}` when `description` says
    so."""
    specs = _variant(
        live, name, "    return Alert(name=name, expr=expr, for_=\"5m\",",
        f"    labels = {labels} if name == \"DriftQueueFull\" else {{}}\n"
        "    return Alert(name=name, expr=expr, for_=\"5m\", labels=labels,", base="drift")
    if description:
        text = (specs / "drift.py").read_text(encoding="utf-8")
        (specs / "drift.py").write_text(text.replace("Queue {{ $labels.queue }} on", description),
                                        encoding="utf-8")
    return specs


ALERT_QUEUE = ("alert DriftQueueFull uses label 'queue', which no live series of "
               "drift_queue_depth carries (they carry instance, job)")


def _live_labels(specs: Path, live: Live) -> list[str]:
    result = _kgen("check", "--config", _config(specs), "--prometheus", live.url,
                   "--format", "json")
    return [f["message"] for f in _findings(result) if f["code"] == "KG603"]


def test_a_label_value_template_is_checked_against_the_live_series(live: Live) -> None:
    """`{{ $labels.queue }}` moved from the description into an alert label (for routing) is
    checked as the description's was."""
    routed = _labelled(live, "routed", '{"owner": "{{ $labels.queue }}"}', "Queue on")
    assert ALERT_QUEUE in _live_labels(routed, live)


def test_the_alert_own_labels_do_not_reach_its_templates(live: Live) -> None:
    """$labels holds the result's labels only, not the rule's (promtool shows `{{ $labels.x }}`
    empty for a label x the rule sets): a rule label `queue` does not make the description's
    `{{ $labels.queue }}` print anything."""
    assert ALERT_QUEUE in _live_labels(_labelled(live, "own", '{"queue": "main"}'), live)


def test_info_never_fails_even_strict(live: Live) -> None:
    """The exact exporter with a full queue: its alert is active, which is information."""
    full = _variant(live, "full", "exact_queue_depth > 100", "exact_queue_depth > 1")
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
    with closed_port() as port:
        url = f"http://127.0.0.1:{port}"
        kgen = str(Path(sys.executable).parent / "kgen")
        done = subprocess.run([kgen, "check", "--config", _config(live.exact), "--prometheus",
                               url], capture_output=True, text=True, check=False, timeout=60)
        result = _kgen("cost", "--config", _config(live.exact), "--prometheus", url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (f"error: cannot reach {url}/api/v1/metadata: "
                           "[Errno 111] Connection refused\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == done.stderr


def test_silent_server_times_out_in_one_line(live: Live) -> None:
    release = threading.Event()

    class Silent(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            release.wait(10)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = serve(Silent)
    try:
        url = f"http://{address(server)}"
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
    url = f"https://{address(server)}"
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
    gone = _variant(live, "gone", "selector='job=\"exact\"'", "selector='job=\"gone\"'")
    result = _kgen("check", "--config", _config(gone), "--prometheus", live.url,
                   "--format", "json")
    assert result.exit_code == 1, result.output
    assert _findings(result) == [{
        "path": str(gone / "exact.py"), "line": _line(gone / "exact.py", "return Integration("),
        "level": "error", "code": "KG601", "metric": None,
        "message": 'no series at all match the selector job="gone": no target is scraped '
                   "under it"}]


def test_offline_findings_name_their_metric_in_json(tmp_path: Path) -> None:
    specs = project(tmp_path, "idle", SPEC.replace(
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
