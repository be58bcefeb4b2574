"""Robustness to outliers: bounded influence of gross errors (see SPEC)."""

from __future__ import annotations

import math

import numpy as np

from .. import growth, numeric
from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from . import PropertySpec

SPEC = PropertySpec(
    name="robustness", short="robust", title="Robustness", order=40,
    definition="Bounded influence of gross errors: |∂L/∂ŷ| (the gradient's norm for vectors) stays bounded (a) "
               "for every valid target as the prediction moves away from it without bound — |ŷ − y| → ∞ "
               "(regression, positive), y·ŷ → −∞ (margin), ŷ → the wrong end of (0, 1) (probability), the true "
               "class's margins → −∞ (logits), ŷ_j → 0 with y_j > 0 (distribution), ŷ_j → the end opposite y_j "
               "(box) — and (b) for kinds with unbounded targets, at a fixed prediction as the target runs off "
               "to ±∞. What happens near the minimum or at a finite edge such as ŷ → 0⁺ does not count. Graded "
               "by the limit in those directions, the worst deciding: `unbounded` (fails), `bounded` (holds), "
               "`redescending` (holds: the influence → 0, or is identically 0 far out). The sensitivity "
               "reported is that limit.",
    why="With a bounded gradient one gross outlier moves a gradient step, or the fitted model, by a "
        "bounded amount. Squared error lets a single outlier dominate; Huber, the absolute loss and "
        "redescending losses (Cauchy, Tukey) limit or ignore it.",
    method="""\
The gradient along geometric paths toward each gross error (4 points a decade
over 14 decades), classified as growing without bound (log growth counts),
vanishing or bounded; for expressions the limit itself is computed symbolically
on the outermost smooth piece, which upgrades the verdict to a proof when it
covers every target.""",
    figure=lambda v: {"redescending": "redesc."}.get(v.extras.get("grade") or "", v.extras.get("grade") or ""),
    figure_legend="its grade", csv_figure="grade")
PROPERTY = SPEC.name
ORDER = {"redescending": 0, "bounded": 1, "unbounded": 2}
# the relative step of a callable's finite-difference slope (numeric.fd_gradient's): slopes below 1000
# times its rounding error (growth.fd_noise) are not read
FD_REL = 1e-4


def search(ctx: Context):
    """A path along which the gradient grows without bound (a Verdict), else (worst grade, sensitivity, paths)."""
    paths = _vector_paths(ctx) if ctx.vector else _scalar_paths(ctx)
    worst, limits = "redescending", []
    for path in paths:
        kind, values = _classify(ctx, path)
        if kind == "fails":
            return _fails(path)
        if kind == "infinite":
            return unknown(PROPERTY, f"At y_true = {fmt(path.y_true)} the exact limit of |∇L| as {path.label} is ∞, "
                                     "but no float points along the path show the growth.")
        if kind == "unknown":
            continue
        grade = "redescending" if kind == "vanishing" else "bounded"
        limits.append(0.0 if grade == "redescending" else
                      _limit(values, path.floor) if ctx.vector else _last_finite(values))
        if ORDER[grade] > ORDER[worst]:
            worst = grade
    if not limits:
        return unknown(PROPERTY,
                       "Could not follow the gradient toward any gross error (values not finite).")
    return worst, numeric.tidy(max(limits)), paths


def _classify(ctx: Context, path) -> tuple:
    """(growth of |gradient| along the path: "fails", "vanishing", "bounded" or "unknown"; the values)."""
    values = np.abs(path.gradients)
    kind = _trend(values, path.floor)
    if kind == "unbounded" and path.precise is not None:
        path.gradients = path.precise()  # float64 can fake growth far out: recompute carefully
        values = np.abs(path.gradients)
        kind = _trend(values, path.floor)
    if ctx.vector and kind == "bounded" and path.precise is not None and _suspicious(values):
        path.gradients = path.precise()  # a dip to ~0 and a rise after it: float cancellation far out
        values = np.abs(path.gradients)
        kind = _trend(values, path.floor)
    if ctx.vector and kind != "bounded":
        return _vector_decided(ctx, path, kind, values)
    if kind == "unbounded":
        limit = _exact_limit(ctx, path)  # a slow convergence looks like growth: the exact limit decides
        if limit is None or math.isinf(limit):
            return "fails", values
        kind = "vanishing" if limit == 0 else "bounded"
        values = np.append(values, limit)
    return kind, values


