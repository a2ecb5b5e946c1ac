"""A dashboard too large for the ConfigMap the grafana-provisioning target puts it in (run when
that target is on).

Kubernetes refuses a ConfigMap whose data exceeds 1 MiB. (Client-side `kubectl apply` and
Argo CD's default sync also copy the object into a 256 KiB annotation; dashboards that large
want server-side apply.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.findings import Finding, Level

if TYPE_CHECKING:
    from generator.scoping import Scoped

CODE = "KG502"
NAME = "provisioning/configmap-size"
DOC = "a dashboard over the 1 MiB a ConfigMap can hold"
TARGET = "grafana-provisioning"

CONFIGMAP_LIMIT = 1 << 20
"""Bytes of data a ConfigMap may hold (Kubernetes' limit)."""


def check(items: list[Scoped]) -> list[Finding]:
    findings = []
    for item in items:
        for board in item.integration.dashboards:
            size = len(item.dashboard(board.slug))
            if size > CONFIGMAP_LIMIT:
                findings.append(Finding.at(
                    board.location, Level.ERROR, CODE,
                    f"dashboard {board.title!r} is {size} bytes of JSON, over the 1 MiB "
                    f"({CONFIGMAP_LIMIT} bytes) a ConfigMap can hold; split it into several "
                    "dashboards"))
    return findings
