"""Domains of predictions and targets: small validated objects that know their own geometry.

`Interval`, `FiniteSet`, `Simplex` and `OneHot` answer the questions the
machinery asks of a domain (its labels, whether points lie inside, how far a
step may go, its centre, the targets an audit covers), so that no module needs
to ask which class a domain is. numpy is imported where it is used: the kind
registry loads without it.
"""
from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Union

from .errors import DomainError

INF = math.inf


def _fmt(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if v == INF:
        return "inf"
    if v == -INF:
        return "-inf"
    return repr(float(v)) if v != int(v) else str(int(v))


@dataclass(frozen=True)
class Interval:
    """An interval of the real line with open or closed ends (infinite ends are open)."""

    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False

    def __post_init__(self):
        if math.isnan(self.lo) or math.isnan(self.hi):
            raise DomainError(f"an interval end is NaN: {self}")
        if self.lo_closed and math.isinf(self.lo) or self.hi_closed and math.isinf(self.hi):
            raise DomainError(f"an infinite end must be open: {self}")
        if not (self.lo < self.hi or (self.lo == self.hi and self.lo_closed and self.hi_closed)):
            raise DomainError(f"the interval {self} is empty; its lower end must lie below its upper end")

    def __str__(self) -> str:
        return f"{'[' if self.lo_closed else '('}{_fmt(self.lo)}, {_fmt(self.hi)}{']' if self.hi_closed else ')'}"

    def contains(self, x: float) -> bool:
        above = x >= self.lo if self.lo_closed else x > self.lo
        below = x <= self.hi if self.hi_closed else x < self.hi
        return bool(above and below)

    @property
    def is_real_line(self) -> bool:
        return self.lo == -INF and self.hi == INF

    @property
    def bounded(self) -> bool:
        return math.isfinite(self.lo) and math.isfinite(self.hi)

    def interior(self) -> "Interval":
        """The open interval with the same ends."""
        return Interval(self.lo, self.hi) if self.lo < self.hi else self

    # what the machinery asks of any domain (see the class docstrings of the others)
    labels = ()            # the finite set of scalar labels, if the domain is one
    on_simplex = False     # points are probability vectors (the distribution kind)
    overridable = True     # a loss may narrow or replace this domain

    @property
    def positive(self) -> bool:
        """Every point has nonnegative entries (derivatives may assume a positive variable)."""
        return self.lo >= 0

    def inside(self, P):
        """Which rows of P (n, K) lie in the open box dom^K."""
        import numpy as np
        P = np.atleast_2d(np.asarray(P, dtype=float))
        return np.all((P > self.lo) & (P < self.hi), axis=1)

    def room(self, X):
        """Per point, how far a finite-difference step may go and stay in the box."""
        import numpy as np
        gap = np.minimum(X - self.lo, self.hi - X).min(axis=1)
        return np.where(np.isfinite(gap), gap, np.inf)

    def centre(self, k: int):
        """The centre of the box dom^K (bounded boxes only)."""
        import numpy as np
        return np.full(k, 0.5 * (self.lo + self.hi))

    def tangent_projection(self, k: int):
        """None: a box has no constraint to project onto (see Simplex)."""
        return None

    def vector_targets(self, k: int) -> list:
        """Cyclic shifts of a few simple values, and a target with every coordinate strictly inside
        (shifts may put an end of a closed interval in every target, where an open box never reaches)."""
        values = interval_targets(self, count=3)
        targets = [tuple(values[(i + s) % len(values)] for i in range(k)) for s in range(len(values))]
        inner = [v for v in values if self.lo < v < self.hi]
        if inner and tuple([inner[0]] * k) not in targets:
            targets.append(tuple([inner[0]] * k))
        return targets



@dataclass(frozen=True)
class FiniteSet:
    """A finite set of real values, such as the labels {-1, 1}."""

    values: tuple

    def __post_init__(self):
        if not self.values:
            raise DomainError("a finite set needs at least one value")
        if any(not math.isfinite(v) for v in self.values):
            shown = ", ".join(_fmt(float(v)) for v in self.values)
            raise DomainError(f"a finite set holds finite numbers only: {{{shown}}}")
        object.__setattr__(self, "values", tuple(sorted(set(float(v) for v in self.values))))

    def __str__(self) -> str:
        return "{" + ", ".join(_fmt(v) for v in self.values) + "}"

    def contains(self, x: float) -> bool:
        return float(x) in self.values

    @property
    def labels(self) -> tuple:
        """The labels themselves: a proof over each of them covers every target."""
        return self.values

    on_simplex = False
    overridable = True
    positive = False

    def room(self, X):
        return None

    def vector_targets(self, k: int) -> list:
        """The corners of the box, the "most positive" first: (1, 1, 1), (1, 1, 0), ... (0, 0, 0); at most 8."""
        combos = sorted(itertools.product(self.values, repeat=k), key=lambda c: (-sum(c), [-v for v in c]))
        if len(combos) > 8:
            step = len(combos) / 8
            combos = [combos[int(i * step)] for i in range(8)]
        return [tuple(c) for c in combos]


@dataclass(frozen=True)
class Simplex:
    """The open probability simplex: K positive entries that sum to 1."""

    def __str__(self) -> str:
        return "open simplex"

    labels = ()
    on_simplex = True
    overridable = False    # the distribution kind's domain is the simplex, always
    positive = True

    def inside(self, P):
        """Which rows of P (n, K) lie in the simplex's interior (entries > 0)."""
        import numpy as np
        P = np.atleast_2d(np.asarray(P, dtype=float))
        return np.all(P > 0, axis=1)

    def room(self, X):
        return X.min(axis=1)

    def centre(self, k: int):
        import numpy as np
        return np.full(k, 1.0 / k)

    def tangent_projection(self, k: int):
        """P = I - 11ᵀ/K: gradients and Hessians are taken along the simplex."""
        import numpy as np
        return np.eye(k) - np.ones((k, k)) / k

    def vector_targets(self, k: int) -> list:
        return simplex_targets(k)


@dataclass(frozen=True)
class OneHot:
    """A class label, written in expressions as a one-hot vector."""

    def __str__(self) -> str:
        return "one-hot class"

    labels = ()            # classes are not scalar labels
    on_simplex = False
    overridable = False    # a class is a class: its domain cannot be changed
    positive = False

    def room(self, X):
        return None

    def vector_targets(self, k: int) -> list:
        """Every class, as a one-hot vector."""
        return [tuple(1.0 if j == c else 0.0 for j in range(k)) for c in range(k)]


Domain = Union[Interval, FiniteSet, Simplex, OneHot]

_NUMBER = r"\s*([+-]?(?:inf(?:inity)?|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))\s*"


def _number(text: str, whole: str) -> float:
    t = text.strip().lower()
    if t.lstrip("+-") in ("inf", "infinity"):
        return -INF if t.startswith("-") else INF
    try:
        return float(t)
    except ValueError:  # pragma: no cover - the regex admits floats only
        raise DomainError(f"cannot read the number {text!r} in the domain {whole!r}") from None


def parse_domain(text: str) -> Interval | FiniteSet:
    """Read "(a, b)", "[a, b)", "(a, b]", "[a, b]" or "{v1, v2, ...}" (a, b numbers or ±inf)."""
    whole = text
    s = text.strip()
    m = re.fullmatch(r"([\(\[])" + _NUMBER + "," + _NUMBER + r"([\)\]])", s, flags=re.I)
    if m:
        lo, hi = _number(m.group(2), whole), _number(m.group(3), whole)
        return Interval(lo, hi, m.group(1) == "[", m.group(4) == "]")
    m = re.fullmatch(r"\{(.*)\}", s)
    if m:
        parts = [p for p in m.group(1).split(",")]
        if not parts or any(not re.fullmatch(_NUMBER, p, flags=re.I) for p in parts):
            raise DomainError(f"cannot read the finite set {whole!r}; write it as {{v1, v2, ...}} with numbers")
        return FiniteSet(tuple(_number(p, whole) for p in parts))
    raise DomainError(
        f"cannot read the domain {whole!r}; write an interval as \"(a, b)\", \"[a, b)\", \"(a, b]\" "
        "or \"[a, b]\" (a, b numbers or inf, -inf), or a finite set as \"{v1, v2, ...}\"")


# ---------------------------------------------------------------------------
# Targets an audit covers (numeric path). Symbolic proofs cover every target.

_TARGET_CANDIDATES = (0.0, 1.0, 1.7, -3.2, 0.5, 4.0, 25.0, -1.0, 100.0, -40.0, 2.5, 7.3, -12.0, 0.1)


def interval_targets(dom: Interval, count: int = 5) -> list[float]:
    """A deterministic handful of targets inside an interval, simple numbers first."""
    picked = [v for v in _TARGET_CANDIDATES if dom.contains(v)][:count]
    if len(picked) < 3:
        if dom.bounded:
            extra = [dom.lo + (dom.hi - dom.lo) * f for f in (0.5, 0.25, 0.75, 0.1, 0.9)]
        elif math.isfinite(dom.lo):
            extra = [dom.lo + d for d in (1.0, 0.5, 4.0, 30.0)]
        else:
            extra = [dom.hi - d for d in (1.0, 0.5, 4.0, 30.0)]
        extra += [v for v in (dom.lo, dom.hi) if math.isfinite(v) and dom.contains(v)]
        for v in extra:
            if v not in picked and dom.contains(v):
                picked.append(float(v))
    return picked[:count]


def simplex_targets(k: int) -> list[tuple[float, ...]]:
    """Interior points of the simplex: the centre, a skewed point, a near-corner point."""
    centre = tuple([1.0 / k] * k)
    weights = [float(k - i) for i in range(k)]
    skewed = tuple(w / sum(weights) for w in weights)
    near = tuple([1.0 - 0.01 * (k - 1)] + [0.01] * (k - 1))
    return [centre, skewed, near]


def within(dom, outer) -> bool:
    """Does the domain `dom` lie within `outer` (a simplex or one-hot `dom` is not compared here)?"""
    if isinstance(dom, FiniteSet):
        return all(outer.contains(v) for v in dom.values)
    if not isinstance(dom, Interval):
        return True  # simplex / one-hot: Loss refuses changing those, with its own message
    if isinstance(outer, FiniteSet):
        return dom.lo == dom.hi and outer.contains(dom.lo)
    low_ok = dom.lo > outer.lo or (dom.lo == outer.lo and (outer.lo_closed or not dom.lo_closed))
    high_ok = dom.hi < outer.hi or (dom.hi == outer.hi and (outer.hi_closed or not dom.hi_closed))
    return low_ok and high_ok
