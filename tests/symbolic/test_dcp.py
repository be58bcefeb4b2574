"""The DCP composer: curvature of small expressions from atom facts; every expected value by hand."""
from __future__ import annotations

import pytest
import sympy as sp

from lossaudit import symbolic as S
from lossaudit.symbolic import dcp

x = sp.Symbol("x", real=True)
v = sp.Symbol("v", positive=True)  # a prediction on (0, inf)
p0, p1 = sp.Symbol("p0", positive=True), sp.Symbol("p1", positive=True)
CVX, CCV, AFF, UNKNOWN = S.CONVEX, S.CONCAVE, S.AFFINE, None

# (expression, expected curvature); the variable is v when the expression has v, else x
CURVATURES = [
    pytest.param(sp.Abs(x - 1), CVX, id="|affine| is convex"),
    pytest.param(sp.Max(0, 1 - x), CVX, id="hinge: max of affine functions"),
    pytest.param(sp.exp(x), CVX, id="exp is convex"),
    pytest.param(sp.exp(x**2), CVX, id="exp (increasing) of convex x^2"),
    pytest.param(sp.exp(-x**2), UNKNOWN, id="exp of concave -x^2: no rule (it is neither)"),
    pytest.param(sp.log(v), CCV, id="log is concave"),
    pytest.param(-sp.log(v), CVX, id="a negated concave function is convex"),
    pytest.param(-x**2, CCV, id="-x^2: negated square"),
    pytest.param(sp.sqrt(v), CCV, id="sqrt (power 1/2) of v >= 0 is concave"),
    pytest.param(sp.sqrt(x), UNKNOWN, id="sqrt of x of unknown sign: outside the power's domain"),
    pytest.param(v**3, CVX, id="x^3 on x > 0: power >= 1 of a nonnegative affine function"),
    pytest.param(x**3, UNKNOWN, id="x^3 on the real line is neither"),
    pytest.param(1 / v, CVX, id="1/v on v > 0: negative power of a positive affine function"),
    pytest.param(1 / x, UNKNOWN, id="1/x on the real line: not positive"),
    pytest.param((x - 1) ** 4, CVX, id="even power of an affine function"),
    pytest.param(sp.Max(0, x) ** 3, CVX, id="power 3 of max(0,x) >= 0, a convex function"),
    pytest.param(x + 2, AFF, id="an affine function"),
    pytest.param(x**2 + sp.exp(x), CVX, id="sum of convex terms"),
    pytest.param(sp.log(v) + v, CCV, id="concave plus affine is concave"),
    pytest.param(x**2 - x**4, UNKNOWN, id="convex plus concave: no rule"),
    pytest.param(3 * sp.Abs(x), CVX, id="nonnegative scaling keeps convexity"),
    pytest.param(-3 * sp.Abs(x), CCV, id="negative scaling flips it"),
    pytest.param(sp.Max(x**2, -x), CVX, id="max of convex functions"),
    pytest.param(sp.Max(1 - x**2, 0), UNKNOWN, id="max with a concave argument: no rule"),
    pytest.param(sp.Min(x, 1 - x), CCV, id="min of affine functions is concave"),
    pytest.param(sp.Min(x**2, 1), UNKNOWN, id="min with a convex argument: no rule"),
    pytest.param(sp.cosh(x), CVX, id="cosh of affine"),
    pytest.param(sp.cosh(x**2), UNKNOWN, id="cosh declares no monotonicity: affine arguments only"),
    pytest.param(sp.log(sp.cosh(x)), CVX, id="log cosh of affine"),
    pytest.param(sp.log(1 + sp.exp(x)), CVX, id="softplus: log-sum-exp of 0 and x"),
    pytest.param(sp.log(sp.exp(x) + sp.exp(-x)), CVX, id="log-sum-exp of affine functions"),
    pytest.param(sp.log(1 + sp.exp(-x**2)), UNKNOWN, id="log-sum-exp of a concave exponent: no rule"),
    pytest.param(sp.sqrt(x**2 + 1), CVX, id="sqrt(x^2 + 1): Euclidean norm of (x, 1)"),
    pytest.param(v * sp.log(v), CVX, id="v log v: negative entropy"),
    pytest.param(x * sp.exp(x), UNKNOWN, id="other products: no rule"),
    pytest.param(sp.Abs(x**2 - 1), UNKNOWN, id="|.| of a convex function that changes sign"),
    pytest.param(sp.exp(sp.Abs(x - 1)) + 2 * sp.Max(0, x) ** 2, CVX, id="compositions: exp|.| + 2 max(0,x)^2"),
]


@pytest.mark.parametrize("expr, kind", CURVATURES)
def test_curvature(expr, kind):
    var = v if v in expr.free_symbols else x
    assert S.curvature(expr, [var]).kind == kind


@pytest.mark.parametrize("expr, rule", [
    pytest.param(sp.Abs(x), "|affine| is convex", id="abs: the affine reading"),
    pytest.param(x**2, "even power of an affine function", id="square of affine"),
    pytest.param(x**2 + sp.Max(0, x) ** 2 + sp.Max(0, x) ** 3,
                 "sum of convex terms: even power of an affine function; power >= 1 of a nonnegative convex function",
                 id="x^2 reads as affine; max(0,x)^2 and ^3 through monotonicity, one rule said once"),
    pytest.param(-sp.log(v), "negated: log of a concave function", id="negation is said"),
])
def test_rule_words(expr, rule):
    var = v if v in expr.free_symbols else x
    assert S.curvature(expr, [var]).rule == rule


def test_several_variables():
    # sqrt(p0^2 + p1^2) is the Euclidean norm; p0 log p0 + p1 log p1 a sum of negative entropies
    assert S.curvature(sp.sqrt(p0**2 + p1**2), [p0, p1]).kind == CVX
    assert S.curvature(p0 * sp.log(p0) + p1 * sp.log(p1), [p0, p1]).kind == CVX
    # p0 * p1 is a product of two variables: no rule (it is indefinite)
    assert S.curvature(p0 * p1, [p0, p1]).kind is None


def test_a_new_atom_composes_by_the_one_rule():
    # an atom declared at test time: convex and increasing, like softplus; composed with x^2 (convex)
    # it is convex, with -x^2 (concave) the rule does not apply, with affine 3x - 1 it is convex
    atom = dcp.Atom(S.CONVEX, "a test atom", lambda arg: dcp.INCREASING)
    assert dcp.compose(atom, [x**2], {x}) == S.Curvature(S.CONVEX, "a test atom")
    assert dcp.compose(atom, [-x**2], {x}).kind is None
    assert dcp.compose(atom, [3 * x - 1], {x}).kind == S.CONVEX
    # decreasing in its argument: a concave argument passes, a convex one does not
    down = dcp.Atom(S.CONVEX, "decreasing", lambda arg: dcp.DECREASING)
    assert dcp.compose(down, [-x**2], {x}).kind == S.CONVEX
    assert dcp.compose(down, [x**2], {x}).kind is None
