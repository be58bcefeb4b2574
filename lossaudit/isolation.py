"""Isolating user code's output: whatever it writes, stdout carries only the report.

`quiet()` swaps Python's sys.stdout / sys.stderr for a sink and points descriptors
1 and 2 at /dev/null around one call (so os.write(1, ...), C extensions and
children it forks write nowhere); in a worker process, `silence_process()` does
that once for good and `quiet()` only swaps the Python streams.
"""
from __future__ import annotations

import contextlib
import io
import os
import sys


_silenced = False  # the whole process writes nowhere (a worker): no per-call redirection needed


def silence_process() -> None:
    """Point descriptors 0, 1 and 2 at /dev/null for good (in a worker: stdout belongs to the report)."""
    global _silenced
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    _silenced = True


@contextlib.contextmanager
def _descriptors_to_devnull():
    """Descriptors 1 and 2 at /dev/null inside the block: os.write(1, ...) and forked children too."""
    if _silenced:
        yield
        return
    for stream in (sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()
    saved = [_dup(fd) for fd in (1, 2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    try:
        yield
    finally:
        for fd, copy in zip((1, 2), saved):
            if copy is None:
                os.close(fd)
            else:
                os.dup2(copy, fd)
                os.close(copy)


def _dup(fd: int) -> int | None:
    try:
        return os.dup(fd)
    except OSError:  # closed by whoever started us
        return None


class _Discard(io.TextIOBase):
    def write(self, text) -> int:
        return len(text)


class _Quiet:
    """Swallow what user code prints, so stdout carries only the report (a class: it runs once per call)."""

    _sink = _Discard()

    def __enter__(self):
        self._streams = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self._sink
        self._fds = None if _silenced else _descriptors_to_devnull()
        if self._fds is not None:
            self._fds.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self._fds is not None:
            self._fds.__exit__(None, None, None)
        sys.stdout, sys.stderr = self._streams


def quiet() -> _Quiet:
    return _Quiet()
