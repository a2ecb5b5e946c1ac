"""Grafana dashboards, built with grafana-foundation-sdk (Grafana 11.6 model, schemaVersion 41).

Conventions: the data source is the first variable and every panel uses it; the spec's
variables follow; every query carries the integration's selector and the variables' matchers;
rate-like ranges use `$__rate_interval`; the uid is `kgen-<integration>-<slug>`.
"""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import (
    bargauge,
    dashboard,
    gauge,
    prometheus,
    stat,
    table,
    timeseries,
)
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import (
    DataSourceRef,
    GridPos,
    VariableRefresh,
    VariableSort,
)

from generator import promql
from generator.loader import Spec
from generator.model import Dashboard, Integration, Panel, PanelKind, Variable
from generator.render import to_json
from generator.scoping import recorded_series

GRID_WIDTH = 24
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
PANEL_BUILDERS: dict[PanelKind, Any] = {
    PanelKind.TIMESERIES: timeseries.Panel,
    PanelKind.STAT: stat.Panel,
    PanelKind.GAUGE: gauge.Panel,
    PanelKind.BARGAUGE: bargauge.Panel,
    PanelKind.TABLE: table.Panel,
}


def file_name(integration: Integration, board: Dashboard) -> str:
    """`calico-overview.json`: the dashboard's file, ConfigMap key and mixin key."""
    return f"{integration.name}-{board.slug}.json"


def uid(integration: Integration, board: Dashboard) -> str:
    return f"kgen-{integration.name}-{board.slug}"


def render(spec: Spec) -> dict[str, bytes]:
    files = {}
    for board in spec.integration.dashboards:
        model = dashboard_json(spec.integration, board)
        files[f"grafana/dashboards/{file_name(spec.integration, board)}"] = to_json(model)
    return files


_BUILT: dict[tuple[int, int], tuple[Integration, Dashboard, str]] = {}
"""Dashboards built in this process, by model identity. The models are immutable and held
here, so an id cannot be reused; the check and three targets that need a dashboard build it
once."""


def dashboard_json(integration: Integration, board: Dashboard) -> dict[str, Any]:
    """The dashboard as plain JSON data, ready to serialise (a fresh copy on every call)."""
    key = (id(integration), id(board))
    if key not in _BUILT:
        built = _builder(integration, board).build()
        _BUILT[key] = (integration, board, json.dumps(built, cls=JSONEncoder))
    plain: dict[str, Any] = json.loads(_BUILT[key][2])
    return plain


def _builder(integration: Integration, board: Dashboard) -> Any:
    builder = (
        dashboard.Dashboard(board.title)
        .uid(uid(integration, board))
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
        builder = builder.with_variable(_variable(integration, variable, board.variables[:index]))

    scope = _Scope(integration, board.variables)
    panel_id = 0
    y = 0
    for row in board.rows:
        panel_id += 1
        builder = builder.with_row(
            dashboard.Row(row.title).id(panel_id).grid_pos(GridPos(h=1, w=GRID_WIDTH, x=0, y=y))
        )
        y += 1
        x = 0
        row_height = 0
        for panel in row.panels:
            if x + panel.width > GRID_WIDTH:
                x, y, row_height = 0, y + row_height, 0
            panel_id += 1
            position = GridPos(h=panel.height, w=panel.width, x=x, y=y)
            builder = builder.with_panel(_panel(panel, panel_id, position, scope))
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    return builder


def _variable(integration: Integration, variable: Variable, before: tuple[Variable, ...]) -> Any:
    matchers = ", ".join(filter(None, [integration.selector, *(_matcher(v) for v in before)]))
    series = promql.scope(variable.metric, matchers)
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


class _Scope:
    """Scopes a panel query: the integration selector (not on recorded series), then variables."""

    def __init__(self, integration: Integration, variables: tuple[Variable, ...]) -> None:
        self.selector = integration.selector
        self.recorded = recorded_series(integration)
        self.variables = ", ".join(_matcher(v) for v in variables)

    def __call__(self, expr: str) -> str:
        return promql.scope_panel_query(expr, self.selector, self.recorded, self.variables)


def _panel(panel: Panel, panel_id: int, position: GridPos, scope: _Scope) -> Any:
    built = (
        PANEL_BUILDERS[panel.kind]()
        .id(panel_id)
        .title(panel.title)
        .description(panel.description)
        .unit(panel.unit)
        .datasource(DATASOURCE)
        .grid_pos(position)
    )
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