def _trend(values, floor: float = 0.0) -> str:
    """'unbounded', 'vanishing', 'bounded' or 'unknown' (growth.trend: a gradient whose increments
    shrink geometrically levels off, however far it rose first; one that converges is bounded; values
    at or below `floor` are rounding noise, read as 0)."""
    kind = growth.trend(values, floor=floor).kind
    return "bounded" if kind == "converges" else kind


def _suspicious(values) -> bool:
    """Does |∇L| fall to under 1e-6 of its peak and then rise a thousandfold? The mark of float64 losing
    the gradient to cancellation far out (z_j - logsumexp(z) at |z| = 1e13 is off by 1e-3)."""
    v = values[np.isfinite(values)]
    if v.size < 4:
        return False
    low = int(np.argmin(v))
    return bool(v[low] < 1e-6 * v.max() and v[-1] > 1e3 * max(v[low], 1e-300))


def _vector_decided(ctx: Context, path, kind: str, values) -> tuple:
    """The exact limit along a vector path, where the formula gives it, decides a numeric `unbounded`,
    `vanishing` or `unknown`: a finite limit is never overruled by float growth, 0 confirms a redescent,
    and ∞ fails only when the float points show the growth (else the path is left undecided)."""
    limit = _vector_exact_limit(ctx, path)
    if limit is None:
        return ("fails" if kind == "unbounded" else kind), values
    if math.isinf(limit):
        return ("fails" if kind == "unbounded" else "infinite"), values
    return ("vanishing" if limit == 0 else "bounded"), np.append(values, limit)


def proved(ctx: Context, _state, parts: list):
    """(grade, sensitivity) from the exact limits on the outermost pieces of every case; None if there are none."""
    limits = [limit for case_limits in parts for limit in case_limits]
    if not limits:
        return None
    top = max(limits)
    grade = "redescending" if top == 0 else "bounded"
    text = ("the gradient's exact limit toward every gross error is 0" if top == 0 else
            f"the gradient's exact limit toward every gross error is finite (at most {fmt(top)})")
    return Verdict(PROPERTY, HOLDS, PROOF, f"Robust ({grade}): {text}.", {"proof": text},
                   {"grade": grade, "sensitivity": numeric.tidy(top)})


def sampled(ctx: Context, state) -> Verdict:
    worst, sensitivity, paths = state
    what = "vanishes" if worst == "redescending" else f"stays bounded (limit about {fmt(sensitivity)})"
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"Robust ({worst}): the gradient {what} toward every gross error sampled "
                   f"({len(paths)} paths, seed {ctx.budget.seed}).",
                   {"paths": _paths_by_target(paths)}, {"grade": worst, "sensitivity": sensitivity})


def _paths_by_target(paths) -> list:
    """The paths followed, grouped by target: [{"y_true": 0, "toward": ["y_pred -> ∞", ...]}, ...] (a flat
    list repeated every label once per target without saying which)."""
    groups: dict = {}
    for p in paths:
        key = repr(_plain(p.y_true))
        groups.setdefault(key, {"y_true": _plain(p.y_true), "toward": []})
        if p.label not in groups[key]["toward"]:
            groups[key]["toward"].append(p.label)
    return list(groups.values())


class Path:
    """Gradients along one gross-error path, with what the evidence names."""

    def __init__(self, label: str, gradients, points, y_true, y_pred=None, precise=None, direction=0, skip=0):
        self.direction = direction  # +1 / -1: y_pred runs up / down (0: not a scalar prediction path)
        self.skip = skip            # leading decades at distances below 1, left out of the evidence
        self.label = label
        self.gradients = np.asarray(gradients, dtype=float)
        self.points = np.asarray(points, dtype=float)
        self.y_true = y_true
        self.y_pred = y_pred
        self.precise = precise  # recomputes the gradients carefully (mpmath), when a verdict rests on them
        self.floor = 0.0        # gradients at or below this are rounding noise
        self.route = None       # the vector path's parametrisation (ideals.Route), for exact limits


