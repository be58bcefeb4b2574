"""Disciplined convex programming: curvature by composition (after CVXPY's atoms).

Each atom declares a few facts - its curvature, its monotonicity in each argument (which may
depend on the argument's sign), the arguments it is defined for, and the words of its rule - and
one composition rule derives the curvature of a tree from them:

    f(g_1, ..., g_n) is convex (concave) when f is, and each g_i is affine, or f is increasing in
    g_i and g_i is convex (concave), or f is decreasing in g_i and g_i is concave (convex).

Sums and scalings are the two operations on top: a sum of convex terms is convex, a nonnegative
multiple keeps the curvature and a negative one flips it.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

CONSTANT, AFFINE, CONVEX, CONCAVE = "constant", "affine", "convex", "concave"
INCREASING, DECREASING = "increasing", "decreasing"
_OPPOSITE = {CONVEX: CONCAVE, CONCAVE: CONVEX}


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


def _positive(e) -> bool:
    return e.is_positive is True


# ---------------------------------------------------------------------------
# Facts an atom declares


def _increasing(arg):
    return INCREASING


def _decreasing(arg):
    return DECREASING


def _not_monotone(arg):
    return None


def _by_sign(arg):
    """Increasing where the argument is nonnegative, decreasing where it is nonpositive (|u|, u^2)."""
    return INCREASING if _nonneg(arg) else DECREASING if _nonpos(arg) else None


def _everywhere(arg) -> bool:
    return True


@dataclass(frozen=True)
class Atom:
    """What an atom f declares: its curvature, its monotonicity in an argument (a function of that
    argument, since it may depend on the argument's sign), where it has that curvature, and why.

    `why` is one sentence, or one per way the arguments were accepted (AFFINE, INCREASING,
    DECREASING) when the rule reads differently for them.
    """

    curvature: str
    why: str | dict
    monotone: object = _not_monotone
    domain: object = _everywhere

    def rule(self, way: str) -> str:
        return self.why if isinstance(self.why, str) else self.why[way]


EXP = Atom(CONVEX, "exp of a convex function", _increasing)
ABS = Atom(CONVEX, {AFFINE: "|affine| is convex", INCREASING: "|.| of a convex function of one sign",
                    DECREASING: "|.| of a convex function of one sign"}, _by_sign)
MAX = Atom(CONVEX, "max of convex functions", _increasing)
MIN = Atom(CONCAVE, "min of concave functions", _increasing)
COSH = Atom(CONVEX, "cosh of an affine function")
LOG = Atom(CONCAVE, "log of a concave function", _increasing)
LOG_COSH = Atom(CONVEX, "log(cosh(affine)) is convex")
LOG_SUM_EXP = Atom(CONVEX, "log-sum-exp of convex functions is convex", _increasing)
NORM2 = Atom(CONVEX, "sqrt of a sum of squares (a Euclidean norm) is convex")
NEG_ENTROPY = Atom(CONVEX, "u*log(u) is convex")
EVEN_POWER = Atom(CONVEX, {AFFINE: "even power of an affine function",
                           INCREASING: "power >= 1 of a nonnegative convex function",
                           DECREASING: "even power of a nonpositive concave function"}, _by_sign)
POWER_ABOVE_ONE = Atom(CONVEX, "power >= 1 of a nonnegative convex function", _increasing, _nonneg)
POWER_BELOW_ONE = Atom(CONCAVE, "power in (0, 1) of a nonnegative concave function", _increasing, _nonneg)
NEGATIVE_POWER = Atom(CONVEX, "negative power of a positive concave function", _decreasing, _positive)


def _power_atom(p) -> Atom | None:
    """u**p for a real constant p: even powers on the whole line, other powers where u >= 0 (u > 0)."""
    if p.is_integer and p.is_even and p > 0:
        return EVEN_POWER
    if p >= 1:
        return POWER_ABOVE_ONE
    if 0 < p < 1:
        return POWER_BELOW_ONE
    if p < 0:
        return NEGATIVE_POWER
    return None


# ---------------------------------------------------------------------------
# The composition rule


def curvature(expr, variables) -> Curvature:
    """The curvature of expr in `variables` by DCP rules; Curvature(None) when no rule applies.

    The variables' assumptions (real, positive) carry the domain: e.g. log needs a
    positive argument, which sympy's assumptions then confirm or not.
    """
    return _curv(expr, set(variables))


def _curv(e, vs) -> Curvature:
    if not (e.free_symbols & vs):
        return Curvature(CONSTANT, "constant")
    if e in vs:
        return Curvature(AFFINE, "a prediction coordinate")
    if isinstance(e, sp.Add):
        return _sum(e, vs)
    if isinstance(e, sp.Mul):
        return _mul(e, vs)
    for atom, args in _readings(e, vs):
        c = compose(atom, args, vs)
        if c.kind is not None:
            return c
    return _UNKNOWN


def compose(atom: Atom, args, vs) -> Curvature:
    """The DCP rule: atom(args) has the atom's curvature when every argument is accepted."""
    ways = []
    for a in args:
        way = _accepted(atom, a, _curv(a, vs))
        if way is None:
            return _UNKNOWN
        ways.append(way)
    if not all(atom.domain(a) for a in args):
        return _UNKNOWN
    return Curvature(atom.curvature, atom.rule(next((w for w in ways if w != AFFINE), AFFINE)))


def _accepted(atom: Atom, arg, c: Curvature) -> str | None:
    """How an argument of curvature c passes the rule: AFFINE, INCREASING, DECREASING, or None (it does not)."""
    if c.kind in (CONSTANT, AFFINE):
        return AFFINE
    if c.kind is None:
        return None
    way = atom.monotone(arg)
    if way == INCREASING and c.kind == atom.curvature:
        return INCREASING
    if way == DECREASING and c.kind == _OPPOSITE[atom.curvature]:
        return DECREASING
    return None


_FUNCTIONS = ((sp.exp, EXP), (sp.Abs, ABS), (sp.Max, MAX), (sp.Min, MIN), (sp.cosh, COSH))


def _readings(e, vs) -> list:
    """The atoms e can be read as, each with its arguments, the most specific reading first."""
    if isinstance(e, sp.Pow):
        return _power_readings(e, vs)
    if isinstance(e, sp.log):
        return _log_readings(e.args[0], vs)
    return [(atom, e.args) for kind, atom in _FUNCTIONS if isinstance(e, kind)][:1]


def _power_readings(e, vs) -> list:
    base, p = e.args
    if p.free_symbols & vs or not p.is_real:
        return []
    atom = _power_atom(p)
    readings = [(atom, [base])] if atom is not None else []
    if p == sp.Rational(1, 2):
        readings += _norm_readings(base, vs)
    return readings


def _norm_readings(base, vs) -> list:
    """sqrt(sum of c_i * u_i**2 + c), c_i > 0, c >= 0: the Euclidean norm of (u_i), read with args u_i."""
    terms = base.args if isinstance(base, sp.Add) else (base,)
    squared = []
    for t in terms:
        if not (t.free_symbols & vs):
            if not _nonneg(t):
                return []
            continue
        coeff, rest = t.as_coeff_Mul()
        if not (coeff > 0 and isinstance(rest, sp.Pow) and rest.exp == 2):
            return []
        squared.append(rest.base)
    return [(NORM2, squared)]


def _log_readings(u, vs) -> list:
    readings = [(LOG_COSH, u.args)] if isinstance(u, sp.cosh) else []
    exponents = _exp_sum_exponents(u, vs)
    if exponents:
        readings.append((LOG_SUM_EXP, exponents))
    return readings + [(LOG, [u])]


def _exp_sum_exponents(u, vs) -> list | None:
    """[a_i] when u = sum of c_i * exp(a_i) (c_i > 0) plus a nonnegative constant; None otherwise."""
    terms = u.args if isinstance(u, sp.Add) else (u,)
    exponents = []
    for t in terms:
        c, rest = t.as_independent(*vs, as_Add=False)
        if not (rest.free_symbols & vs):
            if not _nonneg(t):
                return None
            continue
        if not (isinstance(rest, sp.exp) and _nonneg(c) and c != 0):
            return None
        exponents.append(rest.args[0])
    return exponents


# ---------------------------------------------------------------------------
# Sums and scalings


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
    return _scale(_product(rest, vs), const)


def _scale(inner: Curvature, c) -> Curvature:
    if inner.kind is None:
        return _UNKNOWN
    if inner.kind in (CONSTANT, AFFINE):
        return inner
    if _nonneg(c):
        return Curvature(inner.kind, inner.rule)
    if _nonpos(c):
        return Curvature(_OPPOSITE[inner.kind], "negated: " + inner.rule)
    return _UNKNOWN


def _product(rest, vs) -> Curvature:
    """u*log(u) (negative entropy) is convex; other products of non-constants are not covered."""
    if len(rest) == 2:
        a, b = rest
        for u, lg in ((a, b), (b, a)):
            if isinstance(lg, sp.log) and sp.expand(lg.args[0] - u) == 0:
                c = compose(NEG_ENTROPY, [u], vs)
                if c.kind is not None:
                    return c
    return _UNKNOWN
