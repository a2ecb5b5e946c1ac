"""Calico: Felix's dataplane agent (calico-node) and the calico-kube-controllers.

Felix exposes Prometheus metrics once `prometheusMetricsEnabled` is set on the default
FelixConfiguration: calico-node on port 9091, calico-kube-controllers on 9094. The
kube-controllers' IPAM metrics (pool size, addresses in use, blocks, borrowed addresses, leak
candidates) are those of kube-controllers/pkg/controllers/node/ipam.go, the same names from
Calico v3.23.3 through v3.32.1.
"""

import math

from pydantic import Field

from generator import kit
from generator.absence import targets_gone
from generator.kit import SpecConfig, panel
from generator.model import (
    Alert,
    Dashboard,
    Flavor,
    Integration,
    KubernetesSD,
    Metric,
    MetricType,
    PanelKind,
    Role,
    Row,
    Runbook,
    ScrapeJob,
    Series,
    Severity,
    Signal,
    Threshold,
    Variable,
)
from generator.model.examples import (
    Example,
    counter,
    elsewhere,
    fires_when,
    gauge,
    hold,
    jump,
    minutes,
    quantile,
    series,
    silent_on,
    target,
)
from generator.model.types import Duration

COUNTER, GAUGE, SUMMARY = MetricType.COUNTER, MetricType.GAUGE, MetricType.SUMMARY
ERRORS, LATENCY = Signal.ERRORS, Signal.LATENCY
SATURATION, TRAFFIC = Signal.SATURATION, Signal.TRAFFIC


class Config(SpecConfig):
    """Knobs for the Calico integration; every default is explained beside it."""

    selector: str = 'job=~"calico-node.*|calico-(kube-)?controllers?.*"'
    """Scopes every query: matches both components' jobs, `calico-node` and
    `calico-kube-controllers` (prometheus flavor), `calico-node-default` and
    `calico-controller-default` (Sysdig agent). A selector that leaves the kube-controllers out
    leaves the IPAM panels empty and fires CalicoKubeControllersMetricsAbsent."""

    node_port: int = Field(default=9091, ge=1, le=65535)
    """Felix's default `prometheusMetricsPort`."""
    controllers_port: int = Field(default=9094, ge=1, le=65535)
    """calico-kube-controllers' default metrics port."""

    error_window: Duration = "5m"
    """Errors are counted over this window."""
    error_threshold: float = Field(default=0, ge=0)
    """An error alert's window must hold more than this many errors ..."""
    error_for: Duration = "15m"
    """... in every evaluation for this long. A single isolated error keeps the 5m window
    non-zero for only five minutes, so it never fires; failures that keep recurring do."""

    latency_for: Duration = "15m"
    """Felix's latency summaries report quantiles over a sliding 10-minute window (client_golang's
    default MaxAge), so one slow burst keeps p99 high for up to ten minutes. Fifteen minutes
    outlasts that: a blip of a couple of minutes never pages, a sustained slowdown does."""
    datastore_update_p99_seconds: float = Field(default=1.0, gt=0)
    """Applying one datastore update to the calculation graph normally takes milliseconds; a
    second at p99 means Felix is falling behind the API server."""
    dataplane_apply_p99_seconds: float = Field(default=5.0, gt=0)
    """A dataplane apply rewrites iptables/ipsets and can take seconds on large nodes, hence the
    higher bar; past five seconds policy changes visibly lag."""
    iptables_lock_p99_seconds: float = Field(default=1.0, gt=0)
    """The xtables lock is shared with kube-proxy; waiting a second for it means contention."""
    interface_list_p99_seconds: float = Field(default=1.0, gt=0)
    """Listing the interfaces in a route resync is a netlink dump: milliseconds when healthy."""
    interface_resync_p99_seconds: float = Field(default=1.0, gt=0)
    """Syncing one interface's routes: milliseconds when healthy."""
    fork_exec_p99_seconds: float = Field(default=1.0, gt=0)
    """Forking ipset/iptables-restore takes milliseconds; a second means a starved host."""

    down_for: Duration = "10m"
    """How long one scrape target (a node's Felix, the kube-controllers) may fail before it
    warns; a calico-node restart or upgrade takes a minute or two."""
    absent_for: Duration = "10m"
    """How long no Felix (or kube-controllers) target may be discovered before it warns."""
    absent_lookback: Duration = "1d"
    """With a `cluster_label`, the absence alerts fire for each cluster that had targets within
    this window and has none now; a cluster gone for longer counts as retired."""

    ippool_usage_percent: float = Field(default=90, gt=0, le=100)
    """Share of an IP pool's addresses in use (percent) above which new pods may soon get no
    address; allocation goes by blocks, so a pool can run dry of free blocks before this."""
    ippool_for: Duration = "15m"
    """How long a pool must stay that full: allocations move slowly, a rollout's surge passes."""


