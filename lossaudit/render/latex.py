"""LaTeX: a booktabs longtable in plain ASCII, so that it compiles with pdflatex and the standard
booktabs and longtable packages.

A longtable breaks across pages (its header repeats), so the catalog's 85 rows
fit; the property columns wrap their cells in narrow paragraph columns under
short headers, so the table fits a portrait page in small type (one table per
band of properties when there are two bands). Marks are words
("yes (P)", "no", "?"), the ASCII marks of cells.py; a failing cell's figure is
in parentheses ("no (unbounded)"). With footnotes=True each cell cites a
numbered note printed under the table; document=True wraps it in a complete
document. A loss also audited through a link (lossaudit.render.links_view) has one more row per link
under it, "-> through sigmoid" with the kind of z.
"""
from __future__ import annotations

import unicodedata

from . import links_view
from .cells import ASCII_MARKS, MARKS, band_report, bands, figure, footnote, how, verdicts_of
from .cells import legend as mark_legend
from .markdown import Footnotes, loss_label

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
            "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
            "[": "{[}", "]": "{]}"}  # a [ right after \\ would be read as the row's optional argument
# what the verdict texts and catalog use beyond ASCII; anything else is transliterated
_MATH = {"∞": r"\infty", "∂": r"\partial", "ŷ": r"\hat{y}", "∇": r"\nabla", "±": r"\pm", "≤": r"\le",
         "≥": r"\ge", "→": r"\to", "·": r"\cdot", "×": r"\times", "²": "^2", "³": "^3", "∈": r"\in",
         "≈": r"\approx", "‖": r"\|", "√": r"\surd"}
_UNICODE = {ch: rf"\ensuremath{{{m}}}" for ch, m in _MATH.items()} | {
    "−": "-", "–": "--", "—": "---", "’": "'", "“": "``", "”": "''", "…": r"\dots{}",
    MARKS["holds"]: ASCII_MARKS["holds"], MARKS["fails"]: ASCII_MARKS["fails"]}


def escape(text: str) -> str:
    """Text -> LaTeX source that pdflatex typesets as that text (ASCII only)."""
    text = str(text).replace("->", "→").replace("<=", "≤").replace(">=", "≥")
    return "".join(_SPECIAL.get(ch) or _UNICODE.get(ch) or _ascii(ch) for ch in text)


def _ascii(ch: str) -> str:
    if ord(ch) < 128:
        return ch
    plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
    return escape(plain) if plain else "?"


def cell(v) -> str:
    """"yes (P) bounded", "no (C0)", "?": the ASCII cell text."""
    letter = how(v)
    fig = figure(v).replace("C∞", "C-inf")
    if fig and not letter:
        fig = f"({fig})"  # "no unbounded" would read as "not unbounded"
    return " ".join(p for p in (ASCII_MARKS[v.verdict], f"({letter})" if letter else "", fig) if p)


def legend(verdicts=()) -> str:
    """cells.legend() in the ASCII marks."""
    text = mark_legend(verdicts).replace(f"{MARKS['not applicable']} ", "n/a: ")
    text = text.replace(f"{MARKS['holds']} ", "yes: ").replace(f"{MARKS['fails']} ", "no: ")
    return text.replace(f"{MARKS['unknown']} ", "?: ").replace(" · ", "; ")


PROPERTY_COLUMN = r">{\raggedright\arraybackslash}p{1.45cm}"


def render(report, *, footnotes: bool = False, legend_text: bool = True, document: bool = False,
           **_options) -> str:
    from ..properties import spec
    notes = Footnotes() if footnotes else None
    groups = bands(report)
    lines = ["% lossaudit report: needs \\usepackage{booktabs,longtable,array}"]
    for title, props in groups:  # one longtable per band of properties: ten columns do not fit a page
        if len(groups) > 1:
            lines += [r"\par\medskip\noindent{\small\textbf{" + escape(title) + "}}\\par\\nopagebreak"]
        lines += _longtable(band_report(report, props) if len(groups) > 1 else report, props, notes)
    if legend_text:
        names = "; ".join(f"{spec(p).abbreviation}: {p}" for p in report.properties)
        lines += [r"\par\smallskip", r"{\footnotesize " + escape(legend(verdicts_of(report)) + " Columns: " +
                                                          names + ".") + "}"]
    if notes:
        lines += [r"\par\smallskip", r"{\footnotesize"]
        lines += [rf"\par\noindent\textsuperscript{{{k}}}~{escape(text)}" for k, text in notes.items()]
        lines.append("}")
    body = "\n".join(lines) + "\n"
    return _document(body) if document else body


def _longtable(report, props, notes) -> list[str]:
    from ..properties import spec
    heads = ["loss", "kind", *(spec(p).abbreviation for p in props)] + (["ok"] if report.require else [])
    spec_cols = "@{}>{\\raggedright\\arraybackslash}p{2.4cm}l" + PROPERTY_COLUMN * len(props) + \
        ("l" if report.require else "") + "@{}"
    header = " & ".join(escape(c) for c in heads) + r" \\"
    lines = ["{\\scriptsize\\setlength{\\tabcolsep}{3pt}",
             r"\begin{longtable}{" + spec_cols + "}", r"\toprule", header, r"\midrule", r"\endfirsthead",
             r"\toprule", header, r"\midrule", r"\endhead", r"\bottomrule", r"\endfoot"]
    for r in report.results:
        lines.append(" & ".join(_cells(report, r, props, notes)) + r" \\")
        views = links_view.latex_rows(report, r, props, lambda v: _cell(v, notes))
        lines += [" & ".join(row) + r" \\" for row in views]
    return lines + [r"\end{longtable}", "}"]


def _cells(report, result, props, notes) -> list[str]:
    # a long name may break after an underscore (symmetric_absolute_percentage_error)
    row = [escape(loss_label(result)).replace(r"\_", r"\_\allowbreak{}"), escape(result.loss.kind.abbreviation)]
    for prop in props:
        v = result.verdicts.get(prop)
        row.append("" if v is None else _cell(v, notes))
    if report.require:
        row.append("yes" if result.qualifies else "no")
    return row


def _cell(v, notes) -> str:
    text = escape(cell(v))
    if notes is not None:
        text += rf"\textsuperscript{{{notes.number(footnote(v))}}}"
    return text


def _document(body: str) -> str:
    # A4 portrait with 2 cm margins set by hand: no package beyond booktabs, longtable and array
    return ("\\documentclass[a4paper]{article}\n\\usepackage{booktabs,longtable,array}\n"
            "\\setlength{\\textwidth}{17cm}\\setlength{\\oddsidemargin}{-0.46cm}\n"
            "\\setlength{\\textheight}{24.5cm}\\setlength{\\topmargin}{-1.5cm}\n"
            "\\begin{document}\n" + body + "\\end{document}\n")
