"""A monitoring mixin per integration (`mixin/<name>/mixin.libsonnet`), for jsonnet users, and
the `.lint` file mixtool reads beside it.

It exposes the mixin fields kube-prometheus and mixtool expect: `_config`, `prometheusRules`
(recording rules), `prometheusAlerts` and `grafanaDashboards`. Its `_config` values are real,
not decorative: kgen builds the spec again with a stand-in value for each exposed knob (a
placeholder matcher for the selector, `__kgen_<knob>__` for labels, an unlikely number or
duration), renders rules and dashboards from that build, and the mixin swaps every stand-in for
the configured value. Exposed are `<name>Selector` and every knob the spec marks with
`MixinKnob`, each also under the other mixin's name the marker gives (`etcd_selector`), so the
export drops in where that mixin was; other knobs are baked in (change them in kgen.yaml).

The stand-in build, with each stand-in replaced by this build's value, must equal the ordinary
build: otherwise a knob is computed on (scaled, parsed) and an override could not work, and the
build stops with an error naming the knob. An empty selector drops the placeholder matcher with
its comma, so `{_config+:: {etcd_selector: ''}}` still renders valid PromQL.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from math import isfinite
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator import conventions
from generator.documents.dashboard import scoped_dashboard
from generator.documents.rules import alerting_groups, recording_groups
from generator.findings import Finding, Level, SpecError
from generator.loader import Spec
from generator.model import Dashboard, Integration, MixinKnob
from generator.model.base import display_path
from generator.promql import Rewrite
from generator.render import header, json_text, to_yaml
from generator.scoping import scoping

if TYPE_CHECKING:
    from generator.project import Project
    from generator.scoping import Scoped

CODE = "KG701"
PLACEHOLDER = '__kgen_selector__="{name}"'
MIXTOOL_CAMEL_CASE = re.compile(r"^([A-Z]+[a-z0-9]+)+$")
MIXTOOL_SENTENCE = re.compile(r"^[A-Z].+\.$")
MIXTOOL_TEMPLATE = re.compile(r"\{\{.+}\}")
"""mixtool's alert-name-camelcase, alert-summary-style and alert-description-templating rules
(pkg/mixer/lint.go)."""
UNWRAPPED = ("expr", "query")
"""Keys whose strings are queries: the proof compares them without their whitespace."""
TEMPLATE = """\
// {header}
//
// A monitoring mixin for {title}. These `_config` keys reach every rule, description and
// dashboard: {keys}.
local text(value) =
  if std.isArray(value) then std.join(', ', value)
  else if std.isNumber(value) then std.format('%.12g', value)
  else value;
local fill(value, pairs) =
  if std.isString(value) then std.foldl(function(s, p) std.strReplace(s, p[0], p[1]), pairs, value)
  else if std.isArray(value) then [fill(item, pairs) for item in value]
  else if std.isObject(value) then {{ [key]: fill(value[key], pairs)
                                     for key in std.objectFields(value) }}
  else value;
local matchers(placeholder, selector) =
  if selector == '' then [[placeholder + ',', ''], [',' + placeholder, ''], [placeholder, '']]
  else [[placeholder, selector]];
local recordingRules = {recording};
local alertingRules = {alerting};
local dashboards = {dashboards};
{{
  _config+:: {{
{config}
  }},
  local pairs = matchers({placeholder}, $._config.{selector_key}) + {pairs},
  prometheusRules+:: fill(recordingRules, pairs),
  prometheusAlerts+:: fill(alertingRules, pairs),
  grafanaDashboards+:: fill(dashboards, pairs),
}}
"""


class Exposed(NamedTuple):
    """A knob in the mixin's `_config`: its keys, its stand-in, and this build's value."""

    knob: str
    key: str
    upstream: str | None
    stand_in: Any
    """The value the spec is built with instead of the configured one."""
    mark: str
    """How the stand-in reads in the output."""
    value: Any
    """This build's value, as jsonnet holds it (labels joined by commas)."""

    @property
    def text(self) -> str:
        """How this build's value reads in the output."""
        if isinstance(self.value, float):
            return f"{self.value:.12g}"
        return str(self.value)


def config_key(name: str, knob: str = "selector") -> str:
    """`calico` -> `calicoSelector`, (`kube-proxy`, `error_for`) -> `kubeProxyErrorFor`."""
    head, *rest = name.split("-")
    return head + "".join(part.title() for part in (*rest, *knob.split("_")))


