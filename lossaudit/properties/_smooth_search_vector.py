"""Smoothness of vector losses by search: a gradient kink on the locus, Hessian growth toward the locus,
the domain's edges and infinity, else the sampled (and locally refined) sup of the Hessian's norm per target.

search(ctx) -> a `fails` Verdict, or {target: sampled sup of |Hessian|}.
"""
from __future__ import annotations

import math

import numpy as np

from .. import growth, numeric
from ..budget import probes
from ..analysis import Context, fmt
from ..curvature import spectral_norms
from ..verdict import COUNTEREXAMPLE, FAILS, Verdict

PROPERTY = "smoothness"


def search(ctx: Context):
    kink = ctx.vector_kink() if _has_branches(ctx) else None
    if kink is not None:
        y, point, d, left, right, _ = kink
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not smooth: at y_true = {fmt(y)} the gradient jumps along the direction {fmt(d)} through "
                       f"y_pred = {fmt(point)} (one-sided derivatives {fmt(left)} and {fmt(right)}).",
                       {"y_true": list(y), "point": point, "direction": d, "left_derivative": left,
                        "right_derivative": right}, {"constant": None})
    found = _locus_growth(ctx) if _has_branches(ctx) else None
    if found is not None:
        return found
    norms_by_target = {}
    for y in ctx.targets:
        Y = np.asarray(y, float)
        found = _vector_growth(ctx, y, Y)
        if found is not None:
            return found
        X = ctx.vector_samples(y, PROPERTY)
        norms = _hessian_norms(ctx, X, Y)
        norms_by_target[tuple(y)] = _refined_sup(ctx, X, Y, norms)
    return norms_by_target


def _vector_growth(ctx: Context, y, Y: np.ndarray):
    """A `fails` Verdict when the Hessian's norm grows without bound along some path toward an edge (its
    increments per decade do not shrink, growth.trend: p^(-1/2) toward a face grows, a Hessian that
    levels off near 1e8 converges), else None. The paths are evaluated in one batched call. A callable's
    Hessian is a finite difference: its rounding (growth.fd_noise, growing as room**-2 toward a face)
    bounds what a path may show, and growth must clear it at every decade read."""
    paths = _vector_paths(ctx, Y)
    if not ctx.views.dense:  # large K: each norm is a Lanczos run; the first paths (every kind of route)
        paths = paths[:probes(ctx.loss.K)]
    if not paths:
        return None
    X = np.concatenate([p[1] for p in paths])
    with np.errstate(all="ignore"):
        norms = _hessian_norms(ctx, X, Y)
    noise = _fd_hessian_noise(ctx, X, Y)
    if noise is not None:  # differences lost in rounding are no data
        norms = np.where(noise > FD_MEASURED * norms, np.nan, norms)
    at = np.cumsum([0] + [len(p[1]) for p in paths])
    for i, (label, P) in enumerate(paths):
        e = None if noise is None else noise[at[i]:at[i + 1]]
        if not growth.unbounded(norms[at[i]:at[i + 1]], per_decade=1, noise=e):  # a point a decade
            continue
        # float64 can fake growth far out (a callable's precise Hessian is the same finite difference)
        precise = norms[at[i]:at[i + 1]] if noise is not None else _hessian_norms(ctx, P, Y, precise=True)
        ok = np.isfinite(precise)
        if not (ok.sum() >= 4 and growth.unbounded(precise, per_decade=1, noise=e)):
            continue
        if _exact_limits_finite(ctx, paths[i], Y):
            continue  # every entry has a finite exact limit: the float growth is not real
        pick = numeric.decade_indices(precise[ok], per_decade=1)
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not smooth: at y_true = {fmt(y)} the Hessian's norm grows without bound as {label}: "
                       + ", ".join(f"{c:.6g} at {fmt(x)}" for x, c in zip(P[ok][pick][:4], precise[ok][pick][:4]))
                       + ", ...",
                       {"y_true": list(y), "toward": label, "points": P[ok][pick],
                        "curvatures": precise[ok][pick]}, {"constant": None})
    return None


FD_MEASURED = 1e-3  # a finite-difference norm whose rounding exceeds this fraction of it is not read
FD_HESSIAN_REL = 1e-3  # numeric.fd_hessian's relative step


def _fd_hessian_noise(ctx: Context, X: np.ndarray, Y: np.ndarray):
    """Per row of X, the rounding error of a callable's finite-difference Hessian norm (each entry's,
    growth.fd_noise of order 2, times K for the norm of K x K entries); None when the Hessian is exact
    (an expression's, or a callable's through automatic differentiation)."""
    if ctx.views.exact or ctx.views.engine is not None:
        return None
    with np.errstate(all="ignore"):
        L = ctx.views.value(X, Y)
    return ctx.loss.K * growth.fd_noise(ctx.loss.pred_domain.room(X), X, L, FD_HESSIAN_REL, 2)


def _exact_limits_finite(ctx: Context, route, Y: np.ndarray) -> bool:
    if not (ctx.has_expression and hasattr(route, "origin")):
        return False
    from ..symbolic.limits import hessian_limits_finite, rational
    at_y = {s: rational(v) for s, v in zip(ctx.loss.true_symbols, Y)}
    return bool(hessian_limits_finite(ctx.loss.bound_expression, ctx.loss.pred_symbols, at_y, route.origin,
                                      route.direction, route.infinite, ctx.seconds,
                                      ctx.loss.pred_domain.positive))



def _hessian_norms(ctx: Context, X: np.ndarray, Y: np.ndarray, precise: bool = False) -> np.ndarray:
    return spectral_norms(ctx.views, X, Y, precise)


