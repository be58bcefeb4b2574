"""Where thin features of a vector loss lie, for monotonicity's search: starts a decade at a time toward
each edge of the domain (the other coordinates at the target's, their proportions on the simplex) and
beside the loss's known kink points, and segments read at fine steps from their start.

A clip at p_j = 1e-7 flattens a term over a stretch 1e-7 wide beside the simplex's face: from a start
inside it, moving toward the ideal raises the loss by ~1e-8 before the clip lets go, which segments
sampled at 10 % of their length never see.
"""
from __future__ import annotations

import numpy as np

from ..analysis import Context


FINE_STEPS = np.concatenate([np.array([1.0, 2.0, 5.0]) * 10.0 ** -e for e in range(13, 0, -1)])  # 1e-13 ... 5e-1


def fine_start(seg: np.ndarray) -> np.ndarray:
    """The segments with points at FINE_STEPS of their length from their start inserted after it: a
    feature right beside the start (a flat stretch 1e-7 long) lies between the first two points."""
    d = seg[:, -1] - seg[:, 0]
    fine = seg[:, :1] + FINE_STEPS[None, :, None] * d[:, None, :]
    first = np.linalg.norm(seg[:, 1] - seg[:, 0], axis=1)
    keep = FINE_STEPS[None, :] * np.linalg.norm(d, axis=1)[:, None] < first[:, None]
    fine = np.where(keep[:, :, None], fine, seg[:, 1:2])  # never past the segment's own second point
    return np.concatenate([seg[:, :1], fine, seg[:, 1:]], axis=1)


STRUCTURAL_LOCUS = 8  # kink points of the loss used as starts, per target


def structural_starts(ctx: Context, y, Y: np.ndarray) -> np.ndarray:
    """Starts where the structure puts thin features: a decade at a time toward each edge of the domain
    with the other coordinates at the target's (their proportions on the simplex), and beside each known
    kink point, on the side away from the ideal and toward it, at 1e-1 to 1e-10 of its distance."""
    out = [_toward_edges(ctx, Y)]
    pts = _locus_points(ctx, y)[:STRUCTURAL_LOCUS]
    if pts:
        P = np.asarray(pts, dtype=float)
        h = 10.0 ** -np.arange(1, 11, dtype=float)
        D = Y[None, :] - P
        near = np.concatenate([P[:, None, :] - sgn * h[None, :, None] * D[:, None, :] for sgn in (1, -1)], axis=1)
        near = np.concatenate([P, near.reshape(-1, P.shape[1])])
        out.append(near[ctx.loss.pred_domain.inside(near)])
    return np.concatenate(out)


def _locus_points(ctx: Context, y) -> list:
    """The loss's kink points for y (memoised: sparsity reads them too), for the first SPECIAL_TARGETS
    targets (a callable's are found by scanning lines: seconds each), when the ideal is the target."""
    from ..vector_kinks import SPECIAL_TARGETS, locus_points
    if not ctx.loss.kind.ideal_is_target or y in ctx.targets and ctx.targets.index(y) >= SPECIAL_TARGETS:
        return []
    return locus_points(ctx, y)


def _toward_edges(ctx: Context, Y: np.ndarray) -> np.ndarray:
    dom, k = ctx.loss.pred_domain, ctx.loss.K
    depth = 10.0 ** -np.arange(1, 13, dtype=float)
    rows = []
    if dom.on_simplex:
        for i in range(min(k, EDGE_COORDINATES)):
            rest = np.delete(Y, i)
            if rest.sum() <= 0:
                continue
            X = np.zeros((depth.size, k))
            X[:, i] = depth
            X[:, np.arange(k) != i] = (1 - depth)[:, None] * (rest / rest.sum())[None, :]
            rows.append(X)
    elif dom.bounded and np.all((Y >= dom.lo) & (Y <= dom.hi)):
        base = np.clip(Y, dom.lo + 1e-3 * (dom.hi - dom.lo), dom.hi - 1e-3 * (dom.hi - dom.lo))
        for j in range(min(k, EDGE_COORDINATES)):
            for end in (dom.lo, dom.hi):
                X = np.tile(base, (depth.size, 1))
                X[:, j] = end + np.sign(base[j] - end) * (dom.hi - dom.lo) * depth
                rows.append(X)
    if not rows:
        return np.zeros((0, k))
    X = np.concatenate(rows)
    return X[ctx.loss.pred_domain.inside(X)]


EDGE_COORDINATES = 8  # coordinates whose edges are approached: every one up to K = 8
