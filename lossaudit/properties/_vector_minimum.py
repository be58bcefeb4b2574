"""Is the minimum of a vector loss attained, and where? (sparsity's vector part)

A minimizer is decided, not assumed. Candidates: the ideal prediction when it lies in the open
domain, points on the non-differentiability locus (kinks.locus_points) and stationary points (a
local search from the best of the ideal path and the samples, refined). The best candidate is
accepted only when the loss is no lower anywhere along outward rays from it: the coordinate
directions both ways, the way to the ideal, radially out, down the gradient and a few random ones
(tangent to the simplex for distributions), out to 1e12 or geometrically to the domain's edge.

Along a ray where the loss falls below the candidate a new search starts from the lowest point; a
ray along which the loss keeps strictly falling to its end (compared in 200 digits for expressions)
shows an infimum approached only at infinity or at the edge: not attained (or, when the fall does
not slow down, unbounded below). Its points and values are the evidence.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analysis import Context

STEPS = 96                                   # points along a ray
RAY_S = np.logspace(-8, 12, STEPS)           # distances along a ray into an unbounded domain
INNER = np.logspace(-8, np.log10(0.5), STEPS // 2)      # toward a finite edge: fractions of the way,
EDGE_GAPS = np.logspace(-1, -15, STEPS - STEPS // 2)    # then the gap left, shrinking geometrically
ROUNDS = 3            # searches restarted from a lower point found along a ray
RANDOM_RAYS = 4
LOWER_RTOL = 1e-9     # a ray point lower than the candidate by more than this (relative) beats it
SUM_TO_ONE = {"type": "eq", "fun": lambda z: z.sum() - 1.0, "jac": lambda z: np.ones_like(z)}


@dataclass
class Fall:
    """A ray along which the loss keeps falling below every candidate to the ray's end."""
    direction: np.ndarray
    points: np.ndarray
    values: list
    unbounded: bool      # the fall does not slow down: unbounded below
    toward: str


def attained_minimizer(ctx: Context, chk, Y: np.ndarray, starts: list):
    """(minimizer, None), (None, Fall) or (None, None) when no candidate can be verified."""
    cands = _candidates(ctx, Y, starts)
    if not cands:
        return None, None
    x = min(cands, key=lambda c: _value(ctx, c, Y))
    for _ in range(ROUNDS):
        rays = _rays(ctx, Y, x)
        X = rays[0]
        with np.errstate(all="ignore"):
            V = ctx.views.value(X.reshape(-1, X.shape[-1]), Y).reshape(X.shape[:2])
        fall = _falling_ray(ctx, chk, Y, x, rays, V)
        if fall is not None:
            return None, fall
        base = _value(ctx, x, Y)
        lower = np.isfinite(V) & (V < base - LOWER_RTOL * max(1.0, abs(base)))
        if not lower.any():
            return x, None
        i, j = np.unravel_index(np.argmin(np.where(lower, V, np.inf)), V.shape)
        x = refine(ctx, Y, X[i, j])
    return None, None


def _value(ctx: Context, x, Y) -> float:
    with np.errstate(all="ignore"):
        v = float(ctx.views.value(np.asarray(x, float)[None, :], Y)[0])
    return v if np.isfinite(v) else np.inf


def _candidates(ctx: Context, Y: np.ndarray, starts: list) -> list:
    from .. import kinks
    dom = ctx.loss.pred_domain
    out = []
    if ctx.loss.kind.ideal_inside(Y, dom):
        out.append(Y.copy())
    for p in kinks.locus_points(ctx, tuple(Y)) or ():
        p = np.asarray(p, float)
        if p.shape == Y.shape and dom.inside(p)[0]:
            out.append(p)
    for s in starts:
        out.append(refine(ctx, Y, np.asarray(s, float)))
    return [c for c in out if np.all(np.isfinite(c)) and np.isfinite(_value(ctx, c, Y))]


