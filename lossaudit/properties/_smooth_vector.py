"""Smoothness of vector losses by proof: a rigorous bound of sup |Hessian| (symbolic.bounds), per target.

prove(ctx) gives [the proven bound per target] or None; vector_proved(ctx, extras, bounds) the verdict,
with the proven bound as the constant and the sampled sup as a lower estimate.
"""
from __future__ import annotations

import math

from ..analysis import Context, fmt
from ..verdict import HOLDS, PROOF, Verdict

PROPERTY = "smoothness"

PROOF_TARGETS = 64  # beyond this many targets the proof takes each target coordinate as an interval


def prove(ctx: Context):
    """Vector kinds: [a dict with the proven bound per target] when the bound calculus over the
    expression tree gives a finite bound of sup |Hessian| over the whole domain, for every valid
    target; None otherwise (no proof: the sampled verdict stands)."""
    from .. import symbolic as S
    from ..symbolic.intervals import Iv
    loss = ctx.loss
    dom = loss.pred_domain
    box = Iv(0.0, 1.0) if dom.on_simplex else Iv(float(dom.lo), float(dom.hi))
    env = {s: box for s in loss.pred_symbols}
    by_target, done = {}, []
    for label, sub, hull in _proof_targets(loss):
        expr = loss.exact_expression.xreplace(sub)
        if expr.has(S.sp.nan, S.sp.zoo):
            return None
        hess = _by_symmetry(loss, expr, sub, done)
        if hess is None:
            enc = _enclosure(ctx, expr, {**env, **hull})
            if enc is None:
                return None
            hess = enc.hess
        done.append((sub, expr, hess))
        by_target[label] = hess
    return [by_target] if by_target else None


def _enclosure(ctx: Context, expr, env: dict):
    """bounds.hessian_bound as one metered symbolic step. Beyond PROOF_FULL_K classes the step is
    admitted at the size of one class's share of the tree (size / K, times PROOF_FULL_K): the calculus
    is linear in the tree, alike terms share one analysis, and its sympy work on the small pieces is
    metered inside; the K-fold tree itself (3000 nodes for softmax cross-entropy at K = 1000) would
    refuse it although the work is a fraction of a second."""
    from .. import symbolic as S
    from ..budget import current_meter
    from ..permutations import PROOF_FULL_K
    from ..symbolic import bounds
    from ..timeouts import SymbolicTimeout, deadline
    loss = ctx.loss
    if loss.K <= PROOF_FULL_K:
        return S.guarded(ctx.seconds, bounds.hessian_bound, expr, loss.pred_symbols, env, default=None)
    from ..symbolic.core import tree_size
    if current_meter().step(math.ceil(tree_size(expr) * PROOF_FULL_K / loss.K)) is not None:
        return None
    try:
        with deadline(ctx.seconds):
            return bounds.hessian_bound(expr, loss.pred_symbols, env)
    except (SymbolicTimeout, Exception, RecursionError):  # noqa: BLE001 - as symbolic.guarded: cannot tell
        return None


def _by_symmetry(loss, expr, sub: dict, done: list):
    """The bound already proven for a target this one's transposition of two coordinates maps to, when
    the loss there is the same expression with those two predictions swapped (the box is symmetric, so
    the sup is the same); else None."""
    ys, ps = loss.true_symbols, loss.pred_symbols
    for sub0, expr0, hess in done:
        diff = [i for i, s in enumerate(ys) if sub.get(s) != sub0.get(s)]
        if len(diff) != 2:
            continue
        i, j = diff
        if sub[ys[i]] == sub0[ys[j]] and sub[ys[j]] == sub0[ys[i]] and \
                expr.xreplace({ps[i]: ps[j], ps[j]: ps[i]}) == expr0:
            return hess
    return None


