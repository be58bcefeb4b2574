"""Shared machinery of the statistical properties (calibration, properness, statistic, symmetry): losses
averaged over a finite distribution of targets, evaluated in floats to search and exactly to re-check.

    label_targets(loss)            the labels of a finite-label kind ({-1, 1}, {0, 1}, the one-hot classes)
    mixture(ctx, X, dist)          sum_j w_j L(X, y_j) in float64 over an array of predictions
    exact_mixture(chk, x, dist)    the same at one prediction, in every reading of the loss (a list)
    at_target(loss, y)             the exact sympy expression of y_pred -> L(y_pred, y) in S.X
    derivative_at(chk, x, y, side) a one-sided derivative of L(., y) at x by 50-digit differences (h = 1e-20)

A distribution is a list of (weight, target) pairs. The exact forms evaluate with witness.Checker: a
counterexample must hold in both the binary and the decimal reading of the loss's numbers.
"""
from __future__ import annotations

from collections.abc import Sequence

import mpmath
import numpy as np

# how close two exact values may be and still count as equal (50-digit evaluation of the same number)
TIE = mpmath.mpf(10) ** -40


def label_targets(loss) -> list:
    """The finite set of targets (scalar labels, or one-hot class vectors), [] for continuous targets."""
    dom = loss.target_domain
    if dom.labels:
        return [float(v) for v in dom.labels]
    kind_labels = loss.kind.target_domain.labels  # soft targets in [0, 1]: the kind's labels 0 and 1 among them
    if kind_labels and all(dom.contains(v) for v in kind_labels):
        return [float(v) for v in kind_labels]
    if loss.kind.vector and not dom.on_simplex and hasattr(dom, "vector_targets") and \
            type(dom).__name__ == "OneHot":
        return Classes(loss.K)
    return []


class Classes(Sequence):
    """The K one-hot class vectors, built one at a time (K = 1000 would be a million entries at once)."""

    def __init__(self, k: int):
        self.k = k

    def __len__(self) -> int:
        return self.k

    def __getitem__(self, c):
        if isinstance(c, slice):
            return [self[i] for i in range(*c.indices(self.k))]
        if not -self.k <= c < self.k:
            raise IndexError(c)
        c %= self.k
        return tuple(1.0 if j == c else 0.0 for j in range(self.k))


def mixture(ctx, X, dist) -> np.ndarray:
    """sum_j w_j L(X, y_j) for every prediction of X (float64; nan where undefined)."""
    total = None
    for w, y in dist:
        v = ctx.views.value(X, np.asarray(y, float) if isinstance(y, tuple) else y)
        part = float(w) * np.asarray(v, float)
        total = part if total is None else total + part
    return total


def exact_mixture(chk, x, dist) -> list:
    """[sum_j w_j L(x, y_j)] in each reading of the loss (mpmath; weights as exact decimals)."""
    out = []
    for view in chk.readings():
        with mpmath.workdps(50):
            out.append(mpmath.fsum(mpmath.mpf(str(w)) * view.value(_pred(x), _target(y)) for w, y in dist))
    return out


def _pred(x):
    return list(x) if isinstance(x, (list, tuple, np.ndarray)) else float(x)


def _target(y):
    return list(y) if isinstance(y, (list, tuple)) else float(y)


def finite(values) -> bool:
    return all(mpmath.isfinite(v) for v in values)


def clearly_below(a, b, chk) -> bool:
    """a < b by more than a re-check tolerates (a, b: one value per reading)."""
    return all(chk.greater(vb, va) for va, vb in zip(a, b))


def tied(a, b) -> bool:
    """a == b to 40 digits in every reading (a flat stretch, not rounding)."""
    return all(abs(va - vb) <= TIE * max(1, abs(va), abs(vb)) for va, vb in zip(a, b))


def at_target(loss, y):
    """y_pred -> L(y_pred, y) as an exact sympy expression in S.X (scalar kinds)."""
    from .. import symbolic as S
    return loss.exact_expression.xreplace({loss.true_symbols[0]: S.sym_number(y), loss.pred_symbols[0]: S.X})


def derivative_at(chk, x: float, y: float, side: int) -> list:
    """The one-sided derivative (side +1: right, -1: left) of L(., y) at x, per reading (50 digits)."""
    out = []
    for view in chk.readings():
        with mpmath.workdps(50):
            x0 = mpmath.mpf(x)
            h = side * mpmath.mpf(10) ** -20 * max(1, abs(x0))
            f0 = view.value(x0, y)
            q1 = (view.value(x0 + h, y) - f0) / h
            q2 = (view.value(x0 + 2 * h, y) - f0) / (2 * h)
            out.append(2 * q1 - q2)   # Richardson: the O(h) error cancels
    return out


def nice(v: float) -> float:
    """v rounded to few significant digits (witnesses read better and re-check the same)."""
    return float(f"{v:.3g}")


def derivative_along(chk, k: int, dist, side: int = 1):
    """The one-sided derivative at a = 0 of sum_j w_j L(a·e_0, e_{c_j}) (dist: (w_j, c_j) pairs), per reading
    of the loss (50 digits, h = 1e-20, Richardson); None where it is not finite."""
    def onehot(c):
        return [1.0 if j == c else 0.0 for j in range(k)]
    out = []
    for view in chk.readings():
        with mpmath.workdps(50):
            h = side * mpmath.mpf(10) ** -20

            def risk(a):
                z = [a] + [mpmath.mpf(0)] * (k - 1)
                return mpmath.fsum(mpmath.mpf(str(w)) * view.value(z, onehot(c)) for w, c in dist)
            f0 = risk(mpmath.mpf(0))
            q1, q2 = (risk(h) - f0) / h, (risk(2 * h) - f0) / (2 * h)
            out.append(2 * q1 - q2)
    return out if finite(out) else None
