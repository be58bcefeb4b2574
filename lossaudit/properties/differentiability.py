"""Differentiability: ŷ ↦ L(ŷ, y) is differentiable at every point of the open prediction domain (see SPEC)."""

from __future__ import annotations

import numpy as np

from .. import numeric
from ..analysis import Context, fmt
from ..kinks import exact_confirmer
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict, unknown
from ..witness import Checker, kink_confirmed
from . import PropertySpec

CLASSES = ("discontinuous", "C0", "C1", "C2", "C-infinity")


def _figure(verdict) -> str:
    """The class ("C1", "C∞", "jump"), and ", flat" when the gradient is zero almost everywhere."""
    cls = verdict.extras.get("class")
    if not cls:
        return ""
    cls = cls.replace("C-infinity", "C∞").replace("discontinuous", "jump")
    return cls + (", flat" if verdict.extras.get("gradient_zero_almost_everywhere") else "")


SPEC = PropertySpec(
    name="differentiability", short="diff", title="Differentiability", order=20,
    definition="ŷ ↦ L(ŷ, y) is differentiable at every point of the open prediction domain. Only the first "
               "derivative counts: a jump in the second derivative (Huber at |ŷ − y| = δ) is not a failure. The "
               "verdict also reports the class (discontinuous, C0, C1, C2, C-infinity) and flags a loss whose "
               "gradient is zero almost everywhere (0-1 loss, accuracy): such a loss is useless to a gradient "
               "method.",
    why="Gradient-based training needs a gradient. A kink is usually harmless (subgradients, "
        "PyTorch picks a value), but a loss whose gradient is zero almost everywhere, such as "
        "accuracy or the 0-1 loss, gives gradient descent no signal at all: that is why metrics "
        "like accuracy are evaluated, not trained on.",
    method="""\
1. Breakpoints: where |.|, max, min, sign or where(...) switch (solved exactly
   with sympy for expressions; found numerically for callables by zooming in on
   jumps between neighbouring difference quotients). At each, the one-sided
   derivatives: exact one-sided limits of the neighbouring pieces (±inf where the
   value itself jumps), or Richardson-extrapolated one-sided difference quotients.
   Different one-sided derivatives, re-checked, are the `fails` witness.
   Vector kinds: the same along lines through the domain, and ON the locus the
   formula shows (every switch, and every root, fractional power, division or
   log whose argument may vanish: points solved exactly, such as y_pred = y_true
   under a square root, or reached by a 60-digit root find along lines),
   probed across along coordinate or simplex directions. Callables: lines
   through the target and the centre along e_i and e_i - e_j as well.
2. Class: one-sided limits of higher derivatives at every breakpoint (the first
   order where the two sides differ); no breakpoint at all means C-infinity.
3. `holds` by proof when the pieces and breakpoints are exact for every target
   (vector kinds: when every argument of the locus keeps a strict sign on the
   domain, by sign analysis), else by sampling.""",
    figure=_figure, figure_legend="its class", csv_figure="class")
PROPERTY = SPEC.name


def search(ctx: Context):
    """A confirmed kink (a Verdict), else whether the gradient is zero almost everywhere."""
    flat = zero_gradient_almost_everywhere(ctx)
    if ctx.vector:
        return _vector_search(ctx, flat)
    confirmed = _confirmer(ctx)
    found = [(y, kink) for y in ctx.targets for kink in ctx.kinks(y) if confirmed(kink, y)]
    return _fails(ctx, found, flat, _rechecking(ctx, found)) if found else flat


def _rechecking(ctx: Context, found: list) -> list:
    """The kinks whose printed floats re-check in both readings (an independent re-check at h = 1e-20
    sees them): the report points at one of these when there is one. A kink at an irrational or
    non-binary point (1 - 3e-8) is confirmed exactly at its exact point, but its float is off it."""
    chk = Checker(ctx.loss)
    return [(y, k) for y, k in found if kink_confirmed(chk, k.point, y)]


def prove_case(ctx: Context, case):
    """The class index this case proves (a kink or jump somewhere, for some target, ends the decision:
    a Verdict); None when a limit cannot be computed."""
    from .. import symbolic as S
    st = S.structure(case, ctx.seconds)
    if st is None:
        return None
    worst = len(CLASSES) - 1
    for b in st.breakpoints:
        order = _first_mismatch(S.breakpoint_orders(case, b, ctx.seconds), ctx.seconds)
        if order is None:
            return None
        if order <= 1:
            where = f"y_pred = y_true + {S.show(b)}" if case.shifted else f"y_pred = {S.show(b)}"
            return _suspect(ctx, where.replace("+ -", "- ").replace(" + 0", ""))
        worst = min(worst, _class_index(order))
    return worst


