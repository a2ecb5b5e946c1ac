"""The spec kit (generator/kit.py): what its helpers write, and that errors made through it
point at the spec line that used it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from generator import kit, loader
from generator.cli import main
from generator.findings import SpecError
from generator.model import Action, MixinKnob
from generator.model.types import Duration, LabelName
from tests.broken._base import BASE


def test_go_template_pieces() -> None:
    assert kit.labels("instance") == "{{ $labels.instance }}"
    assert kit.value() == "{{ $value }}"
    assert kit.humanize() == "{{ $value | humanize }}"
    assert kit.humanize_percentage() == "{{ $value | humanizePercentage }}"
    assert kit.value("humanizeDuration") == "{{ $value | humanizeDuration }}"
    assert kit.legend("instance", "To") == "{{instance}} {{To}}"


def test_promql_builders() -> None:
    assert kit.rate("x_total", "5m") == "rate(x_total[5m])"
    assert kit.by(("job", "instance"), "x") == "sum by (job, instance) (x)"
    assert kit.without(("pod",), "x", "max") == "max without (pod) (x)"


def test_pod_discovery_and_keep_list(tmp_path: Path) -> None:
    steps = kit.pod_discovery("__meta_kubernetes_pod_container_name", "app", 9100,
                              node_label=True)
    assert [s.target_label for s in steps] == [None, None, "__address__", "namespace", "pod",
                                               "node"]
    assert steps[2].replacement == "$1:9100"
    sysdig = kit.sysdig_discovery("__meta_kubernetes_pod_container_name", "app", "app", 9100)
    assert sysdig[0].regex == "__HOSTIPS__"
    specs = loader.load(_project(tmp_path, BASE))
    metrics = specs[0].integration.metrics
    (whole,) = kit.keep_list(metrics)
    (names,) = kit.keep_list(metrics, names_only=True)
    assert whole.action is Action.KEEP and "demo_latency_seconds_bucket" in whole.regex
    assert "demo_wait_seconds_sum" in whole.regex and "demo_wait_seconds_sum" not in names.regex


def test_config_keeps_its_defaults_as_written(tmp_path: Path) -> None:
    text = BASE.replace("class Config(SpecConfig):\n",
                        "class Config(SpecConfig):\n    limit: float = 5\n")
    (spec,) = loader.load(_project(tmp_path, text))
    assert repr(spec.config.limit) == "5"  # not 5.0: docs and the mixin print it as written


def test_bad_default_in_a_package_is_reported_at_its_line(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "demo").mkdir(parents=True)
    config = ("from generator.kit import SpecConfig\nfrom generator.model.types import "
              "Duration\n\n\nclass Config(SpecConfig):\n    selector: str = 'job=\"demo\"'\n"
              "    wait_for: Duration = '2 hours'\n")
    (specs / "demo" / "config.py").write_text(config, encoding="utf-8")
    body = BASE.split("class Config(SpecConfig):\n    selector: str = 'job=\"demo\"'\n", 1)
    (specs / "demo" / "__init__.py").write_text(
        body[0] + "from .config import Config\n" + body[1], encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        loader.load(specs)
    (finding,) = raised.value.findings
    assert finding.path.endswith("demo/config.py") and finding.line == 7
    assert finding.code == "KG004" and "'2 hours' is not a Prometheus duration" in finding.message


def test_panel_error_through_a_private_helper_is_at_the_public_call(tmp_path: Path) -> None:
    text = BASE.replace(
        "def integration(config: Config) -> Integration:\n",
        "def _queue_panel():\n"
        "    return panel('Queue', 'max(demo_queue_depth', unit='short', description='d')\n\n\n"
        "def integration(config: Config) -> Integration:\n").replace(
        "    board = Dashboard(", "    p4 = _queue_panel()\n    board = Dashboard(").replace(
        "panels=(p1, p2, p3)", "panels=(p1, p2, p3, p4)")
    specs = _project(tmp_path, text)
    result = CliRunner().invoke(main, ["build", "--specs", str(specs), "--out",
                                       str(tmp_path / "out")])
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "p4 = _queue_panel()" in row)
    assert result.exit_code == 1
    assert f"demo.py:{line}: error KG101 " in result.output, result.output


def _project(root: Path, text: str) -> Path:
    specs = root / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "demo.py").write_text(text, encoding="utf-8")
    return specs


class _Knobs(kit.SpecConfig):
    selector: str = 'job="demo"'
    wait_for: Duration = "5 minutes"
    limit: int = Field(default=3, ge=5)
    ratio: float = 5
    labels: Annotated[tuple[LabelName, ...], MixinKnob()] = ("instance", "bad-label")
    lenient: Duration = Field(default="later", validate_default=False)
    strict: Duration = Field(default="never", validate_default=True)
    made: tuple[str, ...] = Field(default_factory=lambda: ("a", 1))  # type: ignore[arg-type]


class _Derived(kit.SpecConfig):
    """A model validator could tell a value from a default: checked through a subclass."""

    selector: str = 'job="demo"'
    port: int | None = None
    wait_for: Duration = "soon"

    @model_validator(mode="before")
    @classmethod
    def _port(cls, data: dict[str, object]) -> dict[str, object]:
        return {**data, "port": data.get("port") or 9100}


class _Aliased(kit.SpecConfig):
    selector: str = 'job="demo"'
    wait: Duration = Field(default="soon", alias="wait_for")


def _subclass_check(model: type[kit.SpecConfig], values: dict[str, object]) -> None:
    """How pydantic checks defaults: a subclass with validate_default on."""
    checking: type[BaseModel] = type(model.__name__, (model,), {
        "__module__": model.__module__, "model_config": ConfigDict(validate_default=True)})
    checking.model_validate(values)


def _errors(check: Callable[[], object]) -> object:
    try:
        check()
    except ValidationError as error:
        return error.title, error.json(include_url=False)  # ctx's exceptions as text
    return None


@pytest.mark.parametrize("model", [_Knobs, _Derived, _Aliased])
@pytest.mark.parametrize("values", [
    {}, {"wait_for": "1m"}, {"limit": 7, "wait_for": "1m", "labels": ["pod"], "made": ["x"]},
    {"limit": "many", "typo": 1}, {"ratio": "x", "selector": 3}, {"port": "p"},
])
def test_defaults_are_checked_as_validate_default_checks_them(
        model: type[kit.SpecConfig], values: dict[str, object]) -> None:
    expected = _errors(lambda: _subclass_check(model, values))
    assert _errors(lambda: model.from_values(values)) == expected
    if model is _Knobs:
        assert expected is not None  # its bad defaults are found whatever is set


def test_a_config_keeps_its_defaults_unvalidated() -> None:
    class Config(kit.SpecConfig):
        selector: str = 'job="demo"'
        ratio: float = 5

    assert repr(Config.from_values({}).ratio) == "5"
