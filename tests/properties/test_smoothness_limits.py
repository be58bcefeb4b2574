"""Smoothness decided by exact one-sided limits of L'' (issue 9, class 2): a curvature that blows up at
a breakpoint, a singular point or an edge fails; one that levels off at a huge value holds with that
value as its constant. Every expected verdict and constant is derived by hand (the comment beside it)."""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp

from lossaudit.growth import trend

R = "(y_pred - y_true)"


@pytest.mark.parametrize("text, kind, toward", [
    # r < -0.7: L = r^2 + (-r - 0.7)^1.4, L'' = 2 + 0.56 (-r - 0.7)^(-0.6) -> oo as r -> -0.7- (L' is
    # continuous there: the power's slope 1.4 (...)^0.4 -> 0)
    (f"{R}**2 + max(0, y_true - y_pred - 0.7)**1.4", "regression", "y_pred -> -0.7-"),
    # (r^2/(1 + r^2))^(3/4) ~ |r|^(3/2) at r = 0, a zero of the power's base (no switch):
    # L'' ~ (3/8)|r|^(-1/2) -> oo from both sides
    (f"({R}**2/(1 + {R}**2))**0.75", "regression", "y_pred -> 0"),
    # p -> 1-: L'' = 2 + 0.75 (1 - p)^(-1/2) -> oo at the domain's edge
    ("(y_pred - y_true)**2 + (1 - y_pred)**1.5", "probability", "y_pred -> 1-"),
    # m = y*ŷ < 2/5: L = (2/5 - m)^(5/4), L'' = (5/16)(2/5 - m)^(-3/4) -> oo as m -> 2/5-
    ("max(0, 0.4 - y_true*y_pred)**1.25", "margin", "y_pred -> 0.4-"),
])
def test_curvature_that_blows_up_fails_by_its_exact_limit(decide, text, kind, toward):
    v = decide("smoothness", text, kind)
    assert (v.verdict, v.method) == ("fails", "counterexample")
    assert v.evidence["toward"].startswith(toward) and v.evidence["limit"] in ("oo", "-oo")
    _rechecks_in_50_digits(text, v.evidence)


def _rechecks_in_50_digits(text: str, evidence: dict) -> None:
    """|L''| at the evidence's points, from the formula by sympy in 50 digits, as reported and rising."""
    from lossaudit.loss import Loss
    loss = Loss.from_expression(text, "regression", name="check")
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    d2 = sp.diff(loss.exact_expression, yp, 2).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: 0)
    with mpmath.workdps(50):
        values = [abs(complex(d2.evalf(50, subs={yp: sp.Float(p, 50), yt: sp.Float(evidence["y_true"], 50)})))
                  for p in evidence["points"]]
    assert np.all(np.diff(values) > 0)
    assert np.allclose(values, evidence["curvatures"], rtol=1e-9)


@pytest.mark.parametrize("text, kind, constant", [
    # Poisson NLL with eps: L'' = y/(ŷ + 1e-6)^2, largest as ŷ -> 0: y·1e12, at most 1e14 (y = 100)
    ("y_pred - y_true*log(y_pred + 1e-6)", "positive", 1e14),
    # Itakura-Saito with eps: L'' = 2y/(ŷ+e)^3 - 1/(ŷ+e)^2 decreases near 0 (for ŷ + e < 3y), sup at
    # ŷ -> 0: 2y·1e12 - 1e8; at y = 100: 2e14 - 1e8 (at y = 0, |L''| = 1e8)
    ("y_true/(y_pred + 1e-4) + log(y_pred + 1e-4)", "positive", 2e14 - 1e8),
    # u = 1 + 1e-6 - r^2: L'' = 2/u + 4r^2/u^2 grows with r^2, sup at the edge |r| -> 1: 2e6 + 4e12
    (f"-log(1 - {R}**2 + 1e-6)", "probability", 4e12 + 2e6),
    # s = sqrt(ŷ + e): L'' = sqrt(y + e)/(2 (ŷ + e)^(3/2)), sup at ŷ -> 0: sqrt(100 + 1e-6)·5e8 (y = 100)
    ("(sqrt(y_pred + 1e-6) - sqrt(y_true + 1e-6))**2", "positive", math.sqrt(100 + 1e-6) * 5e8),
])
def test_curvature_that_levels_off_at_a_huge_value_holds(decide, text, kind, constant):
    v = decide("smoothness", text, kind)
    assert (v.verdict, v.method) == ("holds", "proof")
    assert v.extras["constant"] == pytest.approx(constant, rel=1e-9)


