"""Any K up to 1000 (issue 10, class 6): the bound, the targets one per permutation orbit, exact
derivatives by array evaluation, Lanczos curvature, and audits at K = 10 and 100 with verdicts
derived by hand (the same at every K where the truth is)."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import sympy as sp

import lossaudit
from lossaudit import catalog_loader, curvature, options, permutations
from lossaudit.arrayeval import ArrayProgram
from lossaudit.errors import LossError
from lossaudit.loss import Loss

SOFTMAX_CE = "logsumexp(y_pred) - sum(y_true*y_pred)"


# -- the bound -----------------------------------------------------------------------------------

def test_classes_bound_is_1000():
    assert options.classes(1000) == 1000
    with pytest.raises(options.OptionError, match=r"--classes.*at most 1000.*1001"):
        options.classes("1001")


def test_cli_refuses_1001_classes_with_exit_2():
    done = subprocess.run([sys.executable, "-m", "lossaudit", "audit", "softmax_cross_entropy", "--classes", "1001"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "--classes" in done.stderr and "1000" in done.stderr and "1001" in done.stderr


def test_loss_accepts_1000_and_refuses_1001():
    assert Loss.from_expression(SOFTMAX_CE, "logits", classes=1000).K == 1000
    with pytest.raises(LossError, match="between 2 and 1000"):
        Loss.from_expression(SOFTMAX_CE, "logits", classes=1001)


# -- targets, one per permutation orbit ---------------------------------------------------------------

def test_representatives_keep_the_first_of_each_orbit():
    targets = [(1, 1, 0), (1, 0, 1), (0, 1, 1), (1, 0, 0), (0, 0, 1)]
    assert permutations.representatives(targets) == [(1, 1, 0), (1, 0, 0)]


def test_one_hot_expression_needs_one_target_at_any_k():
    # every class is a permutation of class 0, and the expression treats coordinates alike
    for k in (3, 10, 1000):
        loss = Loss.from_expression(SOFTMAX_CE, "logits", classes=k)
        (y,) = permutations.audit_targets(loss)
        assert y[0] == 1.0 and sum(y) == 1.0 and len(y) == k


def test_box_corners_one_per_count_of_ones():
    # {0,1}^3 has 8 corners in 4 orbits: how many ones (3, 2, 1, 0)
    loss = Loss.from_expression("sum((y_pred - y_true)**2)", "vector", classes=3)
    assert permutations.audit_targets(loss) == [(1, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 0)]


def test_box_corners_at_k_1000_keep_the_extremes():
    loss = Loss.from_expression("sum((y_pred - y_true)**2)", "vector", classes=1000)
    ones = [int(sum(y)) for y in permutations.audit_targets(loss)]
    assert len(ones) == permutations.MAX_TARGETS
    assert ones[:2] == [1000, 999] and ones[-2:] == [1, 0]  # all alike, and one entry off, at both ends
    assert ones == sorted(ones, reverse=True)


def test_simplex_targets_at_large_k_stay_on_the_simplex():
    loss = Loss.from_expression("sum(y_true*log(y_true/y_pred))", "distribution", classes=1000)
    targets = permutations.audit_targets(loss)
    assert len(targets) == 3
    for y in targets:
        assert min(y) > 0 and abs(sum(y) - 1) < 1e-9
    assert len({permutations.orbit_key(y) for y in targets}) == 3


def test_callable_targets_all_up_to_8_then_a_spread_with_a_note():
    def f(x, y):
        return np.sum((x - y) ** 2, axis=-1)
    small = Loss.from_callable(f, "logits", classes=3)
    assert len(permutations.audit_targets(small)) == 3 and permutations.note(small) is None
    big = Loss.from_callable(f, "logits", classes=10)
    classes = [int(np.argmax(y)) for y in permutations.audit_targets(big)]
    assert classes[0] == 0 and classes[-1] == 9 and len(classes) == permutations.MAX_TARGETS
    assert "not known" in permutations.note(big)


def test_distinct_paths_drops_paths_related_by_a_permutation_fixing_the_target():
    loss = Loss.from_expression(SOFTMAX_CE, "logits", classes=4)
    Y = np.eye(4)[0]
    t = np.array([1.0, 10.0])[:, None]
    paths = [("e1", t * np.eye(4)[1]), ("e2", t * np.eye(4)[2]), ("e0", t * np.eye(4)[0])]
    assert [p[0] for p in permutations.distinct_paths(loss, paths, Y)] == ["e1", "e0"]  # e2 ~ e1, not e0


@pytest.mark.parametrize("name", [x.name for x in catalog_loader.builtins() if x.kind.vector])
def test_catalog_vector_losses_are_permutation_invariant(name):
    # the structural fact the reduction rests on, checked on the sympy form: a transposition and a cycle
    # generate every permutation
    loss = replace(catalog_loader.find(name), classes=4)
    e = loss.bound_expression
    xs, ys = loss.pred_symbols, loss.true_symbols
    for perm in ([1, 0, 2, 3], [1, 2, 3, 0]):
        sub = {**{xs[i]: xs[j] for i, j in enumerate(perm)}, **{ys[i]: ys[j] for i, j in enumerate(perm)}}
        assert sp.simplify(e.xreplace(sub) - e) == 0


# -- derivatives by array evaluation ---------------------------------------------------------------------

def _points(loss, k, rng, n=12):
    if loss.kind.name == "distribution":
        return rng.dirichlet(np.ones(k), size=n)
    if loss.kind.name == "vector":
        return rng.uniform(0.05, 0.95, size=(n, k))
    return 2 * rng.standard_normal((n, k))


@pytest.mark.parametrize("name", [x.name for x in catalog_loader.builtins() if x.kind.vector])
def test_array_program_matches_the_symbolic_derivatives(name):
    k = 4
    loss = replace(catalog_loader.find(name), classes=k)
    program = ArrayProgram(loss.text, loss.param_values, k)
    rng = np.random.default_rng(3)
    X = _points(loss, k, rng)
    Y = np.asarray(loss.target_domain.vector_targets(k)[1 if loss.kind.name == "vector" else 0], float)
    P = np.eye(k) - 1.0 / k if loss.kind.name == "distribution" else np.eye(k)
    want = (loss.views.value(X, Y), loss.views.grad(X, Y), loss.views.hess(X, Y))
    got = (program.value(X, Y), program.grad(X, Y) @ P, P @ program.hessian(X, Y) @ P)
    for a, b in zip(want, got):
        ok = np.isfinite(a)
        assert np.array_equal(ok, np.isfinite(b))
        assert np.allclose(a[ok], b[ok], rtol=1e-8, atol=1e-10)


def test_hvp_is_exact_for_softmax_cross_entropy():
    # H = diag(p) - p pᵀ with p the softmax: by hand
    k = 50
    program = ArrayProgram(SOFTMAX_CE, {}, k)
    rng = np.random.default_rng(0)
    X, V = rng.standard_normal((3, k)), rng.standard_normal((3, k))
    p = np.exp(X - X.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    want = p * V - p * np.sum(p * V, axis=1, keepdims=True)
    assert np.allclose(program.hvp(X, np.eye(k)[0], V), want, rtol=1e-12, atol=1e-15)


def test_lanczos_agrees_with_the_dense_spectrum():
    k = 40
    loss = replace(catalog_loader.find("softmax_cross_entropy"), classes=k)
    views = loss.views
    assert not views.dense  # K = 40 is above the dense threshold: Lanczos
    rng = np.random.default_rng(1)
    X, Y = 3 * rng.standard_normal((6, k)), np.eye(k)[0]
    dense = np.linalg.eigvalsh(views.hess(X, Y))
    assert np.allclose(curvature.spectral_norms(views, X, Y), np.abs(dense).max(axis=1), rtol=1e-8)
    w, v = curvature.lowest_modes(views, X, Y)
    assert np.all(w >= dense[:, 0] - 1e-9)  # Ritz values lie inside the spectrum
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)


# -- audits at large K: verdicts by hand ----------------------------------------------------------------

def _verdicts(report):
    return {p: (v.verdict, v.method) for p, v in report.results[0].verdicts.items()}


def _softmax_ce_checks(report):
    v = report.results[0].verdicts
    # logsumexp is convex (DCP); analytic everywhere; Hessian diag(p) - ppᵀ has norm <= 1/2; the gradient
    # p - e_y has norm < sqrt(2); the infimum 0 is approached only as the true margin -> inf; raising the
    # true class's score never raises the loss
    assert (v["convexity"].verdict, v["convexity"].method) == ("holds", "proof")
    assert v["differentiability"].verdict == "holds" and v["differentiability"].extras.get("class") == "C-infinity"
    assert v["smoothness"].verdict == "holds" and 0.45 <= v["smoothness"].extras["constant"] <= 0.5 + 1e-9
    assert v["robustness"].verdict == "holds" and v["robustness"].extras.get("grade") == "bounded"
    assert v["sparsity"].verdict == "fails"
    assert v["monotonicity"].verdict == "holds"


def test_softmax_cross_entropy_at_k_10():
    report = lossaudit.audit("softmax_cross_entropy", classes=10)
    assert report.results[0].loss.K == 10 and report.to_dict()["losses"][0]["classes"] == 10
    _softmax_ce_checks(report)


@pytest.mark.slow
def test_softmax_cross_entropy_at_k_100():
    _softmax_ce_checks(lossaudit.audit("softmax_cross_entropy", classes=100))


def _dice_checks(report):
    v = report.results[0].verdicts
    # 1 - (2 Σpy + 1)/(Σp + Σy + 1): a ratio of affine maps, not convex at a mixed target; its denominator
    # is >= 1 on the box, so it is analytic there with a bounded Hessian and gradient; at y = 1 the
    # infimum sits at the box's corner p = 1, outside the open box; moving p toward y never raises it
    assert v["convexity"].verdict == "fails"
    assert v["differentiability"].verdict == "holds" and v["differentiability"].extras.get("class") == "C-infinity"
    assert v["smoothness"].verdict == "holds"
    assert v["robustness"].verdict == "holds" and v["robustness"].extras.get("grade") == "bounded"
    assert v["sparsity"].verdict == "fails"
    assert v["monotonicity"].verdict == "holds"


def test_soft_dice_at_k_10():
    _dice_checks(lossaudit.audit("soft_dice", classes=10))


@pytest.mark.slow
def test_soft_dice_at_k_100():
    _dice_checks(lossaudit.audit("soft_dice", classes=100))


def test_callable_at_k_10():
    def ce(y_pred, y_true):
        z = y_pred - y_pred.max(axis=-1, keepdims=True)
        return np.log(np.exp(z).sum(axis=-1)) + y_pred.max(axis=-1) - np.sum(y_true * y_pred, axis=-1)
    # (smoothness is left out: its Nelder-Mead refinement over finite-difference Hessians takes minutes here)
    report = lossaudit.audit(ce, kind="logits", classes=10,
                             properties=["convexity", "robustness", "sparsity", "monotonicity"])
    v = report.results[0].verdicts
    # the same softmax cross-entropy, written in numpy: convex, gradient bounded (|p - e_y| < sqrt 2),
    # infimum not attained, raising the true class's score never raises it
    assert v["convexity"].verdict == "holds"
    assert v["robustness"].verdict == "holds" and v["robustness"].extras.get("grade") == "bounded"
    assert v["sparsity"].verdict == "fails"
    assert v["monotonicity"].verdict == "holds"
    assert any("not known" in n for n in report.results[0].notes)  # 8 of its 10 classes, said so
