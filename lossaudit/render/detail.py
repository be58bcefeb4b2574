"""`lossaudit show`: one loss in depth, printed to a rich console (formatting only)."""
from __future__ import annotations

import json

from rich.markup import escape

from .cells import MARKS, STYLES, figure


def describe(console, loss, result) -> None:
    from rich.table import Table
    console.print(f"[bold]{escape(loss.name)}[/]  ({loss.kind} {loss.role}: {loss.kind.summary})")
    if loss.description:
        console.print(escape(loss.description))
    console.print()
    console.print(escape(loss.pretty()))
    console.print(f"[dim]expression:[/] {escape(loss.definition)}")
    console.print(f"[dim]domains:[/] y_pred in {loss.pred_domain}, y_true in {loss.target_domain}"
                  + (f", K = {loss.K}" if loss.kind.vector else ""))
    if loss.parameters:
        table = Table(title="parameters", title_justify="left")
        for col in ("name", "audited at", "default", "range", "meaning"):
            table.add_column(col)
        values = loss.param_values
        for p in loss.parameters:
            table.add_row(p.name, f"{values[p.name]:g}", f"{p.default:g}", str(p.range), p.description)
        console.print(table)
    if loss.references:
        console.print("[bold]references[/]")
        for ref in loss.references:
            console.print(f"  • {escape(ref)}")
    if loss.equivalents:
        console.print("[bold]equivalents[/]")
        for framework, how in loss.equivalents:
            console.print(f"  • {framework}: {escape(how)}")
    console.print()
    verdicts(console, result)
    use = result.training_use()
    if use:
        console.print(f"\n[bold]as a training loss:[/] {escape(use)}")
    if result.excluded_targets:
        console.print("[dim]targets left out:[/] " + ", ".join(str(e["y_true"]) for e in result.excluded_targets))


def verdicts(console, result, heading: bool = False) -> None:
    """Each verdict with its sentence and evidence (user text escaped: rich markup would eat brackets)."""
    title = f"{escape(result.name)}: verdicts" if heading else "verdicts"
    console.print(f"[bold]{title}[/]")
    for prop, v in result.verdicts.items():
        fig = figure(v)
        head = f"[{STYLES[v.verdict]}]{MARKS[v.verdict]} {prop}: {v.verdict}[/]" + \
            (f" by {v.method}" if v.method != "none" else "") + (f" ({escape(fig)})" if fig else "")
        console.print(head)
        console.print(f"    {escape(v.detail)}", highlight=False)
        if v.evidence:
            console.print(f"    [dim]evidence:[/] {escape(json.dumps(v.evidence, ensure_ascii=False))}",
                          highlight=False)
