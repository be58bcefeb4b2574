"""Interval arithmetic with outward rounding, over sympy expressions: rigorous enclosures of values.

    Iv(lo, hi)                    a closed interval of reals (ends may be ±inf)
    enclose(expr, env) -> Iv      an interval holding expr(x) for every x with x_s in env[s]
    univariate_sup(parts, lo, hi) a rigorous upper bound of sup |f| over (lo, hi) for f = sum of parts

Every float operation whose result is not exact is rounded outward (math.nextafter); a library function
(exp, log, ...) is widened by a few ulps, far above the error of a correctly rounded libm. An expression
the rules do not know, or one undefined somewhere on the box, encloses to (-inf, inf): "no bound", never
a wrong one. bounds.py builds its gradient and Hessian bounds on these.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

INF = math.inf
ULPS = 4  # widening of a library function's result


def down(x: float, n: int = 1) -> float:
    for _ in range(n):
        x = math.nextafter(x, -INF)
    return x


def up(x: float, n: int = 1) -> float:
    for _ in range(n):
        x = math.nextafter(x, INF)
    return x


def _exact_sum(a: float, b: float, s: float) -> bool:
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(s)):
        return True  # inf + finite is inf exactly
    bb = s - a  # TwoSum: the rounding error of a + b is exactly (a - (s - bb)) + (b - bb)
    return (a - (s - bb)) + (b - bb) == 0


_SPLIT = 134217729.0  # 2^27 + 1: Veltkamp's splitting of a double into two 26-bit halves


def _split(a: float):
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def _exact_product(a: float, b: float, p: float) -> bool:
    """Is a*b exactly the double p? Dekker's error-free product (the rounding error is exactly
    representable), away from overflow and underflow, where the answer is "not known exact"."""
    if not (math.isfinite(a) and math.isfinite(b) and math.isfinite(p)):
        return True
    if p == 0 or not (1e-290 < abs(a) < 1e290 and 1e-290 < abs(b) < 1e290 and 1e-290 < abs(p) < 1e290):
        return a == 0 or b == 0
    ah, al = _split(a)
    bh, bl = _split(b)
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl == 0


@dataclass(frozen=True)
class Iv:
    lo: float
    hi: float

    @staticmethod
    def point(x: float) -> "Iv":
        return Iv(x, x)

    @property
    def finite(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    @property
    def mag(self) -> float:
        """max |x| over the interval."""
        return max(abs(self.lo), abs(self.hi))

    def __add__(self, o: "Iv") -> "Iv":
        lo, hi = self.lo + o.lo, self.hi + o.hi
        if math.isnan(lo) or math.isnan(hi):
            return FULL
        lo = lo if _exact_sum(self.lo, o.lo, lo) else down(lo)
        hi = hi if _exact_sum(self.hi, o.hi, hi) else up(hi)
        return Iv(lo, hi)

    def __neg__(self) -> "Iv":
        return Iv(-self.hi, -self.lo)

    def __mul__(self, o: "Iv") -> "Iv":
        if (self.lo == self.hi == 0) or (o.lo == o.hi == 0):
            return ZERO  # an exact zero factor: 0 times any finite value
        lo, hi = INF, -INF
        for a in (self.lo, self.hi):
            for b in (o.lo, o.hi):
                p = 0.0 if a == 0 or b == 0 else a * b  # a 0 end times an infinite one bounds 0
                exact = _exact_product(a, b, p)
                lo, hi = min(lo, p if exact else down(p)), max(hi, p if exact else up(p))
        return Iv(lo, hi)

    def hull(self, o: "Iv") -> "Iv":
        return Iv(min(self.lo, o.lo), max(self.hi, o.hi))

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi


FULL = Iv(-INF, INF)
ZERO = Iv(0.0, 0.0)


def number(v) -> Iv:
    """The interval of a sympy number (a rational exactly, pi and E by their float neighbours)."""
    if v.is_Rational:
        f = Fraction(int(v.p), int(v.q))
        x = float(f)
        if Fraction(x) == f:
            return Iv.point(x)
        return Iv(down(x), up(x))
    if v.is_Float:
        x = float(v)
        return Iv.point(x) if x == int(x) else Iv(down(x), up(x))
    try:
        x = float(v)
    except (TypeError, ValueError):
        return FULL
    return Iv(down(x, 2), up(x, 2)) if math.isfinite(x) else FULL


def _monotone(fn, iv: Iv, lo_end: float, hi_end: float) -> Iv:
    """An increasing function on the interval: fn at both ends, widened (ends at infinity use the limits)."""
    def at(x, limit):
        if math.isinf(x):
            return limit
        try:
            return fn(x)
        except (OverflowError, ValueError):
            return limit if x > 0 else -INF
    a, b = at(iv.lo, lo_end), at(iv.hi, hi_end)
    return Iv(down(a, ULPS) if math.isfinite(a) else a, up(b, ULPS) if math.isfinite(b) else b)


def exp(iv: Iv) -> Iv:
    out = _monotone(math.exp, iv, 0.0, INF)
    return Iv(max(out.lo, 0.0), out.hi)


def log(iv: Iv) -> Iv:
    if iv.hi <= 0:
        return FULL  # undefined on the whole box: no bound
    inner = Iv(iv.lo, iv.hi) if iv.lo > 0 else Iv(0.0, iv.hi)
    if inner.lo == 0:
        return Iv(-INF, up(math.log(inner.hi), ULPS) if math.isfinite(inner.hi) else INF)
    return _monotone(math.log, inner, -INF, INF)


def power(iv: Iv, e: float, integer: bool) -> Iv:
    """iv ** e for a numeric exponent (a non-integer power needs a nonnegative base)."""
    if integer:
        n = int(e)
        if n == 0:
            return Iv.point(1.0)
        if n < 0:
            return reciprocal(power(iv, -n, True))
        out = Iv.point(1.0)
        base = iv if n % 2 == 1 or iv.lo >= 0 else Iv(0.0, iv.mag) if iv.contains_zero() else Iv(
            min(abs(iv.lo), abs(iv.hi)), iv.mag)
        for _ in range(n):
            out = out * base
        return Iv(max(out.lo, 0.0), out.hi) if n % 2 == 0 else out
    if iv.lo < 0:
        return FULL
    if e > 0:
        return _monotone(lambda x: x ** e, iv, 0.0, INF)
    if iv.lo == 0:
        return Iv(down(iv.hi ** e, ULPS) if math.isfinite(iv.hi) and iv.hi > 0 else 0.0, INF)
    return Iv(*reversed(_endpoints(lambda x: x ** e, iv)))


def _endpoints(fn, iv: Iv):
    a, b = fn(iv.lo) if math.isfinite(iv.lo) else 0.0, fn(iv.hi) if math.isfinite(iv.hi) else 0.0
    return up(a, ULPS), down(b, ULPS)


def reciprocal(iv: Iv) -> Iv:
    if iv.contains_zero():
        return FULL
    lo = 0.0 if math.isinf(iv.hi) else down(1.0 / iv.hi, 1)
    hi = 0.0 if math.isinf(iv.lo) else up(1.0 / iv.lo, 1)
    return Iv(lo, hi)


def absolute(iv: Iv) -> Iv:
    if iv.lo >= 0:
        return iv
    if iv.hi <= 0:
        return -iv
    return Iv(0.0, iv.mag)


def _cosh(iv: Iv) -> Iv:
    m = absolute(iv)
    return _monotone(math.cosh, m, 1.0, INF)


def _bounded(iv: Iv, fn, lo_lim: float, hi_lim: float) -> Iv:
    out = _monotone(fn, iv, lo_lim, hi_lim)
    return Iv(max(out.lo, lo_lim), min(out.hi, hi_lim))


UNARY = {
    sp.exp: exp,
    sp.log: log,
    sp.cosh: _cosh,
    sp.sinh: lambda iv: _monotone(math.sinh, iv, -INF, INF),
    sp.tanh: lambda iv: _bounded(iv, math.tanh, -1.0, 1.0),
    sp.atan: lambda iv: _bounded(iv, math.atan, -math.pi / 2 - 1e-15, math.pi / 2 + 1e-15),
    sp.sin: lambda iv: Iv(-1.0, 1.0),
    sp.cos: lambda iv: Iv(-1.0, 1.0),
    sp.Abs: absolute,
}


def enclose(expr, env: dict) -> Iv:
    """An interval holding every value of expr when each free symbol s ranges over env[s]."""
    return compiled(expr)(env)


def compiled(expr):
    """enclose(expr, .) as a function of env, built once (the pieces of an interval evaluate it often)."""
    if expr.is_Symbol:
        return lambda env: env.get(expr, FULL)
    if expr.is_Number or expr.is_NumberSymbol:
        iv = number(expr)
        return lambda env: iv
    parts = [compiled(a) for a in expr.args]
    if isinstance(expr, (sp.Add, sp.Mul)):
        add = isinstance(expr, sp.Add)

        def fold(env):
            out = ZERO if add else Iv.point(1.0)
            for p in parts:
                out = out + p(env) if add else out * p(env)
            return out
        return fold
    if isinstance(expr, sp.Pow):
        return _compiled_power(expr, parts)
    for kind, fn in UNARY.items():
        if isinstance(expr, kind):
            inner = parts[0]
            return lambda env: fn(inner(env))
    if isinstance(expr, (sp.Max, sp.Min)):
        pick = max if isinstance(expr, sp.Max) else min

        def extremum(env):
            ivs = [p(env) for p in parts]
            return Iv(pick(v.lo for v in ivs), pick(v.hi for v in ivs))
        return extremum
    return lambda env: FULL


def _compiled_power(expr, parts):
    base, e = parts[0], expr.exp
    if not e.is_Number:
        log_form = compiled(e * sp.log(expr.base))
        return lambda env: exp(log_form(env)) if base(env).lo > 0 else FULL
    value, integer = float(e), bool(e.is_Integer)
    return lambda env: power(base(env), value, integer)


def sqrt_up(x: float) -> float:
    """An upper bound of sqrt(x): math.sqrt is correctly rounded, exact when x is a float's square."""
    r = math.sqrt(x)
    return r if math.isinf(r) or Fraction(r) ** 2 >= Fraction(x) else up(r)


