"""The promtool test document's shortcuts change no byte: an input series' text is worked out
once per metric, labels and scoping within an integration, and a selector whose values need
no escaping is written without quoting each value on its own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from benchmarks import synth
from generator import loader, promql
from generator.model import Integration, Series
from generator.rule_tests import _selector, examples, group, promtool_tests, series_labels
from tests.support import PROJECT

LABEL = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,6}", fullmatch=True)
VALUE = st.text(max_size=6) | st.sampled_from(['"', "\\", "a\nb", "\x00", "\u2028", "é", ""])


def _quoted_one_by_one(metric: str, labels: dict[str, str]) -> str:
    return metric + "{" + ", ".join(f"{k}={promql.quote(v)}" for k, v in labels.items()) + "}"


@given(LABEL, st.dictionaries(LABEL, VALUE, max_size=4))
def test_selector_quotes_as_promql_quote(metric: str, labels: dict[str, str]) -> None:
    assert _selector(metric, labels) == _quoted_one_by_one(metric, labels)


def _input(integration: Integration, series: Series) -> dict[str, Any]:
    """An input series entry worked out on its own, as before the shortcut."""
    text = _quoted_one_by_one(series.metric, dict(sorted(series_labels(integration,
                                                                       series).items())))
    return {"series": text, "values": series.values()}


def _every_series_on_its_own(integration: Integration) -> list[list[dict[str, Any]]]:
    return [[_input(integration, s) for s in example.series]
            for _, _, example in examples(integration)]


def _integrations(specs: Path) -> list[Integration]:
    return [spec.integration for spec in loader.load(specs, PROJECT.values())]


def test_input_series_of_the_shipped_and_synthetic_specs(tmp_path: Path) -> None:
    synth.write(4, tmp_path / "specs")
    integrations = _integrations(PROJECT.specs_dir) + _integrations(tmp_path / "specs")
    assert len(integrations) >= 6
    for integration in integrations:
        document = promtool_tests(integration, "../rules/x.yaml")
        assert document is not None
        assert [g["input_series"] for g in document["tests"]] == \
            _every_series_on_its_own(integration)


def test_a_series_text_is_kept_by_its_metric_labels_and_scoping() -> None:
    """Series alike but for their scoping, their label order or one label's value each get
    their own text, from one shared memo."""
    integration = next(i for i in _integrations(PROJECT.specs_dir) if i.name == "etcd")
    rule, index, example = next(
        (r, i, e) for r, i, e in examples(integration)
        if any(s.scoped and s.labels for s in e.series))
    series = next(s for s in example.series if s.scoped and s.labels)
    name, value = next(iter(series.labels.items()))
    variants = (
        series,
        series.model_copy(update={"scoped": False}),
        series.model_copy(update={"labels": dict(reversed(series.labels.items()))}),
        series.model_copy(update={"labels": {**series.labels, name: value + "x"}}),
        series.model_copy(update={"metric": series.metric + "_other"}),
    )
    changed = example.model_copy(update={"series": variants})
    texts: dict[tuple[object, ...], str] = {}
    first = group(integration, rule, index, changed, texts)
    again = group(integration, rule, index, changed, texts)
    expected = [_input(integration, s) for s in variants]
    assert first["input_series"] == again["input_series"] == expected
    assert len({entry["series"] for entry in expected}) == 4  # the reversed labels: same text
