"""Counterexamples that re-check: every `fails` is verified by plugging its numbers into the loss.

For a loss with an expression the check evaluates the expression in 50-digit
arithmetic at exactly the floats the report prints, in both readings of its
decimals: the binary one (what float64 code and an independent re-check compute)
and the exact one (1.345 as 269/200, what the writer meant). A witness must hold in
both, so nothing of the size of rounding decides a `fails`. For a callable it
evaluates in float64 and demands a margin far above rounding. Witnesses are
shrunk to simple numbers first (a chord at a=1, b=3 beats one at a=887.45...).
"""
from __future__ import annotations

import copy
import itertools
import math

import mpmath
import numpy as np

from .numeric import nice_numbers

# A witness must stand clear of what a reader's re-check tolerates, not only of 50-digit rounding: an
# independent re-check of a scalar chord or pair in 50 digits asks for 1e-12 of the values involved, and
# one of a vector chord evaluates in float64 and asks for 1e-9. A smaller violation is real in exact
# arithmetic but not a counterexample anyone can re-check; the search goes on (a target at the scale of
# the formula's constants usually shows the same feature at full size).
EXACT_RTOL = mpmath.mpf(10) ** -12   # scalar kinds, 50-digit evaluation
VECTOR_RTOL = mpmath.mpf(10) ** -9   # vector kinds (re-checked in float64)
FLOAT_RTOL = 1e-9                    # float64 evaluation of a callable
FLOAT_FLOOR = 1e-13                  # absolute: a vector callable's rounding at values near 0


class Checker:
    """Evaluates a loss exactly (expression) or carefully (callable) at given predictions and target."""

    def __init__(self, loss):
        self.loss = loss
        self.vector = loss.kind.vector
        self.simplex = loss.pred_domain.on_simplex  # points are put back on the simplex exactly
        self.exact = loss.expression is not None
        if self.exact:
            import sympy as sp

            from .symbolic import mp_evaluator
            args = loss.pred_symbols + loss.true_symbols
            self._mp = mp_evaluator(loss.bound_expression, args)
            # the decimal reading, when it differs from the binary one (some decimal is not a binary float)
            self._readings = [self._mp]
            if loss.bound_expression.atoms(sp.Float):
                self._readings.append(mp_evaluator(loss.exact_expression, args))

    def readings(self) -> list:
        """The loss in each reading of its decimals (binary, then decimal-exact): Checkers that differ only
        in the evaluator `value` uses. A witness holds when it holds in every one; a callable has one."""
        if not self.exact:
            return [self]
        out = []
        for mp in self._readings:
            view = copy.copy(self)
            view._mp = mp
            out.append(view)
        return out

    def value(self, yp, yt):
        if self.exact:
            if self.vector:
                p = [a if isinstance(a, mpmath.mpf) else mpmath.mpf(float(a)) for a in yp]
                if self.simplex:
                    p = on_simplex(p, max(50, self._mp.dps))
                args = p + [mpmath.mpf(float(a)) for a in yt]
            else:
                args = [a if isinstance(a, mpmath.mpf) else mpmath.mpf(float(a)) for a in (yp, yt)]
            return self._mp(*args)
        if self.vector:
            p = np.asarray([yp], float)
            if self.simplex:
                p = p / p.sum()
            return float(self.loss.views.value(p, np.asarray(yt, float))[0])
        return float(self.loss.views.value(np.asarray([yp], float), float(yt))[0])

    def precision(self, dps: int):
        """A context in which exact evaluations use `dps` digits (comparisons far out need more)."""
        import contextlib

        @contextlib.contextmanager
        def ctx():
            if not self.exact:
                yield
                return
            old = [mp.dps for mp in self._readings]
            for mp in self._readings:
                mp.dps = dps
            try:
                with mpmath.workdps(dps):
                    yield
            finally:
                for mp, d in zip(self._readings, old):
                    mp.dps = d
        return ctx()

    def finite(self, v) -> bool:
        return bool(mpmath.isfinite(v)) if self.exact else math.isfinite(v)

    def greater(self, a, b) -> bool:
        """a > b by more than a re-check tolerates (exact: 1e-12 relative, 1e-9 for vectors; float: 1e-9)."""
        if not (self.finite(a) and self.finite(b)):
            return False
        if self.exact:
            with mpmath.workdps(max(50, mpmath.mp.dps)):
                # no absolute floor: 1e-429 > 0 is a real difference in arbitrary-exponent arithmetic
                return a - b > max(abs(a), abs(b)) * (VECTOR_RTOL if self.vector else EXACT_RTOL)
        return a - b > FLOAT_RTOL * max(abs(a), abs(b)) + 1e-12 * FLOAT_RTOL


