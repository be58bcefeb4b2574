"""Classification-calibration of multiclass (logits) losses (calibration.py, the logits kind).

Calibrated when, for every class distribution q, the infimum of the conditional risk
R_q(z) = Σ_c q_c L(z, e_c) over scores z that rank a class outside argmax q first (ties included) is
strictly above its infimum over all z (Tewari and Bartlett 2007).

Proof (`local_proof`): at the true class y, L(z, e_y) = g(p_y) + β·Σ_c g(p_c) + C with p = softmax(z),
g differentiable and strictly decreasing on (0, 1), g(1⁻) finite, β ≥ 0, no switch in the expression.
Then R_q = Σ_c (q_c + β) g(p_c) + C on the simplex: bounded below, lower semicontinuous on the closed
simplex, so its infimum over the (closed) wrong-ranked set is attained; there, swapping a wrong class's
larger p_j with a most likely class's p_a lowers R by (q_a − q_j)(g(p_a) − g(p_j)) > 0, and at a tie
moving mass from j to a lowers it at rate (q_a − q_j)·|g'| > 0: the wrong set's infimum is not the
infimum. Derived in sympy at K' = min(K, 3) with z_c = log w_c (w_c > 0); at K > 3 the same form is
confirmed in floating point at the audited K (shift invariance, the difference L(z, e_0) − L(z, e_1) =
g(p_0) − g(p_1), and the remainder β_K·Σ_c g(p_c) + C_K with β_K ≥ 0) before it is used.

Counterexample (`symmetric_counterexample`): a loss proved convex and shift-invariant (L(z + t·1, y) =
L(z, y)), and q = (s, t, …, t) with s > t. R_q is convex and invariant under permuting the classes
1..K−1, so averaging over those permutations and shifting shows inf R_q = inf_a r(a), r(a) = R_q(a·e_0).
If r'(0⁺) ≥ 0, r(a) ≥ r(0) for a ≥ 0 (convexity), so the infimum is reached at a ≤ 0, where a class
other than 0 is ranked first (tied at a = 0): not calibrated. Re-checked by a one-sided derivative.
"""
from __future__ import annotations

import numpy as np

from ..text import fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown

PROPERTY = "calibration"
SWITCHES_NAMES = ("Piecewise", "Max", "Min", "sign", "Heaviside")
TOP_FRACTIONS = (0.1, 0.05, 0.25, 0.5)   # s = 1/K + f·(1 − 1/K): the most likely class's probability
CONFIRM_POINTS = 48


def _symbol_a():
    import sympy as sp
    return sp.Symbol("a", positive=True)


_A = _symbol_a()


def decide(ctx) -> Verdict:
    if not ctx.has_expression:
        return unknown(PROPERTY, "Multiclass calibration is decided from the expression's structure; a callable "
                                 "has none to read.")
    found = ctx.once(local_proof)
    if found is not None:
        # above K = 3 the form is derived at K = 3 and only confirmed in floating point at the audited K:
        # a loss could differ away from K = 3, so the verdict is not labelled a proof there
        method = PROOF if ctx.loss.K <= 3 else SAMPLED
        return Verdict(PROPERTY, HOLDS, method, f"Calibrated: {found}.", {"proof": found})
    cex = symmetric_counterexample(ctx)
    if cex is not None:
        return cex
    return unknown(PROPERTY, "Neither proved nor refuted: the loss is not of the form g(p_y) + β·Σ_c g(p_c) with g "
                             "decreasing in the softmax probabilities, and no symmetric class distribution q = "
                             "(s, t, …, t) has a conditional risk whose infimum is reached at a tie (that needs a "
                             "loss proved convex and shift-invariant).")


# ---------------------------------------------------------------------------
# the proof: a decreasing score of the true class's softmax probability

def local_proof(ctx):
    from dataclasses import replace

    from .. import symbolic as S
    small = ctx.loss if ctx.loss.K <= 3 else replace(ctx.loss, classes=3)
    form = S.guarded(4 * ctx.seconds, _local_form, small, default=None)
    if form is None:
        return None
    g, beta = form
    where = ""
    if ctx.loss.K > 3:
        if not _confirmed(ctx, g):
            return None
        where = (f" (derived in sympy at K = 3; the form confirmed at K = {ctx.loss.K} in floating point at "
                 f"{CONFIRM_POINTS} score vectors)")
    shown = S.show(g.xreplace({_A: S.sp.Symbol("p")}))
    extra = "" if beta == 0 else f" + {S.show(beta) if ctx.loss.K <= 3 else 'β'}·Σ_c g(p_c) (β ≥ 0)"
    return (f"at the true class y, L(z, e_y) = g(p_y){extra} + C with p = softmax(z) and g(p) = {shown} "
            "differentiable and strictly decreasing on (0, 1), finite at 1; so the conditional risk Σ_c (q_c + β)·"
            "g(p_c) + C is smallest only where p is ordered as q (swapping a misordered pair lowers it, and so "
            "does moving mass from a tied less likely class), and its infimum over wrong-ranked scores stays "
            f"above the infimum{where}")


