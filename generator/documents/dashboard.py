"""Grafana dashboards, built with grafana-foundation-sdk (Grafana 11.6 model, schemaVersion 41).

Conventions: the data source is the first variable and every panel uses it; the spec's
variables follow; every query carries the integration's selector and the variables' matchers,
both added in one traversal of the query as written; rate-like ranges use `$__rate_interval`;
the uid is
`kgen-<integration>-<slug>`. Every panel sets all the options its type's schema requires, so
what it shows never depends on the defaults of the Grafana version that loads it: stats reduce
to the last non-null value and color by the spec's thresholds; time series list their series
below the graph and show every series in the tooltip, highest first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    common,
    dashboard,
    gauge,
    prometheus,
    stat,
    table,
    timeseries,
)
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as options
from grafana_foundation_sdk.models.dashboard import (
    DataSourceRef,
    GridPos,
    Threshold,
    ThresholdsMode,
    VariableRefresh,
    VariableSort,
)

from generator import conventions, promql
from generator.model import Dashboard, Integration, Panel, PanelKind, Row, Variable

GRID_WIDTH = 24
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
AS_WRITTEN = promql.Rewrite()
"""No scoping: the queries as the spec writes them."""
PANEL_BUILDERS: dict[PanelKind, Any] = {
    PanelKind.TIMESERIES: timeseries.Panel,
    PanelKind.STAT: stat.Panel,
    PanelKind.GAUGE: gauge.Panel,
    PanelKind.BARGAUGE: bargauge.Panel,
    PanelKind.TABLE: table.Panel,
}


def dashboard_json(integration: Integration, board: Dashboard,
                   scope: promql.Rewrite = AS_WRITTEN) -> dict[str, Any]:
    """The dashboard as plain JSON data, ready to serialise: `board` as written, every query
    scoped by `scope` (`generator.scoping.scoping`: the integration's selector) in the same
    traversal as Grafana's own rewriting: the variables' matchers, and rate-like ranges as
    `$__rate_interval`."""
    built = _builder(integration, board, scope).build()
    plain: dict[str, Any] = json.loads(json.dumps(built, cls=JSONEncoder))
    return plain


def _builder(integration: Integration, board: Dashboard, scope: promql.Rewrite) -> Any:
    builder = (
        dashboard.Dashboard(board.title)
        .uid(conventions.dashboard_uid(integration.name, board.slug))
        .description(board.description or integration.description)
        .tags(list(board.tags) or [integration.name, "kgen"])
        .refresh(board.refresh)
        .time(board.time_from, "now")
        .timezone("browser")
        .editable()
        .with_variable(
            dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus")
        )
    )
    for index, variable in enumerate(board.variables):
        builder = builder.with_variable(_variable(variable, board.variables[:index], scope))

    queries = _Queries(board.variables, scope)
    for placed in layout(board):
        if isinstance(placed.item, Row):
            builder = builder.with_row(dashboard.Row(placed.item.title).id(placed.id)
                                       .grid_pos(placed.position))
        else:
            builder = builder.with_panel(_panel(placed.item, placed.id, placed.position,
                                                queries))
    return builder


@dataclass(frozen=True)
class Placed:
    """A row or panel, its id and where the grid puts it."""

    id: int
    item: Row | Panel
    position: GridPos

    @property
    def box(self) -> dict[str, Any]:
        """Its title and `gridPos`, as the dashboard JSON has them."""
        grid = self.position
        return {"title": self.item.title,
                "gridPos": {"h": grid.h, "w": grid.w, "x": grid.x, "y": grid.y}}


def layout(board: Dashboard) -> list[Placed]:
    """Every row (full width, one unit high) and panel of the board, in order, placed left to
    right and wrapped at the grid's width."""
    placed = []
    panel_id = 0
    y = 0
    for row in board.rows:
        panel_id += 1
        placed.append(Placed(panel_id, row, GridPos(h=1, w=GRID_WIDTH, x=0, y=y)))
        y += 1
        x = 0
        row_height = 0
        for panel in row.panels:
            if x + panel.width > GRID_WIDTH:
                x, y, row_height = 0, y + row_height, 0
            panel_id += 1
            placed.append(Placed(panel_id, panel, GridPos(h=panel.height, w=panel.width, x=x,
                                                          y=y)))
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    return placed


def _variable(variable: Variable, before: tuple[Variable, ...], scope: promql.Rewrite) -> Any:
    """A query variable over its `metric`, scoped and filtered by the earlier variables."""
    filters = ", ".join(_matcher(v) for v in before)
    series = promql.rewrite(variable.metric, replace(scope, filters=filters))
    query = f"label_values({series}, {variable.label})"
    built = (
        dashboard.QueryVariable(variable.name)
        .label(variable.title or variable.name)
        .datasource(DATASOURCE)
        .query(query)
        .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(VariableSort.ALPHABETICAL_ASC)
        .multi(variable.multi)
        .include_all(variable.include_all)
    )
    if variable.include_all:
        built = built.all_value(".*")
    return built


def _matcher(variable: Variable) -> str:
    return f'{variable.label}=~"${variable.name}"'


class _Queries:
    """A panel query as written, scoped, with every variable's matcher and
    `$__rate_interval`."""

    def __init__(self, variables: tuple[Variable, ...], scope: promql.Rewrite) -> None:
        self.change = replace(scope, filters=", ".join(_matcher(v) for v in variables),
                              rate_interval=True)

    def __call__(self, expr: str) -> str:
        return promql.rewrite(expr, self.change)


def _panel(panel: Panel, panel_id: int, position: GridPos, scope: _Queries) -> Any:
    built = (
        PANEL_BUILDERS[panel.kind]()
        .id(panel_id)
        .title(panel.title)
        .description(panel.description)
        .unit(panel.unit)
        .datasource(DATASOURCE)
        .grid_pos(position)
        .thresholds(_thresholds(panel))
    )
    built = PANEL_OPTIONS[panel.kind](built, panel)
    if panel.min is not None:
        built = built.min(panel.min)
    if panel.max is not None:
        built = built.max(panel.max)
    for index, query in enumerate(panel.queries):
        target = prometheus.Dataquery().expr(scope(query.expr)).ref_id(chr(ord("A") + index))
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