def render(item: Scoped, project: Project) -> dict[str, bytes]:
    spec = item.spec
    exposed = exposed_knobs(spec)
    placeholder = PLACEHOLDER.format(name=spec.name)
    selector = next(e for e in exposed if e.knob == "selector")
    ordinary = _placeholder_selector(spec.integration, str(selector.value), placeholder)
    stand_in = _stand_in_build(spec, project, exposed, placeholder)
    documents = _Documents()
    rendered = documents.parts(stand_in)
    literals = documents.literals(rendered)
    _prove(spec, rendered, literals, exposed, ordinary, documents)
    selector_key = config_key(spec.name)
    config = _config_lines(exposed)
    text = TEMPLATE.format(
        header=header(spec.source),
        title=spec.integration.title,
        keys=", ".join(key for e in exposed for key in filter(None, (e.key, e.upstream)))
        or selector_key,
        config="\n".join(config),
        placeholder=_string(placeholder),
        selector_key=selector_key,
        pairs=_pairs(exposed),
        recording=literals["recording"],
        alerting=literals["alerting"],
        dashboards=literals["dashboards"],
    )
    return {conventions.mixin_path(spec.name): text.encode("utf-8"),
            conventions.mixin_lint_path(spec.name): to_yaml(lint_config(spec.integration),
                                                            spec.source)}


def exposed_knobs(spec: Spec) -> list[Exposed]:
    """The selector (always) and the knobs marked with MixinKnob, in Config order."""
    fields = type(spec.config).model_fields
    found = []
    for index, (knob, info) in enumerate(fields.items()):
        marker = next((m for m in info.metadata if isinstance(m, MixinKnob)), None)
        if marker is None and knob != "selector":
            continue
        value = getattr(spec.config, knob)
        if isinstance(value, float) and not isfinite(value):
            _refuse(spec, f"Config.{knob} is {value}, which jsonnet has no literal for: the "
                          "mixin cannot expose it (give it a finite value)")
        stand_in, mark = _stand_in(spec, knob, info.annotation, info.metadata, value, index)
        found.append(Exposed(
            knob=knob, key=config_key(spec.name, knob),
            upstream=marker.upstream if marker else None, stand_in=stand_in, mark=mark,
            value=", ".join(value) if isinstance(value, tuple) else value))
    if "selector" not in fields:
        found.insert(0, Exposed("selector", config_key(spec.name), None, None,
                                PLACEHOLDER.format(name=spec.name), spec.integration.selector))
    keys = [key for e in found for key in (e.key, e.upstream) if key]
    named = Counter(keys)
    clash = next((key for key in keys if named[key] > 1), None)
    if clash:
        _refuse(spec, f"mixin _config key {clash} is named twice")
    return found


_ENDINGS = tuple(n for n in range(111, 1000) if n % 10)
"""The last three digits of each knob's fractional stand-in (`0.917111`, `0.917112`, ...): six
significant digits and no trailing zero, so `{x:g}` prints every one of them, and no stand-in
is the beginning of another."""


def _stand_in(spec: Spec, knob: str, annotation: Any, metadata: list[Any], value: Any,
              index: int) -> tuple[Any, str]:
    """A value the knob accepts that reads unmistakably in the output, and how it reads."""
    if knob == "selector":
        placeholder = PLACEHOLDER.format(name=spec.name)
        return placeholder, placeholder
    label = f"__kgen_{knob}__"
    fraction = float(f"0.917{_ENDINGS[index]}")
    if isinstance(value, bool):
        candidates: list[tuple[Any, str]] = []
    elif isinstance(value, int):
        candidates = [(482911 + index, str(482911 + index)), (fraction, f"{fraction:g}")]
    elif isinstance(value, float):
        candidates = [(fraction, f"{fraction:g}")]
    elif isinstance(value, str):
        candidates = [(f"{911 + index}ms", f"{911 + index}ms"), (label, label)]
    elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        candidates = [((label,), label)]
    else:
        candidates = []
    try:
        checker = _checker(annotation, tuple(metadata))
    except TypeError:  # metadata that cannot be a cache key
        checker = _checker.__wrapped__(annotation, tuple(metadata))
    for candidate, mark in candidates:
        try:
            checker.validator.validate_python(candidate)  # the adapter's own wrapper costs more
        except ValidationError:
            continue
        return candidate, mark
    _refuse(spec, f"Config.{knob}: the mixin can expose numbers, durations, label names and "
                  "label lists, not this knob; drop its MixinKnob()")


@lru_cache(maxsize=256)
def _checker(annotation: Any, metadata: tuple[Any, ...]) -> TypeAdapter[Any]:
    """The validator of a knob's type, built once per type (building one costs more than the
    validations it does here)."""
    return TypeAdapter(Annotated[annotation, *metadata] if metadata else annotation)