# The metric catalog: the single source of truth for keep-lists, checks and docs. Felix's
# metrics are the ones calico-node's keep-list keeps.
FELIX_METRICS = (
    Metric(name="felix_calc_graph_update_time_seconds", type=SUMMARY, unit="seconds",
           signal=LATENCY,
           help="Time Felix spends applying one datastore update to its calculation graph."),
    Metric(name="felix_cluster_num_hosts", type=GAUGE, unit="hosts",
           help="Number of Calico hosts in the cluster, as seen by this Felix."),
    Metric(name="felix_cluster_num_policies", type=GAUGE, unit="policies",
           help="Number of active network policies in the cluster."),
    Metric(name="felix_cluster_num_profiles", type=GAUGE, unit="profiles",
           help="Number of active profiles in the cluster."),
    Metric(name="felix_exec_time_micros", type=SUMMARY, unit="microseconds", signal=LATENCY,
           help="Time taken to fork and exec a child process (ipset, iptables-restore, ...)."),
    Metric(name="felix_int_dataplane_addr_msg_batch_size", type=SUMMARY, unit="messages",
           signal=SATURATION,
           help="Interface-address messages handled per dataplane batch."),
    Metric(name="felix_int_dataplane_apply_time_seconds", type=SUMMARY, unit="seconds",
           signal=LATENCY, help="Time taken to apply one update to the dataplane."),
    Metric(name="felix_int_dataplane_failures", type=COUNTER, unit="failures", signal=ERRORS,
           help="Dataplane updates that failed and will be retried."),
    Metric(name="felix_int_dataplane_iface_msg_batch_size", type=SUMMARY, unit="messages",
           signal=SATURATION, help="Interface-state messages handled per dataplane batch."),
    Metric(name="felix_int_dataplane_msg_batch_size", type=SUMMARY, unit="messages",
           signal=SATURATION, help="Messages handled per dataplane batch."),
    Metric(name="felix_ipset_calls", type=COUNTER, unit="calls", signal=TRAFFIC,
           help="ipset commands run."),
    Metric(name="felix_ipset_errors", type=COUNTER, unit="errors", signal=ERRORS,
           help="ipset commands that failed."),
    Metric(name="felix_ipset_lines_executed", type=COUNTER, unit="lines", signal=TRAFFIC,
           help="ipset operations (input lines) run."),
    Metric(name="felix_iptables_lines_executed", type=COUNTER, unit="lines", signal=TRAFFIC,
           labels=("ip_version", "table"), help="iptables rule updates (input lines) run."),
    Metric(name="felix_iptables_lock_acquire_secs", type=SUMMARY, unit="seconds",
           signal=LATENCY, help="Time taken to acquire the xtables lock."),
    Metric(name="felix_iptables_restore_calls", type=COUNTER, unit="calls", signal=TRAFFIC,
           help="iptables-restore runs."),
    Metric(name="felix_iptables_restore_errors", type=COUNTER, unit="errors", signal=ERRORS,
           help="iptables-restore runs that failed."),
    Metric(name="felix_iptables_save_calls", type=COUNTER, unit="calls", signal=TRAFFIC,
           help="iptables-save runs."),
    Metric(name="felix_iptables_save_errors", type=COUNTER, unit="errors", signal=ERRORS,
           help="iptables-save runs that failed."),
    Metric(name="felix_log_errors", type=COUNTER, unit="errors", signal=ERRORS,
           help="Errors Felix hit while writing its own log."),
    Metric(name="felix_route_table_list_seconds", type=SUMMARY, unit="seconds", signal=LATENCY,
           help="Time taken to list every interface during a route-table resync."),
    Metric(name="felix_route_table_per_iface_sync_seconds", type=SUMMARY, unit="seconds",
           signal=LATENCY, help="Time taken to sync the routes of one interface."),
)
CONTROLLERS_METRICS = (
    Metric(name="ipam_ippool_size", type=GAUGE, unit="addresses", signal=SATURATION,
           labels=("ippool",), help="Addresses in each IP pool (from its CIDR)."),
    Metric(name="ipam_allocations_in_use", type=GAUGE, unit="addresses", signal=SATURATION,
           labels=("ippool", "node"),
           help="Addresses allocated to workloads or tunnel endpoints, by pool and node."),
    Metric(name="ipam_allocations_borrowed", type=GAUGE, unit="addresses", signal=SATURATION,
           labels=("ippool", "node"),
           help="Allocated addresses a node took from a block affine to another node."),
    Metric(name="ipam_blocks", type=GAUGE, unit="blocks", signal=SATURATION,
           labels=("ippool", "node"), help="IPAM blocks allocated, by pool and affine node."),
    Metric(name="ipam_allocations_gc_candidates", type=GAUGE, unit="addresses", signal=ERRORS,
           labels=("ippool", "node"),
           help="Allocations the garbage collector suspects leaked; back to 0 once confirmed "
                "or reclaimed."),
    Metric(name="ipam_allocations_gc_reclamations", type=COUNTER, unit="addresses",
           signal=ERRORS, labels=("ippool", "node"),
           help="Leaked allocations the garbage collector has reclaimed (a counter without "
                "the `_total` suffix)."),
)
METRICS = FELIX_METRICS + CONTROLLERS_METRICS


# Setup steps, rendered into the generated docs page (out/docs/calico.md); each alert carries
# its runbook, written in the function that builds it.
NODE_LOGS = ("`kubectl -n calico-system logs <calico-node pod> -c calico-node`, or `-n "
             "kube-system` for manifest installs")

SETUP = (
    "Turn on Felix's metrics: `kubectl patch felixconfiguration default --type merge "
    "--patch '{\"spec\": {\"prometheusMetricsEnabled\": true}}'`. Felix then serves "
    "`/metrics` on port 9091 (`prometheusMetricsPort`) on every node.",
    "Turn on the kube-controllers' metrics: `kubectl patch kubecontrollersconfiguration default "
    "--type merge --patch '{\"spec\": {\"prometheusMetricsPort\": 9094}}'`.",
    "Prometheus (flavor `prometheus`): load `scrape-jobs/prometheus/calico.yaml`. Its jobs find "
    "running pods by container name (`calico-node`, `calico-kube-controllers`) in any namespace "
    "and scrape the pod IP on the ports above; calico-node runs on the host network, so the "
    "scraper must reach node IPs on 9091.",
    "Sysdig agent (flavor `sysdig-agent`): add `scrape-jobs/sysdig-agent/calico.yaml` to the "
    "agent's `prometheus.yaml`. Each agent scrapes the Calico pods on its own host "
    "(`__HOSTIPS__`). Pods are picked by container name, or by the annotation "
    "`promcat.sysdig.com/integration_type: calico` (`calico-controller` for the "
    "kube-controllers); `promcat.sysdig.com/omit: \"true\"` leaves a pod out.",
    "If the ports differ in your cluster, set `node_port` and `controllers_port` in kgen.yaml "
    "rather than editing the output. The scrape-health alerts tell Felix's targets from the "
    "kube-controllers' by these ports (the `instance` label ends in `:<port>`), so a job can be "
    "called anything the `selector` matches.",
    "The `selector` must match both components' jobs: Felix's metrics feed the Felix "
    "dashboard and alerts, the kube-controllers' IPAM metrics the Calico / IPAM dashboard and "
    "CalicoIPPoolNearlyExhausted.",
)

CONTROLLERS_LOGS = ("`kubectl -n calico-system logs deploy/calico-kube-controllers`, or `-n "
                    "kube-system` for manifest installs")