def sum_up(*xs) -> float:
    """An upper bound of the sum of nonnegative floats (rounded up only where inexact)."""
    out = Iv.point(0.0)
    for x in xs:
        out = out + Iv.point(x)
    return out.hi


def mul_up(*xs) -> float:
    out = Iv.point(1.0)
    for x in xs:
        out = out * Iv.point(x)
    return out.hi


# ---------------------------------------------------------------------------
# sup |f| over an open interval of one variable: pieces inside, power-log rules at the ends

def _tail_term(term, r, delta: float, env=None) -> float:
    """sup |term| over r in (0, delta] for one product c * r^a * log(r)^b * (factors regular at 0)."""
    a, b, rest = 0.0, 0, Iv.point(1.0)
    for f in sp.Mul.make_args(term):
        base, e = (f.base, f.exp) if isinstance(f, sp.Pow) else (f, sp.Integer(1))
        if base == r and e.is_Number:
            a += float(e)
        elif isinstance(base, sp.log) and base.args[0] == r and e.is_Integer and e > 0:
            b += int(e)
        else:
            rest = rest * enclose(f, {**(env or {}), r: Iv(0.0, delta)})
    if not rest.finite:
        return INF
    if b == 0 and a == 0:
        return rest.mag
    if a <= 0:
        return INF
    peak = math.exp(-b / a)
    x = min(delta, peak)
    return up(rest.mag * x ** a * abs(math.log(x)) ** b, ULPS + 4)


