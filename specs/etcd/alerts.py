"""etcd's alerts, each with its runbook and its examples (the members are m0, m1 and m2)."""

from __future__ import annotations

from generator import kit
from generator.absence import targets_gone
from generator.model import (
    Alert,
    Example,
    Runbook,
    Series,
    Severity,
)
from generator.model.examples import (
    Phase,
    blip,
    counter,
    elsewhere,
    fires_when,
    gauge,
    histogram,
    hold,
    jump,
    minutes,
    rise,
    series,
    silent_on,
    target,
)
from generator.model.types import duration_seconds

from .config import Config
from .metrics import (
    COMMIT_P99,
    FSYNC_P99,
    GRPC_P99,
    GRPC_SERVER_FAILED,
    PEER_RTT_P99,
    member_labels,
)

CRITICAL, WARNING = Severity.CRITICAL, Severity.WARNING


ETCDCTL = ("`kubectl -n kube-system exec etcd-<node> -- etcdctl --cacert "
           "/etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/server.crt --key "
           "/etc/kubernetes/pki/etcd/server.key`")
"""How to run etcdctl against a kubeadm member; the runbooks write `etcdctl` for short."""
ETCD_LOGS = "`kubectl -n kube-system logs etcd-<node>`"


def _alert(config: Config, name: str, severity: Severity, for_: str, expr: str, summary: str,
           description: str, examples: tuple[Example, ...], *, runbook: Runbook,
           suppress: dict[str, str] | None = None) -> Alert:
    return Alert(name=name, expr=expr, for_=for_, severity=severity, summary=summary,
                 description=description, runbook=runbook, examples=examples,
                 suppress=suppress or {})


SYSDIG_MEMBER_LABELS = ("sysdig_k8s_pod_uid",)
"""The per-pod label the Sysdig agent job sets (one value per member): cluster-wide alerts drop
it with the configured member labels, or each member would count as a cluster of one and a
single member down would read as a lost quorum."""
SYSDIG_ONLY = ("`sysdig_k8s_pod_uid` exists only under the sysdig-agent flavor; where it is "
               "absent, dropping it is a no-op")


def _members(config: Config) -> str:
    return ", ".join(dict.fromkeys((*config.instance_labels, *SYSDIG_MEMBER_LABELS)))


MEMBER = kit.labels("instance")


def _cluster(config: Config) -> str:
    """`{{ $labels.job }}`: the label naming the cluster, as descriptions show it."""
    return kit.labels(config.cluster_name_label)


# Examples: every alert's behaviour, built from the Config (see generator.model.examples). The
# members are m0, m1 and m2; cluster-level expectations state no labels, so they hold however
# the cluster is told apart (job, cluster label).

def _targets(config: Config, *members: tuple[Phase, ...]) -> tuple[Series, ...]:
    """`up` of members m0, m1, ..., each with its own phases."""
    return tuple(target(*phases, **member_labels(config, index))
                 for index, phases in enumerate(members))


