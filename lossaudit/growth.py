"""Does a magnitude sampled along a geometric path grow without bound, or level off?

`trend(values)` reads |values| at one point per decade (the path has `per_decade` points a
decade, the last decade ending at the last point) and looks at the increments between
decades, d_k = w_{k+1} - w_k, and their ratios q_k = d_{k+1} / d_k over the last LOOK decades:

- converges: every |q_k| <= RATE (the increments shrink at least geometrically), and the
  remainder the geometric tail still adds, |d_last| * q / (1 - q), is within TOL of the value.
  The limit is extrapolated (Aitken's delta-squared step on the last three decades). A
  curvature that rises a millionfold and then levels off at 2e16 (a 1e-8 inside a log)
  converges: its increments fall a hundredfold per decade;
- unbounded: the increments are positive and do not shrink (every q_k >= KEEP): a power law
  t^-a has q = 10^a, log growth q = 1, log log about 0.92 at these depths; values beyond float
  range after finite growth count as growth;
- vanishing: it falls toward 0 (below 1e-6 of its peak, or steadily to under 1 % of it);
- bounded: anything else (a slow convergence such as c - 1/log t, q ~ 0.85, is not growth);
- unknown: fewer than 4 decades of finite values.

`floor`: magnitudes at or below it are float noise and read as 0 (a gradient of 1e-17 that wobbles
between 1e-17 and 3e-16 is no growth); callers pass NOISE times the scale of the quantity.

`noise`: per value, how far rounding may have moved it (a finite-difference estimate: `fd_noise`). An
increment between decades no larger than the noise of its two ends is read as no change, so a rise
made of rounding (a constant Hessian measured with steps squeezed by a face of the simplex:
2, 2 + 3e-10, 2 + 9e-8, 2 + 2e-6) is never growth; growth must clear the noise at every decade read.

Only a rule over shrinking increments can tell "levels off" from "keeps rising", never a
comparison of the last values with the first: that test called a converging 2e16 unbounded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PER_DECADE = 4
LOOK = 4        # decades of increments read at the end of the path
RATE = 0.5      # increments shrinking at least this fast per decade: geometric convergence
TOL = 1e-3      # ... and the remainder of the geometric tail within this fraction of the value
KEEP = 0.9      # increments not shrinking faster than this: growth without bound
NOISE = 1e-12   # magnitudes below this fraction of the quantity's scale are rounding noise: 0


@dataclass(frozen=True)
class Trend:
    kind: str               # 'unbounded', 'converges', 'vanishing', 'bounded' or 'unknown'
    limit: float | None = None   # the extrapolated limit when it converges


def trend(values, per_decade: int = PER_DECADE, floor: float = 0.0, noise=None) -> Trend:
    v = np.abs(np.asarray(values, dtype=float))
    e = np.zeros_like(v) if noise is None else np.broadcast_to(np.asarray(noise, dtype=float), v.shape)
    keep = ~np.isnan(v)
    v, e = v[keep], e[keep]
    v = np.where(v <= floor, 0.0, v)
    if v.size >= 4 and np.all(np.isinf(v)):
        return Trend("unbounded")  # beyond float range all along the path (cosh(1000 r))
    finite, e = v[np.isfinite(v)], e[np.isfinite(v)]
    if v.size and np.isinf(v[-1]) and finite.size >= 2 and finite[-1] >= finite[0]:
        return Trend("unbounded")
    if finite.size < 4:
        return Trend("unknown")
    at = np.arange(finite.size)[::-1][::per_decade][::-1]  # one value per decade, ending at the last
    if at.size < 4:
        at = np.arange(finite.size)[-4:]
    at = at[-(LOOK + 1):]
    return _decades(finite, finite[at], np.nan_to_num(e[at], nan=np.inf))


def _decades(v: np.ndarray, w: np.ndarray, e: np.ndarray) -> Trend:
    d = np.diff(w)
    d = np.where(np.abs(d) <= e[1:] + e[:-1], 0.0, d)  # a change within the rounding of its ends: none
    if np.all(d == 0):
        return Trend("converges", float(w[-1])) if w[-1] > 0 else Trend("vanishing", 0.0)
    q = _ratios(d)
    if np.all(d > 0) and np.all(q >= KEEP):
        return Trend("unbounded")
    peak = v.max()
    tail = v[-5:]
    if peak == 0 or v[-1] <= 1e-6 * peak or (np.all(np.diff(tail) <= 0) and v[-1] < 0.01 * peak):
        return Trend("vanishing", 0.0)
    rate = float(np.max(np.abs(q)))
    if rate <= RATE and abs(d[-1]) * rate / (1 - rate) <= TOL * w[-1]:
        return Trend("converges", _aitken(w))
    return Trend("bounded")


def _ratios(d: np.ndarray) -> np.ndarray:
    """d_{k+1} / d_k, with 0/0 read as 0 (no change at all) and x/0 as inf."""
    with np.errstate(divide="ignore", invalid="ignore"):
        q = d[1:] / d[:-1]
    return np.where(np.isnan(q), 0.0, q)


def _aitken(w: np.ndarray) -> float:
    a, b, c = (float(x) for x in w[-3:])
    den = c - 2 * b + a
    if den == 0 or not np.isfinite(den):
        return c
    return c - (c - b) ** 2 / den


def unbounded(values, per_decade: int = PER_DECADE, floor: float = 0.0, noise=None) -> bool:
    return trend(values, per_decade, floor, noise).kind == "unbounded"


FD_FLOOR = 1e-11  # the least rounding error assumed of a finite-difference derivative (relative to max(1, |L|))


def fd_noise(room, X: np.ndarray, L: np.ndarray, rel: float, order: int) -> np.ndarray:
    """The rounding error of a finite-difference derivative of order 1 (gradient) or 2 (Hessian) at each
    row of X, from the step it uses: about eps·max(1, |L|) / step**order, the step rel·max(1, |x|) cut
    to a quarter of the room left to the domain's edge (`room`, None when unbounded), as numeric's
    difference rules cut it: toward a face of the simplex the noise grows as room**-order."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    step = rel * np.maximum(1.0, np.abs(X).max(axis=1))
    if room is not None:
        step = np.minimum(step, 0.25 * np.asarray(room, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.maximum(FD_FLOOR, 8 * np.finfo(float).eps / step ** order) * np.maximum(1.0, np.abs(L))
