"""The terminal table (rich): one row per loss, one column per property, and a legend."""
from __future__ import annotations

import io

from .cells import STYLES, cell_text, legend, verdicts_of


def build(report):
    """The rich Table for a report (the CLI prints it; render() turns it into text)."""
    from rich.markup import escape
    from rich.table import Table
    table = Table(title="lossaudit", caption=legend(verdicts_of(report)), caption_justify="left", show_lines=False)
    table.add_column("loss", style="bold", no_wrap=True)
    table.add_column("kind", style="dim")
    for prop in report.properties:
        table.add_column(prop, overflow="fold")
    if report.require:
        table.add_column("qualifies", no_wrap=True)
    for result in report.results:
        row = [escape(result.name) + (" (metric)" if result.loss.role == "metric" else ""), str(result.loss.kind)]
        for prop in report.properties:
            v = result.verdicts.get(prop)
            row.append("" if v is None else f"[{STYLES[v.verdict]}]{cell_text(v)}[/]")
        if report.require:
            row.append("[green]yes[/]" if result.qualifies else "[red]no[/]")
        table.add_row(*row)
    return table


def render(report, *, color: bool = False, width: int = 160, **_options) -> str:
    from rich.console import Console
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      color_system="standard" if color else None)
    console.print(build(report))  # the summary line goes to stderr (the CLI prints it)
    return buffer.getvalue()
