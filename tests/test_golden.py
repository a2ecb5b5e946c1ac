"""The committed out/ is the golden record: a fresh build must match it byte for byte."""

from __future__ import annotations

from conftest import OUT

from generator.output import drift


def test_committed_out_matches_a_fresh_build(built: dict[str, bytes]) -> None:
    result = drift(OUT, built)
    assert result.clean, (
        "out/ differs from a fresh build; run `.venv/bin/kgen build` and review the diff:\n"
        + result.diff[:5000]
    )


def test_every_generated_file_is_listed(built: dict[str, bytes]) -> None:
    on_disk = {p.relative_to(OUT).as_posix() for p in OUT.rglob("*") if p.is_file()}
    assert on_disk == set(built)
