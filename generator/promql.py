"""The one place that touches PromQL: parsing, rewriting queries, and what a query reads.

Every change to a query is worked out on the promql-parser AST (`rewrite`), never by string
formatting of whole queries, so no selector inside a query can be missed and nothing a rewrite
does not mean to change is lost. A scoping puts each selector's new text in the query as
printed (`_spliced`) only where the AST's selectors are each found in that text beyond doubt
(`_placed`); any other query, and every other change, goes through one traversal of the tree.

promql-parser lets Python set a selector's matchers and a matrix's range, but not the fields of
an aggregation (its `by`/`without`) or of a binary operation (its `on`/`ignoring`). Those nodes
are rebuilt from a one-node template whose operands are placeholders, and the operands, already
rewritten, are spliced back in as AST nodes: only the node's own clause is ever printed and
re-parsed, never the subtree under it.

Whatever is printed goes through `_printed`: promql-parser's `prettify()` escapes backslashes,
double quotes, newlines, tabs and carriage returns in string literals, and `_printed` escapes
the other characters Go's `strconv.Quote` would (`\\a`, `\\x01`, `\\u2028`), so every value
reads back as it was. Never `str()` of a node: it prints string literals unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple, TypeVar

import promql_parser as pp

RATE_FUNCTIONS = frozenset({"rate", "irate", "increase", "delta", "idelta", "deriv"})
"""Functions whose range Grafana's `$__rate_interval` is meant for."""

_RATE_INTERVAL_SENTINELS: tuple[tuple[timedelta | None, str], ...] = tuple(
    (sentinel, f"[{pp.display_duration(sentinel)}]")
    for sentinel in (timedelta(days=4321 + n) for n in range(8)))
"""Ranges that mark, in a printed query, where `$__rate_interval` goes, each with its text: the
first one the query's own text does not print too (a range or label value of its own) is
used."""
_NO_SENTINEL: tuple[tuple[timedelta | None, str], ...] = ((None, ""),)
_OPERAND = "__kgen_operand__"
_LHS = "__kgen_lhs__"
_RHS = "__kgen_rhs__"


class PromQLError(ValueError):
    """A query that does not parse."""


class SelectorUse(NamedTuple):
    """A vector selector in a query: its metric name, every label matcher (name, op, value),
    those of each side of an `or` included (`{a="1" or b="2"}` uses a and b), the function (if
    any) applied directly to it, and, when it has such `or` groups (which Prometheus does not
    parse), the selector as promql-parser prints it."""

    metric: str | None
    matchers: tuple[tuple[str, str, str], ...]
    function: str | None = None
    either: str | None = None


class Rewrite(NamedTuple):
    """What one traversal of a query changes; the defaults change nothing."""

    scope: str = ""
    """Label matchers added to every selector except those over `recorded` series (which were
    scoped when they were recorded), e.g. `job=~".*etcd.*"`."""
    recorded: frozenset[str] = frozenset()
    filters: str = ""
    """Label matchers added to every selector, recorded series included (dashboard variables)."""
    keep_label: str | None = None
    """A label kept through every aggregation and `on (...)` match (the cluster label)."""
    rate_interval: bool = False
    """Whether the range of every rate-like call becomes Grafana's `$__rate_interval`."""


def parse(expr: str) -> pp.Expr:
    try:
        return _parse_cached(expr)
    except ValueError as error:
        raise PromQLError(str(error)) from None


@lru_cache(maxsize=1024)
def _parse_cached(expr: str) -> pp.Expr:
    """A parsed query takes about 25 KiB: a larger cache costs more memory than it saves time
    (the checks walk every integration's queries once per check, so no size fits them all)."""
    return pp.parse(_raw_strings_quoted(expr))


_LITERAL_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*|`[^`]*`')


def _raw_strings_quoted(expr: str) -> str:
    """The query with each backtick string written double-quoted. Prometheus reads a backtick
    string raw (`\\d` is a backslash and a d); promql-parser's lexer reads escapes in it
    (refusing `\\d`, and running on past a last backslash), though it keeps the value raw."""
    if "`" not in expr:
        return expr
    return _LITERAL_OR_COMMENT.sub(
        lambda m: quote(m[0][1:-1]) if m[0].startswith("`") else m[0], expr)


