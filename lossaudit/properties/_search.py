"""Counterexample search shared by the properties that compare the loss at two or three points.

Convexity (chords) and monotonicity (ordered pairs) search the same way: compute
a violation for many candidates, keep the significant ones, try the clearest and
the simplest, shrink each to simple numbers, re-check it exactly, and report the
simplest that still breaks the property.
"""
from __future__ import annotations

import numpy as np

from ..numeric import significant, simplicity, typical_magnitude

TOP_CANDIDATES = 8


def first_witness(ctx, per_target):
    """(y, witness) for the first target whose `per_target(y)` finds one, else None."""
    for y in ctx.targets:
        found = per_target(y)
        if found is not None:
            return y, found
    return None


def violations(gap, size, points, reference, rtol):
    """(indices, relative sizes) of the candidates whose violation `gap` is significant (see numeric)."""
    strong = significant(gap, size, points, typical_magnitude(reference), rtol)
    idx = np.flatnonzero(strong)
    return idx, gap[idx] / (size[idx] + 1e-300)


def clearest(idx, rel, top: int = TOP_CANDIDATES) -> list:
    """The `top` candidates with the largest relative violation, largest first."""
    return list(idx[np.argsort(-rel)][:top])


def add_new(order: list, more) -> list:
    """`order` followed by the members of `more` it does not hold yet."""
    return order + [k for k in more if k not in order]


def simplest(candidates, shrink, broken):
    """The simplest candidate that still breaks the property once shrunk to simple numbers, or None.

    shrink(*candidate) -> the candidate with simpler numbers; broken(*candidate) re-checks it exactly.
    """
    verified = []
    for candidate in candidates:
        shrunk = shrink(*candidate)
        if broken(*shrunk):
            verified.append((simplicity(*shrunk), *shrunk))
    return tuple(min(verified)[1:]) if verified else None
