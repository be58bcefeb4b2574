"""Symmetry (Ghosh, Kumar and Sastry 2017): the loss summed over every label is the same for every
prediction, the condition under which minimising it tolerates symmetric label noise (see SPEC)."""

from __future__ import annotations

import numpy as np

from ..analysis import Context, fmt
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from ..witness import Checker
from . import PropertySpec
from ._risk import clearly_below, exact_mixture, finite, label_targets, nice

SPEC = PropertySpec(
    name="symmetry", short="sym", title="Symmetry", order=104, band=1,
    kinds=frozenset({"margin", "probability", "logits"}),
    definition="The sum of the loss over every label, Σ_y L(ŷ, y), is the same constant for every prediction "
               "ŷ. Margin: φ(m) + φ(−m) is constant; probability: L(p, 0) + L(p, 1) is constant; logits: "
               "Σ_c L(z, e_c) is constant in z. Defined for the kinds with finitely many labels.",
    why="A symmetric loss is tolerant to symmetric label noise (Ghosh, Kumar and Sastry 2017): with labels "
        "flipped uniformly at random at a rate below (K−1)/K, the noisy risk is an affine function of the "
        "clean one, so both have the same minimiser. The sigmoid loss, the ramp min(2, max(0, 1 − m)) and MAE "
        "on softmax probabilities are symmetric; cross-entropy and the hinge are not.",
    method="""\
1. Counterexample search: the label sum S(ŷ) = Σ_y L(ŷ, y) at many predictions
   (a grid over scales for scalars, random class scores for logits); two
   predictions whose sums differ are re-checked exactly (50 digits, both
   readings of the loss's decimals).
2. Proof (expressions): S is simplified exactly, branch by branch after folding
   max/min/abs into cases; every branch reduces to the same constant.
3. Otherwise `holds` by sampling.""")
PROPERTY = SPEC.name
STRUCTURED = 9  # the tied and lifted score vectors that _vector_points puts first
REDUCED_K = 8   # above it the label sum is taken over orbits of classes, and the proof runs at K = 3
GRID = np.concatenate([-np.logspace(-3, 3, 61), [0.0], np.logspace(-3, 3, 61)])


def search(ctx: Context):
    labels = label_targets(ctx.loss)
    if not labels:
        return unknown(PROPERTY, "The labels of this loss are not a finite set, so the sum over labels is "
                                 "not defined.")
    chk = exact_evaluator(ctx)
    for phase in _phases(ctx):   # at large K the cheap predictions first: a pair among them ends the search
        points = _points(ctx)[:phase]
        sums = _label_sums(ctx, points, labels)
        ok = np.isfinite(sums)
        if not ok.any():
            return unknown(PROPERTY, "The label sum is not finite at any sampled prediction.")
        pts, sums = [points[i] for i in np.flatnonzero(ok)], sums[ok]
        found = _pair(ctx, chk, pts, sums, labels)
        if found is not None:
            return _fails(chk, *found, labels)
    if ctx.has_expression and ctx.vector and ctx.loss.K > REDUCED_K:
        return _sampled_large_k(ctx, len(pts))
    if ctx.has_expression:
        const = ctx.once(_prove, tuple(labels))
        if const is not None:
            return Verdict(PROPERTY, HOLDS, PROOF, f"Symmetric: the sum of the loss over the labels simplifies "
                                                   f"to the constant {const}.", {"proof": f"Σ_y L = {const}"},
                           {"sum": const})
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"The sum over the labels is the same at every sampled prediction ({len(pts)} predictions, "
                   f"seed {ctx.budget.seed}); not proved.", {"samples": len(pts), "seed": ctx.budget.seed})


def _points(ctx: Context) -> list:
    lo, hi = ctx.dom.lo, ctx.dom.hi
    if ctx.vector:
        return _vector_points(ctx)
    if np.isfinite(lo) and np.isfinite(hi):
        t = np.linspace(0, 1, 101)[1:-1]
        return [float(nice(lo + (hi - lo) * v)) for v in t]
    return [float(v) for v in GRID if lo < v < hi]


def exact_evaluator(ctx: Context):
    """witness.Checker, or at large K (an expression) the grouped evaluator: the predictions re-checked there
    have few distinct scores, and Checker's K-expanded form takes seconds to compile."""
    if _orbit_sums(ctx) and ctx.loss.K > REDUCED_K:
        from ._grouped import GroupedLoss
        return GroupedLoss(ctx.loss)
    return Checker(ctx.loss)


