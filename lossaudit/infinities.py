"""Is a callable's ±inf float overflow or a true infinity?

cosh(r) - 1 returns inf beyond |r| = 710: not a hole in the loss, only a number
beyond float range (expressions tell the two apart in arbitrary precision; a
callable has no formula). `where(r > 1, inf, r**2)` or 1/r at r = 0 return a
true infinity: the loss is not a real number there, and a property checked over
such points must not be called `holds`.

Told apart by bisecting, from a point of the same call where the callable is
finite, toward the infinite one (to adjacent floats of the segment parameter):
an overflow is approached by values near float's limit and stays infinite past
the point; a jump to inf from ordinary values, or an isolated infinity (finite
again past it), is a true infinity. Ranges found to overflow are remembered per
target (scalar kinds), so later calls need no new bisection.
"""
from __future__ import annotations

import numpy as np

HUGE = 1e300       # finite values this close to float's limit (1.8e308) before the inf: overflow
CHECKS = 16        # bisections per call at most; infinities beyond that count as true (conservative)
_ONE = int(np.float64(1.0).view(np.int64))   # the bits of t = 1.0; t = 0.0 has bits 0


def _t(bits: int) -> float:
    return float(np.int64(bits).view(np.float64))


class OverflowProbe:
    """`true_infinities(values, y_pred, y_true)`: which infinite values are true infinities."""

    def __init__(self, value_at, vector: bool):
        self.value_at = value_at      # (one y_pred, one y_true) -> float, NaN where not a real number
        self.vector = vector
        self.tails: list = []         # scalar kinds: (y_true, first infinite y_pred, direction)

    def true_infinities(self, values, yp, yt) -> np.ndarray:
        v = np.asarray(values, dtype=float).reshape(-1)
        P, T = self._points(yp), self._points(yt)
        true = np.zeros(v.size, dtype=bool)
        checks = 0
        for i in np.flatnonzero(np.isinf(v)):
            if self._on_known_tail(P[i], T[i]):
                continue
            checks += 1
            true[i] = checks > CHECKS or not self._overflows(P, T, v, i)
        return true.reshape(np.shape(values))

    def _points(self, a) -> np.ndarray:
        a = np.asarray(a, dtype=float)
        return a.reshape(-1, a.shape[-1]) if self.vector else a.reshape(-1)

    def _on_known_tail(self, x, y) -> bool:
        if self.vector:
            return False
        return any(y == ty and (x - edge) * way >= 0 for ty, edge, way in self.tails)

    def _overflows(self, P, T, v, i) -> bool:
        a = self._reference(P, T, v, i)
        if a is None:
            return False
        b, y = P[i], T[i]
        edge, last = self._bisect(a, b, y)
        if not abs(last) >= HUGE:
            return False  # ordinary values right up to the inf: it returns inf on purpose
        with np.errstate(all="ignore"):
            past = self.value_at(b + (b - a), y)
        if np.isfinite(past):
            return False  # finite again past it: an isolated infinity (a pole)
        if not self.vector:
            self.tails.append((float(y), float(edge), float(np.sign(b - a))))
        return True

    def _reference(self, P, T, v, i):
        """The nearest point of the same call, at the same target, where the value is finite."""
        same = np.all(T == T[i], axis=1) if self.vector else T == T[i]
        ok = np.flatnonzero(same & np.isfinite(v))
        if ok.size:
            gaps = np.abs(P[ok] - P[i]).reshape(ok.size, -1).sum(axis=1)
            return P[ok[int(np.argmin(gaps))]]
        k = P.shape[-1] if self.vector else 1
        fallbacks = [np.full(k, 1.0 / k), np.zeros(k)] if self.vector else [T[i], 0.0, 1.0, -1.0]
        for a in fallbacks:
            if np.isfinite(self.value_at(np.asarray(a, dtype=float), T[i])):
                return np.asarray(a, dtype=float)
        return None

    def _bisect(self, a, b, y):
        """(first infinite point found, last finite value before it) on the segment from a to b."""
        lo, hi = 0, _ONE
        last = self.value_at(a, y)
        with np.errstate(all="ignore"):
            while hi - lo > 1:
                mid = (lo + hi) // 2
                value = self.value_at(a + _t(mid) * (b - a), y)
                if np.isfinite(value):
                    lo, last = mid, value
                else:
                    hi = mid
            return a + _t(hi) * (b - a), last
