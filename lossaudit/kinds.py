"""Loss kinds as data: prediction and target domains, audited targets, the ideal prediction.

A kind fixes what a prediction and a target are (properties.md, "Loss kinds"):
the prediction domain, the target domain, which way lies the ideal prediction
and which way lies a gross error. Domains are small validated objects
(`Interval`, `FiniteSet`, `Simplex`, `OneHot`), never strings passed around.
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


@dataclass(frozen=True)
class Simplex:
    """The open probability simplex: K positive entries that sum to 1."""

    def __str__(self) -> str:
        return "open simplex"


@dataclass(frozen=True)
class OneHot:
    """A class label, written in expressions as a one-hot vector."""

    def __str__(self) -> str:
        return "one-hot class"


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


# The direction toward the ideal prediction, as data.
IDEAL_TARGET = "target"          # the ideal prediction is the target itself
IDEAL_MARGIN = "margin"          # the larger y_true*y_pred the better
IDEAL_TRUE_CLASS = "true_class"  # the true class's score far above the others


@dataclass(frozen=True)
class Kind:
    """A loss kind: what predictions and targets are, and what "the right answer" is."""

    name: str
    summary: str
    pred_domain: Domain       # per coordinate for vector kinds (Simplex: the whole vector)
    target_domain: Domain
    vector: bool
    ideal: str
    ideal_text: str
    gross_error_text: str

    def __str__(self) -> str:
        return self.name


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


def points_inside(dom: Domain, P):
    """Which rows of P (n, K) lie in the open prediction domain: the simplex's interior (entries > 0)
    or the box dom^K."""
    import numpy
    P = numpy.atleast_2d(numpy.asarray(P, dtype=float))
    if isinstance(dom, Simplex):
        return numpy.all(P > 0, axis=1)
    return numpy.all((P > dom.lo) & (P < dom.hi), axis=1)


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise DomainError(f"unknown kind {name!r}; the kinds are: {', '.join(KINDS)}") from None


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


def vector_targets(kind: Kind, target_domain: Domain, k: int) -> list[tuple[float, ...]]:
    """The targets a vector kind's audit covers, deterministic."""
    if isinstance(target_domain, OneHot):
        return [tuple(1.0 if j == c else 0.0 for j in range(k)) for c in range(k)]
    if isinstance(target_domain, Simplex):
        return simplex_targets(k)
    if isinstance(target_domain, FiniteSet):
        # the "most positive" corners first: (1, 1, 1), (1, 1, 0), ... (0, 0, 0)
        combos = sorted(itertools.product(target_domain.values, repeat=k), key=lambda c: (-sum(c), [-v for v in c]))
        if len(combos) > 8:
            step = len(combos) / 8
            combos = [combos[int(i * step)] for i in range(8)]
        return [tuple(c) for c in combos]
    values = interval_targets(target_domain, count=3)
    return [tuple(values[(i + s) % len(values)] for i in range(k)) for s in range(len(values))]
