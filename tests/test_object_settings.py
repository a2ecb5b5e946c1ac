"""Objects that get picked up: kgen.yaml's `prometheus_operator` and `grafana_provisioning`
put every PrometheusRule, PodMonitor and dashboard ConfigMap in the namespace, with the labels,
sidecar label and folder the cluster's operator and Grafana sidecar select on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.build import build_project
from generator.findings import SpecError
from generator.project import load_project
from tests.broken._base import BASE
from tests.support import CONFIG

KINDS = {"prometheus-operator/": ("PrometheusRule", "PodMonitor"),
         "grafana/configmaps/": ("ConfigMap",)}


def objects(files: dict[str, bytes], prefix: str) -> list[dict[str, Any]]:
    return [doc for path, data in sorted(files.items()) if path.startswith(prefix)
            for doc in yaml.safe_load_all(data) if doc is not None]


def project(tmp_path: Path, config: str) -> Path:
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / "demo.py").write_text(BASE)
    (tmp_path / "kgen.yaml").write_text(
        "targets: [prometheus-operator, grafana-provisioning]\n" + config)
    return tmp_path / "kgen.yaml"


@pytest.mark.parametrize("profile", [None, *load_project(CONFIG).profiles])
def test_shipped_objects_carry_the_projects_namespace_and_labels(profile: str | None) -> None:
    loaded = load_project(CONFIG, profile)
    files = build_project(loaded)
    operator, grafana = loaded.prometheus_operator, loaded.grafana_provisioning
    for prefix, settings in (("prometheus-operator/", operator),
                             ("grafana/configmaps/", grafana)):
        found = objects(files, prefix)
        assert {o["kind"] for o in found} == set(KINDS[prefix]), prefix
        for obj in found:
            assert obj["metadata"].get("namespace") == settings.namespace
            assert settings.labels.items() <= obj["metadata"]["labels"].items()
            assert obj["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "kgen"
    for configmap in objects(files, "grafana/configmaps/"):
        labels = configmap["metadata"]["labels"]
        assert labels[grafana.sidecar_label] == grafana.sidecar_label_value


def test_operator_and_grafana_settings_reach_every_object(tmp_path: Path) -> None:
    config = project(tmp_path, (
        "prometheus_operator:\n"
        "  namespace: monitoring\n"
        "  labels: {release: kube-prometheus-stack}\n"
        "grafana_provisioning:\n"
        "  namespace: grafana\n"
        "  labels: {team: platform}\n"
        "  sidecar_label: dashboards.example.com/load\n"
        "  sidecar_label_value: 'true'\n"
        "  folder_annotation: grafana_folder\n"
        "  folder: Platform\n"))
    files = build_project(load_project(config))
    found = objects(files, "prometheus-operator/")
    assert sorted(o["kind"] for o in found) == ["PodMonitor", "PrometheusRule"]
    for obj in found:
        assert obj["metadata"]["namespace"] == "monitoring"
        assert obj["metadata"]["labels"] == {"release": "kube-prometheus-stack",
                                             "app.kubernetes.io/managed-by": "kgen",
                                             "app.kubernetes.io/part-of": "demo"}
    (configmap,) = objects(files, "grafana/configmaps/")
    assert configmap["metadata"]["namespace"] == "grafana"
    assert configmap["metadata"]["labels"] == {"dashboards.example.com/load": "true",
                                               "team": "platform",
                                               "app.kubernetes.io/managed-by": "kgen",
                                               "app.kubernetes.io/part-of": "demo"}
    assert configmap["metadata"]["annotations"] == {"grafana_folder": "Platform"}
    (provider,) = yaml.safe_load(files["grafana/provisioning/demo.yaml"])["providers"]
    assert provider["folder"] == "Platform" and "folderUid" not in provider


def test_defaults_leave_namespace_to_the_apply_and_label_for_the_default_sidecar(
        tmp_path: Path) -> None:
    files = build_project(load_project(project(tmp_path, "")))
    for obj in objects(files, "prometheus-operator/") + objects(files, "grafana/configmaps/"):
        assert "namespace" not in obj["metadata"]
    (configmap,) = objects(files, "grafana/configmaps/")
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert configmap["metadata"]["annotations"] == {"k8s-sidecar-target-directory": "Demo"}
    (provider,) = yaml.safe_load(files["grafana/provisioning/demo.yaml"])["providers"]
    assert (provider["folder"], provider["folderUid"]) == ("Demo", "kgen-demo")


def test_a_profile_adds_labels_to_the_base_ones(tmp_path: Path) -> None:
    config = project(tmp_path, (
        "prometheus_operator: {labels: {team: platform}}\n"
        "profiles:\n"
        "  prod:\n"
        "    prometheus_operator: {namespace: monitoring, labels: {release: prod}}\n"))
    files = build_project(load_project(config, "prod"))
    for obj in objects(files, "prometheus-operator/"):
        assert obj["metadata"]["namespace"] == "monitoring"
        assert {"team": "platform", "release": "prod"}.items() <= obj["metadata"][
            "labels"].items()


@pytest.mark.parametrize(("setting", "line", "message"), [
    ("prometheus_operator:\n  namespace: Monitoring\n", 3,
     "prometheus_operator.namespace: Value error, 'Monitoring' is not a namespace name"),
    ("prometheus_operator:\n  namespce: monitoring\n", 3,
     "prometheus_operator.namespce: unknown key (did you mean namespace?)"),
    ("prometheus_operator:\n  labels:\n    release!: x\n", 4,
     "'release!' is not a label key"),
    ("prometheus_operator:\n  labels:\n    Example.com/team: x\n", 4,
     "the prefix before '/' must be a DNS subdomain"),
    ("prometheus_operator:\n  labels:\n    release: kube prometheus\n", 4,
     "'kube prometheus' is not a label value"),
    ("grafana_provisioning:\n  sidecar_label_value: 1\n", 3,
     "label values are strings in Kubernetes; quote it: '1'"),
    ("grafana_provisioning:\n  labels: {grafana_dashboard: '1'}\n", 2,
     "grafana_dashboard is the sidecar label; set sidecar_label_value instead"),
    ("prometheus_operator:\n  labels:\n    app.kubernetes.io/managed-by: me\n", 3,
     "app.kubernetes.io/managed-by is kgen's own label"),
    ("grafana_provisioning:\n  folder: a/b\n", 3, "String should match pattern"),
])
def test_bad_object_settings_are_errors_at_their_line(tmp_path: Path, setting: str, line: int,
                                                      message: str) -> None:
    with pytest.raises(SpecError) as raised:
        load_project(project(tmp_path, setting))
    (finding,) = raised.value.findings
    assert (finding.line, finding.code) == (line, "KG005"), finding
    assert message in finding.message, finding.message