def _stand_in_build(spec: Spec, project: Project, exposed: list[Exposed],
                    placeholder: str) -> Integration:
    """The spec built with every stand-in, the project's settings laid over it, and the
    placeholder matcher as its selector."""
    update = {e.knob: e.stand_in for e in exposed if e.stand_in is not None}
    config: BaseModel = spec.config.model_copy(update=update)
    try:
        built = spec.build(config)
    except Exception as error:
        _refuse(spec, f"building with the mixin's stand-in values failed ({error}); a knob "
                      "marked MixinKnob() is computed on")
    from generator.build import prepare

    laid, _ = prepare(built, project)
    if "selector" in update:
        return laid
    return laid.model_copy(update={"selector": placeholder})


def _placeholder_selector(integration: Integration, value: str,
                          placeholder: str) -> Integration:
    """The integration with the placeholder where the exposed selector value stands in its
    selector (a spec may add matchers of its own around it), so its queries list matchers in
    the order the stand-in build does."""
    selector = integration.selector
    swapped = selector.replace(value, placeholder, 1) if value and value in selector \
        else placeholder
    return integration.model_copy(update={"selector": swapped})


class _Documents:
    """Rules and dashboards of integrations, scoped, each dashboard rendered once per distinct
    input: the proof's ordinary build shares every board no knob reaches with the stand-in
    build. A board's JSON is a function of the board, the scoping and the integration's name
    and description, so equal inputs give equal JSON."""

    def __init__(self) -> None:
        self._boards: list[tuple[tuple[str, str, Dashboard, Rewrite], dict[str, Any], bool]] = []
        """Each board's input, its JSON data, and whether that is plain (`scoped_dashboard`)."""

    def parts(self, integration: Integration) -> dict[str, Any]:
        """Rules and dashboards of the integration, scoped with its (placeholder) selector."""
        scope = scoping(integration)
        return {
            "recording": {"groups": recording_groups(integration, scope)},
            "alerting": {"groups": alerting_groups(integration, scope)},
            "dashboards": {conventions.dashboard_file(integration.name, board.slug):
                           self._board(integration, board, scope)
                           for board in integration.dashboards},
        }

    def _board(self, integration: Integration, board: Dashboard,
               scope: Rewrite) -> dict[str, Any]:
        key = (integration.name, integration.description, board, scope)
        for known, rendered, _ in self._boards:
            if known == key:
                return rendered
        rendered, plain = scoped_dashboard(integration, board, scope)
        self._boards.append((key, rendered, plain))
        return rendered

    def literals(self, parts: dict[str, Any]) -> dict[str, str]:
        """The parts as the mixin writes them. The dashboards' JSON is not read back when
        every board in it is plain: made of what `orjson.loads` makes, which orjson writes as
        `json.dumps` does (as the grafana target writes a board's file)."""
        plain = {id(rendered) for _, rendered, is_plain in self._boards if is_plain}
        return {part: _literal(value, part == "dashboards"
                               and all(id(board) in plain for board in value.values()))
                for part, value in parts.items()}


def _prove(spec: Spec, rendered: dict[str, Any], literals: dict[str, str],
           exposed: list[Exposed], integration: Integration, documents: _Documents) -> None:
    """The stand-in build with this build's values filled in must be the ordinary build
    (`integration`, with the placeholder in its selector). `literals` are the rendered parts
    as the mixin writes them."""
    pairs = [(e.mark, e.text) for e in exposed]
    selector = next(e for e in exposed if e.knob == "selector")
    expected_pairs = [(selector.mark, str(selector.value))]
    ordinary = documents.parts(integration)
    text = "".join(literals.values())
    # A mark (letters, digits, `_`, `.`) in a rendered string is in the JSON the mixin writes
    # of it, which keeps every character but quotes, backslashes and control characters as it
    # is (so no escape of other text can make a mark appear there either, but for control
    # characters, whose `\u00XX` can only make an unused knob look used).
    missing = [e.knob for e in exposed if e.knob != "selector" and e.mark not in text]
    if missing:
        _refuse(spec, f"Config.{missing[0]} is marked MixinKnob() but its value reaches no "
                      "rule, description or dashboard as written (unused, or computed on)")
    unreached = _Unreached([e.mark for e in exposed if e.knob != "selector"], str(selector.value))
    proof = _Proof(pairs, expected_pairs, unreached)
    if rendered.keys() == ordinary.keys() and all(
            proof.agrees_part(rendered[part], ordinary[part], literals[part]) for part in rendered):
        return
    got, expected = fill(rendered, pairs), fill(ordinary, expected_pairs)
    want, have = _first_difference(_unwrapped(expected), _unwrapped(got))
    _refuse(spec, "a knob marked MixinKnob() is computed on or formatted differently, so the "
                  f"mixin could not change it: expected {want!r}, the stand-in build gives "
                  f"{have!r}; format numbers with {{x:g}} and use values as they are")


