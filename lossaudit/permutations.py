"""Which targets a vector loss's audit covers, reduced by the loss's symmetry under permuting classes.

An expression loss is invariant under a joint permutation σ of the coordinates of y_pred and y_true:
L(σx, σy) = L(x, y). This is a structural fact of the expression language, not an assumption: it has
no indexing, every operation is elementwise or a symmetric reduction (sum, mean, logsumexp, max,
min), and parameters are scalars. Hence every property decided at target y holds or fails alike at
σy (a counterexample at (x, y) is one at (σx, σy)), and one target per permutation orbit stands for
the whole orbit: one one-hot class for all K classes; for a box of labels one corner per count of
each label (K + 1 corners for {0, 1}, not 2^K); simplex targets whose entries are not rearrangements
of each other.

A callable's symmetry is not known (it may weigh classes, or index them). Up to K = 8 it keeps every
target of today's audit; above, a deterministic sample of at most MAX_TARGETS targets, said in a note.
"""
from __future__ import annotations

import itertools
import math

from .domains import FiniteSet, OneHot, Simplex, simplex_targets

MAX_TARGETS = 8           # targets per audit where there are more orbits (or a callable's classes)
CALLABLE_ALL_TARGETS_K = 8  # up to this K a callable is audited at every target (as before)


def symmetric(loss) -> bool:
    """Is the loss invariant under joint permutations of the classes (see the module doc)?"""
    return loss.has_expression


def orbit_key(y) -> tuple:
    """What a permutation keeps of a target: its entries as a multiset (sorted)."""
    return tuple(sorted(float(v) for v in y))


def representatives(targets) -> list:
    """The first target of each permutation orbit, in the given order."""
    seen, out = set(), []
    for y in targets:
        key = orbit_key(y)
        if key not in seen:
            seen.add(key)
            out.append(tuple(y))
    return out


def audit_targets(loss) -> list:
    """The targets of a vector loss's audit (deterministic), one per orbit for an expression."""
    dom, k = loss.target_domain, loss.K
    small = not symmetric(loss) and k <= CALLABLE_ALL_TARGETS_K
    if isinstance(dom, OneHot):
        return _one_hot(loss, k)
    if isinstance(dom, FiniteSet):
        corners = dom.vector_targets(k) if small else _corner_orbits(dom.values, k)
        return corners if small or symmetric(loss) else _spread(corners)
    targets = _simplex(k) if isinstance(dom, Simplex) else dom.vector_targets(k)
    return targets if small else representatives(targets) if symmetric(loss) else targets[:MAX_TARGETS]


def note(loss) -> str | None:
    """What a report should say about the targets of a callable audited at a sample of them."""
    if not loss.kind.vector or symmetric(loss) or loss.K <= CALLABLE_ALL_TARGETS_K:
        return None
    n = len(audit_targets(loss))
    return (f"at K = {loss.K} the callable was audited at {n} deterministic targets, not all of them: its "
            "symmetry under permuting classes is not known (an expression's is, and one target per orbit "
            "stands for all)")


def _one_hot(loss, k: int) -> list:
    if symmetric(loss):
        classes = [0]
    elif k <= CALLABLE_ALL_TARGETS_K:
        classes = list(range(k))
    else:
        classes = sorted({round(i * (k - 1) / (MAX_TARGETS - 1)) for i in range(MAX_TARGETS)})
    return [tuple(1.0 if j == c else 0.0 for j in range(k)) for c in classes]


def _corner_orbits(values, k: int) -> list:
    """One corner per orbit of the box values^k, the most positive first (the corner's larger values
    first), at most MAX_TARGETS: with more orbits, the extremes (all alike, one entry off) and an even
    spread between them."""
    values = sorted(values, reverse=True)
    if math.comb(k + len(values) - 1, len(values) - 1) <= 10_000:
        orbits = [tuple(c) for c in itertools.combinations_with_replacement(values, k)]
    else:  # many labels and a large K: corners of two labels each, at a spread of counts
        counts = sorted({0, 1, k // 2, k - 1, k})
        orbits = [tuple([a] * c + [b] * (k - c)) for a, b in itertools.combinations(values, 2) for c in counts]
        orbits = list(dict.fromkeys(orbits))
    orbits.sort(key=lambda c: (-sum(c), [-v for v in c]))
    return _spread(orbits)


def _spread(items: list) -> list:
    """At most MAX_TARGETS of `items`: the two at each end (all alike, one entry off) and an even
    spread between them."""
    n = len(items)
    if n <= MAX_TARGETS:
        return list(items)
    inner = {round(1 + (i + 1) * (n - 3) / (MAX_TARGETS - 3)) for i in range(MAX_TARGETS - 4)}
    return [items[i] for i in sorted({0, 1, n - 2, n - 1} | inner)]


def _simplex(k: int) -> list:
    """The simplex targets (centre, skewed, near a corner); at large K the near-corner point keeps
    half the mass on its class, where 0.01 per other class would leave it none."""
    targets = simplex_targets(k)
    if targets[-1][0] >= 0.5:  # K <= 51
        return targets
    eps = 0.5 / (k - 1)
    return targets[:-1] + [tuple([1.0 - eps * (k - 1)] + [eps] * (k - 1))]


def distinct_paths(loss, paths, Y) -> list:
    """`paths` ((label, points (n, K)), ...) without those that a permutation fixing the target Y maps
    onto an earlier one (an expression loss behaves alike along both); a callable keeps them all.
    Two paths are related so exactly when the columns of [Y; points], as a multiset, agree."""
    if not symmetric(loss):
        return list(paths)
    import numpy as np
    seen, out = set(), []
    Y = np.asarray(Y, dtype=float)
    for label, X in paths:
        stacked = np.vstack([Y[None, :], np.asarray(X, dtype=float)])
        key = (stacked.shape, stacked[:, np.lexsort(stacked[::-1])].tobytes())
        if key not in seen:
            seen.add(key)
            out.append((label, X))
    return out


PROOF_FULL_K = 8  # above this K, proofs on the expanded sympy form run at a reduced K (see reduced_case)


def reduced_case(loss, y):
    """(loss at a small K', target at K', words) standing for `loss` at target y, for structural proofs
    (DCP), or None when the full form is to be used (small K, or a callable).

    Why it stands: the expanded form at K is a tree whose sums and reductions have one term per
    coordinate, each term the same expression in (y_pred_i, y_true_i); terms with equal y_true_i are
    alike. A composition rule (DCP) sees each sum through the classes of its terms, so the derivation
    at K' with every target value present min(count, 2) times (one stays one, many stay many) is the
    derivation at K, step by step."""
    from dataclasses import replace
    k = loss.K
    if not symmetric(loss) or k <= PROOF_FULL_K:
        return None
    if y is None:  # a symbolic target (the simplex): every coordinate alike
        return replace(loss, classes=3), None, f"derived at K = 3, the same derivation for K = {k}"
    values = sorted(set(float(v) for v in y), reverse=True)
    small = []
    for v in values:
        small += [v] * min(2, sum(1 for u in y if float(u) == v))
    small = small if len(small) >= 2 else small * 2
    return (replace(loss, classes=len(small)), tuple(small),
            f"derived at K = {len(small)}, the same derivation for K = {k}")
