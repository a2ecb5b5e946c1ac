"""The etcd overview dashboard at the spec's defaults: valid Grafana 11.6 JSON, the panels it
promises, scoped queries."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from generator import promql
from tests.support import SCHEMAS

SCHEMA = SCHEMAS / "dashboard.jsonschema.json"
SELECTOR = ("job", "=~", ".*etcd.*")
VARIABLES = {("job", "=~", "$job"), ("instance", "=~", "$instance")}
PANELS = {
    "Cluster health": {"Members up", "Members without a leader", "Leader changes", "Has leader"},
    "Raft proposals": {"Proposals committed", "Proposals applied", "Proposals pending",
                       "Proposals failed"},
    "gRPC": {"Request rate", "Unary error rate", "Unary request time p99"},
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
    schema = json.loads(SCHEMA.read_text())
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