def _local_form(loss):
    """(g(a) as a sympy expression in the Symbol 'a', beta) or None (see the module doc)."""
    import sympy as sp
    k = loss.K
    w = sp.symbols(f"w0:{k}", positive=True)
    L0, L1 = _at_class(loss, 0, w), _at_class(loss, 1, w)
    if any(L0.has(getattr(sp, n)) or L1.has(getattr(sp, n)) for n in SWITCHES_NAMES + ("Abs",)):
        return None
    lam = sp.Symbol("lam", positive=True)
    if sp.simplify(sp.expand_log(L0.xreplace({v: lam * v for v in w}) - L0, force=True)) != 0:
        return None   # not shift-invariant in z (w -> lam*w)
    if k < 3:
        return None   # two classes: L(z, e_0) − L(z, e_1) does not separate into g(p_0) − g(p_1)
    a, b = sp.symbols("a b", positive=True)
    P = {w[0]: a, w[1]: b}
    P.update({v: (1 - a - b) / (k - 2) for v in w[2:]})
    G = sp.simplify((L0 - L1).xreplace(P))
    if sp.simplify(sp.diff(G, a, b)) != 0:
        return None   # L(z, e_0) − L(z, e_1) is not g(p_0) − g(p_1)
    g = sp.simplify(G.xreplace({b: sp.Rational(1, 4)}))
    if not _decreasing(g, a) or not sp.limit(g, a, 1, "-").is_finite:
        return None
    beta = _remainder(L0.xreplace(P), g, a, b, k)
    return None if beta is None else (g, beta)


def _at_class(loss, c: int, w):
    import sympy as sp
    e = loss.exact_expression.xreplace({yy: (1 if i == c else 0) for i, yy in enumerate(loss.true_symbols)})
    e = e.xreplace({z: sp.log(v) for z, v in zip(loss.pred_symbols, w)})
    # |1 − p_y|, |p_c|: the sign of a rational function of w > 0 is seen once it is one fraction
    return e.replace(lambda x: isinstance(x, sp.Abs), lambda x: sp.Abs(sp.factor(sp.together(x.args[0]))))


def _decreasing(g, a) -> bool:
    """g' < 0 on (0, 1), shown by sympy under a = u/(1 + u) or a = exp(−v) (u, v > 0)."""
    import sympy as sp
    u, v = sp.symbols("u v", positive=True)
    d = sp.diff(g, a)
    # log(a) < 0 on (0, 1): read as −v with v > 0 on its own (a relaxation: negative for all u, v is enough)
    relaxed = sp.expand_log(d, force=True).xreplace({sp.log(a): -v})
    if sp.factor(sp.expand(relaxed.xreplace({a: 1 / (1 + u)}))).is_negative:
        return True
    for sub in (u / (1 + u), sp.exp(-u)):
        if sp.simplify(d.xreplace({a: sub})).is_negative:
            return True
        if sp.factor(sp.expand_log(d.xreplace({a: sub}), force=True)).is_negative:
            return True
    return False


def _remainder(L0, g, a, b, k):
    """β ≥ 0 with L(z, e_0) − g(p_0) = β·Σ_c g(p_c) + C on the simplex (p = (a, b, rest…)); None otherwise."""
    import sympy as sp
    H = sp.simplify(L0 - g)
    if not (H.free_symbols & {a, b}):
        return sp.Integer(0)
    rest = (1 - a - b) / (k - 2)
    total = g + g.xreplace({a: b}) + (k - 2) * g.xreplace({a: rest})
    beta = sp.simplify(sp.diff(H, a) / sp.diff(total, a))
    if not beta.is_number or beta.is_negative is not False:
        return None
    return beta if not (sp.simplify(H - beta * total).free_symbols & {a, b}) else None


