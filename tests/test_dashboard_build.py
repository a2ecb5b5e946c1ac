"""A board is built through grafana-foundation-sdk once and its queries scoped for each build
that wants it: the result is what a build of that very board gives, a board that differs in
anything but query text is built again, and the SDK (each panel type's builder) is imported
only when a board needs it."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from pydantic import BaseModel, TypeAdapter, ValidationError

from generator import loader, promql
from generator.checks.dashboards import panel_floats
from generator.documents import dashboard
from generator.documents.dashboard import board_text, dashboard_file, dashboard_json
from generator.documents.dashboard_builder import built as sdk_built
from generator.documents.dashboard_builder import plain_json, sdk_dashboard
from generator.model import Dashboard, Integration, Panel, PanelKind, Query, Row, Threshold
from tests.support import SPECS

SCOPE = promql.Rewrite(scope='job="demo"')


def board(expr: str = "sum(rate(demo_requests_total[5m]))", title: str = "Requests",
          kind: PanelKind = PanelKind.TIMESERIES) -> Dashboard:
    thresholds = (Threshold(color="green"), Threshold(color="red", value=1))
    return Dashboard(title="Demo", rows=(Row(title="Traffic", panels=(
        Panel(kind=kind, title=title, description="d", unit="reqps", thresholds=thresholds,
              queries=(Query(expr=expr, legend="all"), Query(expr="up"))),
        Panel(title="Up", description="d", unit="short", queries=(Query(expr="up == 1"),)),
    )),))


def integration(*boards: Dashboard, name: str = "demo") -> Integration:
    """What a dashboard reads of an integration: its name and description."""
    return Integration.model_construct(name=name, description="A demo.", dashboards=boards)


def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget every board built so far."""
    monkeypatch.setattr(dashboard, "_BUILT", dashboard._Boards())


@pytest.mark.parametrize("other", [
    board(expr="sum(rate(demo_errors_total[5m]))"),
    board(title="Calls"),
    board(kind=PanelKind.STAT),
], ids=["query text", "panel title", "panel kind"])
def test_a_board_reads_as_its_own_build_after_another_was_built(
        monkeypatch: pytest.MonkeyPatch, other: Dashboard) -> None:
    first, demo = board(), integration(board(), other)
    fresh(monkeypatch)
    alone = dashboard_json(demo, other, SCOPE)
    fresh(monkeypatch)
    dashboard_json(demo, first, SCOPE)
    dashboard_json(demo, first)
    assert dashboard_json(demo, other, SCOPE) == alone
    assert dashboard_json(demo, first, SCOPE) != alone


def test_query_text_is_all_a_shared_build_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh(monkeypatch)
    demo = integration(board())
    one = dashboard_json(demo, board(), SCOPE)
    other = dashboard_json(demo, board(expr="sum(rate(demo_errors_total[5m]))"), SCOPE)
    assert len(dashboard._BUILT._built) == 1
    assert [t["expr"] for t in one["panels"][1]["targets"]] == [
        'sum(rate(demo_requests_total{job="demo"}[$__rate_interval]))', 'up{job="demo"}']
    assert [t["expr"] for t in other["panels"][1]["targets"]] == [
        'sum(rate(demo_errors_total{job="demo"}[$__rate_interval]))', 'up{job="demo"}']
    assert {**one, "panels": None} == {**other, "panels": None}


def test_another_integrations_board_is_built_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh(monkeypatch)
    demo, copy = integration(board()), integration(board(), name="copy")
    assert dashboard_json(demo, board())["uid"] == "kgen-demo-overview"
    assert dashboard_json(copy, board())["uid"] == "kgen-copy-overview"
    assert dashboard_json(demo, board())["uid"] == "kgen-demo-overview"


