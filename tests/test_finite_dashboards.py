"""A NaN or an infinity in a dashboard (a panel's `min` or `max`, a threshold's `value`) is
refused when the spec builds the panel, as any other bad dashboard value is: one line naming
the spec file, line and field, exit 1, nothing written. Neither JSON (Grafana's dashboard file,
the provisioning ConfigMap's) nor jsonnet (the mixin) can hold one. A value set past
validation (`model_copy(update=...)`, `model_construct`) is KG501's, at the panel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from generator.cli import main
from generator.model import Panel, Query, Threshold
from tests.broken._base import BASE

PANEL = 'legend=legend("instance"))'
"""The end of the spec's `p3 = panel(...)` line, where each case adds a field."""
VALUES = ["float('inf')", "float('-inf')", "float('nan')"]
FIELDS = {
    "min": ("min={value}", "Panel.min"),
    "max": ("max={value}", "Panel.max"),
    "threshold": ('thresholds=(Threshold(color="green"), Threshold(color="red", value={value}))',
                  "Threshold.value"),
}
TARGETS = "[prometheus-rules, grafana, grafana-provisioning, mixin]"


def project(tmp_path: Path, *, config: str = "", knobs: str = "", **replace: str) -> Path:
    """A project of the base spec (its selector a knob, so the mixin can expose it) with
    `replace` applied, `knobs` added to its Config and `config` as its kgen.yaml settings; an
    out/ holding one file no refused build may touch. Returns kgen.yaml."""
    text = BASE.replace("Recording, Relabel, Row,", "Recording, Relabel, Row, Threshold,")
    text = text.replace("selector='job=\"demo\"',", "selector=config.selector,")
    text = text.replace("    selector: str = 'job=\"demo\"'\n",
                        "    selector: str = 'job=\"demo\"'\n" + knobs)
    for old, new in replace.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(text, encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "sentinel.txt").write_text("do not touch\n")
    settings = f"integrations:\n  demo:\n    config:\n{config}" if config else ""
    (tmp_path / "kgen.yaml").write_text(f"specs: specs\nout: out\ntargets: {TARGETS}\n{settings}")
    return tmp_path / "kgen.yaml"


def refused(kgen_yaml: Path, command: str = "build") -> str:
    """The one error line of a refused `kgen <command>`, after checking that it is the only
    one, that the exit code is 1 and that out/ is as it was."""
    done = CliRunner().invoke(main, [command, "--config", str(kgen_yaml)])
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output
    errors = [line for line in done.output.splitlines() if " error KG" in line]
    assert len(errors) == 1, done.output
    out = kgen_yaml.parent / "out"
    assert [p.name for p in out.rglob("*")] == ["sentinel.txt"]
    return errors[0]


def line_of(kgen_yaml: Path, marker: str, name: str = "specs/demo.py") -> int:
    lines = (kgen_yaml.parent / name).read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if marker in text)


@pytest.mark.parametrize("field", ["min", "max", "threshold"])
@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_the_model_refuses_a_nan_or_an_infinity(field: str, value: float) -> None:
    steps = [{"color": "green"}, {"color": "red", "value": value}]
    fields: dict[str, Any] = {"thresholds": steps} if field == "threshold" else {field: value}
    with pytest.raises(ValidationError) as raised:
        Panel.model_validate({"title": "t", "description": "d", "unit": "s",
                              "queries": [{"expr": "up"}], **fields})
    [error] = raised.value.errors()
    assert error["type"] == "finite_number"
    assert error["loc"] == (("thresholds", 1, "value") if field == "threshold" else (field,))


