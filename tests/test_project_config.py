"""kgen.yaml and [tool.kgen]: settings validated with the key and line named, profiles laid
over the base settings end to end, and no fork needed to change a selector or a threshold."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.support import temp_project


def project(tmp_path: Path, config: str, name: str = "kgen.yaml") -> Path:
    """A project directory: the specimen specs and the given config file."""
    return temp_project(tmp_path, config, name)


def kgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real console script, run in the project directory as a user would."""
    import sys

    command = [str(Path(sys.executable).parent / "kgen"), *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def rules(root: Path, out: str, integration: str) -> list[dict[str, object]]:
    document = yaml.safe_load((root / out / "prometheus" / "rules" / f"{integration}.yaml")
                              .read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


CONFIG = """\
targets: [prometheus-rules, scrape-jobs]
integrations:
  calico:
    alerts:
      labels: {team: network}
profiles:
  prod:
    integrations:
      calico:
        config:
          selector: 'job="felix-prod"'
          dataplane_apply_p99_seconds: 8
"""


def test_profile_changes_selector_and_threshold_end_to_end(tmp_path: Path, promtool: str) -> None:
    root = project(tmp_path, CONFIG)
    assert kgen(root, "build").returncode == 0
    done = kgen(root, "build", "--profile", "prod")
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stderr and "out-prod" in done.stderr
    base, prod = rules(root, "out", "calico"), rules(root, "out-prod", "calico")
    assert all('job=~"calico-node.*|calico-(kube-)?controllers?.*"' in str(r["expr"])
               for r in base)
    assert all('job="felix-prod"' in str(r["expr"]) and "calico-node" not in str(r["expr"])
               for r in prod)
    apply = {r["alert"]: " ".join(str(r["expr"]).split()) for r in prod if "alert" in r}
    assert apply["CalicoDataplaneApplyLatencyHigh"].rstrip().endswith("> 8")
    assert {r["alert"]: " ".join(str(r["expr"]).split()) for r in base if "alert" in r}[
        "CalicoDataplaneApplyLatencyHigh"].rstrip().endswith("> 5")
    assert all(r["labels"]["team"] == "network" for r in prod if "alert" in r)  # type: ignore[index]
    checked = subprocess.run([promtool, "check", "rules",
                              str(root / "out-prod/prometheus/rules/calico.yaml")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not (root / "out-prod" / "grafana").exists()


def test_typo_in_integration_config_names_key_and_line(tmp_path: Path) -> None:
    config = CONFIG.replace("dataplane_apply_p99_seconds", "dataplane_apply_p99_secs")
    root = project(tmp_path, config)
    done = kgen(root, "build", "--profile", "prod")
    assert done.returncode == 1
    line = line_of(config, "dataplane_apply_p99_secs")
    assert (f"kgen.yaml:{line}: error KG004 integrations.calico.config.dataplane_apply_p99_secs: "
            "calico has no such setting (did you mean dataplane_apply_p99_seconds?)") in done.stderr
    assert not (root / "out-prod").exists()


def test_invalid_value_names_key_and_line(tmp_path: Path) -> None:
    config = CONFIG.replace("error_for", "x").replace("dataplane_apply_p99_seconds: 8",
                                                      "error_for: ten minutes")
    root = project(tmp_path, config)
    done = kgen(root, "build", "--profile", "prod")
    assert done.returncode == 1
    assert f"kgen.yaml:{line_of(config, 'error_for')}: error KG004 " \
           "integrations.calico.config.error_for:" in done.stderr


@pytest.mark.parametrize(("old", "new", "expected", "marker"), [
    ("targets:", "target:", "target: unknown key (did you mean targets?)", "target:"),
    ("[prometheus-rules, scrape-jobs]", "[prometheus-rule]",
     "unknown target 'prometheus-rule' (did you mean prometheus-rules?)", "target"),
    ("    alerts:\n      labels", "    alert:\n      labels",
     "integrations.calico.alert: unknown key (did you mean alerts?)", "alert:"),
    ("      labels: {team: network}",
     "      labels: {team: network}\n      disable: [CalicoIpsetError]",
     "integrations.calico.alerts.disable: calico has no alert CalicoIpsetError", "disable:"),
    ("  calico:\n    alerts", "  calicoo:\n    alerts", "integrations.calicoo: no spec named",
     "calicoo:"),
])
def test_config_errors_point_at_the_key(
    tmp_path: Path, old: str, new: str, expected: str, marker: str
) -> None:
    assert old in CONFIG
    config = CONFIG.replace(old, new, 1)
    root = project(tmp_path, config)
    (root / "out").mkdir()
    (root / "out" / "keep.txt").write_text("mine\n")
    done = kgen(root, "build")
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"kgen.yaml:{line_of(config, marker)}: error "), done.stderr
    assert expected in first, done.stderr
    assert [p.name for p in (root / "out").iterdir()] == ["keep.txt"]


def test_a_toml_line_is_counted_as_toml_counts_it(tmp_path: Path) -> None:
    """TOML ends a line at a newline only: U+2028 in a comment is one line's text."""
    pyproject = ('# one line \u2028 to TOML\n[tool.kgen]\ntargets = ["prometheus-rules"]\n'
                 '[tool.kgen.integrations.etcd.config]\nlatency_fro = "20m"\n')
    root = project(tmp_path, pyproject, name="pyproject.toml")
    done = kgen(root, "build")
    assert "pyproject.toml:5: error KG004 integrations.etcd.config.latency_fro" in done.stderr


def test_pyproject_tool_kgen_is_read(tmp_path: Path) -> None:
    pyproject = (
        '[project]\nname = "x"\n\n[tool.kgen]\ntargets = ["prometheus-rules"]\n\n'
        '[tool.kgen.integrations.etcd.config]\nselector = \'job="etcd-a"\'\nlatency_fro = "20m"\n'
    )
    root = project(tmp_path, pyproject, name="pyproject.toml")
    done = kgen(root, "build")
    assert done.returncode == 1
    assert ("pyproject.toml:9: error KG004 integrations.etcd.config.latency_fro: etcd has no "
            "such setting (did you mean latency_for?)") in done.stderr
    text = (root / "pyproject.toml").read_text().replace("latency_fro", "latency_for")
    (root / "pyproject.toml").write_text(text)
    assert kgen(root, "build").returncode == 0
    assert sorted(p.relative_to(root / "out").as_posix() for p in (root / "out").rglob("*.yaml")
                  ) == ["prometheus/rules/calico.yaml", "prometheus/rules/etcd.yaml",
                        "prometheus/tests/calico.yaml", "prometheus/tests/etcd.yaml"]
    text = (root / "out/prometheus/rules/etcd.yaml").read_text()
    assert 'job="etcd-a"' in text and ".*etcd.*" not in text


def test_profile_overlays_alerts_flavors_and_targets(tmp_path: Path) -> None:
    config = CONFIG + """\
  quiet:
    out: deploy/quiet
    targets: [scrape-jobs, prometheus-rules]
    flavors: [sysdig-agent]
    integrations:
      etcd:
        config:
          instance_labels: [instance]
        alerts:
          disable: [etcdHighRequestRate, etcdMetricsAbsent]
          severity: {etcdNoLeader: warning}
          labels: {tier: "1"}
"""
    root = project(tmp_path, config)
    done = kgen(root, "build", "--profile", "quiet")
    assert done.returncode == 0, done.stderr
    out = root / "deploy" / "quiet"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        "prometheus/rules/calico.yaml", "prometheus/rules/etcd.yaml",
        "prometheus/tests/calico.yaml", "prometheus/tests/etcd.yaml",
        "scrape-jobs/sysdig-agent/calico.yaml", "scrape-jobs/sysdig-agent/etcd.yaml"]
    etcd = [r for r in rules(root, "deploy/quiet", "etcd") if "alert" in r]
    names = {r["alert"] for r in etcd}
    assert "etcdHighRequestRate" not in names and "etcdMetricsAbsent" not in names
    severities = {r["labels"]["severity"] for r in etcd if r["alert"] == "etcdNoLeader"}  # type: ignore[index]
    assert severities == {"warning"}
    assert all(r["labels"]["tier"] == "1" for r in etcd)  # type: ignore[index]


def test_unknown_profile_is_an_error(tmp_path: Path) -> None:
    config = project(tmp_path, CONFIG) / "kgen.yaml"
    result = CliRunner().invoke(main, ["build", "--config", str(config), "--profile", "stage"])
    assert result.exit_code == 1
    assert "no profile 'stage'; known: prod" in result.output


def test_checks_run_on_the_profile_as_laid_over(tmp_path: Path) -> None:
    """Only the Sysdig flavor: no job adds `pod`, so the etcd panels that sum `by` the default
    member labels are caught. (The cluster-wide alerts aggregate `without` them, where a label
    missing from every series changes nothing, and say so in their KG205 exemption.)"""
    root = project(tmp_path, CONFIG + "  sysdig:\n    flavors: [sysdig-agent]\n")
    done = kgen(root, "build", "--profile", "sysdig")
    assert done.returncode == 1
    assert "error KG205 panel 'Request rate' uses label 'pod'" in done.stderr
    assert not (root / "out-sysdig").exists()


def test_the_base_settings_are_the_files_without_its_profiles(tmp_path: Path) -> None:
    """Without a profile the base settings are taken from the file's one validation; they are
    those of the same file with no profiles in it, every setting compared."""
    from generator.project import load_project

    with_profiles = project(tmp_path / "a", CONFIG) / "kgen.yaml"
    text = CONFIG.split("profiles:")[0]
    without = project(tmp_path / "b", text) / "kgen.yaml"
    assert "profiles:" in CONFIG and "profiles:" not in text
    base, bare = load_project(with_profiles), load_project(without)
    assert base.profiles and not bare.profiles
    for name in ("out_dir", "specs_dir"):
        assert getattr(base, name).relative_to(with_profiles.parent) == \
            getattr(bare, name).relative_to(without.parent)
    same = ("targets", "flavors", "cluster_label", "runbook_url", "prometheus_operator",
            "grafana_provisioning", "integrations")
    assert [getattr(base, name) for name in same] == [getattr(bare, name) for name in same]
    assert base.integrations and base.prometheus_operator == bare.prometheus_operator
