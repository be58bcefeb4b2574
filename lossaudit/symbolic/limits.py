"""One-sided values and limits, the one-sided derivatives of a case at its breakpoints, and the exact
one-sided limits of the curvature L'' at the ends of every smooth span (smoothness decides by them)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .cases import Case
from .core import X, derivative, guarded, is_finite_number, is_finite_value, sign_of, to_float
from .limit_laws import _by_parts, _exponential_ratio_limit
from .pieces import structure


def one_sided(expr, point, side: str, seconds: float):
    """lim expr(X) as X -> point from side '-' or '+' (point may be ±oo); None if unknown."""
    if point in (sp.oo, -sp.oo):
        for cheap in (_substituted_infinity, _gruntz):
            value = guarded(seconds, cheap, expr, point, default=None)
            if value is not None:
                return value
        return guarded(seconds, sp.limit, expr, X, point, default=None)
    direct = guarded(seconds, lambda: expr.subs(X, point), default=None)
    if direct is not None and is_finite_value(direct):
        return direct
    value = guarded(seconds, sp.limit, expr, X, point, side, default=None)
    if value is None or value.has(sp.AccumBounds) or isinstance(value, sp.Limit):
        return None
    return value


def _substituted_infinity(expr, point):
    """lim at ±oo by substituting ±oo, when sympy's extended arithmetic gives a finite real number:
    every step then is a determinate form (1/oo = 0, exp(-oo) = 0, atan(oo) = pi/2), and the
    functions involved are continuous at the values they meet, so the value is the limit.
    Indeterminate steps give nan, oscillation gives AccumBounds: then None (sympy's limit decides).
    A power with the variable in its exponent could meet oo**0, which sympy reads as 1: not tried."""
    if any(isinstance(p, sp.Pow) and X in p.exp.free_symbols for p in expr.atoms(sp.Pow)):
        return None
    if expr.has(sp.exp) and any(X in e.args[0].free_symbols and e.args[0].has(sp.log) for e in expr.atoms(sp.exp)):
        return None  # exp(a log x) is a power with the variable in its exponent
    value = expr.subs(X, point)
    if value.has(sp.AccumBounds, sp.nan, sp.zoo, sp.oo, -sp.oo) or not is_finite_number(value):
        return None
    return value


def _gruntz(expr, point):
    """sympy's Gruntz algorithm straight away (the core of `limit`, without its slower heuristics
    such as trigsimp): for expressions free of sin/cos, whose oscillation it does not handle."""
    if expr.has(sp.sin, sp.cos):
        return None
    if expr.has(sp.sign, sp.Abs):
        value = _by_parts(expr, point)
        if value is not None:
            return value
    return _gruntz_value(expr, point)


def _gruntz_value(expr, point):
    from sympy.series.gruntz import gruntz
    value = _exponential_ratio_limit(expr, point)
    if value is not None:
        return value
    value = gruntz(expr, X, point)
    if value is None or value.has(sp.AccumBounds, sp.nan) or isinstance(value, sp.Limit) or not value.is_number:
        return None
    return value


def breakpoint_orders(case: Case, b, seconds: float, max_order: int = 6):
    """For breakpoint b: [(left, right) one-sided limits of the k-th derivative] for k = 0..max_order.

    Stops after the first order where the two sides differ. Values are sympy numbers or None.
    """
    st = structure(case, seconds)
    left, right = st.piece_left_of(b), st.piece_right_of(b)
    rows = []
    for k in range(max_order + 1):
        lv = one_sided(derivative(left.expr, k), b, "-", seconds)
        rv = one_sided(derivative(right.expr, k), b, "+", seconds)
        rows.append((lv, rv))
        if lv is None or rv is None or not same_value(lv, rv, seconds) or not is_finite_value(lv):
            break
    return rows


def same_value(a, b, seconds: float):
    if a is None or b is None:
        return False
    if a == b:
        return True
    d = guarded(seconds, lambda: sp.simplify(a - b), default=None)
    return d is not None and d == 0


# ---------------------------------------------------------------------------
# The curvature at the ends of every smooth span


@dataclass(frozen=True)
class Edge:
    """The exact one-sided limit of L'' at an end of a smooth span: x -> point from `side`
    ('+': from the right, '-': from the left; ±oo approached from inside); None when unknown."""

    point: object
    side: str
    limit: object
    lo: object      # the span the end belongs to: (lo, hi)
    hi: object

    @property
    def infinite(self) -> bool:
        return self.limit is not None and (self.limit in (sp.oo, -sp.oo, sp.zoo)
                                           or (self.limit.is_number and self.limit.is_infinite is True))

    @property
    def finite(self) -> bool:
        return self.limit is not None and is_finite_value(self.limit)


def curvature_edges(case: Case, seconds: float) -> list | None:
    """Edge per end of every smooth span of the case (see symbolic.singular); None without spans.

    Cheap first: every end is tried by substitution before any `limit` is computed, so that a
    blow-up is found without waiting on the slow limits elsewhere."""
    from .singular import spans
    found = spans(case, seconds)
    if found is None:
        return None
    ends = [(s, derivative(s.expr, 2), end, side) for s in found for end, side in ((s.lo, "+"), (s.hi, "-"))]
    return [Edge(end, side, one_sided(d2, end, side, seconds), s.lo, s.hi) for s, d2, end, side in ends]


def joins_smoothly(case: Case, seconds: float) -> bool:
    """Are L and L' continuous across every common end of two spans (value at the point included)?"""
    from .pieces import value_at
    from .singular import spans
    found = spans(case, seconds)
    if found is None:
        return False
    for left, right in zip(found[:-1], found[1:]):
        b = left.hi
        for k in (0, 1):
            lv = one_sided(derivative(left.expr, k), b, "-", seconds)
            rv = one_sided(derivative(right.expr, k), b, "+", seconds)
            if not (is_finite_value(lv) and same_value(lv, rv, seconds)):
                return False
            if k == 0 and not same_value(lv, value_at(case, b, seconds), seconds):
                return False
    return True


