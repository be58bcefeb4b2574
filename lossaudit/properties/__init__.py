"""One module per property; each exposes decide(loss, budget) -> Verdict.

`decide(prop, loss, budget)` here runs one of them and turns the ways a decision
can fail to finish (a callable that raises, a value that is not finite, a
deadline) into an honest `unknown` with the reason.
"""
from __future__ import annotations

import importlib
import os

from ..callables import CallableFailure
from ..verdict import HOLDS, PROPERTIES, Verdict, unknown


def module(prop: str):
    return importlib.import_module(f"{__name__}.{prop}")


def decide(prop: str, loss, budget) -> Verdict:
    """The verdict for one property; `unknown` with a reason instead of an exception."""
    if prop not in PROPERTIES:
        raise ValueError(prop)
    import numpy as np
    log = loss.views.log
    log.clear()
    try:
        with np.errstate(all="ignore"):  # overflow far out is expected and handled; keep stderr clean
            verdict = module(prop).decide(loss, budget)
        return _unless_undefined(verdict, loss, log)
    except CallableFailure as exc:
        return unknown(prop, exc.reason, {"example": exc.example} if exc.example else None)
    except Exception as exc:  # noqa: BLE001 - a bug in one analyzer must not sink the other properties
        if os.environ.get("LOSSAUDIT_DEBUG"):
            raise
        return unknown(prop, f"internal error in the {prop} analyzer ({type(exc).__name__}: {exc}); "
                             "please report it")


def _unless_undefined(verdict: Verdict, loss, log) -> Verdict:
    """A `holds` reached over points where the loss was undefined (NaN, or the callable raised) is not a
    `holds`: it becomes `unknown` with the first such point. A `fails` stands: its witness re-checked."""
    if verdict.verdict != HOLDS or not log.events:
        return verdict
    for event in log.events:
        if not _removable(loss, event):
            from ..analysis import fmt
            what = event.get("reason") or "the loss is undefined (NaN)"
            return unknown(verdict.property,
                           f"{what} at y_pred = {fmt(event['y_pred'])}, y_true = {fmt(event['y_true'])} (inside the "
                           "domain), so the property could not be checked there; narrow the domain "
                           "(--pred-domain / --target-domain) if the loss is not meant for such values",
                           {"example": event})
    return verdict


def _removable(loss, event) -> bool:
    """NaN at one isolated point (0/0 where the loss is finite just beside it) does not count."""
    import numpy as np
    if loss.kind.vector or event.get("reason"):
        return False
    x, y = event["y_pred"], event["y_true"]
    h = 1e-7 * max(1.0, abs(x))
    beside = loss.views.value(np.array([x - h, x + h]), y)
    loss.views.log.clear()
    return bool(np.all(np.isfinite(beside)))
