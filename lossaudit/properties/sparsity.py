"""Sparsity (promotes sparse output): a non-vanishing pull right up to the minimum (see SPEC)."""

from __future__ import annotations

import math

import numpy as np

from .. import numeric
from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from ..witness import Checker
from . import PropertySpec
from ._convex import convex_proof
from ._minimum import EDGE_DIGITS, Minimum, keeps_falling, minimum
from ._unbounded import Descent, at_infinity, unbounded_below

SPEC = PropertySpec(
    name="sparsity", short="sparse", title="Sparsity", order=50,
    definition="The loss keeps a non-vanishing pull right up to its minimum: for every valid target the minimum "
               "over ŷ is attained in the open prediction domain, and as ŷ approaches the set of minimizers "
               "from outside, |∂L/∂ŷ| stays bounded away from 0 (the loss has a kink where it reaches its "
               "minimum). Then subgradient and proximal steps land exactly on the minimum, which yields exact "
               "zeros (L1, pinball, hinge, ε-insensitive). Fails for a smooth minimum (gradient → 0: squared, "
               "Huber, squared hinge), for a flat loss (0-1) and for a minimum that is not attained (logistic, "
               "exponential, cross-entropy; on probabilities with hard labels, a minimum at the domain's edge).",
    why="A loss that keeps pulling right up to its minimum (a kink there) makes subgradient and proximal "
        "steps land exactly on it: exact zero residuals in L1 or quantile regression, and support "
        "vectors in the hinge and epsilon-insensitive losses.",
    method="""\
Per target:
1. Attainment: along paths toward each end of the domain, does the loss keep
   strictly decreasing (compared exactly for expressions)? Then the infimum is
   only approached: fails, with the points and values.
2. The minimizer set: the sample minimum, snapped to an exact breakpoint or
   refined to a stationary point, widened over a flat bottom ([y − ε, y + ε]).
3. The pull: the one-sided derivatives at the ends of that set, from outside
   (exact one-sided limits for expressions, Richardson otherwise); both must be
   bounded away from 0. They are the evidence (−1 and +1 for |r|; τ − 1 and τ
   for pinball). Vector kinds: gradient norms approaching the minimizer.
Proof (expressions): the loss is proved convex and its exact one-sided
derivatives at an exact minimizer (or at the ends of a flat bottom) are strictly
negative on the left and positive on the right.""")
PROPERTY = SPEC.name
def search(ctx: Context):
    """A minimum not attained or without pull (a Verdict), else the representative minimum."""
    if ctx.vector:
        return _vector_search(ctx)
    chk = Checker(ctx.loss)
    found = []
    for y in ctx.targets:
        m = minimum(ctx, chk, y)
        if isinstance(m, str):
            return _not_attained(ctx, chk, y, m)
        fall = unbounded_below(ctx, chk, y, m)
        if fall is not None:
            return _unbounded(y, fall)
        if not m.pull:
            return _no_pull(m)
        found.append(m)
    if ctx.loss.target_domain.labels:
        return max(found, key=lambda m: (m.y if not isinstance(m.y, (list, tuple)) else 0))
    return found[0]


def proved(ctx: Context, rep: Minimum, _parts) -> Verdict:
    return Verdict(PROPERTY, HOLDS, PROOF,
                   f"Sparse: convex, and its exact one-sided derivatives pull toward the minimum for every "
                   f"target (at y_true = {fmt(rep.y)} {_pull_text(rep)}).", _evidence(rep))


def sampled(ctx: Context, rep) -> Verdict:
    if ctx.vector:
        y, x_star, low = rep
        return Verdict(PROPERTY, HOLDS, SAMPLED,
                       f"Sparse: the minimum is attained and |∇L| stays at least {fmt(low)} approaching it "
                       f"(y_true = {fmt(y)}, minimizer {fmt(x_star)}).",
                       {"y_true": list(y), "minimizer": x_star, "min_gradient_norm": low})
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"Sparse: the minimum is attained and the one-sided derivatives at it stay away from 0 for "
                   f"every audited target (at y_true = {fmt(rep.y)} {_pull_text(rep)}).", _evidence(rep))


