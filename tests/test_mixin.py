"""The mixin export, evaluated by the jsonnet binding: with its default `_config` it equals the
rule files and dashboards; overriding the selector rescopes every query, and promtool agrees."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import _jsonnet
import pytest
import yaml

from generator.promql import format_expr, selector_uses
from generator.targets.mixin import PLACEHOLDER

INTEGRATIONS = ("calico", "etcd")


def evaluate(built: dict[str, bytes], tmp_path: Path, integration: str, snippet: str) -> Any:
    folder = tmp_path / integration
    folder.mkdir(exist_ok=True)
    (folder / "mixin.libsonnet").write_bytes(built[f"mixin/{integration}/mixin.libsonnet"])
    return json.loads(_jsonnet.evaluate_snippet("test", snippet, jpathdir=str(folder)))


def canonical(expr: str) -> str:
    """A query in canonical PromQL form: the mixin's selector stands where the placeholder
    stood, so matcher order and line breaks may differ from the plain output, never meaning."""
    label_values = re.fullmatch(r"label_values\((.*), (\w+)\)", expr, re.S)
    if label_values:
        return f"label_values({canonical(label_values[1])}, {label_values[2]})"
    return format_expr(expr.replace("$__rate_interval", "4321d"))


def normalised(value: Any) -> Any:
    """Every `expr` and variable `query` in canonical form, anywhere in a JSON value."""
    if isinstance(value, dict):
        return {key: canonical(item) if key in ("expr", "query") and isinstance(item, str)
                else normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    return value


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_default_config_equals_the_plain_outputs(built: dict[str, bytes], tmp_path: Path,
                                                 integration: str) -> None:
    mixin = evaluate(built, tmp_path, integration, "import 'mixin.libsonnet'")
    assert set(mixin) == set()  # every field is hidden (::), as mixins write them
    fields = evaluate(built, tmp_path, integration, """
        local m = import 'mixin.libsonnet';
        {config: m._config, rules: m.prometheusRules, alerts: m.prometheusAlerts,
         dashboards: m.grafanaDashboards}""")
    rules = yaml.safe_load(built[f"prometheus/rules/{integration}.yaml"])["groups"]
    assert normalised(fields["rules"]["groups"] + fields["alerts"]["groups"]) == normalised(rules)
    boards = {path.removeprefix("grafana/dashboards/"): json.loads(data)
              for path, data in built.items()
              if path.startswith(f"grafana/dashboards/{integration}-")}
    assert normalised(fields["dashboards"]) == normalised(boards)
    assert PLACEHOLDER.format(name=integration) not in json.dumps(fields)


@pytest.mark.parametrize("integration", INTEGRATIONS)
def test_overriding_the_selector_rescopes_every_query(
    built: dict[str, bytes], tmp_path: Path, promtool: str, integration: str
) -> None:
    key = f"{integration}Selector"
    fields = evaluate(built, tmp_path, integration, f"""
        local m = (import 'mixin.libsonnet') + {{_config+:: {{{key}: 'job="team-a"'}}}};
        {{old: (import 'mixin.libsonnet')._config.{key}, alerts: m.prometheusAlerts,
          rules: m.prometheusRules, dashboards: m.grafanaDashboards}}""")
    old = fields["old"]
    groups = fields["rules"]["groups"] + fields["alerts"]["groups"]
    exprs = [rule["expr"] for group in groups for rule in group["rules"]]
    exprs += [target["expr"] for board in fields["dashboards"].values()
              for panel in board["panels"] for target in panel.get("targets", [])]
    recorded = {rule["record"] for group in groups for rule in group["rules"] if "record" in rule}
    uses = [use for expr in exprs
            for use in selector_uses(expr.replace("$__rate_interval", "5m"))
            if use.metric not in recorded]
    assert len(exprs) > 20 and len(uses) >= len(exprs)
    assert all(old not in expr for expr in exprs)
    assert all(("job", "=", "team-a") in use.matchers for use in uses)
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump({"groups": groups}), encoding="utf-8")
    done = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
