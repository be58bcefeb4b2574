"""Cheap exact limits at ±oo tried before Gruntz: the limit laws applied part by part (sums, products,
|u|, sign(u), exp, log, constant powers) and rational functions of exponentials. Any indeterminate step
returns None and Gruntz decides."""
from __future__ import annotations

import sympy as sp

from .core import X, is_finite_number

# Rational functions of exponentials exp(a·x + b), a rational: with t = exp(x/q) (q the common
# denominator of the slopes) a rational function P(t)/Q(t), whose limit as t -> oo (x -> oo) or
# t -> 0+ (x -> -oo) the leading or lowest terms decide; every coefficient that decides must be
# clearly nonzero in 30-digit arithmetic, else None (Gruntz decides).

def _exponential_ratio_limit(expr, point):
    t = sp.Dummy("t", positive=True)
    swapped = _in_exponentials(expr, t)
    if swapped is None:
        return None
    num, den = sp.fraction(sp.together(swapped))
    try:
        p, q = sp.Poly(num, t), sp.Poly(den, t)
    except sp.PolynomialError:
        return None
    top = point == sp.oo
    a, b = _decisive_term(p, top), _decisive_term(q, top)
    if a is None or b is None:
        return None
    (n, ca), (m, cb) = a, b
    if n == m:
        return ca / cb
    if (n < m) == top:
        return sp.Integer(0)
    signs = (_sign_of(ca), _sign_of(cb))
    if None in signs:
        return None
    return sp.oo if signs[0] == signs[1] else -sp.oo


def _in_exponentials(expr, t):
    """expr with every exp(a·x + b) as exp(b)·t**(a·q), x -> q·log t; None unless x occurs only there."""
    exps = [e for e in expr.atoms(sp.exp) if X in e.free_symbols]
    slopes = []
    for e in exps:
        arg = sp.expand(e.args[0])
        a = arg.coeff(X, 1)
        if not (a.is_Rational and (arg - a * X).free_symbols.isdisjoint({X})):
            return None
        slopes.append(a)
    if not exps:
        return None
    q = sp.ilcm(*[a.q for a in slopes]) if len(slopes) > 1 else slopes[0].q
    out = expr.xreplace({e: sp.exp(sp.expand(e.args[0]) - a * X) * t ** (a * q) for e, a in zip(exps, slopes)})
    return None if X in out.free_symbols or not out.free_symbols <= {t} else out


def _decisive_term(poly, top: bool):
    """(degree, coefficient) of the highest (top) or lowest term with a clearly nonzero coefficient,
    every term beyond it exactly zero; None when some coefficient cannot be told from 0."""
    terms = sorted(poly.terms(), key=lambda term: term[0][0], reverse=top)
    for (k,), c in terms:
        c = sp.sympify(c)
        if c.is_zero is True:
            continue
        value = abs(complex(c.evalf(30)))
        if not c.is_number or not value > 1e-12 * _scale(terms):
            return None
        return k, c
    return None


def _scale(terms) -> float:
    return max(abs(complex(sp.sympify(c).evalf(30))) for _, c in terms)


# The limit laws, for sums, products and powers of parts whose limits are determinate, and continuity
# (|u| -> |L|, sign(u) -> sign(L) when L != 0, exp, log): Gruntz on each part free of sign and |.|
# (sympy's Gruntz is slow on those, asking the sign of every rewritten argument), never across an
# indeterminate form (0·oo, oo - oo), which is left to Gruntz on the whole (None here). A sign whose
# argument tends to 0 (or has no known limit) is only bounded, |sign u| <= 1: enough beside a factor
# tending to 0 (bounded · 0 -> 0, the squeeze), else undecided.

BOUNDED = "bounded"  # the "limit" of a part known only to stay within [-1, 1]


def _by_parts(expr, point):
    """lim expr at ±oo from the limits of its parts (None when some step is not determinate)."""
    value = _part_limit(expr, point)
    return None if value is BOUNDED else value


def _part_limit(expr, point):
    if X not in expr.free_symbols:
        return expr if expr.is_number else None
    if not expr.has(sp.sign, sp.Abs):
        from .limits import _gruntz_value, _substituted_infinity  # the general steps, for a part free of switches
        value = _substituted_infinity(expr, point)
        return value if value is not None else _gruntz_value(expr, point)
    if expr.is_Add or expr.is_Mul:
        parts = [_part_limit(a, point) for a in _grouped(expr)]
        if any(v is None for v in parts):
            return None
        return _limit_sum(parts) if expr.is_Add else _limit_product(parts)
    return _function_limit(expr, point)