def test_the_sdk_is_imported_by_the_first_board_and_a_panel_builder_by_its_panel() -> None:
    """Checks, the mixin and the grafana targets import no SDK until a board is built (a
    rebuild can take every board from the board cache); a panel type's builder comes with its
    first panel."""
    code = """
import sys
def builders():
    return sorted(m.rsplit(".", 1)[1] for m in sys.modules
                  if m.startswith("grafana_foundation_sdk.builders."))
from generator.documents.dashboard import board_text, dashboard_file, dashboard_json
import generator.checks.dashboards, generator.targets.mixin
print("grafana_foundation_sdk" in sys.modules)
from tests.test_dashboard_build import board, integration
dashboard_json(integration(board()), board())
print(builders())
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120, cwd=Path(__file__).parents[1])
    assert done.stdout.split("\n")[:2] == [
        "False", "['common', 'dashboard', 'prometheus', 'timeseries']"]
    target = subprocess.run(
        [sys.executable, "-c", "import sys, generator.targets.grafana, "
         "generator.targets.grafana_provisioning; "
         "print([m for m in sys.modules if m.startswith('grafana_foundation_sdk')])"],
        capture_output=True, text=True, check=True, timeout=120)
    assert target.stdout.strip() == "[]"


def test_the_sdk_objects_read_as_the_sdks_own_encoder_writes_them() -> None:
    """`plain_json` is `json.loads(json.dumps(..., cls=JSONEncoder))`, to the byte, and so is
    the build orjson reads back for a board with no NaN or infinity: every shipped board and
    a board of each panel type (with min and max)."""
    boards = [(spec.name, spec.integration.description, board)
              for spec in loader.load(SPECS) for board in spec.integration.dashboards]
    every_kind = Dashboard(title="Kinds", variables=(), rows=(Row(title="All", panels=tuple(
        Panel(kind=kind, title=kind.value, description="d", unit="s", min=0, max=1.5,
              thresholds=(Threshold(color="green"), Threshold(color="red", value=2)),
              queries=(Query(expr="up", legend="{{instance}}"),)) for kind in PanelKind)),))
    for name, description, board in [*boards, ("demo", "A demo.", every_kind)]:
        built = sdk_dashboard(name, description, board)
        by_encoder = json.loads(json.dumps(built, cls=JSONEncoder))
        assert json.dumps(plain_json(built)) == json.dumps(by_encoder)
        assert plain_json(built) == by_encoder
        read, plain = sdk_built(name, description, board)
        assert plain and json.dumps(read) == json.dumps(by_encoder)


@pytest.mark.parametrize("fields", [
    {}, {"height": 10**30}, {"max": 1e-7}, {"min": -2.5}, {"title": "\u2028 µ \x7f"},
], ids=["plain", "integer past 64 bits", "small float", "negative float", "odd characters"])
def test_a_dashboards_file_is_its_data_as_json_dumps_writes_it(
        monkeypatch: pytest.MonkeyPatch, fields: dict[str, object]) -> None:
    """Read back or not (data orjson read is not: `plain`), the file is the standard
    library's JSON of the board's data."""
    fresh(monkeypatch)
    odd = _panel(**fields)
    demo = integration(odd)
    file = dashboard_file(demo, odd, SCOPE)
    data = dashboard_json(demo, odd, SCOPE)
    assert file == (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)
                    + "\n").encode()
    assert dashboard._BUILT.of(demo, odd).plain == ("height" not in fields)


def test_a_panel_left_without_queries_builds_as_the_sdk_has_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`model_copy(update=...)` skips validation: a panel can lose its queries that way."""
    fresh(monkeypatch)
    row = board().rows[0]
    empty = board().model_copy(update={"rows": (row.model_copy(update={"panels": (
        row.panels[0].model_copy(update={"queries": ()}), row.panels[1])}),)})
    panels = dashboard_json(integration(empty), empty, SCOPE)["panels"]
    assert "targets" not in panels[1]
    assert [t["expr"] for t in panels[2]["targets"]] == ['up{job="demo"} == 1']


@pytest.mark.parametrize(("one", "other"), [(0.0, -0.0), (1.0, 1)], ids=["sign of zero", "int"])
def test_values_equal_but_written_apart_are_built_apart(
        monkeypatch: pytest.MonkeyPatch, one: float, other: float) -> None:
    """`-0.0 == 0.0` and `1 == 1.0`, but the SDK writes them apart: no shared build."""
    def with_threshold(value: float) -> Dashboard:
        first = board()
        panel = first.rows[0].panels[0]
        steps = (Threshold(color="green"), Threshold.model_construct(color="red", value=value))
        row = first.rows[0].model_copy(update={"panels": (
            panel.model_copy(update={"thresholds": steps}), *first.rows[0].panels[1:])})
        return first.model_copy(update={"rows": (row,)})

    demo = integration(board())
    fresh(monkeypatch)
    alone = dashboard_json(demo, with_threshold(other))
    fresh(monkeypatch)
    dashboard_json(demo, with_threshold(one))
    assert json.dumps(dashboard_json(demo, with_threshold(other))) == json.dumps(alone)