def refine(ctx: Context, Y: np.ndarray, start) -> np.ndarray:
    """A local minimizer near `start`: L-BFGS-B with the gradient (bounded boxes: inside the box), SLSQP
    on the simplex (entries >= 1e-12, summing to 1); `start` itself when the search does not improve."""
    from scipy.optimize import minimize
    x0 = np.asarray(start, dtype=float)
    dom = ctx.loss.pred_domain

    def fun(z):
        with np.errstate(all="ignore"):
            v = float(ctx.views.value(z[None, :], Y)[0])
            g = ctx.views.grad(z[None, :], Y)[0]
        return (v, g) if np.isfinite(v) and np.all(np.isfinite(g)) else (1e300, np.zeros_like(z))
    try:
        if dom.on_simplex:
            res = minimize(fun, x0, jac=True, method="SLSQP", bounds=[(1e-12, 1.0)] * x0.size,
                           constraints=[SUM_TO_ONE],
                           options={"maxiter": 300, "ftol": 1e-15})
            res.x = res.x / res.x.sum()
        else:
            bounds = None if dom.is_real_line else [(dom.lo + 1e-12, dom.hi - 1e-12)] * x0.size
            res = minimize(fun, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                           options={"maxiter": 500, "gtol": 1e-12, "ftol": 1e-15})
        ok = bool(dom.inside(res.x)[0]) and np.isfinite(res.fun) and _value(ctx, res.x, Y) <= fun(x0)[0]
        return np.asarray(res.x if ok else x0, dtype=float)
    except (ValueError, FloatingPointError, ArithmeticError):
        return x0


def _directions(ctx: Context, Y: np.ndarray, x: np.ndarray) -> list:
    k = x.size
    eye = np.eye(k)
    dirs = list(eye) + list(-eye)
    if not ctx.loss.kind.rule.is_target:
        dirs.append(eye[int(np.argmax(Y))] - 1.0 / k)   # up the true class
    dirs.append(Y - x)
    dom = ctx.loss.pred_domain
    dirs.append(x - dom.centre(k) if dom.on_simplex or getattr(dom, "bounded", False) else x)
    with np.errstate(all="ignore"):
        g = ctx.views.grad(x[None, :], Y)[0]
    if np.all(np.isfinite(g)):
        dirs.append(-g)
    dirs += list(ctx.rng("vector-minimum-rays", tuple(Y)).standard_normal((RANDOM_RAYS, k)))
    out = []
    for d in dirs:
        if ctx.views.simplex:
            d = d - d.mean()
        n = float(np.linalg.norm(d))
        if n > 1e-12:
            out.append(d / n)
    return out


def _rays(ctx: Context, Y: np.ndarray, x: np.ndarray):
    """Points (rays, steps, K) along each direction from x, their distances s (for a bounded domain
    approaching the edge geometrically), the directions and the distances to the edge (inf: none)."""
    dom = ctx.loss.pred_domain
    dirs = _directions(ctx, Y, x)
    rows, steps, ends = [], [], []
    for d in dirs:
        end = _edge_distance(dom, x, d)
        s = RAY_S if not np.isfinite(end) else np.concatenate([end * INNER, end * (1 - EDGE_GAPS)])
        rows.append(x[None, :] + s[:, None] * d[None, :])
        steps.append(s)
        ends.append(end)
    return np.stack(rows), np.stack(steps), np.array(dirs), np.array(ends)


def _edge_distance(dom, x: np.ndarray, d: np.ndarray) -> float:
    """How far x can move along d and stay in the closed domain (inf when it never leaves)."""
    if dom.on_simplex:
        lo, hi = 0.0, np.inf
    else:
        lo, hi = dom.lo, dom.hi
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(d > 0, (hi - x) / d, np.where(d < 0, (lo - x) / d, np.inf))
    return float(np.min(t))


