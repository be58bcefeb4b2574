"""What every property decision of one loss shares, computed once per loss and budget.

A `Context` holds the loss's numeric views, the targets the audit covers (and
those left out because the loss is undefined there), the symbolic cases a proof
works on, and per target the breakpoints and sample grids. Property modules
ask it questions; they never build these themselves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from . import numeric
from .budget import Budget
from .callables import CallableFailure
from .kinds import FiniteSet, IDEAL_MARGIN, Interval, Simplex, interval_targets, vector_targets
from .errors import LossError
from .text import fmt  # noqa: F401 - re-exported for the property modules


def _plain(v):
    return list(v) if isinstance(v, (tuple, list, np.ndarray)) else float(v)


@dataclass
class Context:
    loss: object
    budget: Budget
    targets: list
    excluded: list
    cache: dict = field(default_factory=dict)

    # -- basics ---------------------------------------------------------------
    @property
    def views(self):
        return self.loss.views

    @property
    def vector(self) -> bool:
        return self.loss.kind.vector

    @property
    def dom(self) -> Interval:
        return self.loss.pred_domain

    @property
    def has_expression(self) -> bool:
        return self.loss.expression is not None

    def rng(self, *keys) -> np.random.Generator:
        return self.budget.rng(self.loss.fingerprint, *keys)

    @property
    def seconds(self) -> float:
        return self.budget.symbolic_seconds

    # -- scalar kinds ----------------------------------------------------------
    def center(self, y: float) -> float:
        if self.loss.kind.ideal == IDEAL_MARGIN:
            return 0.0
        if self.dom.contains(y):
            return float(y)
        if self.dom.bounded:
            return 0.5 * (self.dom.lo + self.dom.hi)
        return float(min(max(y, self.dom.lo + 1.0), self.dom.hi - 1.0))

    def invariant(self) -> bool:
        """L depends on y_pred - y_true only (decided symbolically once)."""
        if "invariant" not in self.cache:
            from . import symbolic
            self.cache["invariant"] = bool(self.has_expression and not self.vector
                                           and symbolic.translation_invariant(self.loss, self.seconds))
        return self.cache["invariant"]

    def concrete_case(self, y: float):
        key = ("case", float(y))
        if key not in self.cache:
            from . import symbolic
            self.cache[key] = symbolic.concrete_case(self.loss, y)
        return self.cache[key]

    def proof_cases(self) -> list:
        """Cases whose proofs cover every valid target (empty when no expression)."""
        if "proof_cases" in self.cache:
            return self.cache["proof_cases"]
        from . import symbolic
        cases: list = []
        if self.has_expression and not self.vector:
            if isinstance(self.loss.target_domain, FiniteSet):
                cases = [self.concrete_case(y) for y in self.targets]
            elif self.invariant():
                cases = [symbolic.shifted_case(self.loss)]
            else:
                cases = symbolic.symbolic_cases(self.loss, tuple(self.excluded))
        self.cache["proof_cases"] = cases
        return cases

    def covers_every_target(self) -> bool:
        """Do the proof cases stand for every valid target (not only the audited ones)?"""
        return bool(self.proof_cases()) and (not isinstance(self.loss.target_domain, FiniteSet)
                                            or not self.excluded)

    def structure(self, y: float):
        from . import symbolic
        return symbolic.structure(self.concrete_case(y), self.seconds)

    def breakpoints(self, y: float) -> list[float]:
        """Where x ↦ L(x, y) switches branch or may lose smoothness: exact when possible, else found numerically."""
        key = ("bp", float(y))
        if key in self.cache:
            return self.cache[key]
        points: list[float] | None = None
        if self.has_expression:
            st = self.structure(y)
            if st is not None:
                from .symbolic import to_float
                points = [to_float(b) for b in st.breakpoints]
        if points is None:
            points = self.numeric_kinks(y)
        self.cache[key] = points
        return points

    def numeric_kinks(self, y: float) -> list[float]:
        grid = numeric.scalar_grid(self.dom, self.center(y), self.rng("kinks", y), 400)
        f = lambda x: self.views.value(x, y)  # noqa: E731
        return numeric.find_kinks(f, grid, self.dom)

    def grid(self, y: float, *keys) -> np.ndarray:
        """Sample predictions for target y, without isolated points where the formula is 0/0."""
        x = numeric.scalar_grid(self.dom, self.center(y), self.rng("grid", y, *keys),
                                self.budget.samples, self.breakpoints(y))
        return self._drop_removable(x, y)

    def _drop_removable(self, x: np.ndarray, y: float) -> np.ndarray:
        """Drop sample points where the loss is NaN while it is finite just beside them (0/0 at one point)."""
        v = self.views.value(x, y)
        bad = np.isnan(v)
        if not bad.any():
            return x
        h = 1e-7 * np.maximum(1.0, np.abs(x[bad]))
        beside = np.isfinite(self.views.value(x[bad] - h, y)) & np.isfinite(self.views.value(x[bad] + h, y))
        drop = np.zeros(x.shape, dtype=bool)
        drop[np.flatnonzero(bad)[beside]] = True
        return x[~drop]

    def kinks(self, y: float) -> list:
        """The kinks (and jumps) of x ↦ L(x, y), with their one-sided derivatives (cached)."""
        return _kinks(self, y)

    # -- vector kinds -------------------------------------------------------------
    def lines(self, y, count: int = 6) -> list:
        """Lines through the prediction domain with simple numbers (see _lines)."""
        return _lines(self, y, count)

    def vector_kink(self):
        """The first confirmed kink along lines through the domain, or None (cached)."""
        return _vector_kink(self)

    def vector_samples(self, y, *keys, n: int | None = None) -> np.ndarray:
        return numeric.vector_samples(self.loss.pred_domain, self.loss.K, np.asarray(y, float),
                                      self.rng("vsamples", tuple(y), *keys), n or self.budget.samples // 2)


def build_context(loss, budget: Budget) -> Context:
    """The shared context of one loss: valid targets (undefined ones left out) and caches."""
    key = ("context", budget)
    cached = loss.__dict__.setdefault("_contexts", {})
    if key in cached:
        return cached[key]
    candidates = _candidate_targets(loss, budget)
    valid, excluded = [], []
    for y in candidates:
        (valid if _defined_at(loss, y, budget) else excluded).append(y)
    if loss.func is not None:
        _check_deterministic(loss, valid[0] if valid else candidates[0], budget)
    if not valid:
        shown = ", ".join(fmt(y) for y in candidates)
        raise LossError(f"{loss.name!r} is undefined (not finite) almost everywhere in its prediction domain "
                        f"{loss.pred_domain} for every audited target ({shown}); check the formula "
                        "or narrow the domains")
    ctx = Context(loss, budget, valid, excluded)
    cached[key] = ctx
    return ctx


def _check_deterministic(loss, y, budget) -> None:
    """Two calls at the same points must agree: a random loss cannot be audited."""
    rng = budget.rng(loss.fingerprint, "determinism")
    if loss.kind.vector:
        X = numeric.vector_samples(loss.pred_domain, loss.K, np.asarray(y, float), rng, 24)
        a, b = loss.views.value(X, np.asarray(y, float)), loss.views.value(X, np.asarray(y, float))
    else:
        X = numeric.scalar_grid(loss.pred_domain, 0.0, rng, 24)
        a, b = loss.views.value(X, y), loss.views.value(X, y)
    differ = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    if differ.any():
        i = int(np.flatnonzero(differ)[0])
        raise CallableFailure(f"the callable is not deterministic: two calls at y_pred = {fmt(X[i])}, "
                              f"y_true = {fmt(y)} gave {float(a[i])!r} and {float(b[i])!r}",
                              {"y_pred": np.asarray(X[i]).tolist(), "y_true": _plain(y)})


def _candidate_targets(loss, budget) -> list:
    dom = loss.target_domain
    if loss.kind.vector:
        return vector_targets(loss.kind, dom, loss.K)
    if isinstance(dom, FiniteSet):
        return sorted(dom.values, reverse=True)  # the positive label first: +1 before -1, 1 before 0
    from . import symbolic
    if loss.expression is not None and symbolic.translation_invariant(loss, budget.symbolic_seconds):
        return interval_targets(dom)  # every target behaves alike: a few suffice
    # the loss may change with the target: more of them, and those its own constants point at
    # (a penalty switching on at y_pred = 10 needs targets beyond 10)
    targets = interval_targets(dom, count=12)
    for c in _constants(loss):
        for v in (c, 2 * c, -c, -2 * c):
            if dom.contains(v) and v not in targets:
                targets.append(v)
    return targets[:20]


def _constants(loss) -> list[float]:
    """The numbers in a loss's formula worth a target (between 1 and 1e6 in size), largest first."""
    if loss.expression is None:
        return []
    import sympy as sp
    found = {abs(float(n)) for n in loss.exact_expression.atoms(sp.Number) if n.is_finite and n.is_real}
    return sorted((c for c in found if 1.0 < c < 1e6), reverse=True)[:3]


