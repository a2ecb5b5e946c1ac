"""The marker a spec puts on a Config knob that the mixin export exposes."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema


@dataclass(frozen=True)
class MixinKnob:
    """Exposes a knob in the mixin's `_config`, so jsonnet users change it without kgen:
    `threshold: Annotated[float, MixinKnob()] = 0.5`. Its key is the integration's camel-case
    name and the knob's (`etcdFsyncWarningP99Seconds`); `upstream` names the key another mixin
    uses for the same thing (`MixinKnob("etcd_selector")`), which then works too.

    The knob's value must reach the rules, descriptions and dashboards as written (a number via
    `{x:g}`, a duration, a label name, labels joined by commas): the mixin target proves it by
    building the spec with a stand-in value and refuses a knob that is computed on."""

    upstream: str | None = None

    def __get_pydantic_core_schema__(self, source: Any,
                                     handler: "GetCoreSchemaHandler") -> "CoreSchema":
        """The knob's schema as it is: a marker changes nothing (pydantic, not knowing it,
        would try it as a constraint, for every knob of every spec's Config)."""
        return handler(source)
