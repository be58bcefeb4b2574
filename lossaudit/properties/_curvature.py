"""Where smoothness looks for curvature that blows up (scalar kinds): the exact limits of L'' at the
ends of the smooth spans (memoised per target; a translation-invariant loss analysed once), paths
approaching an end, |L''| in 50 digits for evidence, and the points where finite differences of a
callable are only rounding."""
from __future__ import annotations

import math

import numpy as np

from .. import numeric
from ..analysis import Context, fmt


def above_rounding(ctx: Context, points, y: float):
    """The path up to its first point where a finite-difference curvature is rounding: the error of
    (4 D(h/2) - D(h))/3 from a value f rounded to eps|f| is about 23 eps|f|/h^2 (32 taken), and a
    curvature below 100 times that is not read (a callable's L'' that levels off at 4e17 near 0
    would otherwise seem to grow as h^-2 below 1e-14). Exact and autodiff derivatives keep every point."""
    views = ctx.views
    if views.exact or views.engine is not None or len(points) == 0:
        return points
    x = np.asarray(points, dtype=float)
    room = np.minimum(x - ctx.dom.lo, ctx.dom.hi - x) * 0.25   # the step of numeric.fd_second
    h = np.minimum(1e-2 * np.maximum(1.0, np.abs(x)), np.where(np.isfinite(room) & (room > 0), room, np.inf))
    with np.errstate(all="ignore"):
        noise = 32 * np.finfo(float).eps * np.abs(views.value(x, y)) / h ** 2
        trusted = np.abs(views.d2(x, y)) > 100 * noise
    first_bad = int(np.argmin(trusted)) if not trusted.all() else x.size
    return x[:first_bad]


def edges(ctx: Context, y: float):
    """The exact limits of L'' at the ends of the smooth spans at target y (None: no exact spans)."""
    if not ctx.has_expression:
        return None
    from ..symbolic.limits import curvature_edges
    return ctx.once(edges_of, y, curvature_edges)


def edges_of(ctx: Context, y: float, curvature_edges):
    """A translation-invariant loss is analysed once, in the residual, and its edges moved to y."""
    from dataclasses import replace

    from .. import symbolic as S
    if not ctx.invariant():
        return curvature_edges(ctx.concrete_case(y), ctx.seconds)
    edges = ctx.once(shifted_edges, curvature_edges)
    shift = S.sym_number(y)
    return None if edges is None else [replace(e, point=e.point + shift, lo=e.lo + shift, hi=e.hi + shift)
                                       for e in edges]


def shifted_edges(ctx: Context, curvature_edges):
    return curvature_edges(ctx.proof_cases()[0], ctx.seconds)  # the shifted case (its cache shared with the proof)


def edge_path(ctx: Context, y: float, edge):
    """(label, points, decades to skip) approaching an end of a span from inside it; None if too short."""
    from .. import symbolic as S
    lo, hi = S.to_float(edge.lo), S.to_float(edge.hi)
    if math.isinf(S.to_float(edge.point)):
        d = 1 if edge.side == "-" else -1
        other = lo if d > 0 else hi
        start = ctx.center(y) if math.isinf(other) else other + d
        pts = numeric.gross_sequence(ctx.dom, start, d, decades=18, first_decade=-2)
        label, skip = f"y_pred -> {fmt(hi if d > 0 else lo)}", 2
    else:
        b, side = S.to_float(edge.point), 1 if edge.side == "+" else -1
        width = (hi - b) if side > 0 else (b - lo)
        pts = numeric.approach(b, side, min(max(1.0, abs(b)), width), decades=12)
        label, skip = f"y_pred -> {fmt(b)}{edge.side}", 0
    pts = pts[(pts > max(lo, ctx.dom.lo)) & (pts < min(hi, ctx.dom.hi))]
    return (label, pts, skip) if pts.size >= 4 else None


def mp_curvatures(ctx: Context, points, y: float) -> np.ndarray:
    """|L''| at the points in 50-digit arithmetic (expressions; callables: their careful values)."""
    fn = ctx.once(mp_d2)
    if fn is None:
        return np.asarray(ctx.views.precise_d2(points, y), dtype=float)
    return np.array([float(fn(float(p), float(y))) for p in points])


def mp_d2(ctx: Context):
    from .. import symbolic as S
    loss = ctx.loss
    if loss.expression is None:
        return None
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    positive = ctx.dom.positive
    d2 = S.derivative_in(S.derivative_in(loss.bound_expression, yp, positive), yp, positive)
    return S.mp_evaluator(d2, (yp, yt), dps=50)


def paths(ctx: Context, y: float) -> list:
    """(label, points, decades to skip in evidence) paths along which the curvature could blow up."""
    dom, c = ctx.dom, ctx.center(y)
    out = []
    for direction in (+1, -1):
        end = dom.hi if direction > 0 else dom.lo
        pts = numeric.gross_sequence(dom, c, direction, decades=18, first_decade=-2)
        label = f"y_pred -> {fmt(end)}"
        if pts.size >= 4:
            out.append((label, pts, 2 if math.isinf(end) else 0))
    for b in ctx.breakpoints(y):
        for side in (+1, -1):
            pts = numeric.approach(b, side, max(1.0, abs(b)), decades=12)
            pts = pts[(pts > dom.lo) & (pts < dom.hi)]
            if pts.size >= 4:
                out.append((f"y_pred -> {fmt(b)}{'+' if side > 0 else '-'}", pts, 0))
    return out
