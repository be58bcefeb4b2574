"""Proofs at large K (issue 10, class 6): the locus's sign analysis class by class, the Hessian bound's
calculus linear in K, the per-K probe budget, Lanczos's early stop. Expected verdicts derived by hand."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy as sp

from lossaudit import budget, catalog_loader, curvature
from lossaudit.budget import Budget
from lossaudit.loss import Loss
from lossaudit.properties import decide
from lossaudit.symbolic import classwise, locus
from lossaudit.text import fmt


def _loss(expr: str, kind: str, k: int) -> Loss:
    return Loss.from_expression(expr, kind, classes=k)


# -- termwise signs ---------------------------------------------------------------------------------

def test_termwise_sum_of_exps_is_positive_at_k_1000():
    # log(sum exp(z_i)): every term exp(z_i) > 0, so the log's argument never vanishes
    loss = _loss("logsumexp(y_pred) - sum(y_true*y_pred)", "logits", 1000)
    (eq,) = locus.equations(loss)
    assert classwise.termwise(loss, eq.g, 10.0) == (1, True)
    assert locus.empty(loss, 10.0)[0]


def test_termwise_label_values_per_class():
    # y_i (1 - p_i) + (1 - y_i) p_i: p_i in (0, 1) and y_i in {0, 1} make each class's group > 0 (not each term)
    loss = _loss("sum(y_true*(1 - y_pred) + (1 - y_true)*y_pred)", "vector", 20)
    g = loss.exact_expression
    assert classwise.termwise(loss, g, 10.0) == (1, True)


def test_termwise_refuses_a_sum_of_mixed_signs():
    # 5/2 - sum(p_i) on (0, 1)^K: positive at K = 2, negative near p = 1 at K = 10: no sign may be claimed
    loss = _loss("5/2 - sum(y_pred)", "vector", 10)
    assert classwise.termwise(loss, loss.exact_expression, 10.0) is None


def test_termwise_refuses_a_vanishing_denominator():
    # sum(p_i - y_i) changes sign in the box: a division by it is a candidate of the locus, never proved away
    loss = _loss("1/(1 + sum(y_pred - y_true))", "vector", 12)
    (eq,) = [e for e in locus.equations(loss) if e.what == "division"]
    assert classwise.termwise(loss, eq.g, 10.0) is None
    assert not locus.empty(loss, 10.0)[0]


def test_termwise_strict_and_weak_signs():
    # sum(p_i**2) > 0 on the box (every term > 0); sum(y_i**2) >= 0 only (y = 0 is a target)
    loss = _loss("sum(y_pred**2) + sum(y_true**2)", "vector", 10)
    p2 = sp.Add(*[s ** 2 for s in loss.pred_symbols])
    y2 = sp.Add(*[s ** 2 for s in loss.true_symbols])
    assert classwise.termwise(loss, p2, 10.0) == (1, True)
    assert classwise.termwise(loss, y2, 10.0) == (1, False)
    assert classwise.termwise(loss, -p2 - y2, 10.0) == (-1, True)


# -- decided at K = 1000 by proof --------------------------------------------------------------------

def test_softmax_cross_entropy_at_k_1000_is_proved_differentiable_and_smooth():
    # logsumexp is analytic; its Hessian diag(p) - p p^T has norm < 1/2 (approached at p = (1/2, 1/2, 0, ...))
    loss = replace(catalog_loader.find("softmax_cross_entropy"), classes=1000)
    diff = decide("differentiability", loss, Budget())
    smooth = decide("smoothness", loss, Budget())
    assert (diff.verdict, diff.method, diff.extras["class"]) == ("holds", "proof", "C-infinity")
    assert (smooth.verdict, smooth.method) == ("holds", "proof")
    assert smooth.extras["constant"] == 0.5 and smooth.extras["constant_bound"] == 0.5


def test_soft_dice_at_k_200_is_proved_differentiable_and_smooth():
    # the denominator sum(p) + sum(y) + 1 >= 1 on the box: rational, analytic, Hessian bounded
    loss = replace(catalog_loader.find("soft_dice"), classes=200)
    diff = decide("differentiability", loss, Budget(samples=200))
    smooth = decide("smoothness", loss, Budget(samples=200))
    assert (diff.verdict, diff.method) == ("holds", "proof")
    assert (smooth.verdict, smooth.method) == ("holds", "proof")
    # y = 0: L = S/(S + 1) with S = sum(p), Hessian -2/(S + 1)^3 11^T of norm 2K/(S + 1)^3 -> 2K as S -> 0
    assert smooth.extras["constant_bound"] >= 2 * 200 * (1 - 1e-9)


def test_convexity_proved_at_k_1000():
    # logsumexp minus a linear term: DCP
    loss = replace(catalog_loader.find("softmax_cross_entropy"), classes=1000)
    v = decide("convexity", loss, Budget())
    assert (v.verdict, v.method) == ("holds", "proof")


# -- the per-K probe budget ------------------------------------------------------------------------------

def test_probes_every_one_up_to_the_cap_then_the_cap():
    assert [budget.probes(k) for k in (2, 3, 8, 12)] == [2, 3, 8, 12]
    assert budget.probes(13) == budget.probes(1000) == budget.PROBES


def test_the_three_searches_use_the_one_budget():
    from lossaudit import ideals, vector_kinks
    assert ideals.MAX_SUBSETS == budget.PROBES
    assert not hasattr(vector_kinks, "LINE_DIRECTIONS")
    from lossaudit.properties import _smooth_search_vector
    assert not hasattr(_smooth_search_vector, "LARGE_K_PATHS")


# -- Lanczos stops early where it has converged ------------------------------------------------------------

def test_lanczos_early_stop_keeps_the_norm_of_a_rank_one_hessian():
    # soft Dice at y = 0 has Hessian -2/(S+1)^3 11^T: rank one, the Krylov space is exhausted at once
    loss = replace(catalog_loader.find("soft_dice"), classes=300)
    X = np.random.default_rng(1).uniform(0.05, 0.95, (16, 300))
    Y = np.zeros(300)
    quick = curvature.spectral_norms(loss.views, X, Y)
    S = X.sum(axis=1)
    assert np.allclose(quick, 2 * 300 / (S + 1) ** 3, rtol=1e-10)


# -- long vectors formatted as short ones ----------------------------------------------------------------

def test_fmt_of_a_long_vector_is_the_elementwise_one():
    v = np.array([0.0, 1.0, -0.0, 0.5, np.nan, np.inf, 1e300, 0.1 + 0.2] * 5)
    assert fmt(v) == "(" + ", ".join(fmt(float(x)) for x in v) + ")"
