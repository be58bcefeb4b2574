"""Parameter regions: where, along one parameter, each property holds and where it fails.

`explore(loss, "alpha", -4, 2)` audits the loss on a grid of the parameter, then locates every change of
a property's verdict between neighbouring grid points: first by snapping to the simplest rationals of the
bracket (0, 1, 1/2, ...) and confirming by audits exactly at the candidate and SNAP_STEP beside it (then
the boundary is that rational, and the audit at it says which side it belongs to), else by bisection on
audited verdicts down to TOLERANCE. Every verdict is an ordinary audit (deterministic, cached): a
region is as good as the audits at its ends; between grid points the verdict is taken to be constant
unless a change was found, and the report says so.

Then, where the structure allows (lossaudit.symbolic.region_proof: convexity and robustness of scalar
expressions), each region's verdict is proved for every parameter value in it at once. A boundary whose
regions on both sides are proved is exact ("condition": "alpha >= 1", "proved": true), and a property
whose every region is proved is stated as "holds if and only if alpha >= 1"; otherwise the statement
keeps the audits' wording ("confirmed by audits at it and 4e-07 on each side"). A proof that disagrees
with the audited verdict is never claimed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from .errors import RegionError
from .text import fmt

GRID_POINTS = 17
TOLERANCE = 1e-6
SNAP_STEP = 4e-7           # the confirming audits beside a snapped boundary (within TOLERANCE of it)
MAX_DENOMINATOR = 12       # the simple rationals tried first
MAX_SPLITS = 3             # a bracket with a third verdict inside is split at most this deep


@dataclass
class Boundary:
    """A change of verdict: at `at` (exact when snapped), from `left` to `right`; `at_label` the verdict
    audited exactly there (exact boundaries), `width` the bracket left (bisected ones)."""

    at: float
    left: str
    right: str
    exact: bool = False
    at_label: str | None = None
    width: float = 0.0
    methods: tuple = ()     # how the audits just below, at and just above an exact boundary were decided
    condition: str | None = None   # "alpha >= 1": where the right side's verdict holds (exact boundaries)
    proved: bool = False           # the regions on both sides and the point itself proved (region_proof)

    @property
    def settled(self) -> bool:
        """Every audit the exact boundary rests on is a proof or a counterexample (none merely sampled)."""
        return bool(self.methods) and all(m in ("proof", "counterexample") for m in self.methods)

    @property
    def rational(self) -> Fraction:
        return Fraction(self.at).limit_denominator(MAX_DENOMINATOR)

    def to_dict(self) -> dict:
        out = {"at": self.at, "from": self.left, "to": self.right, "exact": self.exact}
        if self.exact:
            out["at_value"] = self.at_label
            out["methods"] = dict(zip(("below", "at", "above"), self.methods))
            out["settled"] = self.settled
            out["rational"] = str(self.rational)
            out["condition"] = self.condition
            out["proved"] = self.proved
            out["basis"] = ("proved for every value on both sides" if self.proved else
                            f"confirmed by audits at it and {SNAP_STEP:g} on each side")
        else:
            out["within"] = self.width
        return out


@dataclass
class Region:
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool
    label: str
    proof: object = None   # lossaudit.symbolic.region_proof.Proved: the verdict proved for every value here

    def interval(self, name: str) -> str:
        if self.lo == self.hi:
            return f"{name} = {fmt(self.lo)}"
        left, right = "[" if self.lo_closed else "(", "]" if self.hi_closed else ")"
        return f"{name} in {left}{fmt(self.lo)}, {fmt(self.hi)}{right}"

    def to_dict(self) -> dict:
        out = {"lo": self.lo, "hi": self.hi, "lo_closed": self.lo_closed, "hi_closed": self.hi_closed,
               "verdict": self.label, "proved": self.proof is not None}
        if self.proof is not None:
            out["proof"] = self.proof.how
        return out


@dataclass
class PropertyRegions:
    prop: str
    regions: list
    boundaries: list

    @property
    def proved(self) -> bool:
        """Every region proved and every boundary exact: the statement is exact, not only audited."""
        return all(r.proof is not None for r in self.regions) and all(b.exact for b in self.boundaries)

    def statement(self, name: str) -> str:
        """"holds if and only if alpha >= 1 (proved ...)" when every region is proved, else "holds for alpha in
        [1, 2]; fails for alpha in [-4, 1)" with the audits the exact boundaries rest on."""
        if self.proved:
            return proved_statement(self, name)
        parts = [f"{r.label} for {r.interval(name)}" for r in self.regions]
        exact = list({b.at: b for b in self.boundaries if b.exact}.values())
        text = "; ".join(parts)
        if exact:
            how = "proofs and counterexamples" if all(b.settled for b in exact) else "audits, some only sampled"
            text += " (boundar" + ("ies" if len(exact) > 1 else "y") + " at " + ", ".join(
                f"{name} = {Fraction(b.at).limit_denominator(MAX_DENOMINATOR)}" for b in exact) + \
                f" exactly: {how} at it and {SNAP_STEP:g} on each side)"
        return text

    def to_dict(self, name: str) -> dict:
        return {"regions": [r.to_dict() for r in self.regions], "boundaries": [b.to_dict() for b in self.boundaries],
                "statement": self.statement(name)}


