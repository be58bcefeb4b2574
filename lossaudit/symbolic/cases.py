"""Cases: the scalar function x -> L(x, y) for one target, for every target at once (a symbol
whose assumptions carry the target domain), or along a line through a vector loss's predictions;
and the forms a vector loss's DCP proof reads.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from ..text import fmt
from .core import X, guarded, sym_number, to_float


@dataclass
class Case:
    """x ↦ L(x, y) for a target y: a number, or a symbol standing for every valid target."""

    expr: object            # sympy expression in X (and in `target` when it is a symbol)
    target: object          # sympy number, or a Symbol with assumptions
    lo: object              # prediction domain ends (sympy numbers, ±oo)
    hi: object
    label: str              # "y_true = 1", "every y_true", ...
    shifted: bool = False   # X is y_pred - y_true (translation-invariant loss, analysed at y_true = 0)
    cache: dict = field(default_factory=dict, repr=False)

    @property
    def symbolic_target(self) -> bool:
        return not self.target.is_number

    @property
    def target_float(self) -> float | None:
        return None if self.symbolic_target else to_float(self.target)

    def ideal(self):
        """The ideal prediction for kinds whose ideal is the target (in X coordinates)."""
        return sp.Integer(0) if self.shifted else self.target


def concrete_case(loss, target: float) -> Case:
    y = loss.true_symbols[0]
    expr = loss.exact_expression.xreplace({y: sym_number(target), loss.pred_symbols[0]: X})
    dom = loss.pred_domain
    return Case(expr, sym_number(target), sym_number(dom.lo), sym_number(dom.hi), f"y_true = {fmt(target)}")


def translation_invariant(loss, seconds: float) -> bool:
    """True when L depends on y_pred - y_true only (then y_true = 0 speaks for every target)."""
    if loss.kind.vector or loss.pred_domain.lo != -math.inf or loss.pred_domain.hi != math.inf:
        return False
    if loss.target_domain.labels:  # scalar targets: labels or an interval
        return False
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    r = sp.Symbol("r", real=True)
    moved = loss.exact_expression.xreplace({yp: r + yt})
    if yt not in moved.free_symbols:
        return True
    # only an expression free of y_true counts: a derivative test would ignore where(...) conditions
    return bool(guarded(seconds, lambda: yt not in sp.simplify(moved).free_symbols, default=False))


def target_value(loss, excluded: tuple = ()):
    """A symbolic target standing for every point of the open target interval (assumptions carry it).

    (-inf, inf): a real symbol (nonzero when 0 is left out); (a, ...): a + p with p > 0;
    (..., b): b - p with p > 0.
    """
    dom = loss.target_domain
    if math.isinf(dom.lo) and math.isinf(dom.hi):
        return sp.Symbol("y_true", real=True, nonzero=True) if 0.0 in excluded else sp.Symbol("y_true", real=True)
    p = sp.Symbol("y_true", positive=True)
    if math.isfinite(dom.lo):
        return sym_number(dom.lo) + p if dom.lo != 0 else p
    return sym_number(dom.hi) - p


def symbolic_cases(loss, excluded: tuple = ()) -> list:
    """Cases covering every valid target: the open interval symbolically, closed finite ends concretely."""
    dom = loss.target_domain
    y = target_value(loss, excluded)
    expr = loss.exact_expression.xreplace({loss.true_symbols[0]: y, loss.pred_symbols[0]: X})
    pd = loss.pred_domain
    cases = [Case(expr, y, sym_number(pd.lo), sym_number(pd.hi), "every y_true")]
    for end, closed in ((dom.lo, dom.lo_closed), (dom.hi, dom.hi_closed)):
        if closed and math.isfinite(end) and end not in excluded:
            cases.append(concrete_case(loss, end))
    return cases


def shifted_case(loss) -> Case:
    """A translation-invariant loss at y_true = 0: X is the residual y_pred - y_true."""
    y = loss.true_symbols[0]
    expr = loss.exact_expression.xreplace({y: sp.Integer(0), loss.pred_symbols[0]: X})
    return Case(expr, sp.Integer(0), -sp.oo, sp.oo, "every y_true (L depends on y_pred - y_true only)",
                shifted=True)


def domain_variable(case: Case):
    """The case's expression in a variable whose assumptions carry the domain (v > 0 for (a, ∞))."""
    if case.lo == -sp.oo and case.hi == sp.oo:
        return case.expr, X
    v = sp.Symbol("v", positive=True)
    if case.lo != -sp.oo:
        return case.expr.xreplace({X: case.lo + v}), v
    return case.expr.xreplace({X: case.hi - v}), v


def vector_proof_forms(loss, targets):
    """(expression, prediction variables, label) per target case of a vector loss, for DCP proofs.

    Predictions on the simplex or in a nonnegative box become positive symbols;
    a simplex target is one symbolic case (positive entries), other targets are
    each substituted.
    """
    from ..permutations import reduced_case
    if reduced_case(loss, None) is not None:  # large K: each target's case at a small K (same derivation)
        return _reduced_proof_forms(loss, targets, reduced_case)
    expr = loss.exact_expression
    positive = loss.pred_domain.positive
    preds = [sp.Symbol(f"p{i}", positive=True) if positive else s for i, s in enumerate(loss.pred_symbols)]
    expr = expr.xreplace(dict(zip(loss.pred_symbols, preds)))
    if loss.target_domain.on_simplex:
        ys = [sp.Symbol(f"q{i}", positive=True) for i in range(len(loss.true_symbols))]
        form = sp.expand_log(expr.xreplace(dict(zip(loss.true_symbols, ys))), force=True)
        return [(form, preds, "every y_true")]
    out = []
    for y in targets:
        sub = {s: sym_number(v) for s, v in zip(loss.true_symbols, y)}
        label = "y_true = (" + ", ".join(fmt(v) for v in y) + ")"
        out.append((sp.expand_log(expr.xreplace(sub), force=True) if positive else expr.xreplace(sub),
                    preds, label))
    return out


def _reduced_proof_forms(loss, targets, reduced_case):
    out = []
    for y in ([None] if loss.target_domain.on_simplex else targets):
        small, ys, words = reduced_case(loss, y)
        for expr, preds, label in vector_proof_forms(small, [ys] if ys is not None else []):
            out.append((expr, preds, f"{label} ({words})"))
    return out


def line_case(loss, y, p, d, s_lo: float, s_hi: float) -> Case:
    """L restricted to the line y_pred = p + s·d (s in (s_lo, s_hi)) at target y: a scalar case in X = s."""
    sub = {sym: sym_number(pi) + sym_number(di) * X for sym, pi, di in zip(loss.pred_symbols, p, d)}
    sub.update({sym: sym_number(v) for sym, v in zip(loss.true_symbols, y)})
    label = "y_true = (" + ", ".join(fmt(v) for v in y) + ")"
    return Case(loss.exact_expression.xreplace(sub), sp.Integer(0), sym_number(s_lo), sym_number(s_hi), label)