def _defined_at(loss, y, budget) -> bool:
    """Finite at more than half of a probe of the prediction domain (callable failures count as undefined)."""
    rng = budget.rng(loss.fingerprint, "probe")
    try:
        X = x = None
        if loss.kind.vector:
            X = numeric.vector_samples(loss.pred_domain, loss.K, np.asarray(y, float), rng, 60)
            values = loss.views.value(X, np.asarray(y, float))
        else:
            x = numeric.scalar_grid(loss.pred_domain, 0.0, rng, 60)
            values = loss.views.value(x, y)
    except CallableFailure:
        return True  # the callable's failures are reported by each property, not hidden here
    events = loss.views.log.events
    if np.all(np.isnan(values)) and events and events[0].get("reason"):
        raise CallableFailure(f"{events[0]['reason']} (at y_pred = {fmt(events[0]['y_pred'])}, "
                              f"y_true = {fmt(events[0]['y_true'])}, and everywhere else tried)", events[0])
    return bool(np.mean(_defined(loss, X if loss.kind.vector else x, y, values)) > 0.5)


def _defined(loss, points, y, values) -> np.ndarray:
    """Which values are defined: finite, or ±inf that is only a number beyond float range (cosh(1000 r)),
    told apart from a true infinity (|r|/0) in arbitrary-exponent arithmetic. Evaluations too big to
    finish (exp(exp(exp(r)))) count as defined: beyond range, not undefined."""
    import mpmath
    import sympy as sp
    from .timeouts import SymbolicTimeout, deadline
    ok = np.isfinite(values)
    inf = np.flatnonzero(np.isinf(values))
    if loss.expression is None or inf.size == 0:
        return ok
    fn = sp.lambdify(loss.pred_symbols + loss.true_symbols, loss.bound_expression, modules="mpmath")
    ok[inf] = True
    try:
        with deadline(2.0), mpmath.workdps(30):
            for i in inf[:100]:
                args = (list(points[i]) + list(y)) if loss.kind.vector else [points[i], y]
                ok[i] = _beyond_range(fn, args)
    except SymbolicTimeout:
        pass
    return ok


