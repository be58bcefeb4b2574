"""The non-differentiability locus of a vector loss, read off the structure of its expression.

ŷ ↦ L(ŷ, y) built of exp, log, powers, sin, ... can lose differentiability only where a building
block does: a switch (|g|, sign g, a tie g = a − b of max/min, a where-condition g = 0), a root or
fractional power g**a with a < 1 at g = 0 (a cone: sqrt(sum(r**2)) at r = 0), a power with
1 < a < 2 at g = 0 (differentiable, the Hessian blows up), a division or log at g = 0. Each such
block gives an `Equation` g = 0 in ŷ (and y).

- `equations(loss)`: every candidate equation, with the derivative order that may fail on it.
- `nonzero(loss, g)`: a proof that g keeps one strict sign on the open prediction domain for every
  target (sympy's sign analysis with the domain as assumptions: positive entries on the simplex,
  ŷ = lo + (hi − lo)/(1 + v) with v > 0 in a box, reals for logits). The locus is empty when every
  equation is proved nonzero: then L is analytic on the domain.
- `exact_points(loss, g, y)`: points of the domain where g = 0 exactly and g is stationary (where a
  sum of squares vanishes: ŷ = y, ŷ = 0), solved as the linear system ∇g = 0 of a quadratic g.
- `line_roots(loss, g, y, line)`: roots of s ↦ g(p + s·d) along a line, to 60 digits by bisection
  on g's sign (a simple number when one is exactly a root).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import sympy as sp

from .core import guarded, sym_number

# functions analytic wherever their arguments are (log and powers are handled as equations)
ANALYTIC = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh, sp.tanh, sp.atan)
DIGITS = 60


@dataclass(frozen=True)
class Equation:
    """g = 0, where a building block of the loss is not analytic; `order`: the lowest derivative that
    may fail there (0 the value: a jump or pole; 1 the gradient: a kink; 2 the Hessian)."""

    g: object
    what: str      # "switch", "root", "power", "division", "log" or "opaque" (a function not known analytic)
    order: int
    exponent: float = math.nan   # of a root or power g**a

    def kinks_where_touching(self) -> bool:
        """Can the loss kink where g touches 0 without crossing (g ~ |r|², so g**a ~ |r|**(2a))? A switch,
        a division, a log may; a root or power only when 2a <= 1 (|r|**1.04 is differentiable, though
        one-sided quotients at h = 1e-20 cannot tell it from a kink)."""
        return self.what not in ("root", "power") or 2 * self.exponent <= 1

    def kinks_where_crossing(self) -> bool:
        """Can the loss kink where g crosses 0? Not for a power g**a with a > 1 (C1 there)."""
        return self.what != "power"


def equations(loss) -> list[Equation]:
    """The candidate equations of the locus, each once, in the order they appear."""
    preds = set(loss.pred_symbols)
    found: list[Equation] = []
    for node in sp.preorder_traversal(loss.exact_expression):
        if not isinstance(node, sp.Basic) or not (node.free_symbols & preds):
            continue
        for eq in _node_equations(node):
            if eq.g.free_symbols & preds and all(eq.g != e.g or eq.what != e.what for e in found):
                found.append(eq)
    return found


def _node_equations(node) -> list[Equation]:
    if isinstance(node, sp.Abs):
        return [Equation(node.args[0], "switch", 1)]
    if isinstance(node, (sp.sign, sp.Heaviside)):
        return [Equation(node.args[0], "switch", 0)]
    if isinstance(node, (sp.Max, sp.Min)):
        a = node.args
        return [Equation(a[i] - a[j], "switch", 1) for i in range(len(a)) for j in range(i + 1, len(a))]
    if isinstance(node, sp.Piecewise):
        return [Equation(r.lhs - r.rhs, "switch", 0) for _, c in node.args
                for r in c.atoms(sp.core.relational.Relational)]
    if isinstance(node, sp.Pow):
        return _power_equations(node)
    if isinstance(node, sp.log):
        return [Equation(node.args[0], "log", 0)]
    if isinstance(node, sp.Function) and not isinstance(node, ANALYTIC):
        return [Equation(node, "opaque", 0)]
    return []


def _power_equations(node) -> list[Equation]:
    base, e = node.args
    if not e.is_number:
        return [Equation(base, "log", 0)]  # a**b = exp(b·log a)
    if e.is_integer and e.is_nonnegative:
        return []
    if e.is_negative:
        return [Equation(base, "division", 0)]
    a = float(e)
    return [Equation(base, "root", 1, a)] if a < 1 else [Equation(base, "power", int(math.floor(a)) + 1, a)]


# ---------------------------------------------------------------------------
# Proof that an equation has no solution in the domain

def _domain_form(dom, symbols, stem: str, target: bool) -> dict:
    """Each symbol as an expression in a new symbol whose assumptions carry the domain (weaker than
    the domain, never stronger: a proof under them holds on the domain)."""
    out = {}
    for i, s in enumerate(symbols):
        out[s] = _coordinate(dom, f"{stem}{i}", target)
    return out


def _coordinate(dom, name: str, target: bool):
    if dom.on_simplex:
        return sp.Symbol(name, positive=True)
    values = getattr(dom, "values", None)
    if values is not None or not hasattr(dom, "lo"):  # labels, one-hot classes
        vals = values if values is not None else (0.0, 1.0)
        if min(vals) > 0:
            return sp.Symbol(name, positive=True)
        return sp.Symbol(name, nonnegative=True) if min(vals) >= 0 else sp.Symbol(name, real=True)
    lo, hi = dom.lo, dom.hi
    if math.isfinite(lo) and math.isfinite(hi) and not target:
        return sym_number(lo) + (sym_number(hi) - sym_number(lo)) / (1 + sp.Symbol(name, positive=True))
    # a target may sit on a closed end (w >= 0), a prediction may not (w > 0); never positive=False,
    # which with nonnegative=True would make w zero
    gap = sp.Symbol(name, nonnegative=True) if target else sp.Symbol(name, positive=True)
    if math.isfinite(lo):
        return sym_number(lo) + gap
    if math.isfinite(hi):
        return sym_number(hi) - gap
    return sp.Symbol(name, real=True)


def _strict(e) -> bool:
    return bool(e.is_positive or e.is_negative)


def _signed(g) -> bool:
    if _strict(g):
        return True
    n, d = sp.fraction(sp.together(g))
    if _strict(d) and (_strict(n) or _strict(sp.expand(n))):
        return True
    return _strict(sp.factor_terms(sp.expand(g)))


def nonzero(loss, g, seconds: float) -> bool:
    """g keeps one strict sign on the open prediction domain, for every target (proved): with the
    targets as symbols carrying their domain, else target by target when they are few (labels {0, 1}
    in each of K coordinates, one-hot classes), so that y_i(1 - p_i) + (1 - y_i)p_i > 0 is seen.
    Beyond PROOF_FULL_K classes, first class by class (`termwise`: K-independent work)."""
    from ..permutations import PROOF_FULL_K
    if loss.K > PROOF_FULL_K:
        from .classwise import termwise
        found = termwise(loss, g, seconds)
        if found is not None and found[1]:
            return True
    sub = _domain_form(loss.pred_domain, loss.pred_symbols, "v", False)
    every = _domain_form(loss.target_domain, loss.true_symbols, "w", True)
    if bool(guarded(seconds, lambda: _signed(g.xreplace(every).xreplace(sub)), default=False)):
        return True
    cases = _target_cases(loss)
    return bool(cases) and all(guarded(seconds, lambda c=c: _signed(g.xreplace(c).xreplace(sub)), default=False)
                               for c in cases)


def _target_cases(loss, limit: int = 64) -> list:
    """Every target as a substitution, when the target domain is a finite set of at most `limit` vectors."""
    import itertools
    dom, k, ys = loss.target_domain, loss.K, loss.true_symbols
    values = getattr(dom, "values", None)
    if values is not None and len(values) ** k <= limit:
        return [dict(zip(ys, map(sym_number, c))) for c in itertools.product(values, repeat=k)]
    if values is None and not dom.on_simplex and not hasattr(dom, "lo") and k <= limit:  # one-hot classes
        return [{s: sp.Integer(int(i == c)) for i, s in enumerate(ys)} for c in range(k)]
    return []


def empty(loss, seconds: float) -> tuple[bool, list]:
    """(the locus is provably empty inside the domain, the equations not proved nonzero)."""
    left = [eq for eq in equations(loss) if eq.what == "opaque" or not nonzero(loss, eq.g, seconds)]
    return not left, left


# ---------------------------------------------------------------------------
# Points on the locus

def at_target(loss, g, y):
    """g at target y (exact rationals for the target's decimals)."""
    return g.xreplace({s: sym_number(v) for s, v in zip(loss.true_symbols, y)})


def exact_points(loss, g, y, base, seconds: float) -> list:
    """Exact points (lists of sympy numbers) of the open domain where g = 0 and ∇g = 0: the zeros of a
    quadratic g that touch 0 without crossing it (a sum of squares: ŷ = y, ŷ = 0). Free directions of
    the solution take the coordinates of `base`."""
    gy = at_target(loss, g, y)
    preds = list(loss.pred_symbols)
    poly = guarded(seconds, lambda: sp.Poly(gy, *preds), default=None)
    if poly is None or poly.total_degree() != 2:
        return []
    grads = [sp.diff(gy, s) for s in preds]
    sols = guarded(seconds, lambda: list(sp.linsolve(grads, preds)), default=None) or []
    out = []
    for sol in sols:
        free = {s: sym_number(b) for s, b in zip(preds, base) if any(s in c.free_symbols for c in sol)}
        point = [sp.nsimplify(c.xreplace(free)) for c in sol]
        if all(c.is_number for c in point) and gy.xreplace(dict(zip(preds, point))) == 0:
            if inside(loss.pred_domain, [float(c) for c in point]):
                out.append(point)
    return out


def inside(dom, point) -> bool:
    if dom.on_simplex:
        return all(v > 0 for v in point) and abs(sum(point) - 1) < 1e-12
    lo, hi = getattr(dom, "lo", -math.inf), getattr(dom, "hi", math.inf)
    return all(lo < v < hi for v in point)


def root_finder(loss, g, y):
    """(float64 function, 60-digit function) of the prediction coordinates: g at target y."""
    from .compile import mp_evaluator
    gy = at_target(loss, g, y)
    fast = sp.lambdify(loss.pred_symbols, gy, modules="numpy")
    return fast, mp_evaluator(gy, loss.pred_symbols, dps=DIGITS)


def line_roots(finder, line, limit: int = 2) -> list:
    """(s, crossing): roots s (mpf, 60 digits) of s ↦ g(p + s·d) inside (s_lo, s_hi), at most `limit`,
    where g changes sign (crossing) or is 0 on the grid: a float64 grid of s out to ±1500 (and to within
    1e-9 of finite ends) brackets them, and bisection on g's sign in 60 digits narrows each."""
    import numpy as np
    fast, slow = finder
    p, d, s_lo, s_hi = line
    grid = _grid(float(s_lo), float(s_hi))
    if grid.size < 2:
        return []
    with np.errstate(all="ignore"):
        vals = np.asarray(fast(*[pi + grid * di for pi, di in zip(p, d)]), dtype=float) * np.ones(grid.size)
    ok = np.isfinite(vals[:-1]) & np.isfinite(vals[1:])
    cross = np.flatnonzero(ok & (np.sign(vals[:-1]) * np.sign(vals[1:]) < 0))
    # a zero on the grid itself crosses when its neighbours' signs differ, else it only touches 0
    out = [(mpmath.mpf(float(grid[i])), 0 < i < grid.size - 1 and bool(np.sign(vals[i - 1]) * np.sign(vals[i + 1]) < 0))
           for i in np.flatnonzero(vals == 0)][:limit]
    with mpmath.workdps(DIGITS):
        P, D = [mpmath.mpf(float(v)) for v in p], [mpmath.mpf(float(v)) for v in d]
        f = lambda s: slow(*[a + s * b for a, b in zip(P, D)])  # noqa: E731
        for i in cross[:max(0, limit - len(out))]:
            a, b = mpmath.mpf(float(grid[i])), mpmath.mpf(float(grid[i + 1]))
            fa = f(a)
            if mpmath.isfinite(fa) and fa != 0 and mpmath.isfinite(f(b)) and fa * f(b) < 0:
                r = _bisect(f, a, b, fa)
                if r is not None:
                    out.append((r, True))
    return out


def _grid(lo: float, hi: float):
    """Points of (lo, hi): to within 1e-9 of the width from finite ends, out to ±1500 otherwise."""
    import numpy as np
    if math.isfinite(lo) and math.isfinite(hi):
        u = (1 + np.tanh(np.arange(-84, 85) / 4.0)) / 2
        pts = lo + (hi - lo) * u
    else:
        pts = np.sinh(np.arange(-80, 81) / 10.0)
    return np.unique(pts[(pts > lo) & (pts < hi)])


def _bisect(f, a, b, fa):
    """A root of f in (a, b) where f changes sign, to 55 digits; the simplest nearby number that is an
    exact root is preferred (a root at 1/2 reported as 0.5, not 0.49999...)."""
    for _ in range(400):
        m = (a + b) / 2
        fm = f(m)
        if not mpmath.isfinite(fm):
            return None
        if fm == 0:
            return m
        if (fm < 0) == (fa < 0):
            a, fa = m, fm
        else:
            b = m
        if abs(b - a) <= mpmath.mpf(10) ** -55 * max(1, abs(a)):
            break
    r = (a + b) / 2
    for digits in (1, 2, 3, 4, 6, 8, 12, 15):
        nice = mpmath.mpf(float(mpmath.nstr(r, digits)))
        if abs(nice - r) <= mpmath.mpf(10) ** -40 * max(1, abs(r)) and f(nice) == 0:
            return nice
    return r
