"""The ground every symbolic module stands on: the prediction symbol, exact numbers, guarded
sympy calls, the signs and float values of sympy numbers, and the one way to say "cannot tell"."""
from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from ..text import fmt
from ..timeouts import SymbolicTimeout, deadline

X = sp.Symbol("x", real=True)  # the prediction, once a target is fixed
DEFAULT_STEP_SECONDS = 5.0     # safety net of small order/sign questions asked outside a budget


class Undecided(ValueError):
    """A symbolic question this package cannot answer (which branch holds, which point comes first).

    Raised by `resolve` and the point ordering, caught inside lossaudit.symbolic (`structure`
    answers None instead); a ValueError, as "undecided" was before, so that a caller catching
    ValueError keeps working.
    """


# ---------------------------------------------------------------------------
# Exact numbers


def exactify(expr):
    """Replace floats by the decimal rationals they were written as (0.1 -> 1/10)."""
    floats = expr.atoms(sp.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sp.Rational(repr(float(f))) for f in floats})


def sym_number(v):
    """A float as the decimal rational it reads as (1.7 -> 17/10), infinities as ±oo; Fractions exactly."""
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    if v == math.inf:
        return sp.oo
    if v == -math.inf:
        return -sp.oo
    return sp.Rational(repr(float(v)))


# ---------------------------------------------------------------------------
# Derivatives


