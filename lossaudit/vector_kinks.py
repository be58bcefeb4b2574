"""Kinks of a vector loss: along lines through the prediction domain, and on its non-differentiability locus.

Three passes, up to the first confirmed kink (`vector_scan`):

1. random lines with simple numbers (`lines`): exact breakpoints of the line's restriction for
   expressions, kinks found numerically (zooming in on slope jumps) for callables;
2. expressions: points ON the locus read off the formula (`symbolic.locus`): where a sum of squares
   under a root or a denominator vanishes (solved exactly: ŷ = y, ŷ = 0), and roots of every switch,
   root, division and log argument along lines through the target and the centre (60-digit
   bisection), each probed across along coordinate (box) or simplex (e_i − e_j) directions;
3. callables: lines through the target and the centre (a tie of every coordinate) along coordinate
   and simplex directions, where hinges switch on and np.max ties: kinks bracketed to ~1e-13.

A kink is confirmed by one-sided derivatives that re-check: `witness.kink_confirmed` at the printed
floats, else in 60 digits at the exact point of the locus (its float is then beside it, as for a scalar
kink at an irrational point); for callables by `slope_gap`'s rounding-aware one-sided quotients.
A jump (the loss's one-sided limits differ, or a pole) counts as a kink with infinite slopes.
"""
from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np

from .budget import probes
from .domains import Interval
from .kinks import LineFunction, VectorKink, VectorScan, find_kinks, one_sided_derivatives, slope_gap, value_jumps

LOCUS_CANDIDATES = 16     # points on the locus probed per target
SPECIAL_TARGETS = 3       # targets whose special lines (through the target, the centre) are scanned
EQUATIONS = 8             # locus equations probed per target
LOCUS_TARGETS = 8         # targets whose locus is probed


def lines(ctx, y, count: int = 6) -> list:
    """Lines through the prediction domain, p + s·d for s in (s_lo, s_hi), with simple numbers.

    p has two decimals (hundredths summing to 1 on the simplex), d is a coordinate
    direction (e_i − e_j on the simplex), so kinks along them land on simple points.
    """
    rng = ctx.rng("lines", tuple(y))
    k = ctx.loss.K
    dom = ctx.loss.pred_domain
    out = []
    for n in range(count):
        i, j = int(rng.integers(0, k)), int(rng.integers(0, k - 1))
        j = j if j < i else j + 1
        d = [0.0] * k
        if dom.on_simplex:
            parts = rng.multinomial(100 - k, np.ones(k) / k) + 1
            p = [float(v) / 100 for v in parts]
            d[i], d[j] = 1.0, -1.0
            out.append((p, d, -p[i], p[j]))
            continue
        d[i] = 1.0
        if n % 2:
            d[j] = -1.0
        if dom.bounded:
            p = [round(float(v), 2) for v in rng.uniform(dom.lo + 0.05 * (dom.hi - dom.lo),
                                                          dom.hi - 0.05 * (dom.hi - dom.lo), size=k)]
            # the ends in exact arithmetic: a float end a hair beyond the box would let the box's own
            # boundary pass for a kink inside it
            q = [Fraction(repr(v)) for v in p]
            lo_b, hi_b = Fraction(repr(float(dom.lo))), Fraction(repr(float(dom.hi)))
            lo = max([lo_b - q[i]] + ([q[j] - hi_b] if n % 2 else []))
            hi = min([hi_b - q[i]] + ([q[j] - lo_b] if n % 2 else []))
            out.append((p, d, lo, hi))
        else:
            p = [round(float(v), 1) for v in rng.normal(0, 2, size=k)]
            out.append((p, d, -np.inf, np.inf))
    return out


def line_kinks(ctx, y, p, d, s_lo, s_hi) -> tuple[list, bool]:
    """(kinks, switches): the (s, left, right, jump) kinks of s ↦ L(p + s·d, y), exact for expressions,
    numeric otherwise; switches: some |.|, max, ... switches on the line (always True when numeric)."""
    from . import symbolic as S
    if ctx.has_expression:
        case = S.line_case(ctx.loss, y, p, d, s_lo, s_hi)
        st = S.structure(case, ctx.seconds)
        if st is not None:
            out = []
            for b in st.breakpoints:
                sides = one_sided_derivatives(case, st, b, ctx.seconds)
                if sides is not None and not (sides[0] == sides[1] and math.isfinite(sides[0])):
                    out.append((S.to_float(b), sides[0], sides[1], not sides[2]))
            return out, bool(st.breakpoints)
    return _numeric_line_kinks(ctx, y, p, d, s_lo, s_hi), True