@pytest.mark.parametrize("text, kind, constant", [
    # L'' = 1000 sech^2(1000 r) <= 1000, attained at r = 0 (interior)
    (f"log(cosh(1000*{R}))/1000", "regression", 1000.0),
    # L'' = 2000^2 σ(1 - σ) at z = -2000 m, at most 4e6/4 = 1e6 at m = 0
    ("log1p(exp(-2000*y_true*y_pred))", "margin", 1e6),
    # Charbonnier with eps 1e-10: L'' = eps/(r^2 + eps)^(3/2) <= eps^(-1/2) = 1e5 at r = 0
    (f"sqrt({R}**2 + 1e-10)", "regression", 1e5),
    # Huber with delta 1e-3: L'' = 1000 inside |r| <= 1e-3, 0 outside; C1 at ±1e-3 (slope 1, value 5e-4)
    (f"where(abs{R} <= 1e-3, 500*{R}**2, abs{R} - 5e-4)", "regression", 1000.0),
])
def test_large_finite_constant(decide, text, kind, constant):
    v = decide("smoothness", text, kind)
    assert (v.verdict, v.method) == ("holds", "proof")
    assert v.extras["constant"] == pytest.approx(constant, rel=1e-6)


# ---------------------------------------------------------------------------
# The numeric trend (callables; and ends whose exact limit is unknown)

T = 10.0 ** -(1 + np.arange(48) / 4)   # 12 decades toward a point, 4 points a decade


@pytest.mark.parametrize("values, kind", [
    pytest.param(T ** -0.5, "unbounded", id="t^-1/2: increments grow sqrt(10)-fold a decade"),
    pytest.param(np.log(1 / T), "unbounded", id="log(1/t): the same increment every decade"),
    pytest.param(2 / (T + 1e-8) ** 2, "converges", id="2/(t + 1e-8)^2: rises to 2e16, then increments fall 100-fold"),
    pytest.param(3 - 1 / np.log(1 / T), "bounded", id="3 - 1/log(1/t): converges too slowly to tell, never growth"),
    pytest.param(T, "vanishing", id="t -> 0"),
])
def test_trend(values, kind):
    assert trend(values).kind == kind


def test_trend_extrapolates_the_limit():
    # 5 - 10^-k at decade k: increments shrink tenfold; Aitken's step gives 5 exactly
    assert trend(5 - T).limit == pytest.approx(5.0, rel=1e-12)


def test_callable_that_levels_off_is_not_unbounded():
    # a callable has no formula: only the trend decides. L = (log(ŷ + 1e-8) - log(y + 1e-8))^2 on
    # (0, oo): L'' = 2(1 - log(ŷ + 1e-8) + log(y + 1e-8))/(ŷ + 1e-8)^2 levels off (3.7e17 at y = 0.5)
    # below ŷ ~ 1e-9; finite differences closer in are rounding (~eps|L|/h^2) and must not read as growth
    from lossaudit.analysis import build_context
    from lossaudit.budget import Budget
    from lossaudit.loss import Loss
    from lossaudit.properties import smoothness

    def msle(y_pred, y_true):
        return (np.log(y_pred + 1e-8) - np.log(y_true + 1e-8)) ** 2
    loss = Loss.from_callable(msle, "positive", name="msle_callable")
    ctx = build_context(loss, Budget(samples=400, symbolic_seconds=30.0, timeout=300.0))
    assert all(smoothness._growth(ctx, y) is None for y in (0.5, 1.0, 4.0))