def _phases(ctx: Context) -> tuple:
    """How many of the points each search phase uses (None: all)."""
    return (STRUCTURED, None) if _orbit_sums(ctx) and ctx.loss.K > REDUCED_K else (None,)


def _vector_points(ctx: Context) -> list:
    """Class scores: ties where the argmax changes, scores with few distinct values (one or two classes
    apart from the rest: at large K their label sums take few loss evaluations), and, at small K or for
    a callable, random scores over several scales."""
    rng = ctx.rng(PROPERTY, "scores")
    k = ctx.loss.K
    ties = [(0.0,) * k, (1.0, 1.0) + (0.0,) * (k - 2), (0.0,) * (k - 2) + (2.0, 2.0)]
    lifted = [(v,) + (0.0,) * (k - 1) for v in (0.5, 2.0, 6.0, -3.0)]
    lifted += [(v, w) + (0.0,) * (k - 2) for v, w in ((3.0, -1.0), (1.0, 4.0))]
    per_scale = 2 if _orbit_sums(ctx) and k > REDUCED_K else 16   # a random score vector costs K evaluations
    scales = np.repeat([0.1, 1.0, 3.0, 10.0], per_scale)[:, None]
    X = rng.standard_normal((scales.size, k)) * scales
    return ties + lifted + [tuple(nice(v) for v in row) for row in X]


def _orbit_sums(ctx: Context) -> bool:
    """The label sum may be taken over the classes' orbits (an expression: invariant under permuting classes)."""
    from ..permutations import symmetric
    return ctx.vector and symmetric(ctx.loss)


def _distribution(ctx: Context, point, labels: list) -> list:
    """The labels of the sum as (weight, label) pairs: at a point with repeated scores, one class per
    distinct score weighted by how many classes share it (L(z, e_c) = L(z, e_d) when z_c = z_d)."""
    if not _orbit_sums(ctx):
        return [(1, y) for y in labels]
    k, first = ctx.loss.K, {}
    for c, v in enumerate(point):
        first.setdefault(v, [c, 0])[1] += 1
    return [(n, tuple(1.0 if j == c else 0.0 for j in range(k))) for c, n in first.values()]


def _label_sums(ctx: Context, points: list, labels: list) -> np.ndarray:
    if not ctx.vector:
        X = np.asarray(points, float)
        return sum(np.asarray(ctx.views.value(X, y), float) for y in labels)
    total = np.zeros(len(points))
    for i, z in enumerate(points):
        dist = _distribution(ctx, z, labels)
        X = np.repeat(np.asarray([z], float), len(dist), axis=0)
        Y = np.asarray([y for _, y in dist], float)
        values = np.asarray(ctx.views.value(X, Y), float)
        total[i] = float(np.dot([w for w, _ in dist], values))
    return total


def _pair(ctx, chk, pts, sums, labels):
    """Two predictions whose label sums differ, re-checked exactly: the largest gaps first."""
    for i, j in _candidates(ctx, pts, sums):
        a, b = pts[i], pts[j]
        sa, sb = (exact_mixture(chk, x, _distribution(ctx, x, labels)) for x in (a, b))
        if finite(sa) and finite(sb) and _apart(sa, sb, chk):
            return a, b, float(sa[0]), float(sb[0])
    return None


SUM_FLOOR = 1e-30  # label sums are sums of O(1) losses that may cancel: 50-digit sums below this are 0


def _apart(sa, sb, chk) -> bool:
    """The label sums differ in every reading, beyond the re-check's tolerance and beyond the rounding of
    a sum of losses that cancel (mean(z) - sum(y*z) summed over the labels is 0 up to 1e-50)."""
    if all(max(abs(a), abs(b)) <= SUM_FLOOR for a, b in zip(sa, sb)):
        return False
    return clearly_below(sa, sb, chk) or clearly_below(sb, sa, chk)


