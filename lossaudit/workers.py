"""Forked workers: each loss audited in a child process of its own, isolated from the runner.

    runner ── guard (own process group; ignores catchable signals) ── worker (the audit, the user's code)

The worker's parent is the guard, so a callable that signals its parent
(os.kill(os.getppid(), ...)) reaches the guard, which ignores it or dies alone;
the runner never sees it. When a loss is done, or its time is up, the whole group
(guard, worker, anything user code forked) is killed, so nothing lingers. The
group's descriptors 0, 1, 2 point at /dev/null: stdout belongs to the report.

Workers talk to the runner in the typed messages below, never in text.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Callable, Sequence

from .isolation import silence_process
from .errors import LossAuditError
from .verdict import Verdict, unknown

DIED = "the audit process died unexpectedly (the callable may have crashed the interpreter)"


@dataclass(frozen=True)
class PropertyDone:
    """One property decided (sent as soon as it is, so a later hang loses only the rest)."""

    verdict: Verdict
    timed_out: bool = False


@dataclass(frozen=True)
class LossDone:
    """Every property of the loss decided (or given up on: `timed_out`, `crashed`)."""

    verdicts: dict
    excluded: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    timed_out: frozenset = frozenset()
    crashed: bool = False


@dataclass(frozen=True)
class Failed:
    """Bad input, found in the worker (a callable's module that cannot be imported): the audit stops."""

    error: LossAuditError


@dataclass(frozen=True)
class Crashed:
    """A bug in lossaudit while auditing the loss."""

    reason: str


Work = Callable[[object, Callable], LossDone]   # work(loss, send) -> LossDone, run in the worker

_IGNORED = tuple(getattr(signal, name) for name in (
    "SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF",
    "SIGPIPE", "SIGTSTP", "SIGTTIN", "SIGTTOU") if hasattr(signal, name))


def run_forked(losses: Sequence, props: tuple, work: Work, workers: int, limits: Sequence[float],
               progress: Callable | None = None) -> list[LossDone]:
    """One LossDone per loss, in order; at most `workers` at a time; loss i is stopped after limits[i] s."""
    pool = _Pool(losses, props, work, workers, limits, progress)
    try:
        return pool.run()
    finally:
        pool.stop()


def takes_detail(progress: Callable | None) -> bool:
    """Does a progress callback take `detail=` (the properties decided so far within a loss)? Callbacks
    written as progress(done, total, name) keep being called that way only."""
    if progress is None:
        return False
    import inspect
    try:
        params = inspect.signature(progress).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "detail" or p.kind is p.VAR_KEYWORD for p in params)


class _Pool:
    def __init__(self, losses, props, work, workers, limits, progress):
        self.losses, self.props, self.work, self.size = losses, props, work, workers
        self.limits, self.progress = limits, progress
        self.detail = takes_detail(progress)
        self.context = mp.get_context("fork")
        self.pending = list(range(len(losses)))
        self.running: dict = {}    # connection -> _Worker
        self.done: dict = {}       # index -> LossDone

    def run(self) -> list[LossDone]:
        from multiprocessing.connection import wait
        while self.pending or self.running:
            self._fill()
            for conn in wait(list(self.running), timeout=1.0):
                self._receive(self.running[conn])
            self._expire()
        return [self.done[i] for i in range(len(self.losses))]

    def _fill(self) -> None:
        while self.pending and len(self.running) < self.size:
            i = self.pending.pop(0)
            worker = _Worker(self.context, i, self.losses[i], self.props, self.work, self.limits[i])
            self.running[worker.conn] = worker

    def _receive(self, worker: "_Worker") -> None:
        try:
            msg = worker.conn.recv()
        except (EOFError, OSError):
            msg = None
        finished = worker.take(msg)
        if finished is not None:
            self._finish(worker, finished)
        elif self.detail and isinstance(msg, PropertyDone):
            self.progress(len(self.done), len(self.losses), self.losses[worker.index].name,
                          detail=f"{len(worker.partial)}/{len(self.props)} properties")

    def _expire(self) -> None:
        now = time.monotonic()
        for worker in list(self.running.values()):
            if now - worker.started > worker.limit:
                reason = f"timed out (the audit of this loss was stopped after {worker.limit:g} s)"
                self._finish(worker, worker.unfinished(reason, timed_out=True))

    def _finish(self, worker: "_Worker", outcome: LossDone) -> None:
        worker.end()
        del self.running[worker.conn]
        self.done[worker.index] = outcome
        if self.progress:
            self.progress(len(self.done), len(self.losses), self.losses[worker.index].name)

    def stop(self) -> None:
        for worker in list(self.running.values()):
            worker.end()
        self.running.clear()


class _Worker:
    """The guard process of one loss (and, under it, the worker), seen from the runner."""

    def __init__(self, context, index: int, loss, props: tuple, work: Work, limit: float):
        self.index, self.props, self.limit = index, props, limit
        self.conn, child = context.Pipe(duplex=False)
        self.proc = context.Process(target=_guard, args=(work, loss, child), daemon=True)
        self.proc.start()
        child.close()
        with suppress(OSError):  # set on both sides, so the group exists whichever runs first
            os.setpgid(self.proc.pid, self.proc.pid)
        self.started = time.monotonic()
        self.partial: dict = {}
        self.timed_out: set = set()

    def take(self, msg) -> LossDone | None:
        """The loss's result once `msg` finishes it; a Failed message raises its error."""
        if isinstance(msg, PropertyDone):
            self.partial[msg.verdict.property] = msg.verdict
            if msg.timed_out:
                self.timed_out.add(msg.verdict.property)
            return None
        if isinstance(msg, LossDone):
            return msg
        if isinstance(msg, Failed):
            raise msg.error
        return self.unfinished(msg.reason if isinstance(msg, Crashed) else DIED)

    def unfinished(self, reason: str, timed_out: bool = False) -> LossDone:
        """The verdicts received so far; the others `unknown` with `reason`."""
        verdicts = {p: self.partial.get(p) or unknown(p, reason) for p in self.props}
        lost = frozenset(p for p in self.props if p not in self.partial)
        return LossDone(verdicts, timed_out=frozenset(self.timed_out) | (lost if timed_out else frozenset()),
                        crashed=not timed_out)

    def end(self) -> None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.conn.close()
        self.proc.join(timeout=5)


def _guard(work: Work, loss, conn) -> None:
    """In the guard: a process group of its own, quiet descriptors; fork the worker, wait for it."""
    with suppress(OSError):
        os.setpgid(0, 0)
    silence_process()
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in _IGNORED}
    pid = os.fork()
    if pid == 0:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _work(work, loss, conn)
    conn.close()
    with suppress(ChildProcessError):
        os.waitpid(pid, 0)
    os._exit(0)


def _work(work: Work, loss, conn) -> None:
    """In the worker: audit the loss, report in messages, exit (never return into the guard's code)."""
    try:
        conn.send(work(loss, conn.send))
    except LossAuditError as exc:
        conn.send(Failed(exc))
    except BaseException as exc:  # noqa: BLE001 - report, never hang the runner
        conn.send(Crashed(f"internal error while auditing {loss.name!r} ({type(exc).__name__}: {exc}); "
                          "please report it"))
    finally:
        conn.close()
        os._exit(0)
