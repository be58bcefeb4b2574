"""Convexity: ŷ ↦ L(ŷ, y) is convex on the prediction domain, for every valid target.

Definition: L(t·a + (1−t)·b) ≤ t·L(a) + (1−t)·L(b) for all predictions a, b in
the domain and t ∈ [0, 1] (jointly in the K-vector for vector kinds; along the
simplex for the distribution kind).

Method:
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
3. Otherwise `holds` by sampling, with the number of chords and the seed.
"""
from __future__ import annotations

import math

import numpy as np

from ..analysis import Context, build_context, fmt
from ..kinds import points_inside
from ..numeric import significant, simplicity, typical_magnitude
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict
from ..witness import Checker, chord_broken, chord_values, shrink_chord

PROPERTY = "convexity"
TOP_CANDIDATES = 8


def decide(loss, budget) -> Verdict:
    ctx = build_context(loss, budget)
    found = _vector_counterexample(ctx) if ctx.vector else _scalar_counterexample(ctx)
    if found is not None:
        return found
    rules = proof_rules(ctx)
    if rules:
        return Verdict(PROPERTY, HOLDS, PROOF, f"Convex by proof: {_summary(rules)}.", {"proof": rules})
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"No chord lies below the loss among the samples (seed {budget.seed}, "
                   f"{budget.samples} points per target, {len(ctx.targets)} targets); not proved.",
                   {"samples": budget.samples, "seed": budget.seed, "targets": ctx.targets})


# ---------------------------------------------------------------------------
# Scalar predictions

def _scalar_counterexample(ctx: Context) -> Verdict | None:
    chk = Checker(ctx.loss)
    for y in ctx.targets:
        x = ctx.grid(y, PROPERTY)
        f = lambda z: ctx.views.value(z, y)  # noqa: E731
        verified = []
        for a, b, t in _scalar_candidates(ctx, f, x, y):
            a, b, t = shrink_chord(chk, float(a), float(b), float(t), y, ctx.dom.contains)
            if chord_broken(chk, a, b, t, y):
                verified.append((simplicity(a, b, t), a, b, t))
        if verified:
            _, a, b, t = min(verified)
            return _fails(chk, a, b, t, y, ctx)
    return None


def _scalar_candidates(ctx: Context, f, x: np.ndarray, y: float) -> list:
    rtol = ctx.budget.rtol
    fx = f(x)
    scale = np.maximum(1.0, np.abs(x))
    a_list, b_list = [], []
    # local chords around every sample, at several widths, and around every breakpoint
    for rel in (0.5, 0.1, 1e-2, 1e-4):
        a_list.append(x - rel * scale)
        b_list.append(x + rel * scale)
    bps = np.asarray(ctx.breakpoints(y), dtype=float)
    for b in bps:
        h = max(1.0, abs(b)) * 10.0 ** -np.arange(0, 8, dtype=float)
        a_list.append(b - h)
        b_list.append(b + h)
    # chords along negative curvature, wide enough to beat rounding
    d2 = ctx.views.d2(x, y)
    neg = np.isfinite(d2) & (d2 < 0) & np.isfinite(fx)
    if neg.any():
        h = 2 * np.sqrt(1e3 * rtol * (np.abs(fx[neg]) + 1e-300) / np.abs(d2[neg]))
        h = np.clip(h, 1e-8 * scale[neg], 0.5 * scale[neg])
        a_list.append(x[neg] - h)
        b_list.append(x[neg] + h)
    a = np.concatenate(a_list)
    b = np.concatenate(b_list)
    t = np.full(a.shape, 0.5)
    # random chords between samples
    rng = ctx.rng(PROPERTY, "chords", y)
    m = ctx.budget.samples
    i, j = rng.integers(0, x.size, size=m), rng.integers(0, x.size, size=m)
    a = np.concatenate([a, x[i]])
    b = np.concatenate([b, x[j]])
    t = np.concatenate([t, rng.uniform(0.05, 0.95, size=m)])
    keep = (a > ctx.dom.lo) & (a < ctx.dom.hi) & (b > ctx.dom.lo) & (b < ctx.dom.hi) & (a != b)
    a, b, t = a[keep], b[keep], t[keep]
    fa, fb, fm = f(a), f(b), f(t * a + (1 - t) * b)
    gap = fm - (t * fa + (1 - t) * fb)
    size = np.abs(fa) + np.abs(fb) + np.abs(fm)
    strong = significant(gap, size, [a, b], typical_magnitude(fx), rtol)
    if not strong.any():
        return []
    idx = np.flatnonzero(strong)
    rel = gap[idx] / (size[idx] + 1e-300)
    order = list(idx[np.argsort(-rel)][:TOP_CANDIDATES])
    # also the clearest violations among chords with readable, moderate numbers
    small = idx[(rel > 1e-6) & (np.maximum(np.abs(a[idx]), np.abs(b[idx])) <= 10 * max(1.0, abs(y)))]
    if small.size:
        cost = np.abs(a[small]) + np.abs(b[small]) - np.log10(gap[small] / (size[small] + 1e-300))
        order += [k for k in small[np.argsort(cost)][:TOP_CANDIDATES] if k not in order]
    return [(a[k], b[k], t[k]) for k in order]


