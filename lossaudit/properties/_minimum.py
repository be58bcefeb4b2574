"""Where a scalar loss reaches its minimum, and how hard it pulls there (sparsity's search).

minimum(ctx, chk, y) finds the minimizer set of y_pred -> L(y_pred, y) among the
samples (snapped to exact breakpoints, refined to stationary points, widened over
a flat bottom) and the one-sided derivatives from outside it; or, when the loss
keeps falling toward an end of the domain, that end ('y_pred -> inf').
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import numeric
from ..analysis import Context, fmt
from ..witness import Checker

PROPERTY = "sparsity"  # the key of its sample grid (seeded by name)

EDGE_DIGITS = 200   # exp(-300) must stay distinguishable from 0 beside 1 when checking "keeps decreasing"


@dataclass
class Minimum:
    y: object
    lo: float              # the minimizer set from lo to hi (lo == hi: one point)
    hi: float
    left: float            # derivative approaching lo from the left (nan: nothing outside)
    right: float           # derivative approaching hi from the right
    pull: bool
    lo_open: bool = False  # lo itself is not a minimizer (the 0-1 loss: L(0) = 1 at y = 1)
    hi_open: bool = False

    def where(self) -> str:
        if self.lo == self.hi:
            return fmt(self.lo)
        return f"{'(' if self.lo_open or math.isinf(self.lo) else '['}{fmt(self.lo)}, " \
               f"{fmt(self.hi)}{')' if self.hi_open or math.isinf(self.hi) else ']'}"



def _samples(ctx: Context, y) -> np.ndarray:
    """Grid, breakpoints, and paths far toward each end of the domain (beyond the grid), sorted."""
    parts = [ctx.grid(y, PROPERTY), np.asarray(ctx.breakpoints(y), dtype=float)]
    for d in (+1, -1):
        end = ctx.dom.hi if d > 0 else ctx.dom.lo
        parts.append(numeric.gross_sequence(ctx.dom, ctx.center(y), d, decades=8 if math.isinf(end) else 12))
    return np.unique(np.concatenate(parts))


def _minimizers(chk: Checker, x: np.ndarray, v: np.ndarray, y) -> np.ndarray:
    """Indices of the samples at the minimum value, compared exactly for expressions (float64 underflow
    far out, |r|·exp(-|r|) = 0.0, must not pass for a minimum)."""
    m = float(np.min(v))
    near = np.flatnonzero(v <= m + 1e-12 * (1.0 + abs(m)))
    if not chk.exact:
        return np.flatnonzero(v <= m)
    if near.size > 3000:  # a huge flat bottom: thin it (its runs then show gaps, but stay flat)
        near = np.unique(np.concatenate([near[::max(1, near.size // 2000)], near[[0, -1]]]))
    with chk.precision(EDGE_DIGITS):
        exact = [chk.value(float(x[i]), y) for i in near]
        best = min(exact)
        return np.array([i for i, e in zip(near, exact) if not chk.greater(e, best)])


def _asymptote(ctx: Context, y, x: np.ndarray, mins: np.ndarray) -> str | None:
    """'y_pred -> end' when the lowest value sits at the outermost sample and the loss is still falling
    toward that end: an infimum approached, never attained (logistic as m -> inf, cross-entropy as p -> 1)."""
    for d, outer, tail in ((+1, x.size - 1, x[-8:]), (-1, 0, x[:8])):
        if outer not in mins:
            continue
        slopes = ctx.views.precise_d1(tail, y)
        if (np.all(np.isfinite(slopes)) and np.all(d * slopes < 0)) or _fades_out(ctx, y, d):
            return f"y_pred -> {fmt(ctx.dom.hi if d > 0 else ctx.dom.lo)}"
    return None


def _fades_out(ctx: Context, y, d: int) -> bool:
    """Along the path toward an end the loss falls steadily, then flattens only because the remaining
    gap sank below float resolution (1 - tanh m is 0.0 from m ~ 19): an asymptote, not a flat minimum,
    which a loss reaches with a sizable last step (the hinge: 0.4, then exactly 0)."""
    path = numeric.gross_sequence(ctx.dom, ctx.center(y), d, decades=8)
    v = ctx.views.value(path, y)
    if not np.all(np.isfinite(v)) or v.size < 5:
        return False
    steps = np.diff(v)
    if np.any(steps > 0):
        return False
    falling = np.flatnonzero(steps < 0)
    if falling.size < 4 or falling[-1] == steps.size - 1:
        return False  # still falling at the end: the derivative test speaks for that case
    first_gap, last_gap = v[0] - v[-1], v[falling[-1]] - v[-1]
    return bool(first_gap > 0 and last_gap <= 1e-12 * first_gap)


def keeps_falling(chk: Checker, values: list) -> bool:
    """Do the values along a path keep strictly decreasing to its end (an infimum never attained)?

    Exact values must fall at each of the last 8 steps. Float values (callables) may
    stall at the end once the remaining gap is below float resolution; they count as
    falling if they fell over at least 8 steps and the last gap was below 1e-9 of the
    first (an asymptote, not a kink into a flat minimum, which arrives with a sizable gap).
    """
    if len(values) < 8 or not all(chk.finite(v) for v in values[-8:]):
        return False
    if chk.exact:
        return all(chk.greater(values[i], values[i + 1]) for i in range(len(values) - 8, len(values) - 1))
    v = np.asarray([float(x) for x in values])
    steps = np.diff(v)
    if np.any(steps > 0):
        return False
    falling = np.flatnonzero(steps < 0)
    if falling.size < 8:
        return False
    floor = v[-1]
    first_gap, last_gap = v[0] - floor, v[falling[-1]] - floor
    return bool(first_gap > 0 and last_gap <= 1e-9 * first_gap)


def minimum(ctx: Context, chk: Checker, y):
    """The minimizer set and the pull at its ends, or 'y_pred -> end' when the infimum is not attained."""
    f = lambda z: ctx.views.value(z, y)  # noqa: E731
    x = _samples(ctx, y)
    v = f(x)
    ok = np.isfinite(v)
    x, v = x[ok], v[ok]
    mins = _minimizers(chk, x, v, y)
    edge = _asymptote(ctx, y, x, mins)
    if edge is not None:
        return edge
    i = int(mins[0])
    m = v[i]
    lo_i, hi_i = _run(mins, i)              # the stretch of minimizers around the first one
    lo, hi = float(x[lo_i]), float(x[hi_i])
    if lo == hi and not _is_breakpoint(ctx, y, lo):
        lo = hi = _stationary(ctx, y, x, i)
    lo = _snap_edge(ctx, y, x, lo_i, lo, -1)
    hi = _snap_edge(ctx, y, x, hi_i, hi, +1)
    lo_open, hi_open = (bool(float(f(np.array([e]))[0]) > m + 1e-12 * (1 + abs(m))) if math.isfinite(e) else False
                        for e in (lo, hi))
    left = right = math.nan
    if lo_i == 0 and _reaches_end(ctx, x, lo_i, -1):
        lo = ctx.dom.lo   # flat all the way to the end: nothing outside on this side
    else:
        left = _outside_slope(ctx, y, lo, -1)
    if hi_i == x.size - 1 and _reaches_end(ctx, x, hi_i, +1):
        hi = ctx.dom.hi
    else:
        right = _outside_slope(ctx, y, hi, +1)
    scale_l = 1 + abs(_slope_far(ctx, y, lo, -1))
    scale_r = 1 + abs(_slope_far(ctx, y, hi, +1))
    left, right = _zero_noise(left, scale_l), _zero_noise(right, scale_r)
    pull = all(math.isnan(s) or abs(s) > 1e-6 * sc for s, sc in ((left, scale_l), (right, scale_r)))
    pull = pull and not (math.isnan(left) and math.isnan(right))
    return Minimum(y, lo, hi, left, right, pull, lo_open, hi_open)


def _run(indices: np.ndarray, start: int) -> tuple[int, int]:
    """The maximal run of consecutive indices containing `start`."""
    members = set(int(j) for j in indices)
    lo = hi = start
    while lo - 1 in members:
        lo -= 1
    while hi + 1 in members:
        hi += 1
    return lo, hi


def _zero_noise(slope: float, scale: float) -> float:
    """A one-sided slope within rounding of 0 is 0."""
    return 0.0 if math.isfinite(slope) and abs(slope) < 1e-8 * scale else slope


def _is_breakpoint(ctx, y, x0) -> bool:
    return any(abs(b - x0) <= 1e-12 * max(1.0, abs(b)) for b in ctx.breakpoints(y))


def _stationary(ctx: Context, y, x, i) -> float:
    """Refine a smooth minimum to where the derivative changes sign (brentq on the exact or FD derivative)."""
    from scipy.optimize import brentq
    a, b = x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]
    g = lambda z: float(ctx.views.d1(np.array([z]), y)[0])  # noqa: E731
    try:
        ga, gb = g(a), g(b)
        if ga < 0 < gb:
            return float(brentq(g, a, b, xtol=1e-14, rtol=1e-14))
    except (ValueError, RuntimeError):
        pass
    return float(x[i])


def _snap_edge(ctx: Context, y, x, idx, edge, side) -> float:
    """Move the end of a flat bottom onto the breakpoint that bounds it, if one lies before the next sample."""
    nxt = idx + side
    if nxt < 0 or nxt >= x.size:
        return edge
    lo, hi = sorted((x[idx], x[nxt]))
    for b in ctx.breakpoints(y):
        if lo <= b <= hi:
            return float(b)
    return edge


def _reaches_end(ctx: Context, x, idx, side) -> bool:
    end = ctx.dom.hi if side > 0 else ctx.dom.lo
    return math.isinf(end) or abs(x[idx] - end) < 1e-6 * max(1.0, abs(end))


def _outside_slope(ctx: Context, y, point: float, side: int) -> float:
    """The derivative of L approaching `point` from `side` (outside the minimizer set)."""
    exact = _exact_slope(ctx, y, point, side)
    if exact is not None:
        return exact
    if ctx.views.exact and not _is_breakpoint(ctx, y, point):
        # no switch here: the exact derivative is continuous, its value is both one-sided limits
        return float(ctx.views.precise_d1(np.array([point]), y)[0])
    f = lambda z: ctx.views.value(z, y)  # noqa: E731
    left, right, _ = numeric.slope_gap(f, point, ctx.dom)
    return left if side < 0 else right


def _exact_slope(ctx: Context, y, point, side):
    from .. import symbolic as S
    if not ctx.has_expression:
        return None
    st = S.structure(ctx.concrete_case(y), ctx.seconds, approximate=True)  # exact, or crossings to 50 digits
    if st is None:
        return None
    for b in st.breakpoints:
        if abs(S.to_float(b) - point) <= 1e-12 * max(1.0, abs(point)):
            piece = st.piece_left_of(b) if side < 0 else st.piece_right_of(b)
            d = S.one_sided(S.derivative(piece.expr), b, "-" if side < 0 else "+", ctx.seconds)
            return None if d is None else S.to_float(d)
    return None


def _slope_far(ctx: Context, y, point, side) -> float:
    if math.isinf(point):
        return 0.0
    q = point + side * max(1.0, abs(point))
    if not ctx.dom.contains(q):
        return 0.0
    d = float(ctx.views.d1(np.array([q]), y)[0])
    return d if math.isfinite(d) else 0.0


