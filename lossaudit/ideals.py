"""The behaviour behind a kind's ideal: where the ideal prediction lies, how to move toward it, and
which way lie gross errors. One rule per family of kinds; `Kind.rule` picks it (lossaudit.kinds).

Kept apart from kinds.py so that the kind registry imports without numpy (the CLI reads it at start-up).
"""
from __future__ import annotations

import math

import numpy as np

from .budget import PROBES
from .domains import INF, Interval
from .kinds import IDEAL_LOG_OF_TARGET, IDEAL_LOGIT_OF_TARGET, IDEAL_MARGIN, IDEAL_TARGET, IDEAL_TRUE_CLASS
from .numeric import PER_DECADE
from .text import fmt


def _scalar(value, x):
    return float(value) if np.ndim(x) == 0 else value


class TargetIdeal:
    """The ideal prediction is the target itself (regression, positive, probability, distribution, box)."""

    is_target = True
    at_infinity = False

    def point(self, y):
        return tuple(float(v) for v in y) if isinstance(y, (tuple, list, np.ndarray)) else float(y)

    def center(self, y: float, dom: Interval) -> float:
        """A prediction to start paths and grids from: the target, else the middle of the domain."""
        if dom.contains(y):
            return float(y)
        if dom.bounded:
            return 0.5 * (dom.lo + dom.hi)
        return float(min(max(y, dom.lo + 1.0), dom.hi - 1.0))

    def toward(self, x, y):
        return _scalar(np.sign(y - np.asarray(x, dtype=float)), x)

    def overshoots(self, farther, closer, y):
        return (np.asarray(closer) - y) * (np.asarray(farther) - y) < 0

    def distance(self, x, y):
        return np.abs(y - np.asarray(x, dtype=float))

    def gross_directions(self, y: float, dom: Interval) -> list[int]:
        if dom.bounded:  # probability: the wrong end is the one farther from the target
            mid = 0.5 * (dom.lo + dom.hi)
            return [-1] if y > mid else [+1] if y < mid else [-1, +1]
        return [d for d, end in ((+1, dom.hi), (-1, dom.lo)) if math.isinf(end)]

    def gross_error_paths(self, Y, dom, k: int, t, steps, rng) -> list:
        if dom.on_simplex:
            return _simplex_gross(Y, k, steps, rng)
        if dom.bounded:
            return _box_gross(Y, dom, k, steps, rng)
        return [Route(f"|y_pred - y_true| -> inf along {fmt(np.round(d, 2))}", Y, d, t)
                for d in list(np.eye(k)) + list(-np.eye(k)) + list(rng.standard_normal((3, k)))]

    def ideal_inside(self, Y, dom) -> bool:
        return bool(dom.inside(Y)[0])

    def path_to_ideal(self, Y, dom):
        steps = 10.0 ** -(np.arange(12 * PER_DECADE) / PER_DECADE)
        centre = dom.centre(Y.size)
        return Y[None, :] + steps[:, None] * (centre - Y)[None, :]

    def symbolic_ideal(self, case):
        """The ideal prediction in the case's coordinates (sympy), for proofs."""
        return case.ideal()

    def segments_toward_ideal(self, X, Y, rng):
        s = 1.0 - np.concatenate([[1.0], 10.0 ** -np.linspace(0.05, 6, 24)])
        return X[:, None, :] + s[None, :, None] * (Y - X)[:, None, :]


class MarginIdeal(TargetIdeal):
    """The larger y_true·y_pred the better: the ideal lies at +∞ for y = +1 and at −∞ for y = −1."""

    is_target = False
    at_infinity = True

    def point(self, y):
        return INF if y > 0 else -INF

    def center(self, y, dom) -> float:
        return 0.0

    def toward(self, x, y):
        return _scalar(np.full(np.shape(x), 1.0 if y > 0 else -1.0), x)

    def overshoots(self, farther, closer, y):
        shape = np.broadcast(np.asarray(farther), np.asarray(closer)).shape
        return np.zeros(shape, dtype=bool) if shape else False

    def distance(self, x, y):
        return np.full(np.shape(x), INF) if np.ndim(x) else INF

    def gross_directions(self, y, dom) -> list[int]:
        return [-1] if y > 0 else [+1]


