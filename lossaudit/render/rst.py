"""reStructuredText: a `.. list-table::` (one header row, the loss as stub column) that Sphinx renders.

footnotes=True cites each cell's detail sentence as a numbered footnote
(`[3]_`, defined under the table); link="losses/{name}.html" links names and
cells to per-loss pages, like the Markdown renderer. A loss also audited through a link has one more
row per link under it ("↳ through sigmoid", lossaudit.render.links_view).
"""
from __future__ import annotations

import re

from . import links_view
from .cells import cell_text, footnote, verdicts_of
from .cells import legend as legend_of
from .markdown import Footnotes, loss_label, page_url

# `_` inside a word is plain text in reST; at a word's edge it would make a reference
_SPECIAL = re.compile(r"([\\`*|\[\]]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
_LIST_START = re.compile(r"^([-+*#•]\s|\d+[.)]\s)")


def escape(text: str) -> str:
    """Backslash-escape inline markup, and what would open a list at the start of a cell."""
    text = _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
    if len(text) == 1 and not text.isalnum():
        return "\\" + text  # a lone "–" or "?" (a cell's mark) would read as a section underline
    return "\\" + text if _LIST_START.match(text) else text


def render(report, *, footnotes: bool = False, link=None, legend: bool = True,
           **_options) -> str:
    notes = Footnotes() if footnotes else None
    n = len(report.results)
    cols = ["loss", "kind", *report.properties] + (["qualifies"] if report.require else [])
    lines = [f".. list-table:: Properties of {n} loss{'es' if n != 1 else ''}", "   :header-rows: 1",
             "   :stub-columns: 1", ""]
    lines += _item(cols)
    for result in report.results:
        lines += _item(_cells(report, result, notes, link))
        for row in links_view.rst_rows(report, result, lambda v: _cell(v, notes, None)):
            lines += _item(row)
    out = "\n".join(lines) + "\n"
    if legend:
        out += "\n" + escape(legend_of(verdicts_of(report))) + "\n"
    if notes:
        out += "\n" + "\n".join(f".. [{k}] {escape(text)}" for k, text in notes.items()) + "\n"
    return out


def _item(cells: list[str]) -> list[str]:
    first, *rest = cells
    return [f"   * - {first}".rstrip()] + [f"     - {c}".rstrip() for c in rest]


def _link(text: str, url: str | None) -> str:
    return f"`{text} <{url}>`__" if url else text


def _cells(report, result, notes, link) -> list[str]:
    page = page_url(link, result.name)
    row = [_link(escape(loss_label(result)), page), escape(str(result.loss.kind))]
    for prop in report.properties:
        v = result.verdicts.get(prop)
        if v is None:
            row.append("")
            continue
        row.append(_cell(v, notes, f"{page}#{prop}" if page else None))
    if report.require:
        row.append("yes" if result.qualifies else "no")
    return row


def _cell(v, notes, url) -> str:
    text = _link(escape(cell_text(v)), url)
    return text + (f" [{notes.number(footnote(v))}]_" if notes is not None else "")
