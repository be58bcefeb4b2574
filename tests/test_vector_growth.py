"""Vector kinds: attainment of minima (sparsity) and growth and limits (robustness, smoothness).

Issue 10, classes 2 and 3. Every expected verdict is derived by hand; the reason is on its line.
p = softmax(z), c the true class, m_j = z_c - z_j the true class's margins.
"""
from __future__ import annotations

import numpy as np
import pytest

import lossaudit
from lossaudit import growth
from lossaudit.ideals import Route, subsets
from lossaudit.properties._vector_minimum import _window
from tests.user_losses import vector_growth_losses as user

H, F = "holds", "fails"

# name: (expression or callable name, kind, K, {property: (verdict, reason)}, robustness grade or None)
CASES = {
    # -- class 2: is the minimum attained? ------------------------------------------------------
    "softmax_ce_callable": ("softmax_ce", "logits", 3, {
        "sparsity": (F, "CE = log(1 + sum_j exp(-m_j)) > 0 tends to 0 only as every m_j -> +inf"),
        "robustness": (H, "the gradient p - e_c has norm <= sqrt(2)"),
        "smoothness": (H, "Hessian diag(p) - pp^T, norm <= 1/2"),
    }, "bounded"),
    "ce_with_penalty": ("logsumexp(y_pred) - sum(y_true*y_pred) + 0.01*sum((1 - y_true)*y_pred**2)", "logits", 3, {
        "sparsity": (F, "infimum 0 approached as z_c -> inf with the others at 0, where CE > 0: never attained"),
        "robustness": (F, "a competitor z_j -> inf: the penalty's slope 0.02 z_j grows without bound"),
        "smoothness": (H, "Hessian = softmax part (norm <= 1/2) + 0.02 on the competitors"),
    }, "unbounded"),
    "pseudo_huber_margins": ("pseudo_huber_margins", "logits", 3, {
        "sparsity": (F, "attained (0) where z_c = z_j + 1 for all j, but smooth there: the gradient -> 0"),
        "robustness": (H, "d/du sqrt(1 + u^2) = u / sqrt(1 + u^2) -> ±1: converges to a nonzero constant"),
        "smoothness": (H, "d2/du2 sqrt(1 + u^2) = (1 + u^2)^(-3/2) <= 1"),
    }, "bounded"),
    "hinge_margin2": ("hinge_margin2", "logits", 3, {
        "sparsity": (H, "zero on z_c >= z_j + 2, approached with slope e_j - e_c (norm sqrt 2) per active term"),
        "robustness": (H, "the gradient is a sum of at most K - 1 vectors e_j - e_c: norm <= sqrt(6)"),
    }, "bounded"),
    "log_likelihood_box": ("sum(y_true*log(y_pred))", "vector", 3, {
        "sparsity": (F, "y_pred_j -> 0 with y_true_j = 1: log -> -inf, unbounded below"),
        "robustness": (F, "the slope y_j / y_pred_j grows without bound as y_pred_j -> 0"),
        "smoothness": (F, "the curvature y_j / y_pred_j^2 grows without bound"),
    }, "unbounded"),
    "ova_sigmoid": ("sum(1/(1 + exp((2*y_true - 1)*y_pred)))", "logits", 3, {
        "sparsity": (F, "each term sigmoid(-(2y-1)z) > 0 tends to 0 only at infinity"),
        "robustness": (H, "z_c -> -inf with the others fixed at 0: their slopes stay 1/4 (bounded, not 0)"),
        "smoothness": (H, "|sigmoid''| <= 0.0962"),
    }, "bounded"),
    # -- class 3: growth and limits ------------------------------------------------------------
    "softmax_mae_callable": ("softmax_mae", "logits", 3, {
        "sparsity": (F, "1 - p_c > 0 tends to 0 only as the margins -> +inf"),
        "robustness": (H, "gradient -p_c (e_c - p): p_c -> 0 along every gross error, so it vanishes"),
        "smoothness": (H, "second derivatives of the softmax are bounded"),
    }, "redescending"),
    "competitor_mass_sq_callable": ("competitor_mass_sq", "logits", 3, {
        "sparsity": (F, "sum_{j != c} p_j^2 > 0 tends to 0 only as p_c -> 1"),
        "robustness": (H, "toward p -> (0, a, b), a != b, the slope 2 p1 p2 (p1 - p2) (±1) stays nonzero"),
        "smoothness": (H, "second derivatives of the softmax are bounded"),
    }, "bounded"),
    "competitor_mass_sq": ("sum((1 - y_true)*exp(y_pred - logsumexp(y_pred))**2)", "logits", 3, {
        "robustness": (H, "as for the callable: bounded along faces with unequal competitors, not 0"),
    }, "bounded"),
    "cressie_read_m1p5": ("sum(y_pred**1.5/sqrt(y_true) - y_true)/0.75", "distribution", 3, {
        "sparsity": (F, "a smooth minimum at y_pred = y_true (an f-divergence): the gradient -> 0"),
        "robustness": (H, "slopes 2 sqrt(p_j / y_j) <= 2 / sqrt(min y): bounded"),
        "smoothness": (F, "curvature sqrt(1 / (p_j y_j)) grows like p^(-1/2) toward a face"),
    }, "bounded"),
    "ce_with_epsilon": ("-sum(y_true*log(y_pred + 0.0001))", "distribution", 3, {
        "sparsity": (F, "interior stationary point p_j = y_j (1 + 3e-4) - 1e-4, smooth there"),
        "robustness": (H, "slopes y_j / (p_j + 1e-4) <= 1e4"),
        "smoothness": (H, "curvature y_j / (p_j + 1e-4)^2 levels off below 1e8 toward a face"),
    }, "bounded"),
    "distribution_ce": ("-sum(y_true*log(y_pred))", "distribution", 3, {
        "sparsity": (F, "a smooth minimum at y_pred = y_true"),
        "robustness": (F, "slopes y_j / p_j grow without bound as p_j -> 0"),
        "smoothness": (F, "curvature y_j / p_j^2 grows without bound"),
    }, "unbounded"),
}