def _fails(path: Path) -> Verdict:
    g = np.abs(path.gradients)
    idx = numeric.decade_indices(g, skip=path.skip, count=7)
    pts, grads = path.points[idx], g[idx]
    shown = ", ".join(f"{fmt(v)} at {fmt(p)}" for p, v in zip(pts[:4], grads[:4]))
    if path.y_pred is None:
        detail = (f"Not robust (unbounded): at y_true = {fmt(path.y_true)} the gradient grows without bound as "
                  f"{path.label}: |∂L/∂ŷ| = {shown}, ...")
        evidence = {"y_true": _plain(path.y_true), "toward": path.label, "points": pts, "gradients": grads}
    else:
        detail = (f"Not robust (unbounded): at y_pred = {fmt(path.y_pred)} the gradient grows without bound as "
                  f"{path.label} (an outlier in the data): |∂L/∂ŷ| = {shown}, ...")
        evidence = {"y_pred": path.y_pred, "toward": path.label, "y_true": pts, "gradients": grads}
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence, {"grade": "unbounded", "sensitivity": None})


def _plain(y):
    return list(y) if isinstance(y, (tuple, list)) else y


def _limit(values: np.ndarray, floor: float) -> float:
    """The sensitivity along a path: the extrapolated limit when the values converge (growth.trend),
    else the last finite value."""
    t = growth.trend(values, floor=floor)
    if t.kind == "converges" and t.limit is not None and math.isfinite(t.limit):
        return t.limit
    return _last_finite(values)


def _last_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if finite.size else math.nan


# ---------------------------------------------------------------------------
# Scalar predictions

def gross_directions(ctx: Context, y: float) -> list[int]:
    """Directions (+1: y_pred up, -1: down) in which the prediction moves away from y without bound."""
    return ctx.loss.kind.gross_directions(y, ctx.dom)


def _scalar_paths(ctx: Context) -> list[Path]:
    paths = []
    for y in ctx.targets:
        for d in gross_directions(ctx, y):
            x = numeric.gross_sequence(ctx.dom, ctx.center(y), d, decades=16, first_decade=-2)
            end = ctx.dom.hi if d > 0 else ctx.dom.lo
            paths.append(Path(f"y_pred -> {fmt(end)}", ctx.views.d1(x, y), x, y,
                              precise=lambda x=x, y=y: ctx.views.precise_d1(x, y), direction=d,
                              skip=2 if math.isinf(end) else 0))
    paths += _target_paths(ctx)
    return paths


def _target_paths(ctx: Context) -> list[Path]:
    """(b): a fixed prediction while the target runs off to ±∞ (regression, positive)."""
    dom = ctx.loss.target_domain
    if dom.labels or ctx.invariant():  # scalar targets: an interval or labels
        return []
    out = []
    for x in (v for v in (1.0, 0.0) if ctx.dom.contains(v)):
        for d in (+1, -1):
            end = dom.hi if d > 0 else dom.lo
            if not math.isinf(end):
                continue
            start = x + 0.5 if dom.contains(x + 0.5) else 0.5 * (dom.lo + dom.hi) if dom.bounded else dom.lo + 1
            ys = numeric.gross_sequence(dom, start, d)
            g = ctx.views.d1(np.full(ys.shape, x), ys)
            out.append(Path(f"y_true -> {fmt(end)}", g, ys, None, y_pred=x,
                            precise=lambda x=x, ys=ys: ctx.views.precise_d1(np.full(ys.shape, x), ys)))
        break
    return out


def _exact_limit(ctx: Context, path: Path) -> float | None:
    """|lim dL/dy_pred| along a scalar prediction path, from the exact outermost piece; None if unknown."""
    from .. import symbolic as S
    if not ctx.has_expression or ctx.vector or not path.direction:
        return None
    st = ctx.structure(path.y_true)
    if st is None:
        return None
    piece = st.pieces[-1] if path.direction > 0 else st.pieces[0]
    end = piece.hi if path.direction > 0 else piece.lo
    lim = S.one_sided(S.derivative(piece.expr), end, "-" if path.direction > 0 else "+", ctx.seconds)
    if lim is None or lim.has(S.sp.nan, S.sp.zoo):
        return None
    return abs(S.to_float(lim))


def prove_case(ctx: Context, case) -> list | None:
    """|exact limit of L'| toward each gross error of this case, from its outermost pieces; None if unknown."""
    from .. import symbolic as S
    if not ctx.invariant() and not ctx.loss.target_domain.labels:
        return None  # (b), targets running off, is only sampled
    st = S.structure(case, ctx.seconds)
    if st is None:
        return None
    limits = []
    y = 0.0 if case.shifted else case.target_float
    for d in gross_directions(ctx, y):
        piece = st.pieces[-1] if d > 0 else st.pieces[0]
        end = piece.hi if d > 0 else piece.lo
        lim = S.one_sided(S.derivative(piece.expr), end, "-" if d > 0 else "+", ctx.seconds)
        if lim is None or not S.is_finite_number(lim):
            return None
        limits.append(abs(S.to_float(lim)))
    return limits


