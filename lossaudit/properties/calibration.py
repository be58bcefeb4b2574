"""Classification-calibration (Bartlett, Jordan and McAuliffe 2006): minimising the conditional risk
never prefers a score of the wrong sign (see SPEC)."""

from __future__ import annotations

import numpy as np

from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from . import PropertySpec
from ._convex import convex_proof
from ._risk import mixture

SPEC = PropertySpec(
    name="calibration", short="calib", title="Classification-calibration", order=101, band=1,
    kinds=frozenset({"margin", "logits"}),
    definition="Minimising the conditional risk picks the Bayes class. Margin kind: with C_η(f) = η·L(f, +1) + "
               "(1−η)·L(f, −1), for every η in [0, 1] other than 1/2 the infimum of C_η over wrong-sign scores "
               "(f·(2η−1) ≤ 0) is strictly above its infimum over all f. Logits kind: for every class "
               "distribution, the minimiser of the expected loss ranks a most likely class first.",
    why="A calibrated surrogate is consistent for the 0-1 loss: driving its risk to the minimum drives the "
        "classification error to the Bayes error (Bartlett, Jordan and McAuliffe 2006; Zhang 2004). The "
        "hinge, logistic, exponential and squared hinge losses are calibrated; the perceptron loss is not "
        "(f = 0 minimises its risk for every η). With K classes softmax cross-entropy is calibrated, the "
        "Crammer-Singer and Weston-Watkins hinges are not (Tewari and Bartlett 2007).",
    method="""\
1. Margin kind, convex loss (convexity proved): by Bartlett, Jordan and
   McAuliffe, calibrated if and only if φ is differentiable at 0 with φ'(0) < 0.
   The exact one-sided derivatives of L(·, +1) and L(·, −1) at 0 decide it:
   C_η is convex, so it is calibrated at η > 1/2 exactly when its right
   derivative at f = 0 is negative. A failure names η with C_η'(0+) ≥ 0 (or,
   for η < 1/2, C_η'(0−) ≤ 0): the infimum is then reached at wrong-sign f.
2. Otherwise the conditional risk is scanned over a grid of η and f; no
   wrong-sign score as good as the best is `holds` by sampling, and one found
   is `unknown` (without convexity, a grid cannot show the infimum).
3. Logits kind (Tewari and Bartlett 2007), proof: at the true class y the loss
   is g(p_y) + β·Σ_c g(p_c) + C in p = softmax(z), with g strictly decreasing,
   finite at 1, β ≥ 0 (derived in sympy at K = 3, confirmed at the audited K);
   the conditional risk Σ_c (q_c + β)·g(p_c) is then smallest only where p is
   ordered as q: a swap of a misordered pair, or mass moved off a tie, lowers it.
4. Logits kind, counterexample: a loss proved convex and shift-invariant, and
   q = (s, t, …, t) with s > t: by convexity and symmetry the risk's infimum is
   that along z = a·e_0; a right derivative ≥ 0 at a = 0 puts it at a ≤ 0, where
   every class ties or a wrong class leads. Otherwise `unknown`.""")
PROPERTY = SPEC.name
ETAS = (0.9, 0.75, 0.6, 0.55, 0.51, 0.501, 1.0)
F_GRID = np.concatenate([-np.logspace(-4, 3, 141), [0.0], np.logspace(-4, 3, 141)])


def search(ctx: Context):
    if ctx.vector:
        from ._calib_vector import decide
        return decide(ctx)
    if ctx.has_expression and convex_proof(ctx):
        sides = ctx.once(_derivatives_at_zero)
        if sides is not None:
            return _convex_verdict(sides)
    return _scan(ctx)


def _derivatives_at_zero(ctx: Context):
    """{+1: (left, right), -1: (left, right)}: exact one-sided derivatives of L(·, y) at 0; None if unknown."""
    out = {}
    for y in (1.0, -1.0):
        pair = _one_sided_at_zero(ctx, y)
        if pair is None:
            return None
        out[y] = pair
    return out


def _one_sided_at_zero(ctx: Context, y: float):
    from .. import symbolic as S
    st = ctx.structure(y)
    if st is None:
        return None
    got = []
    for side in ("-", "+"):
        piece = next((p for p in st.pieces if (p.contains(0) or (p.hi == 0 if side == "-" else p.lo == 0))), None)
        if piece is None:
            return None
        d = S.one_sided(S.derivative(piece.expr), S.sp.Integer(0), side, ctx.seconds)
        if d is None or not S.is_finite_number(d):
            return None
        got.append(d)
    return tuple(got)


