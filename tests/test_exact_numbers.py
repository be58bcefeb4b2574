"""Issue 9, class 1: decimals are the rationals they are written as; rounding never decides a verdict.

Proofs read 1.3 as 13/10 (an exact parse: x/0.6 stays 5x/3, 1.3**2 is 169/100), witnesses must hold in
both readings of the decimals (binary, as float64 code and a re-check compute, and exact), and the
numeric searches of callables compare a kink with the rounding of the evaluation. Expected verdicts
are derived by hand, one line each.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import lossaudit
from lossaudit.domains import Interval
from lossaudit.expr import Y_PRED, parse
from lossaudit.kinks import find_kinks, slope_gap
from lossaudit.loss import Loss
from lossaudit.numeric import scalar_grid
from lossaudit.witness import Checker, chord_broken, kink_confirmed
from evidence import audit_expressions, check_expected

sys.path.insert(0, str(Path(__file__).parent / "user_losses"))
import exact_numbers as user  # noqa: E402

H, F = "holds", "fails"
R = "(y_pred - y_true)"

# expression, kind, {property: (verdict, hand-derived reason)}
EXPRESSIONS = {
    "berhu_0p3": (f"where(abs{R} <= 0.3, abs{R}, ({R}**2 + 0.09)/0.6)", "regression", {
        "convexity": (H, "|r| then (r^2 + 0.09)/0.6; at 0.3 both are 0.3 with slope 1 (= 2*0.3/0.6): convex pieces, "
                         "slope continuous"),
        "differentiability": (F, "the only kink is at r = 0 (slopes -1, 1); the pieces meet C1 at |r| = 0.3"),
        "monotonicity": (H, "|r| and (r^2 + 0.09)/0.6 both grow with |r|"),
    }),
    "smoothed_hinge_0p2": ("where(y_true*y_pred <= 0.2, 0.6 - y_true*y_pred, "
                           "where(y_true*y_pred < 1, (1 - y_true*y_pred)**2/1.6, 0))", "margin", {
        "convexity": (H, "affine, (1 - m)^2/1.6, 0: at m = 0.2 value 0.4 = 0.64/1.6 and slope -1 = -1.6/1.6"),
        "differentiability": (H, "C1: values and slopes agree at m = 0.2 and m = 1 (there 0 and 0)"),
        "smoothness": (H, "L'' is 0, 2/1.6 = 1.25, 0: bounded by 1.25, the gradient continuous"),
    }),
    "redescending_1p3": (f"where(abs{R} <= 1.3, {R}**2/1.3**2 - {R}**4/(2*1.3**4), 0.5)", "regression", {
        "convexity": (F, "L'' = 2/c^2 - 6r^2/c^4 < 0 for |r| > c/sqrt(3), c = 1.3"),
        "differentiability": (H, "at |r| = c: value 1 - 1/2 = 0.5 and slope 2/c - 2/c = 0 match the constant"),
        "smoothness": (H, "L'' jumps (from -4/c^2 to 0) but stays bounded: sup |L''| = 4/1.69 = 2.36686"),
        "monotonicity": (H, "L' = 2r(1 - r^2/c^2)/c^2 has the sign of r inside, 0 outside"),
    }),
}


@pytest.fixture(scope="module")
def expression_reports():
    return audit_expressions(EXPRESSIONS)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_decimal_pieces_meet_exactly(name, expression_reports):
    check_expected(expression_reports[name], EXPRESSIONS[name][2])


def test_berhu_kink_is_at_zero_and_nowhere_else(expression_reports):
    v = expression_reports["berhu_0p3"].results[0].verdicts["differentiability"]
    # the one kink, |r| at r = 0: slopes -1 and 1 (no "jump" at |r| = 0.3)
    assert v.evidence["point"] == 0.0 and (v.evidence["left_derivative"], v.evidence["right_derivative"]) == (-1, 1)


def test_redescending_constant_is_exact(expression_reports):
    v = expression_reports["redescending_1p3"].results[0].verdicts["smoothness"]
    assert v.method == "proof"
    assert abs(v.extras["constant"] - 4 / 1.69) < 1e-9  # 4/c^2 at |r| -> c from inside


# name: (kind, {property: (verdict, reason)})
CALLABLES = {
    "huber_decimal": ("regression", {
        "convexity": (H, "0.5 r^2 inside, t|r| - t^2/2 outside, slopes meet at t = 1.2345"),
        "differentiability": (H, "C1: float64 rounding of t*r - t^2/2 at r = t is no kink"),
        "smoothness": (H, "L'' is 1 inside and 0 outside: bounded"),
    }),
    "smoothed_hinge_decimal": ("margin", {
        "convexity": (H, "affine, (1 - m)^2/1.8, 0, slopes -1, -1, 0 meet"),
        "differentiability": (H, "C1 at m = 0.1 (0.45, slope -1) and at m = 1 (0, slope 0)"),
    }),
}


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_callables_with_decimal_breakpoints_have_no_rounding_kink(name):
    kind, expected = CALLABLES[name]
    report = lossaudit.audit(getattr(user, name), kind=kind, properties=",".join(expected), name=name)
    got = {p: v.verdict for p, v in report.results[0].verdicts.items()}
    assert got == {p: v for p, (v, _why) in expected.items()}


# ---------------------------------------------------------------------------
# The parts: parse, loss, witness, numeric kinks

def test_exact_parse_keeps_decimals_as_written():
    x = Y_PRED
    assert parse("y_pred/0.6", exact=True) == sp.Rational(5, 3) * x          # not x*1.6666666666666667
    assert parse("1.3**2*y_pred", exact=True) == sp.Rational(169, 100) * x
    assert parse("0.30000000000000001*y_pred", exact=True) == sp.Rational(30000000000000001, 10 ** 17) * x
    assert parse("2.0*y_pred**2.0", exact=True) == 2 * x ** 2
    # the binary reading is what float64 code computes
    assert parse("y_pred/0.6").atoms(sp.Float) == {sp.Float(1 / 0.6)}


def test_exact_expression_uses_the_exact_parse_and_decimal_parameters():
    loss = Loss.from_expression("where(abs(y_pred - y_true) < c, (y_pred - y_true)**2/(2*c), "
                                "abs(y_pred - y_true) - c/2)", "regression", params={"c": 0.7})
    pieces = [a[0] for a in loss.exact_expression.args]
    r = Y_PRED - sp.Symbol("y_true", real=True)
    assert sp.simplify(pieces[0] - r ** 2 * sp.Rational(5, 7)) == 0          # 1/(2*0.7) = 5/7 exactly
    assert not loss.exact_expression.atoms(sp.Float)
    assert loss.bound_expression.atoms(sp.Float)                             # the binary reading stays


def test_a_chord_broken_only_by_rounding_is_no_witness():
    # max(0, y - 8) exactly; in binary (0.1 + 0.7)*10 = 7.999999999999999, so the loss steps up by
    # ~9e-16 just right of 8 and the chord [8, 9] passes 4e-16 below L(8.5)
    chk = Checker(Loss.from_expression("where(y_pred <= 8, 0, y_pred - (0.1 + 0.7)*10)", "regression"))
    # broken in binary by 4e-16 of the values, far below what a re-check accepts (1e-12), and not at all
    # in the decimals written: no reading makes it a witness
    seen = [_chord(c, 8.0, 9.0) for c in chk.readings()]
    assert seen == [False, False]
    assert not chord_broken(chk, 8.0, 9.0, 0.5, 0.0)


def _chord(chk, a, b):
    from lossaudit.witness import _chord_broken
    return _chord_broken(chk, a, b, 0.5, 0.0)


def test_kinks_at_decimals_confirm_in_both_readings():
    # |y - 0.1|: the kink sits at 1/10 exactly and at float(0.1) in binary: both see it from float(0.1)
    assert kink_confirmed(Checker(Loss.from_expression("abs(y_pred - 0.1)", "regression")), 0.1, 0.0)
    # Huber at t = 2.7 written with 0.5*2.7**2: the binary value jumps by rounding at 2.7, the decimal
    # one is C1 there: no kink
    huber = "where(abs(y_pred) <= 2.7, 0.5*y_pred**2, 2.7*abs(y_pred) - 0.5*2.7**2)"
    assert not kink_confirmed(Checker(Loss.from_expression(huber, "regression")), 2.7, 0.0)


R_ALL = Interval(-np.inf, np.inf)


def test_slope_gap_ignores_rounding_and_keeps_real_kinks():
    huber = lambda x: user.huber_decimal(x, 0.0)  # noqa: E731
    for x0 in (1.2345, -1.2345, -6.9):           # the breakpoints, and a point on the linear part
        assert slope_gap(huber, x0, R_ALL)[2] is False
    cosh = lambda x: np.cosh(x) - 1  # noqa: E731  cancels against 1 near 0: error ~eps, not eps*|f|
    assert slope_gap(cosh, -5.5e-7, R_ALL)[2] is False
    left, right, kink = slope_gap(lambda x: np.abs(x - 0.3), 0.3, R_ALL)
    assert kink and abs(left + 1) < 1e-6 and abs(right - 1) < 1e-6
    left, right, kink = slope_gap(lambda x: np.clip(x, -0.2, 0.9) ** 2, 0.9, R_ALL)
    assert kink and abs(left - 1.8) < 1e-6 and abs(right) < 1e-6


def test_find_kinks_of_a_decimal_huber_finds_none():
    grid = scalar_grid(R_ALL, 3.1, np.random.default_rng(1), 400)
    assert find_kinks(lambda x: user.huber_decimal(x, 3.1), grid, R_ALL) == []
