"""Callables written with PyTorch or JAX get exact derivatives; kinks still come from values.

Skipped when neither is installed (the path is then simply absent)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import lossaudit

HERE = Path(__file__).parent / "user_losses"
sys.path.insert(0, str(HERE))


def verdicts(report):
    return {p: v.verdict for p, v in report.results[0].verdicts.items()}


@pytest.fixture(scope="module")
def torch_losses():
    pytest.importorskip("torch")
    import torch_losses
    return torch_losses


def test_torch_derivatives_are_exact(torch_losses):
    loss = lossaudit.Loss.from_callable(torch_losses.log_cosh, "regression")
    x = np.array([-3.0, -0.5, 0.0, 0.7, 12.0])
    assert loss.views.engine == "torch"
    # (log cosh r)' = tanh r, (log cosh r)'' = 1 - tanh^2 r: exact to rounding, not to a finite-difference step
    np.testing.assert_allclose(loss.views.d1(x, 0.0), np.tanh(x), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(loss.views.d2(x, 0.0), 1 - np.tanh(x) ** 2, rtol=1e-12, atol=1e-15)


def test_torch_callable_matches_its_expression(torch_losses):
    by_torch = lossaudit.audit(torch_losses.log_cosh, kind="regression")
    by_expression = lossaudit.audit("log(cosh(y_pred - y_true))", kind="regression")
    assert verdicts(by_torch) == verdicts(by_expression)
    assert any("torch autodiff" in n for n in by_torch.results[0].notes)


def test_kink_is_found_although_autograd_returns_a_convention(torch_losses):
    # torch gives d|x|/dx = 0 at 0; the kink must still be found from values, with slopes -1 and 1
    v = lossaudit.audit(torch_losses.abs_loss, kind="regression", properties="differentiability")["differentiability"]
    assert v.verdict == "fails"
    assert v.evidence["point"] == 0.0
    assert (v.evidence["left_derivative"], v.evidence["right_derivative"]) == pytest.approx((-1.0, 1.0))


def test_torch_vector_callable(torch_losses):
    by_torch = lossaudit.audit(torch_losses.softmax_ce, kind="logits")
    by_expression = lossaudit.audit("logsumexp(y_pred) - sum(y_true*y_pred)", kind="logits")
    assert verdicts(by_torch) == verdicts(by_expression)
    assert by_torch["smoothness"].extras["constant"] == pytest.approx(0.5, rel=1e-6)


def test_jax_callable_matches_its_expression():
    pytest.importorskip("jax")
    import jax.numpy as jnp

    def log_cosh(y_pred, y_true):
        r = y_pred - y_true
        return jnp.logaddexp(r, -r) - jnp.log(2.0)

    by_jax = lossaudit.audit(log_cosh, kind="regression")
    assert any("jax autodiff" in n for n in by_jax.results[0].notes)
    assert verdicts(by_jax) == verdicts(lossaudit.audit("log(cosh(y_pred - y_true))", kind="regression"))