class TrueClassIdeal(TargetIdeal):
    """The true class's score far above the others (logits): the ideal lies at infinity."""

    is_target = False
    at_infinity = True

    def point(self, y):
        return None

    def gross_error_paths(self, Y, dom, k, t, steps, rng) -> list:
        """Rays along which the true class's margins fall without bound: the true score down, every
        subset of the competitors up (all subsets for small K, a deterministic sample for large K),
        from the origin (competitors equal) and from an offset where the competitors are unequal
        (the limit of a softmax loss toward a face can depend on their proportions)."""
        c = int(np.argmax(Y))
        others = [j for j in range(k) if j != c]
        dirs = [-np.eye(k)[c]]
        for S in subsets(others, rng):
            dirs.append(np.eye(k)[list(S)].sum(axis=0))
        dirs.append(np.ones(k) - (k + 1) * np.eye(k)[c])
        offset = np.zeros(k)
        offset[others] = np.linspace(-1.0, 1.0, len(others)) if len(others) > 1 else 0.0
        out = []
        for origin in (np.zeros(k), offset) if len(others) > 1 else (np.zeros(k),):
            where = "" if not origin.any() else f" from {fmt(np.round(origin, 3))}"
            out += [Route(f"the true class's margins -> -inf along {fmt(d)}{where}", origin, d, t) for d in dirs]
        return out

    def ideal_inside(self, Y, dom) -> bool:
        return False

    def path_to_ideal(self, Y, dom):
        u = Y - 1.0 / Y.size
        t = 10.0 ** (np.arange(-2 * PER_DECADE, 2 * PER_DECADE + 1) / PER_DECADE)
        return t[:, None] * u[None, :]

    def segments_toward_ideal(self, X, Y, rng):
        """From each sample along a random move that raises the true class's score above every other."""
        c = int(np.argmax(Y))
        D = rng.standard_normal(X.shape)
        D[:, c] = np.max(np.delete(D, c, axis=1), axis=1) + rng.uniform(0.1, 1.0, size=X.shape[0])
        s = np.concatenate([[0.0], 10.0 ** np.linspace(-3, 1.5, 24)])
        return X[:, None, :] + s[None, :, None] * D[:, None, :]


class Route(tuple):
    """(label, points (n, K)) of a path, unpacked as a pair, with its parametrisation for exact limits:
    points = origin + g * direction, with g the path's distances t -> inf (`infinite`), else its gaps
    s -> 0 toward a finite edge."""

    def __new__(cls, label: str, origin, direction, g, infinite: bool = True):
        origin, direction, g = (np.asarray(a, dtype=float) for a in (origin, direction, g))
        route = super().__new__(cls, (label, origin[None, :] + g[:, None] * direction[None, :]))
        route.origin, route.direction, route.infinite = origin, direction, infinite
        return route

    @property
    def label(self) -> str:
        return self[0]

    @property
    def points(self) -> np.ndarray:
        return self[1]


MAX_SUBSETS = PROBES  # for larger K, a deterministic sample of subsets of coordinates (budget.probes)


