"""The Loss model: one frozen definition, whether it comes from the catalog, an expression or a callable.

A Loss knows its kind and domains, its parameters (defaults, allowed ranges and
the values being audited), its references and framework equivalents, and it
builds its numeric views once: value, gradient and second derivative (Hessian
for vector kinds), vectorised over arrays of sample points. Losses written as
expressions also carry the sympy expression the symbolic path works on.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Callable, Mapping

from .errors import ExpressionError, LossError
from .kinds import DEFAULT_CLASSES, Domain, Interval, Kind, get_kind

ROLES = ("loss", "metric")
MIN_CLASSES, MAX_CLASSES = 2, 1000  # K of vector kinds (options.py states the same bound for --classes)


@dataclass(frozen=True)
class Parameter:
    """A loss parameter: its default and the interval of allowed values."""

    name: str
    default: float
    range: Interval = Interval(-math.inf, math.inf)
    description: str = ""

    def check(self, value: float, loss_name: str) -> float:
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise LossError(f"parameter {self.name!r} of {loss_name!r} must be a number; "
                            f"{value!r} was given") from None
        if not math.isfinite(value) or not self.range.contains(value):
            raise LossError(f"parameter {self.name!r} of {loss_name!r} must lie in {self.range}; "
                            f"{value!r} was given")
        return value


@dataclass(frozen=True, eq=False)
class Loss:
    """A loss ŷ ↦ L(ŷ, y) to audit. Build it with `from_expression`, `from_callable` or the catalog."""

    name: str
    kind: Kind
    text: str | None = None
    role: str = "loss"
    parameters: tuple = ()
    values: tuple = ()              # ((name, value), ...): the parameter values audited
    aliases: tuple = ()
    description: str = ""
    references: tuple = ()
    equivalents: tuple = ()         # ((framework, how), ...)
    pred_override: Domain | None = None
    target_override: Domain | None = None
    classes: int | None = None
    source: str = ""
    func: Callable | None = None

    # -- construction -------------------------------------------------------
    @classmethod
    def from_expression(cls, text: str, kind: str | Kind, *, name: str | None = None,
                        params: Mapping | None = None, parameters: tuple = (), role: str = "loss",
                        pred_domain: Domain | None = None, target_domain: Domain | None = None,
                        classes: int | None = None, source: str = "expression", **info) -> "Loss":
        """A loss written in the expression language (see `lossaudit.expr`).

        `params` gives values for parameter names used in the expression
        (`{"delta": 1.0}`); `parameters` declares them with ranges (the catalog).
        """
        kind = get_kind(kind) if isinstance(kind, str) else kind
        declared = {p.name: p for p in parameters}
        for pname, value in (params or {}).items():
            if pname not in declared:
                declared[pname] = Parameter(pname, _number(value, pname, name or text))
        loss = cls(name=name or text, kind=kind, text=text, role=role, parameters=tuple(declared.values()),
                   pred_override=pred_domain, target_override=target_domain, classes=classes,
                   source=source, **info)
        loss._validate_common()
        expr = loss.expression  # parses; raises ExpressionError
        from .expr import param_symbol
        unused = [n for n in (params or {}) if param_symbol(n) not in expr.free_symbols]
        if unused:
            raise LossError(f"the parameter{'s' if len(unused) > 1 else ''} {', '.join(map(repr, unused))} "
                            f"do{'' if len(unused) > 1 else 'es'} not appear in the expression {text!r}")
        wrt = loss.pred_symbols
        if not any(s in expr.free_symbols for s in wrt):
            raise ExpressionError("the expression does not depend on y_pred, so there is nothing to audit",
                                  text=text)
        return loss.with_values(params or {})

    @classmethod
    def from_callable(cls, func: Callable, kind: str | Kind, *, name: str | None = None,
                      pred_domain: Domain | None = None, target_domain: Domain | None = None,
                      classes: int | None = None, source: str = "callable", **info) -> "Loss":
        """A Python callable f(y_pred, y_true) over numpy arrays (last axis K for vector kinds)."""
        if not callable(func):
            raise LossError(f"{func!r} is not callable")
        kind = get_kind(kind) if isinstance(kind, str) else kind
        loss = cls(name=name or getattr(func, "__name__", "callable"), kind=kind, func=func,
                   pred_override=pred_domain, target_override=target_domain, classes=classes,
                   source=source, **info)
        loss._validate_common()
        return loss

    def _validate_common(self) -> None:
        if self.role not in ROLES:
            raise LossError(f"the role of {self.name!r} must be one of {', '.join(ROLES)}; {self.role!r} was given")
        if self.kind.vector:
            if self.classes is not None and not (MIN_CLASSES <= int(self.classes) <= MAX_CLASSES):
                raise LossError(f"classes (K) of {self.name!r} must lie between {MIN_CLASSES} and {MAX_CLASSES}; "
                                f"{self.classes} was given")
        elif self.classes is not None:
            raise LossError(f"classes (K) applies to vector kinds only; {self.name!r} is of kind {self.kind.name}")
        for dom, what in ((self.pred_override, "prediction"), (self.target_override, "target")):
            if dom is not None:
                self.kind.check_override(dom, what, self.name)

    def with_values(self, values: Mapping) -> "Loss":
        """The same loss audited at other parameter values (unnamed parameters keep their defaults)."""
        declared = {p.name: p for p in self.parameters}
        for pname in values:
            if pname not in declared:
                known = ", ".join(declared) or "none"
                raise LossError(f"{self.name!r} has no parameter {pname!r} (its parameters: {known})")
        chosen = tuple((p.name, p.check(values.get(p.name, p.default), self.name)) for p in self.parameters)
        out = replace(self, values=chosen)
        if "expression" in self.__dict__:  # the parametric form does not depend on the values: parsed once
            out.__dict__["expression"] = self.__dict__["expression"]
        return out

    # -- facts ------------------------------------------------------------------
    @property
    def param_values(self) -> dict:
        return dict(self.values) if self.values else {p.name: p.default for p in self.parameters}

    @property
    def K(self) -> int | None:
        return (self.classes or DEFAULT_CLASSES) if self.kind.vector else None

    @property
    def pred_domain(self) -> Domain:
        if self.pred_override is None and self.kind.declared_box and isinstance(self.target_override, Interval):
            # a box loss given targets but no box: predictions range where the targets do (open)
            t = self.target_override
            return Interval(t.lo, t.hi)
        return self.pred_override or self.kind.pred_domain

    @property
    def target_domain(self) -> Domain:
        return self.target_override or self.kind.target_domain

    @property
    def has_expression(self) -> bool:
        return self.text is not None

    @property
    def definition(self) -> str:
        if self.text is not None:
            return self.text
        return f"<callable {self.source}>"

    @cached_property
    def fingerprint(self) -> str:
        """A stable hash of what defines this audit (not of its name)."""
        parts = [self.kind.name, self.definition, repr(sorted(self.param_values.items())),
                 str(self.pred_domain), str(self.target_domain), str(self.K)]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

    # -- symbolic forms ------------------------------------------------------------
    @cached_property
    def pred_symbols(self) -> tuple:
        from .expr import Y_PRED, vector_symbols
        return vector_symbols("y_pred", self.K) if self.kind.vector else (Y_PRED,)

    @cached_property
    def true_symbols(self) -> tuple:
        from .expr import Y_TRUE, vector_symbols
        return vector_symbols("y_true", self.K) if self.kind.vector else (Y_TRUE,)

    @cached_property
    def expression(self):
        """The parametric sympy expression (None for callables)."""
        if self.text is None:
            return None
        from .expr import parse
        return parse(self.text, params=[p.name for p in self.parameters], classes=self.K)

    @cached_property
    def bound_expression(self):
        """The expression at the audited parameter values, as exact binary floats (what a re-check plugs in)."""
        if self.expression is None:
            return None
        import sympy as sp
        from .expr import param_symbol
        return self.expression.xreplace({param_symbol(k): sp.Float(v) for k, v in self.param_values.items()})

    @cached_property
    def exact_expression(self):
        """The expression at the audited values with every number the decimal rational it is written as
        (0.1 -> 1/10, x/0.9 -> 10*x/9), parameters included, for proofs. Parsed in exact mode: the binary
        form has already rounded float arithmetic (4.685**2, 1/0.9) that no rationalizing can undo."""
        if self.expression is None:
            return None
        from .expr import param_symbol, parse
        from .symbolic import sym_number
        exact = parse(self.text, params=[p.name for p in self.parameters], classes=self.K, exact=True)
        # substitute exact values into the exact parametric form: (tau - 1) at tau = 0.9 is -1/10
        return exact.xreplace({param_symbol(k): sym_number(v) for k, v in self.param_values.items()})

    def pretty(self) -> str:
        if self.expression is None:
            return self.definition
        from .expr import pretty
        return pretty(self.expression)

    # -- numeric views ------------------------------------------------------------
    @cached_property
    def views(self):
        """Numeric views built once: see `lossaudit.views`."""
        from .views import build_views
        return build_views(self)

    def __repr__(self) -> str:
        return f"Loss({self.name!r}, kind={self.kind.name!r})"


def _number(value, pname, where) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise LossError(f"parameter {pname!r} of {where!r} must be a number; {value!r} was given") from None
    if not math.isfinite(v):
        raise LossError(f"parameter {pname!r} of {where!r} must be finite; {value!r} was given")
    return v
