"""The etcd overview dashboard at the spec's defaults: valid Grafana 11.6 JSON, the panels it
promises, scoped queries."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from generator import promql
from generator.external import SCHEMAS, dashboard_schema

SELECTOR = ("job", "=~", ".*etcd.*")
VARIABLES = {("job", "=~", "$job"), ("instance", "=~", "$instance")}
PANELS = {
    "Cluster health": {"Members down", "Members without a leader", "Leader elections per day",
                       "Leader changes", "Has leader"},
    "Raft proposals": {"Proposals committed", "Proposals applied", "Proposals pending",
                       "Proposals failed"},
    "gRPC": {"Request rate", "Failed calls", "Failed calls by code",
             "Active Watch and Lease streams", "Unary request time p99"},
    "Disk and database": {"WAL fsync p99", "Backend commit p99", "Database size vs quota",
                          "Database in use"},
    "Network": {"Peer round trip p99", "Client traffic", "Peer traffic"},
    "Process": {"Memory", "CPU", "Goroutines", "Open file descriptors"},
}


def _board(files: dict[str, bytes]) -> dict[str, Any]:
    board: dict[str, Any] = json.loads(files["grafana/dashboards/etcd-overview.json"])
    return board


def _rows(board: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] = []
    for panel in board["panels"]:
        if panel["type"] == "row":
            current = rows.setdefault(panel["title"], [])
        else:
            current.append(panel)
    return rows


def test_validates_against_the_grafana_schema(default_build: dict[str, bytes]) -> None:
    schema = dashboard_schema(SCHEMAS / "dashboard.jsonschema.json")
    jsonschema.validate(_board(default_build), schema)


def test_rows_hold_the_promised_panels_with_unit_and_description(
    default_build: dict[str, bytes],
) -> None:
    board = _board(default_build)
    assert board["uid"] == "kgen-etcd-overview"
    assert [v["name"] for v in board["templating"]["list"]] == ["datasource", "job", "instance"]
    rows = _rows(board)
    assert {row: {p["title"] for p in panels} for row, panels in rows.items()} == PANELS
    for panel in (p for panels in rows.values() for p in panels):
        assert panel["description"] and panel["fieldConfig"]["defaults"]["unit"], panel["title"]


def test_every_query_is_scoped(default_build: dict[str, bytes]) -> None:
    """Raw series carry the etcd selector; recorded series were scoped when recorded. Both carry
    the template variables."""
    recorded = {"job_instance_grpc_method:grpc_server_handling_seconds:p99_rate5m",
                "job_instance_to:etcd_network_peer_round_trip_time_seconds:p99_rate5m",
                "job_instance:etcd_disk_wal_fsync_duration_seconds:p99_rate5m",
                "job_instance:etcd_disk_backend_commit_duration_seconds:p99_rate5m"}
    seen_recorded = set()
    for panel in _board(default_build)["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$__rate_interval", "5m")  # so the parser reads it
            for use in promql.selector_uses(expr):
                matchers = set(use.matchers)
                assert matchers >= VARIABLES, (panel["title"], target["expr"])
                if use.metric in recorded:
                    seen_recorded.add(use.metric)
                else:
                    assert SELECTOR in matchers, (panel["title"], target["expr"])
    assert seen_recorded == recorded



def test_error_panels_count_what_the_alert_counts(built: dict[str, bytes]) -> None:
    """The failed-call panels select the server-side codes of etcdHighNumberOfFailedGRPCRequests,
    never `!= "OK"`; the stream panel subtracts finished streams from started ones."""
    rules = built["prometheus/rules/etcd.yaml"].decode()
    panels = {p["title"]: p for p in _board(built)["panels"] if p["type"] != "row"}
    for title in ("Failed calls", "Failed calls by code"):
        (expr, *_) = [t["expr"] for t in panels[title]["targets"]]
        codes = [m for u in promql.selector_uses(expr.replace("$__rate_interval", "5m"))
                 for m in u.matchers if m[0] == "grpc_code"]
        assert codes and all(m[1] == "=~" and m[2] in rules for m in codes), (title, codes)
        assert "Canceled" not in expr and 'grpc_code!="OK"' not in expr
    streams = panels["Active Watch and Lease streams"]["targets"][0]["expr"]
    assert "grpc_server_started_total" in streams and "grpc_server_handled_total" in streams