def _pull_text(m: Minimum) -> str:
    left = "flat to the left end" if math.isnan(m.left) else f"left derivative {fmt(m.left)}"
    right = "flat to the right end" if math.isnan(m.right) else f"right derivative {fmt(m.right)}"
    where = f"at {m.where()}" if m.lo == m.hi else f"on {m.where()}"
    return f"the minimum is reached {where}, with {left} and {right.replace('flat', 'it is flat')}"


def _not_attained(ctx: Context, chk: Checker, y, label: str) -> Verdict:
    d = 1 if label.endswith(fmt(ctx.dom.hi)) else -1
    points = numeric.gross_sequence(ctx.dom, ctx.center(y), d, decades=6)[::numeric.PER_DECADE][:6]
    with chk.precision(EDGE_DIGITS):
        values = [float(chk.value(float(p), y)) for p in points]
    keep = 1  # show the values while they still fall in float64 (e^-1000 prints as 0.0)
    while keep < len(values) and values[keep] < values[keep - 1]:
        keep += 1
    points, values = points[:keep], values[:keep]
    shown = "(" + ", ".join(f"L({fmt(p)}) = {v:.6g}" for p, v in zip(points[:3], values)) + ", ...)"
    if at_infinity(ctx, y, d):
        detail = (f"Not sparse: at y_true = {fmt(y)} the loss is unbounded below (L -> -∞ as {label}), so no "
                  f"minimum exists {shown}.")
    else:
        detail = (f"Not sparse: at y_true = {fmt(y)} the minimum is not attained in the open domain: the loss "
                  f"keeps decreasing as {label} {shown}.")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"y_true": y, "minimizer": None, "toward": label, "points": points, "values": values})


def _unbounded(y, fall: Descent) -> Verdict:
    shown = ", ".join(f"L({fmt(p)}) = {v:.6g}" for p, v in zip(fall.points[:3], fall.values))
    detail = (f"Not sparse: at y_true = {fmt(y)} the loss is unbounded below: it decreases without bound as "
              f"{fall.toward} ({shown}, ...), so no minimum exists.")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"y_true": y, "minimizer": None, "toward": fall.toward, "points": fall.points,
                    "values": fall.values})


def _no_pull(m: Minimum) -> Verdict:
    if math.isnan(m.left) and math.isnan(m.right):
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not sparse: at y_true = {fmt(m.y)} the loss is flat (its minimum value everywhere): "
                       "no pull toward any prediction.",
                       {"y_true": m.y, "minimizer": [m.lo, m.hi], "left_derivative": 0.0, "right_derivative": 0.0})
    smooth = m.left == 0 and m.right == 0 and m.lo == m.hi
    why = ("the gradient vanishes at the minimum (a smooth minimum)" if smooth else
           "the gradient vanishes as y_pred approaches the minimizers from outside")
    detail = f"Not sparse: at y_true = {fmt(m.y)} {_pull_text(m)}: {why}."
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, _evidence(m))


def _evidence(m: Minimum) -> dict:
    ev = {"y_true": m.y, "minimizer": m.lo if m.lo == m.hi else [m.lo, m.hi],
          "left_derivative": m.left, "right_derivative": m.right}
    if m.lo != m.hi:
        ev["minimizer_set"] = m.where()
    return ev


def prove_case(ctx: Context, case) -> bool | None:
    """True when the loss is proved convex and, in this case, its exact one-sided derivatives pull inward
    at an exact minimizer; None when that cannot be told."""
    from .. import symbolic as S
    if not convex_proof(ctx):
        return None
    st = S.structure(case, ctx.seconds)
    if st is None or not _exact_pull(case, st, ctx.seconds):
        return None
    return True


def _exact_pull(case, st, seconds) -> bool:
    """A convex piecewise function pulls toward its minimizers: strict signs at the ends of the flat bottom."""
    from .. import symbolic as S
    from ..analysis import one_sided_derivatives
    sides = {}
    for b in st.breakpoints:
        sides[b] = one_sided_derivatives(case, st, b, seconds)
        if sides[b] is None:
            return False
    if any(cont and left < 0 < right for left, right, cont in sides.values()):
        return True  # a single kinked minimizer
    flat = [S.guarded(seconds, lambda e=p.expr: S.derivative(e).equals(0) is True, default=False)
            for p in st.pieces]
    return any(_pulls_inward(case, sides, st.pieces[i].lo, st.pieces[j].hi) for i, j in _runs(flat))


