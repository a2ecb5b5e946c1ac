"""A small validator for the Go templates Prometheus expands in alert annotations."""

from __future__ import annotations

import re
from typing import NamedTuple

FUNCTIONS = frozenset({
    "humanize", "humanize1024", "humanizePercentage", "humanizeDuration", "humanizeTimestamp",
    "printf", "title", "toUpper", "toLower", "reReplaceAll", "match", "label", "value", "first",
    "query", "args", "safeHtml", "stripPort", "stripDomain", "graphLink", "tableLink", "pathPrefix",
    "externalURL", "parseDuration", "toTime", "sortByLabel", "strvalue", "len", "index", "and",
    "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "print", "println", "html", "js", "urlquery",
})
KEYWORDS = frozenset({"if", "else", "end", "range", "with", "define", "template", "block", "nil"})
VARIABLES = re.compile(
    r"^(?:\$labels\.[A-Za-z_][A-Za-z0-9_]*|\$externalLabels\.[A-Za-z_][A-Za-z0-9_]*"
    r"|\$value|\$labels|\$externalLabels|\$externalURL|\$[A-Za-z_][A-Za-z0-9_]*|\.[A-Za-z0-9_.]*)$"
)
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|:?=|[()|,]|[^\s()|,]+')
NUMBER = re.compile(r"^-?[0-9][0-9.eE+-]*$")
LABEL_REF = re.compile(r"\$labels\.([A-Za-z_][A-Za-z0-9_]*)")
VALUE_REF = re.compile(r"\{\{[^}]*?(?:\$value|\.Value)\b")


class TemplateError(NamedTuple):
    column: int
    message: str


def validate(text: str) -> TemplateError | None:
    """The first problem in a Go template, with its 1-based column, or None."""
    position = 0
    while True:
        opening = text.find("{{", position)
        closing = text.find("}}", position)
        if opening < 0:
            if closing >= 0:
                return TemplateError(closing + 1, "`}}` without a matching `{{`")
            return None
        if 0 <= closing < opening:
            return TemplateError(closing + 1, "`}}` without a matching `{{`")
        end = text.find("}}", opening + 2)
        if end < 0:
            return TemplateError(opening + 1, "`{{` is never closed")
        nested = text.find("{{", opening + 2)
        if 0 <= nested < end:
            return TemplateError(nested + 1, "`{{` inside another `{{ }}`")
        problem = _action(text[opening + 2:end].strip("- ").strip())
        if problem:
            return TemplateError(opening + 1, problem)
        position = end + 2


def _action(body: str) -> str | None:
    if not body:
        return "empty action `{{ }}`"
    if body.startswith("/*"):
        return None
    for token in TOKEN.findall(body):
        if token[0] in "\"`" or token in "()|," or token in (":=", "="):
            continue
        if token in FUNCTIONS or token in KEYWORDS or NUMBER.match(token) or VARIABLES.match(token):
            continue
        return f"unknown function or value {token!r} in `{{{{ {body} }}}}`"
    return None


def label_refs(text: str) -> list[str]:
    return LABEL_REF.findall(text)


def label_problems(text: str) -> list[str]:
    """What is wrong with an alert label's value: not a valid template (its column and why), or
    it carries the alert's value, so every new value makes a new alert, pending from the start,
    which never fires while the value changes."""
    problem = validate(text)
    found = [f"column {problem.column}: {problem.message}"] if problem else []
    if uses_value(text):
        found.append(USES_VALUE)
    return found


USES_VALUE = ("uses the value: every new value makes a new alert, pending from the start, so "
              "while the value changes it never fires; put the value in the description")


def uses_value(text: str) -> bool:
    """Whether an action of the template reads the alert's value (`$value`, `.Value`)."""
    return VALUE_REF.search(text) is not None
