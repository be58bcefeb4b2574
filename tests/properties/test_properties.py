"""Each property on small synthetic losses; every expected verdict is derived by hand (reason alongside)."""
from __future__ import annotations

import pytest

R = "(y_pred - y_true)"

CASES = [
    # property, expression, kind, verdict, method: why
    ("convexity", f"{R}**2", "regression", "holds", "proof"),              # L'' = 2 >= 0
    ("convexity", f"abs{R}", "regression", "holds", "proof"),              # |affine| is convex despite the kink
    ("convexity", f"log(1 + {R}**2)", "regression", "fails", "counterexample"),  # L'' < 0 for |r| > 1
    ("convexity", "exp(-y_true*y_pred)", "margin", "holds", "proof"),      # exp of affine
    ("differentiability", f"{R}**2", "regression", "holds", "proof"),      # polynomial, no breakpoint
    ("differentiability", f"abs{R}", "regression", "fails", "counterexample"),  # slopes -1 / +1 at r = 0
    ("smoothness", f"{R}**2", "regression", "holds", "proof"),             # L'' = 2 everywhere
    ("smoothness", f"{R}**4", "regression", "fails", "counterexample"),    # L'' = 12 r^2 is unbounded
    ("smoothness", f"abs{R}", "regression", "fails", "counterexample"),    # the gradient jumps at r = 0
    ("robustness", f"{R}**2", "regression", "fails", "counterexample"),    # |L'| = 2|r| -> inf
    ("robustness", f"abs{R}", "regression", "holds", "proof"),             # |L'| = 1 for r != 0
    ("robustness", f"log(1 + {R}**2)", "regression", "holds", "proof"),    # L' = 2r/(1 + r^2) -> 0
    ("sparsity", f"abs{R}", "regression", "holds", "proof"),               # convex, slopes -1 / +1 at the minimum
    ("sparsity", f"{R}**2", "regression", "fails", "counterexample"),      # L' = 2r -> 0 at the minimum
    ("sparsity", "log(1 + exp(-y_true*y_pred))", "margin", "fails", "counterexample"),  # infimum 0 never attained
    ("monotonicity", f"{R}**2", "regression", "holds", "proof"),           # L' = 2r: < 0 below y, > 0 above
    ("monotonicity", f"({R}**2 - 1)**2", "regression", "fails", "counterexample"),  # L(y+1) = 0 < L(y) = 1
    ("monotonicity", "(1 - y_true*y_pred)**2", "margin", "fails", "counterexample"),  # rises again for y·ŷ > 1
]


@pytest.mark.parametrize("prop, text, kind, verdict, method", CASES)
def test_verdict(decide, prop, text, kind, verdict, method):
    v = decide(prop, text, kind)
    assert (v.verdict, v.method) == (verdict, method), v.detail


def test_differentiability_class_and_kink_set(decide):
    assert decide("differentiability", f"{R}**2").extras["class"] == "C-infinity"   # no breakpoint at all
    kinked = decide("differentiability", f"abs{R}").extras
    assert kinked["class"] == "C0" and kinked["nondifferentiable_at"] == "y_pred = y_true"
    # max(0, r)^2: L' = 2 max(0, r) is continuous, L'' jumps from 0 to 2 at r = 0: C1, and differentiable
    v = decide("differentiability", f"max(0, {R})**2")
    assert (v.verdict, v.extras["class"]) == ("holds", "C1")


def test_smoothness_constants(decide):
    assert decide("smoothness", f"{R}**2").extras["constant"] == 2          # L'' = 2
    assert decide("smoothness", f"log(cosh{R})").extras["constant"] == 1    # L'' = sech^2 r, largest at r = 0


def test_robustness_grades(decide):
    assert decide("robustness", f"abs{R}").extras == {"grade": "bounded", "sensitivity": 1}
    assert decide("robustness", f"log(1 + {R}**2)").extras["grade"] == "redescending"
    assert decide("robustness", f"{R}**2").extras["grade"] == "unbounded"


def test_sparsity_evidence_is_the_pull(decide):
    ev = decide("sparsity", f"abs{R}").evidence
    assert (ev["left_derivative"], ev["right_derivative"]) == (-1, 1)   # slopes of |r| on either side of 0


def test_a_convexity_witness_rechecks(decide):
    v = decide("convexity", f"log(1 + {R}**2)")
    values = v.evidence["values"]
    assert values["L(t*a+(1-t)*b)"] > values["t*L(a)+(1-t)*L(b)"]       # the chord lies below the loss
