"""prove_nonnegative on intervals: true statements are proved, false ones are not."""
from __future__ import annotations

import pytest
import sympy as sp

from lossaudit import symbolic as S

from .helpers import SECONDS, X

oo = sp.oo
u = sp.exp(X)

# (expression, interval) where expr >= 0 holds on the whole open interval
TRUE = [
    pytest.param(X**2, (-oo, oo), id="x^2 is a square"),
    pytest.param((X - 1) ** 2, (-oo, oo), id="(x-1)^2 is a square"),
    pytest.param(sp.exp(X), (-oo, oo), id="exp is positive"),
    pytest.param(X, (0, oo), id="x on (0,inf)"),
    pytest.param(X**3, (0, oo), id="x^3 for x > 0"),
    pytest.param(1 / X, (0, oo), id="1/x for x > 0"),
    pytest.param(1 - X, (-oo, 1), id="1-x left of 1"),
    pytest.param(X**2 - 1, (1, oo), id="x^2-1 right of 1 (x^2 > 1)"),
    pytest.param(sp.log(X), (1, oo), id="log x right of 1"),
    pytest.param((X - 2) * (3 - X), (2, 3), id="(x-2)(3-x) between its roots 2 and 3"),
    pytest.param(u**2 - u + 1, (-oo, oo),
                 id="exp(2x)-exp(x)+1: u^2-u+1 has no real root (discriminant -3), positive (root isolation)"),
    pytest.param((u**2 - u + 1) / (u + 1), (-oo, oo), id="the same over exp(x)+1 > 0: a rational function of e^x"),
    pytest.param(u**2 - 2 * u + 1, (-oo, oo), id="exp(2x)-2exp(x)+1 = (e^x-1)^2: a double root in e^x"),
    pytest.param(sp.Integer(0), (-oo, oo), id="0 >= 0"),
]

# (expression, interval) where expr < 0 somewhere on the interval: no proof may exist
FALSE = [
    pytest.param(X, (-oo, oo), id="x < 0 at -1"),
    pytest.param(X**2 - 1, (-oo, oo), id="x^2-1 = -1 at 0"),
    pytest.param(X - 1, (0, oo), id="x-1 < 0 at 1/2"),
    pytest.param(-sp.exp(X), (-oo, oo), id="-exp is negative"),
    pytest.param(X**3, (-oo, oo), id="x^3 < 0 at -1"),
    pytest.param(sp.log(X), (0, oo), id="log x < 0 on (0,1)"),
    pytest.param((X - 1) * (X - 2), (0, 3), id="(x-1)(x-2) = -1/4 at 3/2"),
    pytest.param(u**2 - 3 * u + 2, (-oo, oo), id="(e^x-1)(e^x-2) < 0 for e^x in (1,2)"),
    pytest.param(sp.Integer(-1), (-oo, oo), id="-1 < 0"),
]


@pytest.mark.parametrize("expr, interval", TRUE)
def test_true_statements_are_proved(expr, interval):
    lo, hi = (sp.sympify(e) for e in interval)
    assert S.prove_nonnegative(expr, lo, hi, SECONDS) is True


@pytest.mark.parametrize("expr, interval", FALSE)
def test_false_statements_are_not_proved(expr, interval):
    lo, hi = (sp.sympify(e) for e in interval)
    assert S.prove_nonnegative(expr, lo, hi, SECONDS) is False


@pytest.mark.parametrize("v, sign", [
    pytest.param(sp.sqrt(2) - sp.Rational(141, 100), 1, id="sqrt 2 > 1.41"),
    pytest.param(sp.pi - 4, -1, id="pi < 4"),
    pytest.param(sp.Integer(0), 0, id="exact zero"),
    pytest.param(sp.sin(1) ** 2 + sp.cos(1) ** 2 - 1, 0, id="sin^2+cos^2-1 is 0 (tiny value, simplified)"),
    pytest.param(-sp.oo, -1, id="-inf is negative"),
])
def test_sign_of(v, sign):
    assert S.sign_of(v) == sign
