"""Is y_pred -> L(y_pred, y) bounded below? A loss that falls without bound has no minimum.

unbounded_below(ctx, chk, y, m) looks, before a sampled minimizer m is accepted, for a
point the loss falls toward without bound: for expressions an end of a smooth piece (a
pole, a log's zero, a finite end of the domain) whose one-sided limit is exactly -oo;
otherwise (callables, or no structure) a breakpoint or an end of the sampled minimizer
set approached geometrically, along which the loss keeps falling by steps that do not
shrink (a convergent approach, like |r| -> 0, falls by steps that shrink tenfold).
The infinite ends of the domain are the asymptote check's (_minimum); at_infinity
tells whether such an end is approached without bound.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..analysis import Context, fmt
from ..witness import Checker

DECADES = (1, 2, 3, 6, 9, 12)   # the approach: at distance scale * 10^-k from the point


@dataclass
class Descent:
    toward: str     # 'y_pred -> 0 from the left'
    points: list
    values: list    # strictly falling along the points, without bound


def unbounded_below(ctx: Context, chk: Checker, y, m) -> Descent | None:
    """A path along which the loss falls without bound toward a finite point, else None."""
    exact = ctx.has_expression and ctx.structure(y) is not None
    for point, side, width, exact_point in _candidates(ctx, y, m):
        points = _approach(ctx, point, side, width)
        if len(points) < 3:
            continue
        values = _values(chk, points, y)
        if not _falling(values):
            continue
        if exact and not _limit_is_minus_infinity(ctx, y, exact_point, side):
            continue
        if not exact and not _steps_keep_up(points, values, point):
            continue
        where = "from the left" if side < 0 else "from the right"
        return Descent(f"y_pred -> {fmt(point)} {where}", points, values)
    return None


def at_infinity(ctx: Context, y, d: int) -> bool:
    """Is the limit of the loss toward the infinite end d (±1) exactly -oo (expressions only)?"""
    from .. import symbolic as S
    end = ctx.dom.hi if d > 0 else ctx.dom.lo
    if not (ctx.has_expression and math.isinf(end) and ctx.structure(y) is not None):
        return False
    return _limit_is_minus_infinity(ctx, y, S.sp.oo if d > 0 else -S.sp.oo, -d)


def _candidates(ctx: Context, y, m) -> list:
    """(point, side, room, exact point): the finite ends of the smooth pieces (expressions), else the
    breakpoints and the ends of the sampled minimizer set, approached from each side."""
    from .. import symbolic as S
    st = ctx.structure(y) if ctx.has_expression else None
    out = []
    if st is not None:
        for piece in st.pieces:
            width = S.to_float(piece.hi - piece.lo) if piece.hi != S.sp.oo and piece.lo != -S.sp.oo else math.inf
            for end, side in ((piece.lo, +1), (piece.hi, -1)):
                if end not in (S.sp.oo, -S.sp.oo):
                    out.append((S.to_float(end), side, width, end))  # approached from inside the piece
        return out
    points = sorted({float(p) for p in ctx.breakpoints(y)} | {float(m.lo), float(m.hi)})
    return [(p, s, math.inf, None) for p in points if math.isfinite(p) for s in (-1, +1)]


def _approach(ctx: Context, point: float, side: int, width: float) -> list:
    """Points at distance scale * 10^-k from `point` on `side`, inside the domain and the piece."""
    scale = min(max(1.0, abs(point)), width)
    out = []
    for k in DECADES:
        p = point + side * scale * 10.0 ** -k
        if p != point and ctx.dom.contains(p) and (not out or p != out[-1]):
            out.append(float(p))
    return out


def _values(chk: Checker, points: list, y) -> list:
    from ._minimum import EDGE_DIGITS
    with chk.precision(EDGE_DIGITS):
        return [float(chk.value(p, y)) for p in points]


def _falling(values: list) -> bool:
    """Finite and strictly falling at every step, beyond rounding."""
    v = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(v)):
        return False
    steps = np.diff(v)
    return bool(np.all(steps < -1e-9 * np.maximum(1.0, np.abs(v[1:]))))


def _steps_keep_up(points: list, values: list, point: float) -> bool:
    """Numerically: the fall per decade of distance does not shrink (log|r|: constant; 1/r: tenfold
    growth), where a bounded approach falls by ever smaller steps."""
    decades = np.log10(np.abs(np.asarray(points) - point))
    per_decade = -np.diff(values) / -np.diff(decades)
    return bool(per_decade[-1] >= 0.5 * per_decade[0] > 0)


def _limit_is_minus_infinity(ctx: Context, y, end, side: int) -> bool:
    """Exactly: the one-sided limit of the piece's expression at `end`, approached from `side`, is -oo."""
    from .. import symbolic as S
    st = ctx.structure(y)
    piece = next((p for p in st.pieces if (p.lo == end and side > 0) or (p.hi == end and side < 0)), None)
    if piece is None:
        return False
    limit = S.one_sided(piece.expr, end, "+" if side > 0 else "-", ctx.seconds)
    return limit == -S.sp.oo
