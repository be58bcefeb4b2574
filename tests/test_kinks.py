"""Kinks: breakpoints, one-sided derivatives and numeric location (lossaudit.kinks), on small hand cases."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lossaudit import kinks
from lossaudit.analysis import build_context
from lossaudit.budget import Budget
from lossaudit.domains import Interval
from lossaudit.loss import Loss

BUDGET = Budget(samples=200)
REAL = Interval(-math.inf, math.inf)


def _context(text, kind="regression"):
    return build_context(Loss.from_expression(text, kind), BUDGET)


# ---------------------------------------------------------------------------
# Exact kinks of expressions: (expression, kind, target, [(point, left, right, jump)])

EXACT = [
    # |x - 1|: slope -1 left of 1, +1 right of it; no jump
    ("abs(y_pred - 1)", "regression", 0.0, [(1.0, -1.0, 1.0, False)]),
    # hinge max(0, 1 - y x) at y = 1: slope -1 below x = 1, 0 above
    ("max(0, 1 - y_true*y_pred)", "margin", 1.0, [(1.0, -1.0, 0.0, False)]),
    # at y = -1 the hinge is max(0, 1 + x): kink at -1, slope 0 left and +1 right
    ("max(0, 1 - y_true*y_pred)", "margin", -1.0, [(-1.0, 0.0, 1.0, False)]),
    # relu written with where: slope 0 below 0, 1 above
    ("where(y_pred < 0, 0, y_pred)", "regression", 0.0, [(0.0, 0.0, 1.0, False)]),
    # a step at 2 (value 0 below, 1 from 2 on): the left quotient (1 - 0)/h runs to +inf, the right one is 0
    ("where(y_pred < 2, 0, 1) + 0*y_true", "regression", 0.0, [(2.0, math.inf, 0.0, True)]),
    # |x - y| + |x + 1| at y = 3: two kinks, slopes -2 | 0 | +2 across -1 and 3
    ("abs(y_pred - y_true) + abs(y_pred + 1)", "regression", 3.0, [(-1.0, -2.0, 0.0, False),
                                                                    (3.0, 0.0, 2.0, False)]),
]


@pytest.mark.parametrize("text, kind, y, expected", EXACT, ids=[f"{e[0]}@{e[2]}" for e in EXACT])
def test_exact_kinks(text, kind, y, expected):
    ctx = _context(text, kind)
    found = sorted(ctx.kinks(y), key=lambda k: k.point)
    assert [(k.point, k.left, k.right, k.jump) for k in found] == expected
    assert all(k.exact is not None for k in found)  # exact structure: the sympy number is kept


@pytest.mark.parametrize("text", ["(y_pred - y_true)**2", "log(cosh(y_pred - y_true))", "exp(y_pred) - y_pred"])
def test_smooth_expression_has_no_breakpoint_and_no_kink(text):
    # smooth compositions: nothing switches branch, so no breakpoint and no kink
    ctx = _context(text)
    assert ctx.breakpoints(1.0) == []
    assert ctx.kinks(1.0) == []


def test_huber_breakpoints_are_not_kinks():
    # Huber switches branch at y ± 1 but its slope is continuous there (±1 from both sides)
    ctx = _context("where(abs(y_pred - y_true) <= 1, 0.5*(y_pred - y_true)**2, abs(y_pred - y_true) - 0.5)")
    assert sorted(ctx.breakpoints(0.0)) == [-1.0, 1.0]
    assert ctx.kinks(0.0) == []


def test_one_sided_derivatives_at_a_breakpoint():
    from lossaudit import symbolic as S
    loss = Loss.from_expression("max(0, 1 - y_true*y_pred)", "margin")
    case = S.concrete_case(loss, 1.0)
    st = S.structure(case, 10.0)
    (b,) = st.breakpoints
    # left of 1 the hinge is 1 - x (slope -1), right of it 0 (slope 0); continuous at 1
    assert kinks.one_sided_derivatives(case, st, b, 10.0) == (-1.0, 0.0, True)


def test_exact_kinks_at_a_target_outside_the_audited_ones():
    ctx = _context("abs(y_pred - y_true)")
    # |x - 7.25| has its kink at 7.25 whatever targets the audit picked
    (k,) = kinks.exact_kinks_at(ctx, 7.25)
    assert (k.point, k.left, k.right) == (7.25, -1.0, 1.0)


def test_memo_returns_the_same_answer_object():
    ctx = _context("abs(y_pred - y_true)")
    assert ctx.kinks(0.0) is ctx.kinks(0.0)  # computed once per context and target
    assert ctx.breakpoints(0.0) is ctx.breakpoints(0.0)


# ---------------------------------------------------------------------------
# Numeric location (callables)

def test_numeric_kink_of_a_callable():
    # |x - 1.5| as a callable: located numerically, snapped to the simple number 1.5
    loss = Loss.from_callable(lambda yp, yt: np.abs(yp - 1.5) + 0 * yt, "regression")
    ctx = build_context(loss, BUDGET)
    (k,) = ctx.kinks(0.0)
    assert k.point == 1.5 and not k.jump and k.exact is None
    assert k.left == pytest.approx(-1.0, abs=1e-6) and k.right == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("f, expected", [
    (lambda x: np.abs(x - 0.25), [0.25]),                       # |x - 1/4|: one kink, at 1/4
    (lambda x: np.maximum(0.0, x) + np.abs(x + 2), [-2.0, 0.0]),  # relu at 0, |x + 2| at -2
    (np.exp, []),                                               # smooth: none
    (lambda x: x ** 2, []),                                     # smooth: none
], ids=["abs", "two", "exp", "square"])
def test_find_kinks(f, expected):
    grid = np.linspace(-5, 5, 401) + 0.0123  # kinks between grid points
    assert kinks.find_kinks(f, grid, REAL) == expected


@pytest.mark.parametrize("f, x0, left, right, is_kink, tol", [
    (np.abs, 0.0, -1.0, 1.0, True, 1e-6),                     # |x| at 0: slopes -1 and +1
    (lambda x: x ** 2, 1.0, 2.0, 2.0, False, 1e-6),           # x² at 1: both slopes 2x = 2
    # |x|^1.5 at 0: quotients ±h^0.5 -> 0 and their gap shrinks (Richardson assumes O(h): only ~1e-3 close)
    (lambda x: np.abs(x) ** 1.5, 0.0, 0.0, 0.0, False, 1e-2),
    (lambda x: np.sqrt(np.abs(x)), 0.0, -math.inf, math.inf, True, 0),  # vertical tangent: ±h^-1/2 blow up
])
def test_slope_gap(f, x0, left, right, is_kink, tol):
    got_left, got_right, got_kink = kinks.slope_gap(f, x0, REAL)
    assert got_kink is is_kink
    assert got_left == pytest.approx(left, abs=tol) and got_right == pytest.approx(right, abs=tol)


@pytest.mark.parametrize("f, jumps", [
    (lambda x: np.where(x < 1, 0.0, 1.0), True),   # a unit step at 1
    (lambda x: np.abs(x - 1), False),              # continuous, only the slope jumps
])
def test_value_jumps(f, jumps):
    assert kinks.value_jumps(f, 1.0, REAL) is jumps


def test_snap_picks_the_simplest_nearby_number():
    # 0.30000000004 is within 1e-9 of 0.3, and 0.3 passes the check
    assert kinks.snap(0.30000000004, lambda z: True) == 0.3
    assert kinks.snap(0.30000000004, lambda z: False) is None


# ---------------------------------------------------------------------------
# Vector kinds: kinks along lines

def test_vector_kink_of_multiclass_hinge():
    # Crammer-Singer hinge: max over classes switches where two scores tie, a kink on some line
    ctx = _context("max(y_pred + 1 - y_true) - sum(y_true*y_pred)", "logits")
    found = ctx.vector_kink()
    assert found is not None and found.left != found.right
    assert ctx.line_breakpoints_found()


def test_smooth_vector_loss_has_no_kink_and_no_switch():
    # softmax cross-entropy: logsumexp is smooth, nothing switches along any line
    ctx = _context("logsumexp(y_pred) - sum(y_true*y_pred)", "logits")
    assert ctx.vector_kink() is None
    assert not ctx.line_breakpoints_found()


def test_lines_stay_in_the_simplex():
    ctx = _context("sum(y_true*log(y_true/y_pred))", "distribution")
    for p, d, lo, hi in ctx.lines(ctx.targets[0]):
        # p has positive hundredths summing to 1; d = e_i - e_j keeps the sum; the ends keep entries >= 0
        assert sum(p) == pytest.approx(1.0) and min(p) > 0 and sum(d) == 0
        assert all(v >= -1e-12 for v in np.asarray(p) + lo * np.asarray(d))
        assert all(v >= -1e-12 for v in np.asarray(p) + hi * np.asarray(d))