def _function_limit(expr, point):
    """sign(u), |u|, exp(u), log(u) and u**c from the limit of u."""
    if isinstance(expr, sp.sign):
        inner = _part_limit(expr.args[0], point)
        return BOUNDED if inner is None or inner is BOUNDED else _limit_sign(inner)
    rule = _CONTINUOUS.get(type(expr))
    if rule is None and not (expr.is_Pow and X not in expr.exp.free_symbols and expr.exp.is_number):
        return None
    inner = _part_limit(expr.args[0], point)
    if inner is None or inner is BOUNDED:
        return None
    return rule(inner) if rule is not None else _limit_power(inner, expr.exp)


def _grouped(expr) -> list:
    """The terms of a sum, or the factors of a product with those free of sign and |.| as one
    (their limit taken whole: exp(-3x)·exp(x) is no 0·oo)."""
    if expr.is_Add:
        return list(expr.args)
    plain = [a for a in expr.args if not a.has(sp.sign, sp.Abs)]
    rest = [a for a in expr.args if a.has(sp.sign, sp.Abs)]
    return ([sp.Mul(*plain)] if plain else []) + rest


def _sign_of(v):
    """1 or -1 for a nonzero real number or ±oo, else None."""
    if v.is_extended_positive is True:
        return 1
    if v.is_extended_negative is True:
        return -1
    return None


def _limit_sum(parts):
    infinite = {v for v in parts if v is not BOUNDED and v in (sp.oo, -sp.oo)}
    if len(infinite) > 1 or not all(v is BOUNDED or v in infinite or is_finite_number(v) for v in parts):
        return None
    if infinite:
        return infinite.pop()  # oo plus finite or bounded parts
    return BOUNDED if any(v is BOUNDED for v in parts) else _exact_sum(parts)


def _exact_sum(parts):
    """The sum of finite numbers: 0 when it cancels exactly, itself when it is clearly nonzero, None
    when it is too close to 0 to tell (exp(3)/(exp(3) + exp(5)) - 1/(1 + exp(2)) is 0 unsimplified)."""
    total = sp.Add(*parts)
    if total.is_zero is True or sp.cancel(total) == 0:
        return sp.Integer(0)
    size = max(abs(complex(p.evalf(30))) for p in parts)
    return total if abs(complex(total.evalf(30))) > 1e-12 * size else None


def _limit_product(parts):
    bounded = [v for v in parts if v is BOUNDED]
    parts = [v for v in parts if v is not BOUNDED]
    if not all(v in (sp.oo, -sp.oo) or is_finite_number(v) for v in parts):
        return None
    if bounded:  # a bounded factor beside finite ones tending to a product 0 (the squeeze), else unknown
        finite = not any(v in (sp.oo, -sp.oo) for v in parts)
        return sp.Integer(0) if finite and sp.Mul(*parts).is_zero is True else None
    if not any(v in (sp.oo, -sp.oo) for v in parts):
        return sp.Mul(*parts)
    signs = [_sign_of(v) for v in parts]
    if any(s is None for s in signs):
        return None  # a factor tends to 0 (0·oo) or its sign is unknown
    return sp.oo if sp.prod(signs) > 0 else -sp.oo


def _limit_power(base, e):
    if is_finite_number(base):
        if _sign_of(base) == 1 or base.is_zero and e.is_positive:
            return base ** e
        return base ** e if _sign_of(base) == -1 and e.is_integer else None
    if base == sp.oo:
        return sp.oo if e.is_positive else sp.Integer(0) if e.is_negative else None
    if base == -sp.oo and e.is_integer:
        return sp.Integer(0) if e.is_negative else sp.oo if e.is_even and e.is_positive \
            else -sp.oo if e.is_positive else None
    return None


def _limit_sign(v):
    s = _sign_of(v) if (v in (sp.oo, -sp.oo) or is_finite_number(v)) else None
    return BOUNDED if s is None else sp.Integer(s)


def _limit_abs(v):
    if v in (sp.oo, -sp.oo):
        return sp.oo
    return sp.Abs(v) if is_finite_number(v) else None


def _limit_exp(v):
    if v == sp.oo or v == -sp.oo:
        return sp.oo if v == sp.oo else sp.Integer(0)
    return sp.exp(v) if is_finite_number(v) else None


def _limit_log(v):
    if v == sp.oo:
        return sp.oo
    return sp.log(v) if is_finite_number(v) and _sign_of(v) == 1 else None


_CONTINUOUS = {sp.Abs: _limit_abs, sp.exp: _limit_exp, sp.log: _limit_log}
