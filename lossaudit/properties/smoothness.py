"""Smoothness: the gradient of ŷ ↦ L(ŷ, y) is Lipschitz continuous on the prediction domain (see SPEC)."""

from __future__ import annotations

import math

import numpy as np

from .. import growth, numeric
from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from ..witness import Checker, kink_confirmed
from . import PropertySpec
from . import _curvature as C
from . import _smooth_search_vector as VS
from ._smooth_vector import proved_first, prove, vector_proved  # noqa: F401 - the template calls prove from here

SPEC = PropertySpec(
    name="smoothness", short="smooth", title="Smoothness", order=30,
    definition="The gradient of ŷ ↦ L(ŷ, y) is Lipschitz continuous on the prediction domain (L-smooth): ∇L is "
               "continuous and sup ‖∇²L‖ < ∞ over the domain, one-sided second derivatives counting where ∇²L "
               "jumps (Huber and squared hinge are smooth). Decided per target: the constant may depend on the "
               "target, and the report then says so. The constant reported is sup |L''| (the spectral norm of "
               "the Hessian, taken along the simplex for the distribution kind).",
    why="An L-smooth loss (Lipschitz gradient) lets gradient descent use a fixed step size 1/L and "
        "converge; without it steps can overshoot (exponential loss far out, cross-entropy on "
        "probabilities near 0) or oscillate around a kink.",
    method="""\
1. A kink (the gradient jumps, found as for differentiability) fails at once.
2. Curvature at every end (expressions): the domain is cut at every breakpoint
   and at every zero of a fractional power's base, a log's argument or a
   denominator; at both ends of every smooth span, ±∞ and the domain's edges
   included, the exact one-sided limit of L'' decides: ±∞ fails (points
   approaching it, their curvatures in 50 digits), a finite limit is a lower
   bound of the constant, however large (1/(ŷ + 1e-8)² levels off at 1e16).
3. Ends without an exact limit, and callables: |L''| along paths toward them;
   it grows without bound when its increments per decade do not shrink, and
   levels off when they shrink geometrically (extrapolated, not compared).
4. The constant: the largest |L''| over the samples, refined around its peak,
   and never below a finite limit of step 2.
5. Proof (expressions): L and L' continuous across every span's end and
   finite limits of L'' at both ends of every span (continuous inside).
6. Vector kinds (expressions): a rigorous bound of sup ‖∇²L‖ over the whole
   domain, for every target, by enclosures over the expression tree
   (logsumexp and softmax atoms, sum, product and chain rules, interval
   arithmetic rounded outward); a finite bound proves it and is the constant,
   the largest sampled Hessian norm its lower estimate.""",
    figure=lambda v: _figure(v), figure_legend="its constant L", csv_figure="constant")
PROPERTY = SPEC.name


def _figure(verdict) -> str:
    """"L=2", "L=2.5(y)" when the constant depends on the target; "" unless it holds with a constant."""
    c = verdict.extras.get("constant")
    if verdict.verdict != HOLDS or c is None:
        return ""
    text = f"L={c:.4g}" if isinstance(c, (int, float)) else f"L={c}"
    return text + ("(y)" if verdict.extras.get("depends_on_target") else "")


def search(ctx: Context):
    """A kink or unbounded curvature (a Verdict), else the constant's extras."""
    if ctx.vector:
        return _vector_search(ctx)
    chk = Checker(ctx.loss)
    for y in ctx.targets:
        for kink in ctx.kinks(y):
            if kink_confirmed(chk, kink.point, y):
                return _kink_fails(y, kink)
    undecided = None
    for y in ctx.targets:
        found = _growth(ctx, y)
        if found is not None and found.verdict == FAILS:
            return found
        undecided = undecided or found
    if undecided is not None:
        return undecided
    constants = {y: _constant(ctx, y) for y in ctx.targets}
    # finite differences (callables) carry ~1e-6 relative noise: do not read it as target dependence
    return _constant_extras(ctx, constants, rtol=1e-6 if ctx.views.exact else 1e-3)


def _growth(ctx: Context, y: float):
    """A `fails` Verdict when |L''| grows without bound toward some point (`unknown` when an exact
    limit ±oo cannot be shown by float points), else None.

    Expressions: the exact one-sided limit of L'' at every end of every smooth span decides (a
    limit ±oo fails, with points approaching it whose curvatures re-check in 50 digits; a finite
    limit is never overruled by samples). Ends whose limit is unknown, and callables, are followed
    numerically, and the path's trend (growth.trend: increments that do not shrink) decides."""
    from .. import symbolic as S
    edges = C.edges(ctx, y)
    for edge in edges or ():
        if edge.infinite:
            found = _blowup_fails(ctx, y, edge)
            if found is not None:
                return found
    paths = C.paths(ctx, y) if edges is None else [C.edge_path(ctx, y, e) for e in edges if not e.finite]
    for label, points, skip in (p for p in paths if p is not None):
        found = _numeric_growth(ctx, y, label, points, skip)
        if found is not None:
            return found
    infinite = [e for e in edges or () if e.infinite]
    if infinite:  # proved unbounded, yet no float points show it: never a `holds` against the limit
        e = infinite[0]
        return unknown(PROPERTY, f"At y_true = {fmt(y)} the exact limit of L'' as y_pred -> {S.show(e.point)}"
                                 f"{e.side} is {e.limit}, but no float points approaching it show the growth.")
    return None


