"""The link view in every table: under a loss, one more row per link it is also shown through
(`LossResult.through`: L(link(z), y) audited in z), labelled "↳ through sigmoid" with the kind of z.

Kept apart from the format modules, which call these functions as hooks.
"""
from __future__ import annotations

ARROW = "↳"


def label(link_name: str) -> str:
    return f"{ARROW} through {link_name}"


def views(result) -> list:
    """(link name, LossResult) for each view of this result through a link, in order."""
    return list(getattr(result, "through", {}).items())


def rich_rows(report, result, compact: bool) -> list[list[str]]:
    """The terminal table's extra rows (rich markup)."""
    from rich.markup import escape
    from .cells import STYLES, cell_text
    rows = []
    for name, r in views(result):
        kind = r.loss.kind.abbreviation if compact else str(r.loss.kind)
        row = [f"[dim]{escape(label(name))}[/]", kind]
        for prop in report.properties:
            v = r.verdicts.get(prop)
            row.append("" if v is None else f"[{STYLES[v.verdict]}]{cell_text(v)}[/]")
        if report.require:
            row.append("")
        rows.append(row)
    return rows


def markdown_rows(report, result, notes) -> list[list[str]]:
    """The Markdown table's extra rows (cells, escaped)."""
    from .cells import cell_text, footnote
    from .markdown import escape
    rows = []
    for name, r in views(result):
        row = [escape(label(name)), escape(str(r.loss.kind))]
        for prop in report.properties:
            v = r.verdicts.get(prop)
            cell = "" if v is None else escape(cell_text(v))
            if v is not None and notes is not None:
                cell += f"[^{notes.number(footnote(v))}]"
            row.append(cell)
        if report.require:
            row.append("")
        rows.append(row)
    return rows


def html_rows(report, result, notes) -> str:
    """The HTML table's extra rows."""
    from html import escape
    from .html import verdict_cell
    out = []
    for name, r in views(result):
        cells = [f'<th scope="row" class="through">{escape(label(name))}</th>', f"<td>{escape(str(r.loss.kind))}</td>"]
        for prop in report.properties:
            v = r.verdicts.get(prop)
            cells.append("<td></td>" if v is None else verdict_cell(v, notes))
        if report.require:
            cells.append("<td></td>")
        out.append("<tr>" + "".join(cells) + "</tr>\n")
    return "".join(out)


def cards(result) -> list[str]:
    """The narrow terminal's extra lines (rich markup) under a loss's card."""
    from rich.markup import escape
    from .cells import STYLES, cell_text
    lines = []
    for name, r in views(result):
        items = [f"{prop} [{STYLES[v.verdict]}]{cell_text(v)}[/]" for prop, v in r.verdicts.items()]
        lines.append(f"  [dim]{escape(label(name))} ({r.loss.kind}):[/] " + " · ".join(items))
    return lines


def show_regions(console, found) -> None:
    """The regions per property of each explored parameter (`lossaudit regions`), as a rich table."""
    from rich.markup import escape
    from rich.table import Table
    for r in found:
        table = Table(title=f"{r.loss.name}: regions of {r.param} in [{r.lo:g}, {r.hi:g}]", show_lines=True,
                      caption=f"{r.audits} audits; verdicts at {len(r.grid)} grid points and at every boundary; "
                              "between grid points a verdict is taken to be constant unless a change was found.",
                      caption_justify="left")
        table.add_column("property", style="bold", no_wrap=True)
        table.add_column("regions", overflow="fold")
        for prop, regions in r.properties.items():
            table.add_row(prop, escape(regions.statement(r.param)))
        console.print(table)