class _Unreached:
    """Whether parts both builds made alike (rules or dashboards no knob reaches) fill alike
    with the stand-in build's pairs and the ordinary build's: when no knob's mark is in them,
    nor can appear where the selector's value replaces the placeholder, every knob's
    replacement does nothing on either side. Checked on their JSON, which holds every mark
    their strings hold (marks are digits, letters, `_`, `.`: JSON writes them as they are,
    within one token, however it is indented)."""

    def __init__(self, marks: list[str], selector: str) -> None:
        self.marks = marks
        self.possible = all(_apart(mark, selector) for mark in marks)

    def __call__(self, shared: Any) -> bool:
        return self.possible and self.clean(_compact_json(shared))

    def clean(self, text: str) -> bool:
        """Whether parts written as `text` (JSON, compact or indented) are unreached."""
        return self.possible and not any(m in text for m in self.marks)


def _compact_json(data: Any) -> str:
    """Compact JSON of `data` holding every string of it as it is but for the characters JSON
    escapes: orjson's (in C, about ten times faster), unless orjson refuses the data; then
    `json.dumps`'s. (Rendered parts hold no NaN or infinity, which orjson would write as
    null: a dashboard's floats are finite, and rules have none.)"""
    import orjson

    try:
        return orjson.dumps(data).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: a lone surrogate, an integer past 64 bits
        # Rendered parts hold no cycle (the mixin writes them out): no check for one (-20%).
        return json.dumps(data, ensure_ascii=False, check_circular=False)


def _apart(mark: str, value: str) -> bool:
    """Whether replacing text without `mark` by `value` cannot make `mark` appear: `value`
    neither holds it nor lies in it (an empty value joins the text around it), and it neither
    begins with an end of `mark` nor ends with a beginning of it."""
    return (mark not in value and value not in mark
            and not any(value.endswith(mark[:i]) or value.startswith(mark[i:])
                        for i in range(1, len(mark))))


class _Proof:
    """`_unwrapped(fill(got, got_pairs)) == _unwrapped(fill(expected, expected_pairs))` in one
    walk, without copying either, leaves compared as the walk compares them; dicts and lists
    alike in both builds (compared in C) are not walked when `unreached`."""

    def __init__(self, got_pairs: list[tuple[str, str]], expected_pairs: list[tuple[str, str]],
                 unreached: _Unreached) -> None:
        self.got_pairs = got_pairs
        self.expected_pairs = expected_pairs
        self.unreached = unreached
        self.filled: dict[str, str] = {}
        """Each string of the stand-in build as filled: one fill of the strings it repeats."""

    def agrees_part(self, got: Any, expected: Any, text: str) -> bool:
        """`agrees` for a whole part, written as `text`. Alike in both builds, it is not walked
        when that text shows it unreached; else the dicts and lists alike in both are set
        aside as the walk meets them and checked together at its end (one serialisation),
        each on its own only if that fails."""
        if got == expected and self.unreached.clean(text):
            return True
        alike: list[tuple[Any, Any]] = []
        if not self._walk(got, expected, None, alike):
            return False
        return not alike or self.unreached([mine for mine, _ in alike]) or all(
            self.agrees(mine, theirs) for mine, theirs in alike)

    def agrees(self, got: Any, expected: Any, key: str | None = None) -> bool:
        """The walk, each dict alike in both builds checked on its own."""
        return self._walk(got, expected, key, None)

    def _walk(self, got: Any, expected: Any, key: str | None,
              alike: list[tuple[Any, Any]] | None) -> bool:
        if isinstance(got, str):
            if not isinstance(expected, str):
                return False
            mine = self.filled.get(got)
            if mine is None:
                mine = self.filled[got] = fill(got, self.got_pairs)
            got, expected = mine, fill(expected, self.expected_pairs)
            if key in UNWRAPPED:
                return "".join(got.split()) == "".join(expected.split())
            return bool(got == expected)
        if isinstance(got, dict):
            if not isinstance(expected, dict) or got.keys() != expected.keys():
                return False
            if got == expected:
                if alike is not None:
                    alike.append((got, expected))
                    return True
                if self.unreached(got):
                    return True
            return all(self._walk(item, expected[name], name, alike)
                       for name, item in got.items())
        if isinstance(got, list):
            if not isinstance(expected, list) or len(got) != len(expected):
                return False
            if alike is not None and got == expected:
                alike.append((got, expected))
                return True
            return all(self._walk(a, b, None, alike) for a, b in zip(got, expected, strict=True))
        return bool(got == fill(expected, self.expected_pairs))