def _runs(flags: list):
    """(first, last) index of each maximal run of true flags."""
    i, n = 0, len(flags)
    while i < n:
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and flags[j + 1]:
            j += 1
        yield i, j
        i = j + 1


def _pulls_inward(case, sides: dict, lo_end, hi_end) -> bool:
    """A flat bottom from lo_end to hi_end with an inward pull at each finite end (not the whole domain)."""
    ok_lo = lo_end == case.lo or (lo_end in sides and sides[lo_end][0] < 0 and sides[lo_end][2])
    ok_hi = hi_end == case.hi or (hi_end in sides and sides[hi_end][1] > 0 and sides[hi_end][2])
    return bool(ok_lo and ok_hi and not (lo_end == case.lo and hi_end == case.hi))


# ---------------------------------------------------------------------------
# Vector predictions

def _vector_search(ctx: Context):
    """A minimum not attained, flat, or without pull (a Verdict), else (y, minimizer, least gradient norm)."""
    chk = Checker(ctx.loss)
    rep = None
    for y in ctx.targets:
        Y = np.asarray(y, dtype=float)
        x_star = _vector_minimizer(ctx, chk, y, Y)
        if isinstance(x_star, Verdict):
            return x_star
        norms = _approach_norms(ctx, Y, x_star)
        found = _vector_no_pull(ctx, y, Y, x_star, norms)
        if found is not None:
            return found
        if rep is None and norms:
            rep = (y, x_star, min(float(np.min(g)) for _, g in norms))
    if rep is None:
        return unknown(PROPERTY, "Could not approach any minimizer from outside.")
    return rep


def _vector_minimizer(ctx: Context, chk: Checker, y, Y: np.ndarray):
    """The verified minimizer for target y, or a `fails` Verdict when the infimum is not attained (the loss
    keeps falling toward the ideal, or along a ray from every candidate), or `unknown`."""
    from ._vector_minimum import attained_minimizer
    starts = [] if _inside(ctx, Y) else [_ideal_path_start(ctx, chk, y, Y)]
    if isinstance(starts[0] if starts else None, Verdict):
        return starts[0]
    starts += list(_best_samples(ctx, Y))
    x, fall = attained_minimizer(ctx, chk, Y, starts)
    if fall is not None:
        return _fall_fails(y, fall)
    if x is None:
        return unknown(PROPERTY, f"At y_true = {fmt(y)} no candidate minimizer could be verified: the loss falls "
                                 "below each along some ray, yet no ray shows it falling to the end.")
    return [float(v) for v in x]


def _ideal_path_start(ctx: Context, chk: Checker, y, Y: np.ndarray):
    """The lowest point of the path toward the ideal, or a `fails` Verdict when the loss keeps falling to
    its end (an infimum approached only at the ideal, which lies outside the domain)."""
    path = _vector_ideal_path(ctx, Y)
    with chk.precision(EDGE_DIGITS):
        exact = [chk.value(list(p), list(y)) for p in path]
        falling = keeps_falling(chk, exact)
    if falling:
        idx = np.arange(0, len(path), numeric.PER_DECADE)[:5]
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not sparse: at y_true = {fmt(y)} the minimum is not attained in the open domain: "
                       "the loss keeps decreasing toward the ideal prediction.",
                       {"y_true": list(y), "minimizer": None, "points": path[idx],
                        "values": [float(exact[i]) for i in idx]})
    return path[int(np.argmin([float(e) for e in exact]))]


def _best_samples(ctx: Context, Y: np.ndarray, count: int = 3) -> np.ndarray:
    """The lowest few sample points (starts for the local search), in one batched evaluation."""
    X = ctx.vector_samples(tuple(Y), "minimum", n=256)
    with np.errstate(all="ignore"):
        v = ctx.views.value(X, Y)
    v = np.where(np.isfinite(v), v, np.inf)
    return X[np.argsort(v, kind="stable")[:count]]


def _fall_fails(y, fall) -> Verdict:
    shown = ", ".join(f"L({fmt(p)}) = {v:.6g}" for p, v in zip(fall.points[::5][:3], fall.values[::5]))
    what = ("the loss is unbounded below: it decreases without bound" if fall.unbounded else
            "the minimum is not attained in the open domain: the loss keeps decreasing")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                   f"Not sparse: at y_true = {fmt(y)} {what} as {fall.toward} ({shown}, ...), below every "
                   "candidate minimizer.",
                   {"y_true": list(y), "minimizer": None, "toward": fall.toward, "direction": fall.direction,
                    "points": fall.points, "values": fall.values})


