"""Shared symbolic machinery: derivatives, pieces, one-sided limits, sign proofs, DCP rules.

Everything here runs under `timeouts.deadline`; a timeout is an answer ("could
not prove"), never a hang. Results are sympy numbers or None (cannot tell).
The property modules ask small questions of this module and never call sympy's
heavy machinery (simplify, limit, solveset) directly.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from .text import fmt
from .timeouts import SymbolicTimeout, deadline

X = sp.Symbol("x", real=True)  # the prediction, once a target is fixed
DEFAULT_STEP_SECONDS = 2.0     # for small order/sign questions asked outside a budget

# ---------------------------------------------------------------------------
# Exact numbers and stable numeric forms


def exactify(expr):
    """Replace floats by the decimal rationals they were written as (0.1 -> 1/10)."""
    floats = expr.atoms(sp.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sp.Rational(repr(float(f))) for f in floats})


def strip_distributions(expr):
    """Drop DiracDelta terms from a derivative: kinks are decided separately, not by samples."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))
    return expr


def derivative_in(expr, var, positive: bool = False):
    """d expr / d var, taken with `var` known positive when its domain is (0, ...): then sympy can
    differentiate |log(var)| (it needs log(var) real); DiracDelta terms are dropped."""
    if not positive:
        return strip_distributions(sp.diff(expr, var))
    pos = sp.Symbol(var.name + "_positive", positive=True)
    return strip_distributions(sp.diff(expr.xreplace({var: pos}), pos)).xreplace({pos: var})


def compilable(expr) -> bool:
    """Can this be evaluated numerically (no unevaluated Derivative or Subs left by sympy)?"""
    return not expr.has(sp.Derivative, sp.Subs)


class softplus(sp.Function):
    """log(1 + exp(u)), evaluated as logaddexp(0, u)."""


class lse(sp.Function):
    """log(sum(exp(u_i))), evaluated stably."""


class logcosh(sp.Function):
    """log(cosh(u)), evaluated as |u| + log1p(exp(-2|u|)) - log 2."""


class log1p_(sp.Function):
    """log(1 + u), evaluated with numpy.log1p."""


