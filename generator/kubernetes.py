"""What every Kubernetes object kgen writes carries, whichever target writes it, and the syntax
Kubernetes accepts for the namespaces, label keys and values a project config puts on them
(k8s.io/apimachinery validation: RFC 1123 labels and subdomains, qualified names)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, BeforeValidator

if TYPE_CHECKING:
    from generator.loader import Spec

MANAGED_BY = "app.kubernetes.io/managed-by"
PART_OF = "app.kubernetes.io/part-of"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


def managed_labels(spec: Spec) -> dict[str, str]:
    """The recommended labels saying kgen manages the object, for this integration."""
    return {MANAGED_BY: "kgen", PART_OF: spec.name}


def object_labels(spec: Spec, labels: dict[str, str]) -> dict[str, str]:
    """The project's labels for an object, then kgen's own (which settings cannot override)."""
    return {**labels, **managed_labels(spec)}


def _namespace(value: str) -> str:
    if len(value) > 63 or not _DNS_LABEL.match(value):
        raise ValueError(f"{value!r} is not a namespace name: at most 63 lower-case letters, "
                         "digits and '-', starting and ending with a letter or digit")
    return value


def _qualified_name(value: str) -> str:
    """A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name."""
    prefix, _, name = value.rpartition("/")
    if prefix and (len(prefix) > 253 or not all(
            _DNS_LABEL.match(part) for part in prefix.split("."))):
        raise ValueError(f"{value!r}: the prefix before '/' must be a DNS subdomain "
                         "(lower-case, e.g. example.com)")
    if len(name) > 63 or not _NAME.match(name):
        raise ValueError(f"{value!r} is not a label key: at most 63 letters, digits, '-', '_' "
                         "and '.' (after an optional prefix/), starting and ending with a "
                         "letter or digit")
    return value


def _label_value(value: str) -> str:
    if value and (len(value) > 63 or not _NAME.match(value)):
        raise ValueError(f"{value!r} is not a label value: at most 63 letters, digits, '-', "
                         "'_' and '.', starting and ending with a letter or digit")
    return value


def _a_string(value: Any) -> Any:
    """YAML reads `grafana_dashboard: 1` as a number; Kubernetes wants a string."""
    if isinstance(value, bool | int | float):
        raise ValueError(f"label values are strings in Kubernetes; quote it: '{value}'")
    return value


Namespace = Annotated[str, AfterValidator(_namespace)]
LabelKey = Annotated[str, AfterValidator(_qualified_name)]
"""A label key; annotation keys share the syntax."""
LabelValue = Annotated[str, BeforeValidator(_a_string), AfterValidator(_label_value)]
