"""etcd 3.5/3.6: the Raft-replicated key-value store behind Kubernetes.

A drop-in for the upstream etcd monitoring mixin: the same alert names and thresholds, with our
own expressions and words. Members are kubeadm static pods (`component=etcd` in kube-system),
scraped on the client port 2379 over mutual TLS or on the plain-HTTP metrics port 2381.
"""

from __future__ import annotations

from generator.model import Integration

from .alerts import alerts
from .config import Config
from .dashboard import dashboard
from .jobs import SETUP, scrape_jobs
from .metrics import METRICS, recording_rules

__all__ = ["Config", "integration"]


def integration(config: Config) -> Integration:
    return Integration(
        name="etcd",
        title="etcd",
        naming_exemption="the upstream etcd mixin's alert names, kept so that existing "
                         "Alertmanager routes and silences keep matching",
        description="etcd, the consistent key-value store that holds Kubernetes' state.",
        supported_version="3.5-3.6",
        setup=SETUP,
        selector=config.selector,
        metrics=METRICS,
        recording_rules=recording_rules(config),
        alerts=alerts(config),
        scrape_jobs=scrape_jobs(config),
        dashboards=(dashboard(config),),
    )
