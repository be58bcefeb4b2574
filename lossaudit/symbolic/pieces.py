"""Piecewise structure: the breakpoints of x -> L(x, y) and the smooth expression between them.

Breakpoints are the real zeros of the switching functions (the arguments of |.|, max/min, sign,
where(...) conditions, and the singular points of powers and logs); between two of them each
switch is resolved to its active branch by evaluating at one interior point.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from ..timeouts import SymbolicTimeout, deadline
from .cases import Case
from .core import X, Undecided, guarded, sign_of


@dataclass
class Piece:
    lo: object
    hi: object
    expr: object

    def contains(self, point) -> bool:
        return bool((self.lo < point) == True and (point < self.hi) == True)  # noqa: E712


@dataclass
class Structure:
    breakpoints: list
    pieces: list
    approximate: bool = False  # some breakpoint is a root isolated numerically (50 digits), not exact


    def piece_left_of(self, b) -> Piece:
        return next(p for p in self.pieces if p.hi == b)

    def piece_right_of(self, b) -> Piece:
        return next(p for p in self.pieces if p.lo == b)


# ---------------------------------------------------------------------------
# Points: roots of the switching functions, in order


def _roots(fn, case: Case, seconds: float, approximate: bool = False):
    """Real zeros of fn(X) inside the open domain, as an exact list; None if not a finite set.

    With `approximate`, zeros sympy cannot give exactly are isolated by sign changes (`isolated_roots`)."""
    key = ("roots", fn)
    if key not in case.cache:  # the approximate structure asks again for the roots the exact one tried
        case.cache[key] = _exact_roots(fn, case, seconds)
    exact = case.cache[key]
    if exact is None and approximate:
        return isolated_roots(fn, case, seconds)
    return exact


def _exact_roots(fn, case: Case, seconds: float):
    if X not in fn.free_symbols:
        return []
    domain = sp.Interval.open(case.lo, case.hi)

    def solve():
        sol = sp.solveset(fn, X, domain=domain)
        if isinstance(sol, sp.FiniteSet):
            return list(sol)
        if sol is sp.S.EmptySet:
            return []
        if isinstance(sol, sp.Union) and all(isinstance(a, sp.FiniteSet) for a in sol.args):
            return [v for a in sol.args for v in a]
        return None
    roots = guarded(seconds, solve, default=None)
    if roots is None:
        return None
    return [r for r in roots if not r.has(sp.I)]


def _order(points, seconds):
    """Sort exact points; None if some order cannot be decided."""
    unique = []
    for p in points:
        if not any(sign_of(_difference(p, q, seconds)) == 0 for q in unique):
            unique.append(p)

    def less(a, b):
        s = sign_of(_difference(b, a, seconds))
        if s is None:
            raise Undecided("order")
        return s > 0
    try:
        return sorted(unique, key=functools.cmp_to_key(lambda a, b: -1 if less(a, b) else 1))
    except Undecided:
        return None


def _difference(a, b, seconds):
    """a - b in a form whose sign `sign_of` reads: a rational difference (most breakpoints) as it is,
    where simplify would return it unchanged; any other one simplified, as one budgeted step."""
    d = a - b
    return d if d.is_Rational else guarded(seconds, sp.simplify, d, default=d)


def representative(lo, hi):
    """A simple point strictly inside (lo, hi)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Integer(0)
    if lo == -sp.oo:
        return hi - 1
    if hi == sp.oo:
        return lo + 1 if not (lo.is_number and lo >= 0) or lo != 0 else sp.Integer(1)
    return (lo + hi) / 2


# ---------------------------------------------------------------------------
# The active branch around a point


def resolve(expr, point, seconds: float):
    """The smooth branch of `expr` that holds around `point` (no breakpoint nearby).

    |u| -> ±u, max/min -> the active argument, sign/Heaviside -> constants,
    where(...) -> the active branch, each decided by evaluating at `point`.
    Raises Undecided when a branch cannot be decided.
    """
    if not expr.args or X not in expr.free_symbols:
        return expr
    if isinstance(expr, sp.Piecewise):
        return _active_branch(expr, point, seconds)
    args = [resolve(a, point, seconds) for a in expr.args]
    for kind, rule in _SWITCHES:
        if isinstance(expr, kind):
            return rule(expr, args, lambda u: _sign_at(u, point, seconds))
    return _rebuilt(expr, args)


def _sign_at(u, point, seconds):
    return sign_of(guarded(seconds, lambda: u.subs(X, point), default=None))


def _definite(s, what: str) -> int:
    """A sign that decides a branch: nonzero and known."""
    if s is None or s == 0:
        raise Undecided(what)
    return s


def _resolve_abs(expr, args, at):
    return args[0] if _definite(at(args[0]), "|.|") > 0 else -args[0]