FAILING, HEALTHY, BLIPPING = "10.0.0.1:9091", "10.0.0.2:9091", "10.0.0.3:9091"
"""The Felix nodes of the examples: one failing, one healthy (a near miss), one with a blip."""


def error_examples(config: Config, metric: str, what: str) -> tuple[Example, ...]:
    """Failing: twice the threshold's errors per window (at least one), which fires once `for`
    has passed. A near miss: half the threshold. An isolated burst of the failing count stays
    silent: it leaves the window before `for` is over (we look while it is still in it)."""
    window, for_ = minutes(config.error_window), minutes(config.error_for)
    per_window = max(2 * config.error_threshold, 1)
    end = window + for_ + 5

    def errors(per: float, instance: str) -> tuple[Series, ...]:
        return (counter(metric, per / (window * 60), end, instance=instance),)

    burst = (jump(metric, 0, math.ceil(per_window), 10, end, instance=BLIPPING),)
    return (
        fires_when(f"Felix records {per_window:g} {what} every {config.error_window}",
                   errors(per_window, FAILING), window + for_ + 2, instance=FAILING),
        silent_on(f"Felix records {config.error_threshold / 2:g} {what} every "
                  f"{config.error_window}", errors(config.error_threshold / 2, HEALTHY), end - 1),
        silent_on(f"Felix records {math.ceil(per_window)} {what} at once, then no more", burst,
                  10 + min(window, for_) - 1),
    )


def _error_alert(config: Config, name: str, metric: str, summary: str, what: str, *,
                 runbook: Runbook) -> Alert:
    window = config.error_window
    return Alert(
        name=name,
        expr=f"increase({metric}[{window}]) > {config.error_threshold:g}",
        for_=config.error_for,
        severity=Severity.WARNING,
        summary=summary,
        description=(
            f"Felix on {kit.labels('instance')} recorded {kit.humanize()} {what} "
            f"in the last {window}, and has kept failing for {config.error_for}."
        ),
        runbook=runbook,
        examples=error_examples(config, metric, what),
    )


def latency_examples(config: Config, metric: str, threshold: float,
                     unit: str) -> tuple[Example, ...]:
    """p99 at twice the threshold fires after `for`; half of it is a near miss; a slow spell
    that keeps p99 high for less than `for` (the summary's 10-minute window included) does not."""
    for_ = minutes(config.latency_for)
    end = for_ + 4
    slow, fast = 2 * threshold, threshold / 2
    spell = max(for_ - 2, 1)
    return (
        fires_when(f"p99 stays at {slow:g}{unit} for {end} minutes",
                   (quantile(metric, "0.99", hold(slow, end), instance=FAILING),),
                   for_ + 2, instance=FAILING),
        silent_on(f"p99 stays at {fast:g}{unit}, half the threshold",
                  (quantile(metric, "0.99", hold(fast, end), instance=HEALTHY),), end - 1),
        silent_on(f"p99 rises to {slow:g}{unit} for {spell} minutes",
                  (quantile(metric, "0.99", hold(fast, 4), hold(slow, spell),
                            hold(fast, end - 4 - spell), instance=BLIPPING),),
                  4 + spell - 1),
    )


def _latency_alert(
    config: Config, name: str, metric: str, threshold: float, summary: str, what: str,
    scale: float = 1.0, *, runbook: Runbook,
) -> Alert:
    """p99 of a Felix latency summary above `threshold` seconds (`scale` converts the unit)."""
    return Alert(
        name=name,
        expr=f'{metric}{{quantile="0.99"}} > {threshold * scale:g}',
        for_=config.latency_for,
        severity=Severity.WARNING,
        summary=summary,
        description=(
            f"The 99th percentile of {what} on {kit.labels('instance')} has been above "
            f"{threshold:g}s for {config.latency_for} (now {kit.humanize()}"
            f"{'µs' if scale == 1e6 else 's'})."
        ),
        runbook=runbook,
        examples=latency_examples(config, metric, threshold * scale,
                                  "µs" if scale == 1e6 else "s"),
    )


def _target(port: int) -> str:
    """`up` of one component's targets: every scrape job we generate puts the port it scrapes
    in `instance`, whatever the job is called."""
    return f'up{{instance=~".+:{port}"}}'


def down_examples(config: Config, port: int, other_port: int) -> tuple[Example, ...]:
    """One target of the component down for good fires, once, for that target; a restart
    shorter than `for` does not; a target of the other component (another port) never counts."""
    for_ = minutes(config.down_for)
    end, restart = for_ + 6, max(for_ - 2, 1)
    down, up = f"10.0.0.1:{port}", f"10.0.0.2:{port}"
    healthy = target(hold(1, end), instance=up, node="node-2")
    return (
        fires_when(f"the target on node-1 stays down for {end} minutes",
                   (target(hold(0, end), instance=down, node="node-1"), healthy), for_ + 2,
                   instance=down, node="node-1"),
        silent_on(f"the target on node-1 restarts for {restart} minute(s)",
                  (target(hold(1, 5), hold(0, restart), hold(1, end - 5 - restart),
                          instance=down, node="node-1"), healthy), 5 + restart - 1),
        silent_on("a target on another port is down",
                  (target(hold(0, end), instance=f"10.1.0.9:{other_port}"), healthy), end - 1),
    )


def absent_examples(config: Config, port: int, other_port: int) -> tuple[Example, ...]:
    """No target of the component fires after `for`, whatever else is scraped; one target is
    enough to stay silent."""
    for_ = minutes(config.absent_for)
    end = for_ + 4
    others = (elsewhere("up", end), target(hold(1, end), instance=f"10.1.0.9:{other_port}"))
    return (
        fires_when("only other targets are scraped", others, for_ + 2),
        silent_on("one target of the component is scraped",
                  (*others, target(hold(1, end), instance=f"10.0.0.1:{port}")), end - 1),
        silent_on(f"no target of the component for {max(for_ - 1, 0)} minutes", others,
                  max(for_ - 1, 0)),
    )