def _panel(**fields: object) -> Dashboard:
    values: dict[str, object] = {"title": "t", "description": "d", "unit": "s",
                                 "queries": (Query(expr="up", legend="l"),)}
    values.update(fields)
    return Dashboard(title="x", rows=(Row(title="r", panels=(Panel.model_validate(values),)),))


@pytest.mark.parametrize(("a", "b"), [
    ({"max": 0.0}, {"max": -0.0}),
    ({"max": 1.0}, {"max": 1.5}),
    ({"max": None}, {"max": 0.0}),
    ({"thresholds": (Threshold(color="green"), Threshold(color="red", value=1))},
     {"thresholds": (Threshold(color="green"), Threshold(color="red", value=2))}),
    ({"height": 2**70}, {"height": 2**70 + 1}),
    ({"min": 1.0}, {"max": 1.0}),
    ({"title": "t"}, {"title": "T"}),
    ({"queries": (Query(expr="up", legend="l"),)}, {"queries": (Query(expr="up", legend="m"),)}),
    ({"queries": (Query(expr="up"),)}, {"queries": (Query(expr="up"), Query(expr="up"))}),
    ({"thresholds": (Threshold(color="green"),)}, {"thresholds": (Threshold(color="red"),)}),
    ({"suppress": {"KG101": "why"}}, {"suppress": {"KG101": "why not"}}),
    ({"kind": PanelKind.STAT, "thresholds": (Threshold(color="green"),)},
     {"kind": PanelKind.GAUGE, "thresholds": (Threshold(color="green"),)}),
], ids=["sign of zero", "float", "zero is not None", "threshold value",
        "integer past 64 bits", "min is not max", "title", "legend",
        "query count", "threshold", "suppress", "kind"])
def test_boards_that_differ_but_in_query_text_are_not_alike(a: dict[str, object],
                                                             b: dict[str, object]) -> None:
    """What a board's SDK build reads, exactly (the SDK writes -0.0 and 0.0 apart); a board
    is alike itself, an equal copy and a board with other query text, not the same board of
    another integration."""
    demo = integration()
    first, second = _panel(**a), _panel(**b)
    assert board_text(demo, first) != board_text(demo, second)
    for one in (first, second):
        assert board_text(demo, one) == board_text(demo, _panel(**(a if one is first else b)))
    other_text = first.model_copy(update={"rows": (first.rows[0].model_copy(update={"panels": (
        first.rows[0].panels[0].model_copy(update={"queries": tuple(
            query.model_copy(update={"expr": f"sum({query.expr})"})
            for query in first.rows[0].panels[0].queries)}),)}),)})
    assert board_text(demo, first) == board_text(demo, other_text)
    assert board_text(demo, first) != board_text(integration(name="copy"), first)
    assert board_text(demo, first) != board_text(
        Integration.model_construct(name="demo", description="Another."), first)


def test_every_float_of_a_board_is_finite_and_checked_past_validation() -> None:
    """The model refuses a NaN or an infinity in every float field of a board, and KG501
    looks at each of them (where `model_copy(update=...)` skipped validation): the builds
    write floats through orjson, which would write either as null."""
    found = set()

    def walk(model: type[BaseModel]) -> None:
        for name, field in model.model_fields.items():
            for kind in typing.get_args(field.annotation) or (field.annotation,):
                for inner in typing.get_args(kind) or (kind,):
                    if inner is float:
                        found.add(f"{model.__name__}.{name}")
                        for bad in (float("inf"), float("-inf"), float("nan")):
                            with pytest.raises(ValidationError, match="finite number"):
                                TypeAdapter(field.annotation).validate_python(bad)
                    elif isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(Dashboard)
    assert found == {"Panel.min", "Panel.max", "Threshold.value"}
    steps = (Threshold(color="green"), Threshold(color="red", value=1.0))
    panel = Panel(title="t", description="d", unit="s", queries=(Query(expr="up"),), min=2.0,
                  max=3.0, thresholds=steps)
    assert list(panel_floats(panel)) == [("min", 2.0), ("max", 3.0),
                                         ("thresholds[1].value", 1.0)]
