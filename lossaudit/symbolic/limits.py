"""One-sided values and limits, and the one-sided derivatives of a case at its breakpoints."""
from __future__ import annotations

import sympy as sp

from .cases import Case
from .core import X, derivative, guarded, is_finite_value
from .pieces import structure


def one_sided(expr, point, side: str, seconds: float):
    """lim expr(X) as X -> point from side '-' or '+' (point may be ±oo); None if unknown."""
    if point in (sp.oo, -sp.oo):
        return guarded(seconds, sp.limit, expr, X, point, default=None)
    direct = guarded(seconds, lambda: expr.subs(X, point), default=None)
    if direct is not None and is_finite_value(direct):
        return direct
    value = guarded(seconds, sp.limit, expr, X, point, side, default=None)
    if value is None or value.has(sp.AccumBounds) or isinstance(value, sp.Limit):
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
