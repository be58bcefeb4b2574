"""One module per property; each exposes decide(loss, budget) -> Verdict.

`decide(prop, loss, budget)` here runs one of them and turns the ways a decision
can fail to finish (a callable that raises, a value that is not finite, a
deadline) into an honest `unknown` with the reason.
"""
from __future__ import annotations

import importlib

from ..analysis import Undecidable
from ..callables import CallableFailure
from ..verdict import PROPERTIES, Verdict, unknown


def module(prop: str):
    return importlib.import_module(f"{__name__}.{prop}")


def decide(prop: str, loss, budget) -> Verdict:
    """The verdict for one property; `unknown` with a reason instead of an exception."""
    if prop not in PROPERTIES:
        raise ValueError(prop)
    import numpy as np
    try:
        with np.errstate(all="ignore"):  # overflow far out is expected and handled; keep stderr clean
            return module(prop).decide(loss, budget)
    except Undecidable as exc:
        return unknown(prop, exc.reason, {"example": exc.example} if exc.example else None)
    except CallableFailure as exc:
        return unknown(prop, exc.reason, {"example": exc.example} if exc.example else None)
