"""Regular expressions as Prometheus runs them: RE2 (google-re2), anchored at both ends for a
label value. Compiled with RE2's own error log off: RE2 would print a line of its own on stderr
for every regex it refuses, and kgen reports that regex as a finding at its spec line."""

from __future__ import annotations

from typing import Any

import re2

QUIET = re2.Options()
QUIET.log_errors = False


def compiled(pattern: str) -> Any:
    """`pattern` compiled by RE2 (raises `re2.error` when RE2 refuses it)."""
    return re2.compile(pattern, QUIET)


def anchored(regex: str) -> Any:
    """`regex` as Prometheus matches a label value against it: the whole value."""
    return compiled(f"^(?:{regex})$")


def refusal(error: re2.error) -> str:
    """Why RE2 refused a regex, as text (the binding gives its reason as bytes)."""
    reason = error.args[0] if error.args else error
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
