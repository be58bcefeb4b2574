"""Issue 10 for robustness at large K: exact limits along the gross-error paths are bounded by a
deterministic count (robustness.EXACT_PATH_NODES, tree nodes of gradient taken to limits), and a switch
whose argument has a signed limit is settled before the limit is taken (symbolic.limits._settled).

Hinge on the softmax probability, max(0, 1/2 - p_c): its gradient is -grad p_c = -p_c (e_c - p) where
p_c < 1/2, and p_c -> 0 along every gross error (the true class's margins -> -inf): redescending.
"""
from __future__ import annotations

import sympy as sp

import lossaudit
from lossaudit.symbolic.core import X
from lossaudit.symbolic.limits import _settled

PROB_HINGE = "max(0, 0.5 - exp(sum(y_true*y_pred) - logsumexp(y_pred)))"


def test_prob_hinge_at_k50_decides_by_budget():
    r = lossaudit.audit(expression=PROB_HINGE, kind="logits", classes=50, properties="robustness").results[0]
    v = r.verdicts["robustness"]
    assert v.verdict == "holds" and v.extras["grade"] == "redescending", v.detail  # p_c -> 0 on every path
    assert "gross-error paths would take more than" in v.detail   # the refusal names the limit


def test_prob_hinge_at_k3_is_redescending_by_exact_limits():
    v = lossaudit.audit(expression=PROB_HINGE, kind="logits", classes=3, properties="robustness").results[0] \
        .verdicts["robustness"]
    assert v.verdict == "holds" and v.extras["grade"] == "redescending", v.detail


def test_settled_switches():
    e = sp.exp(-X) * sp.Heaviside(sp.Rational(1, 2) - sp.exp(-X)) + sp.Abs(1 - X) + sp.sign(3 - X)
    s = _settled(e, 10.0)
    assert not s.has(sp.Heaviside, sp.Abs, sp.sign)       # 1/2 - e^-x -> 1/2 > 0; 1 - x, 3 - x -> -oo
    assert sp.simplify(s - (sp.exp(-X) + X - 1 - 1)) == 0
    assert _settled(sp.Heaviside(sp.sin(X) / X), 10.0).has(sp.Heaviside)   # lim of the argument is 0: left alone