def _confirmer(ctx: Context):
    """confirm(kink, y): the kink re-checks at its float (as a report's reader re-checks it), or, for a kink
    of the exact structure, at its exact point in the exact reading of the loss's decimals."""
    chk = Checker(ctx.loss)
    exact = ctx.once(exact_confirmer) if ctx.has_expression and not ctx.vector else None
    return lambda kink, y: kink_confirmed(chk, kink.point, y) or (exact is not None and exact(kink, y))


def _suspect(ctx: Context, where: str) -> Verdict:
    """Some target has a kink or jump at `where` that the audited targets missed: look for it, never prove."""
    found = _kinks_at_more_targets(ctx, _confirmer(ctx))
    if found:
        return _fails(ctx, found, zero_gradient_almost_everywhere(ctx))
    return unknown(PROPERTY, f"the loss or its slope differs between the two sides of {where} for some "
                             "targets (exact analysis; a pole or a kink), but no target tried gives a "
                             "counterexample to point at")


def prove(ctx: Context) -> list | None:
    """Vector kinds: the non-differentiability locus is provably empty inside the domain (every switch,
    root, fractional power, division and log argument keeps a strict sign there), so L is analytic."""
    return [_LOCUS_PROOF] if ctx.has_expression and ctx.locus()[0] else None


_LOCUS_PROOF = ("no |.|, max, min, sign or where switches, and every root, fractional power, division and "
                "log argument keeps a strict sign on the domain (sign analysis)")


def proved(ctx: Context, flat: bool, parts: list) -> Verdict:
    extras = {"class": "C-infinity", "gradient_zero_almost_everywhere": flat}
    if ctx.vector:
        return Verdict(PROPERTY, HOLDS, PROOF,
                       "Differentiable everywhere (C-infinity): a composition of functions analytic on the domain "
                       f"({parts[0]}).", {"proof": parts[0]}, extras)
    cls = CLASSES[min(parts)]
    extras["class"] = cls
    return Verdict(PROPERTY, HOLDS, PROOF, f"Differentiable everywhere ({cls}): {_proof_text(ctx)}.{_note(flat)}",
                   {"proof": _proof_text(ctx)}, extras)


def sampled(ctx: Context, flat: bool) -> Verdict:
    if ctx.vector:
        # no line crossed a switch of |.|, max, ...: they never switch inside the domain (sampled)
        cls = "C1" if ctx.line_breakpoints_found() else "C-infinity"
        return Verdict(PROPERTY, HOLDS, SAMPLED,
                       f"No kink found along {6 * len(ctx.targets)} lines through the domain ({cls} as far as "
                       f"sampled; seed {ctx.budget.seed}).", {"lines": 6 * len(ctx.targets), "seed": ctx.budget.seed},
                       {"class": cls, "gradient_zero_almost_everywhere": flat})
    cls = _sampled_class(ctx)
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"No kink found among the samples ({cls} as far as sampled; seed {ctx.budget.seed}).{_note(flat)}",
                   {"samples": ctx.budget.samples, "seed": ctx.budget.seed, "targets": ctx.targets},
                   {"class": cls, "gradient_zero_almost_everywhere": flat})


def _note(flat: bool) -> str:
    return " The gradient is zero almost everywhere: useless to gradient descent." if flat else ""


def _fails(ctx: Context, found: list, flat: bool, preferred: list | None = None) -> Verdict:
    y, kink = min(preferred or found, key=lambda yk: (numeric.simplicity(yk[0], yk[1].point), yk[1].jump))
    cls = "discontinuous" if any(k.jump for _, k in found) else "C0"
    where = kink_set(ctx, found)
    what = "jumps" if kink.jump else "has a kink"
    detail = (f"Not differentiable: at y_true = {fmt(y)} the loss {what} at y_pred = {fmt(kink.point)} "
              f"(left derivative {fmt(kink.left)}, right derivative {fmt(kink.right)}); "
              f"not differentiable where {where}.")
    if flat:
        detail += " Its gradient is zero almost everywhere: useless to gradient descent."
    evidence = {"y_true": y, "point": kink.point, "left_derivative": kink.left, "right_derivative": kink.right}
    extras = {"class": cls, "gradient_zero_almost_everywhere": flat, "nondifferentiable_at": where}
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence, extras)


