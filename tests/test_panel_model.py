"""The Panel model: a stat panel says which colors its value takes, as ordered steps."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from generator.model import Panel, PanelKind, Query, Threshold


def panel(kind: PanelKind, *steps: Threshold) -> Panel:
    return Panel(kind=kind, title="t", description="d", unit="short",
                 queries=(Query(expr="up"),), thresholds=steps)


def test_a_stat_panel_needs_thresholds() -> None:
    with pytest.raises(ValidationError, match="a stat panel needs thresholds"):
        panel(PanelKind.STAT)
    assert panel(PanelKind.TIMESERIES).thresholds == ()


@pytest.mark.parametrize("steps", [
    (Threshold(color="green", value=0),),
    (Threshold(color="green"), Threshold(color="red")),
    (Threshold(color="green"), Threshold(color="red", value=5), Threshold(color="orange", value=1)),
])
def test_steps_start_at_a_base_and_ascend(steps: tuple[Threshold, ...]) -> None:
    with pytest.raises(ValidationError, match="thresholds"):
        panel(PanelKind.STAT, *steps)


def test_valid_steps() -> None:
    built = panel(PanelKind.STAT, Threshold(color="green"), Threshold(color="red", value=1))
    assert [s.value for s in built.thresholds] == [None, 1]
