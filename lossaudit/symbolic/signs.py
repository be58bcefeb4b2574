"""Sign proofs: expr(X) >= 0 for every X in an open interval (lo, hi).

First sympy's assumptions on forms of the expression with X swept by a positive symbol; then,
for expressions rational in X or in exp(X/q), exact real-root isolation of numerator and
denominator. A proof is True; anything else means "not proved".
"""
from __future__ import annotations

import functools

import sympy as sp

from .core import X, guarded, sign_of
from .pieces import representative


_T = sp.Symbol("t", positive=True)


def _interval_substitution(lo, hi, t=_T):
    """X in terms of a positive symbol t that sweeps exactly the open interval (lo, hi)."""
    if lo == -sp.oo and hi == sp.oo:
        return None
    if hi == sp.oo:
        return lo + t
    if lo == -sp.oo:
        return hi - t
    return lo + (hi - lo) * t / (1 + t)


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
    rational = _rational_form(expr.rewrite(sp.exp), lo, hi)
    if rational is None:
        return None
    e, var, t_lo, t_hi = rational
    e = sp.together(sp.expand(e))
    parts = sp.fraction(e)
    if not all(_polynomial_in(part, var) for part in parts):
        return None
    if any(var in part.free_symbols and _odd_root_inside(sp.Poly(part, var), t_lo, t_hi) for part in parts):
        return None
    if t_lo.free_symbols or t_hi.free_symbols:
        return None
    return sign_of(e.subs(var, representative(t_lo, t_hi))) in (0, 1)


def _rational_form(e, lo, hi):
    """(e, var, lo, hi) with e rational in var over (lo, hi): X itself, or u = exp(X/q) when e has
    exponentials exp(c*X + d) with rational c (q the common denominator); None otherwise."""
    exps = [a for a in e.atoms(sp.exp) if X in a.free_symbols]
    if not exps:
        return e, X, lo, hi
    slopes = [_rational_slope(sp.expand(a.args[0])) for a in exps]
    if None in slopes:
        return None
    q = functools.reduce(sp.ilcm, [c.q for c in slopes], 1)
    u = sp.Symbol("u", positive=True)
    e = e.xreplace({a: sp.exp(sp.expand(a.args[0]) - c * X) * u ** (c * q) for a, c in zip(exps, slopes)})
    if X in e.free_symbols:
        return None
    u_lo = sp.Integer(0) if lo == -sp.oo else sp.exp(lo / q)
    u_hi = sp.oo if hi == sp.oo else sp.exp(hi / q)
    return e, u, u_lo, u_hi


def _rational_slope(arg):
    """c when arg = c*X + d with c rational and d a number; None otherwise."""
    c = arg.coeff(X)
    return c if c.is_Rational and (arg - c * X).is_number else None


def _polynomial_in(part, var) -> bool:
    return part.free_symbols <= {var} and (var not in part.free_symbols or part.is_polynomial(var))


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
