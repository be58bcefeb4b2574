"""A bound calculus over the expression tree: rigorous enclosures of a vector loss and its derivatives.

    hessian_bound(expr, preds, domains) -> Enclosure | None

Each node gets an Enclosure over the whole box: an interval holding its value, upper bounds of its
gradient's norm and of its Hessian's spectral norm. Atoms declare tiny facts, one composer combines them:

    variable x_k            value: its domain, |grad| = 1, |Hess| = 0
    logsumexp(B x + d)      |grad| <= |B|, |Hess| <= |B|^2 / 2 (diag(s) - s s^T has norm <= 1/2)
    softmax s_j(B x + d)    value in (0, 1), |grad| <= |B| sqrt2 s(1 - s), |Hess| <= |B|^2 s (2(1-s)^2 + 1/2)
    sum                     |Hess| <= max over variables v of the sum of |Hess_i| of the terms holding v
    product f g             |Hess| <= |f| |Hess g| + |g| |Hess f| + 2 |grad f| |grad g|
    phi(f)                  |Hess| <= |phi'(f)| |Hess f| + |phi''(f)| |grad f|^2 (phi', phi'' on f's interval)

A subtree depending on the variables through one bounded scalar t (a softmax probability, a box
coordinate) is bounded as a function of t (Calculus.atom_weights): -(1 - s)^2 log s (focal) is bounded
although log s is not. What the rules do not know bounds to infinity: no proof, never a wrong one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp
from sympy.core.relational import Relational

from . import intervals as I
from .classwise import index_of
from .intervals import INF, Iv, mul_up as _up_mul, sqrt_up as _sqrt_up, sum_up as _up_sum  # noqa: I001

BRANCHES = (sp.Piecewise, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.floor, sp.ceiling)
T = sp.Dummy("T")
SQRT2 = I.up(math.sqrt(2.0), 2)


class LSE(sp.Function):
    """logsumexp of its arguments, kept whole (its Hessian is bounded; exp's is not)."""


class SM(sp.Function):
    """SM(j, v_0, ..., v_{n-1}): the softmax probability exp(v_j - logsumexp(v)), in (0, 1)."""


@dataclass(frozen=True)
class Enclosure:
    value: Iv
    grad: float      # sup of the gradient's norm
    hess: float      # sup of the Hessian's spectral norm
    support: frozenset  # the prediction variables it depends on

    @property
    def finite(self) -> bool:
        """A finite Hessian bound (the gradient may be unbounded: max(0, u)^2 with u unbounded; an infinite
        gradient bound makes every rule that uses it infinite)."""
        return math.isfinite(self.hess)


def _const(iv: Iv) -> Enclosure:  # a node free of the predictions
    return Enclosure(iv, 0.0, 0.0, frozenset())


UNBOUNDED = Enclosure(I.FULL, INF, INF, frozenset())


# ---------------------------------------------------------------------------
# Rewriting: logsumexp, softmax probabilities and log-softmax made visible

def _exponent(term):
    """u for a term exp(u) or c exp(u) (c > 0 a number: u + log c), else None."""
    if isinstance(term, sp.exp):
        return term.args[0]
    c, rest = term.as_coeff_Mul()
    if isinstance(rest, sp.exp) and c.is_number and c > 0:
        return rest.args[0] + sp.log(c)
    return None


def _sum_of_exps(e) -> bool:
    return isinstance(e, sp.Add) and len(e.args) > 1 and all(_exponent(t) is not None for t in e.args)


def atomize(expr, preds):
    """expr with log(sum exp) -> LSE, (sum exp)^-k -> exp(-k LSE), exp(a) exp(b) -> exp(a + b), and every
    exp(b (sum_j w_j v_j - LSE(v)) + c) (w convex weights) -> exp(c) prod_j SM(j, v)^(b w_j)."""
    def lse_of(e):
        return LSE(*[_exponent(t) for t in e.args])
    expr = expr.replace(lambda e: isinstance(e, sp.log) and _sum_of_exps(e.args[0]), lambda e: lse_of(e.args[0]))
    expr = expr.replace(lambda e: isinstance(e, sp.Pow) and _sum_of_exps(e.base) and e.exp.is_number,
                        lambda e: sp.exp(e.exp * lse_of(e.base)))
    expr = expr.replace(lambda e: isinstance(e, sp.Mul) and sum(isinstance(a, sp.exp) for a in e.args) >= 2,
                        lambda e: sp.Mul(*[a for a in e.args if not isinstance(a, sp.exp)])
                        * sp.exp(sp.Add(*[a.args[0] for a in e.args if isinstance(a, sp.exp)])))
    expr = expr.replace(lambda e: isinstance(e, sp.exp) and _log_softmax(e.args[0], preds) is not None,
                        lambda e: sp.expand_power_exp(sp.exp(_log_softmax(e.args[0], preds))))
    return _nonadditive(expr, preds, top=True)


def _nonadditive(expr, preds, top: bool):
    """Log-softmax sums inside a product, power or function -> sum_j b w_j log SM_j (+ c); the loss's own
    additive layer keeps LSE whole (its Hessian bound 1/2 is tighter than log s's)."""
    if not expr.args or isinstance(expr, (LSE, SM)):
        return expr
    additive = top and isinstance(expr, sp.Add)
    scaled = top and isinstance(expr, sp.Mul) and sum(not a.is_number for a in expr.args) == 1
    if not (additive or scaled) and isinstance(expr, sp.Add):
        form = _log_softmax(expr, preds)
        if form is not None:
            return form
    return expr.func(*[_nonadditive(a, preds, additive or scaled) for a in expr.args])


def _affine(e, preds):
    """({index: coefficient}, constant) when e is affine in the predictions with numeric coefficients."""
    coeffs, const = {}, sp.Integer(0)
    index = index_of(preds)
    for term in sp.Add.make_args(sp.expand(e)):
        c, rest = term.as_coeff_Mul()
        if rest == 1:
            const += c
        elif rest in index:
            coeffs[index[rest]] = coeffs.get(index[rest], 0) + c
        elif term.is_number:
            const += term
        else:
            return None
    return coeffs, const


def _log_softmax(E, preds):
    """E = a.x - b LSE(v) + c with v_j = c_j x_{k_j} + d_j and a = b sum_j w_j c_j e_{k_j}, w convex:
    the sum_j b w_j log SM_j(v) + (c - b sum_j w_j d_j) it equals; else None (also for +b LSE: -E's form)."""
    terms = sp.Add.make_args(sp.expand(E))
    lses = [t for t in terms if t.as_coeff_Mul()[1].func is LSE]
    if len(lses) != 1:
        return None
    b, atom = lses[0].as_coeff_Mul()
    if not b.is_number or b == 0:
        return None
    if b > 0:
        inner = _log_softmax(-E, preds)
        return None if inner is None else -inner
    rest = _affine(sp.Add(*[t for t in terms if t is not lses[0]]), preds)
    args = [_affine(v, preds) for v in atom.args]
    w = _convex_weights(rest, args, -b)
    if w is None:
        return None
    b = -b
    const = rest[1] - b * sum(wj * a[1] for wj, a in zip(w, args))
    return sp.Add(*[b * wj * sp.log(SM(j, *atom.args)) for j, wj in enumerate(w) if wj != 0]) + const


def _convex_weights(rest, args, b):
    """w with a = b sum_j w_j c_j e_{k_j}, w >= 0, sum w = 1, for logsumexp arguments c_j x_{k_j} + d_j
    on distinct variables; None when there is none."""
    if rest is None or any(a is None or len(a[0]) != 1 for a in args):
        return None
    cols = [next(iter(a[0].items())) for a in args]
    if len({k for k, _ in cols}) != len(cols) or set(rest[0]) - {k for k, _ in cols}:
        return None
    w = [rest[0].get(k, 0) / (cj * b) for k, cj in cols]
    if any(not (wj >= 0) for wj in w) or sp.nsimplify(sum(w) - 1) != 0:
        return None
    return w


# ---------------------------------------------------------------------------
# The composer

class Calculus:
    def __init__(self, preds, domains: dict):
        self.preds = tuple(preds)
        self.index = index_of(self.preds)
        self.domains = domains          # pred symbol -> Iv (the box the variables range over)
        self.memo: dict = {}
        self.shared: dict = {}          # univariate analyses by (phi(T), the leaf's scale or domain)

    def bound(self, e) -> Enclosure:
        if e not in self.memo:
            self.memo[e] = self._bound(e)
        return self.memo[e]

    def _bound(self, e) -> Enclosure:
        free = e.free_symbols & self.index.keys()
        if not free:
            return _const(I.enclose(e, self.domains))
        if e in self.index:
            return Enclosure(self.domains[e], 1.0, 0.0, frozenset([self.index[e]]))
        leaf = self.single_leaf(e)
        if leaf is not None and leaf != e:
            return self.univariate(e, leaf)
        if isinstance(e, SM):
            return self.softmax(e)
        if isinstance(e, LSE):
            return self.lse(e)
        if isinstance(e, sp.Add):
            return self.add(e)
        if isinstance(e, sp.Mul):
            return self.mul(e)
        return self.unary(e)

    # -- atoms ------------------------------------------------------------------
    def _matrix_norm(self, args) -> tuple[float, frozenset] | None:
        """An upper bound of the spectral norm of B (rows: the affine arguments) and their variables."""
        rows = [_affine(v, self.preds) for v in args]
        if any(r is None for r in rows):
            return None
        cols: dict = {}
        row_sums = []
        for coeffs, _ in rows:
            row_sums.append(_up_sum(*[I.number(sp.Abs(c)).hi for c in coeffs.values()]))
            for k, c in coeffs.items():
                cols[k] = _up_sum(cols.get(k, 0.0), I.number(sp.Abs(c)).hi)
        one, inf = max(cols.values(), default=0.0), max(row_sums, default=0.0)
        return _sqrt_up(_up_mul(one, inf)), frozenset(cols)

    def lse(self, e) -> Enclosure:
        parts = [self.bound(a) for a in e.args]
        if not all(p.finite for p in parts):
            return UNBOUNDED
        lo = max(p.value.lo for p in parts)
        hi = max(p.value.hi for p in parts)
        value = Iv(lo, I.up(hi + math.log(len(parts)), 4) if math.isfinite(hi) else hi)
        support = frozenset().union(*[p.support for p in parts])
        norm = self._matrix_norm(e.args)
        if norm is not None:
            b, _ = norm
            return Enclosure(value, b, _up_mul(b, b, 0.5), support)
        g2 = _up_sum(*[_up_mul(p.grad, p.grad) for p in parts])
        return Enclosure(value, max(p.grad for p in parts), _up_sum(_up_mul(0.5, g2), max(p.hess for p in parts)),
                         support)

    def softmax(self, e) -> Enclosure:
        norm = self._matrix_norm(e.args[1:])
        if norm is None:
            return UNBOUNDED
        b, support = norm
        return Enclosure(Iv(0.0, 1.0), _up_mul(b, SQRT2, 0.25), _up_mul(b, b, 0.5), support)

    def atom_weights(self, leaf, t, d1, d2):
        """(domain (lo, hi), gradient bound, [Hessian bound options]) of phi(leaf) as expressions in the
        leaf's value t, given phi' = d1 and phi'' = d2; None when the leaf's range is unbounded.

        A softmax probability s of v = B x + d: grad s = s (e - s), Hess s = s (e - s)(e - s)^T - s J
        (J = diag s - s s^T), so Hess phi(s) = (s phi' + s^2 phi'')(e - s)(e - s)^T - s phi' J, with
        |e - s|^2 <= 2 (1 - s)^2 and |J| <= min(1/2, 1 - s^2) <= min(1/2, 2 (1 - s)), times |B|^2."""
        if leaf in self.index:
            d = self.domains[leaf]
            return ((d.lo, d.hi), d1, [[d2]]) if d.finite else None
        norm = self._matrix_norm(leaf.args[1:])
        if norm is None:
            return None
        from fractions import Fraction
        b = sp.Rational(*Fraction(norm[0]).as_integer_ratio())
        outer = (t * d1 + t ** 2 * d2) * 2 * (1 - t) ** 2 * b ** 2
        inner = d1 * t * b ** 2
        grad = d1 * b * sp.sqrt(2) * t * (1 - t)
        return (0.0, 1.0), grad, [[outer, inner / 2], [outer, inner * 2 * (1 - t)]]

    # -- one bounded scalar ------------------------------------------------------
    def leaves(self, e) -> set:
        if e in self.index or isinstance(e, (SM, LSE)):
            return {e}
        out = set()
        for a in e.args:
            if a.free_symbols & self.index.keys():
                out |= self.leaves(a)
        return out

    def single_leaf(self, e):
        if e in self.index or isinstance(e, (SM, LSE)):
            return None
        found = self.leaves(e)
        if len(found) != 1:
            return None
        (leaf,) = found
        if isinstance(leaf, LSE) or (leaf in self.index and not self.domains[leaf].finite):
            return None
        return leaf

    def univariate(self, e, leaf) -> Enclosure:
        """Constant factors split off, and phi(t) analysed once for every leaf it recurs with (the K
        terms y_j phi(s_j) of a loss over K classes share one analysis)."""
        consts = [a for a in sp.Mul.make_args(e) if not (a.free_symbols & self.index.keys())]
        if consts:
            c = I.enclose(sp.Mul(*consts), self.domains)
            f = self.univariate(sp.Mul(*[a for a in sp.Mul.make_args(e) if a not in consts]), leaf)
            return _product(_const(c), f) if f.finite else UNBOUNDED
        norm = self._matrix_norm(leaf.args[1:]) if isinstance(leaf, SM) else None
        key = (e.xreplace({leaf: T}), norm and norm[0], None if isinstance(leaf, SM) else self.domains[leaf])
        if key not in self.shared:
            self.shared[key] = self._univariate(e, leaf)
        enc = self.shared[key]
        return Enclosure(enc.value, enc.grad, enc.hess, self.bound(leaf).support)

    def _univariate(self, e, leaf) -> Enclosure:
        from .core import guarded
        t = sp.Dummy("t")
        lo, hi = (0.0, 1.0) if isinstance(leaf, SM) else (self.domains[leaf].lo, self.domains[leaf].hi)
        phi = e.xreplace({leaf: t})
        if phi.has(*BRANCHES) or phi.atoms(Relational):
            return UNBOUNDED  # sympy differentiates a branch as if it never switched
        phi = I.fixed_signs(phi, t, lo, hi, self.domains)
        if phi is None:
            return UNBOUNDED
        d1 = guarded(5.0, sp.diff, phi, t, default=None)
        d2 = guarded(5.0, sp.diff, d1, t, default=None) if d1 is not None else None
        if d1 is None or d2 is None:
            return UNBOUNDED
        weights = self.atom_weights(leaf, t, d1, d2)
        if weights is None:
            return UNBOUNDED
        _, g, options = weights
        env = self.domains
        value = I.univariate_hull(phi, t, lo, hi, env)
        grad = I.univariate_sup([[g]], t, lo, hi, env)
        hess = I.univariate_sup(options, t, lo, hi, env)
        return Enclosure(value, grad, hess, self.bound(leaf).support)

    # -- composition -------------------------------------------------------------
    def add(self, e) -> Enclosure:
        linear, parts = {}, []
        value = Iv.point(0.0)
        for term in e.args:
            c, rest = term.as_coeff_Mul()
            if rest in self.index:
                k = self.index[rest]
                linear[k] = linear.get(k, 0) + c
                value = value + I.number(c) * self.domains[rest]
                continue
            p = self.bound(term)
            if not p.finite:
                return UNBOUNDED
            parts.append(p)
            value = value + p.value
        if linear:
            norm = _sqrt_up(_up_sum(*[_up_mul(I.number(sp.Abs(c)).hi, I.number(sp.Abs(c)).hi)
                                      for c in linear.values()]))
            parts.append(Enclosure(Iv.point(0.0), norm, 0.0, frozenset(linear)))
        support = frozenset().union(*[p.support for p in parts])
        hess = max((_up_sum(*[p.hess for p in parts if v in p.support]) for v in support), default=0.0)
        count = max((sum(v in p.support for p in parts) for v in support), default=0)
        plain = _up_sum(*[p.grad for p in parts])
        spread = _sqrt_up(_up_mul(count, _up_sum(*[_up_mul(p.grad, p.grad) for p in parts])))
        return Enclosure(value, min(plain, spread), hess, support)

    def mul(self, e) -> Enclosure:
        out = _const(Iv.point(1.0))
        for a in e.args:
            f = self.bound(a)
            if not f.finite:
                return UNBOUNDED
            out = _product(out, f)
        return out

    def unary(self, e) -> Enclosure:
        if isinstance(e, sp.Abs):  # smooth where its argument keeps one sign over the whole box
            f = self.bound(e.args[0])
            if f.value.lo > 0 or f.value.hi < 0:
                return f if f.value.lo > 0 else Enclosure(-f.value, f.grad, f.hess, f.support)
            return UNBOUNDED
        u = sp.Dummy("u")
        shape = _shape(e, u)
        if shape is None:
            return UNBOUNDED
        inner, phi, d1, d2 = shape
        f = self.bound(inner)
        if not f.finite:
            return UNBOUNDED
        env = {**self.domains, u: f.value}
        a1, a2 = I.enclose(d1, env).mag, I.enclose(d2, env).mag
        value = I.enclose(phi, env)
        grad = _up_mul(a1, f.grad)
        hess = _up_sum(_up_mul(a1, f.hess), _up_mul(a2, f.grad, f.grad))
        return Enclosure(value, grad, hess, f.support)


def _product(f: Enclosure, g: Enclosure) -> Enclosure:
    value = f.value * g.value
    if value.lo == value.hi == 0 and (f.value.lo == f.value.hi == 0 or g.value.lo == g.value.hi == 0):
        return _const(value)
    if not (f.support or g.support):
        return _const(value)
    fm, gm = f.value.mag, g.value.mag
    grad = _up_sum(_up_mul(fm, g.grad), _up_mul(gm, f.grad))
    hess = _up_sum(_up_mul(fm, g.hess), _up_mul(gm, f.hess), _up_mul(2.0, f.grad, g.grad))
    return Enclosure(value, grad, hess, f.support | g.support)


def _shape(e, u):
    """(inner, phi(u), phi'(u), phi''(u)) for e = phi(inner), a smooth function of one argument."""
    if isinstance(e, sp.Pow):
        base, p = e.base, e.exp
        if not p.is_number:
            return None
        if isinstance(base, sp.Max) and len(base.args) == 2 and 0 in base.args and p >= 2:
            inner = base.args[1] if base.args[0] == 0 else base.args[0]
            m = sp.Max(0, u)
            return inner, m ** p, p * m ** (p - 1), p * (p - 1) * m ** (p - 2)
        return base, u ** p, p * u ** (p - 1), p * (p - 1) * u ** (p - 2)
    if isinstance(e, SM) or not isinstance(e, (sp.exp, sp.log, sp.cosh, sp.sinh, sp.tanh, sp.atan,
                                                 sp.sin, sp.cos)):
        return None
    inner = e.args[0]
    if isinstance(e, sp.log) and isinstance(inner, sp.Add) and len(inner.args) == 2 and 1 in inner.args:
        other = inner.args[1] if inner.args[0] == 1 else inner.args[0]
        if isinstance(other, sp.exp):  # softplus: its derivatives written to enclose tightly
            return other.args[0], sp.log(1 + sp.exp(u)), 1 / (1 + sp.exp(-u)), 1 / (4 * sp.cosh(u / 2) ** 2)
    phi = e.func(u)
    return inner, phi, sp.diff(phi, u), sp.diff(phi, u, 2)


def hessian_bound(expr, preds, domains: dict) -> Enclosure | None:
    """The enclosure of expr over the box `domains` (every prediction symbol, and any other symbol, such
    as a target coordinate, it holds as an interval), or None (no finite bound)."""
    calc = Calculus(preds, domains)
    try:
        enc = calc.bound(atomize(expr, preds))
    except (RecursionError, TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    return enc if enc.finite else None
