"""etcd's scrape jobs, for both flavors, and the setup that makes them find the members.

Members are kubeadm static pods (`component=etcd`), scraped on the node IP (host network).
"""

from __future__ import annotations

from generator import kit
from generator.model import TLS, Flavor, KubernetesSD, Role, Scheme, ScrapeJob

from .config import Config
from .metrics import METRICS

SETUP = (
    "etcd runs as kubeadm static pods in `kube-system`, labelled `component=etcd`, on the host "
    "network of each control-plane node. Both scrape jobs find them by that label; change "
    "`namespace` and `component` in kgen.yaml if your members are labelled otherwise.",
    "Scraping over TLS (`scrape: https-client`, the default): etcd serves `/metrics` on its "
    "client port 2379 and asks for a client certificate. Make the etcd CA and a client "
    "certificate and key available to the scraper at the paths in `ca_file`, `cert_file` and "
    "`key_file` (kubeadm's `healthcheck-client` pair works). With the Prometheus Operator, put "
    "the same three files in the Secret named by `tls_secret`, beside the PodMonitor, keyed by "
    "their file names.",
    "Scraping over plain HTTP (`scrape: http-metrics`): start etcd with "
    "`--listen-metrics-urls=http://0.0.0.0:2381` (kubeadm: "
    "`etcd.local.extraArgs.listen-metrics-urls` in the ClusterConfiguration; kubeadm binds "
    "2381 to 127.0.0.1 by default), and allow the scraper to reach port 2381 on the "
    "control-plane nodes. No certificate is needed; `/metrics` exposes no keys or values.",
    "For the gRPC latency alert and panels, start etcd with `--metrics=extensive`: the "
    "request-duration histogram `grpc_server_handling_seconds` is only exposed then.",
    "Sysdig agent (flavor `sysdig-agent`): add `scrape-jobs/sysdig-agent/etcd.yaml` to the "
    "agent's `prometheus.yaml`; each agent scrapes the member on its own host, with the same "
    "TLS files present on the host.",
)


def _port(config: Config) -> int:
    return config.client_port if config.scrape == "https-client" else config.metrics_port


def _transport(config: Config) -> tuple[Scheme, TLS | None]:
    if config.scrape == "http-metrics":
        return Scheme.HTTP, None
    return Scheme.HTTPS, TLS(ca_file=config.ca_file, cert_file=config.cert_file,
                             key_file=config.key_file, secret=config.tls_secret)


def scrape_jobs(config: Config) -> tuple[ScrapeJob, ...]:
    keep = kit.keep_list(METRICS)
    scheme, tls = _transport(config)
    pods = KubernetesSD(role=Role.POD, namespaces=(config.namespace,))
    component = "__meta_kubernetes_pod_label_component"
    return (
        ScrapeJob(job_name="etcd", flavor=Flavor.PROMETHEUS, discovery=pods, scheme=scheme,
                  tls=tls, relabel_configs=kit.pod_discovery(component, config.component,
                                                             _port(config)),
                  metric_relabel_configs=keep),
        ScrapeJob(job_name="etcd-default", flavor=Flavor.SYSDIG_AGENT, discovery=pods,
                  scheme=scheme, tls=tls,
                  relabel_configs=kit.sysdig_discovery(component, config.component, "etcd",
                                                       _port(config)),
                  metric_relabel_configs=keep),
    )