def scrape_alerts(config: Config) -> tuple[Alert, ...]:
    """A target down, and no target at all, for calico-node and for the kube-controllers."""
    felix, controllers = _target(config.node_port), _target(config.controllers_port)
    gone = {"KG302": "the alert carries at most the cluster label, whose name the spec does not "
                     "know, so there is nothing to template"}
    felix_down = Runbook(
        meaning="Prometheus discovers this node's calico-node pod but cannot scrape Felix's "
                "metrics port: the scrape has failed for the whole window.",
        impact="Every Felix alert is blind for this node. If Felix itself is down, policy and "
               "route changes stop reaching the node: new pods there get no connectivity and "
               "policy edits do not apply.",
        diagnosis="Check the pod: `kubectl get pods -A -o wide --field-selector "
                  "spec.nodeName=<node> | grep calico-node` (restarts, readiness) and its log ("
                  + NODE_LOGS + "). If the pod is healthy, the scrape is the problem: the "
                  "target's error on the Prometheus targets page, `curl http://<node IP>:9091"
                  "/metrics` from the scraper's network, host firewalls on 9091, and "
                  "`prometheusMetricsEnabled` in the FelixConfiguration (a per-node "
                  "`node.<name>` FelixConfiguration can turn it off for one node).",
        mitigation="Restart a failing calico-node pod (`kubectl delete pod`); fix the node "
                   "(disk, memory, kernel) if it keeps failing. For a scrape-only failure, open "
                   "port 9091 to the scraper or correct `node_port` in kgen.yaml.",
    )
    metrics_absent = Runbook(
        meaning="No Felix target is discovered at all (for this cluster, with a cluster label): "
                "there is no `up` series for calico-node, so nothing says whether it is "
                "healthy.",
        impact="All eleven Felix alerts are silent whatever happens to the dataplane.",
        diagnosis="Look for the `calico-node` job on the Prometheus targets page and query "
                  "`up{job=~\"calico-node.*\"}`. Check that the scrape configuration is "
                  "loaded, that calico-node pods run (`kubectl get ds -A | grep calico-node`) "
                  "and still have a container named `calico-node`, and that `selector` in "
                  "kgen.yaml matches the job name you use.",
        mitigation="Load or fix the scrape job (or the PodMonitor), or correct the selector; if "
                   "the calico-node DaemonSet is gone, restore the Calico installation.",
    )
    kube_controllers_down = Runbook(
        meaning="The calico-kube-controllers pod is discovered but its metrics port cannot be "
                "scraped.",
        impact="The IP pool alert and the IPAM dashboard are blind. If the controllers "
               "themselves are down, leaked IP addresses are no longer reclaimed and deleted "
               "nodes keep their blocks, so pools fill up over time.",
        diagnosis="`kubectl get pods -A -l k8s-app=calico-kube-controllers` and its log ("
                  + CONTROLLERS_LOGS + "); check `prometheusMetricsPort` in the "
                  "KubeControllersConfiguration (0 turns the metrics off) against "
                  "`controllers_port` in kgen.yaml.",
        mitigation="Restart the deployment (`kubectl rollout restart`), fix its API-server "
                   "access if the log shows authorization errors, or turn the metrics port "
                   "back on.",
    )
    kube_controllers_metrics_absent = Runbook(
        meaning="No calico-kube-controllers target is discovered at all (for this cluster, "
                "with a cluster label).",
        impact="IP pool exhaustion goes unnoticed until pods fail to start.",
        diagnosis="Look for the `calico-kube-controllers` job on the Prometheus targets page; "
                  "check that the deployment runs with a container named "
                  "`calico-kube-controllers`, and that `selector` in kgen.yaml matches its job "
                  "as well as calico-node's.",
        mitigation="Load or fix the scrape job, or widen the selector to both Calico jobs.",
    )
    return (
        _alert("CalicoFelixDown", Severity.WARNING, config.down_for, f"{felix} == 0",
               "Felix on a Calico node cannot be scraped.",
               f"Scraping Felix on {kit.labels('instance')} has failed for {config.down_for}: "
               "calico-node on that node is down, or its metrics port is unreachable.",
               down_examples(config, config.node_port, config.controllers_port),
               runbook=felix_down),
        _alert("CalicoMetricsAbsent", Severity.WARNING, config.absent_for,
               targets_gone(felix, config.absent_lookback),
               "No Felix target is being scraped.",
               f"No calico-node target matching {config.selector} on port {config.node_port} "
               f"has been discovered for {config.absent_for}; every Felix alert is blind.",
               absent_examples(config, config.node_port, config.controllers_port),
               suppress=gone,
               runbook=metrics_absent),
        _alert("CalicoKubeControllersDown", Severity.WARNING, config.down_for,
               f"{controllers} == 0",
               "The Calico kube-controllers cannot be scraped.",
               f"Scraping calico-kube-controllers on {kit.labels('instance')} has failed for "
               f"{config.down_for}: the controllers are down, or their metrics port is off.",
               down_examples(config, config.controllers_port, config.node_port),
               runbook=kube_controllers_down),
        _alert("CalicoKubeControllersMetricsAbsent", Severity.WARNING, config.absent_for,
               targets_gone(controllers, config.absent_lookback),
               "No Calico kube-controllers target is being scraped.",
               f"No calico-kube-controllers target matching {config.selector} on port "
               f"{config.controllers_port} has been discovered for {config.absent_for}; IP "
               "pool use is not watched.",
               absent_examples(config, config.controllers_port, config.node_port),
               suppress=gone,
               runbook=kube_controllers_metrics_absent),
    )


def ippool_examples(config: Config) -> tuple[Example, ...]:
    """A pool of 256 addresses used past the threshold (half way to full) fires; half the
    threshold is a near miss; a rollout's surge shorter than `for` does not fire."""
    for_, limit = minutes(config.ippool_for), config.ippool_usage_percent
    end, surge = for_ + 4, max(for_ - 2, 1)
    pool, controllers = "default-ipv4-ippool", f"10.1.0.9:{config.controllers_port}"
    full, quiet = 256 * (100 + limit) / 200, 256 * limit / 200

    def used(*per_node: Series) -> tuple[Series, ...]:
        return (gauge("ipam_ippool_size", 256, end, ippool=pool, instance=controllers),
                *per_node)

    def node(name: str, *phases: tuple[float, int]) -> Series:
        return series("ipam_allocations_in_use", *(hold(v, n) for v, n in phases),
                      ippool=pool, node=name, instance=controllers)

    return (
        fires_when(f"{100 * full / 256:g}% of the pool is in use across two nodes",
                   used(node("node-1", (full / 2, end)), node("node-2", (full / 2, end))),
                   for_ + 2, ippool=pool),
        silent_on(f"{100 * quiet / 256:g}% of the pool is in use",
                  used(node("node-1", (quiet / 2, end)), node("node-2", (quiet / 2, end))),
                  end - 1),
        silent_on(f"a rollout fills {100 * full / 256:g}% of the pool for {surge} minute(s)",
                  used(node("node-1", (quiet, 3), (full, surge), (quiet, end - 3 - surge))),
                  3 + surge - 1),
    )