def _numeric_line_kinks(ctx, y, p, d, s_lo, s_hi) -> list:
    from .numeric import scalar_grid
    lo, hi = float(s_lo), float(s_hi)
    f = LineFunction(ctx, p, d, y, lo, hi)
    P, D = f.P, f.D
    dom = Interval(lo, hi)
    grid = scalar_grid(dom, 0.0, ctx.rng("line", tuple(p)), 200)
    out = []
    for s0 in find_kinks(f, grid, dom, max_kinks=3):
        s0 = _on_simple_coordinate(f, s0, P, D, dom)
        left, right, is_kink = slope_gap(f, s0, dom)
        if is_kink:
            out.append((s0, left, right, value_jumps(f, s0, dom)))
    return out


def _on_simple_coordinate(f, s0: float, P, D, dom) -> float:
    """s0 moved (by at most 1e-9 of its size) to where a coordinate of the point is a simple number
    (a clip at p_i = 1e-7 lies at p_i = 1e-7 exactly, not 1e-20 beside it, so the one-sided quotients
    at steps of 1e-13 see each side's own slope), when the kink is confirmed there too."""
    from .numeric import nice_numbers
    for k in np.flatnonzero(D):
        x = P[k] + s0 * D[k]
        for nice in [0.0] + nice_numbers(float(x)):
            s1 = float((nice - P[k]) / D[k])
            if s1 != s0 and abs(s1 - s0) <= 1e-9 * max(1.0, abs(s0)) and slope_gap(f, s1, dom)[2]:
                return s1
    return s0


# ---------------------------------------------------------------------------
# The scan

def vector_scan(ctx) -> VectorScan:
    """Scan for a confirmed kink: random lines, then the locus (expressions) or special lines (callables)."""
    from .witness import Checker
    chk = Checker(ctx.loss)
    switches = False
    for y in ctx.targets:
        for line in ctx.lines(y):
            kink, switched = _line_kink(ctx, chk, y, line)
            switches = switches or switched
            if kink is not None:
                return VectorScan(kink, switches)
    for y in ctx.targets:
        kink = _locus_kink(ctx, chk, y) if ctx.has_expression else _special_kink(ctx, chk, y)
        if kink is not None:
            return VectorScan(kink, True)
    return VectorScan(None, switches or bool(any(ctx.locus_candidates(y) for y in ctx.targets)))


def _line_kink(ctx, chk, y, line):
    """(the first confirmed kink on one line or None, whether something switches on it)."""
    from .witness import kink_confirmed
    p, d, s_lo, s_hi = line
    found, switched = line_kinks(ctx, y, p, d, s_lo, s_hi)
    for s0, left, right, jump in found:
        point = [pi + s0 * di for pi, di in zip(p, d)]
        # a callable's kink was confirmed where it was found: slope_gap's one-sided quotients, the same
        # test kink_confirmed applies to a scalar callable
        if not ctx.has_expression or kink_confirmed(chk, point, list(y), d):
            return VectorKink(y, point, d, left, right, jump), switched
    return None, switched


def _special_kink(ctx, chk, y):
    if y in ctx.targets and ctx.targets.index(y) >= SPECIAL_TARGETS:
        return None
    for line in special_lines(ctx, y):
        kink, _ = _line_kink(ctx, chk, y, line)
        if kink is not None:
            return kink
    return None


# ---------------------------------------------------------------------------
# Special lines: through the target and the centre, along coordinate and simplex directions

def directions(ctx) -> list:
    """e_i − e_(i+1) (simplex: they keep the sum 1; box: they cross ties z_i = z_(i+1)), and e_i in a box."""
    k, simplex = ctx.loss.K, ctx.loss.pred_domain.on_simplex
    out = []
    for i in range(probes(k) if k > 2 else 1):
        d = [0.0] * k
        d[i], d[(i + 1) % k] = 1.0, -1.0
        out.append(d)
    if not simplex:
        out += [[1.0 if j == i else 0.0 for j in range(k)] for i in range(probes(k))]
    return out




def centre(ctx) -> list:
    """The centre of the domain with simple numbers (hundredths summing to 1 on the simplex), the origin
    when the box is unbounded and holds it; None otherwise."""
    dom, k = ctx.loss.pred_domain, ctx.loss.K
    if dom.on_simplex:
        c = [math.floor(100 / k) / 100] * k
        c[-1] = float(Fraction(1) - sum(Fraction(repr(v)) for v in c[:-1]))
        return c
    lo, hi = getattr(dom, "lo", -math.inf), getattr(dom, "hi", math.inf)
    if math.isfinite(lo) and math.isfinite(hi):
        return [round((lo + hi) / 2, 2)] * k
    return [0.0] * k if lo < 0 < hi else [float(lo + 1 if math.isfinite(lo) else hi - 1)] * k


