"""etcd's knobs, every default explained beside it; kgen.yaml sets them under
`integrations.etcd.config`."""

from typing import Annotated, Literal

from pydantic import Field

from generator.kit import SpecConfig
from generator.model import (
    MixinKnob,
)
from generator.model.types import Duration, LabelName


class Config(SpecConfig):
    """Knobs for the etcd integration; every default is explained beside it."""

    selector: Annotated[str, MixinKnob("etcd_selector")] = 'job=~".*etcd.*"'
    """Scopes every query: matches `etcd` (prometheus flavor), `etcd-default` (Sysdig agent) and
    the job names other etcd setups commonly use."""
    instance_labels: Annotated[tuple[LabelName, ...], MixinKnob("etcd_instance_labels")] = (
        "instance", "pod")
    """The labels that tell one member from another. Cluster-wide alerts (members down, quorum,
    leader changes, request rate) aggregate `without` them, so every other label of the targets
    (`job`, `namespace`, `service`, a cluster label, ...) reaches Alertmanager for routing and
    silences. Our prometheus-flavor job adds `pod`; a label missing from a series is simply
    ignored, so the default also fits plain `instance`. The Sysdig agent job's per-pod
    `sysdig_k8s_pod_uid` is always dropped as well. Add any other label your scraper or backend
    sets per member (a host name, a pod name), or each member would count as a cluster of its
    own."""
    cluster_name_label: Annotated[LabelName, MixinKnob("clusterLabel")] = "job"
    """The label whose value names an etcd cluster in alert descriptions: the scrape job by
    default, or e.g. `cluster` where each cluster's Prometheus sets it as an external label."""

    scrape: Literal["https-client", "http-metrics"] = "https-client"
    """`https-client`: the client port 2379 with a client certificate (kubeadm's default listener,
    reachable on the node IP). `http-metrics`: the plain-HTTP port 2381, which kubeadm binds to
    127.0.0.1 unless `--listen-metrics-urls=http://0.0.0.0:2381` is set."""
    client_port: int = Field(default=2379, ge=1, le=65535)
    """etcd's client port, serving `/metrics` over TLS."""
    metrics_port: int = Field(default=2381, ge=1, le=65535)
    """kubeadm's `--listen-metrics-urls` port: `/metrics` and `/health` over plain HTTP."""
    ca_file: str = "/etc/kubernetes/pki/etcd/ca.crt"
    """The etcd CA, as a path on the scraper's file system (kubeadm's location by default)."""
    cert_file: str = "/etc/kubernetes/pki/etcd/healthcheck-client.crt"
    """A client certificate signed by the etcd CA; kubeadm's health-check client fits."""
    key_file: str = "/etc/kubernetes/pki/etcd/healthcheck-client.key"
    """The key of `cert_file`; only its path reaches the output."""
    tls_secret: str = "etcd-client-cert"
    """For the Prometheus Operator, which reads no files: the Secret (beside the PodMonitor)
    holding the three files above under their file names, e.g. `kubectl create secret generic
    etcd-client-cert --from-file=ca.crt=... --from-file=healthcheck-client.crt=...`."""
    namespace: str = "kube-system"
    """Where kubeadm runs the etcd static pods."""
    component: str = "etcd"
    """The value of the `component` pod label kubeadm puts on the etcd static pods."""

    members_down_for: Annotated[Duration, MixinKnob()] = "20m"
    """A member down, or unreachable for its peers, pages only after this long (upstream's 20m):
    rolling restarts and short partitions heal well within it."""
    insufficient_members_for: Annotated[Duration, MixinKnob()] = "3m"
    """Quorum lost means no writes at all, so this pages quickly."""
    no_leader_for: Annotated[Duration, MixinKnob()] = "1m"
    """A member without a leader serves no writes; elections take seconds, so a minute is real."""
    peer_failure_rate: Annotated[float, MixinKnob()] = Field(default=0.01, ge=0)
    """Failed sends to one peer per second above which that peer counts as unreachable."""

    leader_changes_window: Annotated[Duration, MixinKnob()] = "15m"
    """Leader changes are counted over this window ..."""
    leader_changes_threshold: int = Field(default=4, ge=1)
    """... and this many or more in it means the cluster keeps re-electing ..."""
    leader_changes_for: Annotated[Duration, MixinKnob()] = "5m"
    """... for this long."""

    grpc_error_warning_percent: Annotated[float, MixinKnob()] = Field(default=1, ge=0, le=100)
    """Share of the gRPC calls of one method (percent) that a member fails on its side (see
    `SERVER_SIDE_CODES`) that warns ..."""
    grpc_error_warning_for: Annotated[Duration, MixinKnob()] = "10m"
    """... when it lasts this long."""
    grpc_error_critical_percent: Annotated[float, MixinKnob()] = Field(default=5, ge=0, le=100)
    """Share of the gRPC calls of one method (percent) failed on the member's side that
    pages ..."""
    grpc_error_critical_for: Annotated[Duration, MixinKnob()] = "5m"
    """... when it lasts this long."""

    latency_for: Annotated[Duration, MixinKnob()] = "10m"
    """Upstream's 10m. The p99s are computed over a 5-minute rate window, so a slow burst of B
    minutes keeps a p99 high for about B + 5 minutes: a burst under five minutes never fires, a
    slowdown that lasts does. We have no measurement that argues for another value."""
    grpc_p99_seconds: Annotated[float, MixinKnob()] = Field(default=0.15, gt=0)
    """Unary requests (Defragment aside, which is slow by nature) answer in milliseconds."""
    peer_rtt_p99_seconds: Annotated[float, MixinKnob()] = Field(default=0.15, gt=0)
    """Round trips between members on one network take milliseconds; 150ms delays every commit."""
    fsync_warning_p99_seconds: Annotated[float, MixinKnob()] = Field(default=0.5, gt=0)
    """A WAL fsync blocks every write; half a second at p99 means a slow or shared disk ..."""
    fsync_critical_p99_seconds: Annotated[float, MixinKnob()] = Field(default=1.0, gt=0)
    """... and a full second starts to cost heartbeats and leader elections."""
    commit_p99_seconds: Annotated[float, MixinKnob()] = Field(default=0.25, gt=0)
    """A backend (bbolt) commit normally takes well under 25ms at p99."""

    failed_proposals_per_second: Annotated[float, MixinKnob()] = Field(default=5, ge=0)
    """Failed Raft proposals per second over 15 minutes (upstream's threshold, per second) ..."""
    failed_proposals_for: Annotated[Duration, MixinKnob()] = "15m"
    """... kept up for this long."""

    quota_percent: Annotated[float, MixinKnob()] = Field(default=95, gt=0, le=100)
    """Past this share of the backend quota etcd is about to raise NOSPACE and refuse writes."""
    quota_for: Annotated[Duration, MixinKnob()] = "10m"
    """How long the database must stay that full."""
    growth_horizon: Duration = "4h"
    """The database is fitted over this window and projected this far ahead; reaching the quota
    within it warns."""
    growth_for: Annotated[Duration, MixinKnob()] = "10m"
    """How long the projection must keep crossing the quota."""
    fragmentation_ratio: Annotated[float, MixinKnob()] = Field(default=0.5, gt=0, lt=1)
    """In-use share of the database file below which a defragmentation would give space back ..."""
    fragmentation_min_bytes: Annotated[int, MixinKnob()] = Field(default=100 * 1024 * 1024, ge=0)
    """... counted only for databases holding more than this (small ones are not worth it) ..."""
    fragmentation_for: Annotated[Duration, MixinKnob()] = "10m"
    """... for this long."""

    absent_for: Annotated[Duration, MixinKnob()] = "10m"
    """How long no etcd target may be discovered before it pages: monitoring is blind then."""
    absent_lookback: Annotated[Duration, MixinKnob()] = "1d"
    """With a `cluster_label`, etcdMetricsAbsent fires for each cluster that had etcd targets
    within this window and has none now; a cluster gone for longer counts as retired."""

    request_rate_per_second: Annotated[float, MixinKnob()] = Field(default=100, gt=0)
    """Mutating requests per second for the whole cluster. A quiet Kubernetes cluster makes tens;
    sustained hundreds mean a heavy rollout or a misbehaving client."""
    request_rate_window: Annotated[Duration, MixinKnob()] = "5m"
    """The request rate is averaged over this window ..."""
    request_rate_for: Annotated[Duration, MixinKnob()] = "10m"
    """... and must stay high this long."""