def _fails(chk: Checker, a, b, t, y, ctx: Context) -> Verdict:
    values = chord_values(chk, a, b, t, y)
    mid = values["L(t*a+(1-t)*b)"]
    chord = values["t*L(a)+(1-t)*L(b)"]
    ytxt = fmt(y)
    detail = (f"Not convex: at y_true = {ytxt}, the chord from y_pred = {fmt(a)} to {fmt(b)} lies below the loss "
              f"at t = {fmt(t)}: L = {mid:.6g} > {chord:.6g}.")
    evidence = {"y_true": y, "chord": {"a": a, "b": b, "t": t}, "values": values,
                "tolerance": {"relative": ctx.budget.rtol}}
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence)


# ---------------------------------------------------------------------------
# Vector predictions

def _vector_counterexample(ctx: Context) -> Verdict | None:
    chk = Checker(ctx.loss)
    for y in ctx.targets:
        y_arr = np.asarray(y, dtype=float)
        X = ctx.vector_samples(y, PROPERTY)
        f = lambda Z: ctx.views.value(Z, y_arr)  # noqa: E731
        for a, b, t in _vector_candidates(ctx, f, X, y_arr):
            a, b, t = [float(v) for v in a], [float(v) for v in b], float(t)
            if not ctx.views.simplex:  # rounding would take simplex points off the simplex
                inside = lambda p: bool(points_inside(ctx.loss.pred_domain, p)[0])  # noqa: E731
                a, b, t = shrink_chord(chk, a, b, t, list(y), inside)
            if chord_broken(chk, a, b, t, list(y)):
                return _fails(chk, a, b, t, list(y), ctx)
    return None


def _vector_candidates(ctx: Context, f, X: np.ndarray, y: np.ndarray) -> list:
    rtol = ctx.budget.rtol
    rng = ctx.rng(PROPERTY, "vchords", tuple(y))
    n, k = X.shape
    A, B, T = [], [], []
    H = ctx.views.hess(X, y)
    ok = np.all(np.isfinite(H.reshape(n, -1)), axis=1)
    if ok.any():
        w, V = np.linalg.eigh(H[ok])
        v = V[:, :, 0]
        neg = w[:, 0] < 0
        base = X[ok][neg]
        for rel in (0.5, 0.1, 1e-2, 1e-3):
            h = rel * np.maximum(1.0, np.abs(base).max(axis=1))[:, None]
            if ctx.views.simplex:
                h = np.minimum(h, 0.9 * np.min(base / (np.abs(v[neg]) + 1e-300), axis=1)[:, None])
            A.append(base - h * v[neg])
            B.append(base + h * v[neg])
            T.append(np.full(base.shape[0], 0.5))
    m = ctx.budget.samples
    i, j = rng.integers(0, n, size=m), rng.integers(0, n, size=m)
    A.append(X[i])
    B.append(X[j])
    T.append(rng.uniform(0.05, 0.95, size=m))
    d = rng.standard_normal((n, k))
    if ctx.views.simplex:
        d -= d.mean(axis=1, keepdims=True)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    for rel in (0.3, 1e-2):
        h = rel * np.maximum(1.0, np.abs(X).max(axis=1))[:, None]
        if ctx.views.simplex:
            h = np.minimum(h, 0.9 * np.min(X / (np.abs(d) + 1e-300), axis=1)[:, None])
        A.append(X - h * d)
        B.append(X + h * d)
        T.append(np.full(n, 0.5))
    A, B, T = np.concatenate(A), np.concatenate(B), np.concatenate(T)
    keep = points_inside(ctx.loss.pred_domain, A) & points_inside(ctx.loss.pred_domain, B)
    A, B, T = A[keep], B[keep], T[keep]
    fa, fb, fm = f(A), f(B), f(T[:, None] * A + (1 - T[:, None]) * B)
    gap = fm - (T * fa + (1 - T) * fb)
    size = np.abs(fa) + np.abs(fb) + np.abs(fm)
    strong = significant(gap, size, [A, B], typical_magnitude(f(X)), rtol)
    idx = np.flatnonzero(strong)
    order = idx[np.argsort(-(gap[idx] / (size[idx] + 1e-300)))][:TOP_CANDIDATES]
    return [(A[q], B[q], T[q]) for q in order]


