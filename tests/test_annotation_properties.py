"""Property tests: any text in summaries, descriptions and label values either builds into
rule YAML and dashboard JSON that load back to the same string, or is refused with a finding."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build
from generator.findings import SpecError
from tests.broken._base import BASE

TEXT = st.text(min_size=1, max_size=40)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _build(tmp_path: Path, text: str) -> dict[str, bytes] | None:
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "demo.py").write_text(text)
    try:
        return build(specs)
    except SpecError as error:
        assert error.findings and all(f.line > 0 for f in error.findings)
        return None


def _alert(files: dict[str, bytes], name: str) -> dict[str, object]:
    groups = yaml.safe_load(files["prometheus/rules/demo.yaml"])["groups"]
    rule: dict[str, object] = next(r for g in groups for r in g["rules"]
                                   if r.get("alert") == name)
    return rule


@SETTINGS
@given(summary=TEXT, description=TEXT, label=TEXT)
def test_annotation_text_round_trips_or_is_refused(
    tmp_path: Path, summary: str, description: str, label: str
) -> None:
    spec = BASE.replace('summary="Slow.", description=DESC',
                        f"summary={summary!r}, description={'{{ $value }} ' + description!r}, "
                        f"labels={{'team': {label!r}}}")
    files = _build(tmp_path, spec)
    if files is None:
        # a label value is a Go template too: `{{` there is refused as in the texts
        text = summary + description + label
        assert "{{" in text or "}}" in text
        return
    rule = _alert(files, "DemoSlow")
    assert rule["annotations"] == {"summary": summary,
                                   "description": "{{ $value }} " + description,
                                   "runbook_url": "out/docs/demo.md#demoslow"}
    assert rule["labels"] == {"severity": "warning", "team": label}


@SETTINGS
@given(title=TEXT)
def test_panel_text_round_trips_in_dashboard_json(tmp_path: Path, title: str) -> None:
    files = _build(tmp_path, BASE.replace('Panel(title="Errors", description="d"',
                                          f"Panel(title={title!r}, description={title!r}"))
    if files is None:
        return
    board = json.loads(files["grafana/dashboards/demo-overview.json"])
    panels = [p for p in board["panels"] if p.get("type") != "row"]
    assert panels[0]["title"] == title
    assert panels[0]["description"] == title
