"""symbolic.bounds: rigorous bounds of sup ||Hessian|| of vector losses, checked by hand and against samples.

Each expected bound is derived by hand (one line); `None` means the calculus must give no finite bound
(a kink, or a Hessian that is truly unbounded). The soundness test samples Hessian norms of every vector
catalog loss that gets a finite bound and checks none exceeds it.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from lossaudit import numeric
from lossaudit.catalog_loader import builtins
from lossaudit.curvature import spectral_norms
from lossaudit.loss import Loss
from lossaudit.properties._smooth_vector import _proof_targets
from lossaudit.symbolic import sym_number
from lossaudit.symbolic.bounds import hessian_bound
from lossaudit.symbolic.intervals import Iv, enclose, univariate_sup


def _bound(text, kind, y):
    loss = Loss.from_expression(text, kind, classes=len(y))
    dom = loss.pred_domain
    box = Iv(0.0, 1.0) if dom.on_simplex else Iv(float(dom.lo), float(dom.hi))
    e = loss.exact_expression.xreplace({s: sym_number(v) for s, v in zip(loss.true_symbols, y)})
    enc = hessian_bound(e, loss.pred_symbols, {s: box for s in loss.pred_symbols})
    return None if enc is None else enc.hess


CASES = [
    # (expression, kind, target, expected bound or None, reason)
    ("logsumexp(y_pred) - sum(y_true*y_pred)", "logits", (1, 0, 0), 0.5, "||diag s - s s^T|| <= 1/2"),
    ("0.9*(logsumexp(y_pred) - sum(y_true*y_pred)) + 0.1*(logsumexp(y_pred) - mean(y_pred))", "logits",
     (0, 1, 0, 0), 0.5, "label smoothing: the same Hessian diag s - s s^T"),
    ("logsumexp(y_pred/4) - sum(y_true*y_pred)/4", "logits", (0, 0, 1), 1 / 32, "1/(2 T^2), T = 4"),
    ("sum(log1p(exp(-(2*y_true - 1)*y_pred)))", "logits", (1, 0, 0), 0.25, "softplus'' <= 1/4, separate coordinates"),
    ("sum((y_pred - y_true)**2)", "vector", (1, 0, 1), 2.0, "Hessian 2I"),
    ("sum((1 - y_true)*max(0, 1 + y_pred - sum(y_true*y_pred))**2)", "logits", (1, 0, 0), 8.0,
     "C1; each term 2|e_j - e_c|^2 = 4, z_c in both: 4 + 4 (the true sup is 2*3 = 6)"),
    ("sum(abs(y_pred - y_true))", "logits", (1, 0, 0), None, "kinks at y_pred_j = y_true_j"),
    ("max(y_pred) - sum(y_true*y_pred)", "logits", (1, 0, 0), None, "max: kinks where two scores tie"),
    ("-sum(y_true*log(y_pred))", "distribution", (0.2, 0.3, 0.5), None, "1/p_j^2 unbounded at the faces"),
    ("sum(where(y_pred > 0.5, 1, 0)*y_true)", "vector", (1, 1, 0), None, "a step: not even continuous"),
]


@pytest.mark.parametrize("text,kind,y,want,why", CASES)
def test_hand_derived_bounds(text, kind, y, want, why):
    got = _bound(text, kind, y)
    if want is None:
        assert got is None, why
    else:
        assert got is not None and want <= got <= want * (1 + 1e-9), (why, got)


def test_focal_and_gce_are_bounded_through_the_softmax():
    # -(1 - s)^2 log s and (1 - s^0.7)/0.7: log s and s^-0.3 blow up, but times the softmax's vanishing
    # derivatives (|grad s| <= sqrt2 s(1 - s)) the Hessian stays bounded
    for text in ("-sum(y_true*(1 - exp(y_pred - logsumexp(y_pred)))**2*(y_pred - logsumexp(y_pred)))",
                 "(1 - exp(0.7*(sum(y_true*y_pred) - logsumexp(y_pred))))/0.7"):
        got = _bound(text, "logits", (0, 1, 0))
        # sampled sups: 0.99 (focal, gamma = 2) and 0.24 (GCE, q = 0.7); the bounds stay within a few times
        assert got is not None and got < 3, (text, got)


def test_interval_enclosures_are_outward():
    t = sp.Symbol("t")
    iv = enclose(sp.exp(t) - t ** 2, {t: Iv(0.0, 1.0)})
    assert iv.lo <= 1 - 1 and iv.hi >= np.e  # exp(t) in [1, e], t^2 in [0, 1]
    assert enclose(sp.log(t), {t: Iv(-1.0, -0.5)}).lo == -np.inf  # undefined: no bound
    # sup |t log t| over (0, 1) is 1/e, at t = 1/e
    sup = univariate_sup([[t * sp.log(t)]], t, 0.0, 1.0)
    assert 1 / np.e <= sup <= 2 / np.e  # sound, and within the dependency of coarse pieces


def _catalog_bounds():
    out = []
    for loss in builtins():
        if loss.kind.vector and loss.has_expression:
            out.append(loss)
    return out


@pytest.mark.parametrize("loss", _catalog_bounds(), ids=lambda loss: loss.name)
def test_bound_is_never_below_sampled_hessian_norms(loss):
    dom = loss.pred_domain
    box = Iv(0.0, 1.0) if dom.on_simplex else Iv(float(dom.lo), float(dom.hi))
    rng = np.random.default_rng(7)
    for _label, sub, hull in _proof_targets(loss)[:4]:
        e = loss.exact_expression.xreplace(sub)
        enc = hessian_bound(e, loss.pred_symbols, {**{s: box for s in loss.pred_symbols}, **hull})
        if enc is None or not sub:
            continue
        y = np.array([float(sub[s]) for s in loss.true_symbols])
        X = numeric.vector_samples(dom, loss.K, y, rng, 300)
        norms = spectral_norms(loss.views, X, y)
        norms = norms[np.isfinite(norms)]
        assert norms.size and norms.max() <= enc.hess * (1 + 1e-9), (loss.name, y, norms.max(), enc.hess)