def on_simplex(p, dps: int = 50) -> list:
    """The point exactly on the simplex, in exact arithmetic: a float point that sums to 1 within
    rounding keeps its leading coordinates and gets 1 - sum(others) as its last (moved by an ulp at
    most); a point farther off is scaled onto it (p / sum p)."""
    with mpmath.workdps(dps):
        q = [mpmath.mpf(v) for v in p]
        total = mpmath.fsum(q)
        if abs(total - 1) > simplex_tolerance(len(q)):
            return [v / total for v in q]
        return q[:-1] + [1 - mpmath.fsum(q[:-1])]


def simplex_tolerance(k: int) -> float:
    """How far from 1 the float sum of a point of the simplex may be: a few ulps per coordinate."""
    return max(1e-15, 4 * k * 2.0 ** -52)


def on_domain(chk: "Checker", p) -> bool:
    """A distribution-kind point lies on the simplex to within rounding (exactly summed); others pass."""
    if not chk.simplex:
        return True
    return all(v > 0 for v in p) and abs(math.fsum(p) - 1.0) <= simplex_tolerance(len(p))


def _mix(a, b, t):
    if isinstance(a, (list, tuple)):
        return [t * p + (1 - t) * q for p, q in zip(a, b)]
    return t * a + (1 - t) * b


def chord_broken(chk: Checker, a, b, t, y) -> bool:
    """L(t·a + (1−t)·b) > t·L(a) + (1−t)·L(b) at exactly these numbers, in every reading."""
    return all(_chord_broken(c, a, b, t, y) for c in chk.readings())


def _chord_broken(chk: Checker, a, b, t, y) -> bool:
    if chk.simplex and not (on_domain(chk, a) and on_domain(chk, b)):
        return False  # a chord off the simplex says nothing about convexity on it
    if chk.exact:
        with mpmath.workdps(50):
            t_ = mpmath.mpf(t)
            if chk.simplex:  # the ends exactly on the simplex, so the midpoint is their exact mixture
                a, b = on_simplex(a), on_simplex(b)
            mid = [t_ * mpmath.mpf(p) + (1 - t_) * mpmath.mpf(q) for p, q in zip(a, b)] if chk.vector \
                else t_ * mpmath.mpf(a) + (1 - t_) * mpmath.mpf(b)
            lm = chk.value(mid, y)
            la, lb = chk.value(a, y), chk.value(b, y)
            return chk.greater(lm, t_ * la + (1 - t_) * lb)
    lm = chk.value(_mix(a, b, t), y)
    la, lb = chk.value(a, y), chk.value(b, y)
    if chk.vector:  # float evaluations: beyond rounding of all three values, and an absolute floor
        noise = FLOAT_RTOL * (abs(la) + abs(lb) + abs(lm)) + FLOAT_FLOOR
        return all(map(math.isfinite, (la, lb, lm))) and lm - (t * la + (1 - t) * lb) > noise
    return chk.greater(lm, t * la + (1 - t) * lb)


def chord_values(chk: Checker, a, b, t, y) -> dict:
    mid = _mix(a, b, t)
    la, lb, lm = (float(chk.value(p, y)) for p in (a, b, mid))
    return {"L(a)": la, "L(b)": lb, "L(t*a+(1-t)*b)": lm, "t*L(a)+(1-t)*L(b)": t * la + (1 - t) * lb}


def pair_out_of_order(chk: Checker, farther, closer, y) -> bool:
    """L(closer) > L(farther): moving toward the ideal prediction increased the loss (in every reading)."""
    return all(c.greater(c.value(closer, y), c.value(farther, y)) for c in chk.readings())


RECHECK_STEP = mpmath.mpf(10) ** -20  # the step of an independent re-check (recheck.py), relative to max(1, |x0|)
KINK_STEP = mpmath.mpf(10) ** -12    # far above the float-to-decimal offset of x0 (1e-16 relative)
KINK_RTOL = mpmath.mpf(10) ** -8


def kink_confirmed(chk: Checker, x0: float, y, direction=None) -> bool:
    """The one-sided slopes at x0 really differ, in every reading of the loss's decimals.

    Binary reading: as an independent re-check sees them, difference quotients at h = 1e-20·max(1, |x0|)
    in 50 digits (so the printed x0 must sit on the binary breakpoint). Decimal reading: quotients at
    h = 1e-12·|x0| and h/100 (1e-20 at 0); a kink's gap stays as h shrinks, a smooth bend's shrinks with
    it, and h far above 1e-16·|x0| sees a kink at a decimal (0.1) from the float next to it. A value
    that jumps only by rounding in binary (Huber at t = 1.345) is C1 in the decimals: no kink."""
    if chk.exact:
        return all(_exact_kink(c, x0, y, direction, i == 0) for i, c in enumerate(chk.readings()))
    if chk.vector:
        return False
    from .kinks import slope_gap
    f = lambda x: chk.loss.views.value(x, y)  # noqa: E731
    return slope_gap(f, float(x0), chk.loss.pred_domain)[2]


