"""Grafana provisioning: a dashboard provider file per integration, and each dashboard as a
ConfigMap for the Grafana sidecar.

The ConfigMaps carry the label the Grafana Helm chart's sidecar (kiwigrid k8s-sidecar) watches,
by default `grafana_dashboard: "1"`, and the folder annotation (by default the sidecar's own
`k8s-sidecar-target-directory`), which puts each integration's dashboards in a folder of their
own when the chart's provider sets `foldersFromFilesStructure: true`; kgen.yaml's
`grafana_provisioning` sets both as the chart is configured, plus namespace, labels and one
shared folder. The dashboard JSON is byte for byte the `grafana` target's.

Kubernetes refuses a ConfigMap whose data exceeds 1 MiB: check KG502
(`generator/checks/provisioning_configmap.py`) refuses a larger dashboard at its spec line.

grafana-foundation-sdk is imported as for the `grafana` target (which see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator import conventions
from generator.kubernetes import object_labels
from generator.loader import Spec
from generator.render import to_yaml

if TYPE_CHECKING:
    from generator.project import GrafanaProvisioningSettings, Project
    from generator.scoping import Scoped

MOUNT = "/var/lib/grafana/dashboards/kgen"
"""Where the provider expects the dashboard files; mount the ConfigMaps (or copy out/) here."""


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec = item.spec
    integration = spec.integration
    if not integration.dashboards:
        return {}
    settings = project.grafana_provisioning
    files = {conventions.provisioning_path(spec.name): to_yaml(provider(spec, settings),
                                                            spec.source)}
    for board in integration.dashboards:
        data = item.dashboard(board.slug)
        files[conventions.dashboard_configmap_path(spec.name, board.slug)] = to_yaml(
            configmap(spec, board.slug, data.decode("utf-8"), settings), spec.source)
    return files


def folder(spec: Spec, settings: GrafanaProvisioningSettings) -> str:
    """The Grafana folder of the integration's dashboards."""
    return settings.folder or spec.integration.title


def provider(spec: Spec, settings: GrafanaProvisioningSettings) -> dict[str, Any]:
    """A Grafana dashboard provider (provisioning/dashboards/*.yaml) for the integration. An
    integration's own folder has a fixed uid; a folder shared by every integration is found by
    its title (one uid for several providers would make them fight over it)."""
    name = conventions.dashboard_provider(spec.name)
    uid = {} if settings.folder else {"folderUid": name}
    return {
        "apiVersion": 1,
        "providers": [{
            "name": name,
            "orgId": 1,
            "folder": folder(spec, settings),
            **uid,
            "type": "file",
            "disableDeletion": True,
            "allowUiUpdates": False,
            "updateIntervalSeconds": 60,
            "options": {"path": f"{MOUNT}/{spec.name}", "foldersFromFilesStructure": False},
        }],
    }


def configmap(spec: Spec, slug: str, dashboard: str,
              settings: GrafanaProvisioningSettings) -> dict[str, Any]:
    namespace = {"namespace": settings.namespace} if settings.namespace else {}
    sidecar = {settings.sidecar_label: settings.sidecar_label_value}
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": conventions.dashboard_configmap(spec.name, slug),
            **namespace,
            "labels": {**sidecar, **object_labels(spec, settings.labels)},
            "annotations": {settings.folder_annotation: folder(spec, settings)},
        },
        "data": {conventions.dashboard_file(spec.name, slug): dashboard},
    }