def ipam_alerts(config: Config) -> tuple[Alert, ...]:
    percent = config.ippool_usage_percent
    ip_pool_nearly_exhausted = Runbook(
        meaning="Most of an IP pool's addresses are allocated to pods and tunnel endpoints.",
        impact="When the pool (or its free blocks) runs out, new pods stay in "
               "ContainerCreating with `failed to allocate` errors from the CNI plugin, and "
               "nodes that join get no block.",
        diagnosis="`calicoctl ipam show --show-blocks` shows each pool's use and its blocks; "
                  "the IPAM dashboard shows use by pool, blocks by node and leak candidates. "
                  "Compare with the pod count: far more addresses than pods means leaks "
                  "(`calicoctl ipam check`); many half-empty blocks mean a block size too "
                  "large for the pods per node.",
        mitigation="Release leaked addresses (`calicoctl ipam check -o report.json`, then "
                   "`calicoctl ipam release --from-report report.json`), remove nodes that no "
                   "longer exist, or add another IP pool: pods take addresses from any enabled "
                   "pool their selectors allow. A pool's CIDR cannot grow in place.",
    )
    return (
        _alert("CalicoIPPoolNearlyExhausted", Severity.WARNING, config.ippool_for,
               f"100 * sum without (node) (ipam_allocations_in_use) / ipam_ippool_size "
               f"> {percent:g}",
               "A Calico IP pool is running out of addresses.",
               f"IP pool {kit.labels('ippool')} has {kit.humanize()}% of its "
               f"addresses in use (threshold {percent:g}%); when it runs out, new pods get "
               "no address.", ippool_examples(config),
               runbook=ip_pool_nearly_exhausted),
    )


def _alert(name: str, severity: Severity, for_: str, expr: str, summary: str,
           description: str, examples: tuple[Example, ...], *, runbook: Runbook,
           suppress: dict[str, str] | None = None) -> Alert:
    return Alert(name=name, expr=expr, for_=for_, severity=severity, summary=summary,
                 description=description, runbook=runbook, examples=examples,
                 suppress=suppress or {})


def alerts(config: Config) -> tuple[Alert, ...]:
    """Scrape health, the eleven Felix alerts in the order of the Calico integration page, and
    IP pool use."""
    return (
        *scrape_alerts(config),
        *felix_alerts(config),
        *ipam_alerts(config),
    )