def kink_set(ctx: Context, found: list) -> str:
    """Where the loss is not differentiable, in words: "y_pred = y_true ± 0.1", "y_pred = 1 (y_true = 1)"."""
    if ctx.invariant():
        first = found[0][0]  # a target that has kinks (beyond the audited ones when those had none)
        offsets = sorted({round(k.point - y, 12) for y, k in found if y == first})
        parts = []
        for c in offsets:
            if c == 0:
                parts.append("y_pred = y_true")
            elif -c in offsets and c > 0:
                parts.append(f"y_pred = y_true ± {fmt(c)}")
            elif not (c < 0 and -c in offsets):
                parts.append(f"y_pred = y_true {'+' if c > 0 else '-'} {fmt(abs(c))}")
        return " or ".join(parts)
    by_target: dict = {}
    for y, k in found:
        by_target.setdefault(y, []).append(fmt(k.point))
    return "; ".join(f"y_pred = {' or '.join(v)} (y_true = {fmt(y)})" for y, v in by_target.items())


def zero_gradient_almost_everywhere(ctx: Context) -> bool:
    """True when the gradient vanishes at (nearly) every sample: a step function such as the 0-1 loss."""
    for y in ctx.targets:
        if ctx.vector:
            X = ctx.vector_samples(y, "flat")
            g = ctx.views.grad(X, np.asarray(y, float))
            norms = np.linalg.norm(g, axis=1)
        else:
            x = ctx.grid(y, "flat")
            norms = np.abs(ctx.views.d1(x, y))
        norms = norms[np.isfinite(norms)]
        if norms.size == 0 or np.mean(norms <= 1e-12) < 0.99:
            return False
    return True


# ---------------------------------------------------------------------------
# Class and proof

def _first_mismatch(rows, seconds) -> int | None:
    """The first derivative order whose one-sided limits differ (99 if none differ up to the last row);
    None when a limit could not be computed."""
    from .. import symbolic as S
    for k, (lv, rv) in enumerate(rows):
        if lv is None or rv is None:
            return None
        if not (S.is_finite_value(lv) and S.is_finite_value(rv) and S.same_value(lv, rv, seconds)):
            return k
    return 99  # every order computed (up to 6) agrees: C-infinity


def _kinks_at_more_targets(ctx: Context, chk) -> list:
    """Confirmed kinks at targets beyond the audited ones (a grid of simple values over the target domain)."""
    from ..analysis import exact_kinks_at
    dom = ctx.loss.target_domain
    if dom.labels:  # scalar targets are labels (no others to try) or an interval
        return []
    lo, hi = max(dom.lo, -20.0), min(dom.hi, 20.0)
    candidates = [v for v in np.round(np.arange(lo, hi + 1e-9, 0.25), 2) if dom.contains(v)]
    found = []
    for y in candidates:
        if float(y) in ctx.targets:
            continue
        for kink in exact_kinks_at(ctx, float(y)) or []:
            if chk(kink, float(y)):
                found.append((float(y), kink))
        if found:
            break
    return found


def _class_index(order: int) -> int:
    # mismatch in the value: discontinuous; in L': C0; in L'': C1; in L''' or later: C2; none: C-infinity
    return {0: 0, 1: 1, 2: 2}.get(order, 3 if order < 7 else 4)


def _sampled_class(ctx: Context) -> str:
    """C1 if the derivative itself has kinks among the samples, else C2 (as far as sampled)."""
    for y in ctx.targets:
        g = lambda x: ctx.views.d1(x, y)  # noqa: E731
        grid = numeric.scalar_grid(ctx.dom, ctx.center(y), ctx.rng("class", y), 300, ctx.breakpoints(y))
        if numeric.find_kinks(g, grid, ctx.dom, max_kinks=1):
            return "C1"
    return "C2"


def _proof_text(ctx: Context) -> str:
    from .. import symbolic as S
    bps = []
    for case in ctx.proof_cases():
        st = S.structure(case, ctx.seconds)
        if st is not None:
            bps += [S.show(b) for b in st.breakpoints]
    if not bps:
        return "a composition of functions differentiable on the domain, with no breakpoint"
    return ("the one-sided derivatives agree at every breakpoint (" + ", ".join(dict.fromkeys(bps)) +
            ") and each piece is differentiable")


# ---------------------------------------------------------------------------
# Vector predictions: kinks along lines

def _vector_search(ctx: Context, flat: bool):
    if ctx.locus()[0]:  # the locus is provably empty: nothing to search, the proof decides
        return flat
    found = ctx.vector_kink()
    return flat if found is None else _vector_fails(ctx, *found, flat)


def _vector_fails(ctx, y, point, d, left, right, jump, flat) -> Verdict:
    detail = (f"Not differentiable: at y_true = {fmt(y)}, along the direction {fmt(d)} through y_pred = {fmt(point)} "
              f"the one-sided derivatives differ ({fmt(left)} and {fmt(right)}).")
    evidence = {"y_true": list(y), "point": point, "direction": d, "left_derivative": left,
                "right_derivative": right}
    cls = "discontinuous" if jump else "C0"
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail, evidence,
                   {"class": cls, "gradient_zero_almost_everywhere": flat})