def _refined_sup(ctx: Context, X: np.ndarray, Y: np.ndarray, norms: np.ndarray) -> float:
    """The largest Hessian norm among the samples, refined around the best few by rounds of shrinking
    random moves (along the simplex for the distribution kind), every round one batched evaluation."""
    ok = np.isfinite(norms)
    if not ok.any():
        return math.nan
    top = np.argsort(np.where(ok, -norms, np.inf))[:REFINE_SEEDS]
    if not ctx.views.dense:  # large K: each norm is a Lanczos run; the samples' best is the estimate
        precise = spectral_norms(ctx.views, X[top], Y, precise=True)
        precise = precise[np.isfinite(precise)]
        return numeric.tidy(float(max(precise.max() if precise.size else -1.0, norms[top][0])))
    seeds, best = X[top], norms[top].copy()
    rng = ctx.rng(PROPERTY, "refine", tuple(Y))
    scale = 0.1 * np.maximum(1.0, np.abs(seeds).max(axis=1))
    # never nearer the domain's edge than half the seed's own distance: finite differences there are noise
    floor = 0.5 * ctx.loss.pred_domain.room(seeds) if ctx.loss.pred_domain.room(seeds) is not None else None
    for _ in range(REFINE_ROUNDS):
        moves = _moves(ctx, seeds, scale, rng, floor)
        cand = moves.reshape(-1, X.shape[1])
        vals = _hessian_norms(ctx, cand, Y).reshape(seeds.shape[0], -1)
        vals = np.where(np.isfinite(vals), vals, -1.0)
        j = np.argmax(vals, axis=1)
        better = vals[np.arange(seeds.shape[0]), j] > best
        seeds[better] = moves[np.arange(seeds.shape[0]), j][better]
        best[better] = vals[np.arange(seeds.shape[0]), j][better]
        scale = np.where(better, scale, scale * 0.3)
    precise = _hessian_norms(ctx, seeds, Y, precise=True)  # far-out float values can be garbage
    precise = precise[np.isfinite(precise)]
    return numeric.tidy(float(precise.max())) if precise.size else numeric.tidy(float(best.max()))


REFINE_SEEDS, REFINE_ROUNDS, REFINE_MOVES = 8, 12, 16


def _moves(ctx: Context, seeds: np.ndarray, scale: np.ndarray, rng, floor) -> np.ndarray:
    """(n, REFINE_MOVES, K) points around each seed, inside the domain (on the simplex: tangent moves,
    shortened to keep every entry positive, then put back on it exactly in float)."""
    n, k = seeds.shape
    d = rng.standard_normal((n, REFINE_MOVES, k))
    if ctx.views.simplex:
        d -= d.mean(axis=2, keepdims=True)
        room = np.min(np.where(d < 0, seeds[:, None, :] / (-d + 1e-300), np.inf), axis=2)
        step = np.minimum(scale[:, None], 0.9 * room)
        pts = seeds[:, None, :] + step[:, :, None] * d
        pts = np.clip(pts, 1e-300, None)
        pts = pts / pts.sum(axis=2, keepdims=True)
    else:
        pts = seeds[:, None, :] + scale[:, None, None] * d
    flat = pts.reshape(-1, k)
    inside = ctx.loss.pred_domain.inside(flat)
    if floor is not None:
        room = ctx.loss.pred_domain.room(flat)
        inside &= room >= np.repeat(np.where(np.isfinite(floor), floor, 0.0), REFINE_MOVES)
    return np.where(inside.reshape(n, REFINE_MOVES)[:, :, None], pts, seeds[:, None, :])


def _locus_growth(ctx: Context):
    """A `fails` Verdict when the Hessian's norm grows without bound toward a point of the loss's singular
    locus (|r|**1.5 at r = 0: differentiable there, its Hessian ~ |r|**-0.5), else None."""
    steps = 10.0 ** -np.arange(1, 9, 1.0 / numeric.PER_DECADE)
    for y in ctx.targets[:3]:
        Y = np.asarray(y, float)
        for point, d, _ in ctx.locus_candidates(y)[:4]:
            X = np.asarray([float(v) for v in point])[None, :] + steps[:, None] * np.asarray(d)[None, :]
            X = X[ctx.loss.pred_domain.inside(X)]
            norms = _hessian_norms(ctx, X, Y, precise=True) if len(X) >= 4 else np.array([])
            ok = np.isfinite(norms)
            if ok.sum() >= 4 and numeric.growth(norms[ok]) == "unbounded":
                pick = numeric.decade_indices(norms[ok])
                label = f"y_pred approaches {fmt([float(v) for v in point])} along {fmt(d)}"
                return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                               f"Not smooth: at y_true = {fmt(y)} the Hessian's norm grows without bound as {label}.",
                               {"y_true": list(y), "toward": label, "points": X[ok][pick],
                                "curvatures": norms[ok][pick]}, {"constant": None})
    return None


def _has_branches(ctx: Context) -> bool:
    """May the gradient jump somewhere (a callable; an expression whose non-differentiability locus is
    not provably empty: a switch, or a root, division or log argument that may vanish)?"""
    return not ctx.has_expression or not ctx.locus()[0]


def _vector_paths(ctx: Context, Y: np.ndarray) -> list:
    """Paths toward the domain's edges and infinity: (label, points of shape (n, K))."""
    return ctx.loss.kind.edge_paths(Y, ctx.loss.pred_domain, ctx.loss.K, ctx.rng("vpaths", tuple(Y)))
