"""Kubernetes objects for GitOps: PrometheusRule and PodMonitor for the Prometheus Operator, and
dashboards as ConfigMaps for the Grafana sidecar, each equal in content to the plain outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.broken._base import BASE
from tests.operator_model import snake
from tests.support import INTEGRATIONS


def _objects(built: dict[str, bytes], prefix: str) -> dict[str, list[dict[str, Any]]]:
    return {path: [doc for doc in yaml.safe_load_all(data) if doc is not None]
            for path, data in sorted(built.items()) if path.startswith(prefix)}


def test_prometheusrule_specs_equal_the_rule_files_promtool_passed(
    built: dict[str, bytes], checked_rules: dict[str, str]
) -> None:
    rules = _objects(built, "prometheus-operator/")
    for integration in INTEGRATIONS:
        (rule,) = rules[f"prometheus-operator/{integration}-prometheusrule.yaml"]
        assert (rule["apiVersion"], rule["kind"]) == ("monitoring.coreos.com/v1", "PrometheusRule")
        assert rule["metadata"]["name"] == f"kgen-{integration}"
        rule_file = f"prometheus/rules/{integration}.yaml"
        assert rule["spec"] == yaml.safe_load(built[rule_file])
        assert "SUCCESS" in checked_rules[rule_file]


@pytest.mark.parametrize("integration", ["calico", "etcd"])
def test_podmonitors_carry_the_scrape_jobs_steps(built: dict[str, bytes],
                                                 integration: str) -> None:
    jobs = yaml.safe_load(built[f"scrape-jobs/prometheus/{integration}.yaml"])["scrape_configs"]
    monitors = _objects(built, "prometheus-operator/")[
        f"prometheus-operator/{integration}-podmonitors.yaml"]
    assert [m["metadata"]["name"] for m in monitors] == [f"kgen-{j['job_name']}" for j in jobs]
    for job, monitor in zip(jobs, monitors, strict=True):
        assert monitor["kind"] == "PodMonitor" and monitor["spec"]["selector"] == {}
        (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
        steps = [snake(step) for step in endpoint["relabelings"]]
        assert steps[0]["action"] == "labeldrop" and "container" in steps[0]["regex"]
        assert steps[1] == {"action": "replace", "target_label": "job",
                            "replacement": job["job_name"]}
        assert steps[2:] == job["relabel_configs"]
        assert endpoint["filterRunning"] is False
        assert [snake(s) for s in endpoint.get("metricRelabelings", [])] == job.get(
            "metric_relabel_configs", [])
        names = job["kubernetes_sd_configs"][0].get("namespaces", {}).get("names")
        assert monitor["spec"]["namespaceSelector"] == (
            {"matchNames": names} if names else {"any": True})


def test_etcd_client_certificates_come_from_a_secret(built: dict[str, bytes]) -> None:
    (job,) = yaml.safe_load(built["scrape-jobs/prometheus/etcd.yaml"])["scrape_configs"]
    (monitor,) = _objects(built, "prometheus-operator/etcd-")[
        "prometheus-operator/etcd-podmonitors.yaml"]
    tls = monitor["spec"]["podMetricsEndpoints"][0]["tlsConfig"]
    files = job["tls_config"]
    assert tls["ca"] == {"secret": {"name": "etcd-client-cert",
                                    "key": Path(files["ca_file"]).name}}
    assert tls["cert"]["secret"]["key"] == Path(files["cert_file"]).name
    assert tls["keySecret"] == {"name": "etcd-client-cert", "key": Path(files["key_file"]).name}


def _tiny(tmp_path: Path, text: str) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.py").write_text(text, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text("targets: [prometheus-operator]\n", encoding="utf-8")
    return tmp_path / "kgen.yaml"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("flavor=Flavor.PROMETHEUS,", 'flavor=Flavor.PROMETHEUS, credentials_file="/var/run/token",',
     "a PodMonitor cannot read a bearer token file"),
    ("flavor=Flavor.PROMETHEUS,", 'flavor=Flavor.PROMETHEUS, tls=TLS(ca_file="/etc/ca.crt"),',
     "a PodMonitor cannot read TLS files from the Prometheus pod"),
    ('regex="demo_.*"', 'regex=""', "the operator drops an empty regex"),
    ('job_name="demo"', 'job_name="Demo_Job"', "kgen-Demo_Job is not a Kubernetes object name"),
])
def test_what_a_podmonitor_cannot_express_is_an_error_at_the_job(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = BASE.replace(old, new, 1)
    result = CliRunner().invoke(main, ["build", "--config", str(_tiny(tmp_path, text))])
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "j1 = ScrapeJob(" in row)
    assert f"demo.py:{line}: error KG403 job " in result.output and message in result.output
    assert not (tmp_path / "out").exists()


def test_kgen_check_reports_every_podmonitor_problem_and_keeps_warnings(tmp_path: Path) -> None:
    text = BASE.replace("flavor=Flavor.PROMETHEUS,", 'flavor=Flavor.PROMETHEUS, credentials_file='
                        '"/var/run/token", tls=TLS(ca_file="/etc/ca.crt"),', 1)
    result = CliRunner().invoke(main, ["check", "--config", str(_tiny(tmp_path, text))])
    assert result.exit_code == 1
    refusals = [row for row in result.output.splitlines() if " error KG403 job demo: " in row]
    assert len(refusals) == 2, result.output
    assert " warning " in result.output


def test_podmonitor_problems_are_checked_only_with_the_target_and_can_be_suppressed(
    tmp_path: Path
) -> None:
    token = 'flavor=Flavor.PROMETHEUS, credentials_file="/var/run/token",'
    config = _tiny(tmp_path, BASE.replace("flavor=Flavor.PROMETHEUS,", token, 1))
    config.write_text("targets: [scrape-jobs]\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "--config", str(config)]).exit_code == 0
    exempt = token + ' suppress={"KG403": "the token reaches the pod another way"},'
    (tmp_path / "specs" / "demo.py").write_text(
        BASE.replace("flavor=Flavor.PROMETHEUS,", exempt, 1), encoding="utf-8")
    config.write_text("targets: [prometheus-operator]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--config", str(config)])
    assert result.exit_code == 0, result.output
    (monitor,) = yaml.safe_load_all((tmp_path / "out" / "prometheus-operator" /
                                     "demo-podmonitors.yaml").read_text(encoding="utf-8"))
    assert "authorization" not in monitor["spec"]["podMetricsEndpoints"][0]


def test_dashboards_as_configmaps_for_the_sidecar(built: dict[str, bytes]) -> None:
    maps = _objects(built, "grafana/configmaps/")
    boards = [path for path in built if path.startswith("grafana/dashboards/")]
    assert sorted(maps) == sorted(path.replace("/dashboards/", "/configmaps/")
                                  .replace(".json", ".yaml") for path in boards)
    for path, (configmap,) in maps.items():
        name = Path(path).stem
        assert configmap["kind"] == "ConfigMap"
        assert configmap["metadata"]["name"] == f"grafana-dashboard-{name}"
        assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
        (key,) = configmap["data"]
        assert key == f"{name}.json"
        assert configmap["data"][key].encode() == built[f"grafana/dashboards/{name}.json"]
        assert json.loads(configmap["data"][key])["uid"] == f"kgen-{name}"


def test_provider_file_points_grafana_at_the_dashboards(built: dict[str, bytes]) -> None:
    provider = yaml.safe_load(built["grafana/provisioning/etcd.yaml"])
    assert provider["apiVersion"] == 1
    (entry,) = provider["providers"]
    assert entry["type"] == "file" and entry["folder"] == "etcd"
    assert entry["options"]["path"].endswith("/etcd")
    assert entry["allowUiUpdates"] is False


def test_dashboard_over_a_configmaps_limit_is_an_error(tmp_path: Path) -> None:
    huge = "x" * (1 << 20)
    text = BASE.replace('p1 = Panel(title="Errors", description="d"',
                        f'p1 = Panel(title="Errors", description="{huge}"', 1)
    config = _tiny(tmp_path, text)
    config.write_text("targets: [grafana, grafana-provisioning]\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine\n")
    result = CliRunner().invoke(main, ["build", "--config", str(config)])
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "board = Dashboard(" in row)
    assert f"demo.py:{line}: error KG502 dashboard 'Demo' is " in result.output
    assert "over the 1 MiB (1048576 bytes) a ConfigMap can hold" in result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def _closed(schema: Any) -> Any:
    """The schema with every object closed to unknown keys: the API server would silently
    prune them, so an unknown key in our output is a misspelling that loses a setting."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if "properties" in closed and "additionalProperties" not in closed:
        closed["additionalProperties"] = False
    return closed


@pytest.mark.parametrize(("kind", "schema"), [
    ("PodMonitor", "podmonitor-v0.91.0.yaml"),
    ("PrometheusRule", "prometheusrule-v0.82.2.yaml"),
])
def test_objects_fit_the_operator_crd_schemas(built: dict[str, bytes], kind: str,
                                              schema: str) -> None:
    """Excerpts of the operator's CRD schemas (tests/schemas, with source and version)."""
    loaded = yaml.safe_load((Path(__file__).parent / "schemas" / schema).read_text())
    validator = jsonschema.Draft7Validator(_closed(loaded))
    documents = [doc for objects in _objects(built, "prometheus-operator/").values()
                 for doc in objects]
    chosen = [doc for doc in documents if doc["kind"] == kind]
    assert len(chosen) >= 2
    for document in chosen:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator.iter_errors(document)]
        assert not errors, (document["metadata"]["name"], errors[:5])
