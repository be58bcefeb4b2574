"""Strict properness (Gneiting and Raftery 2007): the expected loss under an outcome drawn from q is
smallest, and only smallest, when the forecast is q itself (see SPEC)."""

from __future__ import annotations

import numpy as np

from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from ..witness import Checker
from . import PropertySpec
from ._risk import clearly_below, exact_mixture, finite, mixture, nice, tied

SPEC = PropertySpec(
    name="properness", short="proper", title="Strict properness", order=102, band=1,
    kinds=frozenset({"probability", "distribution"}),
    definition="Read as a scoring rule, the loss is strictly proper: for every distribution q of the outcome, "
               "the expected loss E_{Y~q} L(p, Y) over forecasts p is smallest at p = q and only there. "
               "Probability kind: q·L(p, 1) + (1−q)·L(p, 0) is minimised uniquely at p = q for every q in "
               "(0, 1). Distribution kind: the outcome is a class Y ~ q and the score of p is L(p, e_Y), "
               "with e_Y the one-hot vertex of the simplex.",
    why="A strictly proper loss makes honest probabilities the unique best answer: its minimiser is the "
        "true conditional probability, so its outputs can be read as calibrated probabilities. Log loss, "
        "the Brier score and the spherical score are strictly proper; |p − y| is not proper (it pushes "
        "to 0 or 1), and focal loss with γ > 0 is not strictly proper.",
    method="""\
1. Counterexample search: for a set of outcome distributions q, the expected
   loss at many forecasts p ≠ q; a forecast whose expected loss is at most the
   one at q (smaller, or equal on a flat stretch) is re-checked exactly.
2. Proof (probability kind, expressions): with q and p as exact symbols, the
   derivative of the expected loss in p is (p − q)·g(p, q) with g > 0 on
   (0, 1)²: it falls before q and rises after, so q is the unique minimiser.
3. Otherwise `holds` by sampling.""")
PROPERTY = SPEC.name
QS = (0.5, 0.3, 0.7, 0.1, 0.9, 0.2, 0.8, 0.05, 0.95, 0.01, 0.99)
# outcome probabilities near 0 and 1, where a clip at a small scale makes a loss improper (clip c: every q < c)
TINY_QS = (1e-3, 1e-5, 1e-7, 1e-9, 1e-11)
RELATIVE = (1e-4, 1e-2, 0.1, 0.5, 2.0, 10.0)   # forecasts q·f and 1 − (1 − q)·f, at the scale of q


def search(ctx: Context):
    chk = Checker(ctx.loss)
    dists = _scalar_cases() if not ctx.vector else _simplex_cases(ctx)
    seen = 0
    for q, outcome, forecasts in dists:
        honest = q
        at_q = mixture(ctx, np.asarray([honest], float), outcome)
        vals = mixture(ctx, np.asarray(forecasts, float), outcome)
        if not np.all(np.isfinite(at_q)):
            continue
        seen += 1
        found = _witness(chk, q, outcome, forecasts, vals, float(at_q[0]))
        if found is not None:
            return _fails(q, *found)
    if not seen:
        return unknown(PROPERTY, "The expected loss is not finite at any honest forecast tried: the loss is "
                                 "undefined where an outcome is scored (for the distribution kind the one-hot "
                                 "outcomes e_c lie outside the open simplex of targets; 0·log 0 is undefined).")
    if not ctx.vector and ctx.has_expression:
        why = ctx.once(_prove)
        if why is not None:
            return Verdict(PROPERTY, HOLDS, PROOF, f"Strictly proper: {why}.", {"proof": why})
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"No forecast did at least as well as the honest one for {seen} outcome distributions "
                   f"(seed {ctx.budget.seed}); not proved.", {"distributions": seen, "seed": ctx.budget.seed})


def _scalar_cases():
    p = np.unique(np.concatenate([np.linspace(0.01, 0.99, 99), [0.001, 0.999, 1e-6, 1 - 1e-6, 1e-12, 1 - 1e-12]]))
    for q in QS + TINY_QS + tuple(1 - t for t in TINY_QS):
        near = [q * f for f in RELATIVE] + [1 - (1 - q) * f for f in RELATIVE]
        forecasts = np.unique(np.concatenate([p, [nice(v) for v in near if 0 < v < 1]]))
        yield q, [(q, 1.0), (1 - q, 0.0)], [float(v) for v in forecasts if abs(v - q) > 1e-9 * min(q, 1 - q) * 1e3]


