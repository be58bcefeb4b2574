"""The property registry: one module per property, each declaring itself with a SPEC.

    names()                  the registered properties, in order
    spec(name), specs()      their PropertySpec (title, definition, why, method, table figure, kinds)
    module(name)             the module (or module-like object) that decides it
    register(module)         add a property (its module.SPEC); unregister(name) removes it
    decide(name, loss, budget) -> Verdict

A property module holds its SPEC, its counterexample `search(ctx)`, its proof
(`prove_case(ctx, case)` per symbolic case and/or `prove(ctx)` for the loss as a
whole) and its sentences (`proved`, `sampled`); properties/_template.py runs them
in that order. `decide` here turns the ways a decision can fail to finish (a
callable that raises, a value that is not finite) into an honest `unknown`.

Adding a property: write properties/NEW.py with SPEC (its `order` places its
column), `search`, `sampled` and, if it can be proved, `prove_case`/`prove` and
`proved`; add its name to BUILTIN; add its rows of expected verdicts to the tests.
The CLI, `explain`, every output format and the docs pages read the registry.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Callable

from ..verdict import HOLDS, Verdict, unknown

BUILTIN = ("convexity", "differentiability", "smoothness", "robustness", "sparsity", "monotonicity",
           "calibration", "properness", "statistic", "symmetry")


# Bands of properties: what makes a loss easy to optimise, and what its minimiser is. A table too narrow
# for every column shows one band after the other.
BAND_TITLES = ("How it optimises", "What it learns")


def no_figure(_verdict) -> str:
    return ""


@dataclass(frozen=True)
class PropertySpec:
    """What a property is, for everything that lists, explains or shows it.

    figure: Verdict -> the short figure a table cell adds ("L=2", "bounded", "C1"), "" for none;
    figure_legend: how the legend names that figure ("its constant L"); csv_figure: the extras key
    the CSV exports as `<name>_<key>`; kinds: the kind names the definition applies to (None: all);
    band: the index in BAND_TITLES of the group its column belongs to.
    """

    name: str
    title: str
    definition: str
    why: str
    method: str
    figure: Callable = no_figure
    figure_legend: str = ""
    csv_figure: str | None = None
    kinds: frozenset | None = None
    order: int = 100
    short: str = ""   # a column header for narrow terminals ("conv."); the name cut short when not given
    band: int = 0     # a group of columns a narrow table shows apart (BAND_TITLES)

    @property
    def abbreviation(self) -> str:
        return self.short or (self.name if len(self.name) <= 7 else self.name[:5] + ".")

    def applies_to(self, kind) -> bool:
        return self.kinds is None or kind.name in self.kinds


_REGISTRY: dict = {}   # name -> (spec, module)
_loaded = False


def _builtins() -> dict:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in BUILTIN:
            register(importlib.import_module(f"{__name__}.{name}"))
    return _REGISTRY


def register(mod) -> PropertySpec:
    """Register a property module (anything with a SPEC, a `search` and a `sampled`); returns its spec."""
    _builtins()
    spec = mod.SPEC
    if spec.name in _REGISTRY and _REGISTRY[spec.name][1] is not mod:
        raise ValueError(f"a property named {spec.name!r} is already registered")
    _REGISTRY[spec.name] = (spec, mod)
    return spec


def unregister(name: str) -> None:
    _builtins().pop(name, None)


def specs() -> tuple[PropertySpec, ...]:
    """Every registered spec, by order (registration order among equal orders)."""
    return tuple(sorted((s for s, _ in _builtins().values()), key=lambda s: s.order))


def names() -> tuple[str, ...]:
    if not _loaded:  # the built-ins alone, in their order, without importing their modules (a quick --help)
        return BUILTIN
    return tuple(s.name for s in specs())


def spec(name: str) -> PropertySpec:
    return _builtins()[name][0]


def module(name: str):
    return _builtins()[name][1]


def decide(prop: str, loss, budget) -> Verdict:
    """The verdict for one property; `unknown` with a reason instead of an exception."""
    if prop not in _builtins():
        raise ValueError(prop)
    import numpy as np

    from ..callables import CallableFailure
    from ._template import run
    log = loss.views.log
    log.clear()
    try:
        with np.errstate(all="ignore"):  # overflow far out is expected and handled; keep stderr clean
            verdict = run(module(prop), loss, budget)
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
