"""Vector kinds: kinks on sets (the non-differentiability locus), not only at sampled points (issue 10, class 1).

Every expected verdict carries a one-line hand derivation. Expressions are re-checked independently
(tests/evidence.py) where their evidence is a kink with finite one-sided derivatives.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import lossaudit
from lossaudit.domains import parse_domain
from lossaudit.loss import Loss
from lossaudit.symbolic import locus

from evidence import check_expected

PROPS = "differentiability,smoothness"


def _audit(target, kind, classes=3, **kw):
    return lossaudit.audit(target, kind=kind, classes=classes, properties=PROPS, **kw)


# ---------------------------------------------------------------------------
# Expressions whose locus is a set the formula shows

EXPRESSIONS = {
    # |r|·sqrt(2) + |r|²: a cone at y_pred = y_true, like |r| in one dimension
    "cone_plus_quadratic": ("sqrt(sum(2*(y_pred - y_true)**2)) + sum((y_pred - y_true)**2)", "logits", {}, {
        "differentiability": ("fails", "sqrt(2)|r| has one-sided slopes ±sqrt(2)|d| at r = 0"),
        "smoothness": ("fails", "the gradient jumps across r = 0"),
    }),
    # sum |p_i - y_i| on the simplex: kinks where p_i = y_i, reached along e_i - e_j
    "l1_on_simplex": ("sum(abs(y_pred - y_true))", "distribution", {}, {
        "differentiability": ("fails", "|p_i - y_i| has slopes ±1 across p_i = y_i inside the simplex"),
        "smoothness": ("fails", "the gradient jumps across p_i = y_i"),
    }),
    # a dead zone on the sphere |r|² = 0.3 (irrational radius: no float lies on it)
    "dead_zone_sphere": ("max(0, sum((y_pred - y_true)**2) - 0.3)", "logits", {}, {
        "differentiability": ("fails", "the slope along r is 0 inside the sphere and 2·sqrt(0.3) outside"),
        "smoothness": ("fails", "the gradient jumps on the sphere"),
    }),
    # max_j z_j - z_c: ties z_i = z_j are kinks
    "max_minus_target": ("max(y_pred) - sum(y_true*y_pred)", "logits", {}, {
        "differentiability": ("fails", "max(z_i, z_j) has slopes 0 and 1 across z_i = z_j"),
        "smoothness": ("fails", "the gradient jumps at ties"),
    }),
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_kinks_on_the_locus(name):
    text, kind, kw, expected = EXPRESSIONS[name]
    report = _audit(text, kind, name=name, **kw)
    check_expected(report, expected)


def test_cosine_similarity_jumps_at_the_origin():
    # 1 - <p, y>/|p| in the box (-1, 1)^3: along d through p = 0 the loss is 1 ∓ <d, y>/|d| on the two
    # sides, a jump (the denominator |p| vanishes inside the domain)
    report = _audit("1 - sum(y_pred*y_true)/sqrt(sum(y_pred**2))", "vector", pred_domain=parse_domain("(-1, 1)"))
    v = report.results[0].verdicts["differentiability"]
    assert v.verdict == "fails" and v.method == "counterexample"
    assert v.evidence["point"] == [0.0, 0.0, 0.0]
    y, d = v.evidence["y_true"], v.evidence["direction"]
    with mpmath.workdps(50):
        f = lambda s: 1 - sum(mpmath.mpf(s) * a * b for a, b in zip(d, y)) / (abs(mpmath.mpf(s)) * mpmath.norm(d))  # noqa: E731
        assert abs(f("1e-30") - f("-1e-30")) > 0.1  # the one-sided limits differ: not even continuous


def test_power_three_quarters_is_C1_with_unbounded_hessian():
    # (|r|²)^0.75 = |r|^1.5: gradient 1.5|r|^0.5·r/|r| -> 0 (differentiable, not by proof: the base
    # vanishes at r = 0); Hessian ~ |r|^-0.5 unbounded toward r = 0 (not smooth)
    report = _audit("sum((y_pred - y_true)**2)**0.75", "logits")
    d = report.results[0].verdicts["differentiability"]
    s = report.results[0].verdicts["smoothness"]
    assert d.verdict == "holds" and d.method != "proof"
    assert s.verdict == "fails"
    curv = s.evidence["curvatures"]
    assert all(b > a for a, b in zip(curv, curv[1:])) and curv[-1] > 100 * curv[0]


@pytest.mark.parametrize("power, expected", [
    (0.52, "holds"),   # |r|**1.04: gradient 1.04|r|**0.04·r/|r| -> 0, C1 (quotients at h = 1e-20 look kinked)
    (0.3, "fails"),    # |r|**0.6: a cusp, one-sided slopes ±inf along every direction at r = 0
])
def test_powers_of_a_touching_zero(power, expected):
    v = lossaudit.audit(f"sum((y_pred - y_true)**2)**{power}", kind="logits", classes=3,
                        properties="differentiability").results[0].verdicts["differentiability"]
    assert v.verdict == expected and v.method != "proof", v.detail
    if expected == "fails":
        assert v.evidence["point"] == list(v.evidence["y_true"])


# ---------------------------------------------------------------------------
# Proofs: the locus is provably empty

PROOFS = {
    # softmax CE: log of a sum of exponentials (positive), no switch: analytic
    "softmax_ce": ("logsumexp(y_pred) - sum(y_true*y_pred)", "logits", {}),
    # sqrt of |z|² + 1 >= 1: the root's argument never vanishes
    "shifted_norm": ("sqrt(sum(y_pred**2) + 1)", "logits", {}),
    # Hellinger: sqrt(p_i) with p_i > 0 on the open simplex
    "hellinger": ("sum((sqrt(y_pred) - sqrt(y_true))**2)", "distribution", {}),
    # BCE in the open box (0, 1): log p and log(1 - p) have positive arguments
    "bce_box": ("-sum(y_true*log(y_pred) + (1 - y_true)*log(1 - y_pred))", "vector",
                {"pred_domain": parse_domain("(0, 1)")}),
}


@pytest.mark.parametrize("name", sorted(PROOFS))
def test_analytic_losses_are_proved_differentiable(name):
    text, kind, kw = PROOFS[name]
    v = lossaudit.audit(text, kind=kind, classes=3, properties="differentiability", **kw).results[0].verdicts[
        "differentiability"]
    assert (v.verdict, v.method) == ("holds", "proof"), v.detail


def test_locus_equations_and_nonzero():
    loss = Loss.from_expression("1 - sum(y_pred*y_true)/sqrt(sum(y_pred**2))", "vector", classes=2,
                                pred_domain=parse_domain("(-1, 1)"))
    empty, left = locus.empty(loss, 5.0)
    assert not empty and [eq.what for eq in left] == ["division"]
    # the origin is where the denominator's square vanishes, found exactly
    assert locus.exact_points(loss, left[0].g, (1.0, 1.0), [0.5, 0.5], 5.0) == [[0, 0]]
    positive = Loss.from_expression("1 - sum(y_pred*y_true)/sqrt(sum(y_pred**2))", "vector", classes=2,
                                    pred_domain=parse_domain("(0, 1)"))
    assert locus.empty(positive, 5.0)[0]  # p > 0: |p|² > 0


def test_locus_points_lie_on_the_locus():
    from lossaudit.analysis import build_context
    from lossaudit.budget import Budget
    from lossaudit.kinks import locus_points
    loss = Loss.from_expression("max(0, sum((y_pred - y_true)**2) - 0.25)", "logits", classes=3)
    ctx = build_context(loss, Budget())
    y = ctx.targets[0]
    pts = locus_points(ctx, y)
    assert pts
    for p in pts:
        assert math.isclose(sum((a - b) ** 2 for a, b in zip(p, y)), 0.25, rel_tol=1e-12)


# ---------------------------------------------------------------------------
# Callables (no formula): kinks along random, coordinate and simplex lines

def _lse(z):
    m = np.max(z, axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))


def squared_mc_hinge(y_pred, y_true):
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    zc = np.sum(y * z, axis=-1)
    other = np.max(np.where(y > 0.5, -np.inf, z), axis=-1)
    return np.maximum(0.0, 1.0 + other - zc) ** 2


def clipped_ce_logits(y_pred, y_true):
    z, y = np.asarray(y_pred, float), np.asarray(y_true, float)
    p = np.exp(z - _lse(z)[..., None])
    return -np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=-1)


def clipped_ce_simplex(y_pred, y_true):
    p, y = np.asarray(y_pred, float), np.asarray(y_true, float)
    return -np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=-1)


def abs_simplex(y_pred, y_true):
    return np.sum(np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float)), axis=-1)


def stable_softmax_ce(y_pred, y_true):
    z, y = np.asarray(y_pred, float), np.asarray(y_true, float)
    return _lse(z) - np.sum(y * z, axis=-1)


CALLABLES = {
    # the squared hinge turns on C1, but (1 + max_j z_j - z_c)² kinks where two competitors tie
    squared_mc_hinge: ("logits", "fails", "slopes ±2(1 + m) across a tie z_i = z_j while the hinge is on"),
    # clip(p_c, 1e-7, ...) flattens -log p_c where p_c < 1e-7: slope ~1 on one side, 0 on the other
    clipped_ce_logits: ("logits", "fails", "the clip switches on at p_c = 1e-7 (or 1 - 1e-7)"),
    # on the simplex the clip at p_i = 1e-7 sits 1e-7 from the edge: slope -y_i·1e7 against 0
    clipped_ce_simplex: ("distribution", "fails", "kink at p_i = 1e-7, next to the simplex's face"),
    # |p_i - y_i| kinks at p_i = y_i
    abs_simplex: ("distribution", "fails", "slopes ±1 across p_i = y_i"),
    # logsumexp written with np.max: the max only shifts, the function is analytic
    stable_softmax_ce: ("logits", "holds", "log-sum-exp is analytic; the np.max inside cancels"),
}


@pytest.mark.parametrize("fn", list(CALLABLES), ids=lambda f: f.__name__)
def test_callable_kinks(fn):
    kind, expected, _why = CALLABLES[fn]
    v = lossaudit.audit(fn, kind=kind, classes=4, properties="differentiability").results[0].verdicts[
        "differentiability"]
    assert v.verdict == expected, v.detail
    if expected == "fails":
        ev = v.evidence
        p, d, y = (np.asarray(ev[k], float) for k in ("point", "direction", "y_true"))
        # the one-sided difference quotients really differ, in float64 at steps well above rounding
        h = 1e-9
        f0 = fn(p, y)
        left, right = (f0 - fn(p - h * d, y)) / h, (fn(p + h * d, y) - f0) / h
        assert abs(right - left) > 1e-3 * max(1.0, abs(left), abs(right)) or not math.isfinite(ev["left_derivative"])
