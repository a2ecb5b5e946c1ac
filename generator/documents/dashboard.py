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
The board cache (`generator.boardcache`) keeps the build, as the board's file when one was made.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import promql
from generator.model import Dashboard, Integration, Panel, Row, Variable

if TYPE_CHECKING:
    from generator.boardcache import BoardCache

GRID_WIDTH = 24
AS_WRITTEN = promql.Rewrite()
"""No scoping: the queries as the spec writes them."""


def dashboard_json(integration: Integration, board: Dashboard,
                   scope: promql.Rewrite = AS_WRITTEN) -> dict[str, Any]:
    """The dashboard as plain JSON data, ready to serialise: `board` as written, every query
    scoped by `scope` (`generator.scoping.scoping`: the integration's selector) in the same
    traversal as Grafana's own rewriting: the variables' matchers, and rate-like ranges as
    `$__rate_interval`. Parts of it are shared with other calls' results: read it, never
    change it."""
    return scoped_dashboard(integration, board, scope)[0]


def scoped_dashboard(integration: Integration, board: Dashboard,
                     scope: promql.Rewrite) -> tuple[dict[str, Any], bool]:
    """`dashboard_json`, and whether it is plain: made of what `orjson.loads` makes, as its SDK
    build is when orjson read it (scoping puts only strings in it), so `render.json_text`
    need not read orjson's JSON of it back (the mixin's hook)."""
    built = _BUILT.of(integration, board)
    if built.pending is not None:  # kept as the SDK built it: no file of it was made first
        built.keep(json.dumps(built.data(), separators=(",", ":")).encode(), None)
    return _scoped(built.data(), board, scope), built.plain


def dashboard_file(integration: Integration, board: Dashboard, scope: promql.Rewrite) -> bytes:
    """`to_json(dashboard_json(integration, board, scope))`: the dashboard's JSON file. The
    board cache keeps it as the board's entry, and a build that scopes the same board's same
    queries the same way takes the file from there, scoping and writing nothing."""
    from generator.render import to_json

    built = _BUILT.of(integration, board)
    scoped = scoping_key(board, scope)
    if built.text and built.scoped == scoped:
        return built.text
    text = to_json(_scoped(built.data(), board, scope), plain=built.plain)
    built.keep(text, scoped)
    return text


def scoping_key(board: Dashboard, scope: promql.Rewrite) -> str:
    """What scoping a board's SDK build reads besides the build: its queries' text and the
    change (`_scoped`; its variables are in the build's key)."""
    exprs = [query.expr for row in board.rows for panel in row.panels for query in panel.queries]
    change = scope._asdict()
    return hashlib.sha256(json.dumps([change, exprs], sort_keys=True,
                                     default=sorted).encode()).hexdigest()  # sets sorted


class Placed(NamedTuple):
    """A row or panel, its id and where the grid puts it (`h` high, `w` wide, at `x`, `y`).
    A named tuple: Python 3.11 makes a frozen dataclass in about 0.5 ms, on every build."""

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


class _Built:
    """A board's SDK build, as JSON data (`data`) or as the text of its board cache entry
    (`text`: the board's JSON file as the scoping `scoped` makes it, or the SDK build itself
    when that is None; empty until known), until `keep` puts it in the board cache
    (`pending`: where, when it is to be kept). `plain`: the data is what `orjson.loads` makes
    (`generator.render.to_json`; scoping puts only strings in it). An entry's text is read
    by `json.loads`: orjson reads an integer past 64 bits as a float."""

    __slots__ = ("_data", "board", "pending", "plain", "scoped", "text")

    def __init__(self, board: Dashboard, data: dict[str, Any] | None, plain: bool, text: bytes,
                 scoped: str | None, pending: tuple[BoardCache, str] | None) -> None:
        self.board, self._data, self.plain, self.text = board, data, plain, text
        self.scoped, self.pending = scoped, pending

    def data(self) -> dict[str, Any]:
        if self._data is None:  # taken from the board cache: read once, when wanted
            self._data = json.loads(self.text)
        return self._data

    def keep(self, text: bytes, scoped: str | None) -> None:
        """Put it in the board cache as `text` (scoped as `scoped` says), if it is pending."""
        if self.pending is not None:
            kept, key = self.pending
            kept.put(key, text, scoped)
            self.text, self.scoped, self.pending = text, scoped, None


class _Boards:
    """The boards of the integration built last, each with its SDK build. A board's SDK build
    is a function of `board_text`: a board with the same text as one built (the same board
    but for its query text, which `_scoped` replaces) reuses its build. Otherwise it is taken
    from the board cache (`generator.boardcache`) when a build keeps one, else built through
    the SDK (and kept there by the first build that scopes it)."""

    def __init__(self) -> None:
        self._integration: tuple[str, str] | None = None
        self._built: dict[str, _Built] = {}
        """`board_text` -> the SDK build of a board with that text."""
        self.kept: BoardCache | None = None

    def of(self, integration: Integration, board: Dashboard) -> _Built:
        owner = (integration.name, integration.description)
        if owner != self._integration:  # no board of another integration is alike
            self._integration, self._built = owner, {}
        for built in self._built.values():
            if built.board is board:
                return built
        text = board_text(integration, board)
        if text in self._built:
            return self._built[text]
        kept = self.kept
        key = kept.key(integration.name, text) if kept is not None else None
        entry = kept.get(key) if kept is not None and key is not None else None
        if entry is not None:
            built = _Built(board, None, False, entry[1], entry[0], None)
        else:
            from generator.documents.dashboard_builder import built as sdk_built

            data, plain = sdk_built(integration.name, integration.description, board)
            built = _Built(board, data, plain, b"", None,
                           (kept, key) if kept is not None and key is not None else None)
        self._built[text] = built
        return built


_BUILT = _Boards()


def keep_boards(kept: BoardCache | None) -> None:
    """Take boards from, and keep new ones in, `kept` from now on (None: no board cache). The
    boards remembered in memory are forgotten: each was taken or built under the cache that
    was in use then."""
    _BUILT.kept = kept
    _BUILT._integration, _BUILT._built = None, {}


def board_text(integration: Integration, board: Dashboard) -> str:
    """All that the SDK build of `board` reads, as JSON: the integration's name and
    description and the board's fields but its queries' text, each value as the model holds
    it (`-0.0` not `0.0`, `1.0` not `1`: the SDK writes them apart; every float is finite,
    as the model and KG501 see to). orjson writes it (in C) when it can, else `json.dumps`:
    the two never give the same text (`json.dumps` writes `", "` after the name where orjson
    writes `","`)."""
    fields = board.model_dump()
    for row in fields["rows"]:
        for panel in row["panels"]:
            for query in panel["queries"]:
                del query["expr"]  # filled in for each scoping: not read by the SDK build
    read = [integration.name, integration.description, fields]
    import orjson

    try:  # sorted keys; a dataclass or a datetime refused, as json.dumps refuses them
        return orjson.dumps(read, option=orjson.OPT_SORT_KEYS
                            | orjson.OPT_PASSTHROUGH_DATACLASS
                            | orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, an integer past 64 bits
        return json.dumps(read, sort_keys=True)


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