def _resolve_sign(expr, args, at):
    return sp.Integer(_definite(at(args[0]), "sign"))


def _resolve_heaviside(expr, args, at):
    return sp.Integer(1 if _definite(at(args[0]), "Heaviside") > 0 else 0)


def _resolve_extremum(expr, args, at):
    """The active argument of max/min; ties keep the earlier argument."""
    best = args[0]
    for a in args[1:]:
        s = at(a - best)
        if s is None:
            raise Undecided("max/min")
        if (s > 0) == isinstance(expr, sp.Max) and s != 0:
            best = a
    return best


_SWITCHES = ((sp.Abs, _resolve_abs), (sp.sign, _resolve_sign), (sp.Heaviside, _resolve_heaviside),
             (sp.Max, _resolve_extremum), (sp.Min, _resolve_extremum))


def _rebuilt(expr, args):
    try:
        return expr.func(*args)
    except ValueError as exc:  # sympy refused the resolved arguments: no branch to offer
        raise Undecided(f"rebuilding {expr.func.__name__}") from exc


def _active_branch(expr, point, seconds):
    for branch, cond in expr.args:
        truth = _truth(cond, point, seconds)
        if truth is None:
            raise Undecided("where")
        if truth:
            return resolve(branch, point, seconds)
    raise Undecided("no branch of where(...) holds")