@dataclass
class RegionReport:
    loss: object
    param: str
    lo: float
    hi: float
    grid: list
    properties: dict = field(default_factory=dict)   # prop -> PropertyRegions
    audits: int = 0

    def to_dict(self) -> dict:
        return {"loss": self.loss.name, "kind": str(self.loss.kind), "expression": self.loss.text,
                "parameter": self.param, "range": [self.lo, self.hi], "grid": self.grid, "audits": self.audits,
                "fixed": {k: v for k, v in self.loss.param_values.items() if k != self.param},
                "note": f"verdicts audited at {len(self.grid)} grid points and at every boundary found; between "
                        "grid points a verdict is taken to be constant unless a change was found there",
                "properties": {p: r.to_dict(self.param) for p, r in self.properties.items()}}


def proved_statement(pr, name: str) -> str:
    """The exact statement of a property whose every region is proved (lossaudit.symbolic.region_proof):
    "holds if and only if alpha >= 1, for alpha in [-4, 4]" when the holding regions are one interval."""
    first, last = pr.regions[0], pr.regions[-1]
    span = Region(first.lo, last.hi, first.lo_closed, last.hi_closed, "").interval(name)
    hows = "; ".join(dict.fromkeys(f"{r.label}: {r.proof.how}" for r in pr.regions))
    parts = "; ".join(f"{r.label} for {r.interval(name)}" for r in pr.regions)
    if len(pr.regions) == 1:
        return f"{first.label} for every {name} of the range, {span} (proved: {hows})"
    cond = holding_condition(pr, name)
    head = f"holds if and only if {cond}, for {span}: " if cond else ""
    return f"{head}{parts} (proved: {hows})"


def holding_condition(pr, name: str) -> str | None:
    """"alpha >= 1", "a <= 1/2", "0 < p <= 1": where the property holds, when that is one interval of the
    range touching neither both ends (None otherwise)."""
    held = [i for i, r in enumerate(pr.regions) if r.label.startswith("holds")]
    if not held or held != list(range(held[0], held[-1] + 1)) or len(held) == len(pr.regions):
        return None
    lo, hi = pr.regions[held[0]], pr.regions[held[-1]]
    a, b = _exact(lo.lo, pr), _exact(hi.hi, pr)
    low = f"{name} {'>=' if lo.lo_closed else '>'} {a}"
    high = f"{name} {'<=' if hi.hi_closed else '<'} {b}"
    if held[0] == 0:
        return high
    if held[-1] == len(pr.regions) - 1:
        return low
    return f"{a} {'<=' if lo.lo_closed else '<'} {name} {'<=' if hi.hi_closed else '<'} {b}"


