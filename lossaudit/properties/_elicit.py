"""The exact structure of ∂L/∂y_pred that proves which statistic a loss elicits (statistic.py, step 1).

On each side of the target (y_true = y_pred − t above, y_pred + t below, t > 0) every switch of the
loss (|.|, max, sign, conditions) must resolve, leaving one smooth expression per side, and the loss must
be continuous at y_pred = y_true. Then, writing D for the derivative on a side:

    D / (y_pred − y_true) = α·g(y_pred) above, β·g(y_pred) below, g > 0:  the expectile τ = β/(α+β)
    D = α·h(y_pred) above, −β·h(y_pred) below, h > 0:                    the quantile  τ = β/(α+β)

because E D(y_pred, Y) is then g (or h) times the identification function of that statistic, which is
negative below it and positive above it, so the expected loss falls to the statistic and rises after.
"""
from __future__ import annotations

import sympy as sp

SWITCHES = (sp.Piecewise, sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside, sp.DiracDelta)


def structure(loss, zero_excluded: bool = False):
    """(name, sentence) or None (zero_excluded: the target 0 is left out of the audit, undefined there)."""
    positive = loss.kind.name == "positive"
    u = sp.Symbol("u", positive=True) if positive else sp.Symbol("u", real=True)
    t, s = sp.Symbol("t", positive=True), sp.Symbol("s", positive=True)
    L = loss.exact_expression
    yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
    D = sp.diff(L, yp)
    if positive:   # above: y_true = s > 0, y_pred = s + t; then s -> y_pred - t
        above = _side(L, D, {yp: s + t, yt: s}, {s: u - t}, t, 1)
    else:
        above = _side(L, D, {yp: u, yt: u - t}, {}, t, 1)
    below = _side(L, D, {yp: u, yt: u + t}, {}, t, -1)
    if above is None or below is None:
        return None
    at_zero = positive and loss.target_domain.contains(0.0) and not zero_excluded
    if at_zero and not _agrees_at_zero(L, D, yp, yt, u, above):
        return None
    shown = {u: sp.Symbol("y_pred")}
    return _expectile(above, below, shown) or _quantile(above, below, shown)


def _side(L, D, sub, back, t, sign):
    """{L0: L as t -> 0, D, Q = D/(y_pred - y_true)} on one side (y_pred - y_true = sign·t), in u and t;
    None if a switch is left unresolved there (the side is not one smooth expression)."""
    Ls, Ds = (_resolve_abs(sp.simplify(e.xreplace(sub))) for e in (L, D))
    if Ls.has(*SWITCHES) or Ds.has(*SWITCHES) or Ds.has(sp.Derivative, sp.Subs):
        return None
    at_zero = Ls.subs(t, 0)
    if at_zero.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        at_zero = sp.limit(Ls, t, 0, "+")
    Ds = sp.simplify(Ds.xreplace(back))
    l0 = sp.simplify(at_zero.xreplace({k: v.subs(t, 0) for k, v in back.items()}) if back else at_zero)
    return {"L0": l0, "D": Ds, "Q": sp.simplify(Ds / (sign * t))}


def _resolve_abs(e):
    """|x| and sign(x) where the sign of x is known once logs are combined (|log(s + t) − log s| with s, t > 0)."""
    def sign_of(x):
        for form in (x, sp.logcombine(x, force=True), sp.simplify(sp.logcombine(x, force=True))):
            if isinstance(form, sp.log):   # log A has the sign of A − 1
                form = sp.simplify(form.args[0] - 1)
            if form.is_positive:
                return 1
            if form.is_negative:
                return -1
        return None

    def fix(node, make):
        sg = sign_of(node.args[0])
        return node if sg is None else make(sg, node.args[0])
    e = e.replace(lambda n: isinstance(n, sp.Eq) and n.args[1] == 0,
                  lambda n: sp.false if sign_of(n.args[0]) is not None else n)
    e = e.replace(lambda n: isinstance(n, sp.Abs), lambda n: fix(n, lambda sg, x: sg * x))
    e = e.replace(lambda n: isinstance(n, sp.sign), lambda n: fix(n, lambda sg, x: sp.Integer(sg)))
    return sp.simplify(e)


def _agrees_at_zero(L, D, yp, yt, u, above) -> bool:
    """At the closed end y_true = 0 the derivative keeps the above-side form (y_pred - 0 = t)."""
    d0 = sp.simplify(D.xreplace({yt: 0}).xreplace({yp: u}))
    if d0.has(*SWITCHES):
        return False
    t = sp.Symbol("t", positive=True)
    return sp.simplify(d0 - above["D"].xreplace({t: u})) == 0


def _continuous(above, below) -> bool:
    return sp.simplify(above["L0"] - below["L0"]) == 0


def _ratio(a, b):
    """a/b as a positive number when it is one (free of every symbol); else None."""
    r = sp.simplify(a / b)
    return r if r.is_number and r.is_positive else None


def _expectile(above, below, shown):
    t = sp.Symbol("t", positive=True)
    qa, qb = above["Q"], below["Q"]
    if t in qa.free_symbols or t in qb.free_symbols or not _continuous(above, below):
        return None
    if qa.is_positive is not True or qb.is_positive is not True:
        return None
    k = _ratio(qb, qa)
    if k is None:
        return None
    tau = sp.nsimplify(k / (1 + k))
    g = sp.simplify(qa).xreplace(shown)
    if tau == sp.Rational(1, 2):
        return "mean", (f"∂L/∂y_pred = {g}·(y_pred − y_true) with {g} > 0, a Bregman form whose expected value "
                        "vanishes exactly at y_pred = E[Y]")
    return f"{_tau(tau)}-expectile", (f"∂L/∂y_pred is (y_pred − y_true) times a positive factor whose ratio below "
                                      f"to above the target is {sp.nsimplify(k)}, the identification function of "
                                      f"the τ = {_tau(tau)} expectile")


def _quantile(above, below, shown):
    t = sp.Symbol("t", positive=True)
    da, db = above["D"], -below["D"]
    if t in da.free_symbols or t in db.free_symbols or not _continuous(above, below):
        return None
    if da.is_positive is not True or db.is_positive is not True:
        return None
    k = _ratio(db, da)
    if k is None:
        return None
    tau = sp.nsimplify(k / (1 + k))
    up, down = sp.simplify(da).xreplace(shown), sp.simplify(db).xreplace(shown)
    if tau == sp.Rational(1, 2):
        return "median", (f"∂L/∂y_pred = {up}·sign(y_pred − y_true): the expected derivative has "
                          "the sign of P(Y < y_pred) − P(Y > y_pred), zero across the median")
    return f"{_tau(tau)}-quantile", (f"∂L/∂y_pred is {up} above the target and −{down} below it: the expected "
                                     f"derivative has the sign of F(y_pred) − {_tau(tau)}")


def _tau(tau) -> str:
    from ..text import fmt
    return fmt(float(tau))