def format_expr(expr: str) -> str:
    """The canonical, Prometheus-style formatting of a query (multi-line when long)."""
    return _printed(parse(expr))


def quote(value: str) -> str:
    """`value` as a PromQL string literal that Prometheus reads back as `value`: double-quoted
    and escaped as Go's `strconv.Quote` escapes (`\\\\`, `\\"`, `\\n`, `\\x01`, `\\u2028`);
    printable characters, non-ASCII ones included, as they are."""
    if value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'
    return '"' + "".join(_escaped(c) for c in value) + '"'


def _printed(node: pp.Expr) -> str:
    """The node as PromQL, every string literal escaped as `quote` escapes it.

    `prettify()` escapes `\\`, `"`, newline, tab and carriage return, and leaves every other
    character as it is: its own line breaks are the only unprintable characters outside a
    string literal, so each other one is inside a literal and gets escaped here."""
    text = node.prettify()
    if text.replace("\n", "").isprintable():
        return text
    return "".join(c if c == "\n" or c.isprintable() else _escaped(c) for c in text)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\v": "\\v", "\\": "\\\\", '"': '\\"'}


def _escaped(char: str) -> str:
    """One character of a double-quoted PromQL string, as Go's `strconv.Quote` writes it."""
    if char in _ESCAPES:
        return _ESCAPES[char]
    if char.isprintable():
        return char
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


NO_OR = "uses `or` between label matchers, which Prometheus does not parse"


def selector_problem(selector: str) -> str | None:
    """What is wrong with an integration's selector (label matchers added to every selector
    of its queries), if anything: it does not parse, or it has `or` groups, which Prometheus
    does not parse and scoping would add none of."""
    try:
        parse_matchers(selector)
    except PromQLError as error:
        return str(error)
    if selector.strip() and any(use.either for use in selector_uses("{" + selector + "}")):
        return (f"{NO_OR}; it is added to every selector, so it must be label matchers "
                "joined by commas")
    return None


def parse_matchers(selector: str) -> list[pp.Matcher]:
    """Label matchers from a selector body such as `job=~".*etcd.*", namespace="kube-system"`."""
    return list(_matchers(selector))


@lru_cache(maxsize=256)
def _matchers(selector: str) -> tuple[pp.Matcher, ...]:
    if not selector.strip():
        return ()
    node = parse("{" + selector + "}")
    if not isinstance(node, pp.VectorSelector):
        raise PromQLError(f"{selector!r} is not a list of label matchers")
    return tuple(node.matchers.matchers)


def rewrite(expr: str, change: Rewrite) -> str:
    """The query with `change` applied, printed once, canonically formatted."""
    return _rewritten(expr, change)


@lru_cache(maxsize=1024)
def _rewritten(expr: str, change: Rewrite) -> str:
    """Remembered, as text, for the builds that rewrite the same query again: the mixin's
    stand-in build and the ordinary build it is proved against share every query no knob
    reaches."""
    return _rewrite(expr, change, spliced=True)


def _rewrite(expr: str, change: Rewrite, spliced: bool) -> str:
    """The rewrite, by splicing the scoped selectors into the printed query (`_spliced`) where
    it can, else by one traversal of the query's tree (`_transformed`), which is what
    `spliced=False` always does."""
    placed = _placed(expr) if spliced and change.keep_label is None \
        and _STAND_IN not in change.scope and _STAND_IN not in change.filters else None
    for sentinel, mark in _RATE_INTERVAL_SENTINELS if change.rate_interval else _NO_SENTINEL:
        done = _spliced(placed, change, mark) if placed else None
        result, marked = done or _transformed(expr, change, sentinel)
        if sentinel is None:
            return result
        if result.count(mark) == marked:
            return result.replace(mark, "[$__rate_interval]")
    raise PromQLError(f"{expr}: every range kgen marks $__rate_interval with is in the query")


