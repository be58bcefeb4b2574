"""Running an audit: serial or in forked workers, under the budget's meter and safety nets, with the cache.

Each property runs under its own meter (`Budget.metered`: the deterministic limits of its symbolic
work) and a safety-net deadline of `budget.timeout` seconds of active time inside its worker; a
worker that overruns even that (HARD_FACTOR times its properties' nets, in wall-clock time) is
killed, its remaining properties reported `unknown (timed out)`. Results do not depend on the order
in which workers finish: every (loss, property) draws from its own seeded generator. Workers
(`lossaudit.workers`, which also isolates them) report in typed messages; which properties ran out
of time, or reached a symbolic safety net, is recorded there, not read from text (a timing is not
reproducible, so such a result is never cached).
"""
from __future__ import annotations

import functools
import multiprocessing as mp
import os
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np

from . import cache
from .budget import Budget
from .callables import CallableFailure, ImportedCallable, prepare
from .errors import LossAuditError
from .loss import Loss
from .report import LossResult
from .timeouts import PropertyTimeout, deadline
from .verdict import COUNTEREXAMPLE, NOT_APPLICABLE, PROOF, Verdict, unknown
from .workers import LossDone, PropertyDone, run_forked, takes_detail

Progress = Callable[[int, int, str], None]


@dataclass
class Outcome:
    """One loss audited: its result, and which properties ran out of time or were lost with a crash."""

    result: LossResult
    timed_out: frozenset = frozenset()
    crashed: bool = False

    @property
    def cacheable(self) -> bool:
        return not self.timed_out and not self.crashed  # a timing or a crash is not reproducible


def run(losses: Sequence[Loss], props: tuple, budget: Budget, *, workers: int | None = None,
        progress: Progress | None = None, strict: bool = False) -> list[LossResult]:
    """One LossResult per loss, in order. `strict`: a LossAuditError of a loss propagates (a lone user loss).

    Results found in the cache are reused; the rest are computed and stored.
    """
    keys = [cache.key(loss, budget, props) for loss in losses]
    results = {i: _cached(loss, cache.load(k)) for i, (loss, k) in enumerate(zip(losses, keys))}
    todo = [i for i, hit in results.items() if hit is None]
    fresh = execute([losses[i] for i in todo], props, budget, workers=workers, strict=strict,
                    progress=_shifted(progress, len(losses) - len(todo), len(losses)))
    for i, outcome in zip(todo, fresh):
        if outcome.cacheable:
            cache.store(keys[i], outcome.result.verdicts, outcome.result.excluded_targets)
        results[i] = outcome.result
    if progress and not todo and losses:
        progress(len(losses), len(losses), losses[-1].name)
    return [results[i] for i in range(len(losses))]


def _cached(loss: Loss, hit) -> LossResult | None:
    if hit is None:
        return None
    verdicts = {p: Verdict.from_dict(p, d) for p, d in hit[0].items()}
    if not _counterexamples_recheck(loss, verdicts):
        return None  # an entry whose counterexample does not re-check is not trusted: recompute
    return LossResult(loss, verdicts, excluded_targets=hit[1])


def _counterexamples_recheck(loss: Loss, verdicts: dict) -> bool:
    from .verdict import FAILS
    from .witness import Checker, evidence_rechecks
    failing = [v for v in verdicts.values() if v.verdict == FAILS]
    if not failing:
        return True
    try:
        chk = Checker(loss)
        with np.errstate(all="ignore"):
            return all(evidence_rechecks(chk, v.property, v.evidence) for v in failing)
    except Exception:  # noqa: BLE001 - evidence that cannot even be evaluated is a miss, not a crash
        return False


def _shifted(progress: Progress | None, offset: int, total: int) -> Progress | None:
    if progress is None:
        return None
    if takes_detail(progress):
        return lambda done, _total, name, detail=None: progress(offset + done, total, name, detail=detail)
    return lambda done, _total, name: progress(offset + done, total, name)


def _property_progress(progress, done: int, total: int, name: str, count: int):
    """A `send` for audit_one that reports each property decided, for callbacks that take `detail`."""
    if not takes_detail(progress):
        return None
    decided = []

    def send(msg) -> None:
        decided.append(msg)
        progress(done, total, name, detail=f"{len(decided)}/{count} properties")
    return send


