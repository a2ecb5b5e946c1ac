"""Each rule file is serialised once: the prometheus-rules target writes it, and the
PrometheusRule holds the same YAML indented under `spec:`. Both are byte for byte what writing
each whole document gives, whichever target renders an integration first."""

from __future__ import annotations

import pytest

from generator import build
from generator.documents.rules import rule_file, rule_file_yaml
from generator.project import load_project
from generator.render import to_yaml
from generator.targets import prometheus_operator, prometheus_rules
from tests.support import CONFIG, PROFILES


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p or "default")
def test_rule_files_and_prometheusrules_are_the_whole_documents(profile: str | None) -> None:
    project = load_project(CONFIG, profile)
    items = build.run(project, until="scope").scoped
    assert items
    for turn, item in enumerate(items * 2):  # each target first, in turn
        spec, integration = item.spec, item.integration
        order = (prometheus_rules, prometheus_operator)
        made = {path: data for target in (order if turn % 2 else order[::-1])
                for path, data in target.render(item, project).items()}
        whole = {**prometheus_operator.prometheus_rule_head(item, project.prometheus_operator),
                 "spec": rule_file(integration)}
        assert made[f"prometheus/rules/{spec.name}.yaml"] == \
            to_yaml(rule_file(integration), spec.source)
        assert made[f"prometheus-operator/{spec.name}-prometheusrule.yaml"] == \
            to_yaml(whole, spec.source)


def test_the_kept_rule_file_is_the_integrations_own() -> None:
    """Asked about one integration, then another, then the first again: each gets its own."""
    first, second = (item.integration for item in
                     build.run(load_project(CONFIG), until="scope").scoped[:2])
    for integration in (first, second, second, first):
        assert rule_file_yaml(integration) == to_yaml(rule_file(integration))
    assert rule_file_yaml(first) != rule_file_yaml(second)