def tail_sup(f, r, delta: float, env=None) -> float:
    """A bound of sup |f| for r in (0, delta], f expanded into power-log terms (triangle inequality)."""
    from .core import guarded
    expanded = guarded(5.0, sp.expand, f, default=None)
    if expanded is None:
        return INF
    total = 0.0
    for term in sp.Add.make_args(expanded):
        total = up(total + _tail_term(term, r, delta, env))
        if math.isinf(total):
            return INF
    return total


PER_OCTAVE = 4  # cuts per halving of the distance to an end: a piece's ends differ by 2^(1/4)
INNER = 64


def pieces(lo: float, hi: float, levels: int = 40, inner: int = INNER) -> list:
    """Cuts of (lo, hi): geometric toward both ends (2^(-k/PER_OCTAVE) of the width), uniform in the
    middle; a narrow piece keeps the dependency of interval arithmetic (x - x) small."""
    w = hi - lo
    ks = [k / PER_OCTAVE for k in range(levels * PER_OCTAVE, 2 * PER_OCTAVE - 1, -1)]
    left = [lo + w * 2.0 ** -k for k in ks]
    mid = [lo + w * (0.25 + 0.5 * i / inner) for i in range(inner + 1)]
    right = [hi - w * 2.0 ** -k for k in reversed(ks)]
    return sorted(set(left + mid + right))


