"""What every Kubernetes object kgen writes carries, whichever target writes it."""

from __future__ import annotations

from generator.loader import Spec


def managed_labels(spec: Spec) -> dict[str, str]:
    """The recommended labels saying kgen manages the object, for this integration."""
    return {"app.kubernetes.io/managed-by": "kgen", "app.kubernetes.io/part-of": spec.name}