# ---------------------------------------------------------------------------
# Vector predictions

def _vector_paths(ctx: Context) -> list[Path]:
    """The gradient's norm along every gross-error path of every target, evaluated in one batched call
    per target (the paths of ideals: faces with unequal competitors, offset rays, subsets of coordinates)."""
    paths = []
    k = ctx.loss.K
    t = 10.0 ** (np.arange(14 * numeric.PER_DECADE) / numeric.PER_DECADE)
    steps = 1.0 / t / 10
    dom = ctx.loss.pred_domain
    for y in ctx.targets:
        Y = np.asarray(y, dtype=float)
        routes = ctx.loss.kind.gross_error_paths(Y, dom, k, t, steps, ctx.rng("vgross", tuple(Y)))
        if not routes:
            continue
        X = np.concatenate([r[1] for r in routes])
        with np.errstate(all="ignore"):
            G = np.linalg.norm(ctx.views.grad(X, Y), axis=1)
            L = np.abs(ctx.views.value(X, Y))
        if not ctx.views.exact and ctx.views.engine is None:  # differences lost in rounding are no data
            G = np.where(growth.fd_noise(dom.room(X), X, L, FD_REL, 1) > 1e-3 * G, np.nan, G)
        at = np.cumsum([0] + [len(r[1]) for r in routes])
        for i, r in enumerate(routes):
            path = Path(r[0], G[at[i]:at[i + 1]], r[1], list(y),
                        precise=lambda X=r[1], Y=Y: np.linalg.norm(ctx.views.precise_grad(X, Y), axis=1))
            path.route = r
            first = L[at[i]] if np.isfinite(L[at[i]]) else 1.0
            path.floor = growth.NOISE * max(1.0, float(first))  # gradients below this are rounding noise
            paths.append(path)
    return paths


def _vector_exact_limit(ctx: Context, path: Path) -> float | None:
    """|lim ∇L| along a vector path, from exact limits of the gradient's components (projected onto the
    simplex's tangent space for distributions); None when unknown or not an expression."""
    from ..symbolic.limits import norm_of_limits, path_limits, rational
    route = getattr(path, "route", None)
    if not ctx.has_expression or route is None or not hasattr(route, "origin"):
        return None
    exprs = ctx.once(_gradient_exprs)
    if exprs is None or not _admit_exact_path(ctx, exprs):
        return None
    at = {s: rational(v) for s, v in zip(ctx.loss.true_symbols, path.y_true)}
    limits = path_limits(exprs, ctx.loss.pred_symbols, at, route.origin, route.direction, route.infinite,
                         ctx.seconds)
    return None if limits is None else norm_of_limits(limits)


EXACT_PATH_NODES = 20_000  # deterministic: tree nodes of gradient components taken to exact limits, summed
#                            over the paths of one property (every path of the catalog's losses at K <= 8;
#                            a K = 50 softmax composition's gradient alone has more): the rest decide by floats


def _admit_exact_path(ctx: Context, exprs: list) -> bool:
    """May one more path's gradient components go to exact limits? Counts their tree nodes against
    EXACT_PATH_NODES; a refusal is noted once, in a sentence naming the limit."""
    from ..budget import current_meter
    from ..symbolic.core import tree_size
    spent = ctx.once(_exact_work)
    size = sum(tree_size(e) for e in exprs)
    if spent[0] + size > EXACT_PATH_NODES:
        current_meter().refuse(f"exact limits along the gross-error paths would take more than {EXACT_PATH_NODES} "
                               f"nodes of gradient ({size} a path)")
        return False
    spent[0] += size
    return True


def _exact_work(ctx: Context) -> list:
    return [0]  # nodes spent on exact path limits in this context (one list, updated in place)


def _gradient_exprs(ctx: Context):
    """The gradient's components as expressions (tangent to the simplex for distributions)."""
    from .. import symbolic as S
    loss = ctx.loss
    positive = loss.pred_domain.positive
    grads = [S.guarded(ctx.seconds, S.derivative_in, loss.bound_expression, p, positive) for p in loss.pred_symbols]
    if any(g is None for g in grads):
        return None
    if loss.pred_domain.on_simplex:
        mean = S.sp.Add(*grads) / len(grads)
        grads = [g - mean for g in grads]
    return grads
