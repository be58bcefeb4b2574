"""LaTeX: a booktabs tabular in plain ASCII, so that it compiles with pdflatex and no package but booktabs.

Marks are words ("yes (P)", "no", "?"), the ASCII marks of cells.py. With
footnotes=True each cell cites a numbered note printed under the table (a
tabular cannot hold real footnotes); document=True wraps it in a complete document.
"""
from __future__ import annotations

import unicodedata

from .cells import ASCII_MARKS, MARKS, figure, footnote, how, verdicts_of
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
    """"yes (P) bounded", "no C0", "?": the ASCII cell text."""
    letter = how(v)
    fig = figure(v).replace("C∞", "C-inf")
    return " ".join(p for p in (ASCII_MARKS[v.verdict], f"({letter})" if letter else "", fig) if p)


def legend(verdicts=()) -> str:
    """cells.legend() in the ASCII marks."""
    text = mark_legend(verdicts).replace(f"{MARKS['not applicable']} ", "n/a: ")
    text = text.replace(f"{MARKS['holds']} ", "yes: ").replace(f"{MARKS['fails']} ", "no: ")
    return text.replace(f"{MARKS['unknown']} ", "?: ").replace(" · ", "; ")


def render(report, *, footnotes: bool = False, legend_text: bool = True, document: bool = False,
           **_options) -> str:
    notes = Footnotes() if footnotes else None
    cols = ["loss", "kind", *report.properties] + (["qualifies"] if report.require else [])
    lines = ["% lossaudit report: needs \\usepackage{booktabs}",
             r"\begin{tabular}{" + "l" * len(cols) + "}", r"\toprule",
             " & ".join(escape(c) for c in cols) + r" \\", r"\midrule"]
    lines += [" & ".join(_cells(report, r, notes)) + r" \\" for r in report.results]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if legend_text:
        lines += [r"\par\smallskip", r"{\footnotesize " + escape(legend(verdicts_of(report))) + "}"]
    if notes:
        lines += [r"\par\smallskip", r"{\footnotesize"]
        lines += [rf"\par\noindent\textsuperscript{{{k}}}~{escape(text)}" for k, text in notes.items()]
        lines.append("}")
    body = "\n".join(lines) + "\n"
    return _document(body) if document else body


def _cells(report, result, notes) -> list[str]:
    row = [escape(loss_label(result)), escape(str(result.loss.kind))]
    for prop in report.properties:
        v = result.verdicts.get(prop)
        text = "" if v is None else escape(cell(v))
        if v is not None and notes is not None:
            text += rf"\textsuperscript{{{notes.number(footnote(v))}}}"
        row.append(text)
    if report.require:
        row.append("yes" if result.qualifies else "no")
    return row


def _document(body: str) -> str:
    # landscape A4 by hand: no package beyond booktabs
    return ("\\documentclass[a4paper,landscape]{article}\n\\usepackage{booktabs}\n"
            "\\ifdefined\\pdfpagewidth\\pdfpagewidth=\\paperwidth \\pdfpageheight=\\paperheight\\fi\n"
            "\\setlength{\\textwidth}{26cm}\\setlength{\\oddsidemargin}{-0.9cm}\n"
            "\\setlength{\\textheight}{17.5cm}\\setlength{\\topmargin}{-1.8cm}\n"
            "\\begin{document}\n\\footnotesize\n" + body + "\\end{document}\n")