def _transformed(expr: str, change: Rewrite, sentinel: timedelta | None) -> tuple[str, int]:
    """The query with `change` applied in one traversal, printed, and how many ranges it
    marked `sentinel` (those of rate-like calls, when `change.rate_interval`)."""
    scope, filters = _matchers(change.scope), _matchers(change.filters)
    ancestors: list[pp.Expr] = []
    marked = 0

    def enter(node: pp.Expr) -> None:
        ancestors.append(node)

    def leave(node: pp.Expr) -> pp.Expr | None:
        nonlocal marked
        if sentinel is not None:
            ancestors.pop()
        if isinstance(node, pp.VectorSelector):
            added = _add_matchers(node, () if node.name in change.recorded else scope, filters)
            return _parse_cached(_changed_selector(node)) if added else None
        if isinstance(node, pp.MatrixSelector):
            parent = ancestors[-1] if ancestors else None
            if sentinel is not None and isinstance(parent, pp.Call) \
                    and parent.func.name in RATE_FUNCTIONS:
                node.range = sentinel
                marked += 1
                return _parse_cached(_changed_selector(node))
            return None
        if change.keep_label is not None:
            if isinstance(node, pp.AggregateExpr):
                return _aggregation_keeping(node, change.keep_label)
            if isinstance(node, pp.BinaryExpr) and node.modifier is not None \
                    and node.modifier.matching is not None:
                return _vector_match_keeping(node, node.modifier, change.keep_label)
        return None

    # The ancestors are only read for the rate interval: without it, no call on the way down.
    result = _printed(pp.transform(
        parse(expr), pre_visit=enter if sentinel is not None else None, post_visit=leave))
    return result, marked


_STAND_IN = "ZkQ"
"""The start of the bare names `_spliced` puts in the place of selectors."""


class _Spot(NamedTuple):
    """A vector selector in a query's printed text: where its `name{matchers}` is, its name,
    its matchers' (name, op, value) and text, where the range that follows it ends when it is
    the range of a rate-like call, where its line starts, and how many more bytes that line
    may hold (see `_spliced`; any number on a line that holds the selector alone)."""

    start: int
    end: int
    name: str
    keys: tuple[Matched, ...]
    texts: tuple[str, ...]
    range_end: int | None
    line: int
    room: int


class _Placed(NamedTuple):
    """A query as printed, with the place of each of its selectors in that text."""

    printed: str
    spots: tuple[_Spot, ...]
    ascii: bool


_LINE_WIDTH = 100
"""Prettify prints an expression on one line, as it is, when it fits in this many bytes."""
_ANY_LENGTH = 1 << 62
"""The room of a line that is one selector (with its range): prettify never splits one."""


@lru_cache(maxsize=1024)
def _placed(expr: str) -> _Placed | None:
    """The query printed once, for every scoping of it, and where its selectors are in that
    text; None where a selector cannot be told apart in the text.

    Prettify prints a selector as one piece, `name{m1,m2}` (its matchers each as printed alone,
    sorted, joined by commas), so each selector's text is known from its matchers. The places
    are taken only when each selector's text occurs in the printed query as a whole (no name
    character just before it, nor one or `{` just after it) exactly as many times, overlaps
    counted, as selectors print as it: then every such occurrence is one of them, and they are
    met in the order the selectors are printed, the order `selector_uses` lists them in."""
    printed = parse(expr).prettify()
    if _STAND_IN in printed or not printed.replace("\n", "").isprintable():
        return None
    uses = selector_uses(expr)
    matchers: list[tuple[str, ...]] = []
    texts: list[str] = []
    for use in uses:
        name = use.metric or ""
        if use.either is not None or not _plain_name(name):
            return None
        plain = tuple(text for text in map(_plain_text, use.matchers) if text is not None)
        if len(plain) < len(use.matchers):
            return None
        matchers.append(plain)
        texts.append(_selector_text(name, plain))
    starts = []
    for text in set(texts):
        found = _occurrences(printed, text)
        if len(found) != texts.count(text):
            return None
        starts += found
    spots = []
    for start, text, use, own in zip(sorted(starts), texts, uses, matchers, strict=True):
        end = start + len(text)
        if printed[start:end] != text:
            return None
        range_end = None
        if use.function in RATE_FUNCTIONS:
            if printed[end:end + 1] != "[":
                return None
            range_end = printed.index("]", end) + 1
        line = printed.rfind("\n", 0, start) + 1
        line_end = printed.find("\n", end) % (len(printed) + 1)
        indent = len(printed[line:line_end]) - len(printed[line:line_end].lstrip(" "))
        alone = start == line + indent and (range_end or end) == line_end
        spots.append(_Spot(start, end, use.metric or "", use.matchers, own, range_end, line,
                           _ANY_LENGTH if alone else _LINE_WIDTH - (line_end - line - indent)))
    return _Placed(printed, tuple(spots), printed.isascii())


