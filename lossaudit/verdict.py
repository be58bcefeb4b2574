"""Verdicts: one per (loss, property), with the method and the evidence behind it."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

from .errors import UnknownPropertyError


class Property(str, Enum):
    CONVEXITY = "convexity"
    DIFFERENTIABILITY = "differentiability"
    SMOOTHNESS = "smoothness"
    ROBUSTNESS = "robustness"
    SPARSITY = "sparsity"
    MONOTONICITY = "monotonicity"

    def __str__(self) -> str:
        return self.value


PROPERTIES: tuple[str, ...] = tuple(p.value for p in Property)

HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"
PROOF, SAMPLED, COUNTEREXAMPLE, NONE = "proof", "sampled", "counterexample", "none"


def parse_properties(text: str | list | tuple | None) -> tuple[str, ...]:
    """"convexity,smoothness" or a list -> the properties in canonical order; unknown names raise."""
    if text is None:
        return PROPERTIES
    names = text.split(",") if isinstance(text, str) else list(text)
    wanted = []
    for raw in names:
        name = str(raw).strip().lower()
        if not name:
            continue
        if name not in PROPERTIES:
            raise UnknownPropertyError(f"unknown property {raw!r}; the properties are: {', '.join(PROPERTIES)}")
        wanted.append(name)
    if not wanted:
        raise UnknownPropertyError(f"no property named in {text!r}; the properties are: {', '.join(PROPERTIES)}")
    return tuple(p for p in PROPERTIES if p in wanted)


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
    """The answer for one property: holds / fails / unknown, how it was reached, and why.

    extras carries the figures a property adds at the top level of its JSON entry:
    smoothness "constant", robustness "grade", differentiability "class", ...
    """

    property: str
    verdict: str
    method: str
    detail: str
    evidence: dict = field(default_factory=dict)
    extras: dict = field(default_factory=dict)

    def __post_init__(self):
        assert self.verdict in (HOLDS, FAILS, UNKNOWN), self.verdict
        assert self.method in (PROOF, SAMPLED, COUNTEREXAMPLE, NONE), self.method
        object.__setattr__(self, "evidence", plain(self.evidence))
        object.__setattr__(self, "extras", plain(self.extras))

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    def to_dict(self) -> dict:
        out = {"verdict": self.verdict, "method": self.method, "detail": self.detail,
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
