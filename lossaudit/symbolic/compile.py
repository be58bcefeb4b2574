"""Numeric forms of sympy expressions: float64 functions that do not overflow where the exact
value is finite (stable rewrites of log-sum-exp and friends), with an mpmath fallback, and
high-precision evaluators for the few points a verdict rests on.

The custom functions softplus, lse, logcosh and log1p_ are module-level classes: lambdify and the
printers recognise them by identity, so they are defined once, here.
"""
from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

from ..budget import MP_DIGITS, MP_MAX_EXPONENT_BITS, MP_POINTS
from ..timeouts import SymbolicTimeout, deadline
from .core import BoundedMemo, strip_distributions


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


_LSE_CALLS: list = []  # one memo per numeric evaluation under way (`compile_numeric`), innermost last


def _np_lse(*args):
    """log-sum-exp, computed once per evaluation for the same arguments: a softmax Hessian entry holds
    lse(z_0, ..., z_K) five times over, each time with the very arrays the evaluation was given."""
    memo = _LSE_CALLS[-1] if _LSE_CALLS else None
    key = tuple(map(id, args))
    if memo is not None and key in memo:
        return memo[key][1]
    out = _lse_values(args)
    if memo is not None:
        memo[key] = (args, out)  # holding the arguments keeps their ids theirs until the evaluation ends
    return out


def _lse_values(args):
    # the same operations, in the same order, as max / sum over the stacked arguments (so the same
    # bits), without building the stack
    values = [np.asarray(a, dtype=float) for a in args]
    top = functools.reduce(np.maximum, values)
    top = np.where(np.isfinite(top), top, 0.0)
    total = functools.reduce(np.add, [np.exp(v - top) for v in values])
    return top + np.log(total)


def _np_logcosh(u):
    a = np.abs(u)
    return a + np.log1p(np.exp(-2 * a)) - math.log(2.0)


NUMPY_FUNCTIONS = {"softplus": lambda u: np.logaddexp(0.0, u), "lse": _np_lse,
                   "logcosh": _np_logcosh, "log1p_": np.log1p,
                   # given directly, sympy's printer skips rewriting Heaviside (seconds for max/abs terms)
                   "Heaviside": lambda u, h=0.5: np.heaviside(u, float(h))}


def _mp_heaviside(u, h=0.5):
    return mpmath.mpf(0) if u < 0 else mpmath.mpf(1) if u > 0 else mpmath.mpf(h)


class mp_pow(sp.Function):
    """b**e with an exponent that varies, for the mpmath evaluators only (see `_mp_pow`)."""


def _mp_pow(b, e):
    """b**e in mpmath, refused (OverflowError: beyond any float) when |e*log2(b)| > 2**MP_MAX_EXPONENT_BITS:
    such a power is 0 or beyond float range, and mpmath can take minutes to compute it."""
    if b and e and mpmath.isfinite(b) and mpmath.isfinite(e) and b != 1:
        if mpmath.mag(e) + max(mpmath.mag(mpmath.log(abs(b), 2)), 0) > MP_MAX_EXPONENT_BITS:
            raise OverflowError("power beyond the mpmath budget")
    return b ** e


MPMATH_FUNCTIONS = {"Heaviside": _mp_heaviside, "mp_pow": _mp_pow}


def _mp_forms(expr):
    """Powers whose exponent varies -> mp_pow (a bounded mpmath power); the rest as it is."""
    def match(e):
        return isinstance(e, sp.Pow) and not e.exp.is_number
    return expr.replace(match, lambda e: mp_pow(e.base, e.exp)) if expr.has(sp.Pow) else expr


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


# The mpmath work is bounded deterministically (lossaudit.budget: at most MP_POINTS re-evaluations per
# call, MP_DIGITS digits, powers bounded by MP_MAX_EXPONENT_BITS); the seconds are safety nets only, in
# active time, far above the slowest call of the catalog (about 0.04 s for a fallback, 0.01 s for a point).
MPMATH_FALLBACK_LIMIT = MP_POINTS
MPMATH_FALLBACK_SECONDS = 20.0
MP_POINT_SECONDS = 10.0  # one exact evaluation; beyond it the value counts as unknown (nan)


