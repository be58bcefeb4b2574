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


# ---------------------------------------------------------------------------
# Smooth spans, and the exact limits of L'' at their ends (issue 9, class 2)

from lossaudit.symbolic.limits import curvature_edges, joins_smoothly  # noqa: E402
from lossaudit.symbolic.singular import spans, zero_ends  # noqa: E402

q = sp.Rational(3, 2)


@pytest.mark.parametrize("fn, lo, hi, ends", [
    pytest.param(sp.Max(0, 1 - X), -oo, oo, [1], id="max(0, 1-x) = 0 on [1, oo): its end 1"),
    pytest.param(X**2 - 4, -oo, oo, [-2, 2], id="x^2 - 4: isolated zeros -2 and 2"),
    pytest.param(X**2 - 4, 0, oo, [2], id="x^2 - 4 on (0, oo): only 2"),
    pytest.param(sp.exp(X) + 1, -oo, oo, [], id="exp(x) + 1 has no real zero"),
])
def test_zero_ends(fn, lo, hi, ends):
    assert zero_ends(fn, sp.sympify(lo), sp.sympify(hi), SECONDS) == [sp.sympify(e) for e in ends]


def test_spans_cut_at_a_branch_point_whose_zero_set_is_an_interval():
    # max(0, 5/4 - x)^(3/2): the base is 0 on [5/4, oo); spans (-oo, 5/4) with (5/4 - x)^(3/2), then 0
    found = spans(case(sp.Max(0, sp.Rational(5, 4) - X) ** q), SECONDS)
    assert [(s.lo, s.hi, s.expr) for s in found] == [(-oo, sp.Rational(5, 4), (sp.Rational(5, 4) - X) ** q),
                                                     (sp.Rational(5, 4), oo, 0)]


def test_spans_cut_at_a_singular_point_of_one_formula():
    # (x^2/(1 + x^2))^(3/4): no switch, but the base is 0 at x = 0, a singular point of the power
    found = spans(case((X**2 / (1 + X**2)) ** sp.Rational(3, 4)), SECONDS)
    assert [(s.lo, s.hi) for s in found] == [(-oo, 0), (0, oo)]


def test_spans_refuse_a_zero_set_that_is_not_finite():
    # sqrt(1 + sin x): the base has infinitely many zeros: no spans, nothing claimed
    assert spans(case(sp.sqrt(1 + sp.sin(X))), SECONDS) is None


def _edges(expr, lo=-oo, hi=oo):
    return {(e.point, e.side): e.limit for e in curvature_edges(case(expr, lo, hi), SECONDS)}


def test_curvature_blows_up_at_a_breakpoint():
    # (5/4 - x)^(3/2) for x < 5/4: L'' = (3/4)(5/4 - x)^(-1/2) -> +oo as x -> 5/4-; 0 on the right
    edges = _edges(sp.Max(0, sp.Rational(5, 4) - X) ** q)
    assert edges[(sp.Rational(5, 4), "-")] == oo and edges[(sp.Rational(5, 4), "+")] == 0


def test_curvature_at_a_domain_edge_is_a_huge_finite_number():
    # -log(x + 1e-8) on (0, oo): L'' = (x + 1e-8)^(-2) -> 1e16 exactly as x -> 0+, 0 as x -> oo
    edges = _edges(-sp.log(X + sp.Rational(1, 10**8)), 0, oo)
    assert edges == {(0, "+"): 10**16, (oo, "-"): 0}


def test_curvature_at_infinity_by_its_dominant_term():
    # x^4: L'' = 12 x^2 -> oo at both ends; sqrt(x^2 + 1): L'' = (x^2 + 1)^(-3/2) -> 0
    assert set(_edges(X**4).values()) == {oo}
    assert set(_edges(sp.sqrt(X**2 + 1)).values()) == {0}


@pytest.mark.parametrize("expr, smooth", [
    pytest.param(sp.Max(0, 1 - X) ** 2, True, id="squared hinge: value 0 and slope 0 on both sides of 1"),
    pytest.param(sp.Max(0, 1 - X), False, id="hinge: slope -1 then 0 at 1"),
    pytest.param(sp.Piecewise((0, X < 0), (1, True)), False, id="a step: the value jumps at 0"),
])
def test_joins_smoothly(expr, smooth):
    assert joins_smoothly(case(expr), SECONDS) is smooth


@pytest.mark.parametrize("expr, point, limit", [
    pytest.param(1000 * (1 - sp.tanh(1000 * X) ** 2), oo, 0, id="1000 sech^2(1000x) -> 0 (by substitution)"),
    pytest.param(1000 * (1 - sp.sinh(1000 * X) ** 2 / sp.cosh(1000 * X) ** 2), oo, 0,
                 id="sinh^2/cosh^2 -> 1: oo/oo is no value, Gruntz decides 0"),
    pytest.param((1 + 1 / X) ** X, oo, sp.E, id="(1 + 1/x)^x -> e: 1^oo is indeterminate, not read as 1"),
    pytest.param(sp.atan(X), -oo, -sp.pi / 2, id="atan(x) -> -pi/2 at -oo"),
])
def test_one_sided_at_infinity(expr, point, limit):
    assert S.one_sided(expr, point, "-" if point == oo else "+", SECONDS) == limit