def _occurrences(text: str, part: str) -> list[int]:
    """Where `part` starts in `text` as a whole, overlaps included."""
    found = []
    start = text.find(part)
    while start >= 0:
        end = start + len(part)
        if (not start or text[start - 1] not in _NAME_CHARS) \
                and (end == len(text) or text[end] not in _NAME_CHARS_OR_BRACE):
            found.append(start)
        start = text.find(part, start + 1)
    return found


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:")
_NAME_CHARS_OR_BRACE = _NAME_CHARS | {"{"}


def _selector_text(name: str, matchers: Iterable[str]) -> str:
    """A selector as prettify prints it, from its matchers as each prints alone."""
    body = ",".join(sorted(matchers))
    return f"{name}{{{body}}}" if body else name


def _spliced(placed: _Placed, change: Rewrite, mark: str) -> tuple[str, int] | None:
    """The query with `change` applied (and the rate-like calls' ranges replaced by `mark`,
    when `change.rate_interval`), and how many ranges it marked, without a traversal; None
    where a matcher to add cannot be printed plainly (`_prints_plainly`).

    Prettify breaks lines by printed lengths alone: an expression whose text fits in 100
    bytes is printed on one line, else each of its parts on lines of its own. So a line that
    holds selectors is one expression printed whole (with at most a `-` before it, a `,` or a
    subquery's range after it), and every expression around it is split already. Scoping only
    lengthens selectors: while each such line, grown, still fits in 100 bytes (characters, in
    an ASCII query), or holds one selector alone (with its range: a selector, vector or range,
    is never split, and whatever holds it prints more than it, so is split already), no
    expression is split or joined anew, and the printed query with the
    selectors' new text in place is what printing the scoped tree gives (a range the rate
    interval's mark shortens could join lines: not spliced). Else the printed query with each
    selector replaced by a bare name as long as its scoped text (`ZkQ0_xxxx`) is parsed and
    printed again, and each name replaced by its text: no selector's regexes are compiled.

    A query none of whose selectors the change touches is the query as printed already."""
    filters, everywhere = _wanted(change.scope, change.filters)
    recorded = change.recorded
    printed = placed.printed
    pieces = []
    braced: list[tuple[int, str]] = []
    """(index in pieces, text) of each selector with matchers, as scoped."""
    grown: dict[int, int] = {}
    """Start of a line -> how many bytes its selectors grew by."""
    position = marked = 0
    changed = False
    fits = placed.ascii
    for spot in placed.spots:
        keys = spot.keys
        lacking = [text for key, text in (filters if spot.name in recorded else everywhere)
                   if key not in keys]
        pieces.append(printed[position:spot.start])
        position = spot.end
        if lacking:
            if None in lacking:
                return None
            text = _selector_text(spot.name, (*spot.texts, *lacking))  # type: ignore[arg-type]
            changed = True
            growth = len(text) - (spot.end - spot.start)
        else:
            text = printed[spot.start:position]
            growth = 0
        if "{" in text:
            braced.append((len(pieces), text))
        pieces.append(text)
        if mark and spot.range_end is not None:
            pieces.append(mark)
            range_growth = len(mark) - (spot.range_end - position)
            fits = fits and range_growth >= 0
            growth += range_growth
            position = spot.range_end
            marked += 1
        if growth:
            line_growth = grown[spot.line] = grown.get(spot.line, 0) + growth
            fits = fits and line_growth <= spot.room
    if not changed and not marked:
        return printed, 0
    pieces.append(printed[position:])
    if fits:
        return "".join(pieces), marked
    names: list[tuple[str, str]] = []
    for index, text in braced:
        name = f"{_STAND_IN}{len(names)}_"
        if len(text) > len(name):
            name = name.ljust(len(text), "x")
            names.append((name, text))
            pieces[index] = name
    try:
        result = pp.parse("".join(pieces)).prettify()
    except ValueError:  # the printed query does not read back: the traversal's answer stands
        return None
    for name, text in names:
        result = result.replace(name, text)
    return result, marked


