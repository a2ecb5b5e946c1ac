"""The pipeline's stages on the tiny demo spec: the scope stage puts the selector into every
query once (recorded series excepted), the stages run in their order for every command, and
the checks that belong to a target run only with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import build, promql
from generator.checks import operator_podmonitor, provisioning_configmap
from generator.cli import main
from generator.documents.dashboard import dashboard_json
from generator.loader import load
from generator.model import TLS, Flavor, KubernetesSD, Role, ScrapeJob
from generator.project import Project, load_project
from generator.render import to_json
from generator.scoping import Scoped, scoped
from tests.broken._base import BASE
from tests.support import CONFIG, PROFILES


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.py").write_text(BASE, encoding="utf-8")
    return Project(specs_dir=specs, targets=("prometheus-rules", "grafana",
                                             "grafana-provisioning", "prometheus-operator"))


def test_stages_run_in_the_order_the_issue_names() -> None:
    assert [stage.name for stage in build.STAGES] == [
        "load", "settings", "cluster-label", "scope", "checks", "render"]


def test_scope_stage_scopes_every_query_but_recorded_series(demo: Project) -> None:
    (spec,) = load(demo.specs_dir)
    integration = scoped(spec.integration)
    recorded = {rule.record for rule in integration.recording_rules}
    queries = [*(r.expr for r in integration.recording_rules),
               *(a.expr for a in integration.alerts),
               *(q.expr for b in integration.dashboards for row in b.rows for p in row.panels
                 for q in p.queries),
               *(v.metric for b in integration.dashboards for v in b.variables)]
    for expr in queries:
        for use in promql.selector_uses(expr):
            scoped_here = ("job", "=", "demo") in use.matchers
            assert scoped_here is (use.metric not in recorded), expr


def test_scoping_twice_changes_nothing(demo: Project) -> None:
    (spec,) = load(demo.specs_dir)
    once = scoped(spec.integration)
    assert scoped(once) == once


def test_a_run_until_checks_renders_nothing_and_a_full_run_scopes_once(demo: Project) -> None:
    checked = build.run(demo, until="checks")
    assert checked.files == {} and [item.name for item in checked.scoped] == ["demo"]
    done = build.run(demo)
    assert not done.errors
    (item,) = done.scoped
    rules = done.files["prometheus/rules/demo.yaml"].decode()
    assert all(promql.format_expr(a.expr) in rules for a in item.integration.alerts)
    assert done.files["grafana/dashboards/demo-overview.json"] == item.dashboard("overview")


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "base")
def test_dashboards_scoped_as_they_render_equal_scoping_first(profile: str | None) -> None:
    """The dashboard document scopes each query in the traversal that adds Grafana's rewriting;
    that is byte for byte what scoping first and rewriting the scoped query again gives."""
    project = load_project(CONFIG, profile)
    boards = 0
    for spec in build.load_specs(project):
        item, integration = Scoped.of(spec), scoped(spec.integration)
        for board in integration.dashboards:
            assert item.dashboard(board.slug) == to_json(dashboard_json(integration, board))
            boards += 1
    assert boards


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "base")
def test_scoped_rules_are_printed_canonically(profile: str | None) -> None:
    """Rule files and docs write a scoped query as the scope stage printed it: formatting it
    again changes nothing."""
    items = [Scoped.of(spec) for spec in build.load_specs(load_project(CONFIG, profile))]
    exprs = [rule.expr for item in items
             for rule in (*item.integration.recording_rules, *item.integration.alerts)]
    assert exprs
    assert [promql.format_expr(expr) for expr in exprs] == exprs


def _job(**fields: object) -> ScrapeJob:
    return ScrapeJob(job_name="demo", flavor=Flavor.PROMETHEUS, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("job", "problems"), [
    (_job(), []),
    (_job(tls=TLS(ca_file="/ca.crt", secret="certs")), []),
    (_job(tls=TLS(ca_file="/ca.crt"), credentials_file="/token"),
     ["bearer token file", "TLS files"]),
    (_job(discovery=KubernetesSD(role=Role.ENDPOINTS)), ["has no PodMonitor form"]),
    (ScrapeJob(job_name="Demo", flavor=Flavor.PROMETHEUS), ["not a Kubernetes object name"]),
])
def test_operator_podmonitor_lists_every_problem(job: ScrapeJob, problems: list[str]) -> None:
    found = operator_podmonitor.problems(job)
    assert len(found) == len(problems)
    for text, problem in zip(found, problems, strict=True):
        assert problem in text


def test_configmap_size_check_measures_the_dashboard_file(demo: Project,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (spec,) = load(demo.specs_dir)
    item = Scoped.of(spec)
    size = len(item.dashboard("overview"))
    assert provisioning_configmap.check([item]) == []
    monkeypatch.setattr(provisioning_configmap, "CONFIGMAP_LIMIT", size - 1)
    (finding,) = provisioning_configmap.check([item])
    assert finding.code == "KG502" and f"is {size} bytes" in finding.message


def test_kgen_check_reports_a_target_refusal_beside_the_warnings(tmp_path: Path) -> None:
    """The mixin refuses a knob the spec computes on (KG701); the checks' warnings stay."""
    text = re.sub(r"(class Config\(\w+\):\n)(    pass\n)?",
                  r"\1    queue_limit: Annotated[float, MixinKnob()] = 50\n", BASE, count=1)
    text = text.replace('"demo_queue_depth > 100"',
                        'f"demo_queue_depth > {config.queue_limit * 2:g}"', 1)
    assert "queue_limit: Annotated" in text and "config.queue_limit * 2" in text
    text = "from typing import Annotated\nfrom generator.model import MixinKnob\n" + text
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(text, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text("targets: [prometheus-rules, mixin]\n",
                                        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / "kgen.yaml")])
    assert result.exit_code == 1
    assert " error KG701 " in result.output, result.output
    assert " warning KG303 " in result.output, result.output


def test_targets_do_not_import_each_other() -> None:
    """What targets share lives in generator/documents/ and generator/conventions.py."""
    import ast

    from generator.targets import TARGETS
    from tests.support import ROOT

    for name, module in TARGETS.items():
        path = ROOT / (module.replace(".", "/") + ".py")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                     for alias in node.names}
        assert not any(i.startswith("generator.targets") for i in imported), name