# ---------------------------------------------------------------------------
# Limits along a parametrised path of a vector loss

def rational(v: float, bound: int = 10 ** 6):
    """A float as the simple rational it stands for (1/3 for 0.333...), for a path's exact coordinates."""
    return sp.Rational(float(v)).limit_denominator(bound)


def path_limits(exprs: list, pred_syms: list, at: dict, origin, direction, infinite: bool,
                seconds: float) -> list | None:
    """[lim of each expression] as the prediction runs along origin + g * direction, g -> oo when
    `infinite`, else g -> 0+ (toward a finite edge); `at` fixes the other symbols (the target).
    None when some limit is unknown: the caller then decides numerically."""
    g = X if infinite else 1 / X   # X -> +oo either way
    path = {p: rational(o) + rational(d) * g for p, o, d in zip(pred_syms, origin, direction)}
    out = []
    for e in exprs:
        along = guarded(seconds, lambda e=e: e.xreplace(at).xreplace(path), default=None)
        if along is None:
            return None
        lim = one_sided(_settled(along, seconds), sp.oo, "-", seconds)
        if lim is None or lim.has(sp.nan, sp.AccumBounds) or isinstance(lim, sp.Limit):
            return None
        out.append(lim)
    return out


def _settled(expr, seconds: float):
    """expr with each switch whose argument has a signed limit as X -> oo replaced by the value it keeps
    from some X on (Heaviside(a) -> 1 when lim a > 0, sign(a) -> -1 when lim a < 0, Abs(a) -> a or -a):
    a limit depends only on eventual values, and the switch-free form is what Gruntz handles fast."""
    reps = {}
    for f in expr.atoms(sp.Heaviside, sp.sign, sp.Abs):
        a = f.args[0]
        if X not in a.free_symbols:
            continue
        lim = one_sided(a, sp.oo, "-", seconds)
        s = sign_of(lim) if lim is not None and lim.is_number else None
        if s in (1, -1):
            reps[f] = {sp.Heaviside: sp.Integer(1 if s > 0 else 0), sp.sign: sp.Integer(s),
                       sp.Abs: s * a}[type(f)]
    return expr.xreplace(reps) if reps else expr


def norm_of_limits(limits: list) -> float:
    """The Euclidean norm of a vector of exact limits (inf when one is infinite)."""
    values = [abs(to_float(v)) if is_finite_number(v) else float("inf") for v in limits]
    return float(sum(v * v for v in values) ** 0.5)


def hessian_limits_finite(expr, pred_syms: list, at: dict, origin, direction, infinite: bool,
                          seconds: float, positive: bool = False) -> bool | None:
    """Do all second partial derivatives of expr have finite exact limits along the path (see
    path_limits)? True, False (some limit is infinite) or None (unknown). A finite limit of every entry
    bounds the Hessian's norm near the path's end, whatever float64 shows there."""
    from .core import derivative_in
    k = len(pred_syms)
    entries = []
    for i in range(k):
        gi = guarded(seconds, derivative_in, expr, pred_syms[i], positive)
        if gi is None:
            return None
        for j in range(i, k):
            hij = guarded(seconds, derivative_in, gi, pred_syms[j], positive)
            if hij is None:
                return None
            entries.append(hij)
    limits = path_limits(entries, pred_syms, at, origin, direction, infinite, seconds)
    if limits is None:
        return None
    return all(is_finite_number(v) for v in limits)
