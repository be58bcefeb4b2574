"""Reading files that are input (catalog files, cache entries): regular files of bounded size only.

A path may be a symlink to /dev/zero, a FIFO that never gets a writer, a socket
or a huge file. `read_limited` looks before it reads: it stats the path (after
resolving symlinks), opens it without blocking, checks the open descriptor
again (the path may have been swapped in between) and reads at most `limit`
bytes. Anything else raises `Refused` with a reason for the message.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path


class Refused(Exception):
    """The path is not a regular file of at most the size limit; str() is the reason."""


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`; Refused for special or oversized files, OSError if unreadable."""
    _check(os.stat(path), limit)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        _check(os.fstat(fd), limit)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    if total > limit:  # it grew while being read
        raise Refused(f"the file is over the limit of {limit} bytes")
    return b"".join(chunks)


def _check(info: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise Refused("not a regular file (devices, FIFOs, sockets and folders are refused)")
    if info.st_size > limit:
        raise Refused(f"the file is {info.st_size} bytes; the limit is {limit}")