# The examples named in issue 10 (classes 2 and 3), besides the new losses above.
CASES.update({
    "issue_taylor_softmax_ce": ("-log(sum(y_true*(1 + y_pred + y_pred**2/2)) / sum(1 + y_pred + y_pred**2/2))",
                                "logits", 3, {
        "sparsity": (F, "f(z) = 1 + z + z^2/2 >= 1/2 > 0: the ratio f(z_c) / sum f(z_j) < 1 tends to 1 only as "
                        "z_c -> inf (the loss keeps falling beyond any finite point)"),
    }, None),
    "issue_smoothed_max_margin": ("logsumexp(y_pred + 1 - y_true) - sum(y_true*y_pred)", "logits", 3, {
        "sparsity": (F, "log(1 + sum_j exp(1 - m_j)) > 0 tends to 0 only as every m_j -> inf"),
    }, None),
    "issue_multilabel_soft_margin": ("sum(log(1 + exp(-(2*y_true - 1)*y_pred)))/3", "logits", 3, {
        "sparsity": (F, "each softplus term > 0 tends to 0 only at infinity"),
    }, None),
    "issue_brier_on_logits": ("sum((exp(y_pred - logsumexp(y_pred)) - y_true)**2)", "logits", 3, {
        "robustness": (H, "toward a face p -> (0, a, b) with a != b the gradient tends to a nonzero constant"),
    }, "bounded"),
    "issue_softmax_mae": ("sum(y_true*(1 - exp(y_pred - logsumexp(y_pred))))", "logits", 3, {
        "robustness": (H, "the gradient -p_c (e_c - p) -> 0 along every gross error (1e-36 at margin -80)"),
    }, "redescending"),
    "issue_softmax_mae_abs": ("sum(abs(y_true - exp(y_pred - logsumexp(y_pred))))", "logits", 3, {
        "robustness": (H, "= 2 (1 - p_c): the gradient -> 0; float64 cancellation far out fakes a rise to 1e-3"),
    }, "redescending"),
})


