"""Breakpoints and pieces of small piecewise expressions; every expected value derived by hand."""
from __future__ import annotations

import pytest
import sympy as sp

from lossaudit import symbolic as S

from .helpers import SECONDS, X, Y, case

h = sp.Rational(1, 2)
huber = sp.Piecewise((X**2 / 2, sp.Abs(X) <= 1), (sp.Abs(X) - h, True))

# (expression, domain, expected breakpoints, expected expression on each piece)
STRUCTURES = [
    pytest.param(sp.Abs(X), (-sp.oo, sp.oo), [0], [-X, X], id="|x|: kink at 0, -x then x"),
    pytest.param(sp.Abs(X - 1), (-sp.oo, sp.oo), [1], [1 - X, X - 1], id="|x-1|: kink at 1"),
    pytest.param(sp.Abs(X - 1), (0, sp.oo), [1], [1 - X, X - 1], id="|x-1| on (0,inf): the kink is inside"),
    pytest.param(sp.Abs(X + 1), (0, sp.oo), [], [X + 1], id="|x+1| on (0,inf): the kink at -1 is outside"),
    pytest.param(sp.Max(0, 1 - X), (-sp.oo, sp.oo), [1], [1 - X, 0], id="hinge max(0,1-x): 1-x left of 1, 0 right"),
    pytest.param(sp.Min(X, 2), (-sp.oo, sp.oo), [2], [X, 2], id="min(x,2): x below 2, then 2"),
    pytest.param(sp.Max(X**2, 1), (-sp.oo, sp.oo), [-1, 1], [X**2, 1, X**2], id="max(x^2,1): 1 on (-1,1)"),
    pytest.param(sp.Abs(X**2 - 1), (-sp.oo, sp.oo), [-1, 1], [X**2 - 1, 1 - X**2, X**2 - 1],
                 id="|x^2-1|: kinks at +-1, flipped between"),
    pytest.param(sp.sign(X) * X**2, (-sp.oo, sp.oo), [0], [-X**2, X**2], id="sign(x)x^2: -x^2 then x^2"),
    pytest.param(sp.Heaviside(X - 2) * X, (-sp.oo, sp.oo), [2], [0, X], id="H(x-2)x: 0 before 2, x after"),
    pytest.param(sp.Piecewise((X**2, X < 1), (2 * X - 1, True)), (-sp.oo, sp.oo), [1], [X**2, 2 * X - 1],
                 id="where(x<1, x^2, 2x-1): switch at 1"),
    pytest.param(huber, (-sp.oo, sp.oo), [-1, 1], [-X - h, X**2 / 2, X - h],
                 id="huber: |x| switches at 0 inside the quadratic branch, so 0 is merged away"),
    pytest.param(X**2 + 1, (-sp.oo, sp.oo), [], [X**2 + 1], id="smooth x^2+1: one piece"),
    pytest.param(sp.sqrt(X**2 + X**4), (-sp.oo, sp.oo), [0], [sp.sqrt(X**2 + X**4)] * 2,
                 id="sqrt(x^2+x^4) = |x|sqrt(1+x^2): one formula, but 0 zeroes the root's base: not merged"),
    pytest.param(sp.Abs(X - Y), (-sp.oo, sp.oo), [Y], [Y - X, X - Y], id="|x-y| for a symbolic y: kink at y"),
]


@pytest.mark.parametrize("expr, domain, points, formulas", STRUCTURES)
def test_structure(expr, domain, points, formulas):
    st = S.structure(case(expr, *domain), SECONDS)
    assert st is not None
    assert [sp.simplify(b - p) for b, p in zip(st.breakpoints, points)] == [0] * len(points)
    assert len(st.breakpoints) == len(points)
    assert len(st.pieces) == len(formulas)
    for piece, formula in zip(st.pieces, formulas):
        assert sp.simplify(piece.expr - formula) == 0


def test_pieces_tile_the_domain():
    # the pieces of max(x^2, 1) run (-inf,-1), (-1,1), (1,inf): each starts where the last ends
    st = S.structure(case(sp.Max(X**2, 1)), SECONDS)
    ends = [(p.lo, p.hi) for p in st.pieces]
    assert ends == [(-sp.oo, -1), (-1, 1), (1, sp.oo)]
    assert st.piece_left_of(1).hi == 1 and st.piece_right_of(1).lo == 1


