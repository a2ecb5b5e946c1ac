"""A dashboard as grafana-foundation-sdk builds it, as plain JSON data, with every query as
written: `generator.documents.dashboard` puts each scoping's queries into it.

The SDK is imported with this module (by the `grafana` targets, or for the first dashboard a
build makes; never at start-up), and each panel type's builder only for a panel of that type.

Every panel sets all the options its type's schema requires, so what it shows never depends on
the defaults of the Grafana version that loads it: stats reduce to the last non-null value and
color by the spec's thresholds; time series list their series below the graph and show every
series in the tooltip, highest first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import Enum
from functools import cache
from typing import Any

import orjson
from grafana_foundation_sdk.builders import common, dashboard, prometheus
from grafana_foundation_sdk.models import common as options
from grafana_foundation_sdk.models.dashboard import (
    DataSourceRef,
    GridPos,
    Threshold,
    ThresholdsMode,
    VariableRefresh,
    VariableSort,
)

from generator import conventions
from generator.documents.dashboard import Placed, layout
from generator.model import Dashboard, Panel, PanelKind, Row, Variable

DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")


def built(integration: str, description: str, board: Dashboard) -> tuple[dict[str, Any], bool]:
    """The dashboard of `integration` (its name) as the SDK builds it, as JSON data: queries
    and variable queries as written, `description` where the board has none; and whether
    that data is what `orjson.loads` makes. orjson writes the SDK's objects, calling each
    one's `to_json` as `plain_json` does, and reads them back, in C: every float in them is
    the board's (the SDK makes none of its own), which is finite (the model and KG501 see to
    it), so it reads back as it was (orjson would write a NaN or an infinity as null).
    `plain_json` builds what orjson refuses (an integer past 64 bits, a lone surrogate)."""
    sdk = sdk_dashboard(integration, description, board)
    try:
        read: dict[str, Any] = orjson.loads(orjson.dumps(sdk, default=_to_json))
    except TypeError:  # orjson.JSONEncodeError is one
        return plain_json(sdk), False
    return read, True


def _to_json(value: Any) -> Any:
    return value.to_json()


def sdk_dashboard(integration: str, description: str, board: Dashboard) -> Any:
    """The SDK's dashboard object of `built`."""
    builder = (
        dashboard.Dashboard(board.title)
        .uid(conventions.dashboard_uid(integration, board.slug))
        .description(board.description or description)
        .tags(list(board.tags) or [integration, "kgen"])
        .refresh(board.refresh)
        .time(board.time_from, "now")
        .timezone("browser")
        .editable()
        .with_variable(
            dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus")
        )
    )
    for variable in board.variables:
        builder = builder.with_variable(_variable(variable))
    for placed in layout(board):
        if isinstance(placed.item, Row):
            builder = builder.with_row(dashboard.Row(placed.item.title).id(placed.id)
                                       .grid_pos(_grid_pos(placed)))
        else:
            builder = builder.with_panel(_panel(placed.item, placed))
    return builder.build()


_SCALARS = frozenset({str, int, float, bool, type(None)})


