"""HTML: one self-contained, accessible page (inline CSS, no scripts, no external assets).

A real <table> with a <caption>, column and row headers, the verdict marks of
cells.py (with their words for screen readers), each cell's detail sentence as a
tooltip (title=) and, with footnotes=True, as a numbered note below the table.
`page()` and `CSS` are shared with the docs pages (lossaudit.docsgen).
"""
from __future__ import annotations

from html import escape

from . import links_view
from .cells import MARKS, css_class, figure, footnote, how, legend, verdicts_of
from .markdown import Footnotes, page_url

HOW_WORDS = {"P": "proved", "S": "sampled"}

CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --holds: #1a7f37; --holds-bg: #e8f5ec; --fails: #b42318; --fails-bg: #fdecea;
  --unknown: #8a5a00; --unknown-bg: #fff4d6; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); }
main { max-width: 76rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .5rem;
  border-bottom: 1px solid var(--line); padding-bottom: .2rem; } h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
a { color: #0a58ca; } code, pre, .formula { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: .7rem .9rem; border-radius: 6px; overflow-x: auto; font-size: .85rem; }
.formula { font-size: 1.05rem; background: #f6f8fa; padding: .6rem .9rem; border-radius: 6px; overflow-wrap: anywhere; }
.muted, caption, .legend, .summary { color: var(--muted); }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
caption { caption-side: top; text-align: left; padding: .3rem 0 .6rem; max-width: 60rem; }
caption strong { color: var(--ink); }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; background: #fff; border-bottom: 2px solid var(--ink); white-space: nowrap; }
tbody th { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; white-space: nowrap; }
tbody tr:hover { background: #f6f8fa; }
td.v { white-space: nowrap; }
.holds { color: var(--holds); background: var(--holds-bg); }
.fails { color: var(--fails); background: var(--fails-bg); }
.unknown { color: var(--unknown); background: var(--unknown-bg); }
.not-applicable { color: var(--muted); }
td.v a { color: inherit; text-decoration: none; } td.v a:hover, td.v a:focus { text-decoration: underline; }
.mark { font-weight: 700; } abbr { text-decoration: none; cursor: help; }
.role { color: var(--muted); font-weight: 400; font-family: system-ui, sans-serif; font-size: .8rem; }
ol.notes { font-size: .85rem; color: var(--muted); } ol.notes li:target { background: #fff4d6; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .9rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
"""


def page(title: str, body: str, *, lang: str = "en") -> str:
    """A complete HTML document around `body` (already HTML)."""
    return (f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}</main>\n</body>\n</html>\n")


def render(report, *, footnotes: bool = False, link=None, title: str = "lossaudit report",
           lang: str = "en", **_options) -> str:
    body = f'<h1>{escape(title)}</h1>\n<p class="summary">{escape(report.summary())}</p>\n'
    body += table(report, footnotes=footnotes, link=link)
    return page(title, body, lang=lang)


def table(report, *, footnotes: bool = False, link=None) -> str:
    """The property table, its legend and (optionally) its notes, as an HTML fragment."""
    notes = Footnotes() if footnotes else None
    n = len(report.results)
    hint = "Hover a cell for how its verdict was reached" + (", or follow its note number" if footnotes else "")
    parts = [f"<table>\n<caption><strong>Properties of {n} loss{'es' if n != 1 else ''}.</strong> {hint}.<br>"
             f'<span class="legend">{escape(legend(verdicts_of(report)))}</span></caption>\n<thead><tr>']
    parts += [f'<th scope="col">{escape(c)}</th>' for c in _columns(report)]
    parts.append("</tr></thead>\n<tbody>\n")
    parts += [_row(report, r, notes, link) + links_view.html_rows(report, r, notes) for r in report.results]
    parts.append("</tbody>\n</table>\n")
    if notes:
        items = "".join(f'<li id="note-{k}">{escape(text)}</li>\n' for k, text in notes.items())
        parts.append(f'<ol class="notes">\n{items}</ol>\n')
    return "".join(parts)


def _columns(report) -> list[str]:
    return ["loss", "kind", *report.properties] + (["qualifies"] if report.require else [])


def _row(report, result, notes, link) -> str:
    url = page_url(link, result.name)
    name = escape(result.name)
    if url:
        name = f'<a href="{escape(url)}">{name}</a>'
    role = ' <span class="role">metric</span>' if result.loss.role == "metric" else ""
    cells = [f'<th scope="row">{name}{role}</th>', f"<td>{escape(str(result.loss.kind))}</td>"]
    for prop in report.properties:
        v = result.verdicts.get(prop)
        cells.append("<td></td>" if v is None else verdict_cell(v, notes, url))
    if report.require:
        cells.append(f"<td>{'yes' if result.qualifies else 'no'}</td>")
    return "<tr>" + "".join(cells) + "</tr>\n"


def verdict_cell(v, notes=None, url: str | None = None) -> str:
    """One <td>: the mark (its word for screen readers), P/S, the figure; the detail as tooltip."""
    content = verdict_text(v)
    if url:
        content = f'<a href="{escape(url)}#{escape(v.property)}">{content}</a>'
    if notes is not None:
        k = notes.number(footnote(v))
        content += f'<sup><a href="#note-{k}" aria-label="note {k}">{k}</a></sup>'
    return f'<td class="v {css_class(v)}" title="{escape(footnote(v))}">{content}</td>'


def verdict_text(v) -> str:
    """The cell's content as HTML: ✓P bounded, with words for the marks."""
    mark = f'<span class="mark" aria-hidden="true">{MARKS[v.verdict]}</span><span class="sr-only">{v.verdict}</span>'
    letter = how(v)
    if letter:
        mark += f'<abbr title="{HOW_WORDS[letter]}">{letter}</abbr>'
    fig = figure(v)
    return mark + (f" {escape(fig)}" if fig else "")
