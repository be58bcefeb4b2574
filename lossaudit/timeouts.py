"""Safety-net time limits that really interrupt: SIGALRM-based, nestable, main thread only.

sympy can run for minutes on an innocent-looking simplification and a user's callable can loop
forever; both are plain Python, so an alarm signal interrupts them. Each `deadline(seconds, exc)`
raises `exc` when its time is up; nested deadlines keep the earliest one armed. Off the main thread
(no signals there) a deadline is not enforced: the audit runner's worker processes add a hard kill.

These limits are safety nets, never the way work is bounded: the work of an audit is bounded by the
deterministic limits of `lossaudit.budget` (expression sizes, step counts, mpmath precision and
points), which give the same answer on every machine. A net that fires is counted (`fired()`), so
the runner can tell a result that depended on time from one that did not.

Time is counted on the *active* clock: the seconds this thread spent running or blocked on its own
account (sleeping, reading), but not the seconds it waited for a CPU while other processes ran
(Linux's /proc/thread-self/schedstat). A loaded machine therefore does not bring a net closer: two
busy processes on two cores triple the wall time of an audit, not its active time. Where schedstat
is missing the clock is the wall clock (`time.monotonic`).
"""
from __future__ import annotations

import os
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

_SCHEDSTAT = "/proc/thread-self/schedstat"
_MIN_WAIT = 1e-3   # seconds: the shortest alarm
_stack: list[tuple[float, type]] = []
_fired = [0]       # how many deadlines have fired in this process (a list: mutable without `global`)
_slowness = [1.0]  # `slower_machine`: every net is divided by this


_FDS: dict = {}     # (process id, thread id) -> its schedstat file, open (re-read in place: no open per read)


def _schedstat_active() -> float | None:
    """Wall time minus the time this thread waited on a run queue (None without schedstat).

    The file stays open per process and thread (a forked child opens its own: /proc/thread-self names
    the thread that opened it); re-reading it from offset 0 costs a tenth of opening it again."""
    key = (os.getpid(), threading.get_ident())
    try:
        fd = _FDS.get(key)
        if fd is None:
            fd = _FDS[key] = os.open(_SCHEDSTAT, os.O_RDONLY)
        waited_ns = int(os.pread(fd, 128, 0).split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return time.monotonic() - waited_ns * 1e-9


def active_time() -> float:
    """The active clock (see the module's docstring); never runs faster than the wall clock."""
    t = _schedstat_active()
    return time.monotonic() if t is None else t


def fired() -> int:
    """How many deadlines have fired in this process so far (compare before and after a piece of work)."""
    return _fired[0]


@contextmanager
def slower_machine(factor: float):
    """Behave as on a machine `factor` times slower: every deadline opened inside is `factor` times
    shorter (tests and benchmarks check that no answer depends on the speed of the machine)."""
    previous = _slowness[0]
    _slowness[0] = previous * factor
    try:
        yield
    finally:
        _slowness[0] = previous


def _handler(signum, frame):
    now = active_time()
    for when, exc in _stack:  # outermost first: when several are due, the widest one wins
        if when <= now + _MIN_WAIT:
            _fired[0] += 1
            raise exc("time limit reached")
    _arm()


def _arm() -> None:
    if not _stack:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    # the active clock never runs faster than the wall clock, so this alarm comes no later than the
    # earliest deadline; under load it comes early and `_handler` arms it again for the rest
    remaining = min(w for w, _ in _stack) - active_time()
    signal.setitimer(signal.ITIMER_REAL, max(remaining, _MIN_WAIT))


def enforced() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def deadline(seconds: float | None, exc: type = SymbolicTimeout):
    """Raise `exc` inside the block once `seconds` of active time have passed (None: no limit)."""
    if seconds is None or not enforced():
        yield
        return
    wait = seconds / _slowness[0]
    entry = (active_time() + wait, exc)
    previous = signal.getsignal(signal.SIGALRM) if not _stack else None
    if not _stack:
        signal.signal(signal.SIGALRM, _handler)
    earliest = not _stack or entry[0] < min(w for w, _ in _stack)
    _stack.append(entry)
    if earliest:  # otherwise the alarm already comes no later than this deadline
        signal.setitimer(signal.ITIMER_REAL, max(wait, _MIN_WAIT))
    try:
        yield
    finally:
        _stack.remove(entry)
        if not _stack:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        # else the alarm stays as it is: it comes no later than the earliest deadline left, and
        # `_handler` arms it again for the rest when it comes early
