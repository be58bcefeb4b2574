"""A cache of audit results, keyed by the loss's definition, the budget and lossaudit's own code.

Verdicts are deterministic (seeded), so a repeated audit of an unchanged loss
can reuse them. The key covers the expression, parameter values, domains, the
budget, the properties asked and a digest of lossaudit's source, so any change
to either side misses the cache. Callables are never cached (their code is not
part of the key). Off with LOSSAUDIT_NO_CACHE=1, or with LOSSAUDIT_CACHE_DIR set
to an empty value; the folder is $LOSSAUDIT_CACHE_DIR, else
$XDG_CACHE_HOME/lossaudit, else ~/.cache/lossaudit.

A cache file is input like any other: it is read only if it is a regular file
of at most MAX_FILE_BYTES, and used only if it validates (`cache_schema`): its
content hash binds the payload to its key and lossaudit's version, every asked
property is there with an allowed verdict and method, and the evidence of a
`fails` has the shape that property's counterexamples have. Anything else is a
miss: the audit recomputes and overwrites the entry.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from ._version import __version__
from .cache_schema import valid_payload
from .files import Refused, read_limited

FORMAT = 2
MAX_FILE_BYTES = 1 << 20  # 1 MiB; an entry is a few kB
_KEY = re.compile(r"[0-9a-f]{64}(?:\.[a-z_]+)+")


def enabled() -> bool:
    return not os.environ.get("LOSSAUDIT_NO_CACHE") and folder() is not None


def folder() -> Path | None:
    """The cache folder; None when LOSSAUDIT_CACHE_DIR is set but empty (the cache is then off)."""
    env = os.environ.get("LOSSAUDIT_CACHE_DIR")
    if env is not None:
        return Path(env) if env.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lossaudit"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of lossaudit's own source files: new code, new keys."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def key(loss, budget, props) -> str | None:
    """The digest of what defines the audit, then the properties asked (so a loaded entry can be
    checked to hold every one of them)."""
    if loss.func is not None or loss.text is None:
        return None
    parts = [code_digest(), loss.fingerprint, repr(budget), ",".join(props)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return ".".join([digest, *props])


def content_hash(k: str, payload: dict) -> str:
    """sha256 over key, version and the canonical payload: an edited or moved entry no longer matches."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256("\x1f".join([k, __version__, canonical]).encode()).hexdigest()


def load(k: str | None):
    """(verdict dicts by property, excluded targets), or None for a miss (absent, unreadable or invalid)."""
    if k is None or not enabled() or not _KEY.fullmatch(k):
        return None
    data = _read_json(folder() / f"{k}.json")
    if not isinstance(data, dict) or set(data) != {"format", "key", "version", "payload", "sha256"}:
        return None
    if data["format"] != FORMAT or data["key"] != k or data["version"] != __version__:
        return None
    payload = data["payload"]
    props = tuple(k.split(".")[1:])
    if not valid_payload(payload, props) or data["sha256"] != content_hash(k, payload):
        return None
    return payload["verdicts"], payload["excluded"]


def _read_json(path: Path):
    """The parsed JSON of a regular file of at most MAX_FILE_BYTES, or None (never blocks on a FIFO)."""
    try:
        return json.loads(read_limited(path, MAX_FILE_BYTES).decode("utf-8"))
    except (Refused, OSError, ValueError, RecursionError):  # UnicodeDecodeError, JSONDecodeError: ValueErrors
        return None


def store(k: str | None, verdicts: dict, excluded: list) -> None:
    if k is None or not enabled() or not _KEY.fullmatch(k):
        return
    payload = {"verdicts": {p: v.to_dict() for p, v in verdicts.items()}, "excluded": excluded}
    payload = json.loads(json.dumps(payload))  # the form it will be read back in (tuples -> lists)
    data = {"format": FORMAT, "key": k, "version": __version__, "payload": payload,
            "sha256": content_hash(k, payload)}
    try:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, target / f"{k}.json")  # atomic: concurrent writers cannot corrupt an entry
    except (OSError, ValueError):
        pass  # a read-only home is not an error: the cache is an optimisation
