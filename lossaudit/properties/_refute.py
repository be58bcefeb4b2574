"""Refuting the named statistics with finite target distributions (statistic.py, step 2).

For each distribution of a fixed battery (two and three support points, several scales) the minimiser
of the expected loss is found on a fine grid; every claim then re-checks exactly (witness.Checker):
    mean, median      the minimiser's expected loss is clearly below the statistic's
    every τ-quantile  support points clearly beaten rule out the τ for which they are the quantile
                      (open intervals of τ between cumulative weights); the union must cover (0, 1)
    every τ-expectile at a point x between targets a < b where L(·, a), L(·, b) are differentiable,
                      ρ = [L'(x, a)/(x − a)] / [L'(x, b)/(x − b)] must equal (1 − τ)/τ: the τ-expectile
                      of {a: w, b: 1 − w} sweeps (a, b) as w does, and a minimiser is stationary. Two
                      different ρ (or one ρ ≤ 0) leave no τ.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np

from ..text import fmt
from ..verdict import COUNTEREXAMPLE, FAILS, Verdict, unknown
from ..witness import Checker
from ._risk import clearly_below, derivative_at, exact_mixture, finite, mixture

SHAPES = (((0.3, 0.7), (0, 1)), ((0.7, 0.3), (0, 1)), ((0.6, 0.4), (0, 1)),
          ((0.4, 0.25, 0.35), (0, 1, 2)), ((0.35, 0.25, 0.4), (0, 1, 2)), ((0.45, 0.2, 0.35), (0, 1, 2)),
          ((0.3, 0.25, 0.45), (0, 1, 2)), ((0.2, 0.5, 0.3), (0, 1, 3)), ((0.25, 0.45, 0.3), (0, 2, 3)))
SCALES = (1.0, 10.0, 0.1, 100.0)
GRID = 1201
RHO_RTOL = 1e-6


def refute(ctx, prop: str) -> Verdict:
    chk = Checker(ctx.loss)
    solved = [d for d in (_solve(ctx, chk, w, pos, s) for s in SCALES for w, pos in SHAPES) if d is not None]
    if not solved:
        return unknown(prop, "The expected loss could not be evaluated on the test distributions.")
    found = {"mean": _point_statistic(chk, solved, _mean), "median": _point_statistic(chk, solved, _median),
             "quantiles": _quantiles(chk, solved), "expectiles": _expectiles(ctx, chk)}
    missing = [k for k, v in found.items() if v is None]
    if missing:
        return unknown(prop, "Not proved to elicit a named statistic, and not refuted for: "
                             f"{', '.join(missing)} (over {len(solved)} test distributions).",
                       {k: v for k, v in found.items() if v is not None})
    m = found["mean"]
    detail = ("Elicits none of the mean, the median, a τ-quantile or a τ-expectile: for targets "
              f"{fmt(m['targets'])} with weights {fmt(m['weights'])} the expected loss is "
              f"{fmt(m['risk']['at minimiser'])} at y_pred = {fmt(m['minimiser'])}, "
              f"below {fmt(m['risk']['at statistic'])} at the mean "
              f"{fmt(m['statistic'])}; the median, every quantile and every expectile are refuted likewise "
              "(see the evidence).")
    return Verdict(prop, FAILS, COUNTEREXAMPLE, detail, found, {"statistic": "none"})


def _solve(ctx, chk, weights, pos, scale):
    """{targets, weights, minimiser, risk at it (exact)} for one distribution; None when undefined."""
    base = 1.0
    ys = [base + scale * p for p in pos]
    if not all(ctx.loss.target_domain.contains(y) for y in ys):
        return None
    dist = list(zip(weights, ys))
    span = ys[-1] - ys[0]
    lo, hi = max(ys[0] - 0.05 * span, ctx.dom.lo), min(ys[-1] + 0.05 * span, ctx.dom.hi)
    x = np.unique(np.concatenate([np.linspace(lo, hi, GRID)[1:-1], ys]))
    r = mixture(ctx, x, dist)
    if not np.all(np.isfinite(r)):
        return None
    i = int(np.argmin(r))
    a, b = x[max(i - 1, 0)], x[min(i + 1, x.size - 1)]
    fine = np.linspace(a, b, 401)
    fr = mixture(ctx, fine, dist)
    best = float(fine[int(np.nanargmin(fr))]) if np.any(np.isfinite(fr)) else float(x[i])
    best = float(f"{best:.10g}")
    return {"targets": ys, "weights": list(weights), "dist": dist, "minimiser": best,
            "risk": exact_mixture(chk, best, dist)}


def _mean(d):
    return float(sum(Fraction(str(w)) * Fraction(y) for w, y in d["dist"]))


def _median(d):
    """The unique median, or None when a cumulative weight is exactly 1/2 (a whole interval of medians)."""
    acc = Fraction(0)
    for w, y in d["dist"]:
        acc += Fraction(str(w))
        if acc == Fraction(1, 2):
            return None
        if acc > Fraction(1, 2):
            return y
    return None


def _point_statistic(chk, solved, stat):
    for d in solved:
        s = stat(d)
        if s is None:
            continue
        at = exact_mixture(chk, s, d["dist"])
        if finite(at) and finite(d["risk"]) and clearly_below(d["risk"], at, chk):
            return {"targets": d["targets"], "weights": d["weights"], "statistic": s, "minimiser": d["minimiser"],
                    "risk": {"at statistic": float(at[0]), "at minimiser": float(d["risk"][0])}}
    return None


def _quantiles(chk, solved):
    """Refutations whose ruled-out τ intervals cover (0, 1), or None."""
    found = []
    for d in solved:
        acc = Fraction(0)
        for w, y in d["dist"]:
            lo, acc = acc, acc + Fraction(str(w))
            at = exact_mixture(chk, y, d["dist"])
            if finite(at) and finite(d["risk"]) and clearly_below(d["risk"], at, chk):
                found.append(((lo, acc), {"targets": d["targets"], "weights": d["weights"], "point": y,
                                          "taus": [float(lo), float(acc)], "minimiser": d["minimiser"],
                                          "risk": {"at point": float(at[0]), "at minimiser": float(d["risk"][0])}}))
    used = _cover([iv for iv, _ in found])
    return None if used is None else [found[i][1] for i in used]


def _cover(intervals):
    """Indices of open intervals whose union covers (0, 1) (greedy), or None."""
    reach, used = Fraction(0), []
    while reach < 1:
        ok = [(hi, i) for i, (lo, hi) in enumerate(intervals) if (lo < reach or (lo == reach == 0)) and hi > reach]
        if not ok:
            return None
        hi, i = max(ok)
        reach = hi
        used.append(i)
    return used


def _expectiles(ctx, chk):
    """Two first-order expectile ratios that differ (or one that is not positive), re-checked; else None."""
    if not chk.exact:
        return None  # differences of a float callable cannot carry 50-digit derivatives
    rhos = []
    for scale in SCALES:
        a, b = 1.0, 1.0 + scale
        for f in (0.5, 0.3, 0.7, 0.1, 0.9):
            x = a + f * (b - a)
            rho = _rho(chk, x, a, b)
            if rho is None:
                continue
            if rho["rho"] <= 0 or rho["rho"] == float("inf"):
                return {"ratios": [rho]}
            for other in rhos:
                if abs(other["rho"] - rho["rho"]) > RHO_RTOL * max(abs(other["rho"]), abs(rho["rho"])):
                    return {"ratios": [other, rho]}
            rhos.append(rho)
    return None


def _rho(chk, x, a, b):
    """ρ at x between targets a and b, when L(·, a) and L(·, b) are differentiable there; else None."""
    ds = [_derivative(chk, x, y) for y in (a, b)]
    if None in ds:
        return None
    vals = [_ratio(da, db, x, a, b) for da, db in zip(*ds)]   # one per reading of the loss
    if None in vals:
        return None
    first = vals[0]
    if mpmath.isinf(first) or first == 0:
        same = all(v == first for v in vals)
    else:
        same = all(not mpmath.isinf(v) and abs(v - first) <= mpmath.mpf(10) ** -15 * abs(first) for v in vals)
    if not same:
        return None   # the two readings of the loss disagree: not a clean witness
    return {"x": x, "a": a, "b": b, "derivatives": [float(ds[0][0]), float(ds[1][0])], "rho": float(first)}


def _derivative(chk, x, y):
    """L'(x, y) per reading when the one-sided derivatives agree (differentiable at x); else None."""
    left, right = derivative_at(chk, x, y, -1), derivative_at(chk, x, y, 1)
    if not (finite(left) and finite(right)):
        return None
    if any(abs(p - q) > mpmath.mpf(10) ** -20 * max(1, abs(p)) for p, q in zip(left, right)):
        return None   # not differentiable at x: no first-order condition
    return right


def _ratio(da, db, x, a, b):
    """ρ from the two derivatives; 0 or inf where the loss is flat at one target only (the first-order
    condition w·L'(x, a) + (1 − w)·L'(x, b) = 0 then needs w = 0 or 1); None where flat at both."""
    tiny = mpmath.mpf(10) ** -30
    if abs(da) < tiny and abs(db) < tiny:
        return None
    if abs(da) < tiny:
        return mpmath.mpf(0)
    if abs(db) < tiny:
        return mpmath.inf
    return (da / (x - a)) / (db / (x - b))