def _numeric_growth(ctx: Context, y: float, label: str, points, skip: int):
    points = C.above_rounding(ctx, points, y)
    curv = np.abs(ctx.views.d2(points, y))
    ok = ~np.isnan(curv)  # +inf stays: a curvature beyond float range is growth
    if ok.sum() < 4 or not growth.unbounded(curv[ok]):
        return None
    curv = np.abs(ctx.views.precise_d2(points, y))  # float64 can fake growth far out: recompute
    ok = ~np.isnan(curv)
    if ok.sum() >= 4 and growth.unbounded(curv[ok]):
        return _growth_fails(y, label, points[ok], curv[ok], skip)
    return None


def _blowup_fails(ctx: Context, y: float, edge):
    """Evidence for an exact limit ±oo: decade points approaching it, with curvatures in 50 digits
    that rise at every step shown (None when float points cannot show the growth)."""
    path = C.edge_path(ctx, y, edge)
    if path is None:
        return None
    label, points, skip = path
    curv = np.abs(C.mp_curvatures(ctx, points, y))
    ok = np.isfinite(curv)
    pick = numeric.decade_indices(curv[ok], skip=skip)
    shown = curv[ok][pick]
    if len(pick) < 3 or not np.all(np.diff(shown) > 0):
        return None
    return _growth_fails(y, label, points[ok], curv[ok], skip, limit=edge.limit)


def proved(ctx: Context, extras: dict, parts) -> Verdict:
    if ctx.vector:
        return vector_proved(ctx, extras, parts[0])
    return Verdict(PROPERTY, HOLDS, PROOF, f"Smooth: {PROOF_TEXT}; {_constant_text(extras)}.",
                   {"proof": PROOF_TEXT}, extras)


def sampled(ctx: Context, extras: dict) -> Verdict:
    what = "No gradient jump" if ctx.vector else "No kink"
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"{what} and no unbounded curvature among the samples (seed {ctx.budget.seed}); "
                   f"{_constant_text(extras)}.", {"samples": ctx.budget.samples, "seed": ctx.budget.seed}, extras)


def _kink_fails(y, kink) -> Verdict:
    detail = (f"Not smooth: the gradient jumps at y_pred = {fmt(kink.point)} (y_true = {fmt(y)}): "
              f"left derivative {fmt(kink.left)}, right derivative {fmt(kink.right)}.")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"y_true": y, "point": kink.point, "left_derivative": kink.left,
                    "right_derivative": kink.right}, {"constant": None})


def _growth_fails(y, label, points, curv, skip: int = 0, limit=None) -> Verdict:
    pick = numeric.decade_indices(curv, skip=skip)
    pts, cv = points[pick], curv[pick]
    shown = {"oo": "∞", "-oo": "-∞"}.get(str(limit), str(limit))
    exact = "" if limit is None else f" (its exact limit is {shown})"
    detail = (f"Not smooth: at y_true = {fmt(y)} the curvature |L''| grows without bound as {label}{exact}: "
              + ", ".join(f"{fmt(c)} at {fmt(p)}" for p, c in zip(pts[:4], cv[:4])) + ", ...")
    evidence = {"y_true": y, "toward": label, "points": pts, "curvatures": cv}
    if limit is not None:
        evidence["limit"] = str(limit)
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence, {"constant": None})


def _constant(ctx: Context, y: float) -> float:
    """sup |L''| at target y: the sampled sup, and never below a finite exact limit at a span's end
    (the sup may be a limit the samples only approach: 2e16 at y_pred -> 0 for log(y_pred + 1e-8))."""
    from .. import symbolic as S
    limits = [abs(S.to_float(e.limit)) for e in C.edges(ctx, y) or () if e.finite and e.limit.is_number]
    sampled = _sup_curvature(ctx, y)
    top = max(limits, default=-math.inf)
    if not math.isfinite(sampled) or top >= sampled:
        return numeric.tidy(top) if math.isfinite(top) else sampled
    return sampled


