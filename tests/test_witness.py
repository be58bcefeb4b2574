"""Witnesses that re-check (lossaudit.witness): chords, ordered pairs, kinks, shrinking, on hand cases."""
from __future__ import annotations

import numpy as np
import pytest

from lossaudit.loss import Loss
from lossaudit.witness import (Checker, chord_broken, chord_values, kink_confirmed, pair_out_of_order,
                               shrink_chord, shrink_pair)


def _exact(text, kind="regression"):
    return Checker(Loss.from_expression(text, kind))


def _float(func, kind="regression"):
    return Checker(Loss.from_callable(func, kind))


CHECKERS = {
    "concave_exact": lambda: _exact("-(y_pred - y_true)**2"),
    "convex_exact": lambda: _exact("(y_pred - y_true)**2"),
    "concave_float": lambda: _float(lambda yp, yt: -(yp - yt) ** 2),
    "convex_float": lambda: _float(lambda yp, yt: (yp - yt) ** 2),
}


@pytest.mark.parametrize("name, broken", [
    ("concave_exact", True),    # -x²: L(0) = 0 lies above the chord value (-1 - 1)/2 = -1
    ("convex_exact", False),    # x²: L(0) = 0 lies below the chord value (1 + 1)/2 = 1
    ("concave_float", True),    # the same in float64, far above rounding
    ("convex_float", False),
])
def test_chord_broken(name, broken):
    assert chord_broken(CHECKERS[name](), -1.0, 1.0, 0.5, 0.0) is broken


def test_an_affine_loss_meets_its_chords_exactly():
    # L = y_pred - y_true is affine: in exact arithmetic the chord equals the loss, whatever float
    # rounding does to 0.1 and 0.2; equality is not a violation
    chk = _exact("y_pred - y_true")
    assert not chord_broken(chk, 0.1, 0.2, 0.3, 0.0)


def test_a_witness_stands_clear_of_the_recheck_tolerance():
    # -x² on the chord [1, 1 + w]: the gap is t(1-t)w² = w²/4 beside L ~ 1. A re-check in 50 digits asks
    # for 1e-12 of the values: w = 1e-5 (gap 2.5e-11) is a witness, w = 1e-7 (gap 2.5e-15) is not,
    # though it is real in exact arithmetic
    chk = _exact("-(y_pred - y_true)**2")
    assert chord_broken(chk, 1.0, 1.0 + 1e-5, 0.5, 0.0)
    assert not chord_broken(chk, 1.0, 1.0 + 1e-7, 0.5, 0.0)


def test_chord_values_report_both_sides():
    v = chord_values(CHECKERS["concave_exact"](), -1.0, 1.0, 0.5, 0.0)
    # L(-1) = L(1) = -1, L(0) = 0, chord 0.5·(-1) + 0.5·(-1) = -1
    assert v == {"L(a)": -1.0, "L(b)": -1.0, "L(t*a+(1-t)*b)": 0.0, "t*L(a)+(1-t)*L(b)": -1.0}


def test_shrink_chord_finds_simple_numbers():
    chk = CHECKERS["concave_exact"]()
    # -x² breaks every chord, so the simplest pair tried first wins: a = 1, b = 3, t = 0.5
    assert shrink_chord(chk, 0.987654, 3.0123, 0.4321, 0.0, lambda x: True) == (1.0, 3.0, 0.5)


def test_shrink_chord_keeps_a_chord_it_cannot_simplify():
    chk = CHECKERS["convex_exact"]()
    # x² breaks no chord: nothing simpler qualifies, the input comes back unchanged
    assert shrink_chord(chk, 0.987654, 3.0123, 0.4321, 0.0, lambda x: True) == (0.987654, 3.0123, 0.4321)


def test_shrink_chord_respects_the_domain():
    chk = CHECKERS["concave_exact"]()
    # 1.0 is outside the allowed (0, 0.99): the shrunk ends must stay inside
    a, b, t = shrink_chord(chk, 0.987654, 0.5123, 0.5, 0.0, lambda x: 0 < x < 0.99)
    assert 0 < a < 0.99 and 0 < b < 0.99 and chord_broken(chk, a, b, t, 0.0)


@pytest.mark.parametrize("name, farther, closer, out_of_order", [
    ("convex_exact", 2.0, 1.0, False),   # x² at y = 0: L(1) = 1 < L(2) = 4
    ("concave_exact", 2.0, 1.0, True),   # -x²: L(1) = -1 > L(2) = -4
])
def test_pair_out_of_order(name, farther, closer, out_of_order):
    assert pair_out_of_order(CHECKERS[name](), farther, closer, 0.0) is out_of_order


def test_shrink_pair():
    chk = CHECKERS["concave_exact"]()
    valid = lambda f, c: 0 < c < f  # noqa: E731 - closer between the ideal 0 and farther
    # simplest first: farther 2, closer 1 (rounded to one digit) is still out of order for -x²
    assert shrink_pair(chk, 2.0312, 0.98765, 0.0, valid) == (2.0, 1.0)


@pytest.mark.parametrize("text, x0, confirmed", [
    ("abs(y_pred - y_true)", 0.0, True),         # slopes -1 and +1 at the target
    ("(y_pred - y_true)**2", 0.0, False),        # smooth: both slopes 0
    ("abs(y_pred - y_true)", 0.5, False),        # away from the kink the slope is 1 on both sides
])
def test_kink_confirmed_exact(text, x0, confirmed):
    assert kink_confirmed(_exact(text), x0, 0.0) is confirmed


def test_kink_confirmed_for_a_callable():
    chk = _float(lambda yp, yt: np.abs(yp - yt))
    assert kink_confirmed(chk, 0.0, 0.0)          # |x| at 0: Richardson one-sided slopes -1, +1
    assert not kink_confirmed(chk, 1.0, 0.0)


def test_vector_kink_confirmed_along_a_direction():
    chk = _exact("max(y_pred + 1 - y_true) - sum(y_true*y_pred)", "logits")
    # class 0, scores z = (0, 1, 1): the terms z_j + 1 - y_j are (0, 2, 2), the max ties between classes 1
    # and 2; along e_1 - e_2 it is 2 + |s|: slopes -1 and +1, a kink
    assert kink_confirmed(chk, [0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, -1.0])
    # along e_0 the max stays 2 and L = 2 - s: slope -1 on both sides
    assert not kink_confirmed(chk, [0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0])


def test_simplex_points_are_put_back_on_the_simplex():
    # KL at y = (0.5, 0.5): a point given off the simplex is normalised first, (1, 1) -> (0.5, 0.5): KL = 0
    chk = Checker(Loss.from_expression("sum(y_true*log(y_true/y_pred))", "distribution", classes=2))
    assert chk.simplex
    assert abs(float(chk.value([1.0, 1.0], [0.5, 0.5]))) < 1e-30
