"""Verdicts: one per (loss, property), with the method and the evidence behind it.

A verdict is `holds`, `fails`, `unknown` (neither could be shown: the reason is
in the detail) or `not applicable` (the property's definition does not apply to
the loss's kind). Both enums are str-valued, so JSON and comparisons with plain
strings are unchanged. The properties themselves live in the registry
(lossaudit.properties); PROPERTIES and parse_properties read it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import UnknownPropertyError
from .text import did_you_mean


class Outcome(StrEnum):
    HOLDS = "holds"
    FAILS = "fails"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not applicable"


class Method(StrEnum):
    PROOF = "proof"
    SAMPLED = "sampled"
    COUNTEREXAMPLE = "counterexample"
    NONE = "none"


HOLDS, FAILS, UNKNOWN, NOT_APPLICABLE = Outcome
PROOF, SAMPLED, COUNTEREXAMPLE, NONE = Method


def property_names() -> tuple[str, ...]:
    """The registered properties, in their order (the registry decides)."""
    from .properties import names
    return names()


def __getattr__(name):
    # PROPERTIES reads the registry when it is asked for, so a property registered later is included
    if name == "PROPERTIES":
        return property_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_properties(text: str | list | tuple | None) -> tuple[str, ...]:
    """"convexity,smoothness" or a list -> the properties in canonical order; unknown names raise."""
    known = property_names()
    if text is None:
        return known
    names = text.split(",") if isinstance(text, str) else list(text)
    wanted = []
    for raw in names:
        name = str(raw).strip().lower()
        if not name:
            continue
        if name not in known:
            raise UnknownPropertyError(f"unknown property {raw!r}{did_you_mean(name, known)} (the properties "
                                       f"are: {', '.join(known)})")
        wanted.append(name)
    if not wanted:
        raise UnknownPropertyError(f"no property named in {text!r}; the properties are: {', '.join(known)}")
    return tuple(p for p in known if p in wanted)


def plain(value):
    """Evidence as plain JSON-ready data; non-finite floats become the strings "inf", "-inf", "nan"."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return plain(value.tolist())
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    try:
        return plain(float(value))
    except (TypeError, ValueError):
        return str(value)


@dataclass(frozen=True)
class Verdict:
    """The answer for one property: holds / fails / unknown / not applicable, how it was reached, and why.

    extras carries the figures a property adds at the top level of its JSON entry:
    smoothness "constant", robustness "grade", differentiability "class", ...
    """

    property: str
    verdict: Outcome
    method: Method
    detail: str
    evidence: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "verdict", Outcome(self.verdict))  # a plain string is accepted and checked
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "evidence", plain(self.evidence))
        object.__setattr__(self, "extras", plain(self.extras))

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    def __repr__(self) -> str:
        from .render.notebook import verdict_repr
        return verdict_repr(self)

    def to_dict(self) -> dict:
        out = {"verdict": self.verdict.value, "method": self.method.value, "detail": self.detail,
               "evidence": self.evidence}
        out.update(self.extras)
        return out

    @classmethod
    def from_dict(cls, prop: str, data: dict) -> "Verdict":
        core = {"verdict", "method", "detail", "evidence"}
        return cls(prop, data["verdict"], data["method"], data["detail"], data.get("evidence", {}),
                   {k: v for k, v in data.items() if k not in core})


def unknown(prop: str, reason: str, evidence: dict | None = None, **extras) -> Verdict:
    return Verdict(prop, UNKNOWN, NONE, reason, evidence or {}, extras)


def not_applicable(prop: str, reason: str) -> Verdict:
    """The property's definition does not apply (to this kind): neither holds nor fails."""
    return Verdict(prop, NOT_APPLICABLE, NONE, reason)
