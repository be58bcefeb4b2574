"""Convexity: ŷ ↦ L(ŷ, y) is convex on the prediction domain, for every valid target (see SPEC)."""
from __future__ import annotations

import numpy as np

from ..analysis import Context, fmt
from ..curvature import lowest_modes
from ..text import apart
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict
from ..witness import Checker, chord_broken, chord_values, on_domain, shrink_chord
from . import PropertySpec
from ._convex import prove, prove_case  # noqa: F401 - the template calls them from here
from ._search import TOP_CANDIDATES, add_new, clearest, first_witness, simplest, violations

SPEC = PropertySpec(
    name="convexity", short="convex", title="Convexity", order=10,
    definition="ŷ ↦ L(ŷ, y) is convex on the prediction domain for every valid target: "
               "L(t·a + (1−t)·b) ≤ t·L(a) + (1−t)·L(b) for all predictions a, b in the domain and t ∈ [0, 1] "
               "(jointly in the K-vector for vector kinds; along the simplex for the distribution kind). Where L "
               "is twice differentiable this is \"the Hessian is positive semidefinite\"; kinks must not fool "
               "it: |r| is convex, and so is max(0, 1 − m).",
    why="A convex loss has no spurious local minima in the prediction: every local minimum is global, "
        "and (composed with a linear model) gradient methods converge to it. Non-convex losses trade "
        "this for robustness or for matching a metric.",
    method="""\
1. Counterexample search (every loss): chords between sample points across
   scales, local chords (second differences) at every sample and around every
   breakpoint, and chords along directions of negative curvature (the second
   derivative, or the Hessian's smallest eigenvector). The best violations are
   shrunk to simple numbers and re-checked exactly; a re-checked chord is the
   `fails` witness.
2. Proof (expressions): DCP composition rules (|affine|, max of convex,
   log-sum-exp, nonnegative sums, convex increasing of convex, ...); else the
   piecewise rule: L'' ≥ 0 proved on each smooth piece, L continuous and L'
   jumping upward at each breakpoint. Kinks therefore do not fool it: |r| and
   max(0, 1 − m) are proved convex.
3. Otherwise `holds` by sampling, with the number of chords and the seed.""")
PROPERTY = SPEC.name


def search(ctx: Context):
    if ctx.vector and ctx.has_expression and _proved_first(ctx):
        return None  # proved (DCP, K-independent): no chord can break it, and at K = 1000 the search costs seconds
    chk = Checker(ctx.loss)
    per_target = _vector_chord if ctx.vector else _scalar_chord
    found = first_witness(ctx, lambda y: per_target(ctx, chk, y))
    if found is None:
        return None
    y, (a, b, t) = found
    return _fails(chk, a, b, t, list(y) if ctx.vector else y, ctx)


def _proved_first(ctx: Context) -> bool:
    from ._convex import convex_proof
    return bool(convex_proof(ctx))


def proved(ctx: Context, _state, rules: list) -> Verdict:
    return Verdict(PROPERTY, HOLDS, PROOF, f"Convex by proof: {_summary(rules)}.", {"proof": rules})


def sampled(ctx: Context, _state) -> Verdict:
    budget = ctx.budget
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"No chord lies below the loss among the samples (seed {budget.seed}, "
                   f"{budget.samples} points per target, {len(ctx.targets)} targets); not proved.",
                   {"samples": budget.samples, "seed": budget.seed, "targets": ctx.targets})


def _summary(rules: list) -> str:
    """One sentence for the rules of several target cases: the shared rule once, else each one."""
    bodies = [r.split(": ", 1)[1] if ": " in r and r.startswith(("y_true", "every")) else r for r in rules]
    if len(set(bodies)) == 1:
        return bodies[0] + (" (for every target)" if len(rules) > 1 else "")
    return "; ".join(rules)


def _fails(chk: Checker, a, b, t, y, ctx: Context) -> Verdict:
    values = chord_values(chk, a, b, t, y)
    mid = values["L(t*a+(1-t)*b)"]
    chord = values["t*L(a)+(1-t)*L(b)"]
    detail = (f"Not convex: at y_true = {fmt(y)}, the chord from y_pred = {fmt(a)} to {fmt(b)} lies below the loss "
              "at t = {}: L = {} > {}.".format(fmt(t), *apart(mid, chord)))
    evidence = {"y_true": y, "chord": {"a": a, "b": b, "t": t}, "values": values,
                "tolerance": {"relative": ctx.budget.rtol}}
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence)


# ---------------------------------------------------------------------------
# Scalar predictions