def strip_distributions(expr):
    """Drop DiracDelta terms from a derivative: kinks are decided separately, not by samples."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))
    return expr


def derivative_in(expr, var, positive: bool = False):
    """d expr / d var, taken with `var` known positive when its domain is (0, ...): then sympy can
    differentiate |log(var)| (it needs log(var) real); DiracDelta terms are dropped."""
    return _remembered(("in", expr, var, positive), lambda: _derivative_in(expr, var, positive))


def _derivative_in(expr, var, positive: bool):
    if not positive:
        return strip_distributions(sp.diff(expr, var))
    pos = sp.Symbol(var.name + "_positive", positive=True)
    return strip_distributions(sp.diff(expr.xreplace({var: pos}), pos)).xreplace({pos: var})


def derivative(expr, order: int = 1):
    if not order:
        return expr
    return _remembered(("x", expr, order), lambda: strip_distributions(sp.diff(expr, X, order)))




class BoundedMemo:
    """compute() once per key, for pure results (sympy's equality is structural, assumptions and a
    Float's precision included); at `limit` entries it starts afresh; an interrupted computation raises
    and leaves nothing behind."""

    def __init__(self, limit: int):
        self.limit, self.store = limit, {}

    def get(self, key, compute):
        hit = self.store.get(key)
        if hit is None:
            if len(self.store) >= self.limit:
                self.store.clear()
            hit = self.store[key] = compute()
        return hit


_DERIVATIVES = BoundedMemo(4096)  # (how, expression, ...) -> its derivative: every property asks for the same ones


def _remembered(key, compute):
    """A derivative, once per key (a pure function of the expression)."""
    return _DERIVATIVES.get(key, compute)


# ---------------------------------------------------------------------------
# Guarded sympy calls: a refused step, a timeout or an internal sympy error means "cannot tell".
#
# Each call is one symbolic step of the current meter (lossaudit.budget): inputs larger than the
# budget's max_nodes, and steps beyond its max_steps, are refused before sympy sees them, the same
# way on every machine. The time limit is only a safety net (lossaudit.timeouts).

def guarded(seconds: float, fn, *args, default=None, **kwargs):
    """fn(*args) as one budgeted symbolic step, under a safety-net deadline of `seconds`; `default`
    when the budget refuses the step, on timeout, or on any sympy failure."""
    from ..budget import current_meter
    if current_meter().step(input_size(fn, args, kwargs)) is not None:
        return default
    try:
        with deadline(seconds):
            return fn(*args, **kwargs)
    except SymbolicTimeout:
        return default
    except (Exception, RecursionError):  # noqa: BLE001 - sympy raises many kinds; all mean "cannot tell"
        return default


def input_size(fn, args=(), kwargs=None) -> int:
    """Tree nodes of the sympy inputs of fn(*args, **kwargs): the arguments, and what a closure or a
    default argument holds (expressions, lists of them, and objects with an `expr`: a Case, a Piece)."""
    held = list(args) + list((kwargs or {}).values()) + list(getattr(fn, "__defaults__", None) or ())
    held += [_cell(c) for c in (getattr(fn, "__closure__", None) or ())]
    return sum(_size_of(h) for h in held)


def _cell(cell):
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def _size_of(obj) -> int:
    if isinstance(obj, sp.Basic):
        return tree_size(obj)
    if isinstance(obj, (list, tuple)):
        return sum(_size_of(o) for o in obj if isinstance(o, (sp.Basic, list, tuple)))
    expr = getattr(obj, "expr", None)
    return tree_size(expr) if isinstance(expr, sp.Basic) else 0


_SIZES: dict = {}      # expression -> tree size, for the subexpressions seen (cleared when large)


def tree_size(expr) -> int:
    """Nodes of the expression tree (a shared subexpression counts at each place it occurs), computed
    on the DAG with memoised subtrees: exact, linear in the distinct subexpressions, no recursion."""
    if expr in _SIZES:
        return _SIZES[expr]
    if len(_SIZES) > 1 << 17:
        _SIZES.clear()
    stack = [expr]
    while stack:
        e = stack[-1]
        pending = [a for a in e.args if a not in _SIZES]
        if pending:
            stack.extend(pending)
            continue
        _SIZES[e] = 1 + sum(_SIZES[a] for a in e.args)
        stack.pop()
    return _SIZES[expr]


# ---------------------------------------------------------------------------
# Values and signs of sympy numbers


def is_finite_number(v) -> bool:
    return v is not None and v.is_number and v.is_finite is True and v.is_real is not False \
        and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo)


def is_finite_value(v) -> bool:
    """A finite number, or an expression in the target symbol that is finite (sympy says so)."""
    if v is None:
        return False
    if v.is_number:
        return is_finite_number(v)
    return v.is_finite is True and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo)


def to_float(v) -> float:
    """A sympy number as a float (±inf for infinities, nan when not real)."""
    if v is None:
        return math.nan
    if v in (sp.oo,):
        return math.inf
    if v in (-sp.oo,):
        return -math.inf
    if v.has(sp.zoo, sp.nan):
        return math.nan
    try:
        c = complex(v.evalf(30))
    except (TypeError, ValueError):
        return math.nan
    return c.real if abs(c.imag) <= 1e-12 * max(1.0, abs(c.real)) else math.nan


def sign_of(v, digits: int = 40):
    """+1, -1 or 0 for a sympy number (exact zero only); None when it cannot be told."""
    if v is None or not v.is_number:
        return _assumed_sign(v)
    if v == 0:
        return 0
    if v in (sp.oo,):
        return 1
    if v in (-sp.oo,):
        return -1
    return _evaluated_sign(v, digits)


def _assumed_sign(v):
    """The sign sympy's assumptions give an expression that is not a number (None: they do not say)."""
    if v is None:
        return None
    pos, neg = getattr(v, "is_positive", None), getattr(v, "is_negative", None)
    return 1 if pos else -1 if neg else 0 if v.is_zero else None


def _evaluated_sign(v, digits: int):
    """The sign of a nonzero-looking number, from a `digits`-digit value; a value near 0 must simplify to 0."""
    try:
        c = complex(v.evalf(digits))
    except (TypeError, ValueError):
        return None
    if abs(c.imag) > 1e-20 * max(1.0, abs(c.real)):
        return None
    if abs(c.real) < 1e-30:
        z = guarded(DEFAULT_STEP_SECONDS, lambda: sp.simplify(v) == 0, default=None)
        return 0 if z else None
    return 1 if c.real > 0 else -1


def show(point) -> str:
    """A breakpoint as a person reads it: 0.1 for a number, y_true + 1/10 for an expression."""
    if point.is_number:
        return fmt(to_float(point))
    return str(point)
