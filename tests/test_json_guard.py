"""The guard that sends a JSON document holding what may be a float below 1e-4 to the standard
library (`generator.render._SCIENTIFIC`): a digit, `e-` and a digit, found anywhere."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.render import _SCIENTIFIC

PLAIN = re.compile(rb"[0-9]e-[0-9]")


@pytest.mark.parametrize("text", [
    b"1e-5", b"0e-0", b"xe-5", b"1e-x", b"e-1", b"9e-", b"1e", b"e-", b"", b"ae-1 2e-3",
    b"1e-e-1", b"e-e-1", b"1ee-1", b"1e--1", b"1e-\n1", b"\n1e-1\n", b"12e-34", b"1E-5",
    b'"node-1 fires after 1e-5 s"', b"time-series 10e-", b"x" * 5000 + b"7e-7",
])
def test_finds_a_digit_e_minus_a_digit(text: bytes) -> None:
    assert (_SCIENTIFIC.search(text) is None) == (PLAIN.search(text) is None)


@given(st.binary().map(lambda raw: bytes(b"09e-x\n"[byte % 6] for byte in raw)))
def test_finds_what_the_plain_pattern_finds(text: bytes) -> None:
    assert (_SCIENTIFIC.search(text) is None) == (PLAIN.search(text) is None)
