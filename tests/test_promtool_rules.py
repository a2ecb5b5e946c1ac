"""The generated rule files pass `promtool check rules` (their examples: test_rule_examples.py).
promtool runs once over all of them, in the `checked_rules` fixture."""

from __future__ import annotations

import yaml

from tests.support import INTEGRATIONS


def test_promtool_checks_every_rule_file(built: dict[str, bytes],
                                         checked_rules: dict[str, str]) -> None:
    assert checked_rules, "the build has no rule files"
    for path, said in checked_rules.items():
        groups = yaml.safe_load(built[path])["groups"]
        count = sum(len(group["rules"]) for group in groups)
        assert f"SUCCESS: {count} rules found" in said, f"{path}: {said}"
    assert {f"prometheus/rules/{name}.yaml" for name in INTEGRATIONS} <= set(checked_rules)