def span(dom, p, d):
    """(s_lo, s_hi): p + s·d stays in the open domain, ends in exact arithmetic (Fractions, or ±inf)."""
    lo_b = 0 if dom.on_simplex else getattr(dom, "lo", -math.inf)
    hi_b = math.inf if dom.on_simplex else getattr(dom, "hi", math.inf)
    s_lo, s_hi = -math.inf, math.inf
    for pi, di in zip(p, d):
        if di == 0:
            continue
        q, dd = Fraction(repr(float(pi))), Fraction(repr(float(di)))
        ends = [(Fraction(repr(float(b))) - q) / dd for b in (lo_b, hi_b) if math.isfinite(b)]
        for e, b in zip(ends, [b for b in (lo_b, hi_b) if math.isfinite(b)]):
            if (b == lo_b) == (dd > 0):
                s_lo = max(s_lo, e)
            else:
                s_hi = min(s_hi, e)
    return s_lo, s_hi


def special_lines(ctx, y) -> list:
    """Lines through the target (when it lies inside the domain) and through the centre."""
    from .symbolic.locus import inside
    dom = ctx.loss.pred_domain
    points = [list(map(float, y))] if inside(dom, [float(v) for v in y]) else []
    c = centre(ctx)
    if c is not None and inside(dom, c) and c not in points:
        points.append(c)
    out = []
    for p in points:
        for d in directions(ctx) + _toward_target(c, y):
            s_lo, s_hi = span(dom, p, d)
            if s_lo < 0 < s_hi:
                out.append((p, d, s_lo, s_hi))
    return out


def _toward_target(c, y) -> list:
    """The direction from the centre to the target: it crosses every level set of a radial term around
    the target (a sphere |y_pred - y_true| = 0.3 about a corner of the box that no axis line meets)."""
    if c is None:
        return []
    d = [float(Fraction(repr(float(v))) - Fraction(repr(float(ci)))) for v, ci in zip(y, c)]
    return [d] if any(d) else []


# ---------------------------------------------------------------------------
# The locus of an expression

def locus_candidates(ctx, y) -> list:
    """(point: 60-digit mpf coordinates, direction, whether the loss may kink there) on the locus for
    target y, at most LOCUS_CANDIDATES: exact touching zeros first, then roots along lines."""
    from .symbolic import locus as LC
    empty, left = ctx.locus()
    if empty or y in ctx.targets and ctx.targets.index(y) >= LOCUS_TARGETS:
        return []
    out: list = []
    base = centre(ctx) or [0.0] * ctx.loss.K
    dirs = directions(ctx)
    for eq in [e for e in left if e.what != "opaque"][:EQUATIONS]:
        with mpmath.workdps(LC.DIGITS):
            for pt in LC.exact_points(ctx.loss, eq.g, y, base, ctx.seconds):
                out += [([mpmath.mpf(c.p) / mpmath.mpf(c.q) if c.is_Rational else mpmath.mpf(str(c.evalf(70)))
                          for c in pt], d, eq.kinks_where_touching()) for d in dirs[:3]]
        out += _roots_on_lines(ctx, LC, eq, y)
        if len(out) >= LOCUS_CANDIDATES:
            break
    return out[:LOCUS_CANDIDATES]


def _roots_on_lines(ctx, LC, eq, y) -> list:
    finder = LC.root_finder(ctx.loss, eq.g, y)
    out = []
    for p, d, s_lo, s_hi in special_lines(ctx, y) + ctx.lines(y):
        for s, crossing in LC.line_roots(finder, (p, d, s_lo, s_hi)):
            with mpmath.workdps(LC.DIGITS):
                out.append(([mpmath.mpf(float(pi)) + s * mpmath.mpf(float(di)) for pi, di in zip(p, d)], d,
                            eq.kinks_where_crossing() if crossing else eq.kinks_where_touching()))
        if len(out) >= LOCUS_CANDIDATES // 2:
            break
    return out


def _locus_kink(ctx, chk, y):
    from .symbolic.locus import inside
    for point, d, may_kink in ctx.locus_candidates(y):
        # a power g**a (a > 1) is C1 where g vanishes: one-sided quotients there would only mislead
        if may_kink and inside(ctx.loss.pred_domain, [float(v) for v in point]):
            kink = confirm_on_locus(ctx, chk, y, point, d)
            if kink is not None:
                return kink
    return None