def _truth(cond, point, seconds):
    if cond in (sp.true, True):
        return True
    if cond in (sp.false, False):
        return False
    if isinstance(cond, (sp.And, sp.Or)):
        vals = [_truth(c, point, seconds) for c in cond.args]
        return None if None in vals else (all(vals) if isinstance(cond, sp.And) else any(vals))
    if isinstance(cond, sp.Not):
        v = _truth(cond.args[0], point, seconds)
        return None if v is None else not v
    if isinstance(cond, sp.core.relational.Relational):
        s = sign_of(guarded(seconds, lambda: (cond.lhs - cond.rhs).subs(X, point), default=None))
        if s is None:
            return None
        return {"<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0}.get(cond.rel_op)
    return None


# ---------------------------------------------------------------------------
# The structure of a case


def resolved_pieces(expr, bounds: list, seconds: float) -> list | None:
    """The smooth formula of `expr` between each pair of consecutive bounds (every switch resolved at a
    point inside), as Pieces; None when a switch cannot be resolved there."""
    pieces = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        try:
            pieces.append(Piece(lo, hi, resolve(expr, representative(lo, hi), seconds)))
        except Undecided:
            return None
    return pieces


def structure(case: Case, seconds: float, approximate: bool = False) -> Structure | None:
    """Breakpoints of x ↦ L(x, y) and the smooth expression between them (cached per case).

    Exact unless `approximate`: then, for a concrete target, a crossing sympy cannot solve (x^2 = e^x - 2)
    is a root isolated by a certified sign change and refined to 50 digits, and the structure says
    `approximate` (its kinks are real, found to re-check; it may miss a crossing, so it proves nothing)."""
    key = "structure~" if approximate else "structure"
    if key in case.cache:
        return case.cache[key]
    result = None if approximate else _timed(case, seconds, False)
    if approximate:
        exact = structure(case, seconds)
        result = exact if exact is not None else _timed(case, seconds, True)
    case.cache[key] = result
    return result


def _timed(case: Case, seconds: float, approximate: bool):
    try:
        with deadline(seconds * 4):
            return _structure(case, seconds, approximate)
    except SymbolicTimeout:
        return None


def _structure(case: Case, seconds: float, approximate: bool = False) -> Structure | None:
    from ..expr import switch_functions
    points = []
    branch = set(switch_functions(case.expr, singular=False))
    singular = []
    for fn in switch_functions(case.expr):
        roots = _roots(fn, case, seconds, approximate)
        if roots is None:
            return None
        points.extend(roots)
        if fn not in branch:
            singular.extend(roots)
    ordered = _order(points, seconds)
    if ordered is None:
        return None
    pieces = resolved_pieces(case.expr, [case.lo] + ordered + [case.hi], seconds)
    if pieces is None:
        return None
    merged = _merged(pieces, singular, seconds)
    merged.approximate = any(isinstance(b, sp.Float) for b in merged.breakpoints)
    return merged


def _merged(pieces: list, singular: list, seconds: float) -> Structure:
    """Join neighbouring pieces with the same formula: their common end is no breakpoint
    (Huber's |r| inside the linear branch switches at 0, where the quadratic branch rules).
    Never across a singular point (a zero of a power's base or a log's argument): the same
    formula on both sides can still have a kink or a pole there (sqrt(r^2 + r^4) at 0)."""
    out = [pieces[0]]
    for piece in pieces[1:]:
        last = out[-1]
        if any(sign_of(piece.lo - p) == 0 for p in singular):
            out.append(piece)
            continue
        same = last.expr == piece.expr or (not _differ_at(last.expr - piece.expr, piece, seconds) and guarded(
            seconds, lambda: sp.simplify(last.expr - piece.expr) == 0, default=False))
        if same:
            out[-1] = Piece(last.lo, piece.hi, last.expr)
        else:
            out.append(piece)
    return Structure([p.lo for p in out[1:]], out)


def _differ_at(diff, piece: Piece, seconds: float) -> bool:
    """The two formulas differ at a point of the piece (a nonzero value there): no simplify needed."""
    point = representative(piece.lo, piece.hi)
    return sign_of(guarded(seconds, lambda: diff.subs(X, point), default=None)) in (1, -1)


def value_at(case: Case, point, seconds: float):
    """The loss's own value at `point` (where(...) conditions decide at the point itself)."""
    v = guarded(seconds, lambda: case.expr.subs(X, point), default=None)
    if v is not None and isinstance(v, sp.Piecewise):
        v = guarded(seconds, lambda: v.doit(), default=None)
    return v


# ---------------------------------------------------------------------------
# Roots sympy cannot solve: isolated by a sign change, refined to 50 digits

ROOT_DIGITS = 50
_MANTISSAS = (1, sp.Rational(3, 2), 2, 3, 5, 7)


def isolated_roots(fn, case: Case, seconds: float):
    """Zeros of fn inside (lo, hi) where fn changes sign between neighbouring points of a scan over
    scales 1e-6 .. 1e6 (a concrete case only). The sign at each bracket end is exact (sympy's
    evaluation with error control, at rational points); bisection refines the root to 50 digits, a
    Float. A sign change that is no zero (a pole, a jump) gives None: the structure stays unknown."""
    if fn.free_symbols - {X}:
        return None
    from .compile import mp_evaluator
    f = mp_evaluator(fn, [X], dps=30)
    points = _scan_points(case)
    values = [_mp_sign(f, p) for p in points]
    roots = []
    for (a, sa), (b, sb) in zip(zip(points, values), zip(points[1:], values[1:])):
        if sa == 0 and sign_of(fn.subs(X, a)) == 0:
            roots.append(a)  # an exact zero at a scan point
        if not (sa and sb and sa != sb):
            continue
        ends = [sign_of(guarded(seconds, lambda v=v: fn.subs(X, v), default=None)) for v in (a, b)]
        if None in ends or ends[0] * ends[1] != -1:
            return None
        root = _bisected(mp_evaluator(fn, [X], dps=ROOT_DIGITS + 10), a, b, ends[0])
        if root is None:
            return None
        roots.append(root)
    return roots


def _scan_points(case: Case) -> list:
    """Rational points c ± m·10^k (c the target, or 0) and lo + m·10^k, hi - m·10^k, inside (lo, hi)."""
    steps = [m * sp.Rational(10) ** k for k in range(-6, 7) for m in _MANTISSAS]
    centre = case.target if case.target.is_number else sp.Integer(0)
    found = {centre, sp.Integer(0)}
    for s in steps:
        found.update((centre + s, centre - s, s, -s))
        found.update(e + d * s for e, d in ((case.lo, 1), (case.hi, -1)) if e.is_finite)
    inside = [p for p in found if (case.lo == -sp.oo or p > case.lo) and (case.hi == sp.oo or p < case.hi)]
    return sorted(inside)


def _mp_sign(f, p) -> int | None:
    import mpmath
    v = f(mpmath.mpf(p.p) / p.q)
    if not mpmath.isfinite(v):
        return None
    return 0 if v == 0 else (1 if v > 0 else -1)


def _bisected(f, a, b, sign_a: int):
    """The zero of f in (a, b) (f(a) has sign sign_a, f(b) the other) to 50 digits; None if it is no zero."""
    import mpmath
    with mpmath.workdps(ROOT_DIGITS + 10):
        lo, hi = mpmath.mpf(a.p) / a.q, mpmath.mpf(b.p) / b.q
        scale = max(abs(f(lo)), abs(f(hi)))
        tol = mpmath.mpf(10) ** -(ROOT_DIGITS + 5) * max(1, abs(lo), abs(hi))
        for _ in range(400):
            if hi - lo <= tol:
                break
            mid = (lo + hi) / 2
            v = f(mid)
            if not mpmath.isfinite(v):
                return None
            if v == 0:
                lo = hi = mid
                break
            lo, hi = (mid, hi) if (v > 0) == (sign_a > 0) else (lo, mid)
        root = (lo + hi) / 2
        if not abs(f(root)) <= mpmath.mpf(10) ** -(ROOT_DIGITS - 10) * max(1, scale):
            return None  # the sign changes across a pole or a jump, not through a zero
        return sp.Float(mpmath.nstr(root, ROOT_DIGITS + 5), ROOT_DIGITS)
