"""Issue 10 for monotonicity on the simplex: a violation confined to a thin flat stretch beside a face (a
clip at p_j = 1e-7) is found from where the structure puts it (points a decade at a time toward each
face, the others at the target's proportions; beside the loss's kinks), and re-checks.

Why the clipped cross-entropies fail (by hand): with p_i below the clip, -y_i log clip(p_i) is flat, and
along p + t (y - p) the other terms change at rate -sum_{j != i} y_j (y_j - p_j) / p_j, which is
(1 - y_i)(y_i - p_i) / (1 - p_i) > 0 when p_j is proportional to y_j: the loss rises until p_i leaves
the clip (after t ~ clip / y_i).
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import lossaudit

sys.path.insert(0, str(Path(__file__).parent / "vector_simplex"))
import thin_losses as T  # noqa: E402

CASES = {
    # name: (K, expected, reason)
    "clipped_ce_1em7": (3, "fails", "flat below p_i = 1e-7: the others' -y log p rises for the first ~1e-7"),
    "clipped_ce_max_1em4": (4, "fails", "the same with the clip at 1e-4 (np.maximum), K = 4"),
    "clipped_kl_1em6": (3, "fails", "KL(y || max(p, 1e-6)) = clipped CE - H(y): the same rise"),
    "clipped_sqdist_1em6": (3, "holds", "each (max(p_j, 1e-6) - y_j)^2 is nonincreasing as p_j moves to y_j"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_thin_flat_stretches(name):
    k, expected, _why = CASES[name]
    fn = getattr(T, name)
    v = lossaudit.audit(fn, kind="distribution", classes=k, properties="monotonicity").results[0].verdicts[
        "monotonicity"]
    assert v.verdict == expected, v.detail
    if expected == "fails":
        ev = v.evidence
        y, far, close = (np.asarray(ev[key], float) for key in ("y_true", "farther", "closer"))
        # closer = farther + t (y - farther) for one t in (0, 1]: it lies on the segment toward the ideal
        t = float(np.dot(close - far, y - far) / np.dot(y - far, y - far))
        assert 0 < t <= 1 and np.allclose(close, far + t * (y - far), rtol=0, atol=1e-12)
        assert abs(math.fsum(far) - 1) < 1e-12 and abs(math.fsum(close) - 1) < 1e-12
        lf, lc = float(fn(far, y)), float(fn(close, y))
        assert lc - lf > 1e-9 * max(abs(lf), abs(lc))           # the rise clears rounding, relative and absolute