def prove_regions(loss, name: str, pr) -> None:
    """Prove each region's verdict for every parameter value in it, and mark the boundaries whose both sides
    are proved (their condition is then exact). A proof that disagrees with the audits is not claimed."""
    from .symbolic.region_proof import PROPERTIES, prove_interval
    for b in pr.boundaries:
        if b.exact:
            b.condition = f"{name} {'>=' if b.at_label == b.right else '>'} {b.rational}"
    if pr.prop not in PROPERTIES or not all(b.exact for b in pr.boundaries):
        return
    for r in pr.regions:
        proof = prove_interval(loss, name, pr.prop, _exact(r.lo, pr), _exact(r.hi, pr), r.lo_closed, r.hi_closed)
        if proof is not None and proof.verdict == _unsampled(r.label):
            r.proof = proof
    for b in pr.boundaries:
        b.proved = all(r.proof is not None for r in pr.regions if r.lo <= b.at <= r.hi)


def _unsampled(word: str) -> str:
    """The audited label without "sampled": a proof over the region settles what the sampling found."""
    return word.replace(", sampled)", ")").replace(" (sampled)", "")


def _exact(value: float, pr) -> Fraction:
    """A region end as the exact number it stands for: a snapped boundary's rational, else the decimal written."""
    for b in pr.boundaries:
        if b.at == value:
            return b.rational
    return Fraction(repr(float(value)))


def label(verdict) -> str:
    """What a region is made of: the verdict, with robustness's grade (bounded vs redescending), and
    "sampled" for a holds that is not proved (regions of proved and of sampled holds are told apart)."""
    word = str(getattr(verdict.verdict, "value", verdict.verdict))
    if word != "holds":
        return word
    notes = [verdict.extras.get("grade")] if verdict.property == "robustness" else []
    if str(getattr(verdict.method, "value", verdict.method)) == "sampled":
        notes.append("sampled")  # not proved: a region of it is only as good as the sampling (never "proved")
    notes = [n for n in notes if n]
    return f"{word} ({', '.join(notes)})" if notes else word


def check_range(loss, name: str, lo: float, hi: float):
    """The declared parameter, refused with a message naming it when the range leaves its domain."""
    declared = {p.name: p for p in loss.parameters}
    if name not in declared:
        known = ", ".join(declared) or "none"
        raise RegionError(f"{loss.name!r} has no parameter {name!r} (its parameters: {known})")
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise RegionError(f"the range of {name!r} must be two finite numbers lo < hi; {fmt(lo)}:{fmt(hi)} was given")
    dom = declared[name].range
    if not (dom.contains(lo) and dom.contains(hi)):
        raise RegionError(f"the range {fmt(lo)}:{fmt(hi)} of {name!r} leaves its declared domain {dom} "
                          f"(parameter of {loss.name!r})")
    return declared[name]


class _Auditor:
    """Audits of the loss at parameter values, remembered (and cached on disk by the runner)."""

    def __init__(self, loss, name, props, seed):
        self.loss, self.name, self.props, self.seed = loss, name, tuple(props), seed
        self.seen: dict = {}
        self.methods: dict = {}
        self.count = 0

    def labels(self, values, props=None) -> list[dict]:
        from .api import audit
        props = tuple(props or self.props)
        todo = [v for v in dict.fromkeys(values) if any((v, p) not in self.seen for p in props)]
        if todo:
            report = audit([self.loss.with_values({self.name: v}) for v in todo], properties=props,
                           seed=self.seed, through=False)
            self.count += len(todo)
            for v, result in zip(todo, report.results):
                for p in props:
                    self.seen[(v, p)] = label(result.verdicts[p])
                    self.methods[(v, p)] = str(getattr(result.verdicts[p].method, "value", result.verdicts[p].method))
        return [{p: self.seen[(v, p)] for p in props} for v in values]

    def one(self, value: float, prop: str) -> str:
        return self.labels([value], (prop,))[0][prop]


def explore(loss, name: str, lo: float, hi: float, *, props=None, seed: int = 0,
            points: int = GRID_POINTS, prove: bool = True) -> RegionReport:
    """The regions of every property along parameter `name` over [lo, hi] (see the module's docstring)."""
    from .verdict import parse_properties
    check_range(loss, name, lo, hi)
    props = parse_properties(props)
    grid = _grid(lo, hi, points)
    auditor = _Auditor(loss, name, props, seed)
    rows = auditor.labels(grid)
    out = RegionReport(loss, name, lo, hi, grid)
    for prop in props:
        found = []
        for (a, la), (b, lb) in zip(zip(grid, (r[prop] for r in rows)), zip(grid[1:], (r[prop] for r in rows[1:]))):
            if la != lb:
                found += _locate(auditor, prop, a, b, la, lb, MAX_SPLITS)
        out.properties[prop] = PropertyRegions(prop, _regions(lo, hi, rows[0][prop], rows[-1][prop], found), found)
        if prove:
            prove_regions(loss, name, out.properties[prop])
    out.audits = auditor.count
    return out


