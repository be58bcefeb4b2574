"""How numbers read in verdict sentences and labels: 1, 0.5, 1.7, 1e+06, ∞, (1, 0, 0)."""
from __future__ import annotations

import math

import numpy as np


def fmt(v) -> str:
    """A number as a person would write it (1, 0.5, 1.7, 1e+06)."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return "(" + ", ".join(fmt(x) for x in v) + ")"
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    short = f"{v:.6g}"
    if float(short) == int(float(short)) and float(short) != v and abs(v) < 1e6:
        return f"{v:.12g}"  # 0.9999999999 must not print as 1
    return short