@lru_cache(maxsize=256)
def _wanted(scope: str, filters: str) -> tuple[tuple[tuple[Matched, str | None], ...], ...]:
    """The matchers `_spliced` adds to a selector over a series recorded by the integration
    (the filters') and to any other (the scope's, then the filters'), each with its text as
    prettify prints it alone (None where `_plain_text` cannot tell). Tuples: it is remembered."""
    keyed = [tuple((key, _plain_text(key)) for key in map(_key, _matchers(selector)))
             for selector in (scope, filters)]
    return _first_of_each(keyed[1]), _first_of_each(keyed[0] + keyed[1])


def _first_of_each(wanted: tuple[tuple[Matched, _T], ...]) -> tuple[tuple[Matched, _T], ...]:
    """The matchers in order, each key once: those of them a selector lacks are what
    `_lacking` adds to it."""
    first: dict[Matched, tuple[Matched, _T]] = {}
    for key, item in wanted:
        first.setdefault(key, (key, item))
    return tuple(first.values())


@lru_cache(maxsize=1024)
def _plain_text(matcher: Matched) -> str | None:
    """`name op "value"`, where prettify prints the matcher so, at that length. Remembered:
    a query's selectors and the scopings' matchers repeat the same few."""
    name, op, value = matcher
    return f"{name}{op}{quote(value)}" if _prints_plainly(name, op, value) else None


def _plain_name(name: str) -> bool:
    """Whether a selector's metric name is empty or `[a-zA-Z_:][a-zA-Z0-9_:]*`."""
    return not name or (name.isascii() and name.replace(":", "_").isidentifier())
_ESCAPED_BY_PRETTIFY = str.maketrans("", "", "\n\t\r")


def _changed_selector(node: pp.VectorSelector | pp.MatrixSelector) -> str:
    """A selector whose matchers or range were set from Python, as PromQL.

    Neither printer of promql-parser will do: `prettify()` prints a node as it was parsed,
    not as changed since, and `str()` prints values unescaped and label names unquoted."""
    vector = node.vector_selector if isinstance(node, pp.MatrixSelector) else node
    groups = vector.matchers.or_matchers or [vector.matchers.matchers]
    body = " or ".join(",".join(f"{_label(m.name)}{_OPS[str(m.op)]}{quote(m.value)}"
                                for m in group) for group in groups)
    text = (vector.name or "") + (f"{{{body}}}" if body else "")
    if isinstance(node, pp.MatrixSelector):
        text += f"[{pp.display_duration(node.range)}]"
    if vector.at is not None:
        text += f" {vector.at}"
    if vector.offset is not None:
        sign, offset = ("-", -vector.offset) if vector.offset < timedelta(0) \
            else ("", vector.offset)
        text += f" offset {sign}{pp.display_duration(offset)}"
    return text


def _label(name: str) -> str:
    """A label name as PromQL writes it: quoted unless plain (`"a.b"`)."""
    return name if _plain_label(name) else quote(name)


def _plain_label(name: str) -> bool:
    """Whether the name is `[a-zA-Z_][a-zA-Z0-9_]*`."""
    return name.isascii() and name.isidentifier()


def _prints_plainly(name: str, op: str, value: str) -> bool:
    """Whether prettify prints the matcher as `name op quote(value)`, at that length."""
    return name != "__name__" and _plain_label(name) and value.isascii() \
        and (value.isprintable() or value.translate(_ESCAPED_BY_PRETTIFY).isprintable())