def _grid(lo: float, hi: float, points: int) -> list[float]:
    """Evenly spaced, with the simple rationals the spacing nearly hits made exact (-4 + 16*0.375 = 2)."""
    step = (hi - lo) / (points - 1)
    return [float(Fraction(lo + i * step).limit_denominator(10 ** 6)) for i in range(points - 1)] + [hi]


def _candidates(a: float, b: float) -> list[Fraction]:
    """The simplest rationals in [a, b] (smallest denominator, then smallest numerator), at most two."""
    out = []
    for d in range(1, MAX_DENOMINATOR + 1):
        lo_n, hi_n = math.ceil(a * d - 1e-12), math.floor(b * d + 1e-12)
        for n in sorted(range(lo_n, hi_n + 1), key=abs):
            c = Fraction(n, d)
            if c not in out:
                out.append(c)
        if len(out) >= 2:
            return out[:2]
    return out


def _locate(auditor, prop, a, b, la, lb, splits) -> list[Boundary]:
    for c in _candidates(a, b):
        found = _confirm(auditor, prop, float(c), a, b, la, lb)
        if found is not None:
            return [found]
    while b - a > TOLERANCE:
        m = 0.5 * (a + b)
        lm = auditor.one(m, prop)
        if lm == la:
            a = m
        elif lm == lb:
            b = m
        elif splits > 0:  # a third verdict inside: a boundary on each side of m
            return _locate(auditor, prop, a, m, la, lm, splits - 1) + _locate(auditor, prop, m, b, lm, lb, splits - 1)
        else:
            break
    return [Boundary(0.5 * (a + b), la, lb, width=b - a)]


def _confirm(auditor, prop, c, a, b, la, lb) -> Boundary | None:
    """The boundary is exactly c when the verdicts just beside it are those of the bracket's ends."""
    below, above = (a if c - SNAP_STEP < a else c - SNAP_STEP), (b if c + SNAP_STEP > b else c + SNAP_STEP)
    if auditor.one(below, prop) != la or auditor.one(above, prop) != lb:
        return None
    at = auditor.one(c, prop)
    if c == a and at != la or c == b and at != lb:
        return None
    methods = tuple(auditor.methods[(v, prop)] for v in (below, c, above))
    return Boundary(c, la, lb, exact=True, at_label=at, methods=methods)


def _regions(lo, hi, first, last, boundaries) -> list[Region]:
    out, start, closed, current = [], lo, True, first
    for b in boundaries:
        if b.exact and b.at_label not in (b.left, b.right):
            out.append(Region(start, b.at, closed, False, current))
            out.append(Region(b.at, b.at, True, True, b.at_label))
            start, closed = b.at, False
        elif b.exact:
            keep = b.at_label == b.left
            out.append(Region(start, b.at, closed, keep, current))
            start, closed = b.at, not keep
        else:
            out.append(Region(start, b.at, closed, False, current))
            start, closed = b.at, False
        current = b.right
    out.append(Region(start, hi, closed, True, current if boundaries else last))
    return [r for r in out if r.lo < r.hi or (r.lo_closed and r.hi_closed)]


def docs_range(p) -> tuple[float, float]:
    """The range a docs page explores: the declared domain within default ± 3·max(1, |default|), open ends
    pulled in by a hundredth of the width (a deterministic rule, the same for every parameter)."""
    s = 3 * max(1.0, abs(p.default))
    lo, hi = max(p.range.lo, p.default - s), min(p.range.hi, p.default + s)
    inset = 0.01 * (hi - lo)
    lo = lo if p.range.contains(lo) else lo + inset
    hi = hi if p.range.contains(hi) else hi - inset
    return float(Fraction(lo).limit_denominator(1000)), float(Fraction(hi).limit_denominator(1000))
