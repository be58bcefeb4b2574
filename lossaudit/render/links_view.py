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


def rows(report, result, props=None) -> list[tuple[str, object, list]]:
    """(link name, the view's LossResult, its verdict or None per property) for each view: the row every
    format writes under the loss, in its own markup."""
    props = report.properties if props is None else props
    return [(name, r, [r.verdicts.get(p) for p in props]) for name, r in views(result)]


def csv_rows(report, result, row_of) -> list[dict]:
    """The CSV's extra rows: the loss's name, `through` the link, the kind of z, and the view's verdicts
    (`row_of(view)` the format's own row of a LossResult)."""
    out = []
    for name, r, _ in rows(report, result):
        row = row_of(r)
        row.update(name=result.name, through=name)
        out.append(row)
    return out


def has_views(report) -> bool:
    return any(views(r) for r in report.results)


def latex_rows(report, result, props, cell_of) -> list[list[str]]:
    """The LaTeX table's extra rows ("-> through sigmoid", the kind of z, the cells), escaped."""
    from .latex import escape
    out = []
    for name, r, verdicts in rows(report, result, props):
        if all(v is None or v.verdict == "not applicable" for v in verdicts):
            continue  # a band where the view has nothing to say (the classification band of a logit loss)
        out.append([r"\quad " + escape(f"-> through {name}"), escape(r.loss.kind.abbreviation)]
                   + ["" if v is None else cell_of(v) for v in verdicts] + ([""] if report.require else []))
    return out


def rst_rows(report, result, cell_of) -> list[list[str]]:
    """The reST list-table's extra rows (the arrow label, the kind of z, the cells), escaped."""
    from .rst import escape
    return [[escape(label(name)), escape(str(r.loss.kind))] + ["" if v is None else cell_of(v) for v in verdicts]
            + ([""] if report.require else []) for name, r, verdicts in rows(report, result)]


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
        table.add_column("boundaries", overflow="fold")
        for prop, regions in r.properties.items():
            table.add_row(prop, escape(regions.statement(r.param)), escape(boundaries_text(regions, r.param)))
        console.print(table)


def boundary_text(b, name: str) -> str:
    """"alpha >= 1 (holds): proved", "a > 1 (fails): confirmed by audits", "alpha ≈ 0.371 (bisected to 1e-06)"."""
    if not b.exact:
        return f"{name} ≈ {b.at:.7g} (bisected to {b.width:.1g})"
    return f"{b.condition} ({b.right}): " + ("proved" if b.proved else "confirmed by audits")


def boundaries_text(regions, name: str) -> str:
    return "; ".join(boundary_text(b, name) for b in regions.boundaries) or "none"


# ---------------------------------------------------------------------------
# The docs pages: the loss through its link, and the regions of its parameters

def md_sections(result) -> list[str]:
    """Markdown lines for a loss's page: each view through a link, then each parameter's regions."""
    from .cells import cell_text
    from .markdown import escape
    out = []
    for name, r in views(result):
        out += [f"## Through its link: {name}", "", f"The same loss in the raw output z ({r.loss.kind}): "
                f"`{r.loss.text}`.", "", "| property | in the prediction | through " + name + " |",
                "| --- | --- | --- |"]
        out += [f"| {p} | {escape(cell_text(v))} | {escape(cell_text(r.verdicts[p])) if p in r.verdicts else ''} |"
                for p, v in result.verdicts.items()] + [""]
    for found, svg in getattr(result, "regions", []):
        out += [f"## Regions of {found.param}", "", f"![regions of {found.param}]({svg})", ""]
        out += [f"- **{p}**: {escape(pr.statement(found.param))}" + _md_boundaries(pr, found.param, escape)
                for p, pr in found.properties.items()] + [""]
    return out


def html_sections(result) -> list[str]:
    """The same for an HTML page."""
    from html import escape
    from .html import verdict_cell
    out = []
    for name, r in views(result):
        rows = "".join(f"<tr><th>{escape(p)}</th>{verdict_cell(v)}"
                       f"{verdict_cell(r.verdicts[p]) if p in r.verdicts else '<td></td>'}</tr>"
                       for p, v in result.verdicts.items())
        out += [f"<h2>Through its link: {escape(name)}</h2>",
                f"<p>The same loss in the raw output z ({escape(str(r.loss.kind))}): <code>{escape(r.loss.text)}"
                "</code>.</p>", f"<table><thead><tr><th>property</th><th>in the prediction</th><th>through "
                f"{escape(name)}</th></tr></thead><tbody>{rows}</tbody></table>"]
    for found, svg in getattr(result, "regions", []):
        items = "".join(f"<li><strong>{escape(p)}</strong>: {escape(pr.statement(found.param))}"
                        f"{_md_boundaries(pr, found.param, escape)}</li>"
                        for p, pr in found.properties.items())
        out += [f"<h2>Regions of {escape(found.param)}</h2>",
                f'<figure><img src="{escape(svg)}" alt="regions of {escape(found.param)}"></figure><ul>{items}</ul>']
    return out


def docs_regions(result, out, slug: str, done) -> None:
    """Explore each parameter of a built-in over its docs range (lossaudit.regions.docs_range) and write
    its strip plot; sets result.regions to [(RegionReport, svg path relative to the page)]."""
    from ..plots import regions_svg
    from ..regions import docs_range, explore
    result.regions = []
    for p in result.loss.parameters:
        lo, hi = docs_range(p)
        found = explore(result.loss, p.name, lo, hi, props=tuple(result.verdicts))
        path = out / "plots" / f"{slug}-regions-{p.name}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(regions_svg(found), encoding="utf-8")
        done.files.append(path)
        result.regions.append((found, f"../plots/{path.name}"))


def _md_boundaries(pr, name, escape) -> str:
    return f". Boundaries: {escape(boundaries_text(pr, name))}." if pr.boundaries else ""
