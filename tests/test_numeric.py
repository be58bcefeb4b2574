"""Numeric machinery (lossaudit.numeric): grids, paths, finite differences, growth, on hand cases."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lossaudit import numeric
from lossaudit.domains import Interval, Simplex

REAL = Interval(-math.inf, math.inf)
UNIT = Interval(0.0, 1.0)


def _rng():
    return np.random.default_rng(0)


# ---------------------------------------------------------------------------
# Grids

def test_grid_covers_every_scale_on_both_sides():
    x = numeric.scalar_grid(REAL, 0.0, _rng(), 200)
    mags = np.abs(x[x != 0])
    # the fixed part holds 1e-6 ... 7e6 around 0 in both signs
    assert mags.min() <= 1e-6 and mags.max() >= 1e6
    assert (x < -1e5).any() and (x > 1e5).any()
    assert np.all(np.diff(x) > 0)  # sorted and unique


def test_grid_stays_inside_and_reaches_the_edges():
    x = numeric.scalar_grid(UNIT, 0.5, _rng(), 200)
    assert x.min() > 0 and x.max() < 1  # the open interval only
    # approach distances down to 1e-9 of the width from each end
    assert x.min() <= 1e-9 * 1.0001 and x.max() >= 1 - 1e-9 * 1.0001


def test_grid_is_dense_around_breakpoints():
    x = numeric.scalar_grid(REAL, 0.0, _rng(), 200, breakpoints=[3.0])
    assert 3.0 in x
    # scale max(1, |3|) = 3 times the nearest approach 1e-9, on both sides
    assert np.min(np.abs(x[x > 3] - 3)) <= 3e-9 * 1.0001
    assert np.min(np.abs(x[x < 3] - 3)) <= 3e-9 * 1.0001


def test_grid_is_deterministic():
    a = numeric.scalar_grid(REAL, 1.0, np.random.default_rng(7), 100)
    b = numeric.scalar_grid(REAL, 1.0, np.random.default_rng(7), 100)
    assert np.array_equal(a, b)


def test_gross_sequence_toward_infinity_and_toward_a_finite_end():
    up = numeric.gross_sequence(REAL, 2.0, +1, decades=3, per_decade=1)
    assert up.tolist() == [3.0, 12.0, 102.0]  # 2 + 10^k for k = 0, 1, 2
    near_one = numeric.gross_sequence(UNIT, 0.5, +1, decades=3, per_decade=1)
    assert near_one.tolist() == pytest.approx([0.95, 0.995, 0.9995])  # 1 - 0.5·10^-(k+1)


def test_approach_from_one_side():
    pts = numeric.approach(2.0, -1, decades=2, per_decade=1)
    assert pts.tolist() == pytest.approx([1.9, 1.99])  # 2 - 10^-k, k = 1, 2


def test_simplex_samples_lie_on_the_simplex():
    X = numeric.vector_samples(Simplex(), 3, np.array([0.2, 0.3, 0.5]), _rng(), 60)
    assert np.all(X > 0) and np.allclose(X.sum(axis=1), 1.0)  # positive entries summing to 1


def test_box_samples_lie_in_the_box():
    X = numeric.vector_samples(UNIT, 2, np.array([1.0, 0.0]), _rng(), 60)
    assert np.all((X > 0) & (X < 1))


# ---------------------------------------------------------------------------
# Finite differences (Richardson)

@pytest.mark.parametrize("f, x, d1", [
    (np.sin, 0.3, math.cos(0.3)),             # (sin)' = cos
    (lambda x: x ** 3, 2.0, 12.0),             # 3x² at 2
    (np.exp, 1.0, math.e),                     # (exp)' = exp
])
def test_fd_first(f, x, d1):
    assert numeric.fd_first(f, np.array([x]), REAL)[0] == pytest.approx(d1, rel=1e-9)


@pytest.mark.parametrize("f, x, d2", [
    (lambda x: x ** 3, 2.0, 12.0),             # 6x at 2
    (np.cos, 0.0, -1.0),                       # -cos(0)
])
def test_fd_second(f, x, d2):
    assert numeric.fd_second(f, np.array([x]), REAL)[0] == pytest.approx(d2, rel=1e-6)


def test_fd_step_stays_inside_the_domain():
    # log x near 0 on (0, inf): a fixed step 1e-3 would cross 0 (NaN); the step shrinks to a quarter of
    # the room, h = x/4, so the O(h^4) error is about (1/4)^4/5 relative: 1/x = 1e6 to ~1e-3
    x = np.array([1e-6])
    assert numeric.fd_first(np.log, x, Interval(0.0, math.inf))[0] == pytest.approx(1e6, rel=1e-3)


def test_fd_gradient_of_a_quadratic():
    # f(x) = x0² + 3 x1: gradient (2 x0, 3)
    f = lambda X: X[:, 0] ** 2 + 3 * X[:, 1]  # noqa: E731
    g = numeric.fd_gradient(f, np.array([[1.5, -2.0]]))
    assert g[0].tolist() == pytest.approx([3.0, 3.0], rel=1e-9)


# ---------------------------------------------------------------------------
# Growth along geometric paths

R = 10.0 ** (np.arange(14 * numeric.PER_DECADE) / numeric.PER_DECADE)  # 1 ... ~1e14, 4 points a decade


@pytest.mark.parametrize("values, expected", [
    (R, "unbounded"),                  # x: a millionfold rise and still increasing
    (np.log(R + 1), "unbounded"),      # log x: the same increment every decade (log growth counts)
    (1.0 / R, "vanishing"),            # 1/x -> 0
    (np.full(R.shape, 2.5), "bounded"),  # a constant
    (2.0 - 1.0 / R, "bounded"),        # converges to 2 (increments shrink tenfold a decade)
    (np.array([1.0, 2.0, np.nan]), "unknown"),  # too few finite values to tell
], ids=["x", "log", "inverse", "constant", "converging", "too_short"])
def test_growth(values, expected):
    assert numeric.growth(values) == expected


def test_growth_counts_overflow_after_growth():
    # finite and rising, then +inf (beyond float range): growth
    assert numeric.growth(np.array([1.0, 10.0, 100.0, 1e3, np.inf])) == "unbounded"


# ---------------------------------------------------------------------------
# Numbers a person reads

@pytest.mark.parametrize("v, expected", [
    (0.2499999999, 0.25),        # within 1e-8 of 1/4
    (1 / 3 + 1e-12, 1 / 3),      # within 1e-8 of 1/3
    (math.pi, 3.141592654),      # no simple fraction: 10 significant digits
    (math.inf, math.inf),        # left alone
])
def test_tidy(v, expected):
    assert numeric.tidy(v) == expected


def test_nice_numbers_simplest_first():
    # pi to 1, 2, 3 significant digits, then more
    assert numeric.nice_numbers(math.pi)[:3] == [3.0, 3.1, 3.14]
    assert numeric.nice_numbers(0.0) == [0.0]


def test_simplicity_prefers_short_numbers_near_one():
    assert numeric.simplicity(1.0) < numeric.simplicity(1.25) < numeric.simplicity(887.4512)


def test_significant_beats_rounding_only():
    # a violation of 1e-3 on values ~1 is real; 1e-16 is rounding
    v = np.array([1e-3, 1e-16])
    size = np.array([2.0, 2.0])
    pts = [np.array([1.0, 1.0])]
    assert numeric.significant(v, size, pts, 1.0, 1e-9).tolist() == [True, False]


def test_kink_helpers_are_still_importable_from_numeric():
    from lossaudit import kinks
    assert numeric.find_kinks is kinks.find_kinks and numeric.slope_gap is kinks.slope_gap