def _vector_no_pull(ctx: Context, y, Y, x_star, norms: list):
    """A `fails` Verdict when the loss is flat around x_star or its gradient vanishes approaching it."""
    if not norms and _flat_around(ctx, Y, x_star):
        return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                       f"Not sparse: at y_true = {fmt(y)} the loss is flat around its minimizer {fmt(x_star)}: "
                       "every direction keeps the minimum value, so nothing pulls toward a prediction.",
                       {"y_true": list(y), "minimizer": x_star, "gradient_norms": [0.0]})
    for direction, g in norms:
        if numeric.growth(g, per_decade=1) == "vanishing":
            return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE,
                           f"Not sparse: at y_true = {fmt(y)} the gradient vanishes as y_pred approaches the "
                           f"minimizer {fmt(x_star)} from outside (|∇L| = {g[-1]:.3g} at distance 1e-8).",
                           {"y_true": list(y), "minimizer": x_star, "direction": direction,
                            "gradient_norms": g})
    return None


def _inside(ctx: Context, Y: np.ndarray) -> bool:
    """Does the ideal prediction y_true lie in the open prediction domain (distribution, soft box targets)?"""
    return ctx.loss.kind.ideal_inside(Y, ctx.loss.pred_domain)


def _vector_ideal_path(ctx: Context, Y: np.ndarray) -> np.ndarray:
    """Points moving toward the ideal prediction: up the true class (logits), or to y_true itself."""
    return ctx.loss.kind.path_to_ideal(Y, ctx.loss.pred_domain)


def _approach_norms(ctx: Context, Y, x_star) -> list:
    """Gradient norms approaching the minimizer set from outside, along random directions.

    Along each direction d the loss stays at its minimum up to some distance s_e (0 for an
    isolated minimizer); the norms are taken at s_e + δ for δ = 0.1 ... 1e-8.
    """
    rng = ctx.rng("approach", tuple(Y))
    k = ctx.loss.K
    X0 = np.asarray(x_star, dtype=float)
    base = float(ctx.views.value(X0[None, :], Y)[0])
    tol = 1e-12 * max(1.0, abs(base))
    delta = 10.0 ** -np.arange(1, 9, dtype=float)
    out = []
    for _ in range(8):
        d = rng.standard_normal(k)
        if ctx.views.simplex:
            d -= d.mean()
        d /= np.linalg.norm(d)
        s_e = _exit_distance(ctx, Y, X0, d, base, tol)
        if s_e is None:
            continue
        P = X0[None, :] + (s_e + delta)[:, None] * d[None, :]
        if not np.all(ctx.loss.pred_domain.inside(P)):
            continue
        vals = ctx.views.value(P, Y)
        if not np.all(vals > base - tol):
            continue  # not a minimizer after all along this direction
        # steps shorter than the distance to the minimizer set: a callable's central difference across a
        # cone point would read the pull as distance/step and call it vanishing
        out.append((d, np.linalg.norm(ctx.views.grad_within(P, Y, delta / 4), axis=1)))
    return out


def _flat_around(ctx: Context, Y, x_star) -> bool:
    """Is the loss constant (to rounding) at sample points all over the domain?"""
    X = ctx.vector_samples(tuple(Y), "flat")
    values = ctx.views.value(X, Y)
    base = float(ctx.views.value(np.asarray(x_star)[None, :], Y)[0])
    return bool(np.all(np.abs(values - base) <= 1e-12 * max(1.0, abs(base))))


def _exit_distance(ctx, Y, X0, d, base, tol):
    """How far along d the loss stays at its minimum value (bisection); None if it never leaves."""
    s = 10.0 ** np.arange(-8, 2, 0.5)
    P = X0[None, :] + s[:, None] * d[None, :]
    ok = ctx.loss.pred_domain.inside(P)
    s, P = s[ok], P[ok]
    if s.size == 0:
        return None
    out = ctx.views.value(P, Y) > base + tol
    if out[0]:
        return 0.0
    if not out.any():
        return None
    j = int(np.argmax(out))
    lo, hi = s[j - 1], s[j]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if ctx.views.value((X0 + mid * d)[None, :], Y)[0] > base + tol:
            hi = mid
        else:
            lo = mid
    return hi
