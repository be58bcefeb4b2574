"""Shared numeric machinery: sampling grids, finite differences, one-sided slopes, growth tests.

Every function is vectorised over arrays of points (no Python loops over sample
points) and takes its randomness from the one seeded `numpy.random.Generator`
it is given. Property modules use these and never re-implement them.
"""
from __future__ import annotations

import math

import numpy as np

from .domains import Interval

DECADES = np.arange(-9, 7)                  # 1e-9 .. 1e6 (clips at 1e-7, 1e-8 sit inside)
MANTISSAS = np.array([1.0, 1.5, 2.0, 3.0, 5.0, 7.0])
NEAR = 10.0 ** -np.arange(1, 10)             # approach distances to breakpoints and edges
PER_DECADE = 4                               # points per decade on paths toward gross errors


# ---------------------------------------------------------------------------
# Grids

def _inside(points: np.ndarray, dom: Interval) -> np.ndarray:
    keep = np.isfinite(points) & (points > dom.lo) & (points < dom.hi)
    return points[keep]


def scalar_grid(dom: Interval, center: float, rng: np.random.Generator, n: int,
                breakpoints=(), scales=()) -> np.ndarray:
    """Sample predictions in the open interval `dom`: scales 1e-6..1e6 around `center` and 0,
    both signs, the domain's edges, dense around every breakpoint (at offsets scaled to 1 and to the
    breakpoint itself: a clip at 1e-7 is seen from 1e-8 away), and at the scale of every given
    constant (`scales`: magnitudes of the formula's numbers). Sorted, unique."""
    lo, hi = dom.lo, dom.hi
    fixed = (MANTISSAS[:, None] * 10.0 ** DECADES[None, :]).ravel()
    parts = [np.array([center]), center + fixed, center - fixed, fixed, -fixed,
             np.array([0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0])]
    m = max(n // 2, 16)
    mags = 10.0 ** rng.uniform(-6, 6, size=m)
    signs = rng.choice([-1.0, 1.0], size=m)
    parts += [center + signs * mags, rng.uniform(-10, 10, size=m // 2) + center]
    if math.isfinite(lo):
        width = (hi - lo) if math.isfinite(hi) else max(1.0, abs(lo))
        parts += [lo + width * NEAR, lo + width * rng.uniform(0, 1, size=m // 2) ** 3]
    if math.isfinite(hi):
        width = (hi - lo) if math.isfinite(lo) else max(1.0, abs(hi))
        parts += [hi - width * NEAR, hi - width * rng.uniform(0, 1, size=m // 2) ** 3]
    if math.isfinite(lo) and math.isfinite(hi):
        parts.append(rng.uniform(lo, hi, size=m))
    for b in breakpoints:
        scale = max(1.0, abs(b))
        parts += [np.array([b]), b + scale * NEAR, b - scale * NEAR,
                  b + scale * rng.uniform(-0.5, 0.5, size=16)]
        if 0 < abs(b) < 1:
            parts += [b + abs(b) * NEAR, b - abs(b) * NEAR, b + abs(b) * rng.uniform(-0.5, 0.5, size=8)]
    parts += [_at_scales(center, scales)]
    points = _inside(np.concatenate(parts), dom)
    return np.unique(points)


def _at_scales(center: float, scales) -> np.ndarray:
    """Points at the size of each constant c: ±c·(1, 1.5, ..., 7) around 0 and around `center`."""
    c = np.asarray([abs(float(v)) for v in scales if math.isfinite(v) and v != 0], dtype=float)
    if c.size == 0:
        return np.empty(0)
    steps = (c[:, None] * MANTISSAS[None, :]).ravel()
    return np.concatenate([steps, -steps, center + steps, center - steps])


def gross_sequence(dom: Interval, start: float, direction: int, decades: int = 14,
                   per_decade: int = PER_DECADE, first_decade: int = 0) -> np.ndarray:
    """Points moving from `start` toward the domain's end in `direction` (+1 / -1), geometrically.

    Toward an infinite end: start ± 10^k; toward a finite end e: e ∓ |e - start|·10^-k;
    k runs over `decades` decades in steps of 1/per_decade (from `first_decade` toward infinity).
    """
    end = dom.hi if direction > 0 else dom.lo
    k = np.arange(decades * per_decade, dtype=float) / per_decade
    if math.isinf(end):
        pts = start + direction * 10.0 ** (k + first_decade)
    else:
        gap = abs(end - start)
        pts = end - direction * gap * 10.0 ** -(k + 1)
    return _inside(pts, dom)


def approach(point: float, side: int, scale: float = 1.0, decades: int = 12,
             per_decade: int = PER_DECADE) -> np.ndarray:
    """point + side·scale·10^-k, k from 1 over `decades` decades: a sequence approaching `point` from one side."""
    k = 1 + np.arange(decades * per_decade, dtype=float) / per_decade
    return point + side * scale * 10.0 ** -k


# ---------------------------------------------------------------------------
# Finite differences (for callables; expressions have exact derivatives)

def _step(x: np.ndarray, dom: Interval, rel: float) -> np.ndarray:
    h = rel * np.maximum(1.0, np.abs(x))
    room = np.minimum(x - dom.lo, dom.hi - x) * 0.25
    return np.minimum(h, np.where(np.isfinite(room) & (room > 0), room, h))


def fd_first(f, x: np.ndarray, dom: Interval) -> np.ndarray:
    """df/dx by central differences with one Richardson step (error O(h^4))."""
    x = np.asarray(x, dtype=float)
    h = _step(x, dom, 1e-3)
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


def fd_second(f, x: np.ndarray, dom: Interval) -> np.ndarray:
    """d2f/dx2 by central second differences with one Richardson step."""
    x = np.asarray(x, dtype=float)
    h = _step(x, dom, 1e-2)
    f0 = f(x)
    a = (f(x + h) - 2 * f0 + f(x - h)) / h ** 2
    b = (f(x + h / 2) - 2 * f0 + f(x - h / 2)) / (h / 2) ** 2
    return (4 * b - a) / 3


def _vector_step(X: np.ndarray, rel: float, room: np.ndarray | None) -> np.ndarray:
    h = rel * np.maximum(1.0, np.abs(X)).max(axis=1)
    if room is not None:
        h = np.minimum(h, 0.25 * room)
    return h


def fd_gradient(f, X: np.ndarray, directions: np.ndarray | None = None, room: np.ndarray | None = None,
                rel: float = 1e-4) -> np.ndarray:
    """Derivatives of f: (n, K) -> (n,) along each row of `directions` (default: the coordinates).

    With directions P e_j (P the projection onto the simplex's tangent space) the
    result is the projected gradient P ∇f. `room` bounds the step (distance to the
    domain's edge per point). Central differences with one Richardson step.
    """
    n, k = X.shape
    dirs = np.eye(k) if directions is None else directions
    h_row = _vector_step(X, rel, room)
    out = np.empty((n, dirs.shape[0]))
    for j, d in enumerate(dirs):  # a loop over K <= 8 directions, not over points
        # along a coordinate the step scales with that coordinate, not the largest one: at (-1e13, -1, 1)
        # a step of 1e9 in the second coordinate saturates a softmax and reads its slope as 0
        h = _coordinate_step(X, j, rel, room) if directions is None else h_row
        a = (f(X + h[:, None] * d) - f(X - h[:, None] * d)) / (2 * h)
        b = (f(X + h[:, None] * d / 2) - f(X - h[:, None] * d / 2)) / h
        out[:, j] = (4 * b - a) / 3
    return out


def _coordinate_step(X: np.ndarray, j: int, rel: float, room: np.ndarray | None) -> np.ndarray:
    h = rel * np.maximum(1.0, np.abs(X[:, j]))
    return h if room is None else np.minimum(h, 0.25 * room)


def fd_hessian(f, X: np.ndarray, directions: np.ndarray | None = None, room: np.ndarray | None = None,
               rel: float = 1e-3) -> np.ndarray:
    """Second derivatives of f along pairs of `directions` (default: the coordinates): (n, K, K)."""
    n, k = X.shape
    dirs = np.eye(k) if directions is None else directions
    m = dirs.shape[0]
    h = _vector_step(X, rel, room)
    H = np.empty((n, m, m))
    f0 = f(X)
    for i in range(m):
        for j in range(i, m):
            ei, ej = dirs[i] * h[:, None], dirs[j] * h[:, None]
            if i == j:
                v = (f(X + ei) - 2 * f0 + f(X - ei)) / h ** 2
            else:
                v = (f(X + ei + ej) - f(X + ei - ej) - f(X - ei + ej) + f(X - ei - ej)) / (4 * h ** 2)
            H[:, i, j] = H[:, j, i] = v
    # a step squeezed by the domain's edge (room ~1e-12) turns rounding into curvature (eps |f| / h^2 ~
    # 1e9 for a bounded Hessian): such rows are not measurements
    noise = 16 * 2.0 ** -52 * np.abs(f0) / h ** 2
    squeezed = (h < 1e-6 * np.maximum(1.0, np.abs(X).max(axis=1))) & \
        (noise > 1e-3 * np.nanmax(np.abs(H.reshape(n, -1)), axis=1, initial=0.0))
    H[squeezed] = np.nan
    return H


# ---------------------------------------------------------------------------
# Tests on values

def significant(violation: np.ndarray, size: np.ndarray, points: list, typical: float, rtol: float):
    """Which violations stand clear of rounding: above rtol x the values involved (`size`), and above
    the error of evaluating the loss at inputs this large (a difference of large terms, such as
    logsumexp(z) - z_c at z ~ 100, is only good to ~1e-14 absolute) and values this large."""
    reach = sum(np.abs(p).reshape(p.shape[0], -1).max(axis=1) for p in points)
    # the values themselves bound the rounding where they are small (r^2 + min(|r|, 1e-8) near 1e-8),
    # however large the loss is elsewhere
    floor = 1e-13 * (1.0 + reach) * np.maximum(1.0, np.minimum(typical, size))
    return np.isfinite(violation) & (violation > rtol * size + floor)


def growth(values: np.ndarray, per_decade: int = PER_DECADE) -> str:
    """Classify |values| sampled along a geometric path: 'unbounded', 'vanishing', 'bounded' or 'unknown'.

    Unbounded: increasing at the end, and either a millionfold rise or per-decade
    increments that do not shrink (log growth counts as unbounded; a slow convergence
    such as c - 1/log r does not). Vanishing: it
    falls toward 0 (below 1e-6 of its peak, or steadily to under 1% of it).
    Values beyond float range (+inf after finite growth) count as growth.
    """
    v = np.abs(np.asarray(values, dtype=float))
    v = v[~np.isnan(v)]
    if v.size >= 4 and np.all(np.isinf(v)):
        return "unbounded"  # beyond float range all along the path (cosh(1000 r))
    if v.size and np.isinf(v[-1]) and np.isfinite(v).sum() >= 2:
        finite = v[np.isfinite(v)]
        if finite[-1] >= finite[0]:
            return "unbounded"
    v = v[np.isfinite(v)]
    if v.size < 4:
        return "unknown"
    peak = v.max()
    tail = v[-5:]
    if np.all(np.diff(tail) > 0) and tail[-1] > 1e6 * max(v[0], 1e-300):
        return "unbounded"
    decade = v[::-1][::per_decade][::-1]  # one value per decade, ending at the last
    if decade.size >= 4:
        dt = decade[-4:]
        inc = np.diff(dt)
        # log growth adds the same amount every decade (ratio 1), log log nearly so (~0.92); a
        # gradient converging like c - 1/log r adds ever less (~0.85), like c - 1/r a tenth (0.1)
        if np.all(inc > 0) and np.mean(inc[1:] / inc[:-1]) > 0.9:
            return "unbounded"
    if peak == 0 or v[-1] <= 1e-6 * peak or (np.all(np.diff(tail) <= 0) and v[-1] < 0.01 * peak):
        return "vanishing"
    return "bounded"


def decade_indices(values, skip: int = 0, count: int = 6, per_decade: int = PER_DECADE) -> list:
    """Indices of whole-decade points of a path with finite values, for evidence a person reads:
    the first `skip` decades (distances below 1) are left out when at least 3 points remain."""
    v = np.asarray(values, dtype=float)
    finite = [int(i) for i in range(0, v.size, per_decade) if np.isfinite(v[i])]
    later = [i for i in finite if i >= skip * per_decade]
    return (later if len(later) >= 3 else finite)[:count]


def typical_magnitude(values: np.ndarray) -> float:
    """A typical size of the loss over samples (the median |value|): the scale of its rounding errors."""
    finite = np.abs(np.asarray(values)[np.isfinite(values)])
    return float(np.median(finite)) if finite.size else 1.0


def tidy(v: float) -> float:
    """Round away sampling noise: 0.2499999999 -> 0.25 (a simple fraction within 1e-8), else 10 digits."""
    from fractions import Fraction
    if not math.isfinite(v):
        return v
    frac = Fraction(v).limit_denominator(1000)
    if abs(float(frac) - v) <= 1e-8 * max(1.0, abs(v)):
        return float(frac)
    return float(f"{v:.10g}")


def simplicity(*xs) -> float:
    """How hard numbers are to read: significant digits plus orders of magnitude away from 1."""
    cost = 0.0
    for x in xs:
        for v in (x if isinstance(x, (list, tuple)) else [x]):
            v = float(v)
            if v == 0 or not math.isfinite(v):
                continue
            digits = len(f"{abs(v):.12g}".replace(".", "").replace("-", "").split("e")[0].strip("0"))
            cost += digits + abs(math.log10(abs(v)))
    return cost


def nice_numbers(x: float) -> list[float]:
    """Simpler numbers near x, simplest first: x rounded to 1, 2, 3, 4, 6 significant digits."""
    if x == 0 or not math.isfinite(x):
        return [x]
    out = []
    for digits in (1, 2, 3, 4, 6):
        r = float(f"{x:.{digits - 1}e}")
        if r not in out:
            out.append(r)
    if x not in out:
        out.append(x)
    return out


# ---------------------------------------------------------------------------
# Vector samples

def vector_samples(dom, k: int, y: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """n points of the prediction domain in R^K: across scales, near its edges, and near the target."""
    n = max(n, 24)
    if dom.on_simplex:
        parts = [rng.dirichlet(np.full(k, a), size=n // 4) for a in (0.2, 1.0, 5.0)]
        eps = 10.0 ** -rng.uniform(1, 8, size=(n // 8, 1))
        base = rng.dirichlet(np.ones(k), size=n // 8)
        j = rng.integers(0, k, size=n // 8)
        edge = base * (1 - eps)
        edge[np.arange(edge.shape[0]), j] = eps[:, 0]
        edge /= edge.sum(axis=1, keepdims=True)
        mix = 10.0 ** -rng.uniform(0, 6, size=(n // 8, 1))
        near = (1 - mix) * y[None, :] + mix * rng.dirichlet(np.ones(k), size=n // 8)
        pts = np.concatenate(parts + [edge, near])
        pts = pts[np.all(pts > 0, axis=1)]
        return pts / pts.sum(axis=1, keepdims=True)
    lo, hi = dom.lo, dom.hi
    if math.isinf(lo) and math.isinf(hi):
        scale = 10.0 ** rng.uniform(-2, 3, size=(n // 2, 1))
        wide = rng.standard_normal((n // 2, k)) * scale
        near = y[None, :] * 10.0 ** rng.uniform(-1, 2, size=(n // 4, 1)) + rng.standard_normal((n // 4, k))
        small = rng.standard_normal((n - n // 2 - n // 4, k))
        return np.concatenate([wide, near, small])
    if math.isfinite(lo) and math.isfinite(hi):
        w = hi - lo
        uni = lo + w * rng.uniform(0, 1, size=(n // 2, k))
        gap = w * 10.0 ** -rng.uniform(1, 8, size=(n // 4, k))
        side = rng.integers(0, 2, size=(n // 4, k)).astype(bool)
        edge = np.where(side, hi - gap, lo + gap)
        target = np.clip(y, lo + 1e-6 * w, hi - 1e-6 * w)
        mix = rng.uniform(0, 1, size=(n - n // 2 - n // 4, 1)) ** 2
        near = (1 - mix) * target[None, :] + mix * (lo + w * rng.uniform(0, 1, size=(mix.shape[0], k)))
        return np.concatenate([uni, edge, near])
    base = lo if math.isfinite(lo) else hi
    sgn = 1.0 if math.isfinite(lo) else -1.0
    return base + sgn * 10.0 ** rng.uniform(-6, 4, size=(n, k))


# Kink location moved to lossaudit.kinks; re-exported here for the modules that still import it from numeric.
from .kinks import find_kinks, slope_gap, snap, value_jumps  # noqa: E402, F401