def _sup_curvature(ctx: Context, y: float) -> float:
    """sup |L''| over the samples, refined around the peak by zooming in."""
    x = ctx.grid(y, PROPERTY)
    curv = np.abs(ctx.views.d2(x, y))
    ok = np.isfinite(curv)
    if not ok.any():
        return math.nan
    x, curv = x[ok], curv[ok]
    top = np.argsort(-curv)[:8]
    precise = np.abs(ctx.views.precise_d2(x[top], y))  # the fast values far out may be rounding garbage
    precise = np.where(np.isfinite(precise), precise, -1.0)
    i = int(top[int(np.argmax(precise))])
    best, at = float(precise.max()), float(x[i])
    width = max(abs(x[min(i + 1, x.size - 1)] - x[max(i - 1, 0)]), 1e-12)
    for _ in range(6):
        local = np.linspace(at - width, at + width, 41)
        local = local[(local > ctx.dom.lo) & (local < ctx.dom.hi)]
        if local.size == 0:
            break
        vals = np.abs(ctx.views.d2(local, y))
        vals = np.where(np.isfinite(vals), vals, -1)
        j = int(np.argmax(vals))
        if vals[j] > best:
            check = float(np.abs(ctx.views.precise_d2(local[j:j + 1], y))[0])
            if np.isfinite(check) and check > best:
                best, at = check, float(local[j])
        width /= 8
    return numeric.tidy(best)


def _constant_extras(ctx: Context, constants: dict, rtol: float = 1e-6) -> dict:
    """The constant (largest over targets) and whether it depends on the target (beyond `rtol`)."""
    values = [v for v in constants.values() if math.isfinite(v)]
    if not values:
        return {"constant": None}
    top = max(values)
    varies = (max(values) - min(values)) > rtol * max(1.0, top) and not ctx.invariant() \
        and not _shifts_alike(ctx)
    extras = {"constant": top, "depends_on_target": varies}
    if varies:
        extras["constant_by_target"] = {fmt(y): v for y, v in constants.items()}
    return extras


def _shifts_alike(ctx: Context) -> bool:
    """A callable of the regression kind that gives L(x + s, y + s) = L(x, y) on a probe: its sampled
    constants differ only by where the samples fell, so they are not reported as target-dependent
    (this shapes the sentence only, never the verdict)."""
    if ctx.has_expression or ctx.vector or ctx.loss.kind.name != "regression":
        return False
    rng = ctx.rng(PROPERTY, "shift-probe")
    x, y0 = rng.normal(0, 3, 16), float(ctx.targets[0])
    with np.errstate(all="ignore"):  # one batched call per shift, not one per point
        base = ctx.views.value(x, y0)
        pairs = [(base, ctx.views.value(x + s, y0 + s)) for s in rng.normal(0, 10, 4)]
    a, b = np.concatenate([p for p, _ in pairs]), np.concatenate([q for _, q in pairs])
    ok = np.isfinite(a) & np.isfinite(b)
    return bool(ok.sum() >= 32 and np.all(np.abs(a[ok] - b[ok]) <= 1e-9 * np.maximum(1.0, np.abs(a[ok]))))


def _constant_text(extras: dict) -> str:
    c = extras.get("constant")
    if c is None:
        return "constant unknown"
    if extras.get("depends_on_target"):
        per = ", ".join(f"{v:.6g} at y_true = {k}" for k, v in extras["constant_by_target"].items())
        return f"the constant sup|L''| depends on the target ({per})"
    return f"constant sup|L''| = {c:.6g}"


PROOF_TEXT = ("the gradient is continuous and on every smooth piece L'' has finite limits at both ends, "
              "so it is bounded")


def prove_case(ctx: Context, case) -> bool | None:
    """True when L' is continuous across every span's end and L'' has finite exact one-sided limits at
    both ends of every smooth span (so, continuous inside, it is bounded) of this case."""
    from ..symbolic.limits import curvature_edges, joins_smoothly
    edges = curvature_edges(case, ctx.seconds)
    if edges is not None:
        ok = all(e.finite for e in edges) and joins_smoothly(case, ctx.seconds)
        return True if ok else None
    return _prove_by_structure(ctx, case)


def _prove_by_structure(ctx: Context, case) -> bool | None:
    """The same proof over the pieces of symbolic.structure (when the spans are not known)."""
    from .. import symbolic as S
    st = S.structure(case, ctx.seconds)
    if st is None or not all(_slope_continuous(case, st, b, ctx.seconds) for b in st.breakpoints):
        return None
    for piece in st.pieces:
        d2 = S.derivative(piece.expr, 2)
        for end, side in ((piece.lo, "+"), (piece.hi, "-")):
            lim = S.one_sided(d2, end, side, ctx.seconds)
            if lim is None or not _finite(lim):
                return None
    return True


def _slope_continuous(case, st, b, seconds) -> bool:
    from ..analysis import one_sided_derivatives
    sides = one_sided_derivatives(case, st, b, seconds)
    return sides is not None and bool(sides[2]) and sides[0] == sides[1]


def _finite(v) -> bool:
    from .. import symbolic as S
    if S.is_finite_number(v):
        return True
    return not v.is_number and v.is_finite is True


# ---------------------------------------------------------------------------
# Vector predictions (properties/_smooth_search_vector.py searches; _smooth_vector.py proves)

def _vector_search(ctx: Context):
    if not ctx.views.dense and proved_first(ctx):  # large K: the proof's bound is the constant (no sampling)
        return {}
    found = VS.search(ctx)
    return found if isinstance(found, Verdict) else _constant_extras(ctx, found, rtol=0.05)  # sampling slack
