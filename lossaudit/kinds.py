"""Loss kinds: what predictions and targets are, and what "the right answer" and "a gross error" mean.

A kind fixes (properties.md, "Loss kinds") the prediction domain, the target
domain, which way lies the ideal prediction and which way lies a gross error.
It carries that behaviour itself: `kind.center(y, dom)`, `kind.toward_ideal(x, y)`,
`kind.gross_directions(y, dom)`, `kind.gross_error_paths(...)` and friends, so
no other module branches on a kind's name. The behaviour comes from one of
three ideals (`TargetIdeal`, `MarginIdeal`, `TrueClassIdeal`); domains
(`lossaudit.domains`) answer for their own geometry. `KINDS` is the registry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .domains import (  # noqa: F401 - re-exported: domains were defined here before
    INF, Domain, FiniteSet, Interval, OneHot, Simplex, interval_targets, parse_domain, simplex_targets)
from .errors import DomainError, LossError
from .numeric import PER_DECADE
from .text import fmt

# The direction toward the ideal prediction, as data (kept for the modules that still compare it).
IDEAL_TARGET = "target"          # the ideal prediction is the target itself
IDEAL_MARGIN = "margin"          # the larger y_true*y_pred the better
IDEAL_TRUE_CLASS = "true_class"  # the true class's score far above the others


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
            return _simplex_gross(Y, k, steps)
        if dom.bounded:
            return _box_gross(Y, dom, k, steps)
        return [(f"|y_pred - y_true| -> inf along {fmt(np.round(d, 2))}", Y[None, :] + t[:, None] * d[None, :])
                for d in list(np.eye(k)) + list(-np.eye(k)) + list(rng.standard_normal((3, k)))]

    def ideal_inside(self, Y, dom) -> bool:
        return bool(dom.inside(Y)[0])

    def path_to_ideal(self, Y, dom):
        steps = 10.0 ** -(np.arange(12 * PER_DECADE) / PER_DECADE)
        centre = dom.centre(Y.size)
        return Y[None, :] + steps[:, None] * (centre - Y)[None, :]

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
        return np.zeros(np.broadcast(np.asarray(farther), np.asarray(closer)).shape, dtype=bool) \
            if np.ndim(farther) or np.ndim(closer) else False

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
        c = int(np.argmax(Y))
        dirs = [-np.eye(k)[c]] + [np.eye(k)[j] for j in range(k) if j != c]
        dirs.append(np.ones(k) - (k + 1) * np.eye(k)[c])
        return [(f"the true class's margins -> -inf along {fmt(d)}", t[:, None] * d[None, :]) for d in dirs]

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


def _simplex_gross(Y, k, steps) -> list:
    """y_pred_j -> 0 for each j with y_true_j > 0, the other entries in the target's proportions."""
    out = []
    for j in range(k):
        if Y[j] <= 0:
            continue
        rest = Y.copy()
        rest[j] = 0.0
        rest = rest / rest.sum() if rest.sum() > 0 else np.full(k, 1.0 / (k - 1))
        X = (1 - steps)[:, None] * rest[None, :]
        X[:, j] = steps
        out.append((f"y_pred_{j} -> 0", X))
    return out


def _box_gross(Y, dom, k, steps) -> list:
    """Each y_pred_j, then all of them, toward the end of the box opposite y_true_j."""
    lo, hi = dom.lo, dom.hi
    mid = 0.5 * (lo + hi)
    base = np.where(Y > mid, hi - 0.25 * (hi - lo), lo + 0.25 * (hi - lo))
    opposite = np.where(Y > mid, lo, hi)
    toward = np.sign(opposite - base)
    out = []
    for j in list(range(k)) + [None]:
        X = np.tile(base, (steps.size, 1))
        for c in range(k) if j is None else [j]:
            X[:, c] = opposite[c] - toward[c] * (hi - lo) * steps
        label = "every y_pred_j -> the end opposite y_true_j" if j is None else f"y_pred_{j} -> {fmt(opposite[j])}"
        out.append((label, X))
    return out


