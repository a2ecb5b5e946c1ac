"""Agent scrape jobs: Kubernetes discovery, transport, and typed relabel steps."""

from collections.abc import Iterable
from enum import StrEnum

from pydantic import Field

from generator.model.base import SpecModel
from generator.model.types import Duration


class Flavor(StrEnum):
    """Which agent a scrape job is written for."""

    PROMETHEUS = "prometheus"
    SYSDIG_AGENT = "sysdig-agent"


class Role(StrEnum):
    """Kubernetes service-discovery roles."""

    POD = "pod"
    SERVICE = "service"
    ENDPOINTS = "endpoints"
    ENDPOINTSLICE = "endpointslice"
    NODE = "node"
    INGRESS = "ingress"


class Scheme(StrEnum):
    HTTP = "http"
    HTTPS = "https"


class Action(StrEnum):
    REPLACE = "replace"
    KEEP = "keep"
    DROP = "drop"
    KEEPEQUAL = "keepequal"
    DROPEQUAL = "dropequal"
    HASHMOD = "hashmod"
    LABELMAP = "labelmap"
    LABELDROP = "labeldrop"
    LABELKEEP = "labelkeep"
    LOWERCASE = "lowercase"
    UPPERCASE = "uppercase"


class Relabel(SpecModel):
    """One relabel step; fields left as None are omitted and take Prometheus's defaults."""

    action: Action = Action.REPLACE
    source_labels: tuple[str, ...] = ()
    separator: str | None = None
    regex: str | None = None
    modulus: int | None = Field(default=None, gt=0)
    target_label: str | None = None
    replacement: str | None = None


def keep_metrics(names: Iterable[str]) -> Relabel:
    """A metric_relabel step keeping exactly the named series (anchored, as Prometheus anchors)."""
    return Relabel(
        action=Action.KEEP, source_labels=("__name__",), regex="(" + "|".join(names) + ")"
    )


class TLS(SpecModel):
    """TLS settings; key material by file path only, so no secret reaches the output."""

    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    server_name: str | None = None
    insecure_skip_verify: bool = False
    secret: str | None = Field(
        default=None, pattern=r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
        description="A Kubernetes Secret holding the same files, keyed by file name, for the "
                    "Prometheus Operator's PodMonitor, which cannot read the scraper's files",
    )


class KubernetesSD(SpecModel):
    role: Role = Role.POD
    namespaces: tuple[str, ...] = ()


class ScrapeJob(SpecModel):
    """One entry of `scrape_configs`, for one agent flavor."""

    job_name: str = Field(min_length=1)
    flavor: Flavor
    discovery: KubernetesSD = Field(default_factory=KubernetesSD)
    scheme: Scheme | None = None
    metrics_path: str | None = None
    scrape_interval: Duration | None = None
    scrape_timeout: Duration | None = None
    tls: TLS | None = None
    credentials_file: str | None = Field(
        default=None, description="Bearer token read from this file (never inline)"
    )
    relabel_configs: tuple[Relabel, ...] = ()
    metric_relabel_configs: tuple[Relabel, ...] = ()