def fill(value: Any, pairs: list[tuple[str, str]]) -> Any:
    """Every string in `value` with each stand-in replaced, as the mixin's `fill` does."""
    if isinstance(value, str):
        for mark, text in pairs:
            value = value.replace(mark, text)
        return value
    if isinstance(value, list):
        return [fill(item, pairs) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, pairs) for key, item in value.items()}
    return value


def _unwrapped(value: Any) -> Any:
    """Queries without their whitespace: the formatter breaks lines by length, and a stand-in
    is longer or shorter than the value it stands for."""
    if isinstance(value, dict):
        return {key: "".join(item.split()) if key in UNWRAPPED and isinstance(item, str)
                else _unwrapped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unwrapped(item) for item in value]
    return value


def _first_difference(expected: Any, got: Any) -> tuple[Any, Any]:
    """The first place, keys taken in sorted order, where the two builds differ: the same
    whether a board's JSON came from the SDK or from the board cache's file."""
    if isinstance(expected, dict) and isinstance(got, dict) and expected.keys() == got.keys():
        key = next(k for k in sorted(expected) if expected[k] != got[k])
        return _first_difference(expected[key], got[key])
    if isinstance(expected, list) and isinstance(got, list) and len(expected) == len(got):
        index = next(i for i, (a, b) in enumerate(zip(expected, got, strict=True)) if a != b)
        return _first_difference(expected[index], got[index])
    return expected, got


def _pairs(exposed: list[Exposed]) -> str:
    """The jsonnet list of [stand-in, value] pairs of the knobs other than the selector."""
    rows = [f"    [{_string(e.mark)}, text($._config.{e.key})],"
            for e in exposed if e.knob != "selector"]
    return "[\n" + "\n".join(rows) + "\n  ]" if rows else "[]"


def _config_lines(exposed: list[Exposed]) -> list[str]:
    """`_config` entries: an upstream key holds the value and ours defaults to it, so setting
    either works (ours wins when both are set)."""
    lines = []
    for e in exposed:
        if e.upstream:
            lines.append(f"    {e.upstream}: {_literal(e.value)},")
            lines.append(f"    {e.key}: $._config.{e.upstream},")
        else:
            lines.append(f"    {e.key}: {_literal(e.value)},")
    return lines


def lint_config(integration: Integration) -> dict[str, Any]:
    """mixtool's `.lint`: its alert rules this integration is exempt from, with the reason: the
    naming exemption (another project's lower-case names), and a static description kgen's own
    annotation check (KG302) was told to accept."""
    exclusions: dict[str, Any] = {}
    exemption = integration.naming_exemption
    alerts = integration.alerts
    if exemption and any(not MIXTOOL_CAMEL_CASE.match(a.name) for a in alerts):
        exclusions["alert-name-camelcase"] = {"reason": exemption}
    title = integration.title
    if exemption and title[:1].islower() and any(
            not MIXTOOL_SENTENCE.match(a.summary) for a in alerts):
        exclusions["alert-summary-style"] = {
            "reason": f"summaries begin with the name {title}, which is written in lower case"}
    static = [{"alert": a.name, "reason": a.suppress["KG302"]} for a in alerts
              if "KG302" in a.suppress and not MIXTOOL_TEMPLATE.search(a.description)]
    if static:
        exclusions["alert-description-templating"] = {
            "reason": "descriptions exempt from kgen's KG302, each for the reason given",
            "entries": list({entry["alert"]: entry for entry in static}.values())}
    return {"exclusions": exclusions}


def _refuse(spec: Spec, why: str) -> NoReturn:
    raise SpecError([Finding(display_path(str(spec.path)), _config_line(spec), Level.ERROR,
                             CODE, why)])


def _config_line(spec: Spec) -> int:
    lines = spec.path.read_text(encoding="utf-8").split("\n")  # not splitlines: a form feed
    # or U+2028 ends no line for Python
    return next((n for n, line in enumerate(lines, 1) if line.startswith("class Config")), 1)


def _literal(value: Any, plain: bool = False) -> str:
    """JSON is valid jsonnet: a canonical, sorted literal (`plain`: see `json_text`)."""
    return json_text(value, plain)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