_COMPILED = BoundedMemo(2048)  # (role, args, expression) -> its lambdified function (a catalog compiles ~600)


def _lambdified(role: str, args, expr, build):
    """The function `build()` makes for `expr`, made once per process: every property of a loss (and
    every Checker) asks for the same formulas; sympy's equality is structural (a Float's precision
    included), so an equal key compiles to the same code."""
    return _COMPILED.get((role, tuple(args), expr), build)


def mp_lambdify(args, expr):
    """An mpmath function of `args` for `expr`, its powers bounded (`_mp_pow`)."""
    return _lambdified("mp", args, expr, lambda: sp.lambdify(
        args, _mp_forms(expr), modules=[MPMATH_FUNCTIONS, "mpmath"], docstring_limit=-1))


def _numpy_function(args, expr):
    return _lambdified("numpy", args, expr, lambda: sp.lambdify(
        args, _stable_forms(expr), modules=[NUMPY_FUNCTIONS, "numpy"], docstring_limit=-1))


def compile_numeric(expr, args):
    """A vectorised numpy function of `args` for `expr`, with an mpmath fallback.

    Entries that come out non-finite in float64 (overflow in cosh, exp(...)/exp(...))
    are re-evaluated in MP_DIGITS-digit mpmath, at most MPMATH_FALLBACK_LIMIT per call
    (the mpmath function is compiled the first time one is needed).
    """
    expr = strip_distributions(expr)
    fast = _numpy_function(args, expr)

    def evaluate(*values):
        arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        shape = arrays[0].shape
        with np.errstate(all="ignore"):
            out = _fast_values(fast, arrays, shape)
        out = np.broadcast_to(out, shape).copy() if out.shape != shape else out
        bad = ~np.isfinite(out)
        if bad.any():
            out = _fallback(mp_lambdify(args, expr), arrays, out, bad)
        return out

    def precise(*values):
        """The same values, each computed in MP_DIGITS-digit mpmath (for the few points a verdict rests on)."""
        slow = mp_lambdify(args, expr)
        arrays = np.broadcast_arrays(*[np.asarray(v, dtype=float) for v in values])
        flat = [a.reshape(-1) for a in arrays]
        with mpmath.workdps(MP_DIGITS):
            out = np.array([_mp_float(slow, [f[i] for f in flat]) for i in range(flat[0].size)])
        return out.reshape(arrays[0].shape)

    evaluate.precise = precise
    return evaluate


def _fast_values(fast, arrays, shape):
    _LSE_CALLS.append({})
    try:
        return np.asarray(fast(*arrays), dtype=float)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return np.full(shape, np.nan)
    finally:
        _LSE_CALLS.pop()


def _fallback(slow, arrays, out, bad):
    """`out` with its non-finite entries (the first MPMATH_FALLBACK_LIMIT) re-evaluated in mpmath."""
    shape = out.shape
    idx = np.flatnonzero(bad)[:MPMATH_FALLBACK_LIMIT]
    flat = [a.reshape(-1) for a in arrays]
    fixed = out.reshape(-1)
    try:  # bounded by the points and the powers; the deadline is a safety net only
        with deadline(MPMATH_FALLBACK_SECONDS), mpmath.workdps(MP_DIGITS):
            for i in idx:
                better = _mp_float(slow, [f[i] for f in flat])
                if not math.isnan(better) or math.isnan(fixed[i]):
                    fixed[i] = better  # keep numpy's ±inf (1/0) when mpmath cannot say more
    except SymbolicTimeout:
        pass
    return fixed.reshape(shape)


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
    fn = _lambdified("mp_evaluator", args, expr, lambda: sp.lambdify(
        args, _mp_forms(_log1p_forms(expr)), modules=[{"log1p_": mpmath.log1p}, MPMATH_FUNCTIONS, "mpmath"],
        docstring_limit=-1))

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