def edge_paths(Y, dom, k: int, rng) -> list:
    """(label, points (n, K)) toward every edge of the prediction domain: the simplex's faces, the box's
    ends (and the target, a corner of the box), or infinity along coordinate and random directions."""
    steps = 10.0 ** -np.arange(1, 13, dtype=float)
    out = []
    if dom.on_simplex:
        for j in range(k):
            rest = np.full(k, 1.0 / (k - 1))
            rest[j] = 0.0
            X = (1 - steps)[:, None] * rest[None, :]
            X[:, j] = steps
            out.append((f"y_pred_{j} -> 0", X))
        return out
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


_IDEALS = {IDEAL_TARGET: TargetIdeal(), IDEAL_MARGIN: MarginIdeal(), IDEAL_TRUE_CLASS: TrueClassIdeal()}


@dataclass(frozen=True)
class Link:
    """How a raw model output becomes the prediction the loss reads: the identity today (the links issue
    adds sigmoid, softmax and exp)."""

    name: str = "identity"

    def __call__(self, z):
        return z


IDENTITY = Link()


@dataclass(frozen=True)
class Kind:
    """A loss kind: what predictions and targets are, and what "the right answer" is."""

    name: str
    summary: str
    pred_domain: Domain       # per coordinate for vector kinds (Simplex: the whole vector)
    target_domain: Domain
    vector: bool
    ideal: str                # IDEAL_TARGET, IDEAL_MARGIN or IDEAL_TRUE_CLASS; behaviour: the methods below
    ideal_text: str
    gross_error_text: str
    link: Link = IDENTITY

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> TargetIdeal:
        """The behaviour of the kind's ideal (see TargetIdeal, MarginIdeal, TrueClassIdeal)."""
        return _IDEALS[self.ideal]

    # -- the ideal prediction ------------------------------------------------------
    @property
    def ideal_is_target(self) -> bool:
        """The ideal prediction is the target itself (plots mark it)."""
        return self.rule.is_target

    @property
    def ideal_at_infinity(self) -> bool:
        """The ideal lies at infinity (margins, class scores): no move toward it overshoots."""
        return self.rule.at_infinity

    def ideal_prediction(self, y):
        """The ideal prediction for target y: y itself, ±inf for a margin label, None for a class."""
        return self.rule.point(y)

    def center(self, y: float, dom: Interval) -> float:
        """Where scalar grids and paths start for target y (prediction domain dom)."""
        return self.rule.center(y, dom)

    def toward_ideal(self, x, y):
        """+1 where raising y_pred at x moves toward the ideal, -1 where lowering it does, 0 at it."""
        return self.rule.toward(x, y)

    def overshoots(self, farther, closer, y):
        """The move from `farther` to `closer` jumps past the ideal prediction (scalar kinds)."""
        return self.rule.overshoots(farther, closer, y)

    def distance_to_ideal(self, x, y):
        """|ideal - x| (inf when the ideal lies at infinity)."""
        return self.rule.distance(x, y)

    # -- gross errors ----------------------------------------------------------------
    def gross_directions(self, y: float, dom: Interval) -> list[int]:
        """Directions (+1: y_pred up, -1: down) in which the prediction runs into a gross error."""
        return self.rule.gross_directions(y, dom)

    def gross_error_paths(self, Y, dom, k: int, t, steps, rng) -> list:
        """(label, points (n, K)) toward every gross error at target Y (vector kinds): `t` the distances
        toward infinity, `steps` the gaps to a finite end, `rng` for random directions."""
        return self.rule.gross_error_paths(Y, dom, k, t, steps, rng)

    def edge_paths(self, Y, dom, k: int, rng) -> list:
        """(label, points (n, K)) toward every edge of the prediction domain and infinity (vector kinds)."""
        return edge_paths(Y, dom, k, rng)

    # -- segments toward the ideal (vector kinds) ----------------------------------------
    def ideal_inside(self, Y, dom) -> bool:
        """Does the ideal prediction for Y lie in the open prediction domain?"""
        return self.rule.ideal_inside(Y, dom)

    def path_to_ideal(self, Y, dom):
        """Points moving toward the ideal prediction: up the true class (logits), or to y_true itself."""
        return self.rule.path_to_ideal(Y, dom)

    def segments_toward_ideal(self, X, Y, rng):
        """(n, m, K): from each row of X, m points moving toward the ideal prediction for Y."""
        return self.rule.segments_toward_ideal(X, Y, rng)

    @property
    def applies_to_simplex(self) -> bool:
        """Predictions are points of the simplex (derivatives are taken along it)."""
        return self.pred_domain.on_simplex

    def tangent_projection(self, k: int):
        """The projection onto the prediction domain's tangent space (None: no constraint)."""
        return self.pred_domain.tangent_projection(k)

    # -- domains a loss may change ----------------------------------------------------------
    def check_override(self, dom: Domain, what: str, loss_name: str) -> None:
        """Refuse a prediction or target domain that this kind cannot take (what: "prediction" or "target")."""
        if self.vector and not self.pred_domain.overridable:
            raise LossError(f"the {what} domain of a {self.name} loss is the simplex; it cannot be changed")
        if what == "prediction" and not isinstance(dom, Interval):
            raise LossError(f"the prediction domain of {loss_name!r} must be an interval; {dom} was given")
        base = self.pred_domain if what == "prediction" else self.target_domain
        if not base.overridable:
            raise LossError(f"the target of a {self.name} loss is a class; its domain cannot be changed")


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("regression", "real prediction, real target", Interval(-INF, INF), Interval(-INF, INF),
         False, IDEAL_TARGET, "y_pred = y_true", "|y_pred - y_true| -> inf, or |y_true| -> inf"),
    Kind("positive", "positive prediction (counts, rates), nonnegative target", Interval(0, INF),
         Interval(0, INF, lo_closed=True), False, IDEAL_TARGET, "y_pred = y_true",
         "y_pred -> inf, or y_true -> inf"),
    Kind("margin", "binary score, labels -1 and +1", Interval(-INF, INF), FiniteSet((-1.0, 1.0)),
         False, IDEAL_MARGIN, "sign(y_pred) = y_true, the larger y_true*y_pred the better",
         "y_true*y_pred -> -inf"),
    Kind("probability", "binary probability, labels 0 and 1", Interval(0, 1), FiniteSet((0.0, 1.0)),
         False, IDEAL_TARGET, "y_pred = y_true", "y_pred -> the wrong end of (0, 1)"),
    Kind("logits", "K class scores, a one-hot class", Interval(-INF, INF), OneHot(),
         True, IDEAL_TRUE_CLASS, "the true class's score far above the others",
         "the true class's margins -> -inf"),
    Kind("distribution", "a point of the open simplex, a target distribution", Simplex(), Simplex(),
         True, IDEAL_TARGET, "y_pred = y_true", "y_pred_j -> 0 for some j with y_true_j > 0"),
    Kind("vector", "K outputs in a box (e.g. soft segmentation masks)", Interval(0, 1),
         FiniteSet((0.0, 1.0)), True, IDEAL_TARGET, "y_pred = y_true (possibly a corner of the box)",
         "y_pred_j -> the end opposite y_true_j"),
)}

DEFAULT_CLASSES = 3


def kind_names() -> list[str]:
    """The kinds' names, in the registry's order (for choices and help texts)."""
    return list(KINDS)


def kinds_text(last: str = "or") -> str:
    """"regression, positive, ... distribution or vector": the kinds as a person lists them."""
    names = kind_names()
    return ", ".join(names[:-1]) + f" {last} " + names[-1]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise DomainError(f"unknown kind {name!r}; the kinds are: {', '.join(KINDS)}") from None


def points_inside(dom: Domain, P):
    """Which rows of P (n, K) lie in the open prediction domain (see Interval.inside, Simplex.inside)."""
    return dom.inside(P)


def vector_targets(kind: Kind, target_domain: Domain, k: int) -> list[tuple[float, ...]]:
    """The targets a vector kind's audit covers, deterministic (see each domain's vector_targets)."""
    return target_domain.vector_targets(k)