def _np_lse(*args):
    arrays = np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args])
    stacked = np.stack(arrays)
    top = np.max(stacked, axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    return top + np.log(np.sum(np.exp(stacked - top), axis=0))


def _np_logcosh(u):
    a = np.abs(u)
    return a + np.log1p(np.exp(-2 * a)) - math.log(2.0)


NUMPY_FUNCTIONS = {"softplus": lambda u: np.logaddexp(0.0, u), "lse": _np_lse,
                   "logcosh": _np_logcosh, "log1p_": np.log1p,
                   # given directly, sympy's printer skips rewriting Heaviside (seconds for max/abs terms)
                   "Heaviside": lambda u, h=0.5: np.heaviside(u, float(h))}


def _mp_heaviside(u, h=0.5):
    return mpmath.mpf(0) if u < 0 else mpmath.mpf(1) if u > 0 else mpmath.mpf(h)


MPMATH_FUNCTIONS = {"Heaviside": _mp_heaviside}


def _stable_forms(expr):
    """Rewrite log(1+exp(u)), log(sum exp), log(cosh u), log(1+u) and softmax ratios
    exp(a)/(exp(b) + exp(c) + ...) into forms that do not overflow in float64."""
    expr = _softmax_forms(expr)

    def rewrite(node):
        if isinstance(node, sp.log):
            arg = node.args[0]
            if isinstance(arg, sp.cosh):
                return logcosh(arg.args[0])
            if isinstance(arg, sp.Add):
                terms = arg.args
                exps = [t for t in terms if isinstance(t, sp.exp)]
                if len(exps) == len(terms) and len(terms) > 1:
                    return lse(*[t.args[0] for t in terms])
                if len(terms) == 2 and sp.Integer(1) in terms:
                    other = terms[0] if terms[1] == 1 else terms[1]
                    if isinstance(other, sp.exp):
                        return softplus(other.args[0])
                    return log1p_(other)
        return None

    return expr.replace(lambda e: rewrite(e) is not None, rewrite)


def _softmax_forms(expr):
    """(exp(b) + exp(c) + ...)**-k -> exp(-k*lse(b, c, ...)), then exp(a)*exp(...) -> exp(a + ...):
    sympy turns exp(z_0 - logsumexp(z)) into exp(z_0)/sum(exp(z)), which is inf/inf at z ~ 1000."""
    def is_sum_of_exps(e):
        return isinstance(e, sp.Add) and len(e.args) > 1 and all(isinstance(t, sp.exp) for t in e.args)

    def match(e):
        return isinstance(e, sp.Pow) and is_sum_of_exps(e.base) and e.exp.is_number and e.exp.is_negative

    if not expr.has(sp.exp) or not any(match(e) for e in sp.preorder_traversal(expr)):
        return expr
    out = expr.replace(match, lambda e: sp.exp(e.exp * lse(*[t.args[0] for t in e.base.args])))

    def several_exps(e):
        return isinstance(e, sp.Mul) and sum(isinstance(a, sp.exp) for a in e.args) >= 2

    def combined(e):
        exps = [a for a in e.args if isinstance(a, sp.exp)]
        rest = [a for a in e.args if not isinstance(a, sp.exp)]
        return sp.Mul(*rest, sp.exp(sp.Add(*[a.args[0] for a in exps]), evaluate=False))
    return out.replace(several_exps, combined)


MPMATH_FALLBACK_LIMIT = 500
MPMATH_FALLBACK_SECONDS = 0.5
MP_POINT_SECONDS = 2.0  # one exact evaluation; beyond it the value counts as unknown (nan)


def compile_numeric(expr, args):
    """A vectorised numpy function of `args` for `expr`, with an mpmath fallback.

    Entries that come out non-finite in float64 (overflow in cosh, exp(...)/exp(...))
    are re-evaluated in 30-digit mpmath, at most MPMATH_FALLBACK_LIMIT per call.
    """
    expr = strip_distributions(expr)
    fast = sp.lambdify(args, _stable_forms(expr), modules=[NUMPY_FUNCTIONS, "numpy"])
    slow = sp.lambdify(args, expr, modules=[MPMATH_FUNCTIONS, "mpmath"])

    def evaluate(*values):
        arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        shape = arrays[0].shape
        with np.errstate(all="ignore"):
            try:
                out = np.asarray(fast(*arrays), dtype=float)
            except (ValueError, TypeError, ZeroDivisionError, OverflowError):
                out = np.full(shape, np.nan)
        out = np.broadcast_to(out, shape).copy() if out.shape != shape else out
        bad = ~np.isfinite(out)
        if bad.any():
            idx = np.flatnonzero(bad)[:MPMATH_FALLBACK_LIMIT]
            flat = [a.reshape(-1) for a in arrays]
            fixed = out.reshape(-1)
            try:  # one mpmath exp(exp(huge)) can run for minutes: the fallback gets half a second in all
                with deadline(MPMATH_FALLBACK_SECONDS), mpmath.workdps(30):
                    for i in idx:
                        better = _mp_float(slow, [f[i] for f in flat])
                        if not math.isnan(better) or math.isnan(fixed[i]):
                            fixed[i] = better  # keep numpy's ±inf (1/0) when mpmath cannot say more
            except SymbolicTimeout:
                pass
            out = fixed.reshape(shape)
        return out

    def precise(*values):
        """The same values, each computed in 30-digit mpmath (for the few points a verdict rests on)."""
        arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        flat = [a.reshape(-1) for a in arrays]
        with mpmath.workdps(30):
            out = np.array([_mp_float(slow, [f[i] for f in flat]) for i in range(flat[0].size)])
        return out.reshape(arrays[0].shape)

    evaluate.precise = precise
    return evaluate


def _mp_float(fn, point) -> float:
    try:
        v = fn(*[mpmath.mpf(float(p)) for p in point])
    except (ZeroDivisionError, ValueError, OverflowError, TypeError, MemoryError):
        return math.nan  # MemoryError: mpmath asked for exp(exp(huge))
    if isinstance(v, mpmath.mpc):
        return math.nan if abs(v.imag) > 1e-20 * max(1, abs(v.real)) else float(v.real)
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def _log1p_forms(expr):
    """log(1 + u) -> log1p(u), so that high precision is not lost to 1 + tiny."""
    def match(e):
        return isinstance(e, sp.log) and isinstance(e.args[0], sp.Add) and sp.Integer(1) in e.args[0].args
    return expr.replace(match, lambda e: log1p_(e.args[0] - 1))


def mp_evaluator(expr, args, dps: int = 50):
    """A scalar high-precision evaluator of `expr` at exactly the given floats (re-checks).

    `evaluate.dps` may be raised for comparisons far out (exp(-300) beside 1).
    """
    fn = sp.lambdify(args, _log1p_forms(expr), modules=[{"log1p_": mpmath.log1p}, MPMATH_FUNCTIONS, "mpmath"])

    def evaluate(*point):
        with mpmath.workdps(evaluate.dps):
            try:
                with deadline(MP_POINT_SECONDS):
                    v = fn(*[mpmath.mpf(p) if not isinstance(p, mpmath.mpf) else p for p in point])
            except (ZeroDivisionError, ValueError, OverflowError, MemoryError, SymbolicTimeout):
                return mpmath.nan
            if isinstance(v, mpmath.mpc):
                return mpmath.nan if abs(v.imag) > mpmath.mpf(10) ** (-evaluate.dps + 5) else v.real
            return mpmath.mpf(v)

    evaluate.dps = dps
    return evaluate


# ---------------------------------------------------------------------------
# Guarded sympy calls: a timeout or an internal sympy error means "cannot tell".

def guarded(seconds: float, fn, *args, default=None, **kwargs):
    """fn(*args) under a deadline; `default` on timeout or on any sympy failure."""
    try:
        with deadline(seconds):
            return fn(*args, **kwargs)
    except SymbolicTimeout:
        return default
    except (Exception, RecursionError):  # noqa: BLE001 - sympy raises many kinds; all mean "cannot tell"
        return default


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
        pos, neg = (getattr(v, "is_positive", None), getattr(v, "is_negative", None)) if v is not None else (None, None)
        return 1 if pos else -1 if neg else 0 if (v is not None and v.is_zero) else None
    if v == 0:
        return 0
    if v in (sp.oo,):
        return 1
    if v in (-sp.oo,):
        return -1
    try:
        n = v.evalf(digits)
        c = complex(n)
    except (TypeError, ValueError):
        return None
    if abs(c.imag) > 1e-20 * max(1.0, abs(c.real)):
        return None
    if abs(c.real) < 1e-30:
        z = guarded(2.0, lambda: sp.simplify(v) == 0, default=None)
        return 0 if z else None
    return 1 if c.real > 0 else -1


# ---------------------------------------------------------------------------
# Target cases: the scalar function x -> L(x, y) for one target (or all targets at once).

@dataclass
class Case:
    """x ↦ L(x, y) for a target y: a number, or a symbol standing for every valid target."""

    expr: object            # sympy expression in X (and in `target` when it is a symbol)
    target: object          # sympy number, or a Symbol with assumptions
    lo: object              # prediction domain ends (sympy numbers, ±oo)
    hi: object
    label: str              # "y_true = 1", "every y_true", ...
    shifted: bool = False   # X is y_pred - y_true (translation-invariant loss, analysed at y_true = 0)
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def symbolic_target(self) -> bool:
        return not self.target.is_number

    @property
    def target_float(self) -> float | None:
        return None if self.symbolic_target else to_float(self.target)

    def ideal(self):
        """The ideal prediction for kinds whose ideal is the target (in X coordinates)."""
        return sp.Integer(0) if self.shifted else self.target


def sym_number(v):
    """A float as the decimal rational it reads as (1.7 -> 17/10), infinities as ±oo; Fractions exactly."""
    if isinstance(v, Fraction):
        return sp.Rational(v.numerator, v.denominator)
    if v == math.inf:
        return sp.oo
    if v == -math.inf:
        return -sp.oo
    return sp.Rational(repr(float(v)))


def concrete_case(loss, target: float) -> Case:
    y = loss.true_symbols[0]
    expr = loss.exact_expression.xreplace({y: sym_number(target), loss.pred_symbols[0]: X})
    dom = loss.pred_domain
    return Case(expr, sym_number(target), sym_number(dom.lo), sym_number(dom.hi), f"y_true = {fmt(target)}")


def show(point) -> str:
    """A breakpoint as a person reads it: 0.1 for a number, y_true + 1/10 for an expression."""
    if point.is_number:
        return fmt(to_float(point))
    return str(point)


def translation_invariant(loss, seconds: float) -> bool:
    """True when L depends on y_pred - y_true only (then y_true = 0 speaks for every target)."""
    if loss.kind.vector or loss.pred_domain.lo != -math.inf or loss.pred_domain.hi != math.inf:
        return False
    from .kinds import Interval
    if not isinstance(loss.target_domain, Interval):
        return False
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    r = sp.Symbol("r", real=True)
    moved = loss.exact_expression.xreplace({yp: r + yt})
    if yt not in moved.free_symbols:
        return True
    # only an expression free of y_true counts: a derivative test would ignore where(...) conditions
    return bool(guarded(seconds, lambda: yt not in sp.simplify(moved).free_symbols, default=False))


def target_value(loss, excluded: tuple = ()):
    """A symbolic target standing for every point of the open target interval (assumptions carry it).

    (-inf, inf): a real symbol (nonzero when 0 is left out); (a, ...): a + p with p > 0;
    (..., b): b - p with p > 0.
    """
    dom = loss.target_domain
    if math.isinf(dom.lo) and math.isinf(dom.hi):
        return sp.Symbol("y_true", real=True, nonzero=True) if 0.0 in excluded else sp.Symbol("y_true", real=True)
    p = sp.Symbol("y_true", positive=True)
    if math.isfinite(dom.lo):
        return sym_number(dom.lo) + p if dom.lo != 0 else p
    return sym_number(dom.hi) - p


def symbolic_cases(loss, excluded: tuple = ()) -> list:
    """Cases covering every valid target: the open interval symbolically, closed finite ends concretely."""
    dom = loss.target_domain
    y = target_value(loss, excluded)
    expr = loss.exact_expression.xreplace({loss.true_symbols[0]: y, loss.pred_symbols[0]: X})
    pd = loss.pred_domain
    cases = [Case(expr, y, sym_number(pd.lo), sym_number(pd.hi), "every y_true")]
    for end, closed in ((dom.lo, dom.lo_closed), (dom.hi, dom.hi_closed)):
        if closed and math.isfinite(end) and end not in excluded:
            cases.append(concrete_case(loss, end))
    return cases


def shifted_case(loss) -> Case:
    """A translation-invariant loss at y_true = 0: X is the residual y_pred - y_true."""
    y = loss.true_symbols[0]
    expr = loss.exact_expression.xreplace({y: sp.Integer(0), loss.pred_symbols[0]: X})
    return Case(expr, sp.Integer(0), -sp.oo, sp.oo, "every y_true (L depends on y_pred - y_true only)",
                shifted=True)


# ---------------------------------------------------------------------------
# Piecewise structure: breakpoints and the smooth expression on each piece.

@dataclass
class Piece:
    lo: object
    hi: object
    expr: object

    def contains(self, point) -> bool:
        return bool((self.lo < point) == True and (point < self.hi) == True)  # noqa: E712


@dataclass
class Structure:
    breakpoints: list
    pieces: list

    def piece_left_of(self, b) -> Piece:
        return next(p for p in self.pieces if p.hi == b)

    def piece_right_of(self, b) -> Piece:
        return next(p for p in self.pieces if p.lo == b)


def _roots(fn, case: Case, seconds: float):
    """Real zeros of fn(X) inside the open domain, as an exact list; None if not a finite set."""
    if X not in fn.free_symbols:
        return []
    domain = sp.Interval.open(case.lo, case.hi)

    def solve():
        sol = sp.solveset(fn, X, domain=domain)
        if isinstance(sol, sp.FiniteSet):
            return list(sol)
        if sol is sp.S.EmptySet:
            return []
        if isinstance(sol, sp.Union) and all(isinstance(a, sp.FiniteSet) for a in sol.args):
            return [v for a in sol.args for v in a]
        return None
    roots = guarded(seconds, solve, default=None)
    if roots is None:
        return None
    return [r for r in roots if not r.has(sp.I)]


def _order(points, seconds):
    """Sort exact points; None if some order cannot be decided."""
    unique = []
    for p in points:
        if not any(sign_of(guarded(seconds, sp.simplify, p - q, default=p - q)) == 0 for q in unique):
            unique.append(p)

    def less(a, b):
        s = sign_of(guarded(seconds, sp.simplify, b - a, default=b - a))
        if s is None:
            raise ValueError("undecided order")
        return s > 0
    try:
        return sorted(unique, key=functools.cmp_to_key(lambda a, b: -1 if less(a, b) else 1))
    except ValueError:
        return None


def representative(lo, hi):
    """A simple point strictly inside (lo, hi)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Integer(0)
    if lo == -sp.oo:
        return hi - 1
    if hi == sp.oo:
        return lo + 1 if not (lo.is_number and lo >= 0) or lo != 0 else sp.Integer(1)
    return (lo + hi) / 2


def resolve(expr, point, seconds: float):
    """The smooth branch of `expr` that holds around `point` (no breakpoint nearby).

    |u| -> ±u, max/min -> the active argument, sign/Heaviside -> constants,
    where(...) -> the active branch, each decided by evaluating at `point`.
    Raises ValueError when a branch cannot be decided.
    """
    if not expr.args or X not in expr.free_symbols:
        return expr
    args = [resolve(a, point, seconds) for a in expr.args] if not isinstance(expr, sp.Piecewise) else None

    def at(u):
        return sign_of(guarded(seconds, lambda: u.subs(X, point), default=None))

    if isinstance(expr, sp.Abs):
        s = at(args[0])
        if s is None or s == 0:
            raise ValueError("undecided |.|")
        return args[0] if s > 0 else -args[0]
    if isinstance(expr, (sp.sign, sp.Heaviside)):
        s = at(args[0])
        if s is None or s == 0:
            raise ValueError("undecided sign")
        if isinstance(expr, sp.sign):
            return sp.Integer(s)
        return sp.Integer(1 if s > 0 else 0)
    if isinstance(expr, (sp.Max, sp.Min)):
        best = args[0]
        for a in args[1:]:
            s = at(a - best)
            if s is None:
                raise ValueError("undecided max/min")
            if (s > 0) == isinstance(expr, sp.Max) and s != 0:
                best = a
        return best
    if isinstance(expr, sp.Piecewise):
        for branch, cond in expr.args:
            truth = _truth(cond, point, seconds)
            if truth is None:
                raise ValueError("undecided where")
            if truth:
                return resolve(branch, point, seconds)
        raise ValueError("no branch of where(...) holds")
    return expr.func(*args)


def _truth(cond, point, seconds):
    if cond in (sp.true, True):
        return True
    if cond in (sp.false, False):
        return False
    if isinstance(cond, sp.And):
        vals = [_truth(c, point, seconds) for c in cond.args]
        return None if None in vals else all(vals)
    if isinstance(cond, sp.Or):
        vals = [_truth(c, point, seconds) for c in cond.args]
        return None if None in vals else any(vals)
    if isinstance(cond, sp.Not):
        v = _truth(cond.args[0], point, seconds)
        return None if v is None else not v
    if isinstance(cond, sp.core.relational.Relational):
        s = sign_of(guarded(seconds, lambda: (cond.lhs - cond.rhs).subs(X, point), default=None))
        if s is None:
            return None
        op = cond.rel_op
        return {"<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0}.get(op)
    return None


def structure(case: Case, seconds: float) -> Structure | None:
    """Breakpoints of x ↦ L(x, y) and the smooth expression between them (cached per case)."""
    if "structure" in case.cache:
        return case.cache["structure"]
    result = None
    try:
        with deadline(seconds * 4):
            result = _structure(case, seconds)
    except SymbolicTimeout:
        result = None
    case.cache["structure"] = result
    return result


def _structure(case: Case, seconds: float) -> Structure | None:
    from .expr import switch_functions
    points = []
    branch = set(switch_functions(case.expr, singular=False))
    singular = []
    for fn in switch_functions(case.expr):
        roots = _roots(fn, case, seconds)
        if roots is None:
            return None
        points.extend(roots)
        if fn not in branch:
            singular.extend(roots)
    ordered = _order(points, seconds)
    if ordered is None:
        return None
    bounds = [case.lo] + ordered + [case.hi]
    pieces = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        try:
            smooth = resolve(case.expr, representative(lo, hi), seconds)
        except ValueError:
            return None
        pieces.append(Piece(lo, hi, smooth))
    return _merged(pieces, singular, seconds)


def _merged(pieces: list, singular: list, seconds: float) -> Structure:
    """Join neighbouring pieces with the same formula: their common end is no breakpoint
    (Huber's |r| inside the linear branch switches at 0, where the quadratic branch rules).
    Never across a singular point (a zero of a power's base or a log's argument): the same
    formula on both sides can still have a kink or a pole there (sqrt(r^2 + r^4) at 0)."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        last = out[-1]
        if any(sign_of(piece.lo - p) == 0 for p in singular):
            out.append(piece)
            continue
        same = last.expr == piece.expr or guarded(seconds, lambda: sp.simplify(last.expr - piece.expr) == 0,
                                                   default=False)
        if same:
            out[-1] = Piece(last.lo, piece.hi, last.expr)
        else:
            out.append(piece)
    return Structure([p.lo for p in out[1:]], out)


# ---------------------------------------------------------------------------
# One-sided values and limits

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


def derivative(expr, order: int = 1):
    return strip_distributions(sp.diff(expr, X, order)) if order else expr


def value_at(case: Case, point, seconds: float):
    """The loss's own value at `point` (where(...) conditions decide at the point itself)."""
    v = guarded(seconds, lambda: case.expr.subs(X, point), default=None)
    if v is not None and isinstance(v, sp.Piecewise):
        v = guarded(seconds, lambda: v.doit(), default=None)
    return v


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
# Sign proofs: expr(X) >= 0 for every X in the open interval (lo, hi).

_T = sp.Symbol("t", positive=True)


def _interval_substitution(lo, hi):
    """X in terms of a positive symbol t that sweeps exactly the open interval (lo, hi)."""
    if lo == -sp.oo and hi == sp.oo:
        return None
    if hi == sp.oo:
        return lo + _T
    if lo == -sp.oo:
        return hi - _T
    return lo + (hi - lo) * _T / (1 + _T)


def prove_nonnegative(expr, lo, hi, seconds: float) -> bool:
    """True only with a proof that expr >= 0 on (lo, hi); False means "not proved"."""
    if expr == 0 or (expr.is_number and sign_of(expr) in (0, 1)):
        return True
    sub = _interval_substitution(lo, hi)
    moved = expr if sub is None else expr.xreplace({X: sub})
    for form in _forms(moved, seconds):
        if form is not None and form.is_nonnegative is True:
            return True
    if not (lo.free_symbols or hi.free_symbols) and not (expr.free_symbols - {X}):
        verdict = guarded(seconds * 2, _rational_sign_proof, expr, lo, hi, seconds, default=None)
        return verdict is True
    return False


def _forms(expr, seconds):
    yield expr
    yield guarded(seconds, lambda: sp.factor(sp.together(expr)), default=None)
    rewritten = guarded(seconds, lambda: expr.rewrite(sp.exp), default=None)
    if rewritten is not None and rewritten != expr:
        yield guarded(seconds, lambda: sp.factor(sp.together(sp.powsimp(rewritten))), default=None)
    yield guarded(seconds, sp.simplify, expr, default=None)


def _rational_sign_proof(expr, lo, hi, seconds):
    """expr is rational in X, or in t = exp(X/q): count the sign changes of its numerator and denominator.

    Real-root isolation of polynomials with rational coefficients is exact, so a
    numerator and denominator without roots of odd multiplicity inside the
    interval keep one sign there; a single evaluation tells which.
    """
    e = expr.rewrite(sp.exp)
    exps = [a for a in e.atoms(sp.exp) if X in a.free_symbols]
    var, t_lo, t_hi = X, lo, hi
    if exps:
        coeffs = []
        for a in exps:
            arg = sp.expand(a.args[0])
            c = arg.coeff(X)
            if not (c.is_Rational and (arg - c * X).is_number):
                return None
            coeffs.append(c)
        q = functools.reduce(sp.ilcm, [c.q for c in coeffs], 1)
        t = sp.Symbol("u", positive=True)
        e = e.xreplace({a: sp.exp(sp.expand(a.args[0]) - sp.expand(a.args[0]).coeff(X) * X)
                        * t ** (sp.expand(a.args[0]).coeff(X) * q) for a in exps})
        if X in e.free_symbols:
            return None
        var = t
        t_lo = sp.Integer(0) if lo == -sp.oo else sp.exp(lo / q)
        t_hi = sp.oo if hi == sp.oo else sp.exp(hi / q)
    e = sp.together(sp.expand(e))
    num, den = sp.fraction(e)
    for part in (num, den):
        if not part.free_symbols <= {var}:
            return None
        if var in part.free_symbols and not part.is_polynomial(var):
            return None
    for part in (num, den):
        if var in part.free_symbols and _odd_root_inside(sp.Poly(part, var), t_lo, t_hi):
            return None
    probe = representative(t_lo, t_hi) if not (t_lo.free_symbols or t_hi.free_symbols) else None
    if probe is None:
        return None
    value = e.subs(var, probe)
    return sign_of(value) in (0, 1)


def _odd_root_inside(poly, lo, hi) -> bool:
    """Does the polynomial have a real root of odd multiplicity strictly inside (lo, hi)?"""
    if any(not (c.is_number and c.is_rational) for c in poly.all_coeffs()):
        return True  # irrational coefficients: isolating roots would need approximations; cannot tell
    _, factors = sp.sqf_list(poly)
    for f, mult in factors:
        if mult % 2 == 0:
            continue
        for (a, b), _m in f.intervals():
            a, b = sp.Rational(a), sp.Rational(b)
            if a == b:
                if _strictly_inside(a, lo, hi):
                    return True
                continue
            if _strictly_inside(a, lo, hi) and _strictly_inside(b, lo, hi):
                return True
            if not (_le(b, lo) or _le(hi, a)):
                # the isolating interval straddles an end: locate the root numerically
                numeric = [r for r in sp.Poly(f).nroots(n=30) if abs(sp.im(r)) < 1e-20 and a <= sp.re(r) <= b]
                if any(_strictly_inside(sp.re(r), lo, hi) for r in numeric):
                    return True
                if not numeric:
                    return True  # cannot tell: be safe
    return False


def _strictly_inside(v, lo, hi) -> bool:
    return (lo == -sp.oo or sign_of(v - lo) == 1) and (hi == sp.oo or sign_of(hi - v) == 1)


def _le(a, b) -> bool:
    if a == -sp.oo or b == sp.oo:
        return True
    s = sign_of(b - a)
    return s is not None and s >= 0


# ---------------------------------------------------------------------------
# Disciplined convex programming: curvature by composition rules (after CVXPY's atoms).

CONSTANT, AFFINE, CONVEX, CONCAVE = "constant", "affine", "convex", "concave"


@dataclass(frozen=True)
class Curvature:
    kind: str | None        # CONSTANT, AFFINE, CONVEX, CONCAVE, or None (cannot tell)
    rule: str = ""

    @property
    def convex(self) -> bool:
        return self.kind in (CONSTANT, AFFINE, CONVEX)

    @property
    def concave(self) -> bool:
        return self.kind in (CONSTANT, AFFINE, CONCAVE)


_UNKNOWN = Curvature(None)


def _nonneg(e) -> bool:
    return e.is_nonnegative is True


def _nonpos(e) -> bool:
    return e.is_nonpositive is True


def curvature(expr, variables) -> Curvature:
    """The curvature of expr in `variables` by DCP rules; Curvature(None) when no rule applies.

    The variables' assumptions (real, positive) carry the domain: e.g. log needs a
    positive argument, which sympy's assumptions then confirm or not.
    """
    vs = set(variables)
    return _curv(expr, vs)


def _curv(e, vs) -> Curvature:
    """Dispatch to the atom's rule (each atom answers one small question, as in CVXPY)."""
    if not (e.free_symbols & vs):
        return Curvature(CONSTANT, "constant")
    if e in vs:
        return Curvature(AFFINE, "a prediction coordinate")
    for atom, rule in _ATOMS:
        if isinstance(e, atom):
            return rule(e, vs)
    return _UNKNOWN


def _sum(e, vs) -> Curvature:
    parts = [_curv(a, vs) for a in e.args]
    kinds = {p.kind for p in parts}
    if None in kinds:
        return _UNKNOWN
    if kinds <= {CONSTANT, AFFINE}:
        return Curvature(AFFINE, "sum of affine terms")
    if kinds <= {CONSTANT, AFFINE, CONVEX}:
        inner = list(dict.fromkeys(p.rule.removeprefix("sum of convex terms: ") for p in parts if p.kind == CONVEX))
        return Curvature(CONVEX, "sum of convex terms: " + "; ".join(inner))
    if kinds <= {CONSTANT, AFFINE, CONCAVE}:
        return Curvature(CONCAVE, "sum of concave terms")
    return _UNKNOWN


def _mul(e, vs) -> Curvature:
    const = sp.Mul(*[a for a in e.args if not (a.free_symbols & vs)])
    rest = [a for a in e.args if a.free_symbols & vs]
    if len(rest) == 1:
        return _scale(_curv(rest[0], vs), const)
    return _product(e, rest, const, vs)


def _exp(e, vs) -> Curvature:
    return Curvature(CONVEX, "exp of a convex function") if _curv(e.args[0], vs).convex else _UNKNOWN


def _abs(e, vs) -> Curvature:
    u = e.args[0]
    inner = _curv(u, vs)
    if inner.kind in (AFFINE, CONSTANT):
        return Curvature(CONVEX, "|affine| is convex")
    if inner.kind == CONVEX and _nonneg(u) or inner.kind == CONCAVE and _nonpos(u):
        return Curvature(CONVEX, "|.| of a convex function of one sign")
    return _UNKNOWN


def _max(e, vs) -> Curvature:
    if all(_curv(a, vs).convex for a in e.args):
        return Curvature(CONVEX, "max of convex functions")
    return _UNKNOWN


def _min(e, vs) -> Curvature:
    if all(_curv(a, vs).concave for a in e.args):
        return Curvature(CONCAVE, "min of concave functions")
    return _UNKNOWN


def _cosh(e, vs) -> Curvature:
    if _curv(e.args[0], vs).kind in (AFFINE, CONSTANT):
        return Curvature(CONVEX, "cosh of an affine function")
    return _UNKNOWN


def _scale(inner: Curvature, c) -> Curvature:
    if inner.kind is None:
        return _UNKNOWN
    if inner.kind in (CONSTANT, AFFINE):
        return inner
    if _nonneg(c):
        return Curvature(inner.kind, inner.rule)
    if _nonpos(c):
        return Curvature(CONCAVE if inner.kind == CONVEX else CONVEX, "negated: " + inner.rule)
    return _UNKNOWN


def _product(e, rest, c, vs) -> Curvature:
    """u*log(u) (negative entropy) is convex; other products of non-constants are not covered."""
    if len(rest) == 2:
        a, b = rest
        for u, lg in ((a, b), (b, a)):
            if isinstance(lg, sp.log) and sp.expand(lg.args[0] - u) == 0 and _curv(u, vs).kind == AFFINE:
                return _scale(Curvature(CONVEX, "u*log(u) is convex"), c)
    return _UNKNOWN


def _power(e, vs) -> Curvature:
    base, p = e.args
    if p.free_symbols & vs or not p.is_real:
        return _UNKNOWN
    inner = _curv(base, vs)
    if inner.kind is None:
        if p == sp.Rational(1, 2):
            return _norm(base, vs)
        return _UNKNOWN
    if p == 1:
        return inner
    if inner.kind == CONSTANT:
        return inner
    if p.is_integer and p.is_even and p > 0:
        if inner.kind == AFFINE:
            return Curvature(CONVEX, "even power of an affine function")
        if inner.kind == CONVEX and _nonneg(base):
            return Curvature(CONVEX, "power >= 1 of a nonnegative convex function")
        if inner.kind == CONCAVE and _nonpos(base):
            return Curvature(CONVEX, "even power of a nonpositive concave function")
        return _UNKNOWN
    if p >= 1:
        if inner.convex and _nonneg(base):
            return Curvature(CONVEX, "power >= 1 of a nonnegative convex function")
        return _UNKNOWN
    if 0 < p < 1:
        if inner.concave and _nonneg(base):
            return Curvature(CONCAVE, "power in (0, 1) of a nonnegative concave function")
        if p == sp.Rational(1, 2):
            return _norm(base, vs)
        return _UNKNOWN
    if p < 0:
        if inner.concave and base.is_positive is True:
            return Curvature(CONVEX, "negative power of a positive concave function")
    return _UNKNOWN


def _norm(base, vs) -> Curvature:
    """sqrt(sum of squares of affine functions + c), c >= 0, is a Euclidean norm: convex."""
    terms = base.args if isinstance(base, sp.Add) else (base,)
    for t in terms:
        if not (t.free_symbols & vs):
            if not _nonneg(t):
                return _UNKNOWN
            continue
        coeff, rest = t.as_coeff_Mul()
        if not (coeff > 0 and isinstance(rest, sp.Pow) and rest.exp == 2
                and _curv(rest.base, vs).kind in (AFFINE, CONSTANT)):
            return _UNKNOWN
    return Curvature(CONVEX, "sqrt of a sum of squares (a Euclidean norm) is convex")


def _log(u, vs) -> Curvature:
    inner = _curv(u, vs)
    if isinstance(u, sp.cosh) and _curv(u.args[0], vs).kind in (AFFINE, CONSTANT):
        return Curvature(CONVEX, "log(cosh(affine)) is convex")
    terms = u.args if isinstance(u, sp.Add) else (u,)
    exp_terms = []
    for t in terms:
        c, rest = t.as_independent(*vs, as_Add=False)
        if not (rest.free_symbols & vs):
            if not _nonneg(t):
                break
            continue
        if isinstance(rest, sp.exp) and _nonneg(c) and c != 0:
            exp_terms.append(rest.args[0])
            continue
        break
    else:
        if exp_terms and all(_curv(a, vs).convex for a in exp_terms):
            return Curvature(CONVEX, "log-sum-exp of convex functions is convex")
    if inner.concave and inner.kind is not None:
        return Curvature(CONCAVE, "log of a concave function")
    return _UNKNOWN


_ATOMS = ((sp.Add, _sum), (sp.Mul, _mul), (sp.Pow, lambda e, vs: _power(e, vs)), (sp.exp, _exp),
          (sp.log, lambda e, vs: _log(e.args[0], vs)), (sp.Abs, _abs), (sp.Max, _max), (sp.Min, _min),
          (sp.cosh, _cosh))


def domain_variable(case: Case):
    """The case's expression in a variable whose assumptions carry the domain (v > 0 for (a, ∞))."""
    if case.lo == -sp.oo and case.hi == sp.oo:
        return case.expr, X
    v = sp.Symbol("v", positive=True)
    if case.lo != -sp.oo:
        return case.expr.xreplace({X: case.lo + v}), v
    return case.expr.xreplace({X: case.hi - v}), v


def vector_proof_forms(loss, targets):
    """(expression, prediction variables, label) per target case of a vector loss, for DCP proofs.

    Predictions on the simplex or in a nonnegative box become positive symbols;
    a simplex target is one symbolic case (positive entries), other targets are
    each substituted.
    """
    from .kinds import Interval, Simplex
    expr = loss.exact_expression
    dom = loss.pred_domain
    positive = isinstance(dom, Simplex) or (isinstance(dom, Interval) and dom.lo >= 0)
    preds = [sp.Symbol(f"p{i}", positive=True) if positive else s for i, s in enumerate(loss.pred_symbols)]
    expr = expr.xreplace(dict(zip(loss.pred_symbols, preds)))
    if isinstance(loss.target_domain, Simplex):
        ys = [sp.Symbol(f"q{i}", positive=True) for i in range(len(loss.true_symbols))]
        form = sp.expand_log(expr.xreplace(dict(zip(loss.true_symbols, ys))), force=True)
        return [(form, preds, "every y_true")]
    out = []
    for y in targets:
        sub = {s: sym_number(v) for s, v in zip(loss.true_symbols, y)}
        label = "y_true = (" + ", ".join(fmt(v) for v in y) + ")"
        out.append((sp.expand_log(expr.xreplace(sub), force=True) if positive else expr.xreplace(sub),
                    preds, label))
    return out


def line_case(loss, y, p, d, s_lo: float, s_hi: float) -> Case:
    """L restricted to the line y_pred = p + s·d (s in (s_lo, s_hi)) at target y: a scalar case in X = s."""
    sub = {sym: sym_number(pi) + sym_number(di) * X for sym, pi, di in zip(loss.pred_symbols, p, d)}
    sub.update({sym: sym_number(v) for sym, v in zip(loss.true_symbols, y)})
    label = "y_true = (" + ", ".join(fmt(v) for v in y) + ")"
    return Case(loss.exact_expression.xreplace(sub), sp.Integer(0), sym_number(s_lo), sym_number(s_hi), label)
