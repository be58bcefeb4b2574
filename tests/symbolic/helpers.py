"""Small cases for the symbolic machinery, built directly (no catalog, no audit)."""
from __future__ import annotations

import sympy as sp

from lossaudit import symbolic as S

X = S.X
Y = sp.Symbol("y_true", real=True)  # a symbolic target, as symbolic_cases builds it
SECONDS = 4.0


def case(expr, lo=-sp.oo, hi=sp.oo, target=0):
    """x -> expr on the open interval (lo, hi), as a Case for target `target`."""
    t = target if isinstance(target, sp.Basic) else sp.Integer(target)
    return S.Case(expr, t, sp.sympify(lo), sp.sympify(hi), "test case")
