"""The parser refuses anything outside the grammar with an ExpressionError, never another exception.

Hypothesis runs under the deterministic profile set in conftest.py; the long sweep is `make test-slow`.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lossaudit.errors import ExpressionError
from lossaudit.expr import parse

TOKENS = ["y_pred", "y_true", "1", "0.5", "2", "1e3", "pi", "E", "delta", "+", "-", "*", "/", "**", "(", ")",
          ",", "<", "<=", ">", "&", "|", "abs(", "max(", "where(", "log(", "exp(", "sqrt(", "sum(", "lambda",
          ".", "[", "]", "'", "__import__", "==", "if", "^", "%", " "]


def parse_or_refuse(text: str) -> None:
    try:
        parse(text, params=["delta"])
    except ExpressionError as exc:
        assert str(exc)  # a message, not a crash
        if exc.column is not None:
            assert 1 <= exc.column <= len(text) + 1


@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_token_soup_parses_or_is_refused(text):
    parse_or_refuse(text)


@given(st.text(max_size=60))
def test_arbitrary_text_parses_or_is_refused(text):
    parse_or_refuse(text)


@pytest.mark.slow
@settings(max_examples=5000)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_token_soup_long_sweep(text):
    parse_or_refuse(text)
