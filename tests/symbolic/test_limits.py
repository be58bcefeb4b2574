"""One-sided limits and one-sided derivatives at kinks; every expected value derived by hand."""
from __future__ import annotations

import pytest
import sympy as sp

from lossaudit import symbolic as S

from .helpers import SECONDS, X, Y, case

oo = sp.oo
h = sp.Rational(1, 2)


@pytest.mark.parametrize("expr, point, side, limit", [
    pytest.param(1 / X, 0, "+", oo, id="1/x from the right: +inf"),
    pytest.param(1 / X, 0, "-", -oo, id="1/x from the left: -inf"),
    pytest.param(sp.sin(X) / X, 0, "+", 1, id="sin(x)/x -> 1"),
    pytest.param(X * sp.log(X), 0, "+", 0, id="x log x -> 0 (x beats log)"),
    pytest.param(sp.exp(-X), oo, "-", 0, id="exp(-x) -> 0 at +inf"),
    pytest.param(X**2 + 1, 2, "-", 5, id="continuous: the value itself, 2^2 + 1"),
    pytest.param(sp.exp(1 / X), 0, "-", 0, id="exp(1/x) from the left: 1/x -> -inf, so 0"),
    pytest.param(sp.exp(1 / X), 0, "+", oo, id="exp(1/x) from the right: 1/x -> +inf, so +inf"),
])
def test_one_sided(expr, point, side, limit):
    assert S.one_sided(expr, sp.sympify(point), side, SECONDS) == limit


def _orders(expr, b, max_order=6):
    c = case(expr)
    assert S.structure(c, SECONDS) is not None
    return S.breakpoint_orders(c, sp.sympify(b), SECONDS, max_order)


@pytest.mark.parametrize("expr, b, rows", [
    pytest.param(sp.Abs(X), 0, [(0, 0), (-1, 1)], id="|x| at 0: continuous, slopes -1 and +1"),
    pytest.param(sp.Abs(X - 1), 1, [(0, 0), (-1, 1)], id="|x-1| at 1: slopes -1 and +1"),
    pytest.param(sp.Max(0, 1 - X), 1, [(0, 0), (-1, 0)], id="hinge at 1: slope -1 then 0"),
    pytest.param(2 * sp.Abs(X) + X, 0, [(0, 0), (-1, 3)], id="2|x|+x at 0: slopes -2+1 and 2+1"),
    pytest.param(sp.Piecewise((X**2 / 2, sp.Abs(X) <= 1), (sp.Abs(X) - h, True)), 1,
                 [(h, h), (1, 1), (1, 0)], id="huber at 1: value 1/2, slope 1 both sides, curvature 1 then 0"),
    pytest.param(sp.Abs(X) ** 3, 0, [(0, 0), (0, 0), (0, 0), (-6, 6)],
                 id="|x|^3 at 0: -x^3 and x^3 agree to order 2, third derivatives -6 and 6"),
    pytest.param(sp.Heaviside(X), 0, [(0, 1)], id="H(x) at 0: a jump in the value, 0 to 1"),
])
def test_breakpoint_orders(expr, b, rows):
    assert _orders(expr, b) == rows


def test_breakpoint_orders_stop_at_max_order():
    # |x|^3 agrees on both sides up to order 2: asked for orders 0..1 only, both rows agree
    assert _orders(sp.Abs(X) ** 3, 0, max_order=1) == [(0, 0), (0, 0)]


def test_one_sided_slopes_of_a_symbolic_kink():
    # |x - y| at x = y for every y: slopes -1 and +1, whatever y is
    c = case(sp.Abs(X - Y), target=Y)
    assert S.structure(c, SECONDS).breakpoints == [Y]
    assert S.breakpoint_orders(c, Y, SECONDS) == [(0, 0), (-1, 1)]


@pytest.mark.parametrize("a, b, same", [
    pytest.param(sp.sqrt(2) ** 2, sp.Integer(2), True, id="sqrt(2)^2 = 2"),
    pytest.param(sp.sin(X) ** 2 + sp.cos(X) ** 2, sp.Integer(1), True, id="sin^2 + cos^2 = 1 (simplified)"),
    pytest.param(sp.Integer(1), sp.Integer(2), False, id="1 != 2"),
    pytest.param(None, sp.Integer(2), False, id="unknown is never the same"),
])
def test_same_value(a, b, same):
    assert S.same_value(a, b, SECONDS) is same
