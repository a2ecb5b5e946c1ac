"""etcd's metric catalog, the series recorded from it, and the labels of the examples' members."""

from __future__ import annotations

from generator.model import (
    Example,
    Metric,
    MetricType,
    Recording,
    Signal,
)
from generator.model.examples import (
    histogram,
    records,
)

from .config import Config

COUNTER, GAUGE, HISTOGRAM = MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM
ERRORS, LATENCY = Signal.ERRORS, Signal.LATENCY
SATURATION, TRAFFIC = Signal.SATURATION, Signal.TRAFFIC


# The metric catalog: the single source of truth for keep-lists, checks and docs.
METRICS = (
    Metric(name="etcd_server_has_leader", type=GAUGE, unit="boolean", signal=ERRORS,
           help="1 while this member knows a leader, 0 while it has none."),
    Metric(name="etcd_server_leader_changes_seen_total", type=COUNTER, unit="changes",
           signal=ERRORS, help="Leader changes this member has observed since it started."),
    Metric(name="etcd_server_proposals_committed_total", type=GAUGE, unit="proposals",
           signal=TRAFFIC,
           help="Raft index of the last committed proposal; exposed as a gauge, only grows."),
    Metric(name="etcd_server_proposals_applied_total", type=GAUGE, unit="proposals",
           signal=TRAFFIC,
           help="Raft index of the last applied proposal; exposed as a gauge, only grows."),
    Metric(name="etcd_server_proposals_pending", type=GAUGE, unit="proposals", signal=SATURATION,
           help="Proposals submitted and waiting to be committed."),
    Metric(name="etcd_server_proposals_failed_total", type=COUNTER, unit="proposals",
           signal=ERRORS, help="Proposals that failed, mostly for lack of a leader or quorum."),
    Metric(name="etcd_server_quota_backend_bytes", type=GAUGE, unit="bytes", signal=SATURATION,
           help="Backend size limit; beyond it etcd raises the NOSPACE alarm and refuses writes."),
    Metric(name="etcd_mvcc_db_total_size_in_bytes", type=GAUGE, unit="bytes", signal=SATURATION,
           help="Size of the backend database file, free pages included."),
    Metric(name="etcd_mvcc_db_total_size_in_use_in_bytes", type=GAUGE, unit="bytes",
           signal=SATURATION, help="Part of the database file that holds live data."),
    Metric(name="etcd_disk_wal_fsync_duration_seconds", type=HISTOGRAM, unit="seconds",
           signal=LATENCY, help="Time to fsync the write-ahead log before acknowledging entries."),
    Metric(name="etcd_disk_backend_commit_duration_seconds", type=HISTOGRAM, unit="seconds",
           signal=LATENCY, help="Time to commit one batch of changes to the bbolt backend."),
    Metric(name="etcd_network_peer_round_trip_time_seconds", type=HISTOGRAM, unit="seconds",
           signal=LATENCY, labels=("To",), help="Round-trip time to each peer member."),
    Metric(name="etcd_network_peer_sent_failures_total", type=COUNTER, unit="failures",
           signal=ERRORS, labels=("To",), help="Messages that could not be sent to a peer."),
    Metric(name="etcd_network_peer_sent_bytes_total", type=COUNTER, unit="bytes",
           signal=TRAFFIC, labels=("To",), help="Bytes sent to each peer member."),
    Metric(name="etcd_network_peer_received_bytes_total", type=COUNTER, unit="bytes",
           signal=TRAFFIC, labels=("From",), help="Bytes received from each peer member."),
    Metric(name="etcd_network_client_grpc_sent_bytes_total", type=COUNTER, unit="bytes",
           signal=TRAFFIC, help="Bytes sent to gRPC clients."),
    Metric(name="etcd_network_client_grpc_received_bytes_total", type=COUNTER, unit="bytes",
           signal=TRAFFIC, help="Bytes received from gRPC clients."),
    Metric(name="grpc_server_started_total", type=COUNTER, unit="requests", signal=TRAFFIC,
           labels=("grpc_type", "grpc_service", "grpc_method"),
           help="gRPC calls the member started serving."),
    Metric(name="grpc_server_handled_total", type=COUNTER, unit="requests", signal=ERRORS,
           labels=("grpc_type", "grpc_service", "grpc_method", "grpc_code"),
           help="gRPC calls the member finished, by status code."),
    Metric(name="grpc_server_handling_seconds", type=HISTOGRAM, unit="seconds", signal=LATENCY,
           labels=("grpc_type", "grpc_service", "grpc_method"),
           help="Time to serve a gRPC call (exposed only with `--metrics=extensive`)."),
    Metric(name="process_resident_memory_bytes", type=GAUGE, unit="bytes", signal=SATURATION,
           help="Resident memory of the etcd process."),
    Metric(name="process_cpu_seconds_total", type=COUNTER, unit="seconds", signal=SATURATION,
           help="CPU time the etcd process has used (user plus system)."),
    Metric(name="process_open_fds", type=GAUGE, unit="descriptors", signal=SATURATION,
           help="File descriptors the etcd process holds open."),
    Metric(name="go_goroutines", type=GAUGE, unit="goroutines", signal=SATURATION,
           help="Goroutines alive in the etcd process."),
)