def felix_alerts(config: Config) -> tuple[Alert, ...]:
    dataplane_update_failures = Runbook(
        meaning="Felix tried to program a batch of dataplane changes (iptables rules, ipsets, "
                "routes, interface settings) on this node, failed, and keeps retrying.",
        impact="Policy and routing changes for pods on the node do not take effect: new pods "
               "may get no connectivity, deleted policies may keep blocking, new ones may not "
               "block yet. Existing, unchanged traffic keeps flowing.",
        diagnosis="Read the failure in the Felix log: " + NODE_LOGS + ", filtered for `error` "
                  "or `Failed to apply`. The companion alerts (ipset, iptables-restore, "
                  "iptables-save errors) usually name the failing tool. Check that Felix's "
                  "iptables backend matches the host's (`iptablesBackend` in the "
                  "FelixConfiguration against `iptables --version` on the node: nf_tables or "
                  "legacy), and `calicoctl node status` for the node's BGP sessions.",
        mitigation="Fix the cause the log names (backend mismatch, missing kernel module, "
                   "another agent rewriting the same chains). Deleting the node's calico-node "
                   "pod makes Felix start over with a full resync; cordon and drain the node if "
                   "failures continue after that.",
    )
    ipset_errors = Runbook(
        meaning="`ipset` commands that Felix runs to maintain its IP sets (selector and "
                "named-port members) keep failing on this node.",
        impact="IP sets drift from the policies: traffic that policy should allow can be "
               "dropped and traffic it should deny can pass, for the pods on this node.",
        diagnosis="Look for `ipset` in the Felix log (" + NODE_LOGS + "). On the node, check "
                  "that the ip_set kernel modules are loaded (`lsmod | grep ip_set`), that "
                  "`ipset list -n | wc -l` is not near the kernel's set limit, and that no other "
                  "tool deletes Calico's `cali40`-prefixed sets.",
        mitigation="Load the missing modules or raise the limit, stop whatever removes Calico's "
                   "sets, then restart the node's calico-node pod to resync.",
    )
    iptables_restore_errors = Runbook(
        meaning="`iptables-restore`, which Felix uses to write its rules, keeps failing on this "
                "node: Felix's rule updates are not reaching the kernel.",
        impact="Policy changes and new workload endpoints on this node are not programmed; "
               "pods may be unreachable or unprotected until the writes succeed.",
        diagnosis="Find the rejected input in the Felix log (" + NODE_LOGS + ", search "
                  "`iptables-restore`). Common causes: nf_tables and legacy iptables both in "
                  "use on the node (compare `iptables-legacy-save | wc -l` with "
                  "`iptables-nft-save | wc -l`), a chain removed by another agent between "
                  "Felix's read and write, or a kernel missing a match module the rules use.",
        mitigation="Pin `iptablesBackend` in the FelixConfiguration to the backend the host "
                   "uses, stop tools that flush or rewrite `cali-` chains (firewalld, custom "
                   "scripts), and restart calico-node on the node.",
    )
    iptables_save_errors = Runbook(
        meaning="`iptables-save`, which Felix runs to read the rules currently in the kernel, "
                "keeps failing on this node: Felix cannot see the state it must reconcile.",
        impact="Without a current view Felix cannot compute its updates, so rule changes stall "
               "and drift from other writers goes unnoticed.",
        diagnosis="Run `iptables-save > /dev/null` on the node (for example from "
                  "`kubectl debug node/<node> -it --image=<an image with iptables>` with "
                  "`chroot /host`) and read its error. Rules written by a newer iptables than "
                  "the one Felix bundles, or tables only one backend understands, make the "
                  "save fail. The Felix log (" + NODE_LOGS + ") shows the same error.",
        mitigation="Align the iptables versions and backend between the host and Felix "
                   "(`iptablesBackend`), remove the rules the save cannot parse, then restart "
                   "calico-node on the node.",
    )
    logging_errors = Runbook(
        meaning="Felix keeps failing to write its own log (to a file, or to syslog).",
        impact="Nothing breaks in the dataplane, but the log needed to diagnose every other "
               "Calico alert goes missing. A full node disk, the usual cause, soon hurts more "
               "than Calico.",
        diagnosis="Check the node's disk (`df -h /var/log`) and the FelixConfiguration's "
                  "`logFilePath`, `logSeverityFile` and `logSeveritySys`; if syslog is a "
                  "destination, check that the node's syslog is running.",
        mitigation="Free disk space on the node, or lower the log volume (`logSeverityScreen: "
                   "Warning`) or turn file logging off (`logFilePath: none`); the container "
                   "log stays available through kubectl.",
    )
    datastore_update_latency_high = Runbook(
        meaning="Felix takes too long to fold updates from the datastore (policies, endpoints, "
                "IP pools) into its calculation graph on this node.",
        impact="Every change to policy or to pods lags on this node; under sustained churn the "
               "lag grows, and new pods wait longer for connectivity.",
        diagnosis="Compare the policy and endpoint counts on the dashboard's overview row with "
                  "the usual; check calico-node's CPU throttling "
                  "(`rate(container_cpu_cfs_throttled_periods_total{container=\"calico-node\"}"
                  "[5m])`) and the churn of policies and pods in the cluster.",
        mitigation="Give calico-node more CPU (raise or remove its CPU limit), find and calm "
                   "the controller that churns policies or pods, and in large clusters run "
                   "Typha so Felix gets batched updates.",
    )
    dataplane_apply_latency_high = Runbook(
        meaning="Programming one batch of changes into the node's dataplane takes Felix too "
                "long.",
        impact="Policy and endpoint changes reach the kernel late on this node; new pods can "
               "start before their rules exist.",
        diagnosis="Check how big the node's rule set is (`iptables-save | wc -l`), the rate of "
                  "`felix_iptables_lines_executed` on the dashboard, and the iptables lock "
                  "wait (CalicoIptablesLockLatencyHigh): kube-proxy in iptables mode often "
                  "competes for the same lock and CPU.",
        mitigation="Reduce the rule volume (fewer, broader policies; kube-proxy in IPVS mode or "
                   "Calico's eBPF dataplane), and give calico-node more CPU.",
    )
    iptables_lock_latency_high = Runbook(
        meaning="Felix waits too long for the xtables lock, which every iptables writer on the "
                "node must hold.",
        impact="Felix's updates queue behind other writers, so policy changes on the node lag "
               "and dataplane apply time rises.",
        diagnosis="Find who holds the lock: `lsof /run/xtables.lock` on the node, usually "
                  "kube-proxy (check its `--iptables-min-sync-period`), a CNI plugin, Docker "
                  "or firewalld.",
        mitigation="Make the other writer sync less often or move it off iptables (kube-proxy "
                   "in IPVS mode); remove firewalld from Kubernetes nodes.",
    )
    interface_list_latency_high = Runbook(
        meaning="Listing the node's network interfaces during a route resync (a netlink dump) "
                "is slow.",
        impact="Route resyncs take longer, so routes for new or moved pods on this node appear "
               "late.",
        diagnosis="Count the interfaces (`ip -o link | wc -l`): thousands of veths, or "
                  "interfaces leaked by a failing CNI teardown, slow the dump. Check the node's "
                  "CPU load and softirq time.",
        mitigation="Clean up leaked interfaces, lower pod density on the node, and give the "
                   "node or calico-node more CPU.",
    )
    interface_resync_latency_high = Runbook(
        meaning="Syncing the routes of a single interface takes Felix too long.",
        impact="Pod routes on this node are corrected late after changes or drift.",
        diagnosis="Check the size of the routing tables (`ip route show table all | wc -l`): "
                  "very large tables, from BGP peers advertising many routes for example, slow "
                  "every sync. Check node CPU and the netlink error messages in the Felix log "
                  "(" + NODE_LOGS + ").",
        mitigation="Aggregate advertised routes (larger IP pool block sizes, BGP route "
                   "filters), and relieve CPU pressure on the node.",
    )
    fork_exec_latency_high = Runbook(
        meaning="Starting a child process (ipset, iptables-restore, iptables-save) takes Felix "
                "too long.",
        impact="Every dataplane change uses these tools, so all of them slow down on this node.",
        diagnosis="Fork time grows with the forking process's memory and with memory "
                  "pressure: check calico-node's memory use, the node's memory pressure and "
                  "swap, the container's CPU throttling, and the pod's PID limit.",
        mitigation="Relieve the node's memory pressure, raise calico-node's CPU limit, and "
                   "restart calico-node if its memory has grown far beyond its usual size.",
    )
    return (
        _error_alert(config, "CalicoDataplaneUpdateFailures", "felix_int_dataplane_failures",
                     "Calico dataplane updates keep failing and being retried.",
                     "failed dataplane updates",
                     runbook=dataplane_update_failures),
        _error_alert(config, "CalicoIpsetErrors", "felix_ipset_errors",
                     "Calico ipset commands keep failing.", "failed ipset commands",
                     runbook=ipset_errors),
        _error_alert(config, "CalicoIptablesRestoreErrors", "felix_iptables_restore_errors",
                     "Calico iptables-restore runs keep failing.", "failed iptables-restore runs",
                     runbook=iptables_restore_errors),
        _error_alert(config, "CalicoIptablesSaveErrors", "felix_iptables_save_errors",
                     "Calico iptables-save runs keep failing.", "failed iptables-save runs",
                     runbook=iptables_save_errors),
        _error_alert(config, "CalicoLoggingErrors", "felix_log_errors",
                     "Felix keeps failing to write its log.", "logging errors",
                     runbook=logging_errors),
        _latency_alert(config, "CalicoDatastoreUpdateLatencyHigh",
                       "felix_calc_graph_update_time_seconds", config.datastore_update_p99_seconds,
                       "Felix is slow to process datastore updates.",
                       "calculation-graph update time",
                       runbook=datastore_update_latency_high),
        _latency_alert(config, "CalicoDataplaneApplyLatencyHigh",
                       "felix_int_dataplane_apply_time_seconds", config.dataplane_apply_p99_seconds,
                       "Felix is slow to apply dataplane updates.", "dataplane apply time",
                       runbook=dataplane_apply_latency_high),
        _latency_alert(config, "CalicoIptablesLockLatencyHigh",
                       "felix_iptables_lock_acquire_secs", config.iptables_lock_p99_seconds,
                       "Felix waits long for the iptables lock.", "iptables lock wait",
                       runbook=iptables_lock_latency_high),
        _latency_alert(config, "CalicoInterfaceListLatencyHigh",
                       "felix_route_table_list_seconds", config.interface_list_p99_seconds,
                       "Felix is slow to list interfaces during route resyncs.",
                       "interface listing time",
                       runbook=interface_list_latency_high),
        _latency_alert(config, "CalicoInterfaceResyncLatencyHigh",
                       "felix_route_table_per_iface_sync_seconds",
                       config.interface_resync_p99_seconds,
                       "Felix is slow to resync interface routes.",
                       "per-interface route sync time",
                       runbook=interface_resync_latency_high),
        _latency_alert(config, "CalicoForkExecLatencyHigh", "felix_exec_time_micros",
                       config.fork_exec_p99_seconds,
                       "Felix is slow to start child processes.", "fork/exec time", scale=1e6,
                       runbook=fork_exec_latency_high),
    )


