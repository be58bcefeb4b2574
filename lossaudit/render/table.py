"""The terminal table (rich): one row per loss, one column per property, and a legend.

It fits the width it is given: the full table from 120 columns, a compact one
(short headers and kinds) from 90, and below that one card per loss (its name
and kind, then its verdicts wrapped to the width, a line per band). A table that
does not fit with every property shows one table per band of properties (how
the loss optimises; what its minimiser is), each with the loss and kind columns
and a row for each loss the band applies to.
"""
from __future__ import annotations

import io

from . import links_view
from .cells import STYLES, band_report, bands, cell_text, legend, verdicts_of

FULL_WIDTH = 120
COMPACT_WIDTH = 90


def build(report, width: int = FULL_WIDTH):
    """The rich renderable for a report at this width (the CLI prints it; render() turns it into text)."""
    if width < COMPACT_WIDTH:
        return _cards(report)
    compact = width < FULL_WIDTH
    whole = _table(report, compact, report.properties)
    groups = bands(report)
    if len(groups) < 2 or _fits(whole, width):
        return whole
    from rich.console import Group
    from rich.text import Text
    # each band shows the losses it applies to (no row of dashes for a regression loss among classifiers)
    tables = [_table(band_report(report, props), compact, props, title, caption=False) for title, props in groups]
    return Group(*tables, Text(legend(verdicts_of(report)), style="dim"))  # the legend spans the width


def _fits(table, width: int) -> bool:
    """Does the table fit `width` columns without squeezing its cells below their natural width?"""
    from rich.console import Console
    from rich.measure import Measurement
    console = Console(width=10 * width, file=io.StringIO())
    return Measurement.get(console, console.options, table).maximum <= width


def _table(report, compact: bool, props, title: str = "lossaudit", caption: bool = True):
    from rich.markup import escape
    from rich.table import Table
    from ..properties import spec
    table = Table(title=title if title == "lossaudit" else f"lossaudit: {title.lower()}",
                  caption=legend(verdicts_of(report)) if caption else None, caption_justify="left",
                  show_lines=False, padding=(0, 1 if not compact else 0))
    table.add_column("loss", style="bold", no_wrap=True, overflow="ellipsis" if compact else "fold")
    table.add_column("kind", style="dim")
    for prop in props:
        table.add_column(spec(prop).abbreviation if compact else prop, overflow="fold")
    if report.require:
        table.add_column("ok" if compact else "qualifies", no_wrap=True)
    for result in report.results:
        kind = (result.loss.kind.abbreviation if compact else str(result.loss.kind)) + _classes(result.loss)
        row = [escape(result.name) + (" (metric)" if result.loss.role == "metric" else ""), kind]
        for prop in props:
            v = result.verdicts.get(prop)
            row.append("" if v is None else f"[{STYLES[v.verdict]}]{cell_text(v)}[/]")
        if report.require:
            row.append("[green]yes[/]" if result.qualifies else "[red]no[/]")
        table.add_row(*row)
        for extra in links_view.rich_rows(report, result, compact):
            table.add_row(*extra)
    return table


def _classes(loss) -> str:
    """" K=1000" for a vector loss audited at a K the user chose (the default K is not repeated)."""
    return f" K={loss.K}" if loss.kind.vector and loss.classes is not None else ""


def _cards(report):
    """One card per loss: "name  kind" and then "property mark figure" items that wrap to the width."""
    from rich.console import Group
    from rich.markup import escape
    from rich.text import Text
    parts = []
    for result in report.results:
        role = " metric" if result.loss.role == "metric" else ""
        head = f"[bold]{escape(result.name)}[/]  [dim]{result.loss.kind}{_classes(result.loss)}{role}"
        if report.require:
            head += "; qualifies" if result.qualifies else "; does not qualify"
        parts.append(Text.from_markup(head + "[/]"))
        for _title, props in bands(report):
            items = [f"{prop} [{STYLES[v.verdict]}]{cell_text(v)}[/]" for prop in props
                     if (v := result.verdicts.get(prop)) is not None]
            if items:
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
