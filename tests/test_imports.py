"""What `kgen` imports: pydantic only where a spec or the project is validated, and no pydantic
plugin machinery (importlib.metadata) even then."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pydantic

from generator.model import plugins
from tests.support import settled, temp_project

PROBE = """
import json, os, sys
from generator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
loader = sys.modules.get("pydantic.plugin._loader")
with open(os.environ["PROBE_OUT"], "w") as out:
    json.dump({"modules": sorted(sys.modules),
               "plugin_loader": getattr(loader, "__name__", None) and loader.__doc__}, out)
"""


class Imported(NamedTuple):
    modules: set[str]
    plugin_loader: str | None
    """The docstring of the plugin loader pydantic got, if it asked for one."""
    stderr: str


def imported(root: Path, *args: str, env: dict[str, str] | None = None) -> Imported:
    """What a `kgen` command run in `root` imported."""
    out = root.parent / f"probe-{len(list(root.parent.iterdir()))}.json"
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=root, capture_output=True,
                          text=True, check=False, timeout=120,
                          env={**os.environ, **(env or {}), "PROBE_OUT": str(out)})
    assert out.is_file(), done.stderr
    found = json.loads(out.read_text(encoding="utf-8"))
    return Imported(set(found["modules"]), found["plugin_loader"], done.stderr)


def test_help_imports_no_pydantic(tmp_path: Path) -> None:
    root = temp_project(tmp_path / "project", "targets: [prometheus-rules]\n")
    assert "pydantic" not in imported(root, "--help").modules


def test_a_noop_build_imports_no_pydantic(tmp_path: Path) -> None:
    root = settled(temp_project(tmp_path / "project", "targets: [prometheus-rules, docs]\n"))
    environment = {"KGEN_NO_FASTPATH": ""}
    first = imported(root, "build", env=environment)
    assert "pydantic" in first.modules
    settled(root)
    again = imported(root, "build", env=environment)
    assert "is up to date" in again.stderr, again.stderr
    assert "pydantic" not in again.modules


def test_findings_and_the_config_reader_import_no_pydantic() -> None:
    code = ("import sys, generator.findings, generator.configfile, generator.location; "
            "print('pydantic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "False"


def test_a_build_runs_without_pydantic_plugins_or_importlib_metadata(tmp_path: Path) -> None:
    root = temp_project(tmp_path / "project", "targets: [prometheus-rules, scrape-jobs, grafana, "
                        "docs, prometheus-operator, grafana-provisioning, mixin]\n")
    found = imported(root, "build", env={"KGEN_NO_FASTPATH": "1"})
    assert (root / "out" / "kgen-manifest.json").is_file(), found.stderr
    assert found.plugin_loader == plugins.__doc__
    assert "importlib.metadata" not in found.modules


def test_the_stand_in_offers_all_pydantic_asks_of_its_plugin_loader() -> None:
    """Every import of pydantic.plugin._loader inside pydantic names only what the stand-in
    has; a pydantic that asks for more fails here, not in a user's build."""
    package = Path(pydantic.__file__).parent
    asked: set[str] = set()
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        if module.endswith(".__init__"):
            module = module.removesuffix(".__init__")
        package_name = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package_name.split(".")
                if node.level:
                    base = base[:len(base) - node.level + 1]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target == plugins.LOADER:
                    asked.update(alias.name for alias in node.names)
                elif target == plugins.LOADER.rpartition(".")[0]:
                    assert "_loader" not in {alias.name for alias in node.names}, path
            elif isinstance(node, ast.Import):
                assert plugins.LOADER not in {alias.name for alias in node.names}, path
    assert asked == {"get_plugins"}
    assert list(plugins.get_plugins()) == []
