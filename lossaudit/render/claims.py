"""`lossaudit check`: each claim as confirmed, refuted (with the counterexample) or undecided. Formatting only."""
from __future__ import annotations

import json

STYLE = {"confirmed": "green", "refuted": "red", "undecided": "yellow"}


def to_dict(findings) -> dict:
    return {"claims": [{"name": f.claim.name, "kind": f.claim.kind, "source": f.claim.source,
                        "property": f.prop, "claimed": f.claimed, "outcome": f.outcome,
                        "verdict": f.verdict.to_dict()} for f in findings]}


def show(console, findings) -> None:
    from rich.markup import escape
    for f in findings:
        v = f.verdict
        claim = f"{f.prop} = {'true' if f.claimed else 'false'}"
        console.print(f"[{STYLE[f.outcome]}]{f.outcome:<9}[/] [bold]{escape(f.claim.name)}[/] {claim}"
                      f"  [dim]({v.verdict}{' by ' + v.method if v.method != 'none' else ''})[/]")
        if f.outcome != "confirmed":
            console.print(f"          {escape(v.detail)}", highlight=False)
            if v.evidence:
                console.print(f"          [dim]evidence:[/] {escape(json.dumps(v.evidence, ensure_ascii=False))}",
                              highlight=False)


def summary(findings) -> str:
    counts = {k: sum(1 for f in findings if f.outcome == k) for k in STYLE}
    return f"{len(findings)} claims: " + ", ".join(f"{n} {k}" for k, n in counts.items()) + "."