def _candidates(ctx, pts, sums) -> list:
    """Index pairs to re-check, the largest gaps first; at large K first among predictions with few
    distinct scores (their exact label sums take a few evaluations, not K)."""
    pools = [np.arange(len(pts))]
    if _orbit_sums(ctx) and ctx.loss.K > REDUCED_K:
        pools.insert(0, np.asarray([i for i, p in enumerate(pts) if len(set(p)) <= 3]))
    out = []
    for pool in pools:
        if pool.size < 2:
            continue
        order = pool[np.argsort(sums[pool])]
        out += [(order[0], order[-1]), (order[0], order[len(order) // 2]), (order[len(order) // 2], order[-1])]
    return out


def _sampled_large_k(ctx: Context, n: int) -> Verdict:
    """K > REDUCED_K: the sum is simplified at K = 3 (a fact about K = 3 only) and sampled at K."""
    from dataclasses import replace
    small = replace(ctx.loss, classes=3)
    three = [tuple(1.0 if j == c else 0.0 for j in range(3)) for c in range(3)]
    const = _prove(build_small(ctx, small), tuple(three))
    at3 = f" At K = 3 the sum simplifies to the constant {const}." if const is not None else ""
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"The sum over the labels is the same at every sampled prediction ({n} predictions at K = "
                   f"{ctx.loss.K}, seed {ctx.budget.seed}); not proved at this K.{at3}",
                   {"samples": n, "seed": ctx.budget.seed, "proof at K = 3": const})


def build_small(ctx: Context, loss):
    from ..analysis import build_context
    return build_context(loss, ctx.budget)


def _fails(chk, a, b, sa, sb, labels) -> Verdict:
    show = "every class (the one-hot e_c, c = 0..K−1)" if isinstance(labels[0], tuple) else labels
    detail = (f"Not symmetric: the loss summed over the labels is {fmt(sa)} at y_pred = {fmt(a)} but {fmt(sb)} "
              f"at y_pred = {fmt(b)}.")
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"labels": show, "a": list(a) if isinstance(a, tuple) else a,
                    "b": list(b) if isinstance(b, tuple) else b, "sums": {"S(a)": sa, "S(b)": sb}})


def _prove(ctx: Context, labels: tuple):
    """The constant the label sum simplifies to, as text; None when it cannot be shown."""
    from .. import symbolic as S
    sp = S.sp
    loss = ctx.loss
    total = 0
    for y in labels:
        sub = dict(zip(loss.true_symbols, [S.sym_number(v) for v in (y if isinstance(y, tuple) else (y,))]))
        total = total + loss.exact_expression.xreplace(sub)
    preds = loss.pred_symbols
    total = _positive_exponentials(total, preds)
    inside = sp.true
    if not ctx.vector:  # only predictions inside the domain count: |p| + |1 - p| = 1 on (0, 1) alone
        x, lo, hi = preds[0], ctx.dom.lo, ctx.dom.hi
        inside = sp.And(x > S.sym_number(lo) if np.isfinite(lo) else sp.true,
                        x < S.sym_number(hi) if np.isfinite(hi) else sp.true)
    const = S.guarded(ctx.seconds, _constant_value, total, inside, default=None)
    return None if const is None else S.show(const)


def _positive_exponentials(expr, preds):
    """Class scores z_c as log(w_c) with w_c > 0: softmax terms become w_c / Σ w, whose signs sympy sees."""
    import sympy as sp
    if len(preds) < 2 or not expr.has(sp.exp):
        return expr
    ws = sp.symbols(f"w_0:{len(preds)}", positive=True)
    return sp.simplify(expr.xreplace({z: sp.log(w) for z, w in zip(preds, ws)}))


def _constant_value(expr, inside=True):
    """The value of expr when every branch of it simplifies to the same number; None otherwise."""
    import sympy as sp
    folded = sp.piecewise_fold(expr.rewrite(sp.Piecewise))
    branches = [(e, c) for e, c in folded.args] if isinstance(folded, sp.Piecewise) else [(folded, True)]
    values, before = set(), sp.false
    for e, cond in branches:
        reached = sp.And(cond, sp.Not(before), inside)  # a Piecewise takes the first branch whose condition holds
        before = sp.Or(before, cond)
        if _never(reached):
            continue  # a branch no prediction reaches (m >= 1 and -m >= 1) need not agree
        v = sp.simplify(e)
        if v.free_symbols or not v.is_number or not v.is_finite:
            return None
        values.add(sp.nsimplify(v) if v.is_Float else v)
        if len(values) > 1:
            return None
    return values.pop()


def _never(cond) -> bool:
    """A condition in one variable that no real value satisfies (its solution set is empty)."""
    import sympy as sp
    if cond is False or cond == sp.false:
        return True
    if cond is True or cond == sp.true or len(cond.free_symbols) != 1:
        return False
    try:
        return cond.as_set() == sp.EmptySet
    except (NotImplementedError, TypeError, ValueError):
        return False


def sampled(ctx: Context, _state) -> Verdict:  # the search decides; kept for the template's contract
    return Verdict(PROPERTY, HOLDS, SAMPLED, "No two predictions with different label sums were found; not "
                                             "proved.", {"seed": ctx.budget.seed})
