"""Kinks: where x ↦ L(x, y) switches branch, its one-sided derivatives there, and probing across them.

One place for what differentiability, smoothness, sparsity and convexity ask
about breakpoints: exact breakpoints and one-sided derivatives for expressions
(sympy structure), numeric location by zooming in for callables, and kinks
along lines through the domain for vector kinds. Functions take the analysis
`Context` (for its views, targets and memo); `Context` memoizes their results.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .domains import Interval


@dataclass(frozen=True)
class Kink:
    """A point where x ↦ L(x, y) is not differentiable: its one-sided derivatives (±inf for a jump)."""

    point: float
    left: float
    right: float
    jump: bool = False       # the value itself jumps (not continuous there)
    exact: object = None     # the sympy number, when known exactly


class VectorKink(NamedTuple):
    """A confirmed kink along a line through a vector prediction domain."""

    y: tuple
    point: list
    direction: list
    left: float
    right: float
    jump: bool


@dataclass(frozen=True)
class VectorScan:
    """What scanning lines through the domain found: the first confirmed kink (or None), and whether
    any line met a switch of |.|, max, ... inside the domain (or was scanned numerically, which makes
    no claim that nothing switches)."""

    kink: VectorKink | None
    switches: bool


# ---------------------------------------------------------------------------
# Scalar kinds

def breakpoints(ctx, y: float) -> list[float]:
    """Where x ↦ L(x, y) switches branch or may lose smoothness: exact when possible, else the crossings
    isolated numerically (50-digit roots) together with the kinks found numerically."""
    from .symbolic import structure, to_float
    if not ctx.has_expression:
        return numeric_kinks(ctx, y)
    st = ctx.structure(y)
    if st is not None:
        return [to_float(b) for b in st.breakpoints]
    isolated = structure(ctx.concrete_case(y), ctx.seconds, approximate=True)
    found = [to_float(b) for b in isolated.breakpoints] if isolated is not None else []
    for b in numeric_kinks(ctx, y):
        if not any(abs(b - k) <= 1e-9 * max(1.0, abs(k)) for k in found):
            found.append(b)
    return sorted(found)


def numeric_kinks(ctx, y: float) -> list[float]:
    from .numeric import scalar_grid
    grid = scalar_grid(ctx.dom, ctx.center(y), ctx.rng("kinks", y), 400)
    f = lambda x: ctx.views.value(x, y)  # noqa: E731
    return find_kinks(f, grid, ctx.dom)


def kinks(ctx, y: float) -> list:
    """The kinks (and jumps) of x ↦ L(x, y), with their one-sided derivatives.

    From the exact structure when there is one; else the kinks at the crossings isolated numerically
    (`structure(..., approximate=True)`: exact one-sided derivatives at 50-digit roots) together with
    those found numerically elsewhere."""
    found = exact_kinks_of(ctx.concrete_case(y), ctx.seconds) if ctx.has_expression else None
    if found is not None:
        return found
    isolated = exact_kinks_of(ctx.concrete_case(y), ctx.seconds, approximate=True) if ctx.has_expression else None
    found = list(isolated or [])
    f = lambda x: ctx.views.value(x, y)  # noqa: E731
    for b in ctx.breakpoints(y):
        if any(abs(b - k.point) <= 1e-9 * max(1.0, abs(b)) for k in found):
            continue
        left, right, is_kink = slope_gap(f, b, ctx.dom)
        if is_kink:
            found.append(Kink(b, left, right, value_jumps(f, b, ctx.dom)))
    return sorted(found, key=lambda k: k.point)


def exact_kinks_at(ctx, y: float):
    """Kinks at a target outside the audited ones (exact structure only; not cached)."""
    from . import symbolic as S
    case = S.concrete_case(ctx.loss, y)
    return exact_kinks_of(case, ctx.seconds)


def exact_kinks_of(case, seconds, approximate: bool = False):
    """The kinks of one symbolic case from its exact structure, or None when the structure is unknown.
    With `approximate`, crossings sympy cannot solve count too (roots isolated to 50 digits)."""
    from . import symbolic as S
    st = S.structure(case, seconds, approximate=approximate)
    if st is None:
        return None
    found = []
    for b in st.breakpoints:
        sides = one_sided_derivatives(case, st, b, seconds)
        if sides is None:
            return None
        left, right, continuous = sides
        if not (left == right and math.isfinite(left)):
            found.append(Kink(S.to_float(b), left, right, not continuous, b))
    return found


def exact_confirmer(ctx):
    """confirm(kink, y): a kink of the exact structure re-checks in the exact reading of the loss.

    The loss's decimals as the rationals they are written as (what the structure solved), evaluated
    in 60-digit arithmetic at the kink's exact point (60 digits of sqrt(3/10), of 1/1000): the
    one-sided difference quotients with h = 1e-20 differ. A float beside an irrational kink, or beside
    a decimal that is no binary float, misses it by more than h; its exact value does not."""
    import mpmath

    from .symbolic import mp_evaluator
    loss = ctx.loss
    if loss.expression is None or loss.kind.vector:
        return lambda kink, y: False
    mp = mp_evaluator(loss.exact_expression, loss.pred_symbols + loss.true_symbols, dps=60)

    def confirm(kink: Kink, y) -> bool:
        if kink.exact is None or not kink.exact.is_number:
            return False
        with mpmath.workdps(60):
            # the target as the decimal it is written as (0.1, not the binary float beside it)
            x, t = mpmath.mpf(str(kink.exact.evalf(60))), mpmath.mpf(repr(float(y)))
            h = mpmath.mpf(10) ** -20 * max(1, abs(x))
            f0, fl, fr = mp(x, t), mp(x - h, t), mp(x + h, t)
            if not all(mpmath.isfinite(v) for v in (f0, fl, fr)):
                return False
            left, right = (f0 - fl) / h, (fr - f0) / h
            return bool(abs(right - left) > mpmath.mpf(10) ** -8 * max(1, abs(left), abs(right)))
    return confirm


def one_sided_derivatives(case, st, b, seconds):
    """(left, right, continuous): one-sided derivatives at breakpoint b, exactly; ±inf where the value jumps."""
    from . import symbolic as S
    left_piece, right_piece = st.piece_left_of(b), st.piece_right_of(b)
    limits = [S.one_sided(p.expr, b, side, seconds) for p, side in ((left_piece, "-"), (right_piece, "+"))]
    fb = S.value_at(case, b, seconds)
    if fb is None or not S.is_finite_number(fb) or None in limits:
        return None
    out = []
    continuous = True
    for side, limit, piece in (("-", limits[0], left_piece), ("+", limits[1], right_piece)):
        gap = S.sign_of(fb - limit) if S.is_finite_number(limit) else None
        if gap is None and not S.is_finite_number(limit):
            return None
        if gap:
            # the value jumps: the difference quotient runs off to ±inf
            continuous = False
            out.append(math.copysign(math.inf, gap if side == "-" else -gap))
            continue
        d = S.one_sided(S.derivative(piece.expr), b, side, seconds)
        if d is None:
            return None
        out.append(S.to_float(d))
    return out[0], out[1], continuous


# ---------------------------------------------------------------------------
# Kinks of a one-dimensional function, found numerically (callables; expressions solve for them)

def find_kinks(f, grid: np.ndarray, dom: Interval, max_kinks: int = 12) -> list[float]:
    """Points where the slope of f jumps, located to ~1e-12 relative by zooming in.

    At a kink the largest jump between neighbouring difference quotients stays of
    the same size as the window shrinks; for a smooth f it shrinks with the window.
    All candidates are zoomed together, one vectorised call of f per step.
    """
    x = np.asarray(grid, dtype=float)
    v = f(x)
    ok = np.isfinite(v)
    x, v = x[ok], v[ok]
    if x.size < 5:
        return []
    s = np.diff(v) / np.diff(x)
    jumps = np.abs(np.diff(s))
    score = jumps / (np.abs(s[:-1]) + np.abs(s[1:]) + 1e-300)
    cand = np.flatnonzero(score > 1e-3)
    if cand.size == 0:
        return []
    cand = cand[np.argsort(-score[cand])][:1000]
    centre, half = x[cand + 1], np.maximum(x[cand + 2] - x[cand + 1], x[cand + 1] - x[cand])
    history: list = []
    t = np.linspace(-1.0, 1.0, 9)
    for _ in range(60):
        pts = centre[:, None] + half[:, None] * t[None, :]
        vals = f(pts.ravel()).reshape(pts.shape)
        with np.errstate(all="ignore"):
            sl = np.diff(vals, axis=1) / np.diff(pts, axis=1)
        jm = np.abs(np.diff(sl, axis=1))
        jm = np.where(np.isfinite(jm), jm, 0.0)
        j = np.argmax(jm, axis=1)
        best = jm[np.arange(jm.shape[0]), j]
        # a kink keeps its jump as the window halves; a smooth bend loses it (1/8 over 3 halvings)
        keep = best >= 0.3 * history[-3] if len(history) >= 3 else np.ones(best.size, dtype=bool)
        history = [h[keep] for h in history] + [best[keep]]
        centre, half = pts[np.arange(pts.shape[0]), j + 1][keep], half[keep] / 2
        if centre.size == 0 or np.all(half <= 1e-13 * np.maximum(1.0, np.abs(centre))):
            break
    alive = np.ones(centre.size, dtype=bool)
    found: list[float] = []
    for c, live in zip(centre, alive):
        if not live or not (dom.lo < c < dom.hi):
            continue
        c = snap(c, lambda z: slope_gap(f, z, dom)[2])
        if c is not None and all(abs(c - k) > 1e-8 * max(1.0, abs(c)) for k in found):
            found.append(float(c))
        if len(found) >= max_kinks:
            break
    return sorted(found)


def snap(x: float, ok) -> float | None:
    """The simplest number within 1e-9 (relative) of x for which ok(number) holds; None if none does."""
    from .numeric import nice_numbers
    for nice in [0.0] + nice_numbers(x):
        if abs(nice - x) <= 1e-9 * max(1.0, abs(x)) and ok(nice):
            return nice
    return None


EPS = float(np.finfo(float).eps)
NOISE_ULPS = 16.0      # rounding of one float64 evaluation of a loss, generously (a few operations)
STEPS = 10.0 ** -np.arange(2, 13, dtype=float)


def _scale(x0: float) -> float:
    """The size steps at x0 are relative to: |x0| (a feature at 1e-7 is resolved at 1e-9, not 1e-2), 1 at 0."""
    return abs(x0) or 1.0


def slope_gap(f, x0: float, dom: Interval) -> tuple[float, float, bool]:
    """(left slope, right slope, is a kink) at x0.

    f may carry `step_scale(x0)` (the size steps are relative to, default |x0| or 1) and
    `noise_floor(x0)` (an absolute rounding floor of its values near x0), see vector_kinks.LineFunction.

    A kink's one-sided difference quotients converge to different limits; at a
    point like 0 for |x|^1.5 they differ at every step but their gap shrinks with h.
    A quotient with step h carries rounding noise ~ eps·|f|/h: steps where that noise is
    not far below the quotients are dropped, and a gap must stand far above the noise of
    its step, so a value that differs by rounding across a breakpoint (Huber at t = 1.345
    in float64) is no kink.
    """
    hs = getattr(f, "step_scale", _scale)(x0) * STEPS
    hs = hs[(x0 - hs > dom.lo) & (x0 + hs < dom.hi)]
    if hs.size < 4:
        return math.nan, math.nan, False
    f0 = f(np.array([x0]))[0]
    # a function that reports its own rounding (a line through a vector loss: terms that cancel near 0
    # err by eps times the terms, not eps·|f|) adds that floor to every quotient's noise
    floor = getattr(f, "noise_floor", lambda _: 0.0)(x0)
    with np.errstate(all="ignore"):
        fr, fl = f(x0 + hs), f(x0 - hs)
        right, left = (fr - f0) / hs, (f0 - fl) / hs
        noise = (NOISE_ULPS * EPS * (abs(f0) + np.maximum(np.abs(fr), np.abs(fl))) + floor) / hs
    if not (np.all(np.isfinite(right)) and np.all(np.isfinite(left))) or not np.isfinite(f0):
        return math.nan, math.nan, False
    jump = abs(fr[-1] - f0) + abs(f0 - fl[-1])
    gap = np.abs(right - left)
    if jump > max(1e-6 * max(1.0, abs(f0)), 1e6 * NOISE_ULPS * EPS * abs(f0)) and gap[-1] > 1e3 * max(1.0, gap[0]):
        return _limit(left), _limit(right), True  # a jump in the value itself
    clean = int(np.sum(np.cumprod(noise < 1e-3 * np.maximum(np.abs(left), np.abs(right)))))
    if clean < 4:
        return math.nan, math.nan, False  # rounding drowns the quotients (a flat stretch far from 0)
    left, right, gap, noise = left[:clean], right[:clean], gap[:clean], noise[:clean]
    scale = max(1.0, float(np.max(np.abs(left[-3:]))), float(np.max(np.abs(right[-3:]))))
    # a kink's gap stays put as h shrinks: a smooth bend's shrinks with h, rounding's grows like 1/h
    # (cosh(r) - 1 near 0 cancels against 1: its error is not eps·|f|)
    steady = bool(np.all(gap[-3:] > 0.5 * gap[-3:].max()))
    kink = gap[-1] > max(1e-6 * scale, 100 * noise[-1]) and steady
    return _limit(left), _limit(right), bool(kink)


def value_jumps(f, x0: float, dom: Interval) -> bool:
    """Does f itself jump at x0 (its one-sided limits differ from each other or from f(x0)) by more
    than rounding?"""
    hs = _scale(x0) * 10.0 ** -np.arange(6, 11, dtype=float)
    hs = hs[(x0 - hs > dom.lo) & (x0 + hs < dom.hi)]
    if hs.size < 2:
        return False
    f0 = f(np.array([x0]))[0]
    gaps = np.maximum(np.abs(f(x0 + hs) - f0), np.abs(f(x0 - hs) - f0))
    floor = max(1e-6 * max(1.0, abs(f0)), 1e6 * NOISE_ULPS * EPS * abs(f0))
    return bool(gaps[-1] > floor and gaps[-1] > 0.5 * gaps[0])


def _limit(q: np.ndarray) -> float:
    """The limit of difference quotients at steps falling tenfold (the clean ones, above rounding):
    extrapolated, or ±inf if they blow up."""
    if abs(q[-1]) > 1e3 * max(1.0, abs(q[0])):
        return math.copysign(math.inf, q[-1])
    rich = (10 * q[1:] - q[:-1]) / 9  # h falls tenfold: this cancels the O(h) error
    if rich.size < 3:
        return float(rich[-1])
    # where two successive estimates agree best: truncation (large h, or a nearby feature at a smaller
    # scale) and rounding (small h) both lie away from there
    j = int(np.argmin(np.abs(np.diff(rich)))) + 1
    return float(rich[j])


class LineFunction:
    """s ↦ L(P + s·D, y) for a callable, evaluated in batches and never off the line's span (a zoom
    window near an edge reaches past it: no NaN is logged for a point the domain does not hold).

    It tells kinks.slope_gap two things a scalar variable does not need: steps are relative to the
    point's own coordinates (s = 1e-9 near the base point is no reason for steps of 1e-21, which do not
    move a coordinate of size 1), and its values' rounding is measured, not taken as eps·|L| (a
    divergence near its zero is a sum of O(1) terms that cancel: its error is eps times the terms)."""

    def __init__(self, ctx, p, d, y, lo: float, hi: float):
        self.ctx, self.lo, self.hi = ctx, lo, hi
        self.P, self.D, self.Y = (np.asarray(v, float) for v in (p, d, y))

    def __call__(self, s):
        s = np.atleast_1d(np.asarray(s, float))
        X = self.P[None, :] + s[:, None] * self.D[None, :]
        ok = (s > self.lo) & (s < self.hi) & np.asarray(self.ctx.loss.pred_domain.inside(X)).reshape(-1)
        out = np.full(s.shape, np.nan)
        if ok.any():
            out[ok] = self.ctx.views.value(X[ok], self.Y)
        return out

    def step_scale(self, s0: float) -> float:
        """The smallest |x_k| / |d_k| over the moving, nonzero coordinates at s0 (a clip at x_k = 1e-7 is
        resolved at 1e-9 of it), or |s0|, whichever is larger; 1 when neither is known."""
        X = self.P + s0 * self.D
        moving = (self.D != 0) & (X != 0)
        own = float(np.min(np.abs(X[moving]) / np.abs(self.D[moving]))) if moving.any() else 0.0
        return max(abs(s0), own) or 1.0

    def noise_floor(self, s0: float) -> float:
        """How far the values move under a few ulps of the point: their rounding (and the slope's share
        of a last-bit change), the floor under every difference quotient at s0."""
        X = self.P + s0 * self.D
        ds = 4 * EPS * max(float(np.max(np.abs(X))), 1e-300) / float(np.max(np.abs(self.D)))
        v = self(s0 + ds * np.arange(-4, 5, dtype=float))
        v = v[np.isfinite(v)]
        return float(np.max(np.abs(v - v[v.size // 2]))) if v.size == 9 else 0.0


# Vector kinds (lines through the domain, the locus): in vector_kinks, re-exported here
from .vector_kinks import line_kinks, lines, locus_points, vector_scan  # noqa: E402, F401
