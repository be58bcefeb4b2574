"""Exact forms of the link functions of the expression language (sigmoid, softplus, softmax, log_softmax)
and the rewrite that keeps a logarithm of a link exact and stable.

The forms are the textbook ones, in exp and log only, so every analyzer (proofs included) reads them
as it reads any expression. A logarithm of a link is split into logarithms of its positive factors
(log(1/(1 + exp(-u))) = -log(1 + exp(-u)), log(exp(a)/sum exp) = a - log(sum exp)): the identities are
exact for real arguments, and the result is what compile.py's stable forms evaluate without overflow
(softplus, log-sum-exp), where the unsplit form underflows to log(0) far out.
"""
from __future__ import annotations

import sympy as sp


def sigmoid(u):
    """1/(1 + exp(-u)): a probability from a logit."""
    return 1 / (1 + sp.exp(-u))


def softplus(u):
    """log(1 + exp(u)) (compile.py evaluates it as logaddexp(0, u))."""
    return sp.log(1 + sp.exp(u))


def softmax(items: tuple) -> tuple:
    """exp(u_i)/sum_j exp(u_j): a point of the open simplex from K logits."""
    total = sp.Add(*[sp.exp(v) for v in items])
    return tuple(sp.exp(v) / total for v in items)


def log_softmax(items: tuple) -> tuple:
    """u_i - log(sum_j exp(u_j))."""
    lse = sp.log(sp.Add(*[sp.exp(v) for v in items]))
    return tuple(v - lse for v in items)


def split_log(arg):
    """log(arg) as the sum of the logarithms of its provably positive factors and of the rest (log(a*b/c) =
    log a + log b - log c): exact wherever log(arg) is real, since the rest is then positive too; None when
    no factor is provably positive (log(arg) stays as it is)."""
    # as written first (log(1/(1 + exp(-z))) = -log(1 + exp(-z))), else over a common denominator
    # (1 - 1/(1 + exp(-z)) = 1/(1 + exp(z)))
    num, den = sp.fraction(sp.together(arg))
    return _factor_logs(sp.Mul.make_args(arg), ()) or _factor_logs(sp.Mul.make_args(num), sp.Mul.make_args(den))


def _factor_logs(num: tuple, den: tuple):
    terms, rest = [], sp.Integer(1)
    for part, sign in ((num, 1), (den, -1)):
        for factor in part:
            base, exponent = factor.as_base_exp()
            if base.is_positive is True:
                terms.append(sign * exponent * sp.log(base))
            else:
                rest *= factor ** sign
    if not terms:
        return None
    return sp.Add(*terms) + (sp.log(rest) if rest != 1 else 0)


def log_of(arg, links: list):
    """log(arg), split (`split_log`) in an expression that reads a link (`links`: the forms built) when arg
    holds an exponential, as every link's form does: log(sigmoid(z)) = -log(1 + exp(-z)), log(y/exp(z)) =
    log(y) - z."""
    if links and arg.has(sp.exp):
        split = split_log(arg)
        if split is not None:
            return split
    return sp.log(arg)