def execute(losses: Sequence[Loss], props: tuple, budget: Budget, *, workers: int | None = None,
            progress: Progress | None = None, strict: bool = False) -> list[Outcome]:
    """Audit each loss (no cache): in forked workers when there are several, or any user callable."""
    if not losses:
        return []
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    parallel = workers > 1 and len(losses) > 1 or any(x.func is not None for x in losses)
    if parallel and "fork" in mp.get_all_start_methods():
        return _forked(losses, props, budget, max(workers, 1), progress, strict)
    outcomes = []
    for i, loss in enumerate(losses):
        send = _property_progress(progress, i, len(losses), loss.name, len(props))
        outcomes.append(audit_one(loss, props, budget, strict, send=send))
        if progress:
            progress(i + 1, len(losses), loss.name)
    return outcomes


def _forked(losses, props, budget, workers, progress, strict) -> list[Outcome]:
    _warm_up(symbolic=any(loss.func is None for loss in losses))
    work = functools.partial(_work, props=props, budget=budget, strict=strict)
    limits = [hard_limit(loss, props, budget) for loss in losses]
    done = run_forked(losses, props, work, workers, limits, progress)
    return [Outcome(LossResult(loss, d.verdicts, excluded_targets=d.excluded, notes=d.notes), d.timed_out, d.crashed)
            for loss, d in zip(losses, done)]


HARD_FACTOR = 3.0  # the in-process nets count active time; the kill counts wall time, which load stretches


def hard_limit(loss: Loss, props: tuple, budget: Budget) -> float:
    """Wall-clock seconds after which a worker is killed: HARD_FACTOR times its properties' deadlines
    (plus one for importing a callable): a last resort for code that does not yield to a signal."""
    imported = budget.timeout if isinstance(loss.func, ImportedCallable) else 0.0
    return HARD_FACTOR * (budget.timeout * len(props) + 30.0 + imported)


def _work(loss: Loss, send: Callable, *, props: tuple, budget: Budget, strict: bool) -> LossDone:
    """What a worker does: audit the loss, sending each verdict as it comes."""
    outcome = audit_one(loss, props, budget, strict, send=send)
    r = outcome.result
    return LossDone(r.verdicts, r.excluded_targets, r.notes, outcome.timed_out, outcome.crashed)


def audit_one(loss: Loss, props: tuple, budget: Budget, strict: bool, send: Callable | None = None) -> Outcome:
    """Decide `props` for one loss; each verdict is passed to `send` (as a PropertyDone) as it is reached.

    A user callable's module is imported first, under the deadline: its failure is bad input (it
    propagates, strict or not). A lone expression's bad input propagates when `strict`; a callable's
    behaviour (NaN everywhere, say) is never bad input: its verdicts are `unknown` with the reason.
    """
    prepare(loss.func, budget.timeout)
    ctx = _context(loss, props, budget, strict and loss.func is None)
    if isinstance(ctx, Outcome):
        return ctx
    verdicts, timed_out = {}, set()
    for p in props:
        verdicts[p], timed = decide_metered(p, loss, budget)
        if timed:
            timed_out.add(p)
        if send is not None:
            send(PropertyDone(verdicts[p], timed))
    result = LossResult(loss, verdicts, excluded_targets=_excluded(ctx), notes=_notes(loss))
    return Outcome(result, frozenset(timed_out))


def decide_metered(p: str, loss: Loss, budget: Budget) -> tuple[Verdict, bool]:
    """One property under its meter and its safety net: the verdict, and whether it depended on time
    (the property's net, or a symbolic step's, fired: such a result is not reproducible)."""
    from .properties import decide
    with budget.metered() as meter:
        try:
            with deadline(budget.timeout, PropertyTimeout):
                verdict = decide(p, loss, budget)
        except PropertyTimeout:
            return unknown(p, f"timed out after {budget.timeout:g} s (raise --timeout to allow longer)"), True
        return _with_limits(verdict, meter), meter.nets_fired()


NET_NOTE = ("A symbolic step was stopped by its safety-net time limit, so this answer may differ on "
            "another machine.")


