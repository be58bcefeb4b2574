"""The convexity proof, shared: convexity reports it, sparsity needs it (a sparse loss is proved convex first).

prove_case(ctx, case) gives the rule for one symbolic case (DCP composition, or the
piecewise rule), prove(ctx) the rules of a vector loss; convex_proof(ctx) runs them
through the template (guard and memo included).
"""
from __future__ import annotations

import math

NAME = "convexity"


def convex_proof(ctx):
    """The rules that prove convexity for every valid target, or None (memoised per context)."""
    from ._template import proof
    return proof(ctx, NAME, prove_case, prove)


def prove_case(ctx, case) -> str | None:
    rule = _dcp_rule(case, ctx.seconds) or _piecewise_rule(case, ctx.seconds)
    if rule is None:
        return None
    return f"{case.label}: {rule}" if len(ctx.proof_cases()) > 1 else rule


def _dcp_rule(case, seconds: float) -> str | None:
    from .. import symbolic as S
    moved, var = S.domain_variable(case)
    c = S.guarded(seconds, S.curvature, moved, [var], default=None)
    if c is not None and c.convex:
        return f"DCP composition ({c.rule})"
    return None


def _piecewise_rule(case, seconds: float) -> str | None:
    from .. import symbolic as S
    st = S.structure(case, seconds)
    if st is None:
        return None
    for piece in st.pieces:
        d2 = S.derivative(piece.expr, 2)
        if not S.prove_nonnegative(d2, piece.lo, piece.hi, seconds):
            return None
    if not all(_slope_rises(case, st, b, seconds) for b in st.breakpoints):
        return None
    n = len(st.pieces)
    if n == 1:
        return "the second derivative is nonnegative everywhere (sign proof)"
    return (f"the second derivative is nonnegative on each of its {n} smooth pieces and the derivative "
            f"only jumps upward at the breakpoints {', '.join(S.show(b) for b in st.breakpoints)}")


def _slope_rises(case, st, b, seconds) -> bool:
    """The derivative jumps upward (or not at all) at b; a jump in value, an infinite slope, or a slope
    that depends on y_true gives no proof."""
    from ..analysis import one_sided_derivatives
    sides = one_sided_derivatives(case, st, b, seconds)
    if sides is None:
        return False
    left, right, _ = sides
    return math.isfinite(left) and math.isfinite(right) and right >= left


def prove(ctx) -> list | None:
    """Vector kinds: DCP composition of each proof form (expanded when the rules need it)."""
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
