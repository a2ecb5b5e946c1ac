"""An example's sample values and expected record are finite: a NaN or an infinity in a
`hold`, a `rise` or a `records` is refused at the spec line that builds the example, as any
other bad example value is, instead of failing inside kgen as it writes the example's numbers
(promtool's series notation, a recorded value's check). The base spec builds its examples at
import, so the error is the import's (KG001)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.broken._base import BASE

QUEUE = 'gauge("demo_queue_depth", 200, 20)'
ERRORS = 'counter("demo_errors_total", 1, 20, code="500")'


@pytest.mark.parametrize("value", ["float('inf')", "float('-inf')", "float('nan')"])
@pytest.mark.parametrize(("old", "new", "field"), [
    (QUEUE, 'gauge("demo_queue_depth", {value}, 20)', "Hold.value"),
    (ERRORS, 'counter("demo_errors_total", {value}, 20, code="500")', "Rise.per_second"),
    ("ERRORS = (", "R = (records('x', (), 5, {value}),)\nERRORS = (", "Records.value"),
], ids=["hold", "rise", "records"])
def test_a_nan_or_an_infinity_in_an_example_is_refused_at_its_line(
        tmp_path: Path, old: str, new: str, field: str, value: str) -> None:
    text = BASE.replace("gauge, hold,", "gauge, hold, records,")
    assert text.count(old) == 1
    text = text.replace(old, new.format(value=value))
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(text, encoding="utf-8")
    done = CliRunner().invoke(main, ["build", "--specs", str(tmp_path / "specs"),
                                     "--out", str(tmp_path / "out")])
    assert done.exit_code == 1, done.output
    line = next(n for n, written in enumerate(text.splitlines(), 1)
                if new.format(value=value).split("\n")[0] in written)
    assert done.output.splitlines()[0] == (
        f"{tmp_path / 'specs' / 'demo.py'}:{line}: error KG001 "
        f"{field}: Input should be a finite number")
    assert not (tmp_path / "out").exists()
