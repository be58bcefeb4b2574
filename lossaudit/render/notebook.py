"""How a report shows itself in Python and Jupyter: a one-line repr, an HTML table with the verdict
sentences (`_repr_html_`) and the same in Markdown (`_repr_markdown_`). Formatting only."""
from __future__ import annotations

from html import escape


def report_repr(report) -> str:
    names = ", ".join(r.name for r in report.results[:4]) + (", ..." if len(report.results) > 4 else "")
    return f"<Report of {names}: {report.summary()}>"


def result_repr(result) -> str:
    parts = ", ".join(f"{p} {v.verdict}" for p, v in result.verdicts.items())
    return f"<LossResult {result.name} ({result.loss.kind}): {parts}>"


def verdict_repr(v) -> str:
    how = f" by {v.method}" if v.method != "none" else ""
    detail = v.detail if len(v.detail) <= 100 else v.detail[:97] + "..."
    return f"<Verdict {v.property}: {v.verdict}{how}: {detail}>"


def report_html(report) -> str:
    """The HTML table (with the report's own styles) and, per loss, each verdict's sentence."""
    from .html import CSS, table
    parts = [f"<div class=\"lossaudit\"><style>{CSS}</style>", table(report)]
    for result in report.results:
        items = "".join(f"<li><strong>{escape(p)}</strong>: {escape(v.verdict)}"
                        f"{' by ' + escape(v.method) if v.method != 'none' else ''}. {escape(v.detail)}</li>"
                        for p, v in result.verdicts.items())
        parts.append(f"<details><summary>{escape(result.name)}: why</summary><ul>{items}</ul></details>")
    parts.append("</div>")
    return "\n".join(parts)


def report_markdown(report) -> str:
    from .markdown import escape as md_escape
    from .markdown import render
    lines = [render(report).rstrip("\n"), ""]
    for result in report.results:
        lines.append(f"**{md_escape(result.name)}**")
        lines.append("")
        for p, v in result.verdicts.items():
            how = f" by {v.method}" if v.method != "none" else ""
            lines.append(f"- {p}: {v.verdict}{how}. {md_escape(v.detail)}")
        lines.append("")
    return "\n".join(lines)