def scope(expr: str, selector: str, skip_metrics: frozenset[str] = frozenset()) -> str:
    """Add the selector's matchers to every vector selector in expr, except those naming a metric
    in skip_metrics (recorded series, already scoped when they were recorded)."""
    return rewrite(expr, Rewrite(scope=selector, recorded=skip_metrics))


def with_rate_interval(expr: str) -> str:
    """Replace the range of every rate-like call's range vector with `$__rate_interval`."""
    return rewrite(expr, Rewrite(rate_interval=True))


def keep_label(expr: str, label: str) -> str:
    """The query with `label` kept through every aggregation and vector match.

    `sum(x)` and `sum by (job) (x)` gain `by (..., label)`, `without (label)` loses it, and
    `on (...)` matching gains it, so a query over many clusters answers per cluster.
    """
    return rewrite(expr, Rewrite(keep_label=label))


def _add_matchers(node: pp.VectorSelector, scope: Sequence[pp.Matcher],
                  filters: Sequence[pp.Matcher]) -> bool:
    """Give the selector the scope's matchers it lacks, then the filters' matchers it (scope
    included) lacks, as scoping and then filtering in two traversals would (each side of an
    `or` on its own: `{a="1" or b="2"}` is two selectors); whether any was added."""
    matchers = node.matchers
    groups = [_with_added(group, scope, filters) for group in matchers.or_matchers] \
        or [_with_added(matchers.matchers, scope, filters)]
    if all(not added for _, added in groups):
        return False
    if matchers.or_matchers:
        node.matchers = pp.Matchers([]).with_or_matchers([[*g, *a] for g, a in groups])
    else:
        node.matchers = pp.Matchers([*groups[0][0], *groups[0][1]])
    return True


def _with_added(group: Sequence[pp.Matcher], scope: Sequence[pp.Matcher],
                filters: Sequence[pp.Matcher]) -> tuple[Sequence[pp.Matcher], list[pp.Matcher]]:
    """A group of matchers (one side of `or`) and the matchers it lacks."""
    return group, _lacking([_key(m) for m in group], [(_key(m), m) for m in (*scope, *filters)])


def _lacking(present: Iterable[Matched], wanted: Iterable[tuple[Matched, _T]]) -> list[_T]:
    """Of the `wanted` matchers (each with its key), in order, those whose key is neither
    `present` nor wanted earlier: what scoping adds to one group of a selector's matchers."""
    seen = set(present)
    added = []
    for key, item in wanted:
        if key not in seen:
            seen.add(key)
            added.append(item)
    return added


Matched = tuple[str, str, str]
"""A label matcher's (name, op, value)."""
_T = TypeVar("_T")


def _key(matcher: pp.Matcher) -> Matched:
    return matcher.name, _OPS[str(matcher.op)], matcher.value


def _aggregation_keeping(node: pp.AggregateExpr, label: str) -> pp.Expr:
    modifier = node.modifier
    if modifier is not None and modifier.type == pp.AggModifierType.Without:
        grouping = f"without ({_listed(n for n in modifier.labels if n != label)})"
    else:
        grouping = f"by ({_listed([*(modifier.labels if modifier else ()), label])})"
    param = f"{_printed(node.param)}, " if node.param is not None else ""
    template = f"{node.op} {grouping} ({param}{_OPERAND})"
    return _splice(template, {_OPERAND: node.expr})


def _vector_match_keeping(node: pp.BinaryExpr, modifier: pp.BinModifier, label: str) -> pp.Expr:
    matching = modifier.matching
    assert matching is not None
    if matching.type == pp.LabelModifierType.Include:
        clause = f"on ({_listed([*matching.labels, label])})"
    else:
        clause = f"ignoring ({_listed(n for n in matching.labels if n != label)})"
    parts = [str(node.op), "bool" if modifier.return_bool else "", clause,
             _group_clause(modifier), _fill_clause(modifier.fill_values)]
    template = f"{_LHS} {' '.join(p for p in parts if p)} {_RHS}"
    return _splice(template, {_LHS: node.lhs, _RHS: node.rhs})


