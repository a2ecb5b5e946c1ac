"""`kgen new NAME`: a spec module and its test, rendered from templates, ready to fill in."""

from __future__ import annotations

import re
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9-]*$")
TEMPLATES = Path(__file__).parent / "templates" / "new"


class ScaffoldError(Exception):
    """The scaffold cannot be written as asked."""


def scaffold(name: str, specs_dir: Path, tests_dir: Path) -> list[Path]:
    """Write specs_dir/NAME.py and tests_dir/test_NAME.py; refuse to overwrite either."""
    import jinja2

    if not NAME.match(name):
        raise ScaffoldError(f"{name!r} is not an integration name: lower case letters, digits "
                            "and dashes, starting with a letter")
    module = name.replace("-", "_")
    targets = {specs_dir / f"{name}.py": "spec.py.j2",
               tests_dir / f"test_{module}.py": "test.py.j2"}
    for path in targets:
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
