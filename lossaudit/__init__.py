"""lossaudit: decide which properties a loss function really has, with a proof or a counterexample.

    import lossaudit
    report = lossaudit.audit("huber")
    report["convexity"].verdict                     # "holds"
    lossaudit.audit("log(cosh(y_pred - y_true))", kind="regression")
    lossaudit.audit(my_fn, kind="margin")
    lossaudit.catalog()                             # the built-in losses

The public API is re-exported here; heavy modules (sympy) load on first use.
"""
from __future__ import annotations

from ._version import __version__

__all__ = ["audit", "catalog", "Loss", "Verdict", "Report", "Budget", "LossAuditError", "__version__"]


def catalog():
    """The built-in losses (Loss objects), in catalog order."""
    from .catalog_loader import builtins
    return list(builtins())


def __getattr__(name):
    if name == "audit":  # lossaudit.api.audit itself, with its signature (imported on first use)
        from .api import audit
        return audit
    if name == "Loss":
        from .loss import Loss
        return Loss
    if name == "Verdict":
        from .verdict import Verdict
        return Verdict
    if name == "Report":
        from .report import Report
        return Report
    if name == "Budget":
        from .budget import Budget
        return Budget
    if name == "LossAuditError":
        from .errors import LossAuditError
        return LossAuditError
    raise AttributeError(f"module 'lossaudit' has no attribute {name!r}")
