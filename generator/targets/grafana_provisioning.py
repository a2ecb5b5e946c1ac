"""Grafana provisioning: a dashboard provider file per integration, and each dashboard as a
ConfigMap for the Grafana sidecar.

The ConfigMaps carry `grafana_dashboard: "1"`, the label the Grafana Helm chart's sidecar
(kiwigrid k8s-sidecar) watches by default, and its default folder annotation
`k8s-sidecar-target-directory`, which puts each integration's dashboards in a folder of their
own when the chart's provider sets `foldersFromFilesStructure: true`. The dashboard JSON is
byte for byte the `grafana` target's.

Kubernetes refuses a ConfigMap whose data exceeds 1 MiB, so a larger dashboard is an error at
its spec line. (Client-side `kubectl apply` and Argo CD's default sync also copy the object
into a 256 KiB annotation; dashboards that large want server-side apply.)
"""

from __future__ import annotations

from typing import Any

from generator.findings import Finding, Level, SpecError
from generator.loader import Spec
from generator.render import to_json, to_yaml
from generator.targets.grafana import dashboard_json, file_name
from generator.targets.kubernetes import managed_labels

CODE = "KG502"
CONFIGMAP_LIMIT = 1 << 20
"""Bytes of data a ConfigMap may hold (Kubernetes' limit)."""
MOUNT = "/var/lib/grafana/dashboards/kgen"
"""Where the provider expects the dashboard files; mount the ConfigMaps (or copy out/) here."""
FOLDER_ANNOTATION = "k8s-sidecar-target-directory"


def render(spec: Spec) -> dict[str, bytes]:
    integration = spec.integration
    if not integration.dashboards:
        return {}
    files = {f"grafana/provisioning/{spec.name}.yaml": to_yaml(provider(spec), spec.source)}
    findings = []
    for board in integration.dashboards:
        key = file_name(integration, board)
        data = to_json(dashboard_json(integration, board))
        if len(data) > CONFIGMAP_LIMIT:
            findings.append(Finding.at(
                board.location, Level.ERROR, CODE,
                f"dashboard {board.title!r} is {len(data)} bytes of JSON, over the 1 MiB "
                f"({CONFIGMAP_LIMIT} bytes) a ConfigMap can hold; split it into several "
                "dashboards"))
            continue
        files[f"grafana/configmaps/{key.removesuffix('.json')}.yaml"] = to_yaml(
            configmap(spec, key, data.decode("utf-8")), spec.source)
    if findings:
        raise SpecError(findings)
    return files


def provider(spec: Spec) -> dict[str, Any]:
    """A Grafana dashboard provider (provisioning/dashboards/*.yaml) for the integration."""
    return {
        "apiVersion": 1,
        "providers": [{
            "name": f"kgen-{spec.name}",
            "orgId": 1,
            "folder": spec.integration.title,
            "folderUid": f"kgen-{spec.name}",
            "type": "file",
            "disableDeletion": True,
            "allowUiUpdates": False,
            "updateIntervalSeconds": 60,
            "options": {"path": f"{MOUNT}/{spec.name}", "foldersFromFilesStructure": False},
        }],
    }


def configmap(spec: Spec, key: str, dashboard: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"grafana-dashboard-{key.removesuffix('.json')}",
            "labels": {"grafana_dashboard": "1", **managed_labels(spec)},
            "annotations": {FOLDER_ANNOTATION: spec.integration.title},
        },
        "data": {key: dashboard},
    }