def subsets(items: list, rng, cap: int = MAX_SUBSETS) -> list:
    """Nonempty subsets of `items` (tuples, sorted): all of them when there are at most 2 * cap, else
    the singletons of the first cap // 2 items, the whole set and a sample drawn with `rng`."""
    n = len(items)
    if n == 0:
        return []
    if 2 ** n - 1 <= 2 * cap:
        return [tuple(items[i] for i in range(n) if mask >> i & 1) for mask in range(1, 2 ** n)]
    out = [(items[i],) for i in range(min(n, cap // 2))] + [tuple(items)]
    for _ in range(4 * cap):
        if len(out) >= cap:
            break
        pick = tuple(sorted(int(i) for i in rng.choice(items, size=int(rng.integers(2, n)), replace=False)))
        if pick not in out:
            out.append(pick)
    return out


def _unequal(k: int, support: list) -> np.ndarray:
    """Proportions over `support` that differ from each other (1, 2, 3, ... normalised)."""
    w = np.zeros(k)
    w[support] = np.arange(1, len(support) + 1, dtype=float)
    return w / w.sum()


def _simplex_gross(Y, k, steps, rng) -> list:
    """y_pred_S -> 0 together for every subset S of the classes with y_true_j > 0 (sampled for large K)
    that leaves some class, the others in the target's proportions and in unequal ones."""
    out = []
    for S in subsets([j for j in range(k) if Y[j] > 0], rng):
        rest_idx = [j for j in range(k) if j not in S]
        if not rest_idx:
            continue
        w = np.zeros(k)
        w[list(S)] = 1.0 / len(S)
        label = f"y_pred_{','.join(map(str, S))} -> 0"
        target = Y.copy()
        target[list(S)] = 0.0
        even = np.isin(np.arange(k), rest_idx) / len(rest_idx)
        rests = [target / target.sum() if target.sum() > 0 else even, _unequal(k, rest_idx)]
        for i, rest in enumerate(rests):
            if i and np.allclose(rest, rests[0]):
                continue
            where = "" if i == 0 else f", the others in proportions {fmt(np.round(rest, 3))}"
            out.append(Route(label + where, rest, w - rest, steps, infinite=False))
    return out


def _box_gross(Y, dom, k, steps, rng) -> list:
    """Each subset of the y_pred_j (all of them for small K, a sample for large K) toward the end of the
    box opposite y_true_j, the others a quarter of the way in from their target's end."""
    lo, hi = dom.lo, dom.hi
    mid = 0.5 * (lo + hi)
    base = np.where(Y > mid, hi - 0.25 * (hi - lo), lo + 0.25 * (hi - lo))
    opposite = np.where(Y > mid, lo, hi)
    toward = np.sign(opposite - base)
    out = []
    for S in subsets(list(range(k)), rng):
        origin, direction = base.copy(), np.zeros(k)
        origin[list(S)] = opposite[list(S)]
        direction[list(S)] = -toward[list(S)] * (hi - lo)
        label = ("every y_pred_j -> the end opposite y_true_j" if len(S) == k else
                 " and ".join(f"y_pred_{j} -> {fmt(opposite[j])}" for j in S))
        out.append(Route(label, origin, direction, steps, infinite=False))
    return out


def edge_paths(Y, dom, k: int, rng) -> list:
    """(label, points (n, K)) toward every edge of the prediction domain: the simplex's faces, the box's
    ends (and the target, a corner of the box), or infinity along coordinate and random directions."""
    steps = 10.0 ** -np.arange(1, 13, dtype=float)
    out = []
    if dom.on_simplex:
        return _simplex_faces(k, steps, rng)
    if dom.bounded:
        base = dom.centre(k)
        if np.all((Y >= dom.lo) & (Y <= dom.hi)):  # toward the target itself (a corner of the box)
            out.append(("y_pred -> y_true", Y[None, :] + steps[:, None] * (base - Y)[None, :]))
        for j in range(k):
            for end in (dom.lo, dom.hi):
                X = np.tile(base, (steps.size, 1))
                X[:, j] = end + np.sign(base[j] - end) * (dom.hi - dom.lo) * steps
                out.append((f"y_pred_{j} -> {fmt(end)}", X))
        return out
    t = 10.0 ** np.arange(0, 14, dtype=float)
    for d in list(np.eye(k)) + list(-np.eye(k)) + list(rng.standard_normal((4, k))):
        out.append((f"y_pred -> ∞ along {fmt(np.round(d, 2))}", t[:, None] * d[None, :]))
    return out


def _simplex_faces(k: int, steps, rng) -> list:
    """y_pred_S -> 0 for every subset S of the classes (sampled for large K) that leaves some class, the
    others equal and in unequal proportions (curvature toward a face can depend on them)."""
    out = []
    for S in subsets(list(range(k)), rng):
        rest_idx = [j for j in range(k) if j not in S]
        if not rest_idx:
            continue
        w = np.zeros(k)
        w[list(S)] = 1.0 / len(S)
        even = np.isin(np.arange(k), rest_idx) / len(rest_idx)
        label = f"y_pred_{','.join(map(str, S))} -> 0"
        out.append(Route(label, even, w - even, steps, infinite=False))
        if len(rest_idx) > 1:
            rest = _unequal(k, rest_idx)
            out.append(Route(f"{label}, the others in proportions {fmt(np.round(rest, 3))}", rest, w - rest, steps,
                             infinite=False))
    return out



class InverseLinkIdeal(TargetIdeal):
    """The ideal of a loss read through an increasing link, carried back to the raw output z: link^-1(y)
    (±inf allowed: logit(1) = +inf, log(0) = -inf). Gross errors lie where the loss's own lie, in the same
    direction (the link is increasing); `base_dom` is the prediction domain of the loss the link feeds."""

    is_target = False
    at_infinity = False  # the ideal is finite for soft labels and positive rates

    def __init__(self, inverse, sym_inverse, base_dom: Interval):
        self.inverse, self.sym_inverse, self.base_dom = inverse, sym_inverse, base_dom

    def point(self, y):
        with np.errstate(divide="ignore"):
            return float(self.inverse(float(y)))

    def center(self, y, dom) -> float:
        z = self.point(y)
        return z if math.isfinite(z) else 0.0

    def toward(self, x, y):
        return _scalar(np.sign(self.point(y) - np.asarray(x, dtype=float)), x)

    def overshoots(self, farther, closer, y):
        z = self.point(y)
        with np.errstate(invalid="ignore"):
            return (np.asarray(closer) - z) * (np.asarray(farther) - z) < 0

    def distance(self, x, y):
        return np.abs(self.point(y) - np.asarray(x, dtype=float))

    def gross_directions(self, y: float, dom: Interval) -> list[int]:
        return RULES[IDEAL_TARGET].gross_directions(y, self.base_dom)

    def symbolic_ideal(self, case):
        """The ideal in the case's coordinates (sympy, ±oo allowed); None for a shifted case."""
        import sympy as sp
        if case.shifted:
            return None
        z = self.sym_inverse(case.target)
        return z if not z.has(sp.zoo, sp.nan) else (sp.oo if case.target > 0 else -sp.oo)


def _logit(y):
    return np.log(y) - np.log1p(-y) if y < 1 else INF


def _sym_logit(y):
    import sympy as sp
    return sp.oo if y == 1 else sp.log(y) - sp.log(1 - y)


def _sym_log(y):
    import sympy as sp
    return sp.log(y)


RULES = {IDEAL_TARGET: TargetIdeal(), IDEAL_MARGIN: MarginIdeal(), IDEAL_TRUE_CLASS: TrueClassIdeal(),
         IDEAL_LOGIT_OF_TARGET: InverseLinkIdeal(_logit, _sym_logit, Interval(0, 1)),
         IDEAL_LOG_OF_TARGET: InverseLinkIdeal(np.log, _sym_log, Interval(0, INF))}
