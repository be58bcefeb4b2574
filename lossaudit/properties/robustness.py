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


def search(ctx: Context):
    """A path along which the gradient grows without bound (a Verdict), else (worst grade, sensitivity, paths)."""
    paths = _vector_paths(ctx) if ctx.vector else _scalar_paths(ctx)
    worst, limits = "redescending", []
    for path in paths:
        kind, values = _classify(ctx, path)
        if kind == "fails":
            return _fails(path)
        if kind == "unknown":
            continue
        grade = "redescending" if kind == "vanishing" else "bounded"
        limits.append(0.0 if grade == "redescending" else _last_finite(values))
        if ORDER[grade] > ORDER[worst]:
            worst = grade
    if not limits:
        return unknown(PROPERTY,
                       "Could not follow the gradient toward any gross error (values not finite).")
    return worst, numeric.tidy(max(limits)), paths


def _classify(ctx: Context, path) -> tuple:
    """(growth of |gradient| along the path: "fails", "vanishing", "bounded" or "unknown"; the values)."""
    values = np.abs(path.gradients)
    kind = _trend(values)
    if kind == "unbounded" and path.precise is not None:
        path.gradients = path.precise()  # float64 can fake growth far out: recompute carefully
        values = np.abs(path.gradients)
        kind = _trend(values)
    if kind == "unbounded":
        limit = _exact_limit(ctx, path)  # a slow convergence looks like growth: the exact limit decides
        if limit is None or math.isinf(limit):
            return "fails", values
        kind = "vanishing" if limit == 0 else "bounded"
        values = np.append(values, limit)
    return kind, values


def _trend(values) -> str:
    """'unbounded', 'vanishing', 'bounded' or 'unknown' (growth.trend: a gradient whose increments
    shrink geometrically levels off, however far it rose first; one that converges is bounded)."""
    kind = growth.trend(values).kind
    return "bounded" if kind == "converges" else kind


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
    paths = []
    k = ctx.loss.K
    t = 10.0 ** (np.arange(14 * numeric.PER_DECADE) / numeric.PER_DECADE)
    steps = 1.0 / t / 10
    dom = ctx.loss.pred_domain
    for y in ctx.targets:
        Y = np.asarray(y, dtype=float)
        for label, X in ctx.loss.kind.gross_error_paths(Y, dom, k, t, steps, ctx.rng("vgross", tuple(Y))):
            g = np.linalg.norm(ctx.views.grad(X, Y), axis=1)
            paths.append(Path(label, g, X, list(y),
                              precise=lambda X=X, Y=Y: np.linalg.norm(ctx.views.precise_grad(X, Y), axis=1)))
    return paths