def univariate_sup(options, t, lo: float, hi: float, env=None, levels: int = 40) -> float:
    """A rigorous bound of sup over the open interval (lo, hi) (finite ends) of min over `options` of
    sum |f| (each option a list of expressions in t, each an upper bound of the quantity wanted):
    interval enclosures on the pieces between the cuts, power-log bounds on the two end pieces
    (t = lo + r, t = hi - r)."""
    cuts = pieces(lo, hi, levels)
    best = 0.0
    fns = [[compiled(f) for f in fs] for fs in options]
    for a, b in zip(cuts[:-1], cuts[1:]):
        box = {**(env or {}), t: Iv(down(a), up(b))}
        best = max(best, min(_total(fn(box).mag for fn in fs) for fs in fns))
        if math.isinf(best):
            return INF
    r = sp.Symbol("r", positive=True)
    for end, sign, delta in ((lo, 1, cuts[0] - lo), (hi, -1, hi - cuts[-1])):
        at = {t: sp.Rational(*Fraction(end).as_integer_ratio()) + sign * r}
        box = {**(env or {}), t: Iv(end, end + up(delta)) if sign > 0 else Iv(end - up(delta), end)}
        best = max(best, min(_total(_end_sup(f, box, at, r, delta, env) for f in fs) for fs in options))
        if math.isinf(best):
            return INF
    return best


def _end_sup(f, box, at, r, delta: float, env) -> float:
    direct = enclose(f, box)
    if direct.finite:
        return direct.mag
    return tail_sup(f.xreplace(at), r, up(delta), env)


def _total(values) -> float:
    out = 0.0
    for v in values:
        out = up(out + v)
    return out


def univariate_hull(f, t, lo: float, hi: float, env=None, levels: int = 40) -> Iv:
    """An interval holding f(t) for every t in the open interval (lo, hi) (finite ends)."""
    cuts = pieces(lo, hi, levels)
    out = None
    fn = compiled(f)
    for a, b in zip(cuts[:-1], cuts[1:]):
        piece = fn({**(env or {}), t: Iv(down(a), up(b))})
        out = piece if out is None else out.hull(piece)
    r = sp.Symbol("r", positive=True)
    for end, sign, delta in ((lo, 1, cuts[0] - lo), (hi, -1, hi - cuts[-1])):
        piece = enclose(f, {**(env or {}), t: Iv(end, end + up(delta)) if sign > 0 else Iv(end - up(delta), end)})
        if not piece.finite:
            at = {t: sp.Rational(*Fraction(end).as_integer_ratio()) + sign * r}
            m = tail_sup(f.xreplace(at), r, up(delta), env)
            piece = Iv(-m, m)
        out = out.hull(piece)
    return out


def fixed_signs(phi, t, lo: float, hi: float, env):
    """phi with every |a(t)| whose argument keeps one sign on (lo, hi) written as a or -a; None when
    some argument changes sign (a kink: no bound)."""
    for node in sorted(phi.atoms(sp.Abs), key=sp.count_ops):
        arg = node.args[0]
        v = univariate_hull(arg, t, lo, hi, env)
        if not (v.lo >= 0 or v.hi <= 0):
            return None
        phi = phi.xreplace({node: arg if v.lo >= 0 else -arg})
    return phi
