"""What every property decision of one loss shares, computed once per loss and budget.

A `Context` holds the loss's numeric views, the targets the audit covers (and
those left out because the loss is undefined there), the symbolic cases a proof
works on, and per target the breakpoints and sample grids (`lossaudit.kinks`).
Property modules ask it questions; they never build these themselves. Answers
are memoized per method and arguments (`_memoized`, `Context.once`): no string
keys, no flags left behind for a later call to read.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from . import kinks as _kinks
from . import numeric
from .budget import Budget
from .callables import CallableFailure
from .domains import Interval, interval_targets
from .errors import LossError
from .kinks import Kink, exact_kinks_at, one_sided_derivatives  # noqa: F401 - re-exported (moved to kinks)
from .text import fmt  # noqa: F401 - re-exported for the property modules


def _plain(v):
    return list(v) if isinstance(v, (tuple, list, np.ndarray)) else float(v)


def _memoized(method):
    """Compute once per context and arguments; the memo is keyed by the method itself."""
    @functools.wraps(method)
    def wrapper(self, *args):
        return self.once(method, *args)
    return wrapper


@dataclass(eq=False)
class Context:
    loss: object
    budget: Budget
    targets: list
    excluded: list
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def once(self, fn, *args):
        """fn(self, *args), computed once per context (the memo key is fn and args, never a string)."""
        key = (fn, args)
        if key not in self._memo:
            self._memo[key] = fn(self, *args)
        return self._memo[key]

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
        return self.loss.kind.center(y, self.dom)

    @_memoized
    def invariant(self) -> bool:
        """L depends on y_pred - y_true only (decided symbolically once)."""
        from . import symbolic
        return bool(self.has_expression and not self.vector
                    and symbolic.translation_invariant(self.loss, self.seconds))

    @_memoized
    def concrete_case(self, y: float):
        from . import symbolic
        return symbolic.concrete_case(self.loss, y)

    @_memoized
    def proof_cases(self) -> list:
        """Cases whose proofs cover every valid target (empty when no expression)."""
        from . import symbolic
        if not self.has_expression or self.vector:
            return []
        if self.loss.target_domain.labels:
            return [self.concrete_case(y) for y in self.targets]
        if self.invariant():
            return [symbolic.shifted_case(self.loss)]
        return symbolic.symbolic_cases(self.loss, tuple(self.excluded))

    def covers_every_target(self) -> bool:
        """Do the proof cases stand for every valid target (not only the audited ones)?"""
        return bool(self.proof_cases()) and (not self.loss.target_domain.labels or not self.excluded)

    def structure(self, y: float):
        from . import symbolic
        return symbolic.structure(self.concrete_case(y), self.seconds)

    @_memoized
    def breakpoints(self, y: float) -> list[float]:
        """Where x ↦ L(x, y) switches branch or may lose smoothness (see kinks.breakpoints)."""
        return _kinks.breakpoints(self, y)

    def numeric_kinks(self, y: float) -> list[float]:
        return _kinks.numeric_kinks(self, y)

    def grid(self, y: float, *keys) -> np.ndarray:
        """Sample predictions for target y, without isolated points where the formula is 0/0."""
        x = numeric.scalar_grid(self.dom, self.center(y), self.rng("grid", y, *keys),
                                self.budget.samples, self.breakpoints(y), self.scales())
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

    @_memoized
    def scales(self) -> tuple:
        """The sizes of the formula's numbers (see `constant_scales`): sampling runs at each of them."""
        return tuple(constant_scales(self.loss))

    @_memoized
    def kinks(self, y: float) -> list:
        """The kinks (and jumps) of x ↦ L(x, y), with their one-sided derivatives."""
        return _kinks.kinks(self, y)

    # -- vector kinds -------------------------------------------------------------
    def lines(self, y, count: int = 6) -> list:
        """Lines through the prediction domain with simple numbers (see kinks.lines)."""
        return _kinks.lines(self, y, count)

    @_memoized
    def vector_scan(self) -> _kinks.VectorScan:
        """Lines through the domain scanned for kinks (see kinks.vector_scan)."""
        return _kinks.vector_scan(self)

    def vector_kink(self):
        """The first confirmed kink along lines through the domain (a VectorKink), or None."""
        return self.vector_scan().kink

    @_memoized
    def locus(self) -> tuple:
        """(the non-differentiability locus is provably empty inside the domain, the equations g = 0 not
        proved nonzero there): see symbolic.locus. An expression's; a callable's is unknown (False, [])."""
        from .symbolic import locus
        if not self.has_expression:
            return False, []
        return locus.empty(self.loss, self.seconds)

    @_memoized
    def locus_candidates(self, y) -> list:
        """Points on the locus for target y with a direction across it (see vector_kinks.locus_candidates)."""
        from .vector_kinks import locus_candidates
        return locus_candidates(self, y) if self.has_expression else []

    def line_breakpoints_found(self) -> bool:
        """Did some line through the domain meet a switch of |.|, max, ... (or was it scanned numerically)?"""
        return self.vector_scan().switches

    def vector_samples(self, y, *keys, n: int | None = None) -> np.ndarray:
        return numeric.vector_samples(self.loss.pred_domain, self.loss.K, np.asarray(y, float),
                                      self.rng("vsamples", tuple(y), *keys), n or self.budget.samples // 2)


# The context of the loss being audited: one entry, keyed by the loss itself (not its fingerprint: two
# losses alike in definition keep their own views and logs) and the budget. Every property of one loss
# shares it; the next loss replaces it. Never stored inside the frozen Loss.
_CURRENT: list = []


def build_context(loss, budget: Budget) -> Context:
    """The shared context of one loss: valid targets (undefined ones left out) and memo."""
    if _CURRENT and _CURRENT[0][0] is loss and _CURRENT[0][1] == budget:
        return _CURRENT[0][2]
    ctx = _new_context(loss, budget)
    _CURRENT[:] = [(loss, budget, ctx)]
    return ctx


def clear_contexts() -> None:
    """Forget the remembered context (a runner may call this after each loss)."""
    _CURRENT.clear()


def _new_context(loss, budget: Budget) -> Context:
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
    return Context(loss, budget, valid, excluded)


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
        from .permutations import audit_targets
        return audit_targets(loss)  # one per permutation orbit for expressions (lossaudit.permutations)
    if dom.labels:
        return sorted(dom.labels, reverse=True)  # the positive label first: +1 before -1, 1 before 0
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


def constant_scales(loss, count: int = 16) -> list[float]:
    """The magnitudes of the numbers in a loss's formula and of its parameter values, as written
    (1e-7 in a clip, 0.45 in a smooth L1), farthest from 1 first: sampling must reach a feature at any
    of them. Empty for callables (their features are found numerically)."""
    if loss.expression is None:
        return []
    import sympy as sp
    found = {abs(float(n)) for n in loss.exact_expression.atoms(sp.Number) if n.is_finite and n.is_real}
    found |= {abs(float(v)) for v in loss.param_values.values()}
    found = {c for c in found if c not in (0.0, 1.0) and np.isfinite(c)}
    return sorted(found, key=lambda c: (-abs(np.log10(c)), c))[:count]


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
    finish (exp(exp(exp(r))), a power beyond the mpmath budget) count as defined: beyond range, not
    undefined. At most 100 points, in the mpmath budget (lossaudit.budget); the deadline is a net."""
    import mpmath
    from .symbolic.compile import MPMATH_FALLBACK_SECONDS, mp_lambdify
    from .budget import MP_DIGITS
    from .timeouts import SymbolicTimeout, deadline
    ok = np.isfinite(values)
    inf = np.flatnonzero(np.isinf(values))
    if loss.expression is None or inf.size == 0:
        return ok
    fn = mp_lambdify(loss.pred_symbols + loss.true_symbols, loss.bound_expression)
    ok[inf] = True
    # at most 100 of them, spread over all (not the first 100 only: the rest would pass unchecked);
    # each unchecked one takes the answer of the checked one before it
    pick = np.unique(np.linspace(0, inf.size - 1, min(100, inf.size)).astype(int))
    answers = np.ones(pick.size, dtype=bool)
    try:
        with deadline(MPMATH_FALLBACK_SECONDS), mpmath.workdps(MP_DIGITS):
            for n, i in enumerate(inf[pick]):
                args = (list(points[i]) + list(y)) if loss.kind.vector else [points[i], y]
                answers[n] = _beyond_range(fn, args)
    except SymbolicTimeout:
        pass
    ok[inf] = answers[np.searchsorted(pick, np.arange(inf.size), side="right") - 1]
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