def _beyond_range(fn, args) -> bool:
    """Is fn(args) a finite number too large for float64 (True), or a true infinity / 1/0 (False)?"""
    import mpmath
    try:
        v = fn(*[mpmath.mpf(float(a)) for a in args])
    except ZeroDivisionError:
        return False
    except (OverflowError, MemoryError, ValueError):
        return True
    return False if isinstance(v, mpmath.mpc) else bool(mpmath.isfinite(v))


@dataclass(frozen=True)
class Kink:
    """A point where x ↦ L(x, y) is not differentiable: its one-sided derivatives (±inf for a jump)."""

    point: float
    left: float
    right: float
    jump: bool = False       # the value itself jumps (not continuous there)
    exact: object = None     # the sympy number, when known exactly


def _kinks(ctx: Context, y: float) -> list:
    key = ("kinks", float(y))
    if key in ctx.cache:
        return ctx.cache[key]
    found = None
    if ctx.has_expression:
        found = _exact_kinks(ctx, y)
    if found is None:
        f = lambda x: ctx.views.value(x, y)  # noqa: E731
        found = []
        for b in ctx.breakpoints(y):
            left, right, is_kink = numeric.slope_gap(f, b, ctx.dom)
            if is_kink:
                found.append(Kink(b, left, right, numeric.value_jumps(f, b, ctx.dom)))
    ctx.cache[key] = found
    return found


def exact_kinks_at(ctx: Context, y: float):
    """Kinks at a target outside the audited ones (exact structure only; not cached)."""
    from . import symbolic as S
    case = S.concrete_case(ctx.loss, y)
    return _exact_kinks_of(case, ctx.seconds)