def _group_clause(modifier: pp.BinModifier) -> str:
    labels = _listed(modifier.group_labels or ())
    if modifier.card == pp.VectorMatchCardinality.ManyToOne:
        return f"group_left ({labels})"
    if modifier.card == pp.VectorMatchCardinality.OneToMany:
        return f"group_right ({labels})"
    return ""


def _fill_clause(fill: pp.VectorMatchFillValues | None) -> str:
    """`fill (0)`, or `fill_left (..)`/`fill_right (..)` when the sides differ."""
    if fill is None or (fill.lhs is None and fill.rhs is None):
        return ""
    if fill.lhs == fill.rhs:
        return f"fill ({fill.lhs!r})"
    sides = [(f"fill_left ({fill.lhs!r})" if fill.lhs is not None else ""),
             (f"fill_right ({fill.rhs!r})" if fill.rhs is not None else "")]
    return " ".join(side for side in sides if side)


def _splice(template: str, operands: dict[str, pp.Expr]) -> pp.Expr:
    """The template's AST with each placeholder selector replaced by its operand's AST."""
    def replace(node: pp.Expr) -> pp.Expr | None:
        if isinstance(node, pp.VectorSelector) and node.name in operands:
            return operands[node.name]
        return None

    return pp.transform(_parse_cached(template), post_visit=replace)


def _listed(names: Iterable[str]) -> str:
    """`a, b`: label names in order, each once, quoted where not plain (`"a.b"`)."""
    return ", ".join(_label(name) for name in dict.fromkeys(names))


@lru_cache(maxsize=1024)
def selector_uses(expr: str) -> tuple[SelectorUse, ...]:
    """Every vector selector in expr, in order (aggregation parameters such as topk's `k`
    included), with the function applied directly to it. Remembered as the parse is: the
    scoping of a query (`_placed`) and the checks of its integration read it alike."""
    uses: list[SelectorUse] = []
    _collect(parse(expr), None, uses)
    return tuple(uses)


def _collect(node: pp.Expr, function: str | None, uses: list[SelectorUse]) -> None:
    if isinstance(node, pp.VectorSelector):
        matchers = node.matchers
        groups = matchers.or_matchers or [matchers.matchers]
        uses.append(SelectorUse(
            node.name, tuple((m.name, _OPS[str(m.op)], m.value) for g in groups for m in g),
            function, node.prettify() if matchers.or_matchers else None))
    elif isinstance(node, pp.MatrixSelector):
        _collect(node.vector_selector, function, uses)
    elif isinstance(node, pp.Call):
        for arg in node.args:
            _collect(arg, node.func.name, uses)
    elif isinstance(node, pp.BinaryExpr):
        modifier = node.modifier
        matching = modifier.matching if modifier is not None and modifier.card in _GROUPED \
            else None
        if matching is not None and not matching.labels \
                and matching.type == pp.LabelModifierType.Exclude:
            raise PromQLError("`ignoring ()` with group_left or group_right: promql-parser, "
                              "which prints every query kgen writes, leaves an empty "
                              "`ignoring ()` out, and Prometheus refuses what is left; list the "
                              "labels to match with `on (...)`, or a label to ignore")
        _collect(node.lhs, None, uses)
        _collect(node.rhs, None, uses)
    elif isinstance(node, pp.AggregateExpr):
        if node.param is not None:
            _collect(node.param, None, uses)
        _collect(node.expr, None, uses)
    elif isinstance(node, _ONE_CHILD):
        _collect(node.expr, None, uses)


_ONE_CHILD = (pp.UnaryExpr, pp.ParenExpr, pp.SubqueryExpr)
"""Node classes with one `expr`, as a tuple: a union (`A | B`) is built again at every call."""
_GROUPED = (pp.VectorMatchCardinality.ManyToOne, pp.VectorMatchCardinality.OneToMany)
"""The cardinalities of `group_left` and `group_right`."""
_OPS = {"MatchOp.Equal": "=", "MatchOp.NotEqual": "!=", "MatchOp.Re": "=~", "MatchOp.NotRe": "!~"}
