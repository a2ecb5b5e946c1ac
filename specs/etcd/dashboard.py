"""etcd's dashboard: cluster health, Raft, gRPC, disk and database, network, process."""

from __future__ import annotations

from generator import kit
from generator.kit import panel
from generator.model import Dashboard, Panel, PanelKind, Query, Row, Threshold, Variable

from .config import Config
from .metrics import (
    COMMIT_P99,
    FSYNC_P99,
    GRPC_P99,
    GRPC_SERVER_FAILED,
    PEER_RTT_P99,
)


def _labels(*groups: tuple[str, ...]) -> str:
    return ", ".join(dict.fromkeys(label for group in groups for label in group))


def _panel(title: str, unit: str, description: str, *queries: tuple[str, str],
           width: int = 12) -> Panel:
    """A panel over several (expr, legend) queries."""
    return panel(title, tuple(Query(expr=expr, legend=legend) for expr, legend in queries),
                 unit=unit, description=description, width=width)


def _bad_from(value: float, color: str = "red") -> tuple[Threshold, ...]:
    """Green, then `color` from `value` up: for a count where anything at all is trouble."""
    return (Threshold(color="green"), Threshold(color=color, value=value))


def dashboard(config: Config) -> Dashboard:
    member = _labels(config.instance_labels)
    by_member = f"sum by ({member})"
    legend = kit.legend("instance")
    stat = PanelKind.STAT
    health = Row(title="Cluster health", panels=(
        panel("Members down", "count(up == 0) or vector(0)", unit="short",
              description="etcd targets that fail their scrape right now; one more than a minority "
                          "loses quorum.", legend="down", kind=stat, width=4,
              thresholds=_bad_from(1)),
        panel("Members without a leader", "count(etcd_server_has_leader == 0) or vector(0)",
              unit="short",
              description="Members that currently see no leader; anything above 0 means writes "
                          "stall.",
              legend="no leader", kind=stat, width=4, thresholds=_bad_from(1)),
        panel("Leader elections per day", "max(changes(etcd_server_leader_changes_seen_total[1d]))",
              unit="short",
              description="Leader changes over the last 24 hours, as seen by the member that saw "
                          "the most; a rolling restart explains a few, more point at disks, CPU "
                          "or the network.",
              legend="elections", kind=stat, width=4,
              thresholds=_bad_from(config.leader_changes_threshold,
                                   "orange")),
        panel("Leader changes", "max(increase(etcd_server_leader_changes_seen_total[5m]))",
              unit="short",
              description="Leader changes in each interval, as seen by the member that saw the "
                          "most.",
              legend="changes", width=6),
        panel("Has leader", "etcd_server_has_leader", unit="short",
              description="1 while the member knows a leader, 0 while it has none.", legend=legend,
              width=6, min=0, max=1),
    ))
    raft = Row(title="Raft proposals", panels=(
        # Committed and applied are Raft indexes exposed as gauges: deriv gives their pace.
        panel("Proposals committed", "deriv(etcd_server_proposals_committed_total[5m])", unit="ops",
              description="Proposals committed per second.", legend=legend, width=6),
        panel("Proposals applied", "deriv(etcd_server_proposals_applied_total[5m])", unit="ops",
              description="Proposals applied to the store per second.", legend=legend, width=6),
        panel("Proposals pending", "etcd_server_proposals_pending", unit="short",
              description="Proposals waiting to be committed; a growing queue means a struggling "
                          "member.",
              legend=legend, width=6),
        panel("Proposals failed", "rate(etcd_server_proposals_failed_total[5m])", unit="ops",
              description="Failed proposals per second.", legend=legend, width=6),
    ))
    streams = 'grpc_service=~"etcdserverpb.Watch|etcdserverpb.Lease", grpc_type="bidi_stream"'
    by_stream = f"sum by ({member}, grpc_method)"
    grpc = Row(title="gRPC", panels=(
        panel("Request rate", f"sum by ({member}, grpc_type) (rate(grpc_server_started_total[5m]))",
              unit="reqps", description="gRPC calls started per second, by type.",
              legend="{{instance}} {{grpc_type}}", width=8),
        panel("Failed calls",
              f"{by_member} (rate({GRPC_SERVER_FAILED}[5m])) "
              f"/ {by_member} (rate(grpc_server_handled_total[5m]))", unit="percentunit",
              description="Share of gRPC calls, unary and streams, that the member failed on its "
                          "side (the codes etcdHighNumberOfFailedGRPCRequests counts; Canceled, "
                          "NotFound and other client outcomes are left out).",
              legend=legend, width=8, min=0),
        panel("Failed calls by code", f"sum by (grpc_code) (rate({GRPC_SERVER_FAILED}[5m]))",
              unit="reqps",
              description="gRPC calls per second the members failed on their side, by status code.",
              legend="{{grpc_code}}", width=8),
        panel("Active Watch and Lease streams",
              f"{by_stream} (grpc_server_started_total{{{streams}}}) "
              f"- {by_stream} (grpc_server_handled_total{{{streams}}})", unit="short",
              description="Watch and LeaseKeepAlive streams open on each member (started minus "
                          "finished); a sudden drop means clients were cut off.",
              legend="{{instance}} {{grpc_method}}"),
        panel("Unary request time p99", GRPC_P99, unit="s",
              description="99th percentile time to serve a unary call, by method (Defragment "
                          "excluded).",
              legend="{{instance}} {{grpc_method}}"),
    ))
    disk = Row(title="Disk and database", panels=(
        panel("WAL fsync p99", FSYNC_P99, unit="s",
              description="99th percentile time to fsync the write-ahead log.", legend=legend),
        panel("Backend commit p99", COMMIT_P99, unit="s",
              description="99th percentile time to commit to the backend.", legend=legend),
        _panel("Database size vs quota", "bytes",
               "Size of the database file of each member, against the backend quota.",
               ("etcd_mvcc_db_total_size_in_bytes", "{{instance}} size"),
               ("max(etcd_server_quota_backend_bytes)", "quota")),
        panel("Database in use",
              "etcd_mvcc_db_total_size_in_use_in_bytes / etcd_mvcc_db_total_size_in_bytes",
              unit="percentunit",
              description="Share of the database file holding live data; low means "
                          "defragmentation helps.",
              legend=legend, min=0, max=1),
    ))
    network = Row(title="Network", panels=(
        panel("Peer round trip p99", PEER_RTT_P99, unit="s",
              description="99th percentile round trip to each peer.",
              legend="{{instance}} to {{To}}", width=24),
        _panel("Client traffic", "Bps", "Bytes per second received from and sent to clients.",
               (f"{by_member} (rate(etcd_network_client_grpc_received_bytes_total[5m]))",
                "{{instance}} received"),
               (f"{by_member} (rate(etcd_network_client_grpc_sent_bytes_total[5m]))",
                "{{instance}} sent")),
        _panel("Peer traffic", "Bps", "Bytes per second received from and sent to peers.",
               (f"{by_member} (rate(etcd_network_peer_received_bytes_total[5m]))",
                "{{instance}} received"),
               (f"{by_member} (rate(etcd_network_peer_sent_bytes_total[5m]))",
                "{{instance}} sent")),
    ))
    process = Row(title="Process", panels=(
        panel("Memory", "process_resident_memory_bytes", unit="bytes",
              description="Resident memory of the etcd process.", legend=legend, width=6),
        panel("CPU", "rate(process_cpu_seconds_total[5m])", unit="suffix:cores",
              description="CPU the etcd process uses, in cores (CPU seconds "
   "per second).", legend=legend, width=6),
        panel("Goroutines", "go_goroutines", unit="short",
              description="Goroutines alive in the etcd process.", legend=legend, width=6),
        panel("Open file descriptors", "process_open_fds", unit="short",
              description="File descriptors etcd holds open.", legend=legend, width=6),
    ))
    return Dashboard(
        title="etcd / Overview",
        description="etcd members: cluster health, Raft, gRPC, disk, database, network, process.",
        tags=("etcd", "kgen"),
        variables=(
            Variable(name="job", label="job", metric="etcd_server_has_leader"),
            Variable(name="instance", label="instance", metric="etcd_server_has_leader"),
        ),
        rows=(health, raft, grpc, disk, network, process),
    )