def scrape_jobs(config: Config) -> tuple[ScrapeJob, ...]:
    """Running pods picked by container name. Felix's keep-list keeps the summaries' quantiles
    only (no `_sum`/`_count`: nothing reads them). Felix's pods carry their node as `node`; the
    kube-controllers' do not, as their IPAM metrics carry a `node` label of their own, which a
    target label would overwrite."""
    keep = kit.keep_list(FELIX_METRICS, names_only=True)
    pods = KubernetesSD(role=Role.POD)
    container = "__meta_kubernetes_pod_container_name"
    return (
        ScrapeJob(job_name="calico-node", flavor=Flavor.PROMETHEUS, discovery=pods,
                  relabel_configs=kit.pod_discovery(container, "calico-node", config.node_port,
                                                    node_label=True),
                  metric_relabel_configs=keep),
        ScrapeJob(job_name="calico-kube-controllers", flavor=Flavor.PROMETHEUS, discovery=pods,
                  relabel_configs=kit.pod_discovery(container, "calico-kube-controllers",
                                                    config.controllers_port)),
        ScrapeJob(job_name="calico-node-default", flavor=Flavor.SYSDIG_AGENT, discovery=pods,
                  relabel_configs=kit.sysdig_discovery(container, "calico-node", "calico",
                                                       config.node_port, scheme_annotation=True),
                  metric_relabel_configs=keep),
        ScrapeJob(job_name="calico-controller-default", flavor=Flavor.SYSDIG_AGENT, discovery=pods,
                  relabel_configs=kit.sysdig_discovery(container, "calico-kube-controllers",
                                                       "calico-controller",
                                                       config.controllers_port,
                                                       scheme_annotation=True)),
    )


INSTANCE = kit.legend("instance")

NEUTRAL = (Threshold(color="text"),)
"""For a count with no bad value: one neutral step."""


def _bad_from(value: float, color: str = "red") -> tuple[Threshold, ...]:
    return (Threshold(color="green"), Threshold(color=color, value=value))


def _p99(metric: str) -> str:
    return f'{metric}{{quantile="0.99"}}'


