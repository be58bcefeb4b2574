"""The traps that naive checkers get wrong: each must be decided right, and every `fails` re-checks."""
from __future__ import annotations

import json

import pytest

import lossaudit
from evidence import check_fails, exact_loss


def audit(name, prop):
    report = lossaudit.audit(name, properties=prop)
    entry = json.loads(report.to_json())["losses"][0]
    return entry, entry["properties"][prop]


def assert_fails_rechecks(name, prop):
    entry, v = audit(name, prop)
    assert v["verdict"] == "fails", v
    assert v["method"] == "counterexample"
    check_fails(entry, prop, v)
    return entry, v


@pytest.mark.parametrize("name", ["absolute", "hinge", "quantile", "epsilon_insensitive"])
def test_convex_with_kinks_is_proved(name):
    # |r|, max(0, 1 - m), pinball: kinked but convex; a sampler of L'' sees only 0 there
    _, v = audit(name, "convexity")
    assert (v["verdict"], v["method"]) == ("holds", "proof"), v


@pytest.mark.parametrize("name", ["cauchy", "welsch", "tukey_biweight", "geman_mcclure"])
def test_nonconvex_only_far_out(name):
    # L'' < 0 only beyond |r| > c: the chord must come from the tails
    entry, v = assert_fails_rechecks(name, "convexity")
    chord = v["evidence"]["chord"]
    assert max(abs(chord["a"]), abs(chord["b"])) > 0.5, chord


@pytest.mark.parametrize("name, constant", [("huber", 1.0), ("squared_hinge", 2.0), ("smooth_l1", 1.0)])
def test_smooth_but_not_twice_differentiable(name, constant):
    # L'' jumps (1 -> 0 at |r| = delta; 2 -> 0 at m = 1) yet the gradient is Lipschitz
    _, v = audit(name, "smoothness")
    assert v["verdict"] == "holds", v
    assert v["constant"] == pytest.approx(constant, rel=1e-6)
    _, d = audit(name, "differentiability")
    assert (d["verdict"], d["class"]) == ("holds", "C1")


def test_robust_although_steep_near_minimum():
    # sqrt|r| has an infinite slope at 0, but its gradient -> 0 as |r| -> inf
    _, v = audit("sqrt_abs", "robustness")
    assert (v["verdict"], v["grade"]) == ("holds", "redescending"), v


def test_cross_entropy_not_robust_on_probabilities_but_robust_on_logits():
    entry, v = assert_fails_rechecks("binary_cross_entropy", "robustness")
    ev = v["evidence"]
    # the gross error: y_pred -> the wrong end of (0, 1)
    assert (ev["y_true"] == 1 and ev["points"][-1] < 0.01) or (ev["y_true"] == 0 and ev["points"][-1] > 0.99)
    for name in ("softmax_cross_entropy", "logistic"):
        _, r = audit(name, "robustness")
        assert (r["verdict"], r["grade"]) == ("holds", "bounded"), (name, r)


@pytest.mark.parametrize("name", ["square_margin", "tangent"])
def test_nonmonotone_only_for_large_margins(name):
    entry, v = assert_fails_rechecks(name, "monotonicity")
    ev = v["evidence"]
    # the violation lies where y*y_pred is already positive (a confident, correct prediction)
    assert ev["farther"] * ev["y_true"] > 0


@pytest.mark.parametrize("name", ["exponential", "binary_cross_entropy"])
def test_unbounded_curvature_is_not_smooth(name):
    assert_fails_rechecks(name, "smoothness")


@pytest.mark.parametrize("name", ["quantile", "epsilon_insensitive", "absolute", "hinge"])
def test_sparsity_holds_with_a_pull_at_the_minimum(name):
    _, v = audit(name, "sparsity")
    assert v["verdict"] == "holds", v
    ev = v["evidence"]
    left, right = ev["left_derivative"], ev["right_derivative"]
    assert (left == "nan" or left < 0) and (right == "nan" or right > 0)


def test_pinball_one_sided_derivatives_are_minus_tau_and_one_minus_tau():
    # the catalog's pinball is tau*max(y - y_pred, 0) + (1 - tau)*max(y_pred - y, 0) (scikit-learn's
    # convention), so dL/dy_pred is -tau below the target and 1 - tau above it
    _, v = audit("quantile", "sparsity")
    tau = lossaudit.audit("quantile", properties="sparsity").results[0].loss.param_values["tau"]
    assert v["evidence"]["left_derivative"] == pytest.approx(-tau)
    assert v["evidence"]["right_derivative"] == pytest.approx(1 - tau)


@pytest.mark.parametrize("name", ["huber", "squared_hinge", "logistic"])
def test_sparsity_fails_without_a_pull(name):
    assert_fails_rechecks(name, "sparsity")


def test_softmax_cross_entropy_is_convex_in_the_logits():
    _, v = audit("softmax_cross_entropy", "convexity")
    assert (v["verdict"], v["method"]) == ("holds", "proof"), v


def test_soft_dice_is_not_convex():
    assert_fails_rechecks("soft_dice", "convexity")


def test_zero_one_loss_is_flagged_useless_for_gradients():
    _, v = audit("zero_one", "differentiability")
    assert v["verdict"] == "fails"
    assert v["class"] == "discontinuous"
    assert v["gradient_zero_almost_everywhere"] is True


def test_metric_accuracy_explains_why_it_cannot_train():
    report = lossaudit.audit("accuracy", properties="differentiability")
    use = report.results[0].training_use()
    assert use.startswith("no:") and "zero almost everywhere" in use


def test_exact_loss_helper_agrees_with_hand_values():
    # the test-side evaluator itself: squared error at (3, 1) is 4, hinge at m = 0.5 is 0.5
    sq = exact_loss({"expression": "(y_pred - y_true)**2", "parameters": {}})
    assert float(sq(3.0, 1.0)) == 4.0
    hinge = exact_loss({"expression": "max(0, 1 - y_true*y_pred)", "parameters": {}})
    assert float(hinge(0.5, 1.0)) == 0.5
