"""Relabel steps that Kubernetes pod-discovery jobs share, named for what they do.

The spec kit (generator.kit.pod_discovery, sysdig_discovery) composes them into each flavor's
discovery; a spec with a step of its own uses them directly. The Sysdig agent's promcat
convention lives here once.
"""

from __future__ import annotations

from generator.model import Action, Relabel

POD = "__meta_kubernetes_pod_"
PROMCAT = f"{POD}annotation_promcat_sysdig_com_"
INTEGRATION_TYPE = f"{PROMCAT}integration_type"
ADDRESS_WITH_OR_WITHOUT_PORT = r"([^:]+)(?::\d+)?"


def keep(source: str, regex: str) -> Relabel:
    return Relabel(action=Action.KEEP, source_labels=(source,), regex=regex)


def keep_running() -> Relabel:
    return keep(f"{POD}phase", "Running")


def scrape_port(port: int) -> Relabel:
    """Scrape the pod's IP on `port`, whether or not discovery put a port in the address."""
    return Relabel(action=Action.REPLACE, source_labels=("__address__",),
                   regex=ADDRESS_WITH_OR_WITHOUT_PORT, replacement=f"$1:{port}",
                   target_label="__address__")


def copy(source: str, target: str) -> Relabel:
    """Copy a discovery label onto the target (`namespace`, `pod`, ...)."""
    return Relabel(action=Action.REPLACE, source_labels=(source,), target_label=target)


def sysdig_promcat(selector: str, value: str, integration_type: str, port: int,
                   scheme_annotation: bool = False) -> tuple[Relabel, ...]:
    """The Sysdig agent's promcat steps: pods on the agent's own host, not opted out, running;
    tagged with `integration_type` when the `selector` label matches `value` and the pod carries
    no type of its own; kept by that type; scraped on `port`; with Sysdig's pod labels."""
    scheme = (Relabel(action=Action.REPLACE,
                      source_labels=(f"{POD}annotation_prometheus_io_scheme",),
                      regex="(https?)", target_label="__scheme__"),) if scheme_annotation else ()
    return (
        keep(f"{POD}host_ip", "__HOSTIPS__"),
        Relabel(action=Action.DROP, source_labels=(f"{PROMCAT}omit",), regex="true"),
        keep_running(),
        *scheme,
        Relabel(action=Action.REPLACE, source_labels=(selector, INTEGRATION_TYPE), separator=";",
                regex=f"({value});(.{{0}}$)", replacement=integration_type,
                target_label=INTEGRATION_TYPE),
        keep(INTEGRATION_TYPE, integration_type),
        scrape_port(port),
        copy(f"{POD}uid", "sysdig_k8s_pod_uid"),
        copy(f"{POD}container_name", "sysdig_k8s_pod_container_name"),
    )
