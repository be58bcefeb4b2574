"""Proofs over a whole parameter region: a property decided for every value of a parameter in an interval
at once, with the parameter kept symbolic (lossaudit.regions asks; the audits at grid points only sample).

The parameter theta sweeps an open interval (p, q) as p + (q - p)·T/(1 + T) with T > 0 (a positive symbol),
or is one exact number. First the expression is resolved on the interval: every `where` whose condition
depends on theta alone and every |g(theta)| keep one branch there, because the interval is split at the
real roots of those conditions (alpha = 0 and alpha = 2 are Barron's own pieces); a root that is not a
rational number, or a condition mixing theta with the prediction, means "not proved".

Convexity (scalar kinds, an expression smooth in the prediction once resolved):
  holds   f''(x; theta) >= 0 for every x of the prediction domain, every target case and every theta of
          the interval (sympy's assumptions on a factored form, x swept by a positive symbol V);
  fails   f'' factors into pieces of known sign for large V: the positive ones, and polynomials in V whose
          leading coefficient has a proved sign; their product is negative, so for every theta of the
          interval some prediction far enough out has f'' < 0 (an asymptotic witness depending on theta).
Anything else is None: not proved, and the caller keeps the audits' wording.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from .core import X, guarded, sym_number

T = sp.Symbol("T", positive=True)   # sweeps the parameter's open interval
V = sp.Symbol("V", positive=True)   # sweeps the prediction domain
PROOF_SECONDS = 60.0                # safety net of one proof (a timeout is "not proved")
PROPERTIES = ("convexity", "robustness")  # the properties this module can prove over a region
_ROUGH = (sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min, sp.floor, sp.ceiling)


@dataclass
class Proved:
    """A proved verdict over theta in [lo, hi] (one point when lo == hi; ends open unless closed)."""

    verdict: str        # "holds" or "fails"
    how: str            # the sentence: what was proved
    pieces: int = 0     # the open pieces the region was split into (at the parameter's own pieces)
    points: int = 0     # the points decided exactly (the closed ends and the splits)


# ---------------------------------------------------------------------------
# The expression with theta symbolic, and its target cases


def parametric(loss, name: str):
    """(expr in y_pred, y_true and theta, theta) with the other parameters at their audited values."""
    from ..expr import param_symbol, parse
    exact = parse(loss.text, params=[p.name for p in loss.parameters], classes=loss.K, exact=True)
    theta = param_symbol(name)
    return exact.xreplace({param_symbol(k): sym_number(v) for k, v in loss.param_values.items() if k != name}), theta


def cases(loss, expr) -> list | None:
    """(expression in X and theta, domain lo, domain hi, label) for targets standing for every valid target."""
    from .cases import target_value, translation_invariant
    if loss.kind.vector or loss.text is None:
        return None
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    dom, tdom = loss.pred_domain, loss.target_domain
    lo, hi = sym_number(dom.lo), sym_number(dom.hi)
    if tdom.labels:
        targets = [(sym_number(v), f"y_true = {v:g}") for v in tdom.labels]
    elif translation_invariant(loss, PROOF_SECONDS):
        targets = [(sp.Integer(0), "every y_true (L depends on y_pred - y_true only)")]
    else:
        targets = [(target_value(loss), "every y_true")]
        targets += [(sym_number(end), f"y_true = {end:g}") for end, closed in ((tdom.lo, tdom.lo_closed),
                    (tdom.hi, tdom.hi_closed)) if closed and math.isfinite(end)]
    return [(expr.xreplace({yt: y, yp: X}), lo, hi, label) for y, label in targets]


# ---------------------------------------------------------------------------
# Resolving the pieces that depend on theta alone


def _theta_atoms(expr, theta) -> list:
    """The expressions g(theta) whose sign picks a branch: sides of theta-only conditions, |g| arguments."""
    out = []
    for pw in expr.atoms(sp.Piecewise):
        for _, cond in pw.args:
            for rel in cond.atoms(sp.core.relational.Relational):
                if rel.free_symbols <= {theta}:
                    out.append(rel.lhs - rel.rhs)
    out += [a.args[0] for a in expr.atoms(sp.Abs) if a.args[0].free_symbols <= {theta}]
    return [g for g in out if theta in g.free_symbols]


def splits(expr, theta, lo: Fraction, hi: Fraction) -> list[Fraction] | None:
    """The rational points inside (lo, hi) where a theta-only piece changes; None when one is not rational."""
    points = set()
    for g in _theta_atoms(expr, theta):
        num = sp.fraction(sp.together(g))[0]
        if not num.is_polynomial(theta):
            return None
        for root in sp.Poly(num, theta).real_roots():
            if not root.is_Rational:
                value = float(root)
                if lo < value < hi:
                    return None
                continue
            r = Fraction(int(root.p), int(root.q))
            if lo < r < hi:
                points.add(r)
    return sorted(points)


def resolve(expr, theta, point):
    """The expression with every theta-only piece decided at `point` (constant on the open sub-interval)."""
    def branch(pw):
        for value, cond in pw.args:
            if not cond.free_symbols <= {theta}:
                return pw
            decided = cond.xreplace({theta: point})
            if decided is sp.true:
                return value
            if decided is not sp.false:
                return pw
        return pw

    def sign_of_abs(a):
        s = sp.sign(a.args[0].xreplace({theta: point}))
        return a.args[0] * s if s in (1, -1) else a

    expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), branch)
    return expr.replace(lambda e: isinstance(e, sp.Abs) and e.args[0].free_symbols <= {theta}, sign_of_abs)


def smooth_in_x(expr) -> bool:
    return not any(X in a.free_symbols for cls in _ROUGH for a in expr.atoms(cls))


# ---------------------------------------------------------------------------
# Convexity on one piece


def _domain(lo, hi):
    """X in terms of V > 0 sweeping the open domain (lo, hi)."""
    from .signs import _interval_substitution
    return _interval_substitution(lo, hi, V)


def _forms(expr):
    yield expr
    yield sp.factor(sp.together(sp.powsimp(expr)))


def _holds(d2) -> bool:
    return any(f.is_nonnegative is True for f in _forms(d2))


def _sign_far_out(factor) -> int | None:
    """The sign of one factor for all large V (None: cannot tell)."""
    if factor.is_positive is True:
        return 1
    if factor.is_negative is True:
        return -1
    base, exp = factor.as_base_exp()
    if not (V in base.free_symbols and base.is_polynomial(V)) or V in exp.free_symbols:
        return None
    lc = sp.factor(sp.Poly(base, V).LC())
    s = 1 if lc.is_positive is True else -1 if lc.is_negative is True else None
    if s is None or (s < 0 and not exp.is_integer):
        return None
    return s ** int(exp) if exp.is_integer else 1


def _fails(d2) -> bool:
    """Proved: for every T > 0, d2 < 0 for all large V (its factors' signs far out multiply to -1)."""
    form = sp.factor(sp.together(sp.powsimp(d2)))
    if V not in form.free_symbols:
        return form.is_negative is True
    signs = [_sign_far_out(f) for f in sp.Mul.make_args(form)]
    return None not in signs and math.prod(signs) == -1


def convexity(case_exprs, theta, value) -> str | None:
    """"holds" or "fails" proved for theta = value (a number, or an expression in T), else None."""
    verdicts = []
    for expr, lo, hi, _label in case_exprs:
        e = expr.xreplace({theta: value})
        if not smooth_in_x(e):
            return None
        d2 = sp.diff(e, X, 2)
        sub = _domain(lo, hi)
        if sub is None:  # the whole line: x itself is real; the far-out witness looks at x = V -> inf
            holds, far = _holds(d2), d2.xreplace({X: V})
        else:
            moved = d2.xreplace({X: sub})
            holds, far = _holds(moved), moved
        if not holds and _fails(far):
            return "fails"  # one target with negative curvature is enough
        verdicts.append(holds)
    return "holds" if all(verdicts) else None


# ---------------------------------------------------------------------------
# Robustness of a translation-invariant loss: the exponent of |f'| far out


def _growth(expr) -> object | None:
    """E with |expr| ~ C·V^E as V -> inf (C != 0), from a factored form; None when a factor has no such law."""
    total = sp.Integer(0)
    for factor in sp.Mul.make_args(sp.factor(sp.together(sp.powsimp(expr)))):
        if V not in factor.free_symbols:
            if factor.is_nonzero is not True:
                return None
            continue
        base, exp = factor.as_base_exp()
        if V in exp.free_symbols or not base.is_polynomial(V):
            return None
        poly = sp.Poly(base, V)
        lc = sp.factor(poly.LC())
        if not (lc.is_positive is True or (lc.is_negative is True and exp.is_integer)):
            return None
        total += poly.degree() * exp
    return total


def _grade(exponent) -> str | None:
    e = sp.factor(sp.together(exponent))
    if e == 0:
        return "holds (bounded)"
    if e.is_positive is True:
        return "fails"
    return "holds (redescending)" if e.is_negative is True else None


def robustness(case_exprs, theta, value) -> str | None:
    """The grade proved for theta = value, for a loss of the residual alone: |f'(r)| ~ C·|r|^E as r -> ±inf
    (both directions: a gross error of either sign, and an outlying target at a fixed prediction), so
    E > 0 fails, E = 0 bounded, E < 0 redescending; near the minimum nothing counts (properties.md)."""
    if len(case_exprs) != 1 or "y_pred - y_true only" not in case_exprs[0][3]:
        return None
    e = case_exprs[0][0].xreplace({theta: value})
    if not smooth_in_x(e):
        return None
    d1 = sp.diff(e, X)
    grades = {_grade(g) if g is not None else None for g in (_growth(d1.xreplace({X: s * V})) for s in (1, -1))}
    if None in grades:
        return None
    return "fails" if "fails" in grades else grades.pop() if len(grades) == 1 else "holds (bounded)"


# ---------------------------------------------------------------------------
# A region: split at its pieces, each open piece and each point proved


def prove_interval(loss, name: str, prop: str, lo: Fraction, hi: Fraction, lo_closed: bool,
                   hi_closed: bool) -> Proved | None:
    """One verdict proved for every theta of the interval (a point when lo == hi), else None."""
    if prop not in PROPERTIES or loss.text is None:
        return None
    return guarded(PROOF_SECONDS, _prove_interval, loss, name, prop, lo, hi, lo_closed, hi_closed, default=None)


def _prove_interval(loss, name, prop, lo, hi, lo_closed, hi_closed):
    expr, theta = parametric(loss, name)
    found = cases(loss, expr)
    if found is None:
        return None
    cut = [lo] if lo == hi else splits(expr, theta, lo, hi)
    if cut is None:
        return None
    ends = [lo, *cut, hi] if lo != hi else []
    points = sorted(set(cut + [lo] * lo_closed + [hi] * hi_closed))
    pieces = [(sp.Rational(a.numerator, a.denominator), sp.Rational(b.numerator, b.denominator))
              for a, b in zip(ends, ends[1:])]
    decide = convexity if prop == "convexity" else robustness
    verdicts = set()
    for a, b in pieces:
        mid = (a + b) / 2
        resolved = [(resolve(e, theta, mid), dlo, dhi, label) for e, dlo, dhi, label in found]
        verdicts.add(decide(resolved, theta, a + (b - a) * T / (1 + T)))
    for p in points:
        value = sp.Rational(p.numerator, p.denominator)
        resolved = [(resolve(e, theta, value), dlo, dhi, label) for e, dlo, dhi, label in found]
        verdicts.add(decide(resolved, theta, value))
    if len(verdicts) != 1 or None in verdicts:
        return None
    verdict = verdicts.pop()
    return Proved(verdict, _how(prop, verdict, name), len(pieces), len(points))


def _how(prop, verdict, name) -> str:
    if prop == "convexity":
        return (f"f'' >= 0 at every prediction and target, for every {name} here" if verdict == "holds" else
                f"for every {name} here, f'' < 0 at predictions far enough out")
    law = {"fails": "grows without bound", "holds (bounded)": "tends to a finite limit",
           "holds (redescending)": "tends to 0"}[verdict]
    return f"|f'(r)| ~ C|r|^E with the exponent's sign proved: it {law} as r -> ±inf, for every {name} here"