def _proof_targets(loss) -> list:
    """(label, substitution, interval env) for targets that stand for every valid one: every one-hot
    class, every corner of a finite label set, else each target coordinate as an interval."""
    import itertools

    from ..domains import FiniteSet, Interval, OneHot
    from ..symbolic import sym_number
    from ..symbolic.intervals import Iv
    k, tdom, ys = loss.K, loss.target_domain, loss.true_symbols
    points = _orbit_targets(loss)
    if points is not None:
        return [(fmt(y), {s: sym_number(v) for s, v in zip(ys, y)}, {}) for y in points]
    if isinstance(tdom, OneHot) and k <= PROOF_TARGETS:
        points = tdom.vector_targets(k)
    elif isinstance(tdom, FiniteSet) and len(tdom.values) ** k <= PROOF_TARGETS:
        points = list(itertools.product(tdom.values, repeat=k))
    else:
        lo, hi = ((min(tdom.values), max(tdom.values)) if isinstance(tdom, FiniteSet) else
                  (float(tdom.lo), float(tdom.hi)) if isinstance(tdom, Interval) else (0.0, 1.0))
        return [("every y_true", {}, {s: Iv(lo, hi) for s in ys})]
    return [(fmt(y), {s: sym_number(v) for s, v in zip(ys, y)}, {}) for y in points]


def _orbit_targets(loss) -> list | None:
    """One target per permutation orbit, when the loss is invariant under permuting the classes of
    prediction and target together (every expression: permutations.py) and the orbits are few: a bound
    for one target is a bound for every target its orbit holds, as the box and the simplex are symmetric
    too. None otherwise."""
    import itertools

    from ..domains import FiniteSet, OneHot
    from ..permutations import symmetric
    k, tdom = loss.K, loss.target_domain
    if not symmetric(loss):
        return None
    if isinstance(tdom, OneHot):
        return [tuple(1.0 if j == 0 else 0.0 for j in range(k))]
    if isinstance(tdom, FiniteSet) and math.comb(k + len(tdom.values) - 1, k) <= PROOF_TARGETS:
        return list(itertools.combinations_with_replacement(sorted(tdom.values, reverse=True), k))
    return None


def proved_first(ctx: Context) -> bool:
    """Is the loss proved smooth target by target (the template's memoised proof, run before the search)?
    At large K the sampled estimate of the constant costs a Lanczos run per sample, and a bound proved at
    each orbit's target stands for it (softmax cross-entropy: 1/2, the supremum itself); a bound over an
    interval of targets is often far above the supremum, so the sampled estimate is still wanted."""
    from ._template import proof
    from .smoothness import prove_case  # the template's memo key: the same proof, computed once
    parts = proof(ctx, PROPERTY, prove_case, prove)
    return bool(parts) and "every y_true" not in parts[0]


def vector_proved(ctx: Context, extras: dict, by_target: dict) -> Verdict | None:
    """holds by proof. The constant stays the estimate of sup |Hessian| (the largest sampled norm,
    refined), the proven bound beside it as its upper end; None (the sampled verdict) if a sample ever
    exceeded the bound: the bound would be wrong."""
    bound = max(by_target.values())
    sampled = extras.get("constant")
    if sampled is not None and math.isfinite(sampled) and sampled > bound * (1 + 1e-9) + 1e-12:
        return None
    out = dict(extras) if sampled is not None else {"constant": bound}
    if sampled is None and "every y_true" not in by_target:  # a bound per orbit target: compare them
        out["depends_on_target"] = max(by_target.values()) - min(by_target.values()) > 1e-9 * max(1.0, bound)
    out["constant_bound"] = bound
    if max(by_target.values()) - min(by_target.values()) > 1e-9 * max(1.0, bound):
        out["constant_bound_by_target"] = dict(by_target)
    low = f"; the largest sampled Hessian norm, the constant reported, is {sampled:.6g}" if sampled is not None else ""
    return Verdict(PROPERTY, HOLDS, PROOF, f"Smooth by proof: {VECTOR_PROOF_TEXT} give sup‖∇²L‖ <= {bound:.6g} "
                   f"for every target{low}.", {"proof": VECTOR_PROOF_TEXT, "bound": bound}, out)


VECTOR_PROOF_TEXT = ("rigorous enclosures over the expression tree (interval arithmetic with outward "
                     "rounding; logsumexp and softmax atoms, chain and product rules)")
