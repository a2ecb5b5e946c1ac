"""The spec model's value types build the very core schemas pydantic's own spelling of them
builds (so the same validation and the same errors), only cheaper to build per model class."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationError

from generator.model import MixinKnob
from generator.model.types import (
    Duration,
    LabelName,
    MetricName,
    _duration,
    _label_name,
    _metric_name,
)


def _schema(model: Any) -> str:
    """A core schema as text, without what differs between two builds of it (addresses)."""
    text = repr(model.__pydantic_core_schema__ if isinstance(model, type) else model.core_schema)
    return re.sub(r":[0-9]+'", "'", re.sub(r" at 0x[0-9a-f]+", "", text))


@pytest.mark.parametrize(("ours", "check"), [
    (Duration, _duration), (LabelName, _label_name), (MetricName, _metric_name)])
def test_a_checked_string_is_an_after_validator(ours: Any, check: Any) -> None:
    spelled = Annotated[str, AfterValidator(check)]
    assert _schema(TypeAdapter(ours)) == _schema(TypeAdapter(spelled))
    for bad in ("", "5 minutes", "a-b", "1x"):
        errors = []
        for adapter in (TypeAdapter(ours), TypeAdapter(spelled)):
            with pytest.raises(ValidationError) as caught:
                adapter.validate_python(bad)
            errors.append(caught.value.errors(include_url=False, include_context=False))
        assert errors[0] == errors[1]


def test_a_mixin_knob_changes_no_schema() -> None:
    class Marked(BaseModel):
        rate: Annotated[float, MixinKnob()] = Field(default=0.5, ge=0)
        window: Annotated[Duration, MixinKnob("upstream")] = "5m"
        labels: Annotated[tuple[LabelName, ...], MixinKnob()] = ("instance",)

    class Plain(BaseModel):
        rate: float = Field(default=0.5, ge=0)
        window: Duration = "5m"
        labels: tuple[LabelName, ...] = ("instance",)

    assert _schema(Marked).replace("Marked", "Plain") == _schema(Plain)
    assert Marked.model_json_schema() == {**Plain.model_json_schema(), "title": "Marked"}
    assert MixinKnob("upstream") in Marked.model_fields["window"].metadata


@pytest.mark.parametrize(("check", "pattern"), [
    (_label_name, r"[a-zA-Z_][a-zA-Z0-9_]*"), (_metric_name, r"[a-zA-Z_:][a-zA-Z0-9_:]*")])
def test_a_name_is_accepted_exactly_when_its_pattern_matches(check: Any, pattern: str) -> None:
    """The checks take a shortcut for identifiers; what they accept is what the regex does."""
    alphabet = ["a", "Z", "_", ":", "0", "9", "-", " ", "\n", "é", "ß", "٣", "\u200b", "."]
    words = ["", *alphabet, "instance", "le", "class", "__name__", "etcd:x:rate5m",
             "x\n", "1x", ":x", "a:b", "a\nb", "a b", "ﬁ", "ǅ"]
    words += [a + b + c for a in alphabet for b in alphabet for c in ("", "x", "1")]
    for word in words:
        accepted = True
        try:
            check(word)
        except ValueError:
            accepted = False
        assert accepted == bool(re.fullmatch(pattern, word)), word


@pytest.mark.parametrize("value", ["team\n", "5m\n", "x:y\n"])
def test_a_name_or_duration_with_a_final_newline_is_refused(value: str) -> None:
    """Prometheus takes the name or duration whole: a `$` would match before the newline."""
    from generator.model.types import _duration

    for check in (_label_name, _metric_name, _duration):
        with pytest.raises(ValueError):
            check(value)