# ---------------------------------------------------------------------------
# Proofs

def _summary(rules: list) -> str:
    """One sentence for the rules of several target cases: the shared rule once, else each one."""
    bodies = [r.split(": ", 1)[1] if ": " in r and r.startswith(("y_true", "every")) else r for r in rules]
    if len(set(bodies)) == 1:
        return bodies[0] + (" (for every target)" if len(rules) > 1 else "")
    return "; ".join(rules)


def proof_rules(ctx: Context) -> list | None:
    """The rules that prove convexity for every valid target, or None (cached per loss)."""
    if "convexity_proof" not in ctx.cache:
        ctx.cache["convexity_proof"] = _proof(ctx)
    return ctx.cache["convexity_proof"]


def _proof(ctx: Context) -> list | None:
    if not ctx.has_expression:
        return None
    if ctx.vector:
        return _vector_proof(ctx)
    cases = ctx.proof_cases()
    if not cases or not ctx.covers_every_target():
        return None
    rules = []
    for case in cases:
        rule = _dcp_rule(case, ctx.seconds) or _piecewise_rule(case, ctx.seconds)
        if rule is None:
            return None
        rules.append(f"{case.label}: {rule}" if len(cases) > 1 else rule)
    return rules


def _dcp_rule(case, seconds: float) -> str | None:
    from .. import symbolic as S
    moved, var = S.domain_variable(case)
    c = S.guarded(seconds, S.curvature, moved, [var], default=None)
    if c is not None and c.convex:
        return f"DCP composition ({c.rule})"
    return None


def _piecewise_rule(case, seconds: float) -> str | None:
    from .. import symbolic as S
    from ..analysis import one_sided_derivatives
    st = S.structure(case, seconds)
    if st is None:
        return None
    for piece in st.pieces:
        d2 = S.derivative(piece.expr, 2)
        if not S.prove_nonnegative(d2, piece.lo, piece.hi, seconds):
            return None
    for b in st.breakpoints:
        sides = one_sided_derivatives(case, st, b, seconds)
        if sides is None:
            return None
        left, right, _ = sides
        if not (math.isfinite(left) and math.isfinite(right)) or right < left:
            return None  # a jump, an infinite slope, or a slope that depends on y_true: no proof
    n = len(st.pieces)
    if n == 1:
        return "the second derivative is nonnegative everywhere (sign proof)"
    return (f"the second derivative is nonnegative on each of its {n} smooth pieces and the derivative "
            f"only jumps upward at the breakpoints {', '.join(S.show(b) for b in st.breakpoints)}")


def _vector_proof(ctx: Context) -> list | None:
    from .. import symbolic as S
    rules = []
    for expr, vars_, label in S.vector_proof_forms(ctx.loss, ctx.targets):
        c = S.guarded(ctx.seconds, S.curvature, expr, vars_, default=None)
        if c is None or not c.convex:  # p*(log p - log q) needs expanding before the rules see p*log(p)
            expanded = S.guarded(ctx.seconds, S.sp.expand, expr, default=None)
            c = S.guarded(ctx.seconds, S.curvature, expanded, vars_, default=None) if expanded is not None else None
        if c is None or not c.convex:
            return None
        rules.append(f"{label}: DCP composition ({c.rule})")
    return rules