def test_the_base_step_has_no_value() -> None:
    steps = (Threshold(color="green"), Threshold(color="red", value=-1e300))
    built = Panel(title="t", description="d", unit="s", queries=(Query(expr="up"),),
                  thresholds=steps, min=-0.5, max=None)
    assert [step.value for step in built.thresholds] == [None, -1e300]
    assert (built.min, built.max) == (-0.5, None)


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("value", VALUES)
def test_a_spec_giving_one_is_refused_at_the_panels_line(
        tmp_path: Path, field: str, value: str) -> None:
    written, name = FIELDS[field]
    setting = written.format(value=value)
    kgen_yaml = project(tmp_path, **{PANEL: f'legend=legend("instance"), {setting})'})
    error = refused(kgen_yaml)
    line = line_of(kgen_yaml, setting)
    assert error == (f"{tmp_path / 'specs' / 'demo.py'}:{line}: error KG002 "
                     f"{name}: Input should be a finite number")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_one_computed_from_a_float_knob_is_refused_where_the_spec_uses_it(
        tmp_path: Path, value: str) -> None:
    """A `float` knob takes the value from kgen.yaml (YAML's `.inf`); the panel refuses it
    at the spec line that builds it from the knob."""
    kgen_yaml = project(tmp_path, knobs="    queue_max: float = 100\n",
                        config=f"      queue_max: {value}\n",
                        **{PANEL: 'legend=legend("instance"), max=config.queue_max)'})
    error = refused(kgen_yaml)
    line = line_of(kgen_yaml, "max=config.queue_max")
    assert error == (f"{tmp_path / 'specs' / 'demo.py'}:{line}: error KG002 "
                     "Panel.max: Input should be a finite number")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_a_finite_knob_refuses_it_at_the_kgen_yaml_line(tmp_path: Path, value: str) -> None:
    """A knob typed `FiniteFloat` refuses it itself, at the line of kgen.yaml that sets it."""
    kgen_yaml = project(tmp_path, knobs="    queue_max: FiniteFloat = 100\n",
                        config=f"      queue_max: {value}\n",
                        **{"from pydantic import BaseModel":
                           "from pydantic import BaseModel, FiniteFloat",
                           PANEL: 'legend=legend("instance"), max=config.queue_max)'})
    error = refused(kgen_yaml)
    assert error == (f"{kgen_yaml}:{line_of(kgen_yaml, 'queue_max', 'kgen.yaml')}: error KG004 "
                     "integrations.demo.config.queue_max: Input should be a finite number")


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize(("bypass", "field", "value"), [
    ('p3 = p3.model_copy(update={"max": float("inf")})', "max", "inf"),
    ('p3 = p3.model_copy(update={"min": float("-inf")})', "min", "-inf"),
    ('p3 = p3.model_copy(update={"thresholds": (Threshold(color="green"), '
     'Threshold.model_construct(color="red", value=float("nan")))})', "thresholds[1].value",
     "nan"),
], ids=["max", "min", "threshold"])
def test_one_set_past_validation_is_refused_at_the_panel(
        tmp_path: Path, command: str, bypass: str, field: str, value: str) -> None:
    """`model_copy(update=...)` and `model_construct` skip validation: KG501 looks at every
    float of every panel, so no build writes one (orjson would write it as null)."""
    board = "    board = Dashboard("
    kgen_yaml = project(tmp_path, **{board: f"    {bypass}\n{board}"})
    error = refused(kgen_yaml, command)
    line = line_of(kgen_yaml, "p3 = panel(")
    assert error == (f"{tmp_path / 'specs' / 'demo.py'}:{line}: error KG501 dashboard 'Demo': "
                     f"panel 'Queue': {field} is {value}, which JSON cannot hold (a panel's "
                     "floats are finite; model_copy(update=...) skips that check)")


def _strict(text: bytes) -> Any:
    """JSON as a strict parser reads it: `NaN`, `Infinity` and `-Infinity` refused."""
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_finite_bounds_and_a_base_step_build_as_strict_json(tmp_path: Path) -> None:
    """The base step of a thresholds list has no value (`null` in Grafana's model); finite
    bounds and step values are written as they are."""
    steps = 'thresholds=(Threshold(color="green"), Threshold(color="red", value=1e300))'
    kgen_yaml = project(tmp_path,
                        **{PANEL: f'legend=legend("instance"), min=-1.5, max=2, {steps})'})
    done = CliRunner().invoke(main, ["build", "--config", str(kgen_yaml)])
    assert done.exit_code == 0, done.output
    out = tmp_path / "out"
    board = _strict((out / "grafana" / "dashboards" / "demo-overview.json").read_bytes())
    queue = next(panel for panel in board["panels"] if panel["title"] == "Queue")
    defaults = queue["fieldConfig"]["defaults"]
    assert (defaults["min"], defaults["max"]) == (-1.5, 2)
    assert defaults["thresholds"]["steps"] == [{"color": "green", "value": None},
                                               {"color": "red", "value": 1e300}]
    for path in out.rglob("*.json"):
        _strict(path.read_bytes())
