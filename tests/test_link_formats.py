"""The link view in every output format (issue 12): under a loss audited through its natural link, CSV,
LaTeX and reST carry one more row per link with the view's verdicts, the same as the JSON's "through"."""
from __future__ import annotations

import csv
import io
import json

import pytest

import lossaudit

PROPS = "convexity,smoothness,robustness"


@pytest.fixture(scope="module")
def report():
    # binary cross-entropy is a probability loss: shown through sigmoid too (the logistic loss in z);
    # huber is a regression loss: no link, no extra row
    return lossaudit.audit(["binary_cross_entropy", "huber"], properties=PROPS)


@pytest.fixture(scope="module")
def through(report):
    data = json.loads(report.render("json"))
    return {e["name"]: e.get("through", {}) for e in data["losses"]}


def test_csv_has_a_row_per_view_with_the_json_verdicts(report, through):
    rows = list(csv.DictReader(io.StringIO(report.render("csv"))))
    assert [(r["name"], r["through"]) for r in rows] == [
        ("binary_cross_entropy", ""), ("binary_cross_entropy", "sigmoid"), ("huber", "")]
    view = rows[1]
    assert view["kind"] == "logit"
    for prop in PROPS.split(","):
        assert view[prop] == through["binary_cross_entropy"]["sigmoid"]["properties"][prop]["verdict"]
    # the logistic loss log(1 + e^-z): convex, L = 1/4, bounded influence (|L'| <= 1)
    assert (view["convexity"], view["smoothness_constant"], view["robustness_grade"]) == ("holds", "0.25", "bounded")


def test_csv_without_views_keeps_its_columns():
    text = lossaudit.audit("huber", properties="convexity").render("csv")
    assert text.splitlines()[0] == "name,kind,role,convexity,convexity_method"


def test_latex_has_a_row_per_view(report):
    text = report.render("latex")
    assert text.isascii()
    rows = [line for line in text.splitlines() if line.startswith("\\quad")]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].removesuffix(" \\\\").split(" & ")]
    assert cells[:2] == ["\\quad \\ensuremath{\\to} through sigmoid", "logit"]
    assert cells[2].startswith("yes") and cells[3].startswith("yes")  # convex and smooth in the logit


def test_rst_has_a_row_per_view(report):
    text = report.render("rst")
    items = text.split("\n   * - ")[1:]
    assert [i.splitlines()[0] for i in items] == ["loss", "binary_cross_entropy", "↳ through sigmoid", "huber"]
    view = [line.strip().removeprefix("- ") for line in items[2].splitlines()]
    assert view[1] == "logit" and view[2].startswith("✓")  # convex in the logit


def test_rst_with_views_is_valid_for_docutils(report):
    docutils_core = pytest.importorskip("docutils.core")
    warnings = io.StringIO()
    html = docutils_core.publish_string(report.render("rst", footnotes=True), writer_name="html", settings_overrides={
        "warning_stream": warnings, "report_level": 1, "halt_level": 5}).decode()
    assert warnings.getvalue() == ""
    assert html.split("</table>")[0].count("<tr") == 1 + 3
