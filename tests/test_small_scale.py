"""Issue 9, class 4: features at a small scale (a clip at 1e-8) are seen.

Sampling runs at the size of every number in the formula and at offsets scaled to each breakpoint
(1e-8 away from a clip at 3e-8, not 1e-2), and a kink whose slope falls (left > right) gives a
convexity counterexample directly: a chord across it. Expected verdicts are derived by hand.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import lossaudit
from lossaudit.analysis import constant_scales
from lossaudit.domains import Interval
from lossaudit.loss import Loss
from lossaudit.numeric import scalar_grid
from evidence import audit_expressions, check_expected

sys.path.insert(0, str(Path(__file__).parent / "user_losses"))
import exact_numbers as user  # noqa: E402

H, F = "holds", "fails"
R = "(y_pred - y_true)"

# expression, kind, {property: (verdict, hand-derived reason)}
EXPRESSIONS = {
    "two_sided_clip_3em8": ("-y_true*log(max(y_pred, 3e-8)) - (1 - y_true)*log(max(1 - y_pred, 3e-8))",
                            "probability", {
        "convexity": (F, "y = 1: flat at -log(3e-8) below p = 3e-8, then -log p: the slope falls from 0 to "
                         "-1/3e-8, a concave kink"),
        "differentiability": (F, "the same kink: slopes 0 and -3.3e7 at p = 3e-8"),
    }),
    "poisson_clip_3em9": ("y_pred - y_true*log(max(y_pred, 3e-9))", "positive", {
        "convexity": (F, "y > 0: slope 1 below the clip, 1 - y/3e-9 just above it: the slope falls"),
    }),
    "tiny_capped_abs": (f"{R}**2 + 0.01*min(abs{R}, 5e-8)", "regression", {
        "convexity": (F, "min(|r|, c) bends the slope down by 0.01 at |r| = c = 5e-8 (r^2 adds only 2r = 1e-7)"),
        "differentiability": (F, "kinks at r = 0 (slopes -0.01, 0.01) and at |r| = 5e-8"),
    }),
    # structural witnesses: a jump far below float resolution, a stationary point off the ideal
    "jump_up_1em9": (f"where({R} < 0.5, {R}**2, {R}**2 + 0.000000001)", "regression", {
        "convexity": (F, "L jumps up by 1e-9 at r = 0.5: a chord from 0.5-h to 0.5+h with its point at 0.5+h/2 "
                         "breaks for h < ~1e-5"),
        "differentiability": (F, "the value jumps at r = 0.5"),
        "monotonicity": (H, "the jump is away from the target and r^2 falls toward it on both sides"),
    }),
    "hinge_jump_down_1em6": ("where(y_true*y_pred < 1, 1 - y_true*y_pred + 0.000001, 0)", "margin", {
        "convexity": (F, "L drops by 1e-6 at m = 1 (from 1e-6 to 0): a chord's point just left of 1 lies above it"),
        "monotonicity": (H, "the loss only falls as m grows: 1 - m + 1e-6 decreasing, then the drop, then 0"),
    }),
    "probability_jump_1em7": ("where(y_pred < 0.3, 0.0000001, 0) + (y_pred - y_true)**2", "probability", {
        "convexity": (F, "L drops by 1e-7 as p passes 0.3"),
        "monotonicity": (F, "y = 0: moving from 0.3 toward 0 to 0.3 - 1e-8 adds 1e-7 and removes only 6e-9"),
    }),
    "offset_square_1em6": (f"({R} - 0.000001)**2", "regression", {
        "monotonicity": (F, "smallest at r = 1e-6, not 0: moving from r = 1e-6 to 0 raises the loss by 1e-12"),
    }),
    "poisson_eps_1em6": ("y_pred - y_true*log(y_pred + 0.000001)", "positive", {
        "monotonicity": (F, "L' = 1 - y/(p + 1e-6) vanishes at p = y - 1e-6: the loss rises from there to p = y"),
    }),
    "logcosh_offset_1em5": (f"log(cosh({R} + 0.00001))", "regression", {
        "monotonicity": (F, "smallest at r = -1e-5: moving from there to r = 0 raises the loss by ~5e-11"),
        "convexity": (H, "log cosh is convex, and so is its shift"),
    }),
    "tiny_tent": (f"where(abs{R} < 1e-7, 1e-7 - abs{R}, abs{R})", "regression", {
        "convexity": (F, "a tent 1e-7 - |r| on |r| < 1e-7: concave there"),
        "monotonicity": (F, "L(0) = 1e-7 > L(9e-8) = 1e-8: moving toward the target raises the loss"),
    }),
}


@pytest.fixture(scope="module")
def expression_reports():
    return audit_expressions(EXPRESSIONS)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_small_scale_features_are_seen(name, expression_reports):
    check_expected(expression_reports[name], EXPRESSIONS[name][2])


def test_the_convexity_chord_straddles_the_clip(expression_reports):
    ev = expression_reports["two_sided_clip_3em8"].results[0].verdicts["convexity"].evidence
    a, b = sorted((ev["chord"]["a"], ev["chord"]["b"]))
    # at the scale of the clip (y = 1: across 3e-8; y = 0: across 1 - 3e-8), not a chord of width ~1
    assert (a < 3e-8 < b and b < 1e-6) or (a < 1 - 3e-8 < b and b - a < 1e-6)


CALLABLES = {
    "clipped_log_tiny": ("probability", {
        "convexity": (F, "flat below p = 1e-8, then -log p falls with slope -1e8: a concave kink"),
    }),
    "capped_abs_tiny": ("regression", {
        "convexity": (F, "r^2 + min(|r|, 1e-8): the slope falls by 1 at |r| = 1e-8"),
    }),
    "clipped_log_decimal": ("probability", {
        "convexity": (F, "the same with the clip at 1e-6"),
    }),
}


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_callables_with_a_tiny_clip_are_not_convex(name):
    kind, expected = CALLABLES[name]
    report = lossaudit.audit(getattr(user, name), kind=kind, properties=",".join(expected), name=name)
    got = {p: v.verdict for p, v in report.results[0].verdicts.items()}
    assert got == {p: v for p, (v, _why) in expected.items()}
    ev = report.results[0].verdicts["convexity"].evidence
    a, b = sorted((ev["chord"]["a"], ev["chord"]["b"]))
    assert b - a < 1e-4                                   # a chord at the clip's own scale


def test_constant_scales_are_the_numbers_as_written():
    loss = Loss.from_expression("-log(max(y_pred, 2e-9)) + 0.45*y_pred", "probability")
    scales = constant_scales(loss)
    assert scales[0] == 2e-9 and 0.45 in scales           # the farthest from 1 first
    assert constant_scales(Loss.from_callable(lambda p, y: p, "probability")) == []


def test_grid_reaches_the_scale_of_breakpoints_and_constants():
    dom = Interval(0.0, 1.0)
    x = scalar_grid(dom, 0.5, np.random.default_rng(0), 200, breakpoints=[4e-9], scales=[4e-9])
    near = x[(x > 0) & (x < 1e-8)]
    assert 4e-9 in x and np.any((near > 4e-9) & (near < 4.5e-9)) and np.any((near < 4e-9) & (near > 3.5e-9))