def _simplex_cases(ctx: Context):
    k = ctx.loss.K
    rng = ctx.rng(PROPERTY, "forecasts")
    vertices = [tuple(1.0 if j == c else 0.0 for j in range(k)) for c in range(k)]
    qs = [tuple([1.0 / k] * k)] + [tuple(nice(v) for v in _normalised(rng.dirichlet(np.ones(k)))) for _ in range(5)]
    for q in qs:
        q = tuple(_normalised(np.asarray(q)))
        P = np.vstack([rng.dirichlet(np.ones(k), size=120), np.asarray(q) + 0.05 * rng.standard_normal((40, k)),
                       np.eye(k) * 0.98 + 0.01 / k])
        P = P[np.all(P > 1e-6, axis=1)]
        P = P / P.sum(axis=1, keepdims=True)
        outcome = [(w, v) for w, v in zip(q, vertices) if w > 0]
        yield q, outcome, [tuple(nice(v) for v in row) for row in P if np.max(np.abs(row - q)) > 1e-3]


def _normalised(v):
    v = np.asarray(v, float)
    return [float(x) for x in v / v.sum()]


def _witness(chk, q, outcome, forecasts, vals, at_q):
    """(p, expected at p, expected at q) for a forecast no worse than q, re-checked exactly; else None."""
    ok = np.isfinite(vals)
    idx = np.flatnonzero(ok & (vals <= at_q + 1e-12 * max(1.0, abs(at_q))))
    if idx.size == 0:
        return None
    honest = exact_mixture(chk, list(q) if isinstance(q, tuple) else q, outcome)
    for i in idx[np.argsort(vals[idx])][:8]:
        p = forecasts[i]
        got = exact_mixture(chk, list(p) if isinstance(p, tuple) else p, outcome)
        if finite(got) and finite(honest) and (clearly_below(got, honest, chk) or tied(got, honest)):
            return p, float(got[0]), float(honest[0])
    return None


def _fails(q, p, at_p, at_q) -> Verdict:
    how = "as low as" if at_p >= at_q else "lower than"
    detail = (f"Not strictly proper: when the outcome has distribution q = {fmt(q)}, forecasting p = {fmt(p)} "
              f"gives an expected loss of {fmt(at_p)}, {how} the honest forecast's {fmt(at_q)}.")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"q": list(q) if isinstance(q, tuple) else q, "p": list(p) if isinstance(p, tuple) else p,
                    "expected": {"at p": at_p, "at q": at_q}})


def _prove(ctx: Context):
    """The first-order proof for the probability kind, as a sentence; None when it cannot be shown."""
    from .. import symbolic as S
    sp = S.sp
    if ctx.loss.exact_expression.has(sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside):
        return None  # the argument needs a differentiable expected loss
    u, v = sp.symbols("u v", positive=True)
    p, q = u / (1 + u), v / (1 + v)   # p, q range over (0, 1) exactly as u, v range over (0, oo)
    risk = q * _at(ctx.loss, 1, p, S) + (1 - q) * _at(ctx.loss, 0, p, S)
    return S.guarded(ctx.seconds, _first_order, risk, u, p, q, default=None)


def _at(loss, y, p, S):
    return loss.exact_expression.xreplace({loss.true_symbols[0]: S.sym_number(y), loss.pred_symbols[0]: p})


def _first_order(risk, u, p, q):
    """dR/dp = (p − q)·g with g > 0 proved by sympy's assumptions; the sentence, or None."""
    import sympy as sp
    dr_dp = sp.diff(risk, u) / sp.diff(p, u)   # chain rule: p is a function of u
    g = sp.factor(sp.simplify(dr_dp / (p - q)))
    if g.is_positive is not True:
        return None
    return ("the derivative of q·L(p, 1) + (1 − q)·L(p, 0) in p is (p − q) times a positive factor, so for "
            "every q in (0, 1) the expected loss falls until p = q and rises after it")


def sampled(ctx: Context, _state) -> Verdict:  # the search decides; kept for the template's contract
    return Verdict(PROPERTY, HOLDS, SAMPLED, "No forecast beat the honest one; not proved.",
                   {"seed": ctx.budget.seed})