def _exact_kink(chk: Checker, x0, y, direction, recheck: bool) -> bool:
    with mpmath.workdps(50):
        if chk.vector:
            p0, d = [mpmath.mpf(float(v)) for v in x0], [mpmath.mpf(float(v)) for v in direction]
            yt = [mpmath.mpf(float(v)) for v in y]
            f = lambda s: chk._mp(*([p + s * q for p, q in zip(p0, d)] + yt))  # noqa: E731
            size = max(abs(v) for v in p0)
        else:
            x = mpmath.mpf(float(x0))
            f = lambda s: chk.value(x + s, y)  # noqa: E731
            size = abs(x)
        if recheck:
            gap = _slope_gap(f, RECHECK_STEP * (max(1, size) if not chk.vector else 1))
            return gap is not None and bool(gap[0] > KINK_RTOL * max(1, gap[1]))
        h = KINK_STEP * size if size else RECHECK_STEP
        gaps = [_slope_gap(f, h), _slope_gap(f, h / 100)]
        if any(g is None for g in gaps):
            return False
        (g1, _), (g2, slope) = gaps
        return bool(g2 > KINK_RTOL * max(1, slope) and g2 > g1 / 2)


def _slope_gap(f, h):
    """(|right − left| one-sided difference quotients at step h, the larger |quotient|), None if not finite."""
    f0 = f(0)
    left, right = (f0 - f(-h)) / h, (f(h) - f0) / h
    if not all(mpmath.isfinite(v) for v in (left, right)):
        return None
    return abs(right - left), max(abs(left), abs(right))


def _simpler(x, simplex: bool = False) -> list:
    if isinstance(x, (list, tuple)):
        options = [nice_numbers(v)[:4] for v in x]
        combos = [[opts[min(i, len(opts) - 1)] for opts in options] for i in range(4)]
        if simplex:  # simpler leading coordinates, the last one what keeps the sum at 1
            combos = [c[:-1] + [1.0 - math.fsum(c[:-1])] for c in combos]
        return combos + [list(x)]
    return nice_numbers(x)


def shrink_chord(chk: Checker, a, b, t, y, inside) -> tuple:
    """The simplest (a, b, t) near the given one that still breaks the chord inequality."""
    for a2, b2 in itertools.islice(_pairs(_simpler(a, chk.simplex), _simpler(b, chk.simplex)), 40):
        for t2 in (0.5, t):
            if inside(a2) and inside(b2) and a2 != b2 and chord_broken(chk, a2, b2, t2, y):
                return a2, b2, t2
    return a, b, t


def shrink_pair(chk: Checker, farther, closer, y, valid) -> tuple:
    """The simplest (farther, closer) near the given one still out of order; `valid` checks the geometry."""
    for f2, c2 in itertools.islice(_pairs(_simpler(farther, chk.simplex), _simpler(closer, chk.simplex)), 40):
        if valid(f2, c2) and pair_out_of_order(chk, f2, c2, y):
            return f2, c2
    return farther, closer


def _pairs(xs, ys):
    """Pairs ordered by combined simplicity (index sum), simplest first."""
    order = sorted(((i, j) for i in range(len(xs)) for j in range(len(ys))), key=lambda ij: (ij[0] + ij[1], ij))
    for i, j in order:
        yield xs[i], ys[j]


def evidence_rechecks(chk: Checker, prop: str, evidence: dict) -> bool:
    """Does a `fails` verdict's evidence still re-check at its own numbers (a cached verdict is input too)?

    Chords, out-of-order pairs and kinks are re-evaluated exactly; growth sequences (robustness,
    smoothness toward infinity) and sparsity's slopes keep the shape check the cache applies."""
    y = evidence.get("y_true")
    if "chord" in evidence:
        c = evidence["chord"]
        return chord_broken(chk, c["a"], c["b"], c["t"], y)
    if "farther" in evidence and "closer" in evidence:
        return pair_out_of_order(chk, evidence["farther"], evidence["closer"], y)
    if prop in ("differentiability", "smoothness") and "point" in evidence and "left_derivative" in evidence:
        return _kink_or_jump(chk, evidence, y)
    return True


def _kink_or_jump(chk: Checker, evidence: dict, y) -> bool:
    """A kink re-checks by its one-sided slopes; an infinite slope (a jump) by the values beside the point."""
    slopes = (evidence.get("left_derivative"), evidence.get("right_derivative"))
    if any(isinstance(s, str) for s in slopes):  # "inf", "nan": a jump or a point where L is undefined
        return True
    return kink_confirmed(chk, evidence["point"], y, evidence.get("direction"))
