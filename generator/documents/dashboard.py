"""Grafana dashboards, built with grafana-foundation-sdk (Grafana 11.6 model, schemaVersion 41).

Conventions: the data source is the first variable and every panel uses it; the spec's
variables follow; every query carries the integration's selector and the variables' matchers,
both added in one traversal of the query as written; rate-like ranges use `$__rate_interval`;
the uid is `kgen-<integration>-<slug>`. The panels' options are
`generator.documents.dashboard_builder`'s.

A board is built through the SDK once and its queries are scoped for each build that wants it:
the `grafana` target (and the provisioning ConfigMaps and their size check, which share its
bytes) scope them with the integration's selector, the mixin with its placeholder, and the
mixin's stand-in build gives the same board with other query text where a knob reaches one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from generator import promql
from generator.model import Dashboard, Integration, Panel, Row, Variable
from generator.model.base import SpecModel

if TYPE_CHECKING:
    from generator.boardcache import BoardCache

GRID_WIDTH = 24
AS_WRITTEN = promql.Rewrite()
"""No scoping: the queries as the spec writes them."""
REMEMBERED = 16
"""Boards whose SDK build is kept for the next build of the same board: an integration's
targets build its boards one after another, so a few suffice."""


def dashboard_json(integration: Integration, board: Dashboard,
                   scope: promql.Rewrite = AS_WRITTEN) -> dict[str, Any]:
    """The dashboard as plain JSON data, ready to serialise: `board` as written, every query
    scoped by `scope` (`generator.scoping.scoping`: the integration's selector) in the same
    traversal as Grafana's own rewriting: the variables' matchers, and rate-like ranges as
    `$__rate_interval`. Parts of it are shared with other calls' results: read it, never
    change it."""
    return _scoped(_BUILT.of(integration, board), board, scope)


class Placed(NamedTuple):
    """A row or panel, its id and where the grid puts it (`h` high, `w` wide, at `x`, `y`)."""

    id: int
    item: Row | Panel
    h: int
    w: int
    x: int
    y: int

    @property
    def box(self) -> dict[str, Any]:
        """Its title and `gridPos`, as the dashboard JSON has them."""
        return {"title": self.item.title,
                "gridPos": {"h": self.h, "w": self.w, "x": self.x, "y": self.y}}


def layout(board: Dashboard) -> list[Placed]:
    """Every row (full width, one unit high) and panel of the board, in order, placed left to
    right and wrapped at the grid's width."""
    placed = []
    panel_id = 0
    y = 0
    for row in board.rows:
        panel_id += 1
        placed.append(Placed(panel_id, row, h=1, w=GRID_WIDTH, x=0, y=y))
        y += 1
        x = 0
        row_height = 0
        for panel in row.panels:
            if x + panel.width > GRID_WIDTH:
                x, y, row_height = 0, y + row_height, 0
            panel_id += 1
            placed.append(Placed(panel_id, panel, h=panel.height, w=panel.width, x=x, y=y))
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    return placed


class _Built(NamedTuple):
    """A board of an integration as the SDK built it, queries as written."""

    integration: str
    description: str
    board: Dashboard
    json: dict[str, Any]
    key: str | None
    """Its key in the board cache it was built or taken with, if any."""


class _Boards:
    """The boards built last. A board's SDK build is a function of the board's fields but for
    its query text (which `_scoped` replaces), the integration's name and its description: a
    board alike in those to a remembered one reuses its build. Otherwise it is taken from the
    board cache (`generator.boardcache`) when a build keeps one, else built through the SDK
    (and kept there)."""

    def __init__(self) -> None:
        self._built: list[_Built] = []
        self.kept: BoardCache | None = None

    def of(self, integration: Integration, board: Dashboard) -> dict[str, Any]:
        kept = self.kept
        for built in self._built:
            if (built.integration == integration.name
                    and built.description == integration.description
                    and _alike_but_queries(built.board, board)):
                if kept is not None and built.key is not None:
                    kept.used.setdefault(integration.name, set()).add(built.key)
                return built.json
        key = (kept.key(integration.name, integration.description, board)
               if kept is not None else None)
        json = kept.get(key) if kept is not None and key is not None else None
        if json is None:
            from generator.documents.dashboard_builder import built as sdk_built

            json = sdk_built(integration.name, integration.description, board)
            if kept is not None and key is not None:
                kept.put(key, json)
        self._built = [*self._built[1 - REMEMBERED:],
                       _Built(integration.name, integration.description, board, json, key)]
        return json


_BUILT = _Boards()


def keep_boards(kept: BoardCache | None) -> None:
    """Take boards from, and keep new ones in, `kept` from now on (None: no board cache). The
    boards remembered in memory are forgotten: each was taken or built under the cache that
    was in use then."""
    _BUILT.kept = kept
    _BUILT._built = []


def _alike_but_queries(a: Dashboard, b: Dashboard) -> bool:
    """Whether two boards have the same fields but for their queries' text."""
    return a is b or (_alike(a, b, "rows") and len(a.rows) == len(b.rows) and all(
        _alike(row, other, "panels") and len(row.panels) == len(other.panels) and all(
            _alike(panel, theirs, "queries") and len(panel.queries) == len(theirs.queries)
            and all(_alike(query, their, "expr")
                    for query, their in zip(panel.queries, theirs.queries, strict=True))
            for panel, theirs in zip(row.panels, other.panels, strict=True))
        for row, other in zip(a.rows, b.rows, strict=True)))


def _alike(a: SpecModel, b: SpecModel, but: str) -> bool:
    """Whether two models of a type have the same fields but `but`."""
    mine, theirs = a.__dict__, b.__dict__  # a model's fields, as pydantic keeps them
    return all(_same(mine[name], theirs[name]) for name in type(a).model_fields if name != but)


def _same(a: Any, b: Any) -> bool:
    """Equal and of one type all the way down: the SDK writes -0.0 and 0.0, 1 and 1.0 or True
    apart, which `==` takes for equal. One object is the same as itself; a string (most
    fields) is compared without the other types' tests."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is str:
        return bool(a == b)
    if isinstance(a, float):
        return bool(a.hex() == b.hex())
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(value, b[key]) for key, value in a.items())
    if isinstance(a, SpecModel):
        return _alike(a, b, "")
    return bool(a == b)


def _scoped(built: dict[str, Any], board: Dashboard, scope: promql.Rewrite) -> dict[str, Any]:
    """The SDK's build of `board` (or of a board equal to it but for query text) with the
    board's queries and variable queries, scoped by `scope`. The panels are in layout order:
    each row, then its panels."""
    queries = _Queries(board.variables, scope)
    shapes = iter(built["panels"])
    panels = []
    for row in board.rows:
        panels.append(next(shapes))
        for panel in row.panels:
            shape = next(shapes)
            targets = shape.get("targets")  # none when `model_copy` left a panel no queries
            panels.append(shape if targets is None else {**shape, "targets": [
                {**target, "expr": queries(query.expr)}
                for target, query in zip(targets, panel.queries, strict=True)]})
    datasource, *variables = built["templating"]["list"]
    listed = [datasource, *(
        {**shape, "query": _variable_query(variable, board.variables[:index], scope)}
        for index, (shape, variable) in enumerate(zip(variables, board.variables,
                                                      strict=True)))]
    return {**built, "panels": panels, "templating": {**built["templating"], "list": listed}}


def _variable_query(variable: Variable, before: tuple[Variable, ...],
                    scope: promql.Rewrite) -> str:
    """The values of the variable's `label` on its `metric`, scoped and filtered by the earlier
    variables."""
    filters = ", ".join(_matcher(v) for v in before)
    series = promql.rewrite(variable.metric, scope._replace(filters=filters))
    return f"label_values({series}, {variable.label})"


def _matcher(variable: Variable) -> str:
    return f'{variable.label}=~"${variable.name}"'


class _Queries:
    """A panel query as written, scoped, with every variable's matcher and
    `$__rate_interval`."""

    def __init__(self, variables: tuple[Variable, ...], scope: promql.Rewrite) -> None:
        self.change = scope._replace(filters=", ".join(_matcher(v) for v in variables),
                              rate_interval=True)

    def __call__(self, expr: str) -> str:
        return promql.rewrite(expr, self.change)