def _falling_ray(ctx: Context, chk, Y, x, rays, V) -> Fall | None:
    """The first ray (lowest end first) along which the loss keeps strictly falling, after which it
    never rises, to below the candidate x: for expressions decided on exact values (200 digits; float64
    cannot tell 34 + 1e-15 from 34), for callables on a stretch where the fall is visible in float64."""
    from ._minimum import EDGE_DIGITS
    X, S, dirs, ends = rays
    n = V.shape[1]
    for i in np.argsort(np.where(np.isfinite(V[:, -1]), V[:, -1], np.inf), kind="stable"):
        tail = V[i, n // 2:]
        if chk.exact and np.all(np.isfinite(tail)) and tail[-1] > tail.min() + 1e-9 * max(1.0, abs(tail.min())):
            continue  # rises visibly at the end: not a fall to an infimum
        with chk.precision(EDGE_DIGITS):
            if chk.exact:
                found = _exact_fall(chk, Y, x, X[i], S[i], dirs[i], ends[i])
            else:
                found = _float_fall(chk, Y, x, X[i], V[i])
        if found is not None:
            P, values = found
            return Fall(dirs[i], P, values, _without_bound(values), _toward(dirs[i], ends[i]))
    return None


def _float_fall(chk, Y, x, P, v):
    from ._minimum import keeps_falling
    window = _window(v)
    if window is None:
        return None
    values = [chk.value(list(p), list(Y)) for p in P[window]]
    if not (keeps_falling(chk, values) and chk.greater(chk.value(list(x), list(Y)), values[-1])):
        return None
    return P[window], [float(v) for v in values]


def _exact_fall(chk, Y, x, P, s, d, end):
    """Exact values along the ray: the last run of strict falls with no rise after it, resampled densely
    (16 points) over that run when it is short; (points, values) when they keep falling below L(x)."""
    from ._minimum import keeps_falling
    exact = [chk.value(list(p), list(Y)) for p in P]
    run = _exact_run(chk, exact)
    if run is None:
        return None
    a, b = run
    if b - a >= 8:
        pick = np.arange(max(a, b - 15), b + 1)
        points, values = P[pick], [exact[j] for j in pick]
    else:
        points = _dense(x, d, s[a], s[b], end)
        values = [chk.value(list(p), list(Y)) for p in points]
    if not (keeps_falling(chk, values) and chk.greater(chk.value(list(x), list(Y)), values[-1])):
        return None
    return points, [float(v) for v in values]


def _exact_run(chk, e: list):
    """(first, last) index of the last run of at least 2 strict falls, if nothing after it rises."""
    falls = [chk.greater(e[k], e[k + 1]) for k in range(len(e) - 1)]
    if not any(falls):
        return None
    b = max(k for k, f in enumerate(falls) if f) + 1
    if any(chk.greater(e[k + 1], e[k]) for k in range(b, len(e) - 1)):
        return None
    a = b
    while a > 0 and falls[a - 1]:
        a -= 1
    return (a, b) if b - a >= 2 else None


def _dense(x, d, s_a: float, s_b: float, end: float, count: int = 16) -> np.ndarray:
    """count points from x + s_a d to x + s_b d, geometric in s (unbounded) or in the gap to the edge."""
    if np.isfinite(end) and s_b > 0.5 * end:
        s = end - np.geomspace(end - s_a, end - s_b, count)
    else:
        s = np.geomspace(max(s_a, 1e-300), s_b, count)
    return x[None, :] + s[:, None] * d[None, :]


def _window(v: np.ndarray, width: int = 16):
    """Indices of the last stretch (8 to `width` points) of strictly falling finite values, after which
    the values never rise beyond rounding; None when there is none."""
    if not np.all(np.isfinite(v)):
        return None
    noise = 4e-16 * np.maximum(1.0, np.abs(v))
    fall = v[1:] < v[:-1] - noise[:-1]
    if not fall.any():
        return None
    end = int(np.flatnonzero(fall)[-1]) + 1
    start = end
    while start > 0 and fall[start - 1] and end - start < width - 1:
        start -= 1
    if end - start < 8 or np.any(v[end:] > v[end] + noise[end]):
        return None
    return np.arange(start, end + 1)


def _without_bound(values: list) -> bool:
    """The fall per step does not shrink (log or linear descent), where an approach to a finite infimum
    falls by ever smaller steps."""
    steps = -np.diff(np.asarray(values, dtype=float))
    return bool(steps.size >= 4 and np.all(np.isfinite(steps)) and steps[-1] >= 0.5 * steps[0] > 0)


def _toward(d: np.ndarray, end: float) -> str:
    from ..text import fmt
    where = "∞" if not np.isfinite(end) else "the domain's edge"
    return f"y_pred moves along {fmt(np.round(d, 3))} toward {where}"
