"""A library's declared properties, checked: `lossaudit check CLAIMS.toml` and `lossaudit.testing`.

A claims file lists losses and what their authors say about them:

    [[claim]]
    name = "L1HingeLoss"
    expr = "max(0, 1 - y_true*y_pred)"       # or callable = "pkg.module:func" / "path/file.py:func"
    kind = "margin"
    source = "LossFunctions.jl: isconvex, isdifferentiable"
    convexity = true
    differentiability = false

Each claim is audited and comes back `confirmed` (the verdict agrees, with its
proof or samples), `refuted` (the verdict disagrees: a counterexample to a
`true` claim, or a proof against a `false` one) or `undecided`. The file is
input: read with a size limit, every key checked, a problem is a ClaimsError
naming the file and the entry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import LossAuditError
from .text import did_you_mean

LIMIT = 1 << 20
ENTRY_KEYS = ("name", "expr", "callable", "kind", "params", "classes", "source")
CONFIRMED, REFUTED, UNDECIDED = "confirmed", "refuted", "undecided"


class ClaimsError(LossAuditError):
    """A claims file is malformed."""


@dataclass(frozen=True)
class Claim:
    """One loss and what its authors claim: {property: True/False}."""

    name: str
    kind: str
    claimed: dict
    expr: str | None = None
    callable: str | None = None
    params: dict = field(default_factory=dict)
    classes: int | None = None
    source: str = ""


@dataclass(frozen=True)
class Finding:
    """A claim checked against its verdict: confirmed, refuted or undecided."""

    claim: Claim
    prop: str
    claimed: bool
    outcome: str
    verdict: object   # the Verdict that decided it


def load(path: Path) -> list[Claim]:
    """The claims of a TOML file; ClaimsError for anything malformed."""
    import tomllib
    from .files import Refused, read_limited
    try:
        data = tomllib.loads(read_limited(Path(path), LIMIT).decode("utf-8"))
    except (Refused, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ClaimsError(f"cannot read the claims file {path}: {exc}") from None
    entries = data.get("claim")
    if set(data) - {"claim"} or not isinstance(entries, list) or not entries:
        raise ClaimsError(f"{path} must hold [[claim]] entries and nothing else")
    return [_claim(path, i, entry) for i, entry in enumerate(entries, 1)]


def _claim(path, index: int, entry) -> Claim:
    from .properties import names as property_names
    where = f"{path}, claim {index}"
    if not isinstance(entry, dict):
        raise ClaimsError(f"{where} is not a table")
    props = property_names()
    for key in entry:
        if key not in ENTRY_KEYS and key not in props:
            raise ClaimsError(f"{where}: unknown key {key!r}{did_you_mean(key, ENTRY_KEYS + props)} (the keys are "
                              f"{', '.join(ENTRY_KEYS)} and the properties {', '.join(props)})")
    claimed = {p: entry[p] for p in props if p in entry}
    _check_entry(where, entry, claimed)
    return Claim(name=entry.get("name") or entry.get("expr") or entry["callable"], kind=entry["kind"],
                 claimed=claimed, expr=entry.get("expr"), callable=entry.get("callable"),
                 params=dict(entry.get("params", {})), classes=entry.get("classes"), source=entry.get("source", ""))


def _check_entry(where: str, entry: dict, claimed: dict) -> None:
    if ("expr" in entry) == ("callable" in entry):
        raise ClaimsError(f"{where}: give the loss as expr = \"...\" or callable = \"module:func\" (one of them)")
    for key in ("name", "expr", "callable", "kind", "source"):
        if key in entry and not isinstance(entry[key], str):
            raise ClaimsError(f"{where}: {key} must be a string; {entry[key]!r} was given")
    if "kind" not in entry:
        raise ClaimsError(f"{where}: kind is missing")
    if not isinstance(entry.get("params", {}), dict):
        raise ClaimsError(f"{where}: params must be a table of numbers")
    if not claimed:
        raise ClaimsError(f"{where}: no property is claimed (e.g. convexity = true)")
    for prop, value in claimed.items():
        if not isinstance(value, bool):
            raise ClaimsError(f"{where}: {prop} must be true or false; {value!r} was given")


def judge(claimed: bool, verdict) -> str:
    """confirmed / refuted / undecided: a claim against the verdict the audit reached."""
    if verdict.verdict == "unknown":
        return UNDECIDED
    holds = verdict.verdict == "holds"  # `not applicable` does not hold
    return CONFIRMED if holds == claimed else REFUTED


def check(claims: list[Claim], seed: int = 0, samples: int | None = None) -> list[Finding]:
    """Audit every claimed loss for its claimed properties, and judge each claim."""
    from .api import audit
    findings = []
    for claim in claims:
        report = audit(claim.callable, expression=claim.expr, kind=claim.kind, name=claim.name,
                       params=claim.params or None, classes=claim.classes, properties=tuple(claim.claimed),
                       seed=seed, samples=samples)
        verdicts = report.results[0].verdicts
        findings += [Finding(claim, p, c, judge(c, verdicts[p]), verdicts[p]) for p, c in claim.claimed.items()]
    return findings


def status(findings: list[Finding]) -> int:
    """The exit status of `lossaudit check`: 1 a refuted claim, 4 an undecided one (and none refuted), else 0."""
    outcomes = {f.outcome for f in findings}
    return 1 if REFUTED in outcomes else 4 if UNDECIDED in outcomes else 0
