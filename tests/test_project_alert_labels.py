"""An alert label the project config adds (`alerts.labels`) that is not a valid template, or that
carries the value, is one error at the config line that sets it, not one at every alert's
spec line; the same label written in a spec is still reported at the spec's line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.broken._base import BASE
from tests.support import KGEN

CONFIG = """\
specs: specs
out: out
targets: [prometheus-rules]
integrations:
  demo:
    alerts:
      labels:
        team: demo
        route: {route}
profiles:
  lab:
    integrations:
      demo:
        alerts:
          labels:
            tier: {tier}
"""


def _build(tmp_path: Path, config: str, spec: str = BASE,
           *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "specs").mkdir(exist_ok=True)
    (tmp_path / "specs" / "demo.py").write_text(spec, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text(config, encoding="utf-8")
    return subprocess.run([KGEN, "build", *args], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=60)


def _errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    return [row for row in done.stderr.splitlines() if ": error " in row]


def _line(text: str, marker: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)


@pytest.mark.parametrize(("route", "message"), [
    ('"{{ $value | humanize }}"', "uses the value: every new value makes a new alert"),
    ('"{{ $labels.instance"', "column 1: `{{` is never closed"),
])
def test_a_bad_project_label_is_reported_once_at_its_config_line(
        tmp_path: Path, route: str, message: str) -> None:
    config = CONFIG.format(route=route, tier="one")
    errors = _errors(_build(tmp_path, config))
    assert errors == [f"kgen.yaml:{_line(config, 'route:')}: error KG302 "
                      f"integrations.demo.alerts.labels.route: {message}"
                      + errors[0].split(message, 1)[1]], errors
    assert not (tmp_path / "out").exists()


def test_a_profile_label_is_reported_at_the_profile_line(tmp_path: Path) -> None:
    config = CONFIG.format(route="demo", tier='"{{ $value }}"')
    assert _build(tmp_path, config).returncode == 0
    errors = _errors(_build(tmp_path, config, BASE, "--profile", "lab"))
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"kgen.yaml:{_line(config, 'tier:')}: error KG302 "
                                "integrations.demo.alerts.labels.tier: uses the value"), errors


def test_the_same_label_in_a_spec_is_reported_at_the_alert(tmp_path: Path) -> None:
    spec = BASE.replace('summary="Queue full."',
                        'summary="Queue full.", labels={"page": "{{ $value }}"}')
    errors = _errors(_build(tmp_path, CONFIG.format(route="demo", tier="one"), spec))
    assert errors == [f"specs/demo.py:{_line(spec, 'DemoQueueFull')}: error KG302 alert "
                      "DemoQueueFull: label page uses the value: every new value makes a new "
                      "alert, pending from the start, so while the value changes it never "
                      "fires; put the value in the description"], errors


def test_a_bad_project_label_does_not_hide_the_specs_own_mistakes(tmp_path: Path) -> None:
    """The checks still run: one run reports the project's label and the spec's own error."""
    spec = BASE.replace('summary="Queue full."', 'summary="Queue {{ $value }} full."')
    config = CONFIG.format(route='"{{ $value }}"', tier="one")
    errors = _errors(_build(tmp_path, config, spec))
    assert [row.split(": error ")[0] for row in errors] == [
        f"kgen.yaml:{_line(config, 'route:')}",
        f"specs/demo.py:{_line(spec, 'DemoQueueFull')}"], errors
    assert "summary must be static" in errors[1]
    assert not (tmp_path / "out").exists()


def test_a_spec_suppression_does_not_cover_the_project_label(tmp_path: Path) -> None:
    """The label is the project's mistake: a spec alert suppressing KG302 does not hide it."""
    spec = BASE.replace('summary="Queue full."',
                        'summary="Queue full.", suppress={"KG302": "our own wording"}')
    config = CONFIG.format(route='"{{ $value }}"', tier="one")
    errors = _errors(_build(tmp_path, config, spec))
    assert len(errors) == 1 and errors[0].startswith(
        f"kgen.yaml:{_line(config, 'route:')}: error KG302"), errors


def test_a_project_label_reading_a_label_no_series_carries_is_reported_at_its_line(
        tmp_path: Path) -> None:
    """KG205 depends on each alert's expression, so it is one error per alert it reaches, each
    at the kgen.yaml line that sets the label (not at the alert's spec line)."""
    config = CONFIG.format(route='"{{ $labels.nope }}"', tier="one")
    errors = _errors(_build(tmp_path, config))
    line = _line(config, "route:")
    assert errors and all(row.startswith(f"kgen.yaml:{line}: error KG205 alert ")
                          for row in errors), errors
    assert all("label route uses label 'nope'" in row for row in errors), errors
    assert not (tmp_path / "out").exists()
