"""CSV: one row per loss; per property its verdict and method, plus the figures properties add.

Columns: name, kind, role, then `<prop>`, `<prop>_method` for each property
audited, then `<prop>_<figure>` for each audited property whose SPEC names a
csv_figure (differentiability_class, smoothness_constant, robustness_grade) and
qualifies (with --require).
details=True adds a `<prop>_detail` column with the sentence behind each verdict.
The link view (lossaudit.render.links_view): when a loss is also audited through a link, a row follows
it with the same name, the link in a `through` column (empty on the loss's own row) and the kind of z.
"""
from __future__ import annotations

import csv
import io
import json

from . import links_view

def figures(report) -> list[tuple[str, str]]:
    """(property, Verdict.extras key) of the figures the audited properties export, in registry order."""
    from ..properties import specs
    return [(s.name, s.csv_figure) for s in specs() if s.csv_figure and s.name in report.properties]


def columns(report, details: bool = False) -> list[str]:
    cols = ["name", "kind", "role"] + (["through"] if links_view.has_views(report) else [])
    for prop in report.properties:
        cols += [prop, f"{prop}_method"] + ([f"{prop}_detail"] if details else [])
    cols += [f"{p}_{key}" for p, key in figures(report)]
    return cols + (["qualifies"] if report.require else [])


def render(report, *, details: bool = False, **_options) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(report, details), lineterminator="\n")
    writer.writeheader()
    for result in report.results:
        writer.writerow(_row(report, result, details))
        writer.writerows(links_view.csv_rows(report, result, lambda view: _row(report, view, details)))
    return buffer.getvalue()


def _row(report, result, details: bool) -> dict:
    row = {"name": result.name, "kind": str(result.loss.kind), "role": result.loss.role}
    if links_view.has_views(report):
        row["through"] = ""
    for prop in report.properties:
        v = result.verdicts.get(prop)
        row[prop] = v.verdict if v else ""
        row[f"{prop}_method"] = v.method if v else ""
        if details:
            row[f"{prop}_detail"] = v.detail if v else ""
    for prop, key in figures(report):
        v = result.verdicts.get(prop)
        row[f"{prop}_{key}"] = _value(v.extras.get(key)) if v else ""
    if report.require:
        row["qualifies"] = "" if result.qualifies is None else "yes" if result.qualifies else "no"
    return row


def _value(value) -> str:
    """A figure as the JSON report writes it (numbers as JSON numbers), empty when absent."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
