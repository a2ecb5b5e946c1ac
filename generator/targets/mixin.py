"""A monitoring mixin per integration (`mixin/<name>/mixin.libsonnet`), for jsonnet users.

It exposes the mixin fields kube-prometheus and mixtool expect: `_config`, `prometheusRules`
(recording rules), `prometheusAlerts` and `grafanaDashboards`. `_config.<name>Selector` is
real, not decorative: kgen renders every rule and dashboard with a placeholder matcher where
the selector goes (through the PromQL AST, like any build), and the mixin swaps in the
configured selector, so `{_config+:: {calicoSelector: 'job="felix"'}}` rescopes every query.
Other knobs (thresholds, for-durations) are baked in; change them in kgen.yaml and rebuild.
"""

from __future__ import annotations

import json
from typing import Any

from generator.loader import Spec
from generator.model import Integration
from generator.render import header, json_text
from generator.scoping import scope_rules
from generator.targets.grafana import dashboard_json, file_name
from generator.targets.prometheus_rules import alerting_groups, recording_groups

PLACEHOLDER = '__kgen_selector__="{name}"'
TEMPLATE = """\
// {header}
//
// A monitoring mixin for {title}. `_config.{key}` scopes every rule and dashboard query.
local placeholder = {placeholder};
local scoped(value, selector) =
  if std.isString(value) then std.strReplace(value, placeholder, selector)
  else if std.isArray(value) then [scoped(item, selector) for item in value]
  else if std.isObject(value) then {{ [key]: scoped(value[key], selector)
                                     for key in std.objectFields(value) }}
  else value;
local recordingRules = {recording};
local alertingRules = {alerting};
local dashboards = {dashboards};
{{
  _config+:: {{
    {key}: {selector},
  }},
  prometheusRules+:: scoped(recordingRules, $._config.{key}),
  prometheusAlerts+:: scoped(alertingRules, $._config.{key}),
  grafanaDashboards+:: scoped(dashboards, $._config.{key}),
}}
"""


def config_key(name: str) -> str:
    """`calico` -> `calicoSelector`, `kube-proxy` -> `kubeProxySelector`."""
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in rest) + "Selector"


def render(spec: Spec) -> dict[str, bytes]:
    placeholder = PLACEHOLDER.format(name=spec.name)
    integration = spec.integration.model_copy(update={"selector": placeholder})
    scoped = scope_rules(integration)
    text = TEMPLATE.format(
        header=header(spec.source),
        title=spec.integration.title,
        key=config_key(spec.name),
        placeholder=_jsonnet_string(placeholder),
        selector=_jsonnet_string(spec.integration.selector),
        recording=_literal({"groups": recording_groups(scoped)}),
        alerting=_literal({"groups": alerting_groups(scoped)}),
        dashboards=_literal(_dashboards(spec, integration)),
    )
    return {f"mixin/{spec.name}/mixin.libsonnet": text.encode("utf-8")}


def _dashboards(spec: Spec, integration: Integration) -> dict[str, Any]:
    return {file_name(integration, board): dashboard_json(integration, board)
            for board in integration.dashboards}


def _literal(value: Any) -> str:
    """JSON is valid jsonnet: a canonical, sorted literal."""
    return json_text(value)


def _jsonnet_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
