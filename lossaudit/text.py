"""How numbers and lists read in sentences and labels: 1, 0.5, 1.7, 1e+06, ∞, (1, 0, 0); "a, b and c"."""
from __future__ import annotations

import math


def listing(items, last: str = "and") -> str:
    """"a, b and c" (or "a, b or c"): names as a person lists them."""
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def did_you_mean(name: str, candidates) -> str:
    """"; did you mean convexity?" for a near miss among the candidates, else ""."""
    import difflib
    close = difflib.get_close_matches(str(name).lower(), [str(c) for c in candidates], n=3, cutoff=0.6)
    if not close:
        close = [c for c in candidates if str(c).startswith(str(name).lower()) and name][:3]
    return f"; did you mean {listing(close, 'or')}?" if close else ""


def fmt(v) -> str:
    """A number as a person would write it (1, 0.5, 1.7, 1e+06)."""
    import numpy as np  # imported lazily: the CLI reads `listing` at start-up, before numpy is needed
    if isinstance(v, (list, tuple, np.ndarray)):
        if isinstance(v, np.ndarray) and v.ndim == 1 and v.size > 16:  # K = 1000: each distinct value once
            seen = {x: fmt(x) for x in set(v.tolist())}
            return "(" + ", ".join([seen[x] if x in seen else fmt(x) for x in v.tolist()]) + ")"  # nan != nan
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


def apart(a: float, b: float) -> tuple[str, str]:
    """a and b with as many significant digits (6 to 17) as it takes to tell them apart: a counterexample
    that reads "raises the loss from 20 to 20" hides the numbers it rests on."""
    for digits in range(6, 18):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb:
            return sa, sb
    return f"{a:.17g}", f"{b:.17g}"