def _scalar_chord(ctx: Context, chk: Checker, y: float):
    shrink = lambda a, b, t: shrink_chord(chk, a, b, t, y, ctx.dom.contains)  # noqa: E731
    broken = lambda a, b, t: chord_broken(chk, a, b, t, y)  # noqa: E731
    direct = _kink_chord(ctx, chk, y)
    if direct is not None:
        return simplest([direct], shrink, broken)
    x = ctx.grid(y, PROPERTY)
    f = lambda z: ctx.views.value(z, y)  # noqa: E731
    candidates = [(float(a), float(b), float(t)) for a, b, t in _scalar_candidates(ctx, f, x, y)]
    return simplest(candidates, shrink, broken)


def _kink_chord(ctx: Context, chk: Checker, y: float):
    """A chord across a kink whose slope falls (left > right) or a jump: the loss bends down there, so a
    narrow enough chord straddling it breaks; the widest that stands clear of rounding and re-checks, at
    offsets scaled to the point."""
    for kink in ctx.kinks(y):
        if not kink.jump and not kink.left > kink.right:
            continue
        h = np.asarray(_offsets(kink.point))
        a, b = kink.point - h, kink.point + h
        inside = (a > ctx.dom.lo) & (b < ctx.dom.hi) & (a != b)
        # no float screen: the structure says the loss bends down here, and each chord re-checks exactly
        # in both readings, so a bend far below float resolution (a jump of 2e-9 at a loss of 20) counts
        # at a jump the middle point takes one side's value: put it on the higher side (t = 1/4 or 3/4)
        ts = (0.5, 0.25, 0.75) if kink.jump else (0.5,)
        for lo, hi in zip(a[inside], b[inside]):  # widest first
            for t in ts:
                if chord_broken(chk, float(lo), float(hi), t, y):
                    return float(lo), float(hi), t
    return None


def _offsets(b: float) -> list:
    """Half-widths of chords across a breakpoint b: relative to 1 and to |b| itself, widest first."""
    rel = 10.0 ** -np.arange(0, 10, dtype=float)
    hs = {float(h) for h in max(1.0, abs(b)) * rel}
    if 0 < abs(b) < 1:
        hs |= {float(h) for h in abs(b) * np.concatenate([[0.5], rel[1:]])}
    return sorted(hs, reverse=True)


def _scalar_candidates(ctx: Context, f, x: np.ndarray, y: float) -> list:
    fx = f(x)
    a, b, t = _scalar_chords(ctx, x, y, fx)
    fa, fb, fm = f(a), f(b), f(t * a + (1 - t) * b)
    gap = fm - (t * fa + (1 - t) * fb)
    size = np.abs(fa) + np.abs(fb) + np.abs(fm)
    idx, rel = violations(gap, size, [a, b], fx, ctx.budget.rtol)
    if idx.size == 0:
        return []
    order = clearest(idx, rel)
    # also the clearest violations among chords with readable, moderate numbers
    small = idx[(rel > 1e-6) & (np.maximum(np.abs(a[idx]), np.abs(b[idx])) <= 10 * max(1.0, abs(y)))]
    if small.size:
        cost = np.abs(a[small]) + np.abs(b[small]) - np.log10(gap[small] / (size[small] + 1e-300))
        order = add_new(order, small[np.argsort(cost)][:TOP_CANDIDATES])
    return [(a[k], b[k], t[k]) for k in order]


def _scalar_chords(ctx: Context, x: np.ndarray, y: float, fx: np.ndarray):
    """Chord ends a, b and weights t: local chords, chords across breakpoints and along negative
    curvature, and random chords between samples (inside the domain, a != b)."""
    scale = np.maximum(1.0, np.abs(x))
    a_list, b_list = [], []
    for rel in (0.5, 0.1, 1e-2, 1e-4):  # local chords around every sample, at several widths
        a_list.append(x - rel * scale)
        b_list.append(x + rel * scale)
    for b in np.asarray(ctx.breakpoints(y), dtype=float):
        h = np.asarray(_offsets(float(b)))
        a_list.append(b - h)
        b_list.append(b + h)
    d2 = ctx.views.d2(x, y)
    neg = np.isfinite(d2) & (d2 < 0) & np.isfinite(fx)
    if neg.any():  # chords along negative curvature, wide enough to beat rounding
        h = 2 * np.sqrt(1e3 * ctx.budget.rtol * (np.abs(fx[neg]) + 1e-300) / np.abs(d2[neg]))
        h = np.clip(h, 1e-8 * scale[neg], 0.5 * scale[neg])
        a_list.append(x[neg] - h)
        b_list.append(x[neg] + h)
    a, b = np.concatenate(a_list), np.concatenate(b_list)
    t = np.full(a.shape, 0.5)
    rng = ctx.rng(PROPERTY, "chords", y)
    m = ctx.budget.samples
    i, j = rng.integers(0, x.size, size=m), rng.integers(0, x.size, size=m)
    a, b = np.concatenate([a, x[i]]), np.concatenate([b, x[j]])
    t = np.concatenate([t, rng.uniform(0.05, 0.95, size=m)])
    keep = (a > ctx.dom.lo) & (a < ctx.dom.hi) & (b > ctx.dom.lo) & (b < ctx.dom.hi) & (a != b)
    return a[keep], b[keep], t[keep]


