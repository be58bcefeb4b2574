"""Deadlines that really interrupt: SIGALRM-based, nestable, main thread only.

sympy can run for minutes on an innocent-looking simplification and a user's
callable can loop forever; both are plain Python, so an alarm signal interrupts
them. Each `deadline(seconds, exc)` raises `exc` when its time is up; nested
deadlines keep the earliest one armed. Off the main thread (no signals there)
a deadline is not enforced: the audit runner's worker processes add a hard kill.
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager


class SymbolicTimeout(BaseException):
    """A symbolic step ran out of time: the answer is "could not prove"."""


class PropertyTimeout(BaseException):
    """A whole property decision ran out of time: the verdict is unknown (timed out)."""


# BaseException, not Exception: generic `except Exception` around sympy or a
# user's callable must not swallow a deadline.

_stack: list[tuple[float, type]] = []


def _handler(signum, frame):
    now = time.monotonic()
    for when, exc in sorted(_stack, key=lambda e: e[0]):
        if when <= now + 1e-3:
            raise exc("time limit reached")
    _arm()


def _arm() -> None:
    if not _stack:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    remaining = min(w for w, _ in _stack) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-3))


def enforced() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float | None, exc: type = SymbolicTimeout):
    """Raise `exc` inside the block once `seconds` have passed (None: no limit)."""
    if seconds is None or not enforced():
        yield
        return
    entry = (time.monotonic() + seconds, exc)
    previous = signal.getsignal(signal.SIGALRM) if not _stack else None
    if not _stack:
        signal.signal(signal.SIGALRM, _handler)
    _stack.append(entry)
    _arm()
    try:
        yield
    finally:
        _stack.remove(entry)
        if _stack:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