# (expression, point, expected branch)
RESOLVED = [
    pytest.param(sp.Abs(X - 1), 0, 1 - X, id="|x-1| at 0: x-1 < 0 so 1-x"),
    pytest.param(sp.Abs(X - 1), 3, X - 1, id="|x-1| at 3: x-1 > 0 so x-1"),
    pytest.param(sp.Max(X, 0), -1, 0, id="max(x,0) at -1: 0 is larger"),
    pytest.param(sp.Min(X, 0), -1, X, id="min(x,0) at -1: x is smaller"),
    pytest.param(sp.sign(X - 2), 5, 1, id="sign(x-2) at 5: +1"),
    pytest.param(sp.Heaviside(X), -3, 0, id="H(x) at -3: 0"),
    pytest.param(sp.exp(sp.Abs(X)), -2, sp.exp(-X), id="a switch inside exp is resolved too"),
    pytest.param(huber, 3, X - h, id="huber at 3: |x| > 1, linear branch, |x| -> x"),
]


@pytest.mark.parametrize("expr, point, branch", RESOLVED)
def test_resolve(expr, point, branch):
    assert sp.simplify(S.resolve(expr, sp.Integer(point), SECONDS) - branch) == 0


@pytest.mark.parametrize("expr, point", [
    pytest.param(sp.Abs(X), 0, id="|x| at its kink: neither branch holds around 0"),
    pytest.param(sp.sign(X - 1), 1, id="sign(x-1) at 1: zero, no branch"),
])
def test_resolve_at_a_switch_is_undecided(expr, point):
    with pytest.raises(S.Undecided):
        S.resolve(expr, sp.Integer(point), SECONDS)


@pytest.mark.parametrize("lo, hi, inside", [
    pytest.param(-sp.oo, sp.oo, 0, id="whole line: 0"),
    pytest.param(-sp.oo, 3, 2, id="(-inf, 3): 3 - 1"),
    pytest.param(0, sp.oo, 1, id="(0, inf): 0 + 1"),
    pytest.param(1, 2, sp.Rational(3, 2), id="(1, 2): the midpoint"),
])
def test_representative(lo, hi, inside):
    assert S.representative(sp.sympify(lo), sp.sympify(hi)) == inside


def test_value_at_a_switch_uses_the_condition_at_the_point():
    # where(x < 1, x^2, 2x+5) at 1: the condition x < 1 is false there, so 2*1 + 5 = 7
    c = case(sp.Piecewise((X**2, X < 1), (2 * X + 5, True)))
    assert S.value_at(c, sp.Integer(1), SECONDS) == 7


# ---------------------------------------------------------------------------
# Crossings sympy cannot solve: isolated by a certified sign change, refined to 50 digits

def test_a_transcendental_crossing_is_an_approximate_breakpoint():
    # max(x^2, e^x - 2): x^2 - e^x + 2 is positive for x <= 0, 1 > e - 2 at 1, 4 < e^2 - 2 at 2, and falls
    # from there on: one real root x0 ~ 1.31907; x^2 wins left of x0, e^x - 2 right of it
    expr = sp.Max(X**2, sp.exp(X) - 2)
    c = case(expr)
    assert S.structure(c, SECONDS) is None  # no exact structure: the exact path gives up as before
    st = S.structure(c, SECONDS, approximate=True)
    assert st.approximate and len(st.breakpoints) == 1
    x0 = st.breakpoints[0]
    assert abs(x0**2 - sp.exp(x0) + 2) < sp.Float(10) ** -45
    assert [p.expr for p in st.pieces] == [X**2, sp.exp(X) - 2]


def test_an_exact_structure_is_not_approximate():
    st = S.structure(case(sp.Max(X**2, sp.Rational(3, 10))), SECONDS, approximate=True)
    assert not st.approximate and st.breakpoints == [-sp.sqrt(30) / 10, sp.sqrt(30) / 10]  # x^2 = 3/10


def test_a_sign_change_through_a_pole_is_no_root():
    # 1/(x - 1/3) + exp(x) < 0 left of 1/3 (e^x (1/3 - x) peaks at e^(-2/3) < 1) and > 0 right of it: its only
    # sign change is across the pole, which is no crossing, so nothing is claimed
    from lossaudit.symbolic.pieces import isolated_roots
    fn = 1 / (X - sp.Rational(1, 3)) + sp.exp(X)
    assert isolated_roots(fn, case(fn), SECONDS) is None


def test_an_isolated_root_needs_a_concrete_case():
    from lossaudit.symbolic.pieces import isolated_roots
    assert isolated_roots(sp.exp(X) - Y, case(sp.exp(X) - Y), SECONDS) is None  # y symbolic: no scan
