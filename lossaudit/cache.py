"""A cache of audit results, keyed by the loss's definition, the budget and lossaudit's own code.

Verdicts are deterministic (seeded), so a repeated audit of an unchanged loss
can reuse them. The key covers the expression, parameter values, domains, the
budget, the properties asked and a digest of lossaudit's source, so any change
to either side misses the cache. Callables are never cached (their code is not
part of the key). Off with LOSSAUDIT_NO_CACHE=1; the folder is
$LOSSAUDIT_CACHE_DIR, else $XDG_CACHE_HOME/lossaudit, else ~/.cache/lossaudit.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from ._version import __version__


def enabled() -> bool:
    return not os.environ.get("LOSSAUDIT_NO_CACHE")


def folder() -> Path:
    env = os.environ.get("LOSSAUDIT_CACHE_DIR")
    if env:
        return Path(env)
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
    if loss.func is not None or loss.text is None:
        return None
    parts = [code_digest(), loss.fingerprint, repr(budget), ",".join(props)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def load(k: str | None):
    """(verdict dicts by property, excluded targets) or None."""
    if k is None or not enabled():
        return None
    path = folder() / f"{k}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("verdicts"), data.get("excluded", [])


def store(k: str | None, verdicts: dict, excluded: list) -> None:
    if k is None or not enabled():
        return
    try:
        target = folder()
        target.mkdir(parents=True, exist_ok=True)
        data = {"verdicts": {p: v.to_dict() for p, v in verdicts.items()}, "excluded": excluded}
        fd, tmp = tempfile.mkstemp(dir=target, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, target / f"{k}.json")  # atomic: concurrent writers cannot corrupt an entry
    except OSError:
        pass  # a read-only home is not an error: the cache is an optimisation
