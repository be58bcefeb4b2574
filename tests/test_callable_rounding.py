"""Callables on the simplex whose values cancel near their zero, or have a cone point: rounding and
finite-difference steps must not become a kink or a vanishing pull (issue 10, classes 1 and 2).
Expected verdicts are hand-derived, one line each."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import lossaudit

sys.path.insert(0, str(Path(__file__).parent / "vector_simplex"))
import dist_losses as D  # noqa: E402

CASES = [
    # (callable, property, K, expected, reason)
    (D.js_cb, "differentiability", 3, "holds", "JS divergence is C-infinity on the open simplex"),
    (D.hellinger_cb, "differentiability", 3, "holds", "sqrt is smooth for p > 0: C-infinity inside"),
    (D.euclid_cb, "differentiability", 4, "fails", "|p - y| has a cone point at p = y"),
    (D.euclid_cb, "sparsity", 4, "holds", "the projected gradient (p-y)/|p-y| has norm 1 up to p = y"),
    (D.js_cb, "sparsity", 3, "fails", "interior minimizer p = y of a smooth loss: the gradient is 0 there"),
]


@pytest.mark.parametrize("func, prop, k, want, why", CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_callable_rounding_is_no_verdict(func, prop, k, want, why):
    v = lossaudit.audit(func, properties=prop, kind="distribution", classes=k).results[0].verdicts[prop]
    assert v.verdict == want, (why, v.detail)
