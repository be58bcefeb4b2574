"""Sparsity (promotes sparse output): a non-vanishing pull right up to the minimum.

Definition: for every valid target the minimum over ŷ is attained in the open
prediction domain, and as ŷ approaches the set of minimizers from outside,
|∂L/∂ŷ| stays bounded away from 0 (the loss has a kink where it reaches its
minimum). Then subgradient and proximal steps land exactly on the minimum, which
yields exact zeros (L1, pinball, hinge, ε-insensitive). Fails for a smooth minimum
(gradient → 0: squared, Huber, squared hinge), for a flat loss (0-1) and for a
minimum that is not attained (logistic, exponential, cross-entropy; on
probabilities with hard labels, a minimum at the domain's edge).

Method (per target):
1. Attainment: along paths toward each end of the domain, does the loss keep
   strictly decreasing (compared exactly for expressions)? Then the infimum is
   only approached: fails, with the points and values.
2. The minimizer set: the sample minimum, snapped to an exact breakpoint or
   refined to a stationary point, widened over a flat bottom ([y − ε, y + ε]).
3. The pull: the one-sided derivatives at the ends of that set, from outside
   (exact one-sided limits for expressions, Richardson otherwise); both must be
   bounded away from 0. They are the evidence (−1 and +1 for |r|; τ − 1 and τ
   for pinball). Vector kinds: gradient norms approaching the minimizer.
Proof (expressions): the loss is proved convex and its exact one-sided
derivatives at an exact minimizer (or at the ends of a flat bottom) are strictly
negative on the left and positive on the right.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import numeric
from ..analysis import Context, build_context, fmt
from ..kinds import FiniteSet, OneHot, Simplex, points_inside
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict
from ..witness import Checker

PROPERTY = "sparsity"
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


def decide(loss, budget) -> Verdict:
    ctx = build_context(loss, budget)
    if ctx.vector:
        return _vector(ctx)
    chk = Checker(loss)
    found = []
    for y in ctx.targets:
        m = _minimum(ctx, chk, y)
        if isinstance(m, Verdict):
            return m
        if not m.pull:
            return _no_pull(m)
        found.append(m)
    rep = max(found, key=lambda m: (m.y if not isinstance(m.y, (list, tuple)) else 0)) \
        if isinstance(ctx.loss.target_domain, FiniteSet) else found[0]
    evidence = _evidence(rep)
    pull = _pull_text(rep)
    if _proof(ctx):
        return Verdict(PROPERTY, HOLDS, PROOF,
                       f"Sparse: convex, and its exact one-sided derivatives pull toward the minimum for every "
                       f"target (at y_true = {fmt(rep.y)} {pull}).", evidence)
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"Sparse: the minimum is attained and the one-sided derivatives at it stay away from 0 for "
                   f"every audited target (at y_true = {fmt(rep.y)} {pull}).", evidence)


def _pull_text(m: Minimum) -> str:
    left = "flat to the left end" if math.isnan(m.left) else f"left derivative {fmt(m.left)}"
    right = "flat to the right end" if math.isnan(m.right) else f"right derivative {fmt(m.right)}"
    where = f"at {m.where()}" if m.lo == m.hi else f"on {m.where()}"
    return f"the minimum is reached {where}, with {left} and {right.replace('flat', 'it is flat')}"


def _not_attained(ctx: Context, chk: Checker, y, label: str) -> Verdict:
    d = 1 if label.endswith(fmt(ctx.dom.hi)) else -1
    points = numeric.gross_sequence(ctx.dom, ctx.center(y), d, decades=6)[::numeric.PER_DECADE][:6]
    with chk.precision(EDGE_DIGITS):
        values = [float(chk.value(float(p), y)) for p in points]
    keep = 1  # show the values while they still fall in float64 (e^-1000 prints as 0.0)
    while keep < len(values) and values[keep] < values[keep - 1]:
        keep += 1
    points, values = points[:keep], values[:keep]
    detail = (f"Not sparse: at y_true = {fmt(y)} the minimum is not attained in the open domain: the loss keeps "
              f"decreasing as {label} (" + ", ".join(f"L({fmt(p)}) = {v:.6g}" for p, v in zip(points[:3], values))
              + ", ...).")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"y_true": y, "minimizer": None, "toward": label, "points": points, "values": values})


def _no_pull(m: Minimum) -> Verdict:
    if math.isnan(m.left) and math.isnan(m.right):
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not sparse: at y_true = {fmt(m.y)} the loss is flat (its minimum value everywhere): "
                       "no pull toward any prediction.",
                       {"y_true": m.y, "minimizer": [m.lo, m.hi], "left_derivative": 0.0, "right_derivative": 0.0})
    smooth = m.left == 0 and m.right == 0 and m.lo == m.hi
    why = ("the gradient vanishes at the minimum (a smooth minimum)" if smooth else
           "the gradient vanishes as y_pred approaches the minimizers from outside")
    detail = f"Not sparse: at y_true = {fmt(m.y)} {_pull_text(m)}: {why}."
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, _evidence(m))


def _evidence(m: Minimum) -> dict:
    ev = {"y_true": m.y, "minimizer": m.lo if m.lo == m.hi else [m.lo, m.hi],
          "left_derivative": m.left, "right_derivative": m.right}
    if m.lo != m.hi:
        ev["minimizer_set"] = m.where()
    return ev


# ---------------------------------------------------------------------------
# Scalar predictions

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


def _minimum(ctx: Context, chk: Checker, y):
    """The minimizer set and the pull at its ends, or a `fails` Verdict when the infimum is not attained."""
    f = lambda z: ctx.views.value(z, y)  # noqa: E731
    x = _samples(ctx, y)
    v = f(x)
    ok = np.isfinite(v)
    x, v = x[ok], v[ok]
    mins = _minimizers(chk, x, v, y)
    edge = _asymptote(ctx, y, x, mins)
    if edge is not None:
        return _not_attained(ctx, chk, y, edge)
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
    st = ctx.structure(y)
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


def _proof(ctx: Context) -> bool:
    """Convex by proof, and at an exact minimizer the exact one-sided derivatives pull inward (every target)."""
    from .. import symbolic as S
    from ..analysis import one_sided_derivatives
    from .convexity import proof_rules
    if not ctx.has_expression or not ctx.covers_every_target() or not proof_rules(ctx):
        return False
    for case in ctx.proof_cases():
        st = S.structure(case, ctx.seconds)
        if st is None or not _exact_pull(case, st, ctx.seconds, one_sided_derivatives):
            return False
    return True


def _exact_pull(case, st, seconds, one_sided_derivatives) -> bool:
    """A convex piecewise function pulls toward its minimizers: strict signs at the ends of the flat bottom."""
    from .. import symbolic as S
    sides = {}
    for b in st.breakpoints:
        s = one_sided_derivatives(case, st, b, seconds)
        if s is None:
            return False
        sides[b] = s
    flat = [S.guarded(seconds, lambda e=p.expr: S.derivative(e).equals(0) is True, default=False)
            for p in st.pieces]
    # a single kinked minimizer
    for left, right, cont in sides.values():
        if cont and left < 0 < right:
            return True
    # a flat bottom: consecutive zero-slope pieces with inward pull at both finite ends
    n = len(st.pieces)
    i = 0
    while i < n:
        if not flat[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and flat[j + 1]:
            j += 1
        lo_end, hi_end = st.pieces[i].lo, st.pieces[j].hi
        ok_lo = lo_end == case.lo or (lo_end in sides and sides[lo_end][0] < 0 and sides[lo_end][2])
        ok_hi = hi_end == case.hi or (hi_end in sides and sides[hi_end][1] > 0 and sides[hi_end][2])
        if ok_lo and ok_hi and not (lo_end == case.lo and hi_end == case.hi):
            return True
        i = j + 1
    return False


# ---------------------------------------------------------------------------
# Vector predictions

def _vector(ctx: Context) -> Verdict:
    chk = Checker(ctx.loss)
    rep = None
    for y in ctx.targets:
        Y = np.asarray(y, dtype=float)
        if _inside(ctx, Y):
            x_star = _refine(ctx, Y, Y)
        else:
            path = _vector_ideal_path(ctx, Y)
            with chk.precision(EDGE_DIGITS):
                exact = [chk.value(list(p), list(y)) for p in path]
                falling = keeps_falling(chk, exact)
            if falling:
                idx = np.arange(0, len(path), numeric.PER_DECADE)[:5]
                return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                               f"Not sparse: at y_true = {fmt(y)} the minimum is not attained in the open domain: "
                               "the loss keeps decreasing toward the ideal prediction.",
                               {"y_true": list(y), "minimizer": None, "points": path[idx],
                                "values": [float(exact[i]) for i in idx]})
            x_star = _refine(ctx, Y, path[int(np.argmin([float(e) for e in exact]))])
        norms = _approach_norms(ctx, Y, x_star)
        if not norms and _flat_around(ctx, Y, x_star):
            return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                           f"Not sparse: at y_true = {fmt(y)} the loss is flat around its minimizer {fmt(x_star)}: "
                           "every direction keeps the minimum value, so nothing pulls toward a prediction.",
                           {"y_true": list(y), "minimizer": x_star, "gradient_norms": [0.0]})
        for direction, g in norms:
            if numeric.growth(g, per_decade=1) == "vanishing":
                return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                               f"Not sparse: at y_true = {fmt(y)} the gradient vanishes as y_pred approaches the "
                               f"minimizer {fmt(x_star)} from outside (|∇L| = {g[-1]:.3g} at distance 1e-8).",
                               {"y_true": list(y), "minimizer": x_star, "direction": direction,
                                "gradient_norms": g})
        if rep is None and norms:
            rep = (y, x_star, min(float(np.min(g)) for _, g in norms))
    if rep is None:
        return Verdict(PROPERTY, "unknown", "none", "Could not approach any minimizer from outside.", {})
    y, x_star, low = rep
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"Sparse: the minimum is attained and |∇L| stays at least {fmt(low)} approaching it "
                   f"(y_true = {fmt(y)}, minimizer {fmt(x_star)}).",
                   {"y_true": list(y), "minimizer": x_star, "min_gradient_norm": low})


def _inside(ctx: Context, Y: np.ndarray) -> bool:
    """Does the ideal prediction y_true lie in the open prediction domain (distribution, soft box targets)?"""
    if isinstance(ctx.loss.target_domain, OneHot):
        return False
    return bool(points_inside(ctx.loss.pred_domain, Y)[0])


def _refine(ctx: Context, Y: np.ndarray, start) -> list:
    """A local minimizer near `start` (L-BFGS-B with the gradient; the simplex keeps `start`)."""
    from scipy.optimize import minimize
    x0 = np.asarray(start, dtype=float)
    if ctx.views.simplex:
        return [float(v) for v in x0]
    dom = ctx.loss.pred_domain
    bounds = None if dom.is_real_line else [(dom.lo + 1e-12, dom.hi - 1e-12)] * x0.size

    def fun(z):
        return float(ctx.views.value(z[None, :], Y)[0]), ctx.views.grad(z[None, :], Y)[0]
    try:
        res = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": 500, "gtol": 1e-12, "ftol": 1e-15})
        better = np.isfinite(res.fun) and res.fun <= fun(x0)[0]
        return [float(v) for v in (res.x if better else x0)]
    except (ValueError, FloatingPointError):
        return [float(v) for v in x0]


def _vector_ideal_path(ctx: Context, Y: np.ndarray) -> np.ndarray:
    """Points moving toward the ideal prediction: up the true class (logits), or to y_true itself."""
    k = ctx.loss.K
    steps = 10.0 ** -(np.arange(12 * numeric.PER_DECADE) / numeric.PER_DECADE)
    if isinstance(ctx.loss.target_domain, OneHot):
        u = Y - 1.0 / k
        t = 10.0 ** (np.arange(-2 * numeric.PER_DECADE, 2 * numeric.PER_DECADE + 1) / numeric.PER_DECADE)
        return t[:, None] * u[None, :]
    dom = ctx.loss.pred_domain
    centre = np.full(k, 1.0 / k) if isinstance(dom, Simplex) else np.full(k, 0.5 * (dom.lo + dom.hi))
    return Y[None, :] + steps[:, None] * (centre - Y)[None, :]


def _approach_norms(ctx: Context, Y, x_star) -> list:
    """Gradient norms approaching the minimizer set from outside, along random directions.

    Along each direction d the loss stays at its minimum up to some distance s_e (0 for an
    isolated minimizer); the norms are taken at s_e + δ for δ = 0.1 ... 1e-8.
    """
    rng = ctx.rng("approach", tuple(Y))
    k = ctx.loss.K
    X0 = np.asarray(x_star, dtype=float)
    base = float(ctx.views.value(X0[None, :], Y)[0])
    tol = 1e-12 * max(1.0, abs(base))
    delta = 10.0 ** -np.arange(1, 9, dtype=float)
    out = []
    for _ in range(8):
        d = rng.standard_normal(k)
        if ctx.views.simplex:
            d -= d.mean()
        d /= np.linalg.norm(d)
        s_e = _exit_distance(ctx, Y, X0, d, base, tol)
        if s_e is None:
            continue
        P = X0[None, :] + (s_e + delta)[:, None] * d[None, :]
        if not np.all(points_inside(ctx.loss.pred_domain, P)):
            continue
        vals = ctx.views.value(P, Y)
        if not np.all(vals > base - tol):
            continue  # not a minimizer after all along this direction
        out.append((d, np.linalg.norm(ctx.views.grad(P, Y), axis=1)))
    return out


def _flat_around(ctx: Context, Y, x_star) -> bool:
    """Is the loss constant (to rounding) at sample points all over the domain?"""
    X = ctx.vector_samples(tuple(Y), "flat")
    values = ctx.views.value(X, Y)
    base = float(ctx.views.value(np.asarray(x_star)[None, :], Y)[0])
    return bool(np.all(np.abs(values - base) <= 1e-12 * max(1.0, abs(base))))


def _exit_distance(ctx, Y, X0, d, base, tol):
    """How far along d the loss stays at its minimum value (bisection); None if it never leaves."""
    s = 10.0 ** np.arange(-8, 2, 0.5)
    P = X0[None, :] + s[:, None] * d[None, :]
    ok = points_inside(ctx.loss.pred_domain, P)
    s, P = s[ok], P[ok]
    if s.size == 0:
        return None
    out = ctx.views.value(P, Y) > base + tol
    if out[0]:
        return 0.0
    if not out.any():
        return None
    j = int(np.argmax(out))
    lo, hi = s[j - 1], s[j]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if ctx.views.value((X0 + mid * d)[None, :], Y)[0] > base + tol:
            hi = mid
        else:
            lo = mid
    return hi