def _convex_verdict(sides) -> Verdict:
    """Bartlett-Jordan-McAuliffe for convex φ, decided on the exact one-sided derivatives at 0."""
    from .. import symbolic as S
    (a_lo, a_hi), (b_lo, b_hi) = sides[1.0], sides[-1.0]
    right = lambda eta: eta * a_hi + (1 - eta) * b_hi   # noqa: E731 - C_eta'(0+)
    left = lambda eta: eta * a_lo + (1 - eta) * b_lo    # noqa: E731 - C_eta'(0-)
    ev = {"one_sided_derivatives": {"L(·, +1) at 0": [S.to_float(a_lo), S.to_float(a_hi)],
                                    "L(·, −1) at 0": [S.to_float(b_lo), S.to_float(b_hi)]}, "convexity": "proof"}
    for eta in ETAS:
        e = S.sym_number(eta)
        if S.sign_of(right(e)) in (0, 1):
            return _fails(eta, "right", S.to_float(right(e)), ev)
        if S.sign_of(left(1 - e)) in (0, -1):
            return _fails(round(1 - eta, 12), "left", S.to_float(left(1 - e)), ev)
    calibrated = (S.sign_of(a_hi) == -1 and S.sign_of(b_lo) == 1 and S.sign_of(a_hi + b_hi) in (0, -1)
                  and S.sign_of(a_lo + b_lo) in (0, 1))
    if not calibrated:
        return unknown(PROPERTY, "The one-sided derivatives at 0 do not decide calibration at the η tried.", ev)
    text = (f"φ is convex and differentiable at 0 with φ'(0) = {S.show(a_hi)} < 0 (one-sided derivatives of "
            "L(·, ±1) at 0), so by Bartlett, Jordan and McAuliffe (2006) it is classification-calibrated")
    return Verdict(PROPERTY, HOLDS, PROOF, f"Calibrated: {text}.", dict(ev, proof=text))


def _fails(eta: float, side: str, slope: float, ev: dict) -> Verdict:
    where = "f ≥ 0" if side == "right" else "f ≤ 0"
    detail = (f"Not classification-calibrated: the loss is convex and at η = {fmt(eta)} the conditional risk "
              f"C_η(f) = η·L(f, +1) + (1−η)·L(f, −1) has {side} derivative {fmt(slope)} at f = 0, so it does not "
              f"decrease on {where}: its infimum is reached at a wrong-sign score (f·(2η−1) ≤ 0).")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   dict(ev, eta=eta, f=0.0, side=side, risk_derivative=slope))


def _refined(ctx: Context, eta: float, f: np.ndarray, risk: np.ndarray, allowed: np.ndarray) -> float:
    """The smallest risk over the allowed scores: each of the few lowest grid minima polished by a bounded
    1-D search between its neighbours (a periodic loss's wrong-sign minimum at -3π/2 falls between grid
    points and would read as clearly worse than the best)."""
    from scipy.optimize import minimize_scalar
    idx = np.flatnonzero(allowed)
    vals = risk[idx]
    best = float(vals.min())
    g = lambda x: float(mixture(ctx, np.array([x]), [(eta, 1.0), (round(1 - eta, 12), -1.0)])[0])  # noqa: E731
    for j in np.argsort(vals, kind="stable")[:REFINED_MINIMA]:
        lo, hi = f[idx[max(j - 1, 0)]], f[idx[min(j + 1, idx.size - 1)]]
        if hi <= lo:
            continue
        r = minimize_scalar(g, bounds=(float(lo), float(hi)), method="bounded", options={"xatol": 1e-12})
        if np.isfinite(r.fun):
            best = min(best, float(r.fun))
    return best


REFINED_MINIMA = 4


def _scan(ctx: Context) -> Verdict:
    """No wrong-sign score as good as the best on a grid of η and f: holds (sampled); else unknown."""
    f = F_GRID[(F_GRID > ctx.dom.lo) & (F_GRID < ctx.dom.hi)]
    for eta in ETAS + tuple(round(1 - e, 12) for e in ETAS):
        risk = mixture(ctx, f, [(eta, 1.0), (round(1 - eta, 12), -1.0)])
        ok = np.isfinite(risk)
        if not ok.all():
            return unknown(PROPERTY, f"The conditional risk is not finite at some scores (η = {fmt(eta)}).")
        wrong = f * (2 * eta - 1) <= 0
        best_wrong, best = _refined(ctx, eta, f, risk, wrong), _refined(ctx, eta, f, risk, np.ones_like(wrong))
        if best_wrong <= best + 1e-9 * max(1.0, abs(best)):
            at = float(f[wrong][np.argmin(risk[wrong])])
            return unknown(PROPERTY, f"At η = {fmt(eta)} the conditional risk is as small at the wrong-sign score "
                                     f"f = {fmt(at)} as anywhere on the grid; the loss is not proved convex, so "
                                     "the grid does not show the infimum.", {"eta": eta, "f": at})
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"For every η tried ({2 * len(ETAS)} values) the conditional risk is clearly smaller at some "
                   f"right-sign score than at every wrong-sign score on a grid of {f.size} scores; not proved.",
                   {"etas": 2 * len(ETAS), "scores": int(f.size)})


def sampled(ctx: Context, _state) -> Verdict:  # the search decides; kept for the template's contract
    return _scan(ctx)
