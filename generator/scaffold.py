"""`kgen new NAME`: a spec package and its test, rendered from templates, ready to fill in.

The package has the shape of the shipped etcd spec: `config.py` (the knobs), `metrics.py` (the
catalog), `alerts.py` (alerts with their runbooks and examples), `jobs.py` (scrape jobs and
setup), `dashboard.py`, and `__init__.py` putting them together.
"""

from __future__ import annotations

import re
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9-]*$")
TEMPLATES = Path(__file__).parent / "templates" / "new"
MODULES = ("__init__.py", "config.py", "metrics.py", "alerts.py", "jobs.py", "dashboard.py")


class ScaffoldError(Exception):
    """The scaffold cannot be written as asked."""


def scaffold(name: str, specs_dir: Path, tests_dir: Path) -> list[Path]:
    """Write the package specs_dir/NAME/ and tests_dir/test_NAME.py; refuse to overwrite any
    of them, or to add a package beside a module specs_dir/NAME.py."""
    import jinja2

    if not NAME.match(name):
        raise ScaffoldError(f"{name!r} is not an integration name: lower case letters, digits "
                            "and dashes, starting with a letter")
    module = name.replace("-", "_")
    package = specs_dir / name
    targets = {package / file: f"spec/{file}.j2" for file in MODULES}
    targets[tests_dir / f"test_{module}.py"] = "test.py.j2"
    for path in (specs_dir / f"{name}.py", package, *targets):
        if path.exists():
            raise ScaffoldError(f"{path} exists; kgen new never overwrites a file")
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, autoescape=False,
    )
    context = {
        "name": name,
        "module": module,
        "metric": module,
        "prefix": "".join(part.title() for part in name.split("-")),
        "title": " ".join(part.title() for part in name.split("-")),
    }
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(environment.get_template(template).render(context), encoding="utf-8")
    return list(targets)
