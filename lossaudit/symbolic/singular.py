"""Where the curvature of x -> L(x, y) may blow up or jump, exactly, and the smooth spans between.

Two kinds of points cut the open domain (lo, hi) of a case:

- branch points: the boundary of the zero set of every switching function (the arguments of
  |.|, sign, Heaviside, the differences of max/min arguments, the sides of where(...) conditions);
  a zero set that is an interval (max(0, 5/4 - x) = 0 for x >= 5/4) counts by its ends;
- singular points of the smooth formula of each piece: the zeros of the bases of powers with
  a non-integer or negative exponent (fractional powers, denominators) and of log arguments.

Between two consecutive points every span has one formula built of functions analytic where
their arguments are (exp, sin, cos, sinh, cosh, tanh, atan, and log / powers away from their
zeros), so its second derivative is continuous inside: sup |L''| on the span is decided by the
one-sided limits at its two ends and by its interior values. A formula with any other function
gives None (no spans: nothing is claimed). Every sympy call runs under `guarded`.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from .cases import Case
from .core import X, Undecided, guarded, sign_of
from .pieces import resolved_pieces

ANALYTIC = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan)
BRANCHING = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)


@dataclass(frozen=True)
class Span:
    """The open interval (lo, hi) on which the loss is the one smooth formula `expr`."""

    lo: object
    hi: object
    expr: object


def spans(case: Case, seconds: float) -> list | None:
    """The smooth spans of a case, in order (cached in the case); None when they cannot be found exactly."""
    if "spans" not in case.cache:
        case.cache["spans"] = _spans(case, seconds)
    return case.cache["spans"]


def _spans(case: Case, seconds: float) -> list | None:
    from ..expr import switch_functions
    cuts = []
    for fn in switch_functions(case.expr, singular=False):
        found = zero_ends(fn, case.lo, case.hi, seconds)
        if found is None:
            return None
        cuts.extend(found)
    cuts = ordered(cuts, seconds)
    if cuts is None:
        return None
    pieces = resolved_pieces(case.expr, [case.lo] + cuts + [case.hi], seconds)
    if pieces is None:
        return None
    out = []
    for piece in pieces:
        inner = singular_points(piece.expr, piece.lo, piece.hi, seconds)
        if inner is None:
            return None
        ends = [piece.lo] + inner + [piece.hi]
        out.extend(Span(a, b, piece.expr) for a, b in zip(ends[:-1], ends[1:]))
    return out


def singular_points(expr, lo, hi, seconds: float) -> list | None:
    """Zeros inside (lo, hi) of the bases of non-integer or negative powers and of log arguments of a
    smooth formula, in order; None when a function outside ANALYTIC appears or a zero set is not finite."""
    found = []
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Basic) or X not in node.free_symbols:
            continue
        base = _singular_argument(node)
        if base is False:
            return None
        if base is None:
            continue
        zeros = zero_ends(base, lo, hi, seconds)
        if zeros is None:
            return None
        found.extend(zeros)
    return ordered(found, seconds)


def _singular_argument(node):
    """The argument whose zeros make `node` singular; None when it has none; False when unknown."""
    if isinstance(node, sp.Pow):
        exp = node.exp
        if X in exp.free_symbols:
            return False  # x**x and the like: not analysed
        return node.base if (exp.is_integer is not True or exp.is_negative) else None
    if isinstance(node, sp.log):
        return node.args[0]
    if isinstance(node, BRANCHING):
        return False      # a switch left in a resolved formula: its branch is unknown
    if isinstance(node, sp.Function) and not isinstance(node, ANALYTIC):
        return False
    return None


def zero_ends(fn, lo, hi, seconds: float) -> list | None:
    """The boundary of {x in (lo, hi): fn(x) = 0} inside (lo, hi): isolated zeros and the ends of
    intervals of zeros; None when the zero set is not a finite union of points and intervals."""
    if X not in fn.free_symbols:
        return []
    domain = sp.Interval.open(lo, hi)

    def solve():
        sol = sp.solveset(fn, X, domain=domain)
        if sol is sp.S.EmptySet:
            return []
        parts = sol.args if isinstance(sol, sp.Union) else (sol,)
        points = []
        for part in parts:
            if isinstance(part, sp.FiniteSet):
                points.extend(part.args)
            elif isinstance(part, sp.Interval):
                points.extend(e for e in (part.start, part.end) if e not in (sp.oo, -sp.oo))
            else:
                return None
        return points
    points = guarded(seconds, solve, default=None)
    if points is None:
        return None
    inside = []
    for p in points:
        if p.has(sp.I):
            continue
        if _strictly_between(lo, p, hi, seconds) is None:
            return None
        if _strictly_between(lo, p, hi, seconds):
            inside.append(p)
    return inside


def _strictly_between(lo, p, hi, seconds):
    signs = [_sign(p - lo, seconds) if lo != -sp.oo else 1, _sign(hi - p, seconds) if hi != sp.oo else 1]
    if None in signs:
        return None
    return all(s > 0 for s in signs)


def _sign(v, seconds):
    return sign_of(guarded(seconds, sp.simplify, v, default=v))


def ordered(points, seconds: float) -> list | None:
    """Distinct exact points in increasing order; None when an order cannot be decided."""
    unique = []
    for p in points:
        signs = [_sign(p - q, seconds) for q in unique]
        if None in signs:
            return None
        if 0 not in signs:
            unique.append(p)

    def compare(a, b):
        s = _sign(b - a, seconds)
        if s is None:
            raise Undecided("order")
        return -1 if s > 0 else 1
    try:
        return sorted(unique, key=functools.cmp_to_key(compare))
    except Undecided:
        return None
