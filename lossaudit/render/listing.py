"""`lossaudit list` and `explain kinds`: tables on wide terminals, one card per entry on narrow ones."""
from __future__ import annotations

WIDE = 100  # below this many columns a table of long formulas folds into unreadable slivers


def show_losses(console, losses) -> None:
    from rich.markup import escape
    if console.width < WIDE:
        for loss in losses:
            console.print(f"[bold]{escape(loss.name)}[/]  [dim]{loss.kind.name} {loss.role}[/]")
            console.print(f"    {escape(loss.text)}", highlight=False)
        return
    from rich.table import Table
    table = Table(title="built-in losses")
    table.add_column("name", no_wrap=True)
    table.add_column("kind")
    table.add_column("role")
    table.add_column("formula", overflow="fold")
    for loss in losses:
        table.add_row(escape(loss.name), loss.kind.name, loss.role, escape(loss.text))
    console.print(table)


def show_kinds(console) -> None:
    """What each kind means: its predictions, targets, ideal prediction and gross errors."""
    from ..kinds import KINDS
    rows = [(k.name, k.summary, str(k.pred_domain), str(k.target_domain), k.ideal_text, k.gross_error_text)
            for k in KINDS.values()]
    if console.width < WIDE:
        for name, summary, pred, target, ideal, gross in rows:
            console.print(f"[bold]{name}[/]: {summary}", highlight=False)
            console.print(f"    y_pred in {pred}, y_true in {target}; ideal: {ideal}; gross error: {gross}",
                          highlight=False)
        return
    from rich.table import Table
    table = Table(title="kinds of loss (--kind)", show_lines=True)
    for col in ("kind", "what it is", "y_pred in", "y_true in", "ideal prediction", "gross error"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)