def confirm_on_locus(ctx, chk, y, point, d):
    """A VectorKink at `point` across direction d, confirmed at its floats (kink_confirmed) or in 60
    digits at the exact point; None when the one-sided derivatives agree."""
    from .witness import kink_confirmed
    floats = [float(v) for v in point]
    mp = ctx.once(_exact_reading)
    if kink_confirmed(chk, floats, list(y), d):
        sides = exact_sides(mp, [mpmath.mpf(v) for v in floats], y, d)
        if sides is not None:
            return VectorKink(y, floats, d, *sides)
    sides = exact_sides(mp, point, y, d)
    return VectorKink(y, floats, d, *sides) if sides is not None else None


def _exact_reading(ctx):
    from .symbolic import mp_evaluator
    loss = ctx.loss
    return mp_evaluator(loss.exact_expression, loss.pred_symbols + loss.true_symbols, dps=60)


def exact_sides(mp, point, y, d):
    """(left, right, jump) one-sided derivatives of s ↦ L(point + s·d) at 0 in 60 digits when they differ
    at h = 1e-20·max(1, |point|) and keep their gap at h/100 (a kink); (±inf, ±inf, True) when the
    one-sided values differ or blow up (a jump or pole); None otherwise."""
    with mpmath.workdps(60):
        P = [v if isinstance(v, mpmath.mpf) else mpmath.mpf(v) for v in point]
        D = [mpmath.mpf(float(v)) for v in d]
        Y = [mpmath.mpf(repr(float(v))) for v in y]
        f = lambda s: mp(*([a + s * b for a, b in zip(P, D)] + Y))  # noqa: E731
        h = mpmath.mpf(10) ** -20 * max(1, max(abs(v) for v in P))
        f0, sides = f(0), [(f(-t), f(t)) for t in (h, h / 100)]
        if not all(mpmath.isfinite(v) for pair in sides for v in pair):
            return None
        if mpmath.isfinite(f0):
            kink = _slopes(f0, sides, h)
            if kink is not None:
                return kink
        return _jump(sides)


def _slopes(f0, sides, h):
    (l1, r1), (l2, r2) = sides
    g1 = abs((r1 - f0) - (f0 - l1)) / h
    left, right = (f0 - l2) / (h / 100), (r2 - f0) / (h / 100)
    g2 = abs(right - left)
    if g2 > mpmath.mpf(10) ** -8 * max(1, abs(left), abs(right)) and g2 > g1 / 2:
        if g2 > 3 * g1:  # the quotients blow up as h shrinks: a cusp, infinite one-sided slopes
            return math.copysign(math.inf, float(left)), math.copysign(math.inf, float(right)), False
        # a slope below 1e-20 of the other is 0 beside a step of 1e-22 (a dead zone's flat side)
        tiny = mpmath.mpf(10) ** -20 * max(1, abs(left), abs(right))
        return tuple(0.0 if abs(v) < tiny else float(v) for v in (left, right)) + (False,)
    return None


def _jump(sides):
    (l1, r1), (l2, r2) = sides
    d1, d2 = abs(r1 - l1), abs(r2 - l2)
    big = mpmath.mpf(10) ** 15
    if min(abs(l2), abs(r2)) > big and abs(l2) > 1e3 * abs(l1) and abs(r2) > 1e3 * abs(r1):
        return math.copysign(math.inf, -float(l2)), math.copysign(math.inf, float(r2)), True  # a pole
    if d2 > mpmath.mpf(10) ** -6 * max(1, abs(l2), abs(r2)) and d2 > d1 / 2:
        s = math.copysign(math.inf, float(r2 - l2))
        return s, s, True
    return None


def locus_points(ctx, y) -> list:
    """Points of the prediction domain (K-vectors of floats) on the loss's non-differentiability locus for
    target y: where an |.|, max, min, where or sign switches, or a root, fractional power or division
    becomes singular. Candidates for kinks and for attained minimizers. Empty when none is known (a
    callable's: the kinks found along the special lines)."""
    from .symbolic.locus import inside
    y = tuple(float(v) for v in y)
    if not ctx.has_expression:
        return [list(k.point) for k in ctx.once(_callable_kinks, y)]
    out = []
    for point, *_ in ctx.locus_candidates(y):
        floats = [float(v) for v in point]
        if inside(ctx.loss.pred_domain, floats) and floats not in out:
            out.append(floats)
    return out


def _callable_kinks(ctx, y) -> list:
    from .witness import Checker
    chk = Checker(ctx.loss)
    found = []
    for line in special_lines(ctx, y):
        kink, _ = _line_kink(ctx, chk, y, line)
        if kink is not None:
            found.append(kink)
    return found