# ---------------------------------------------------------------------------
# Vector predictions

def _vector_chord(ctx: Context, chk: Checker, y):
    y_arr = np.asarray(y, dtype=float)
    X = ctx.vector_samples(y, PROPERTY)
    f = lambda Z: ctx.views.value(Z, y_arr)  # noqa: E731
    inside = lambda p: bool(ctx.loss.pred_domain.inside(p)[0]) and on_domain(chk, p)  # noqa: E731
    for a, b, t in _vector_candidates(ctx, f, X, y_arr):
        a, b, t = [float(v) for v in a], [float(v) for v in b], float(t)
        a, b, t = shrink_chord(chk, a, b, t, list(y), inside)
        if inside(a) and inside(b) and chord_broken(chk, a, b, t, list(y)):
            return a, b, t
    return None


def _vector_candidates(ctx: Context, f, X: np.ndarray, y: np.ndarray) -> list:
    """Chords along negative curvature, random chords between samples and local chords along random
    directions; on the simplex every direction lies in its tangent space and every end on it."""
    rng = ctx.rng(PROPERTY, "vchords", tuple(y))
    A, B, T = _curvature_chords(ctx, X, y)
    m, n = ctx.budget.samples, X.shape[0]
    i, j = rng.integers(0, n, size=m), rng.integers(0, n, size=m)
    A.append(X[i])
    B.append(X[j])
    T.append(rng.uniform(0.05, 0.95, size=m))
    d = _tangent(ctx, rng.standard_normal(X.shape))
    for rel in (0.3, 1e-2):
        h = rel * np.maximum(1.0, np.abs(X).max(axis=1))[:, None]
        A.append(X - _room(ctx, X, h, d) * d)
        B.append(X + _room(ctx, X, h, d) * d)
        T.append(np.full(n, 0.5))
    A, B, T = np.concatenate(A), np.concatenate(B), np.concatenate(T)
    if ctx.views.simplex:  # rounding moved the ends by an ulp: put them back on the simplex
        A, B = A / A.sum(axis=1, keepdims=True), B / B.sum(axis=1, keepdims=True)
    keep = ctx.loss.pred_domain.inside(A) & ctx.loss.pred_domain.inside(B)
    A, B, T = A[keep], B[keep], T[keep]
    fa, fb, fm = f(A), f(B), f(T[:, None] * A + (1 - T[:, None]) * B)
    gap = fm - (T * fa + (1 - T) * fb)
    size = np.abs(fa) + np.abs(fb) + np.abs(fm)
    idx, rel = violations(gap, size, [A, B], f(X), ctx.budget.rtol)
    return [(A[q], B[q], T[q]) for q in clearest(idx, rel)]


def _tangent(ctx: Context, d: np.ndarray) -> np.ndarray:
    """Unit directions; on the simplex projected onto its tangent space (components summing to 0)."""
    if ctx.views.simplex:
        d = d - d.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    return d / np.where(norm > 0, norm, 1.0)


def _room(ctx: Context, X: np.ndarray, h: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Step lengths h, shortened on the simplex so that X ± h d keeps every entry positive."""
    if not ctx.views.simplex:
        return h
    return np.minimum(h, 0.9 * np.min(X / (np.abs(d) + 1e-300), axis=1)[:, None])


def _curvature_chords(ctx: Context, X: np.ndarray, y: np.ndarray):
    """Chords along the Hessian's smallest eigenvector where it is negative (lists A, B, T). On the
    simplex the Hessian is P H P, whose null direction 1 (off the simplex) can come out as a rounding-
    negative mode: directions are projected onto the tangent space and kept only if mostly in it."""
    A, B, T = [], [], []
    w, v = lowest_modes(ctx.views, X, y)
    neg = w < 0  # NaN (a Hessian that is not finite) is not negative
    if ctx.views.simplex:
        tangent = v - v.mean(axis=1, keepdims=True)
        neg &= np.linalg.norm(tangent, axis=1) > 0.5
        v = _tangent(ctx, tangent)
    base = X[neg]
    for rel in (0.5, 0.1, 1e-2, 1e-3):
        h = rel * np.maximum(1.0, np.abs(base).max(axis=1))[:, None]
        A.append(base - _room(ctx, base, h, v[neg]) * v[neg])
        B.append(base + _room(ctx, base, h, v[neg]) * v[neg])
        T.append(np.full(base.shape[0], 0.5))
    return A, B, T