def members_down_examples(config: Config) -> tuple[Example, ...]:
    for_ = minutes(config.members_down_for)
    end, restart, rate = for_ + 6, max(for_ // 2, 1), config.peer_failure_rate
    up = (hold(1, end),)

    def failing_sends(per_member: float) -> tuple[Series, ...]:
        return (*_targets(config, up, up, up), *(
            counter("etcd_network_peer_sent_failures_total", per_member, end, To="m2",
                    **member_labels(config, index)) for index in (0, 1)))

    return (
        fires_when("1 of 3 members is down", _targets(config, up, up, (hold(0, end),)),
                   for_ + 2),
        silent_on(f"one member restarts for {restart} minutes",
                  _targets(config, up, up,
                           (hold(1, 5), hold(0, restart), hold(1, end - 5 - restart))),
                  5 + restart - 1),
        fires_when(f"2 members fail {rate:g} sends a second each to the third",
                   failing_sends(rate), for_ + 4),
        silent_on(f"2 members fail {rate / 4:g} sends a second each to the third",
                  failing_sends(rate / 4), end - 1),
    )


def quorum_examples(config: Config) -> tuple[Example, ...]:
    for_ = minutes(config.insufficient_members_for)
    end, outage = for_ + 4, max(for_ - 1, 1)
    up, down = (hold(1, end),), (hold(0, end),)
    brief = (hold(1, 2), hold(0, outage), hold(1, end - 2 - outage))
    return (
        fires_when("2 of 3 members are down", _targets(config, up, down, down), for_ + 2),
        silent_on("1 of 3 members is down (quorum kept)", _targets(config, up, up, down), end - 1),
        silent_on(f"2 of 3 members are down for {outage} minute(s)",
                  _targets(config, up, brief, brief), 2 + outage - 1),
    )


def no_leader_examples(config: Config) -> tuple[Example, ...]:
    for_ = minutes(config.no_leader_for)
    end, election = for_ + 5, max(for_ - 1, 1)
    metric = "etcd_server_has_leader"
    m0, leader = member_labels(config, 0), gauge(metric, 1, end, **member_labels(config, 1))
    return (
        fires_when("member m0 has no leader", (jump(metric, 1, 0, 1, end, **m0), leader),
                   for_ + 3, instance="m0"),
        silent_on("every member has a leader", (gauge(metric, 1, end, **m0), leader), end - 1),
        silent_on(f"an election takes {election} minute(s)",
                  (blip(metric, 1, 0, 3, election, end, **m0), leader), 3 + election - 1),
    )


def absent_examples(config: Config) -> tuple[Example, ...]:
    for_ = minutes(config.absent_for)
    end = for_ + 4
    others = (elsewhere("up", end),)
    return (
        fires_when("no etcd target is scraped, only other jobs", others, for_ + 2),
        silent_on("an etcd member is scraped", _targets(config, (hold(1, end),)), end - 1),
        silent_on(f"no etcd target has been scraped for {max(for_ - 1, 0)} minutes", others,
                  max(for_ - 1, 0)),
    )


def leader_changes_examples(config: Config) -> tuple[Example, ...]:
    window, for_ = minutes(config.leader_changes_window), minutes(config.leader_changes_for)
    threshold = config.leader_changes_threshold
    end, near = window + for_ + 4, threshold - 1

    def seen(*phases: Phase) -> tuple[Series, ...]:
        """Every member sees the same changes."""
        return tuple(series("etcd_server_leader_changes_seen_total", *phases,
                            **member_labels(config, index)) for index in range(3))

    few = (hold(0, 2), rise(1 / 60, near), hold(near, end - 2 - near)) if near else (hold(0, end),)
    return (
        fires_when(f"the cluster changes leader {2 * threshold} times every "
                   f"{config.leader_changes_window}",
                   seen(rise(2 * threshold / (window * 60), end)), window + for_ + 2),
        silent_on(f"all three members see the same {near} leader changes", seen(*few), window),
        silent_on(f"{threshold} leader changes happened at once {max(for_ - 2, 0)} minutes ago",
                  seen(hold(0, 2), hold(threshold, end - 2)), 2 + max(for_ - 2, 0)),
        silent_on("no leader changes while the member that has counted the most of them restarts",
                  (series("etcd_server_leader_changes_seen_total", hold(5 * threshold, 2),
                          hold(1, end - 2), **member_labels(config, 0)),
                   *(series("etcd_server_leader_changes_seen_total", hold(2 * threshold, end),
                            **member_labels(config, index)) for index in (1, 2))),
                  2 + for_ + 2),
    )


def failed_proposals_examples(config: Config) -> tuple[Example, ...]:
    for_, limit = minutes(config.failed_proposals_for), config.failed_proposals_per_second
    end, failing = 15 + for_ + 3, 2 * limit or 1

    def failed(per_second: float, member: int) -> tuple[Series, ...]:
        return (counter("etcd_server_proposals_failed_total", per_second, end,
                        **member_labels(config, member)),)

    return (
        fires_when(f"a member fails {failing:g} proposals a second", failed(failing, 0),
                   15 + for_ + 2, instance="m0"),
        silent_on(f"a member fails {limit / 2:g} proposals a second", failed(limit / 2, 1),
                  end - 1),
        silent_on(f"a member has failed {failing:g} proposals a second for "
                  f"{max(for_ - 1, 0)} minutes", failed(failing, 0), max(for_ - 1, 0)),
    )


def grpc_error_examples(config: Config, percent: float, for_duration: str) -> tuple[Example, ...]:
    """Failed Range calls answer Unavailable, a server-side code every version counts."""
    for_ = minutes(for_duration)
    end, failing = for_ + 5, min(2 * percent, (100 + percent) / 2) or 1
    handled = "grpc_server_handled_total"
    kv = {"grpc_service": "etcdserverpb.KV", "grpc_method": "Range", **member_labels(config, 0)}

    def failed(share: float) -> tuple[Series, ...]:
        """100 good Range calls a second, and failures making `share` percent of all."""
        return (counter(handled, 100, end, grpc_type="unary", grpc_code="OK", **kv),
                counter(handled, 100 * share / (100 - share), end, grpc_type="unary",
                        grpc_code="Unavailable", **kv))

    watches = (counter(handled, 100, end, grpc_type="unary", grpc_code="OK", **kv),
               counter(handled, 100, end, grpc_type="bidi_stream", grpc_code="Canceled",
                       grpc_service="etcdserverpb.Watch", grpc_method="Watch",
                       **member_labels(config, 0)))
    return (
        fires_when(f"{failing:g}% of a member's Range calls fail", failed(failing), for_ + 3,
                   grpc_method="Range"),
        silent_on(f"{percent / 2:g}% of a member's Range calls fail", failed(percent / 2),
                  end - 1),
        silent_on("every watch ends cancelled as its client leaves", watches, end - 1),
        silent_on(f"{failing:g}% of Range calls have failed for {max(for_ - 1, 0)} minutes",
                  failed(failing), max(for_ - 1, 0)),
    )


def slow_examples(config: Config, histogram_name: str, seconds: float,
                   **labels: str) -> tuple[Example, ...]:
    """Observations at twice the threshold fire; at half of it they do not; a burst that keeps
    the 5-minute p99 high for less than `for` does not either."""
    for_ = minutes(config.latency_for)
    burst = max(for_ - 7, 1)
    end = max(for_ + 8, 10 + burst + 3)
    slow, fast = 2 * seconds, seconds / 2

    def observed(*latencies: tuple[int, float]) -> tuple[Series, ...]:
        return histogram(histogram_name, 10, latencies, **labels, **member_labels(config, 0))

    return (
        fires_when(f"every observation takes {slow:g}s", observed((end, slow)), for_ + 5,
                   instance="m0", **{k: v for k, v in labels.items() if k != "grpc_service"
                                     and k != "grpc_type"}),
        silent_on(f"every observation takes {fast:g}s", observed((end, fast)), end - 1),
        silent_on(f"observations take {slow:g}s for {burst} minute(s)",
                  observed((10, fast), (burst, slow), (end - 10 - burst, fast)), 10 + burst + 2),
    )


def availability_alerts(config: Config) -> tuple[Alert, ...]:
    members = _members(config)
    # Members down by their own targets, or peers the others keep failing to send to; each side
    # keeps every label but the member labels (and `To`). Each side is filtered before the `or`:
    # a healthy cluster's down count is 0, not absent, and would otherwise hide the peer side.
    # The Prometheus Operator's `endpoint` label (a port name) can differ between the two
    # sides, so it is dropped last, leaving one alert per cluster.
    down = f"sum without ({members}) (up == bool 0) > 0"
    unreachable = (
        f"count without (To) (sum without ({members}) "
        f"(rate(etcd_network_peer_sent_failures_total[2m])) > {config.peer_failure_rate:g})"
    )
    up, count = f"sum without ({members}) (up == bool 1)", f"count without ({members}) (up)"
    members_down = Runbook(
        meaning="A member of the cluster is not being scraped (`up` is 0), or the other "
                "members keep failing to send it Raft messages.",
        impact="The cluster still has quorum, but with one member fewer it tolerates one "
               "failure fewer; in a three-member cluster the next loss stops all writes.",
        diagnosis="List the members and their state: `kubectl -n kube-system get pods -l "
                  "component=etcd -o wide`, then `etcdctl endpoint health --cluster` and "
                  "`etcdctl endpoint status --cluster -w table` (run etcdctl as "
                  + ETCDCTL + "). Read the member's log (" + ETCD_LOGS + "). If the pod runs "
                  "but peers cannot reach it, check port 2380 between the control-plane "
                  "nodes and the peer certificates' expiry (`kubeadm certs "
                  "check-expiration`).",
        mitigation="Bring the member back: fix its node, network or certificates; the kubelet "
                   "restarts the static pod once its manifest in `/etc/kubernetes/manifests` "
                   "is valid. A member whose data is lost is replaced: `etcdctl member remove` "
                   "it, then rejoin the node (`kubeadm join --control-plane`).",
    )
    insufficient_members = Runbook(
        meaning="Fewer than a majority of the cluster's members are up: etcd has lost quorum.",
        impact="The cluster accepts no writes and serves no consistent reads. The Kubernetes "
               "API server fails every change: no scheduling, no scaling, no new pods.",
        diagnosis="Find which members are down as for etcdMembersDown; check each control-plane "
                  "node, its disk (a full disk stops etcd) and its clock. " + ETCD_LOGS +
                  " on a surviving member shows which peers it cannot reach.",
        mitigation="Restore enough members to regain a majority; each member that comes back "
                   "rejoins on its own. If a majority is lost for good, recover from the last "
                   "snapshot (`etcdutl snapshot restore` on a new cluster), or as a last resort "
                   "restart one surviving member with `--force-new-cluster` and rebuild the "
                   "others from it.",
    )
    no_leader = Runbook(
        meaning="A member has had no Raft leader for a while: it is cut off from the others, "
                "or the cluster cannot elect one.",
        impact="That member rejects writes and linearizable reads; API servers talking to it "
               "fail their requests. If every member reports no leader, the whole cluster is "
               "down for writes.",
        diagnosis="`etcdctl endpoint status --cluster -w table` shows who each member thinks "
                  "leads. Check the network between members (port 2380), disk latency "
                  "(etcdHighFsyncDurations) and CPU starvation, which delay heartbeats past "
                  "the election timeout.",
        mitigation="Restore connectivity or relieve the slow member; a partitioned member "
                   "rejoins on its own once it can reach a majority.",
    )
    metrics_absent = Runbook(
        meaning="No target matching the etcd selector is discovered (with a cluster label: in "
                "a cluster that had etcd targets within `absent_lookback`): there is no `up` "
                "series to tell whether etcd is healthy.",
        impact="Every other etcd alert is blind. etcd itself may be fine, or entirely gone.",
        diagnosis="Query `up{job=~\".*etcd.*\"}` (or your selector) in Prometheus and look at its "
                  "targets page: is the etcd job loaded, and does discovery find the pods "
                  "(`kubectl -n kube-system get pods -l component=etcd`)? A renamed job, a "
                  "changed pod label or a scrape config that failed to load are the usual "
                  "causes.",
        mitigation="Fix the scrape configuration or the selector (`selector` in kgen.yaml) so "
                   "the etcd targets come back; if etcd itself is gone, treat it as "
                   "etcdInsufficientMembers.",
    )
    return (
        _alert(config, "etcdMembersDown", WARNING, config.members_down_for,
               f"max without (endpoint) ({down} or {unreachable})",
               "An etcd member is down or its peers cannot reach it.",
               f"Cluster {_cluster(config)} has {kit.value()} member(s) down or unreachable for "
               f"{config.members_down_for}. One more loss may cost the cluster its quorum.",
               members_down_examples(config),
               suppress={"KG205": "`endpoint` is the port-name label the Prometheus Operator "
                                  "adds, dropping it is a no-op where it is absent; "
                                  + SYSDIG_ONLY},
               runbook=members_down),
        _alert(config, "etcdInsufficientMembers", CRITICAL, config.insufficient_members_for,
               f"{up} < ({count} + 1) / 2",
               "An etcd cluster has lost its quorum.",
               f"Only {kit.value()} member(s) of cluster {_cluster(config)} are up, fewer "
               "than a majority: the cluster accepts no writes, and the Kubernetes API stalls.",
               quorum_examples(config), suppress={"KG205": SYSDIG_ONLY},
               runbook=insufficient_members),
        _alert(config, "etcdNoLeader", CRITICAL, config.no_leader_for,
               "etcd_server_has_leader == 0",
               "An etcd member has no leader.",
               f"Member {MEMBER} of cluster {_cluster(config)} has seen no leader for "
               f"{config.no_leader_for}; it cannot serve writes or linearizable reads.",
               no_leader_examples(config),
               runbook=no_leader),
        _alert(config, "etcdMetricsAbsent", CRITICAL, config.absent_for,
               targets_gone("up", config.absent_lookback),
               "No etcd target is being scraped.",
               f"No target matching {config.selector} has been discovered for "
               f"{config.absent_for}: etcd is gone from service discovery, or the scrape job is "
               "broken, and every other etcd alert is blind.",
               absent_examples(config),
               suppress={"KG302": "the alert carries at most the cluster label, whose name "
                                  "the spec does not know, so there is nothing to template"},
               runbook=metrics_absent),
    )


def raft_alerts(config: Config) -> tuple[Alert, ...]:
    members = _members(config)
    window = config.leader_changes_window
    # Each member's own increase, so a member restart is a counter reset increase() handles;
    # the highest of them counts a change once however many members saw it. (Taking the
    # increase of the highest counter instead, as the upstream mixin does, reads a restart of
    # the member that has seen the most changes as a burst of changes: KG204.)
    changes = (
        f"max without ({members}) (increase(etcd_server_leader_changes_seen_total[{window}])) "
        f">= {config.leader_changes_threshold}"
    )
    high_number_of_leader_changes = Runbook(
        meaning="The cluster elected a new leader several times within the window.",
        impact="Each election pauses writes for about an election timeout and fails in-flight "
               "proposals; frequent elections show up as API server latency and errors.",
        diagnosis="Elections follow missed heartbeats: check WAL fsync and backend commit "
                  "latency, peer round-trip time, CPU throttling of the etcd pods, and "
                  "members restarting (`kubectl -n kube-system get pods -l component=etcd`, "
                  "RESTARTS column).",
        mitigation="Give etcd fast dedicated disks and enough CPU, keep members in one region, "
                   "and only then consider raising `--heartbeat-interval` and "
                   "`--election-timeout` together.",
    )
    high_number_of_failed_proposals = Runbook(
        meaning="A member keeps failing Raft proposals (writes that could not be committed).",
        impact="Client writes through this member fail and are retried, adding latency.",
        diagnosis="Failed proposals come with leader elections and quorum trouble: look at "
                  "etcdHighNumberOfLeaderChanges, etcdNoLeader and member health first.",
        mitigation="Resolve the election or quorum problem; the failures stop with it.",
    )
    return (
        _alert(config, "etcdHighNumberOfLeaderChanges", WARNING, config.leader_changes_for,
               changes,
               "An etcd cluster keeps electing new leaders.",
               f"Cluster {_cluster(config)} changed leader {kit.humanize()} times in "
               f"the last {window}. Frequent elections stall writes; look for slow disks, CPU "
               "starvation or a flaky network between members.",
               leader_changes_examples(config), suppress={"KG205": SYSDIG_ONLY},
               runbook=high_number_of_leader_changes),
        _alert(config, "etcdHighNumberOfFailedProposals", WARNING, config.failed_proposals_for,
               f"rate(etcd_server_proposals_failed_total[15m]) > "
               f"{config.failed_proposals_per_second:g}",
               "An etcd member keeps failing Raft proposals.",
               f"Member {MEMBER} of cluster {_cluster(config)} failed {kit.humanize()} "
               "proposals per second over the last 15 minutes, usually during leader elections "
               "or while quorum is lost.",
               failed_proposals_examples(config),
               runbook=high_number_of_failed_proposals),
    )


def _grpc_errors(config: Config, severity: Severity, percent: float, for_: str) -> Alert:
    # Per member and method, unary calls and streams alike, every label but the code kept.
    high_number_of_failed_grpc_requests = Runbook(
        meaning="A share of the gRPC calls of one method that a member served, unary calls and "
                "streams (Watch, LeaseKeepAlive) alike, ended with a code that says the server "
                "failed: Unknown, FailedPrecondition, ResourceExhausted, Internal, "
                "Unavailable, DataLoss or DeadlineExceeded. Codes a client causes (Canceled "
                "when it closes a watch, NotFound, InvalidArgument, ...) never count.",
        impact="Clients, the API server first, see errors for these calls: failed reads and "
               "writes, or watches dropped and re-established; at the critical tier a "
               "noticeable share of Kubernetes API calls fail.",
        diagnosis="Break the failures down by method and code: `sum by (grpc_method, grpc_code) "
                  "(rate(grpc_server_handled_total{grpc_code!~\"OK|Canceled\"}[5m]))` (the "
                  "dashboard's failed-calls panel shows the server-side codes). `Unavailable` "
                  "points at leader or quorum loss, or at a member shedding streams; "
                  "`DeadlineExceeded` at slow disks or overload; `ResourceExhausted` at the "
                  "space quota (etcdDatabaseQuotaLowSpace) or request limits.",
        mitigation="Fix the cause the codes point to; see the runbooks of the matching alerts.",
    )
    return _alert(
        config, "etcdHighNumberOfFailedGRPCRequests", severity, for_,
        f"100 * sum without (grpc_code) (rate({GRPC_SERVER_FAILED}[5m])) "
        f"/ sum without (grpc_code) (rate(grpc_server_handled_total[5m])) > {percent:g}",
        "An etcd member fails many gRPC requests.",
        f"{kit.humanize()}% of {kit.labels('grpc_method')} calls on member "
        f"{MEMBER} of cluster {_cluster(config)} failed on the server's side over the last "
        f"5 minutes (threshold {percent:g}%).",
        grpc_error_examples(config, percent, for_),
        runbook=high_number_of_failed_grpc_requests,
    )


def _slow(config: Config, name: str, severity: Severity, recorded: str, seconds: float,
          summary: str, what: str, examples: tuple[Example, ...], *, runbook: Runbook) -> Alert:
    return _alert(
        config, name, severity, config.latency_for, f"{recorded} > {seconds:g}", summary,
        f"The 99th percentile of {what} on member {MEMBER} of cluster {_cluster(config)} has "
        f"been above {seconds:g}s for {config.latency_for} "
        "(now {{ $value | humanizeDuration }}).",
        examples, runbook=runbook,
    )


def performance_alerts(config: Config) -> tuple[Alert, ...]:
    grpc = "grpc_server_handling_seconds"
    range_calls = {"grpc_type": "unary", "grpc_service": "etcdserverpb.KV", "grpc_method": "Range"}
    defragment = histogram(grpc, 1, ((minutes(config.latency_for) + 8,
                                      10 * config.grpc_p99_seconds),),
                           grpc_type="unary", grpc_service="etcdserverpb.Maintenance",
                           grpc_method="Defragment", **member_labels(config, 0))
    fsync = "etcd_disk_wal_fsync_duration_seconds"
    commit = "etcd_disk_backend_commit_duration_seconds"
    grpc_requests_slow = Runbook(
        meaning="The 99th percentile of a unary gRPC method's handling time on a member is "
                "above the threshold, sustained past the window in which short bursts are "
                "normal.",
        impact="Kubernetes API calls slow down with it; controllers fall behind and clients "
               "time out.",
        diagnosis="See which methods are slow (the alert's `grpc_method`). Slow `Range` calls "
                  "often come from large unpaginated lists (find the client in the API "
                  "server's audit log or `apiserver_request_duration_seconds`); slow `Put` and "
                  "`Txn` follow the disk (etcdHighFsyncDurations, etcdHighCommitDurations). "
                  "Check CPU throttling too.",
        mitigation="Stop the expensive client or make it paginate, move etcd to faster disks, "
                   "and give it dedicated CPU.",
    )
    member_communication_slow = Runbook(
        meaning="The round trip from a member to one of its peers (`To`) is slow at the 99th "
                "percentile.",
        impact="Raft waits on these round trips: commits slow down, and if it gets worse "
               "heartbeats are missed and leaders change.",
        diagnosis="Look for the peer that is slow from every member (then it is the peer) or "
                  "the link that is slow from one member (then it is the network). Measure "
                  "with `ping` between the nodes; check for members in distant zones and for "
                  "snapshot transfers saturating the link (peer traffic panel).",
        mitigation="Keep members on a low-latency network, fix the congested link or slow "
                   "node, and give peer traffic priority over bulk traffic.",
    )
    high_fsync_durations = Runbook(
        meaning="Syncing the write-ahead log to disk is slow at the 99th percentile. Every "
                "write waits for this sync.",
        impact="All writes slow down; past about a second members miss heartbeats and "
               "elections start (the critical tier).",
        diagnosis="The disk is the cause almost always: `iostat -x 1` on the node (await, "
                  "utilization), noisy neighbours on shared or network-attached volumes, "
                  "throttled cloud disks. etcd wants the 99th percentile of fdatasync well "
                  "under 10 ms; `fio` with `--fdatasync=1` on the data directory measures it.",
        mitigation="Put etcd's data (or at least `--wal-dir`) on a dedicated SSD, raise the "
                   "volume's provisioned IOPS, and move other I/O off the disk; `ionice -c2 "
                   "-n0` on the etcd process helps on a shared disk.",
    )
    high_commit_durations = Runbook(
        meaning="Committing batches of changes to the backend database (bbolt) is slow at the "
                "99th percentile.",
        impact="Writes queue up behind slow commits; client latency rises and heavy load can "
               "turn into timeouts.",
        diagnosis="Check the disk as for etcdHighFsyncDurations, and the database size and "
                  "fragmentation: very large or fragmented databases commit more slowly.",
        mitigation="Faster dedicated disks; defragment a fragmented database "
                   "(etcdDatabaseHighFragmentationRatio); remove what bloats it.",
    )
    return (
        _grpc_errors(config, WARNING, config.grpc_error_warning_percent,
                     config.grpc_error_warning_for),
        _grpc_errors(config, CRITICAL, config.grpc_error_critical_percent,
                     config.grpc_error_critical_for),
        _slow(config, "etcdGRPCRequestsSlow", CRITICAL, GRPC_P99, config.grpc_p99_seconds,
              "etcd answers gRPC requests slowly.",
              "{{ $labels.grpc_method }} request time",
              (*slow_examples(config, grpc, config.grpc_p99_seconds, **range_calls),
               silent_on("Defragment, slow by design, takes ten times the threshold",
                         defragment, minutes(config.latency_for) + 7)),
              runbook=grpc_requests_slow),
        _slow(config, "etcdMemberCommunicationSlow", WARNING, PEER_RTT_P99,
              config.peer_rtt_p99_seconds, "etcd members are slow to reach each other.",
              "the round trip to peer {{ $labels.To }}",
              slow_examples(config, "etcd_network_peer_round_trip_time_seconds",
                             config.peer_rtt_p99_seconds, To="m1"),
              runbook=member_communication_slow),
        _slow(config, "etcdHighFsyncDurations", WARNING, FSYNC_P99,
              config.fsync_warning_p99_seconds, "etcd's write-ahead log is slow to sync to disk.",
              "WAL fsync time", slow_examples(config, fsync, config.fsync_warning_p99_seconds),
              runbook=high_fsync_durations),
        _slow(config, "etcdHighFsyncDurations", CRITICAL, FSYNC_P99,
              config.fsync_critical_p99_seconds,
              "etcd's write-ahead log is very slow to sync to disk.", "WAL fsync time",
              slow_examples(config, fsync, config.fsync_critical_p99_seconds),
              runbook=high_fsync_durations),
        _slow(config, "etcdHighCommitDurations", WARNING, COMMIT_P99, config.commit_p99_seconds,
              "etcd is slow to commit to its backend database.", "backend commit time",
              slow_examples(config, commit, config.commit_p99_seconds),
              runbook=high_commit_durations),
    )


QUOTA = 8 * 1024**3
"""The backend quota of the storage examples (etcd's suggested maximum, 8 GiB)."""


def quota_examples(config: Config) -> tuple[Example, ...]:
    for_, limit = minutes(config.quota_for), config.quota_percent
    end, full = for_ + 4, (100 + limit) / 2

    def database(percent: float, member: int) -> tuple[Series, ...]:
        return (gauge("etcd_mvcc_db_total_size_in_bytes", int(QUOTA * percent / 100), end,
                      **member_labels(config, member)),
                gauge("etcd_server_quota_backend_bytes", QUOTA, end,
                      **member_labels(config, member)))

    return (
        fires_when(f"a database fills {full:g}% of its quota", database(full, 0), for_ + 2,
                   instance="m0"),
        silent_on(f"a database fills {limit / 2:g}% of its quota", database(limit / 2, 1),
                  end - 1),
        silent_on(f"a database has filled {full:g}% of its quota for {max(for_ - 1, 0)} minutes",
                  database(full, 0), max(for_ - 1, 0)),
    )


def growth_examples(config: Config) -> tuple[Example, ...]:
    for_, horizon = minutes(config.growth_for), minutes(config.growth_horizon)
    end = for_ + 4
    size = "etcd_mvcc_db_total_size_in_bytes"

    def database(*phases: Phase) -> tuple[Series, ...]:
        return (series(size, *phases, **member_labels(config, 0)),
                gauge("etcd_server_quota_backend_bytes", QUOTA, end, **member_labels(config, 0)))

    # From a tenth of the quota, growing by a whole quota per horizon.
    growing = database(hold(QUOTA // 10, 1), rise(QUOTA / (horizon * 60), end - 1))
    return (
        fires_when(f"a database grows by its quota every {config.growth_horizon}", growing,
                   for_ + 2, instance="m0"),
        silent_on("a database stays at half its quota", database(hold(QUOTA // 2, end)),
                  end - 1),
        silent_on(f"a database has grown by its quota every {config.growth_horizon} "
                  f"for {max(for_ - 1, 0)} minutes", growing, max(for_ - 1, 0)),
    )


def fragmentation_examples(config: Config) -> tuple[Example, ...]:
    for_, ratio = minutes(config.fragmentation_for), config.fragmentation_ratio
    end, large = for_ + 4, 3 * config.fragmentation_min_bytes or 3 * 1024**3

    def database(in_use: int, used: float, member: int = 0) -> tuple[Series, ...]:
        return (gauge("etcd_mvcc_db_total_size_in_use_in_bytes", in_use, end,
                      **member_labels(config, member)),
                gauge("etcd_mvcc_db_total_size_in_bytes", int(in_use / used), end,
                      **member_labels(config, member)))

    mostly_free = database(large, ratio / 2)
    return (
        fires_when(f"a database of {large} bytes in use is {ratio / 2:.0%} live data",
                   mostly_free, for_ + 2, instance="m0"),
        silent_on(f"a database of {large} bytes in use is {(1 + ratio) / 2:.0%} live data",
                  database(large, (1 + ratio) / 2, 1), end - 1),
        silent_on(f"a database of {config.fragmentation_min_bytes // 2} bytes in use is "
                  f"{ratio / 2:.0%} live data",
                  database(config.fragmentation_min_bytes // 2, ratio / 2, 2), end - 1),
        silent_on(f"a database has been mostly free for {max(for_ - 1, 0)} minutes", mostly_free,
                  max(for_ - 1, 0)),
    )


def storage_alerts(config: Config) -> tuple[Alert, ...]:
    size, quota = "etcd_mvcc_db_total_size_in_bytes", "etcd_server_quota_backend_bytes"
    in_use = "etcd_mvcc_db_total_size_in_use_in_bytes"
    horizon = config.growth_horizon
    database_quota_low_space = Runbook(
        meaning="A member's database file is close to its space quota "
                "(`--quota-backend-bytes`).",
        impact="At the quota etcd raises the NOSPACE alarm and refuses every write until it is "
               "cleared: the Kubernetes API stops accepting changes.",
        diagnosis="`etcdctl endpoint status --cluster -w table` (DB SIZE) and `etcdctl alarm "
                  "list`. Find what grows: the API server's `apiserver_storage_objects` by "
                  "resource, often Events or a runaway custom resource; check that "
                  "compaction runs (the API server compacts every 5 minutes by default).",
        mitigation="Delete what should not be there, compact (`etcdctl compact <revision>`), "
                   "then defragment one member at a time (`etcdctl defrag --endpoints <one "
                   "member>`) and `etcdctl alarm disarm`. Raise the quota only with the disk "
                   "and memory to back it (etcd suggests at most 8 GiB).",
    )
    excessive_database_growth = Runbook(
        meaning="At the pace of the last hours, a member's database will reach its quota "
                "within the horizon.",
        impact="If nothing changes, writes stop when the quota is hit (etcdDatabaseQuotaLowSpace).",
        diagnosis="Find the writer: the write rate panel and etcdHighRequestRate, and the API "
                  "server's `apiserver_storage_objects` and `apiserver_request_total` by "
                  "resource and verb. A stopped compaction also makes the file grow.",
        mitigation="Stop the runaway writer or shorten what it keeps; compact and defragment; "
                   "raise the quota as a stopgap when the disk allows.",
    )
    database_high_fragmentation_ratio = Runbook(
        meaning="Less than the configured share of a member's database file holds live data; "
                "the rest is free pages left by compaction.",
        impact="Disk space is wasted and counts against the quota; snapshots and member "
               "restarts take longer.",
        diagnosis="Compare DB SIZE with DB SIZE IN USE in `etcdctl endpoint status --cluster "
                  "-w table` (etcd 3.5+).",
        mitigation="Defragment one member at a time: `etcdctl defrag --endpoints <member>`. "
                   "A member blocks reads and writes while it defragments, so never run it "
                   "on all members at once.",
    )
    return (
        _alert(config, "etcdDatabaseQuotaLowSpace", CRITICAL, config.quota_for,
               f"100 * last_over_time({size}[5m]) / last_over_time({quota}[5m]) "
               f"> {config.quota_percent:g}",
               "An etcd database is about to hit its quota.",
               f"The database of member {MEMBER} of cluster {_cluster(config)} fills "
               "{{ $value | humanize }}% of its quota. At the quota etcd refuses every write "
               "until it is compacted, defragmented and the NOSPACE alarm disarmed.",
               quota_examples(config),
               runbook=database_quota_low_space),
        _alert(config, "etcdExcessiveDatabaseGrowth", WARNING, config.growth_for,
               f"predict_linear({size}[{horizon}], {_seconds(horizon)}) > {quota}",
               "An etcd database is growing towards its quota.",
               f"At the pace of the last {horizon}, the database of member {MEMBER} of cluster "
               f"{_cluster(config)} reaches its quota within {horizon}. Look for a client writing "
               "unusually much, or for a compaction that no longer runs.",
               growth_examples(config),
               runbook=excessive_database_growth),
        _alert(config, "etcdDatabaseHighFragmentationRatio", WARNING, config.fragmentation_for,
               f"last_over_time({in_use}[5m]) / last_over_time({size}[5m]) "
               f"< {config.fragmentation_ratio:g} and {in_use} > {config.fragmentation_min_bytes}",
               "An etcd database file is mostly free space.",
               "Only {{ $value | humanizePercentage }} of the database file of member "
               f"{MEMBER} of cluster {_cluster(config)} holds live data. A defragmentation of this "
               "member would give the rest back to the disk.",
               fragmentation_examples(config),
               runbook=database_high_fragmentation_ratio),
    )


def _seconds(duration: str) -> int:
    return int(duration_seconds(duration))


def request_rate_examples(config: Config) -> tuple[Example, ...]:
    for_, limit = minutes(config.request_rate_for), config.request_rate_per_second
    end, started = for_ + 5, "grpc_server_started_total"

    def load(writes: float) -> tuple[Series, ...]:
        """`writes` a second spread over the three members, and a hundred times that in reads."""
        kv = {"grpc_type": "unary", "grpc_service": "etcdserverpb.KV"}
        return (*(counter(started, writes / 3, end, grpc_method=method, **kv,
                          **member_labels(config, index))
                  for index, method in enumerate(("Txn", "Put", "DeleteRange"))),
                counter(started, 100 * limit, end, grpc_method="Range", **kv,
                        **member_labels(config, 0)))

    return (
        fires_when(f"the cluster takes {2 * limit:g} writes a second", load(2 * limit), for_ + 3),
        silent_on(f"the cluster takes {limit / 2:g} writes a second and many reads",
                  load(limit / 2), end - 1),
        silent_on(f"the cluster has taken {2 * limit:g} writes a second for "
                  f"{max(for_ - 1, 0)} minutes", load(2 * limit), max(for_ - 1, 0)),
    )


def load_alerts(config: Config) -> tuple[Alert, ...]:
    members = _members(config)
    window = config.request_rate_window
    # Writes counted as client requests: grpc_server_started_total counts each call once, on the
    # member the client talks to, so the sum over members is the cluster's rate. (The mvcc
    # put/delete counters count every write again on every member, and each op of a Txn apart.)
    writes = (
        'grpc_server_started_total{grpc_service="etcdserverpb.KV", '
        'grpc_method=~"Put|DeleteRange|Txn"}'
    )
    high_request_rate = Runbook(
        meaning="The cluster receives more writes (Put, DeleteRange, Txn) per second than the "
                "threshold, averaged over the window, for a sustained time.",
        impact="High write load raises latency for every client and grows the database "
               "quickly; it often precedes latency and space alerts.",
        diagnosis="Expected during big rollouts and node drains. Otherwise find the writer: "
                  "`sum by (resource, verb) (rate(apiserver_request_total{verb=~\"POST|PUT|"
                  "PATCH|DELETE\"}[5m]))` on the API server, and its audit log for the user "
                  "agent; a controller stuck in an update loop is the classic cause.",
        mitigation="Fix or scale down the looping controller; if the load is legitimate, "
                   "raise `request_rate_per_second` in kgen.yaml to the new normal.",
    )
    return (
        _alert(config, "etcdHighRequestRate", WARNING, config.request_rate_for,
               f"sum without ({members}, grpc_type, grpc_service, grpc_method) "
               f"(rate({writes}[{window}])) > "
               f"{config.request_rate_per_second:g}",
               "An etcd cluster receives an unusually high rate of writes.",
               f"Cluster {_cluster(config)} has received {kit.humanize()} writes (Put, "
               f"DeleteRange, Txn) per second, averaged over {window}, for "
               f"{config.request_rate_for}. Heavy rollouts and node drains cause this; "
               "so do controllers stuck in an update loop.",
               request_rate_examples(config), suppress={"KG205": SYSDIG_ONLY},
               runbook=high_request_rate),
    )


def alerts(config: Config) -> tuple[Alert, ...]:
    return (
        *availability_alerts(config),
        *raft_alerts(config),
        *performance_alerts(config),
        *storage_alerts(config),
        *load_alerts(config),
    )
