"""audit(): resolve what to audit, run the property analyzers, collect a Report.

Losses are audited in forked worker processes when there are several (or when a
user's callable could hang): each property runs under a deadline inside its
worker, and a worker that overruns even that is killed, its remaining
properties reported `unknown (timed out)`. Results do not depend on the order
in which workers finish: every (loss, property) draws from its own seeded
generator.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time

import numpy as np
from typing import Callable

from .budget import DEFAULT_SAMPLES, Budget
from .errors import LossAuditError, LossError, UnknownLossError
from .kinds import Domain
from .loss import Loss
from .report import LossResult, Report, qualify
from .timeouts import PropertyTimeout, deadline
from .verdict import Verdict, parse_properties, unknown

DEFAULT_TIMEOUT = 30.0


def resolve(target=None, *, kind: str | None = None, name: str | None = None, params: dict | None = None,
            pred_domain: Domain | None = None, target_domain: Domain | None = None,
            classes: int | None = None, expression: str | None = None) -> list[Loss]:
    """What to audit: None (every built-in), a name, an expression (with kind), a callable,
    a "file.py:func" / "module:func" spec (with kind), a Loss, or a list of these.

    `expression` is always parsed as an expression, never imported (the CLI's --expr).
    """
    from . import catalog_loader as catalog
    if expression is not None:
        if target is not None:
            raise LossError("give either something to audit or an expression, not both")
        losses = [Loss.from_expression(expression, _need_kind(kind, "an expression"), name=name, params=params,
                                       pred_domain=pred_domain, target_domain=target_domain, classes=classes)]
        return losses
    if target is None:
        losses = list(catalog.builtins())
    elif isinstance(target, (list, tuple)):
        losses = [one for t in target for one in resolve(t, kind=kind, pred_domain=pred_domain,
                                                      target_domain=target_domain, classes=classes)]
    elif isinstance(target, Loss):
        losses = [target]
    elif callable(target):
        losses = [Loss.from_callable(target, _need_kind(kind, "a callable"), name=name, pred_domain=pred_domain,
                                     target_domain=target_domain, classes=classes)]
    elif isinstance(target, str):
        losses = [_from_text(target, kind, name, params, pred_domain, target_domain, classes)]
        if losses[0].source == "expression":
            return losses  # its parameters were given to from_expression
    else:
        raise LossError(f"cannot audit {target!r}: give a built-in name, an expression, or a callable")
    if params:
        losses = [loss.with_values(params) for loss in losses]
    if (pred_domain or target_domain or classes) and any(x.source.startswith("catalog/") for x in losses):
        losses = [_override(x, pred_domain, target_domain, classes) for x in losses]
    return losses


def _from_text(text, kind, name, params, pred_domain, target_domain, classes) -> Loss:
    from . import catalog_loader as catalog
    from .callables import load_callable, looks_like_callable_spec
    if kind is None:
        try:
            return catalog.find(text)
        except UnknownLossError:
            if looks_like_callable_spec(text):
                raise LossError(f"auditing the callable {text!r} needs its kind (--kind)") from None
            if any(c in text for c in "()+-*/ "):
                raise LossError(f"auditing the expression {text!r} needs its kind (--kind: regression, positive, "
                                "margin, probability, logits, distribution or vector)") from None
            raise
    if looks_like_callable_spec(text):
        func = load_callable(text)
        return Loss.from_callable(func, kind, name=name or text.rsplit(":", 1)[1], pred_domain=pred_domain,
                                  target_domain=target_domain, classes=classes, source=text)
    return Loss.from_expression(text, kind, name=name, params=params, pred_domain=pred_domain,
                                target_domain=target_domain, classes=classes)


def _need_kind(kind, what):
    if kind is None:
        raise LossError(f"auditing {what} needs its kind (regression, positive, margin, probability, logits, "
                        "distribution or vector)")
    return kind


def _override(loss: Loss, pred, target, classes) -> Loss:
    from dataclasses import replace
    changed = replace(loss, pred_override=pred or loss.pred_override,
                      target_override=target or loss.target_override, classes=classes or loss.classes)
    changed._validate_common()
    return changed


def audit(target=None, *, kind: str | None = None, properties=None, seed: int = 0, samples: int | None = None,
          params: dict | None = None, pred_domain: Domain | None = None, target_domain: Domain | None = None,
          classes: int | None = None, require=None, timeout: float | None = None, name: str | None = None,
          workers: int | None = None, progress: Callable | None = None, expression: str | None = None) -> Report:
    """Audit losses and return a Report.

        audit()                                   every built-in
        audit("huber")                            a built-in (by name or alias)
        audit("log(cosh(y_pred - y_true))", kind="regression")
        audit(my_fn, kind="margin")               a callable f(y_pred, y_true) over numpy arrays
        audit("losses.py:my_loss", kind="regression")

    `require` ("convexity,smoothness") marks which losses qualify; `progress`
    is called as progress(done, total, name) after each loss. `expression=` is
    always parsed as an expression (never imported as a callable).
    """
    props = parse_properties(properties)
    required = parse_properties(require) if require else None
    if required:
        props = tuple(p for p in parse_properties(tuple(set(props) | set(required))))
    try:
        budget = Budget(seed=seed, samples=DEFAULT_SAMPLES if samples is None else samples,
                        timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    except ValueError as exc:
        raise LossError(str(exc)) from None
    losses = resolve(target, kind=kind, name=name, params=params, pred_domain=pred_domain,
                     target_domain=target_domain, classes=classes, expression=expression)
    single_user_loss = len(losses) == 1 and not losses[0].source.startswith("catalog/")
    results = run(losses, props, budget, workers=workers, progress=progress, strict=single_user_loss)
    for r in results:
        if required:
            r.qualifies = qualify(r, required)
    return Report(results, props, seed=seed, samples=budget.samples, require=required)


# ---------------------------------------------------------------------------
# Running

def run(losses: list, props: tuple, budget: Budget, *, workers: int | None = None,
        progress: Callable | None = None, strict: bool = False) -> list[LossResult]:
    """One LossResult per loss, in order. `strict`: a LossAuditError of a loss propagates (a lone user loss).

    Results found in the cache are reused; the rest are computed and stored.
    """
    from . import cache
    keys = [cache.key(loss, budget, props) for loss in losses]
    cached = {i: cache.load(k) for i, k in enumerate(keys)}
    todo = [i for i, hit in cached.items() if hit is None]
    fresh = _run(losses=[losses[i] for i in todo], props=props, budget=budget, workers=workers,
                 progress=progress, strict=strict, offset=len(losses) - len(todo), total=len(losses))
    results = {}
    for i, result in zip(todo, fresh):
        if not any("timed out" in v.detail for v in result.verdicts.values()):  # timing is not reproducible
            cache.store(keys[i], result.verdicts, result.excluded_targets)
        results[i] = result
    for i, hit in cached.items():
        if hit is not None:
            verdicts = {p: Verdict.from_dict(p, d) for p, d in hit[0].items()}
            results[i] = LossResult(losses[i], verdicts, excluded_targets=hit[1])
    if progress and not todo and losses:
        progress(len(losses), len(losses), losses[-1].name)
    return [results[i] for i in range(len(losses))]


def _run(losses, props, budget, workers, progress, strict, offset=0, total=None) -> list[LossResult]:
    total = total or len(losses)
    if progress:
        inner = progress
        progress = lambda done, _t, name: inner(offset + done, total, name)  # noqa: E731
    if not losses:
        return []
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    parallel = workers > 1 and len(losses) > 1 or any(x.func is not None for x in losses)
    if parallel and "fork" in mp.get_all_start_methods():
        return _run_forked(losses, props, budget, max(workers, 1), progress, strict)
    results = []
    for i, loss in enumerate(losses):
        results.append(_audit_one(loss, props, budget, strict))
        if progress:
            progress(i + 1, len(losses), loss.name)
    return results


def _audit_one(loss: Loss, props: tuple, budget: Budget, strict: bool, send=None) -> LossResult:
    from .analysis import build_context
    from .callables import CallableFailure
    from .properties import decide
    try:
        with deadline(budget.timeout, PropertyTimeout):
            ctx = build_context(loss, budget)
    except LossAuditError as exc:
        if strict:
            raise
        return LossResult(loss, {p: unknown(p, str(exc)) for p in props})
    except CallableFailure as exc:
        evidence = {"example": exc.example} if exc.example else None
        return LossResult(loss, {p: unknown(p, exc.reason, evidence) for p in props})
    except PropertyTimeout:
        reason = f"timed out after {budget.timeout:g} s while first evaluating the loss (raise --timeout)"
        return LossResult(loss, {p: unknown(p, reason) for p in props})
    except Exception as exc:  # noqa: BLE001 - a bug while preparing one loss must not sink the report
        if os.environ.get("LOSSAUDIT_DEBUG"):
            raise
        reason = f"internal error while preparing the loss ({type(exc).__name__}: {exc}); please report it"
        return LossResult(loss, {p: unknown(p, reason) for p in props})
    verdicts = {}
    for p in props:
        try:
            with deadline(budget.timeout, PropertyTimeout):
                verdicts[p] = decide(p, loss, budget)
        except PropertyTimeout:
            verdicts[p] = unknown(p, f"timed out after {budget.timeout:g} s (raise --timeout to allow longer)")
        if send is not None:
            send(("verdict", p, verdicts[p]))
    return LossResult(loss, verdicts, excluded_targets=_excluded(ctx), notes=_notes(loss))


def _notes(loss) -> list:
    if loss.func is None:
        return []
    notes = []
    views = loss.views
    if getattr(views, "engine", None):
        notes.append(f"derivatives by {views.engine} autodiff (exact); kinks are still found from values")
    if views.safe is not None and not views.safe.vectorised:
        notes.append("the callable does not accept arrays, so it was called one point at a time (slower); "
                     "vectorise it for a faster audit")
    return notes


def _excluded(ctx) -> list:
    return [{"y_true": y, "reason": "the loss is undefined (not finite) there"} for y in ctx.excluded]


def _warm_up() -> None:
    """Import and exercise the lazily loaded machinery once in the parent, so that forked
    children inherit it instead of each paying for sympy's solvers, printers and scipy again."""
    import scipy.optimize  # noqa: F401
    import sympy as sp
    from .symbolic import X, compile_numeric
    from .symbolic import guarded, mp_evaluator, prove_nonnegative
    smooth = sp.log(1 + sp.exp(X))
    e = sp.Abs(X - 1) + smooth + sp.Max(0, X) + sp.Piecewise((X**2, X < 1), (X, True))
    guarded(5.0, sp.solveset, X - 1, X, sp.Interval.open(-sp.oo, sp.oo))
    guarded(5.0, sp.limit, sp.diff(smooth, X), X, sp.oo)
    guarded(5.0, sp.simplify, sp.diff(e, X, 2))
    guarded(5.0, lambda: compile_numeric(e, (X,))(np.array([0.5, 2.0])))
    guarded(5.0, lambda: mp_evaluator(e, (X,))(0.5))
    guarded(5.0, prove_nonnegative, sp.diff(smooth, X, 2), -sp.oo, sp.oo, 2.0)


def _run_forked(losses, props, budget, workers, progress, strict) -> list[LossResult]:
    """Each loss in its own forked child; a child that outlives its deadline is killed."""
    from multiprocessing.connection import wait
    _warm_up()
    ctx = mp.get_context("fork")
    pending = list(range(len(losses)))
    running = {}       # connection -> (index, process, started, verdicts so far)
    results: dict = {}
    hard_limit = budget.timeout * len(props) + 30.0
    done = 0
    while pending or running:
        while pending and len(running) < workers:
            i = pending.pop(0)
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_child, args=(losses[i], props, budget, strict, child), daemon=True)
            proc.start()
            child.close()
            running[parent] = (i, proc, time.monotonic(), {})
        ready = wait(list(running), timeout=1.0)
        for conn in ready:
            i, proc, started, partial = running[conn]
            try:
                msg = conn.recv()
            except EOFError:
                msg = ("died", None)
            finished = _handle(msg, i, losses, props, partial, results)
            if finished:
                conn.close()
                proc.join(timeout=5)
                del running[conn]
                done += 1
                if progress:
                    progress(done, len(losses), losses[i].name)
        now = time.monotonic()
        for conn, (i, proc, started, partial) in list(running.items()):
            if now - started > hard_limit:
                proc.kill()
                proc.join(timeout=5)
                conn.close()
                del running[conn]
                verdicts = {p: partial.get(p) or unknown(p, f"timed out (the audit of this loss was stopped after "
                                                         f"{hard_limit:g} s)") for p in props}
                results[i] = LossResult(losses[i], verdicts)
                done += 1
                if progress:
                    progress(done, len(losses), losses[i].name)
    return [results[i] for i in range(len(losses))]


def _handle(msg, i, losses, props, partial, results) -> bool:
    kind = msg[0]
    if kind == "verdict":
        partial[msg[1]] = msg[2]
        return False
    if kind == "result":
        results[i] = LossResult(losses[i], msg[1], excluded_targets=msg[2], notes=msg[3])
        return True
    if kind == "error":
        raise LossError(msg[1])
    if kind == "internal":
        results[i] = LossResult(losses[i], {p: partial.get(p) or unknown(p, msg[1]) for p in props})
        return True
    reason = "the audit process died unexpectedly (the callable may have crashed the interpreter)"
    results[i] = LossResult(losses[i], {p: partial.get(p) or unknown(p, reason) for p in props})
    return True


def _child(loss, props, budget, strict, conn) -> None:
    try:
        result = _audit_one(loss, props, budget, strict, send=conn.send)
        # verdicts are plain data; the parent keeps its own Loss (a callable may not pickle)
        conn.send(("result", result.verdicts, result.excluded_targets, result.notes))
    except LossAuditError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - report, never hang the parent
        conn.send(("internal", f"internal error while auditing {loss.name!r} ({type(exc).__name__}: {exc}); "
                               "please report it"))
    finally:
        conn.close()
        os._exit(0)
