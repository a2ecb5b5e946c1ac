"""kgen builds its models without pydantic plugins.

pydantic looks for plugins (the `pydantic` entry-point group) as it builds its first model, and
the module that looks, `pydantic.plugin._loader`, imports importlib.metadata (email, zipfile,
csv, ...) first: about 20 ms of every `kgen` run that validates anything. kgen runs no plugin
(one could observe or change validation, and the output must not depend on what else is
installed beside kgen), so `install` puts a stand-in that finds none in that module's place
before pydantic imports it. tests/test_imports.py holds the stand-in to what pydantic asks of
the module it replaces.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable

LOADER = "pydantic.plugin._loader"


def get_plugins() -> Iterable[object]:
    """No plugins."""
    return ()


def install() -> None:
    """The stand-in, unless pydantic has loaded its own plugin loader already."""
    if LOADER not in sys.modules:
        stand_in = types.ModuleType(LOADER, __doc__)
        stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
        sys.modules[LOADER] = stand_in