def _with_limits(verdict: Verdict, meter) -> Verdict:
    """A sampled or unknown verdict says which limit kept the exact analysis from deciding: a budget
    refusal (deterministic) or a safety net (timed). A proof or a counterexample stands as it is."""
    if verdict.method in (PROOF, COUNTEREXAMPLE) or verdict.verdict == NOT_APPLICABLE:
        return verdict
    notes = [f"No exact answer: {meter.refused}."] if meter.refused else []
    notes += [NET_NOTE] if meter.nets_fired() else []
    if not notes:
        return verdict
    return replace(verdict, detail=" ".join([verdict.detail.rstrip(), *notes]))


def _context(loss: Loss, props: tuple, budget: Budget, strict: bool):
    """The loss's shared analysis context; or, when it cannot be built, the Outcome saying why."""
    from .analysis import build_context
    try:
        with budget.metered(), deadline(budget.timeout, PropertyTimeout):
            return build_context(loss, budget)
    except LossAuditError as exc:
        if strict:
            raise
        return _all_unknown(loss, props, str(exc))
    except CallableFailure as exc:
        return _all_unknown(loss, props, exc.reason, {"example": exc.example} if exc.example else None)
    except PropertyTimeout:
        reason = f"timed out after {budget.timeout:g} s while first evaluating the loss (raise --timeout)"
        return replace(_all_unknown(loss, props, reason), timed_out=frozenset(props))
    except Exception as exc:  # noqa: BLE001 - a bug while preparing one loss must not sink the report
        if os.environ.get("LOSSAUDIT_DEBUG"):
            raise
        reason = f"internal error while preparing the loss ({type(exc).__name__}: {exc}); please report it"
        return replace(_all_unknown(loss, props, reason), crashed=True)


def _all_unknown(loss: Loss, props: tuple, reason: str, evidence: dict | None = None) -> Outcome:
    return Outcome(LossResult(loss, {p: unknown(p, reason, evidence) for p in props}))


def _notes(loss: Loss) -> list:
    if loss.func is None:
        return []
    from .permutations import note
    notes = [note(loss)] if note(loss) else []  # a large K: a sample of the targets (their symmetry unknown)
    views = loss.views
    if getattr(views, "engine", None):
        notes.append(f"derivatives by {views.engine} autodiff (exact); kinks are still found from values")
    if views.safe is not None and not views.safe.vectorised:
        notes.append("the callable does not accept arrays, so it was called one point at a time (slower); "
                     "vectorise it for a faster audit")
    return notes


def _excluded(ctx) -> list:
    return [{"y_true": y, "reason": "the loss is undefined (not finite) there"} for y in ctx.excluded]


def _warm_up(symbolic: bool = True) -> None:
    """Import and exercise the lazily loaded machinery once in the parent, so that forked
    children inherit it instead of each paying for sympy's solvers, printers and scipy again
    (the symbolic part only when some loss is an expression: a callable's audit does not use it).
    The results are thrown away: they only fill caches, which change no answer. Each call is small:
    loading the modules is the point, and the parent's time is the wall time of a short audit."""
    import scipy.optimize  # noqa: F401
    if not symbolic:
        return
    import sympy as sp
    from .symbolic import X, compile_numeric
    from .symbolic import guarded, mp_evaluator, prove_nonnegative
    smooth = sp.log(1 + sp.exp(X))
    e = sp.Abs(X - 1) + smooth + sp.Max(0, X) + sp.Piecewise((X**2, X < 1), (X, True))
    guarded(5.0, sp.solveset, X - 1, X, sp.Interval.open(-sp.oo, sp.oo))
    guarded(5.0, sp.limit, sp.diff(smooth, X), X, sp.oo)
    guarded(5.0, sp.simplify, sp.diff(smooth, X, 2))
    guarded(5.0, sp.simplify, sp.Piecewise((X**2, X < 1), (X, True)))
    guarded(5.0, lambda: compile_numeric(e, (X,))(np.array([0.5, 2.0])))
    guarded(5.0, lambda: mp_evaluator(e, (X,))(0.5))
    guarded(5.0, prove_nonnegative, sp.diff(smooth, X, 2), -sp.oo, sp.oo, 2.0)
