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

import re
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
        files[conventions.dashboard_configmap_path(spec.name, board.slug)] = configmap_yaml(
            spec, board.slug, item.dashboard(board.slug), settings)
    return files


def configmap_yaml(spec: Spec, slug: str, dashboard: bytes,
                   settings: GrafanaProvisioningSettings) -> bytes:
    """`to_yaml(configmap(spec, slug, dashboard.decode("utf-8"), settings), spec.source)`.

    The dashboard's JSON is the ConfigMap's last value, a literal block, which PyYAML's C
    emitter goes through character by character (about 0.3 ms for a 40 KB board). When
    `_literal_as_is` holds, the block is every line of the JSON four columns in after `|`: the
    ConfigMap is written with an empty string there (`''`, the emitter's only choice for it),
    and the block put in its place."""
    if _literal_as_is(dashboard):
        written = to_yaml(configmap(spec, slug, "", settings), spec.source)
        empty = f"\n  {conventions.dashboard_file(spec.name, slug)}: ''\n".encode()
        if written.endswith(empty):  # the file's name written as it is, at the data's indent
            return (written[:-3] + b"|\n    " + dashboard[:-1].replace(b"\n", b"\n    ")
                    + b"\n")
    return to_yaml(configmap(spec, slug, dashboard.decode("utf-8"), settings), spec.source)


_PLAIN = bytes(range(0x20, 0x7F)) + b"\n"
_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\U00010000-\U0010ffff]")
"""Characters libyaml does not write as they are in a literal block: those it does not find
printable (`IS_PRINTABLE`: control characters, DEL, C1 controls, U+FEFF, U+FFFE, U+FFFF, and
everything past U+FFFF) and the line breaks but `\\n` (U+2028, U+2029; U+0085 is a C1)."""


def _literal_as_is(text: bytes) -> bool:
    """Whether libyaml (`yaml_emitter_analyze_scalar`, `yaml_emitter_write_literal_scalar`)
    writes the UTF-8 string `text`, as a mapping's value in block style, as the literal block
    `|` (no indentation or chomping indicator) with every line indented: it ends in one line
    break (`|-` would mark none, `|+` more), holds no empty line (written unindented) and
    does not begin with a space (an indentation indicator); no space precedes a line break
    (that rules out a block: double-quoted), and none of its characters is `_ESCAPED` (the
    characters past printable ASCII are few: they are looked at alone)."""
    if not (text.endswith(b"\n") and not text.startswith((b" ", b"\n"))
            and b"\n\n" not in text and b" \n" not in text):
        return False
    rest = text.translate(None, _PLAIN)
    if not rest:
        return True
    try:  # UTF-8 keeps each character's bytes together: `rest` holds those characters
        text.decode("utf-8")
        beyond = rest.decode("utf-8")
    except UnicodeDecodeError:  # `configmap_yaml` raises, decoding it
        return False
    return _ESCAPED.search(beyond) is None


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
