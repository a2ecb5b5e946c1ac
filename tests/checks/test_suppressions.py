"""Suppressions are found on every item of an integration, however deep: the search walks only
the fields whose declared type can hold a model, so this walks every value instead and
compares."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from generator import checks
from generator.model import TLS, Integration, KubernetesSD, SpecModel, Threshold
from generator.model.base import display_path
from tests.checks.conftest import JOB, PANELS, RUNBOOK, board, demo, spec


def _suppressing(value: Any) -> Any:
    """The value with every model in it, itself included, suppressing KG999 (locations kept)."""
    if isinstance(value, tuple):
        return tuple(_suppressing(item) for item in value)
    if isinstance(value, SpecModel):
        update = {name: _suppressing(field) for name, field in value.__dict__.items()}
        update["suppress"] = {"KG999": f"reason for {type(value).__name__}"}
        return value.model_copy(update=update)
    return value


def _every_model(value: Any) -> list[SpecModel]:
    """Every model in the value: through every field, tuple, list and dict value."""
    if isinstance(value, tuple | list):
        return [model for item in value for model in _every_model(item)]
    if isinstance(value, dict):
        return _every_model(list(value.values()))
    if isinstance(value, SpecModel):
        return [value, *_every_model(list(value.__dict__.values()))]
    return []


def every_kind() -> Integration:
    """The demo with an item of every kind, each built on a line of its own (so a missed one
    shows): TLS, thresholds, a runbook, examples. (Not `_every_kind`: a private helper's
    models take the location of its caller.)"""
    tls = TLS(ca_file="/ca.pem")
    pods = KubernetesSD(namespaces=("demo",))
    job = JOB.model_copy(update={"tls": tls, "discovery": pods})
    base = Threshold(color="green")
    red = Threshold(value=1, color="red")
    panel = PANELS[0].model_copy(update={"thresholds": (base, red)})
    integration = demo(scrape_jobs=(job,), dashboards=(board(panel),))
    alerts = tuple(a.model_copy(update={"runbook": RUNBOOK}) for a in integration.alerts)
    return integration.model_copy(update={"alerts": alerts})


def test_a_suppression_on_any_item_is_found() -> None:
    integration = _suppressing(every_kind())
    models = _every_model(integration)
    kinds = {type(model).__name__ for model in models}
    assert {"Integration", "Alert", "Runbook", "Recording", "Metric", "ScrapeJob", "Relabel",
            "KubernetesSD", "TLS", "Dashboard", "Variable", "Row", "Panel", "Query",
            "Threshold"} <= kinds
    expected = {(display_path(m.location.path), m.location.line, "KG999")
                for m in models if m.location is not None}
    assert len(expected) > 10
    assert checks.suppressions([spec(integration)]) == expected



class _Holder(SpecModel):
    """Fields of every declared type that can hold a spec model."""

    anything: Any = None
    thing: object = None
    listed: list[Threshold] = Field(default_factory=list)
    named: dict[str, Threshold] = Field(default_factory=dict)


def test_a_model_in_a_field_of_any_type_that_can_hold_one_is_found() -> None:
    """`Any`, `object`, lists and dict values: a model there keeps its suppression."""
    reason = {"KG999": "reason"}
    holder = _Holder(
        anything=Threshold(color="red", suppress=reason),
        thing=Threshold(color="blue", suppress=reason),
        listed=[Threshold(color="green", suppress=reason)],
        named={"a": Threshold(color="orange", suppress=reason)},
    )
    expected = set()
    for model in _every_model(holder)[1:]:
        assert model.location is not None
        expected.add((display_path(model.location.path), model.location.line, "KG999"))
    assert len(expected) == 4
    found = checks.suppressions([spec(demo())._replace(integration=holder)])  # type: ignore[arg-type]
    assert found == expected
