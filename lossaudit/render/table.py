"""The terminal table (rich): one row per loss, one column per property, and a legend.

It fits the width it is given: the full table from 120 columns, a compact one
(short headers and kinds) from 90, and below that one card per loss (its name
and kind, then its verdicts wrapped to the width).
"""
from __future__ import annotations

import io

from . import links_view
from .cells import STYLES, cell_text, legend, verdicts_of

FULL_WIDTH = 120
COMPACT_WIDTH = 90


def build(report, width: int = FULL_WIDTH):
    """The rich renderable for a report at this width (the CLI prints it; render() turns it into text)."""
    if width < COMPACT_WIDTH:
        return _cards(report)
    return _table(report, compact=width < FULL_WIDTH)


def _table(report, compact: bool):
    from rich.markup import escape
    from rich.table import Table
    from ..properties import spec
    table = Table(title="lossaudit", caption=legend(verdicts_of(report)), caption_justify="left", show_lines=False,
                  padding=(0, 1 if not compact else 0))
    table.add_column("loss", style="bold", no_wrap=True, overflow="ellipsis" if compact else "fold")
    table.add_column("kind", style="dim")
    for prop in report.properties:
        table.add_column(spec(prop).abbreviation if compact else prop, overflow="fold")
    if report.require:
        table.add_column("ok" if compact else "qualifies", no_wrap=True)
    for result in report.results:
        kind = result.loss.kind.abbreviation if compact else str(result.loss.kind)
        row = [escape(result.name) + (" (metric)" if result.loss.role == "metric" else ""), kind]
        for prop in report.properties:
            v = result.verdicts.get(prop)
            row.append("" if v is None else f"[{STYLES[v.verdict]}]{cell_text(v)}[/]")
        if report.require:
            row.append("[green]yes[/]" if result.qualifies else "[red]no[/]")
        table.add_row(*row)
        for extra in links_view.rich_rows(report, result, compact):
            table.add_row(*extra)
    return table


def _cards(report):
    """One card per loss: "name  kind" and then "property mark figure" items that wrap to the width."""
    from rich.console import Group
    from rich.markup import escape
    from rich.text import Text
    parts = []
    for result in report.results:
        role = " metric" if result.loss.role == "metric" else ""
        head = f"[bold]{escape(result.name)}[/]  [dim]{result.loss.kind}{role}"
        if report.require:
            head += "; qualifies" if result.qualifies else "; does not qualify"
        parts.append(Text.from_markup(head + "[/]"))
        items = [f"{prop} [{STYLES[v.verdict]}]{cell_text(v)}[/]" for prop, v in result.verdicts.items()
                 if prop in report.properties]
        parts.append(Text.from_markup("  " + " · ".join(items)))
        parts += [Text.from_markup(line) for line in links_view.cards(result)]
    parts.append(Text(legend(verdicts_of(report)), style="dim"))
    return Group(*parts)


def render(report, *, color: bool = False, width: int = 160, **_options) -> str:
    from rich.console import Console
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      color_system="standard" if color else None)
    console.print(build(report, width))  # the summary line goes to stderr (the CLI prints it)
    return buffer.getvalue()
