"""An integration's selector set in the project config is label matchers joined by commas:
one that does not parse, or that joins matchers with `or` (promql-parser reads it, Prometheus
does not, and scoping would add none of it), is an error at the config line that sets it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.broken._base import BASE
from tests.support import KGEN

CONFIG = """\
specs: specs
out: out
targets: [prometheus-rules]
integrations:
  demo:
    config:
      selector: '{selector}'
"""


@pytest.mark.parametrize(("selector", "message"), [
    ('job="demo" or job="other"', "uses `or` between label matchers"),
    ("job=", "invalid promql query"),
    ('job=~"demo', "unterminated"),
])
def test_a_bad_selector_is_an_error_at_its_config_line(tmp_path: Path, selector: str,
                                                      message: str) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(BASE, encoding="utf-8")
    (tmp_path / "kgen.yaml").write_text(CONFIG.format(selector=selector), encoding="utf-8")
    done = subprocess.run([KGEN, "build"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 1
    errors = [row for row in done.stderr.splitlines() if ": error " in row]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith("kgen.yaml:7: error KG004 integrations.demo.config.selector: ")
    assert message in errors[0]
    assert not (tmp_path / "out").exists()


def test_a_selector_of_plain_matchers_builds(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "demo.py").write_text(BASE, encoding="utf-8")
    selector = 'job=~"demo|other", env!="lab"'
    (tmp_path / "kgen.yaml").write_text(CONFIG.format(selector=selector), encoding="utf-8")
    done = subprocess.run([KGEN, "build"], cwd=tmp_path, capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "prometheus" / "rules" / "demo.yaml").is_file()