def _confirmed(ctx, g) -> bool:
    """The K'=3 form at the audited K, in floats: shift invariance, the class difference, the remainder."""
    import sympy as sp
    k = ctx.loss.K
    fn = sp.lambdify(sp.Symbol("a", positive=True), g, "numpy")
    rng = ctx.rng(PROPERTY, "confirm")
    Z = rng.standard_normal((CONFIRM_POINTS, k)) * np.repeat([0.3, 1.0, 3.0], CONFIRM_POINTS // 3 + 1)[
        :CONFIRM_POINTS, None]
    e0, e1 = np.eye(k)[0], np.eye(k)[1]
    L0, L1 = ctx.views.value(Z, e0), ctx.views.value(Z, e1)
    shifted = ctx.views.value(Z + 1.7, e0)
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    gp = fn(P)
    close = lambda x, y: np.allclose(x, y, rtol=1e-8, atol=1e-8)  # noqa: E731
    if not (close(shifted, L0) and close(L0 - L1, gp[:, 0] - gp[:, 1])):
        return False
    H, total = L0 - gp[:, 0], gp.sum(axis=1)
    A = np.vstack([total, np.ones_like(total)]).T
    (beta, c), *_ = np.linalg.lstsq(A, H, rcond=None)
    return bool(beta >= -1e-9 and close(A @ [beta, c], H))


# ---------------------------------------------------------------------------
# the counterexample: a symmetric q whose risk's infimum is reached at a tie

def symmetric_counterexample(ctx):
    from ._convex import convex_proof
    if ctx.loss.K < 3 or not convex_proof(ctx) or not ctx.once(_shift_invariant):
        return None
    from ..witness import Checker
    from ._grouped import GroupedLoss
    from ._risk import derivative_along
    k = ctx.loss.K
    chk = Checker(ctx.loss) if k <= 8 else GroupedLoss(ctx.loss)   # z = a·e_0 has two distinct scores
    for f in TOP_FRACTIONS:
        s = float(f"{1 / k + f * (1 - 1 / k):.6g}")
        t = (1 - s) / (k - 1)
        dist = [(s, 0), (1 - s, 1)]   # at z = a·e_0 every class c ≥ 1 scores alike: (K−1)·t = 1 − s
        slope = derivative_along(chk, k, dist)
        if slope is not None and all(v >= -_tol(v) for v in slope):
            return _fails(k, s, t, float(slope[0]))
    return None


def _tol(v):
    import mpmath
    return mpmath.mpf(10) ** -30 * max(1, abs(v))


def _shift_invariant(ctx) -> bool:
    """L(z + t·1, e_0) = L(z, e_0) exactly (sympy; max/min of shifted arguments are shifted back)."""
    from dataclasses import replace

    from .. import symbolic as S
    small = ctx.loss if ctx.loss.K <= 3 else replace(ctx.loss, classes=3)
    ok = S.guarded(ctx.seconds, _shift_zero, small, default=False)
    return bool(ok) and (ctx.loss.K <= 3 or _shift_confirmed(ctx))


def _shift_zero(loss) -> bool:
    import sympy as sp
    t = sp.Symbol("t", real=True)
    L = loss.exact_expression.xreplace({yy: (1 if i == 0 else 0) for i, yy in enumerate(loss.true_symbols)})
    moved = L.xreplace({z: z + t for z in loss.pred_symbols})
    back = lambda cls: (lambda *args: cls(*[sp.expand(x - t) for x in args]) + t)  # noqa: E731
    moved = moved.replace(sp.Max, back(sp.Max)).replace(sp.Min, back(sp.Min))
    return sp.simplify(moved - L) == 0


def _shift_confirmed(ctx) -> bool:
    rng = ctx.rng(PROPERTY, "shift")
    Z = rng.standard_normal((CONFIRM_POINTS, ctx.loss.K)) * 2.0
    e0 = np.eye(ctx.loss.K)[0]
    return bool(np.allclose(ctx.views.value(Z + 1.7, e0), ctx.views.value(Z, e0), rtol=1e-9, atol=1e-9))


def _fails(k: int, s: float, t: float, slope: float) -> Verdict:
    detail = (f"Not classification-calibrated: for the class distribution q = ({fmt(s)}, {fmt(t)}, …, {fmt(t)}) "
              f"(class 0 most likely) the conditional risk along z = a·e_0 has right derivative {fmt(slope)} ≥ 0 at "
              "a = 0; the loss is convex and shift-invariant, so the risk's infimum is reached at a ≤ 0, where "
              "class 0 is not ranked strictly first (at z = 0 every class ties).")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"q": [s] + [t] * (k - 1), "z": [0.0] * k, "direction": [1.0] + [0.0] * (k - 1),
                    "risk_derivative": slope, "convexity": "proof", "shift_invariance": "proof"})
