"""Markdown: a GitHub-flavoured pipe table, the legend, and optional numbered footnotes.

    render(report)                              a compact table and the legend
    render(report, footnotes=True)              each cell cites the sentence saying how its verdict was reached
    render(report, link="losses/{name}.md")     names link to a page, cells to its section for that property
    render(report, bands=True)                  one table per band of properties (docs/index.md, the README)
"""
from __future__ import annotations

import re

from . import links_view
from .cells import cell_text, footnote, verdicts_of
from .cells import legend as legend_of

# `_` inside a word is never emphasis in GitHub Markdown, so names like y_true stay readable
_SPECIAL = re.compile(r"([\\`*|<\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


class Footnotes:
    """Numbers footnote texts in order of first use; a repeated sentence keeps its number."""

    def __init__(self):
        self._numbers: dict[str, int] = {}

    def number(self, text: str) -> int:
        return self._numbers.setdefault(text, len(self._numbers) + 1)

    def items(self) -> list[tuple[int, str]]:
        return [(n, text) for text, n in self._numbers.items()]

    def __bool__(self) -> bool:
        return bool(self._numbers)


def escape(text: str) -> str:
    """Backslash-escape what Markdown would read as markup (and `|`, which would split a cell)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def loss_label(result) -> str:
    """The loss column's text (the same as the terminal table's)."""
    return result.name + (" (metric)" if result.loss.role == "metric" else "")


def page_url(link, name: str) -> str | None:
    """The URL of a loss's page: `link` is a template with {name} or a function of the name."""
    if link is None:
        return None
    return link(name) if callable(link) else link.format(name=name)


def header(report) -> list[str]:
    cols = ["loss", "kind", *report.properties]
    return cols + (["qualifies"] if report.require else [])


def render(report, *, footnotes: bool = False, link=None, legend: bool = True, bands: bool = False,
           **_options) -> str:
    """bands=True: one table per band of properties (titled), for pages where ten columns read badly."""
    from .cells import band_report
    from .cells import bands as bands_of
    notes = Footnotes()
    groups = bands_of(report) if bands else []
    if len(groups) > 1:
        out = "\n".join(f"**{escape(title)}**\n\n" + _table(band_report(report, props),
                                                            notes if footnotes else None, link)
                        for title, props in groups)
    else:
        out = _table(report, notes if footnotes else None, link)
    if legend:
        out += "\n" + escape(legend_of(verdicts_of(report)))
        out += (" Each cell links to its evidence." if link else "") + "\n"
    if notes:
        out += "\n" + "\n".join(f"[^{n}]: {escape(text)}" for n, text in notes.items()) + "\n"
    return out


def _table(report, notes, link) -> str:
    cols = header(report)
    lines = [_row(cols), _row(["---"] * len(cols))]
    for r in report.results:
        lines.append(_row(_cells(report, r, notes, link)))
        lines += [_row(cells) for cells in links_view.markdown_rows(report, r, notes)]
    return "\n".join(lines) + "\n"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cells(report, result, notes: Footnotes | None, link) -> list[str]:
    page = page_url(link, result.name)
    name = escape(loss_label(result))
    row = [f"[{name}]({page})" if page else name, escape(str(result.loss.kind))]
    for prop in report.properties:
        v = result.verdicts.get(prop)
        if v is None:
            row.append("")
            continue
        text = escape(cell_text(v))
        cell = f"[{text}]({page}#{prop})" if page else text
        row.append(cell + (f"[^{notes.number(footnote(v))}]" if notes is not None else ""))
    if report.require:
        row.append("yes" if result.qualifies else "no")
    return row