def _audit(name):
    target, kind, k, expected, _ = CASES[name]
    props = ",".join(sorted(expected))
    loss = getattr(user, target, None)
    if loss is not None:
        return lossaudit.audit(loss, kind=kind, classes=k, properties=props, name=target)
    return lossaudit.audit(expression=target, kind=kind, classes=k, properties=props)


@pytest.fixture(scope="module")
def reports():
    return {}


@pytest.mark.parametrize("name", sorted(CASES))
def test_vector_verdicts_match_hand_derivation(name, reports):
    report = reports.setdefault(name, _audit(name))
    verdicts = report.results[0].verdicts
    for prop, (expected, _why) in CASES[name][3].items():
        assert verdicts[prop].verdict == expected, (prop, verdicts[prop].detail)
    grade = CASES[name][4]
    if grade is not None:
        assert verdicts["robustness"].extras.get("grade") == grade, verdicts["robustness"].detail


@pytest.mark.parametrize("name", ["ce_with_penalty", "log_likelihood_box"])
def test_unattained_minimum_shows_a_falling_ray(name, reports):
    """The evidence of an infimum not attained: points along one ray whose values keep falling, and they
    re-check (the loss evaluated again at the printed points falls at every step)."""
    report = reports.setdefault(name, _audit(name))
    v = report.results[0].verdicts["sparsity"]
    ev = v.evidence
    assert ev["minimizer"] is None and "toward" in ev
    loss = report.results[0].loss
    again = loss.views.value(np.asarray(ev["points"], float), np.asarray(ev["y_true"], float))
    assert np.all(np.diff(ev["values"]) < 0)
    assert np.allclose(again, ev["values"], rtol=1e-6, atol=1e-300) or np.all(np.diff(again) <= 0)


def test_noise_floor_reads_rounding_as_zero():
    noise = np.array([3e-17, 1e-16, 2e-17, 4e-16, 8e-17, 5e-16, 9e-16, 2e-15] * 2)
    assert growth.trend(noise).kind != "vanishing"  # without a floor the wobble is not read as 0
    assert growth.trend(noise, floor=1e-12).kind == "vanishing"


def test_converging_sequences_are_not_growth():
    t = 10.0 ** (np.arange(40) / 4)
    assert growth.trend(0.2887 * (1 - 1 / t), per_decade=4).kind == "converges"
    assert growth.trend(1.824 - 1 / np.sqrt(t), per_decade=4).kind == "converges"
    assert growth.trend(3e10 * (1 - 1 / t), per_decade=4).kind == "converges"  # levels off near 3e10
    assert growth.trend(t ** 0.5, per_decade=4).kind == "unbounded"             # p^(-1/2)
    assert growth.trend(np.log(t + 1), per_decade=4).kind == "unbounded"


def test_subsets_all_for_small_sets_and_a_deterministic_sample_for_large():
    rng = np.random.default_rng(0)
    assert subsets([1, 2], rng) == [(1,), (2,), (1, 2)]
    assert len(subsets(list(range(4)), rng)) == 15
    big = subsets(list(range(100)), np.random.default_rng(3))
    assert big == subsets(list(range(100)), np.random.default_rng(3)) and len(big) <= 12
    assert tuple(range(100)) in big


def test_route_unpacks_as_a_pair_and_keeps_its_parametrisation():
    r = Route("label", np.zeros(3), np.array([1.0, 0, 0]), np.array([1.0, 10.0]))
    label, X = r
    assert label == "label" and X.tolist() == [[1, 0, 0], [10, 0, 0]] and r.infinite


def test_window_is_the_last_visible_fall_with_no_rise_after():
    v = np.concatenate([np.geomspace(1.0, 1e-10, 12), np.zeros(5)])
    w = _window(v)
    assert w is not None and w[-1] == 12
    assert _window(np.concatenate([v, [1.0]])) is None  # rises after: not an infimum approached
