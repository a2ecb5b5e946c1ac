"""Prometheus rule files: one per integration, recording rules first, then alerts; and beside
them the promtool unit tests built from the rules' examples (`prometheus/tests/<name>.yaml`,
whose `rule_files` entry is relative, so `promtool test rules` runs them where they lie)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator import conventions, rule_tests
from generator.documents.rules import rule_file_yaml
from generator.render import header_line, to_yaml

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec, integration = item.spec, item.integration
    if not (integration.recording_rules or integration.alerts):
        return {}
    files = {conventions.rule_file_path(spec.name): header_line(spec.source)
             + rule_file_yaml(integration)}
    tests = rule_tests.promtool_tests(
        integration, conventions.RULE_FILE_FROM_TESTS.format(integration=spec.name))
    if tests is not None:
        files[conventions.rule_tests_path(spec.name)] = to_yaml(tests, spec.source)
    return files