def plain_json(value: Any) -> Any:
    """An SDK object as JSON data: what `json.loads(json.dumps(value, cls=JSONEncoder))` gives
    (the SDK's encoder writes each object's `to_json()`, whose keys are strings), without
    writing the text and reading it back."""
    kind = type(value)
    if kind is list or kind is tuple:
        return [item if type(item) in _SCALARS else plain_json(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    members = value if kind is dict else value.to_json()
    return {key: item if type(item) in _SCALARS else plain_json(item)
            for key, item in members.items()}


def _grid_pos(placed: Placed) -> GridPos:
    return GridPos(h=placed.h, w=placed.w, x=placed.x, y=placed.y)


def _variable(variable: Variable) -> Any:
    """A query variable listing `label` of `metric` (the query is scoped later)."""
    built = (
        dashboard.QueryVariable(variable.name)
        .label(variable.title or variable.name)
        .datasource(DATASOURCE)
        .query(f"label_values({variable.metric}, {variable.label})")
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(variable.multi)
        .include_all(variable.include_all)
    )
    if variable.include_all:
        built = built.all_value(".*")
    return built


@cache
def _builder(kind: PanelKind) -> Any:
    """The SDK's builder module of a panel type, imported with its first panel."""
    return importlib.import_module(f"grafana_foundation_sdk.builders.{kind.value}")


def _panel(panel: Panel, placed: Placed) -> Any:
    built = (
        _builder(panel.kind).Panel()
        .id(placed.id)
        .title(panel.title)
        .description(panel.description)
        .unit(panel.unit)
        .datasource(DATASOURCE)
        .grid_pos(_grid_pos(placed))
        .thresholds(_thresholds(panel))
    )
    built = PANEL_OPTIONS[panel.kind](built, panel)
    if panel.min is not None:
        built = built.min(panel.min)
    if panel.max is not None:
        built = built.max(panel.max)
    for index, query in enumerate(panel.queries):
        target = prometheus.Dataquery().expr(query.expr).ref_id(chr(ord("A") + index))
        if query.legend:
            target = target.legend_format(query.legend)
        built = built.with_target(target.datasource(DATASOURCE))
    return built


def _thresholds(panel: Panel) -> Any:
    """The spec's steps; a panel without any gets one neutral base step, never Grafana's
    default red-at-80."""
    steps = [Threshold(value=step.value, color=step.color) for step in panel.thresholds]
    return (dashboard.ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE)
            .steps(steps or [Threshold(value=None, color="green")]))


def _last_value() -> Any:
    return common.ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def _legend() -> Any:
    return (common.VizLegendOptions().show_legend(True)
            .display_mode(options.LegendDisplayMode.LIST)
            .placement(options.LegendPlacement.BOTTOM).calcs([]))


def _timeseries(built: Any, panel: Panel) -> Any:
    return (
        built.legend(_legend())
        .tooltip(common.VizTooltipOptions().mode(options.TooltipDisplayMode.MULTI)
                 .sort(options.SortOrder.DESCENDING))
        .draw_style(options.GraphDrawStyle.LINE)
        .line_interpolation(options.LineInterpolation.LINEAR)
        .line_width(1)
        .fill_opacity(10)
        .show_points(options.VisibilityMode.NEVER)
        .span_nulls(False)
    )


def _stat(built: Any, panel: Panel) -> Any:
    graph = options.BigValueGraphMode.AREA if panel.sparkline else options.BigValueGraphMode.NONE
    return (
        built.reduce_options(_last_value())
        .graph_mode(graph)
        .color_mode(options.BigValueColorMode.VALUE)
        .justify_mode(options.BigValueJustifyMode.AUTO)
        .text_mode(options.BigValueTextMode.AUTO)
        .wide_layout(True)
        .show_percent_change(False)
        .percent_change_color_mode(options.PercentChangeColorMode.STANDARD)
        .orientation(options.VizOrientation.AUTO)
    )


def _gauge(built: Any, panel: Panel) -> Any:
    return (
        built.reduce_options(_last_value())
        .show_threshold_labels(False)
        .show_threshold_markers(True)
        .sizing(options.BarGaugeSizing.AUTO)
        .min_viz_width(75)
        .min_viz_height(75)
        .orientation(options.VizOrientation.AUTO)
    )


def _bargauge(built: Any, panel: Panel) -> Any:
    return (
        built.reduce_options(_last_value())
        .display_mode(options.BarGaugeDisplayMode.GRADIENT)
        .value_mode(options.BarGaugeValueMode.COLOR)
        .name_placement(options.BarGaugeNamePlacement.AUTO)
        .show_unfilled(True)
        .sizing(options.BarGaugeSizing.AUTO)
        .min_viz_width(8)
        .min_viz_height(16)
        .max_viz_height(300)
        .legend(_legend())
        .orientation(options.VizOrientation.HORIZONTAL)
    )


def _table(built: Any, panel: Panel) -> Any:
    return built.frame_index(0).show_header(True)


PANEL_OPTIONS: dict[PanelKind, Callable[[Any, Panel], Any]] = {
    PanelKind.TIMESERIES: _timeseries,
    PanelKind.STAT: _stat,
    PanelKind.GAUGE: _gauge,
    PanelKind.BARGAUGE: _bargauge,
    PanelKind.TABLE: _table,
}
"""Each panel type's options, all set explicitly."""