def dashboard(config: Config) -> Dashboard:
    stat = PanelKind.STAT
    overview = Row(title="Cluster overview", panels=(
        panel("Felix targets down", f"count({_target(config.node_port)} == 0) or vector(0)",
              unit="short",
              description="Nodes whose Felix fails its scrape right now (CalicoFelixDown after "
                          f"{config.down_for}).", legend="down", kind=stat, width=6,
              thresholds=_bad_from(1)),
        panel("Hosts", "max(felix_cluster_num_hosts)", unit="short",
              description="Calico hosts in the cluster.", legend="hosts", kind=stat, width=6,
              thresholds=NEUTRAL),
        panel("Policies", "max(felix_cluster_num_policies)", unit="short",
              description="Active network policies.", legend="policies", kind=stat, width=6,
              thresholds=NEUTRAL),
        panel("Profiles", "max(felix_cluster_num_profiles)", unit="short",
              description="Active profiles.", legend="profiles", kind=stat, width=6,
              thresholds=NEUTRAL),
    ))
    errors = Row(title="Errors", panels=(
        panel("Dataplane update failures", "rate(felix_int_dataplane_failures[5m])", unit="ops",
              description="Failed dataplane updates per second.", legend=INSTANCE),
        panel("ipset command failures", "rate(felix_ipset_errors[5m])", unit="ops",
              description="Failed ipset commands per second.", legend=INSTANCE),
        panel("iptables-restore failures", "rate(felix_iptables_restore_errors[5m])", unit="ops",
              description="Failed iptables-restore runs per second.", legend=INSTANCE),
        panel("iptables-save failures", "rate(felix_iptables_save_errors[5m])", unit="ops",
              description="Failed iptables-save runs per second.", legend=INSTANCE),
        panel("Logging errors", "rate(felix_log_errors[5m])", unit="ops",
              description="Errors writing Felix's log, per second.", legend=INSTANCE,
              width=24),
    ))
    latency = Row(title="Latency (p99)", panels=(
        panel("Datastore update (calc graph)", _p99("felix_calc_graph_update_time_seconds"),
              unit="s",
              description="p99 time to apply one datastore update to the calculation graph.",
              legend=INSTANCE),
        panel("Dataplane apply", _p99("felix_int_dataplane_apply_time_seconds"), unit="s",
              description="p99 time to apply one dataplane update.", legend=INSTANCE),
        panel("iptables lock acquire", _p99("felix_iptables_lock_acquire_secs"), unit="s",
              description="p99 wait for the xtables lock.", legend=INSTANCE),
        panel("Interface list (resync)", _p99("felix_route_table_list_seconds"), unit="s",
              description="p99 time to list all interfaces during a route resync.",
              legend=INSTANCE),
        panel("Per-interface route sync", _p99("felix_route_table_per_iface_sync_seconds"),
              unit="s", description="p99 time to sync one interface's routes.",
              legend=INSTANCE),
        panel("Fork/exec", _p99("felix_exec_time_micros"), unit="µs",
              description="p99 time to fork and exec a child process.", legend=INSTANCE),
    ))
    saturation = Row(title="Saturation (p99 batch size)", panels=(
        panel("Dataplane messages per batch", _p99("felix_int_dataplane_msg_batch_size"),
              unit="short", description="p99 messages per dataplane batch.", legend=INSTANCE,
              width=8),
        panel("Interface-state messages per batch",
              _p99("felix_int_dataplane_iface_msg_batch_size"), unit="short",
              description="p99 interface-state messages per batch.", legend=INSTANCE, width=8),
        panel("Interface-address messages per batch",
              _p99("felix_int_dataplane_addr_msg_batch_size"), unit="short",
              description="p99 interface-address messages per batch.", legend=INSTANCE,
              width=8),
    ))
    traffic = Row(title="Traffic", panels=(
        panel("ipset commands", "rate(felix_ipset_calls[5m])", unit="ops",
              description="ipset commands run per second.", legend=INSTANCE),
        panel("ipset operations", "rate(felix_ipset_lines_executed[5m])", unit="ops",
              description="ipset operations run per second.", legend=INSTANCE),
        panel("iptables rule updates",
              "sum by (instance, ip_version, table) (rate(felix_iptables_lines_executed[5m]))",
              unit="ops", description="iptables rule updates run per second.",
              legend="{{instance}} {{table}} v{{ip_version}}"),
        panel("iptables-restore calls", "rate(felix_iptables_restore_calls[5m])", unit="ops",
              description="iptables-restore runs per second.", legend=INSTANCE),
        panel("iptables-save calls", "rate(felix_iptables_save_calls[5m])", unit="ops",
              description="iptables-save runs per second.", legend=INSTANCE, width=24),
    ))
    return Dashboard(
        title="Calico / Felix",
        description="Felix on every Calico node: errors, latency, saturation and traffic.",
        tags=("calico", "kgen"),
        variables=(
            Variable(name="job", label="job", metric="felix_cluster_num_hosts"),
            Variable(name="instance", label="instance", metric="felix_cluster_num_hosts"),
        ),
        rows=(overview, errors, latency, saturation, traffic),
    )


def ipam_dashboard(config: Config) -> Dashboard:
    """IP address management, from the kube-controllers' metrics."""
    usage = "sum without (node) (ipam_allocations_in_use) / ipam_ippool_size"
    limit = config.ippool_usage_percent / 100
    pools = Row(title="IP pools", panels=(
        panel("Kube-controllers targets down",
              f"count({_target(config.controllers_port)} == 0) or vector(0)", unit="short",
              description="calico-kube-controllers targets that fail their scrape right now.",
              legend="down", kind=PanelKind.STAT, width=6, thresholds=_bad_from(1)),
        panel("Fullest pool", f"max({usage})", unit="percentunit",
              description="Share of addresses in use in the fullest IP pool; red at the "
                          "CalicoIPPoolNearlyExhausted threshold.", legend="fullest",
              kind=PanelKind.STAT, width=6,
              thresholds=(Threshold(color="green"),
                          Threshold(color="orange", value=round(limit * 0.8, 4)),
                          Threshold(color="red", value=limit)), sparkline=True, min=0, max=1),
        panel("Pool usage", usage, unit="percentunit",
              description="Share of each pool's addresses in use.", legend="{{ippool}}", min=0,
              max=1),
        panel("Addresses in use", "sum by (ippool) (ipam_allocations_in_use)", unit="short",
              description="Addresses allocated in each pool.", legend="{{ippool}}", width=12),
        panel("Pool size", "max by (ippool) (ipam_ippool_size)", unit="short",
              description="Addresses in each pool, from its CIDR.", legend="{{ippool}}", width=12),
    ))
    blocks = Row(title="Blocks and leaks", panels=(
        panel("Blocks by node", "sum by (node) (ipam_blocks)", unit="short",
              description="IPAM blocks affine to each node.", legend="{{node}}"),
        panel("Borrowed addresses by node", "sum by (node) (ipam_allocations_borrowed)",
              unit="short",
              description="Addresses a node took from blocks affine to other nodes: its own "
                          "blocks were full and no new block was free.", legend="{{node}}"),
        panel("Leak candidates", "sum by (ippool) (ipam_allocations_gc_candidates)", unit="short",
              description="Allocations the garbage collector suspects leaked, by pool; they "
                          "should fall back to 0.", legend="{{ippool}}"),
        panel("Leaked addresses reclaimed",
              "sum by (ippool) (rate(ipam_allocations_gc_reclamations[5m]))", unit="ops",
              description="Leaked allocations the garbage collector reclaims per second, by pool.",
              legend="{{ippool}}"),
    ))
    return Dashboard(
        slug="ipam",
        title="Calico / IPAM",
        description="Calico IP address management (kube-controllers): pool usage, blocks, "
                    "borrowed and leaked addresses.",
        tags=("calico", "kgen"),
        variables=(Variable(name="job", label="job", metric="ipam_ippool_size"),),
        rows=(pools, blocks),
    )


def integration(config: Config) -> Integration:
    return Integration(
        name="calico",
        title="Calico",
        description="Felix, Calico's per-node dataplane agent, and the Calico kube-controllers.",
        supported_version="3.23",
        setup=SETUP,
        selector=config.selector,
        metrics=METRICS,
        alerts=alerts(config),
        scrape_jobs=scrape_jobs(config),
        dashboards=(dashboard(config), ipam_dashboard(config)),
    )
