"""Issue 10, class 3 for callables: a finite-difference Hessian's rounding toward a face of the simplex is
never growth (growth must clear growth.fd_noise at every decade read), and a true blow-up still fails.

Expected verdicts are hand-derived, one line each (K = 3, the distribution kind, no autodiff engine).
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import lossaudit
from lossaudit import growth

sys.path.insert(0, str(Path(__file__).parent / "vector_simplex"))
import fd_losses as F  # noqa: E402

SMOOTH = {
    # callable: (constant sup |P H P|, reason)
    "weighted_sqdist_cb": (4 + 2 / math.sqrt(3), "H = diag(2, 4, 6) constant; on the tangent plane its top "
                                                 "eigenvalue is 4 + 2/sqrt(3)"),
    "scaled_sqdist_cb": (200.0, "H = 200 I constant; values up to 200 make the rounding 100 times larger"),
    "cubic_cb": (4.0, "H = diag(6 p): v.Hv = 6 sum p_j v_j^2 <= 6 max v_j^2 <= 4 on unit tangent v; 4 at a vertex"),
}

NOT_SMOOTH = {
    "negentropy_sqdist_cb": "H_jj = 1/p_j + 2 grows like 1/p toward a face",
    "sqrt_cb": "H_jj = 2 + p_j^-1.5/4 grows toward a face",
    "pow_1p5_cb": "H_jj = 0.75 p_j^-0.5: slow, but without bound toward a face",
}


def _smoothness(name):
    fn = getattr(F, name)
    return lossaudit.audit(fn, properties="smoothness", kind="distribution", classes=3).results[0].verdicts[
        "smoothness"]


@pytest.mark.parametrize("name", list(SMOOTH))
def test_bounded_curvature_callables_are_smooth(name):
    v = _smoothness(name)
    constant, _why = SMOOTH[name]
    assert v.verdict == "holds", v.detail
    assert abs(v.extras["constant"] - constant) <= 1e-2 * constant, v.extras


@pytest.mark.parametrize("name", list(NOT_SMOOTH))
def test_blow_up_toward_a_face_is_not_smooth(name):
    v = _smoothness(name)
    assert v.verdict == "fails" and v.method == "counterexample", v.detail
    ev = v.evidence
    c = np.asarray(ev["curvatures"], float)
    assert c.size >= 4 and np.all(np.diff(c) > 0) and c[-1] > 10 * c[0]   # the growth is in the numbers


def test_rounding_sized_increments_are_no_growth():
    # a constant 2 measured with ever smaller steps: the rises 3e-11, 3e-10, 9e-8, 2e-6 are within the noise
    values = [2.0, 2.0 + 3e-11, 2.0 + 3.5e-10, 2.0 + 9e-8, 2.0 + 2.4e-6]
    noise = [3e-11, 3e-9, 3e-7, 3e-5, 3e-3]
    assert growth.unbounded(values, per_decade=1)               # read without the noise: fake growth
    assert not growth.unbounded(values, per_decade=1, noise=noise)


def test_growth_far_above_the_noise_is_growth():
    p = 10.0 ** -np.arange(1, 9)
    values = 1 / p + 2
    noise = 1e-3 * 8 * 2.2e-16 / (2.5e-1 * p) ** 2
    assert growth.unbounded(values, per_decade=1, noise=noise)


def test_fd_noise_grows_as_the_room_shrinks():
    X = np.array([[0.5, 0.5 - 1e-6, 1e-6], [0.5, 0.5 - 1e-9, 1e-9]])
    e = growth.fd_noise(X.min(axis=1), X, np.ones(2), 1e-3, 2)
    assert e[1] / e[0] == pytest.approx(1e6, rel=1e-6)