def _exact_kinks(ctx: Context, y: float):
    return _exact_kinks_of(ctx.concrete_case(y), ctx.seconds)


def _exact_kinks_of(case, seconds):
    from . import symbolic as S
    st = S.structure(case, seconds)
    if st is None:
        return None
    found = []
    for b in st.breakpoints:
        sides = one_sided_derivatives(case, st, b, seconds)
        if sides is None:
            return None
        left, right, continuous = sides
        if not (left == right and math.isfinite(left)):
            found.append(Kink(S.to_float(b), left, right, not continuous, b))
    return found


def one_sided_derivatives(case, st, b, seconds):
    """(left, right, continuous): one-sided derivatives at breakpoint b, exactly; ±inf where the value jumps."""
    from . import symbolic as S
    rows = S.breakpoint_orders(case, b, seconds, max_order=1)
    fb = S.value_at(case, b, seconds)
    if fb is None or not S.is_finite_number(fb) or rows[0][0] is None or rows[0][1] is None:
        return None
    left_piece, right_piece = st.piece_left_of(b), st.piece_right_of(b)
    out = []
    continuous = True
    for side, limit, piece in (("-", rows[0][0], left_piece), ("+", rows[0][1], right_piece)):
        gap = S.sign_of(fb - limit) if S.is_finite_number(limit) else None
        if gap is None and not S.is_finite_number(limit):
            return None
        if gap:
            # the value jumps: the difference quotient runs off to ±inf
            continuous = False
            out.append(math.copysign(math.inf, gap if side == "-" else -gap))
            continue
        d = S.one_sided(S.derivative(piece.expr), b, side, seconds)
        if d is None:
            return None
        out.append(S.to_float(d))
    return out[0], out[1], continuous



def _lines(ctx: Context, y, count: int = 6) -> list:
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
        if isinstance(dom, Simplex):
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



def _line_kinks(ctx: Context, y, p, d, s_lo, s_hi) -> list:
    """(s, left, right, jump) kinks of s ↦ L(p + s·d, y): exact for expressions, numeric otherwise."""
    from . import symbolic as S
    if ctx.has_expression:
        case = S.line_case(ctx.loss, y, p, d, s_lo, s_hi)
        st = S.structure(case, ctx.seconds)
        if st is not None:
            if st.breakpoints:
                ctx.cache["line_breakpoints"] = True  # some |.|, max, ... switches inside the domain
            out = []
            for b in st.breakpoints:
                sides = one_sided_derivatives(case, st, b, ctx.seconds)
                if sides is not None and not (sides[0] == sides[1] and math.isfinite(sides[0])):
                    out.append((S.to_float(b), sides[0], sides[1], not sides[2]))
            return out
    ctx.cache["line_breakpoints"] = True  # found numerically: no claim that nothing switches
    P, D, Y = np.asarray(p), np.asarray(d), np.asarray(y, float)
    f = lambda s: ctx.views.value(P[None, :] + np.asarray(s)[:, None] * D[None, :], Y)  # noqa: E731
    dom = Interval(float(s_lo), float(s_hi))
    grid = numeric.scalar_grid(dom, 0.0, ctx.rng("line", tuple(p)), 200)
    out = []
    for s0 in numeric.find_kinks(f, grid, dom, max_kinks=3):
        left, right, is_kink = numeric.slope_gap(f, s0, dom)
        if is_kink:
            out.append((s0, left, right, numeric.value_jumps(f, s0, dom)))
    return out


def _vector_kink(ctx: Context):
    """The first confirmed kink along lines through the domain: (y, point, direction, left, right, jump) or None."""
    if "vector_kink" in ctx.cache:
        return ctx.cache["vector_kink"]
    from .witness import Checker, kink_confirmed
    chk = Checker(ctx.loss)
    found = None
    for y in ctx.targets:
        for p, d, s_lo, s_hi in ctx.lines(y):
            for s0, left, right, jump in _line_kinks(ctx, y, p, d, s_lo, s_hi):
                point = [pi + s0 * di for pi, di in zip(p, d)]
                if kink_confirmed(chk, point, list(y), d):
                    found = (y, point, d, left, right, jump)
                    break
            if found:
                break
        if found:
            break
    ctx.cache["vector_kink"] = found
    return found