SERVER_SIDE_CODES = ("Unknown", "FailedPrecondition", "ResourceExhausted", "Internal",
                     "Unavailable", "DataLoss", "DeadlineExceeded")
"""gRPC codes that mean the member failed a call (etcd's own list since etcd-io/etcd#13127).
Canceled, NotFound, InvalidArgument and the like are the client's doing and never count."""
GRPC_SERVER_FAILED = f'grpc_server_handled_total{{grpc_code=~"{"|".join(SERVER_SIDE_CODES)}"}}'

# Recorded p99s, shared by alerts and panels. They keep every label of their buckets but `le`
# (so routes and silences see `namespace`, `service`, a cluster label ...); the selector is
# applied when they are recorded, not where they are read.
GRPC_P99 = "job_instance_grpc_method:grpc_server_handling_seconds:p99_rate5m"
PEER_RTT_P99 = "job_instance_to:etcd_network_peer_round_trip_time_seconds:p99_rate5m"
FSYNC_P99 = "job_instance:etcd_disk_wal_fsync_duration_seconds:p99_rate5m"
COMMIT_P99 = "job_instance:etcd_disk_backend_commit_duration_seconds:p99_rate5m"


def recording_rules(config: Config) -> tuple[Recording, ...]:
    def p99(bucket: str, matchers: str = "") -> str:
        return f"histogram_quantile(0.99, rate({bucket}{matchers}[5m]))"

    return (
        # Unary only: watches and other streams live as long as their clients. Defragment
        # rewrites the whole database and is slow by design.
        Recording(record=GRPC_P99, expr=p99(
            "grpc_server_handling_seconds_bucket",
            '{grpc_type="unary", grpc_method!="Defragment"}'),
            examples=p99_examples(config, "grpc_server_handling_seconds", grpc_type="unary",
                                  grpc_service="etcdserverpb.KV", grpc_method="Range")),
        Recording(record=PEER_RTT_P99,
                  expr=p99("etcd_network_peer_round_trip_time_seconds_bucket"),
                  examples=p99_examples(config, "etcd_network_peer_round_trip_time_seconds",
                                        To="m1")),
        Recording(record=FSYNC_P99, expr=p99("etcd_disk_wal_fsync_duration_seconds_bucket"),
                  examples=p99_examples(config, "etcd_disk_wal_fsync_duration_seconds")),
        Recording(record=COMMIT_P99,
                  expr=p99("etcd_disk_backend_commit_duration_seconds_bucket"),
                  examples=p99_examples(config, "etcd_disk_backend_commit_duration_seconds")),
    )


def p99_examples(config: Config, histogram_name: str, **labels: str) -> tuple[Example, ...]:
    """Every observation in the (0.2s, 0.4s] bucket: the p99 interpolates to 0.398s."""
    return (records("member m0's observations all take 0.4s",
                    histogram(histogram_name, 10, ((20, 0.4),), **labels,
                              **member_labels(config, 0)),
                    10, 0.398, instance="m0"),)


def member_labels(config: Config, index: int) -> dict[str, str]:
    """Labels of example member m<index>: `instance` (every target has it) and the other
    `instance_labels`, as our prometheus-flavor job sets `pod`."""
    others = {label: f"etcd-m{index}" if label == "pod" else f"{label}-m{index}"
              for label in config.instance_labels if label != "instance"}
    return {"instance": f"m{index}", **others}
