"""Every output format over every built-in: structure, escaping, and the same verdicts as the JSON.

One audit of the whole catalog (conftest's session fixture `builtin_report`) feeds
every test here; hand-built reports cover escaping, --require and subsets.
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from lossaudit.cli import app
from lossaudit.loss import Loss
from lossaudit.render import FORMATS, render
from lossaudit.render import latex as latex_fmt
from lossaudit.render.cells import ASCII_MARKS, LEGEND, MARKS, band_report, bands, legend, verdicts_of
from lossaudit.report import LossResult, Report
from lossaudit.verdict import PROPERTIES, Verdict

NASTY_NAME = "we|ird_na*me {50%} $x# & ~y^ \\z <b>"
NASTY_DETAIL = "Odd: a_b | c*d* {e} 100% $5 #3 & ~ ^ \\ <tag> [0, ∞] ∂L/∂ŷ -> ∞ `code`"


@pytest.fixture(scope="module")
def expected(builtin_report):
    """{name: {property: verdict dict}} from the JSON report: what every format must agree with."""
    data = json.loads(render(builtin_report, "json"))
    return {entry["name"]: entry["properties"] for entry in data["losses"]}


@pytest.fixture(scope="module")
def nasty_report():
    """One loss whose name and detail hold every character some format must escape."""
    loss = Loss.from_expression("(y_pred - y_true)**2", "regression", name=NASTY_NAME)
    verdicts = {p: Verdict(p, "holds" if i % 3 == 0 else "fails" if i % 3 == 1 else "unknown",
                           "proof" if i % 3 == 0 else "counterexample" if i % 3 == 1 else "none",
                           NASTY_DETAIL + f" ({p})", {"y_true": 0.0}, {"grade": "bounded"} if p == "robustness" else {})
                for i, p in enumerate(PROPERTIES)}
    return Report([LossResult(loss, verdicts)], PROPERTIES, seed=0, samples=10)


def subset(report, names, **changes) -> Report:
    results = [r for r in report.results if r.name in names]
    return Report(results, changes.get("properties", report.properties), seed=report.seed, samples=report.samples,
                  require=changes.get("require"))


# ---------------------------------------------------------------------------
# every format, every built-in

@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_renders_every_builtin(builtin_report, fmt):
    text = render(builtin_report, fmt).replace("\\allowbreak{}", "")  # LaTeX names may break after "_"
    assert text.endswith("\n")
    names = [r.name for r in builtin_report.results]
    assert len(names) >= 80
    for name in names[:: 7]:
        assert name.replace("_", "\\_" if fmt == "latex" else "_") in text


def test_json_loads(builtin_report, expected):
    assert list(expected) == [r.name for r in builtin_report.results]
    for props in expected.values():
        assert set(props) == set(PROPERTIES)


class TableParser(HTMLParser):
    """Collects the body rows of the first table: [(row header text, [(td class, title, text), ...])]."""

    def __init__(self):
        super().__init__()
        self.rows, self.tags, self.attrs, self.stack = [], [], {}, []
        self.in_body = self.in_cell = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "tbody" and not self.rows:
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(["", []])
        elif self.in_body and tag in ("th", "td"):
            self.in_cell, self.text, self.cell = tag, "", a

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif self.in_body and tag == self.in_cell:
            if tag == "th":
                self.rows[-1][0] = self.text.strip()
            else:
                self.rows[-1][1].append((self.cell.get("class", ""), self.cell.get("title"), self.text.strip()))
            self.in_cell = False

    def handle_data(self, data):
        if self.in_cell:
            self.text += data


def parse_html(text) -> TableParser:
    parser = TableParser()
    parser.feed(text)
    parser.close()
    return parser


def test_html_is_one_accessible_self_contained_page(builtin_report, expected):
    text = render(builtin_report, "html")
    parser = parse_html(text)
    assert text.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in parser.tags
    tags = [t for t, _ in parser.tags]
    assert tags.count("table") == 1 and tags.count("caption") == 1
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    cols = [a.get("scope") for t, a in parser.tags if t == "th"]
    assert cols.count("col") == 2 + len(PROPERTIES)
    views = sum(len(r.through) for r in builtin_report.results)  # "↳ through sigmoid" rows (the links issue)
    assert cols.count("row") == len(builtin_report.results) + views
    rows = [row for row in parser.rows if not row[0].startswith("↳")]
    assert len(rows) == len(builtin_report.results)
    for (name, cells), result in zip(rows, builtin_report.results):
        assert name.split()[0] == result.name
        for (cls, title, cell), prop in zip(cells[1:], builtin_report.properties):
            want = expected[result.name][prop]
            assert cls.split() == ["v", want["verdict"].replace(" ", "-")]
            assert title == want["detail"]                    # the tooltip: how the verdict was reached
            assert cell.startswith(MARKS[want["verdict"]] + want["verdict"])   # the mark, then its word
    assert legend(verdicts_of(builtin_report)) in text.replace("&#x27;", "'")


def test_csv_reads_back_the_json_verdicts(builtin_report, expected):
    rows = list(csv.DictReader(io.StringIO(render(builtin_report, "csv"))))
    assert list(rows[0])[:6] == ["name", "kind", "role", "through", "convexity", "convexity_method"]
    rows = [r for r in rows if not r["through"]]  # links issue: views through a link (tests/test_link_formats.py)
    assert [r["name"] for r in rows] == list(expected)
    for row in rows:
        props = expected[row["name"]]
        for prop in PROPERTIES:
            assert row[prop] == props[prop]["verdict"]
            assert row[f"{prop}_method"] == props[prop]["method"]
        assert row["robustness_grade"] == (props["robustness"].get("grade") or "")
        assert row["differentiability_class"] == (props["differentiability"].get("class") or "")
        constant = props["smoothness"].get("constant")
        assert (json.loads(row["smoothness_constant"]) if row["smoothness_constant"] else None) == constant


def split_row(line: str) -> list[str]:
    """A pipe-table row's cells (an escaped \\| stays inside its cell)."""
    assert line.startswith("| ") and line.endswith(" |"), line
    return [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]


def test_markdown_table(builtin_report, expected):
    lines = render(builtin_report, "markdown").splitlines()
    header, separator, *rest = lines
    assert split_row(header) == ["loss", "kind", *PROPERTIES]
    assert set(split_row(separator)) == {"---"}
    rows = [line for line in rest[:rest.index("")] if not line.startswith("| ↳")]  # links issue: views through a link
    assert len(rows) == len(builtin_report.results)
    for line, result in zip(rows, builtin_report.results):
        cells = split_row(line)
        assert len(cells) == 2 + len(PROPERTIES)
        assert cells[0].replace("\\_", "_").split()[0] == result.name
        for cell, prop in zip(cells[2:], PROPERTIES):
            assert cell.startswith(MARKS[expected[result.name][prop]["verdict"]])
    assert legend(verdicts_of(builtin_report)) in "\n".join(lines)


def latex_rows(text: str) -> list[list[str]]:
    """The body rows of every longtable in the text (one per band of properties), in order."""
    rows = []
    for part in text.split("\\endfoot\n")[1:]:
        body = part.split("\\end{longtable}", 1)[0]
        rows += [[c.strip() for c in re.split(r"(?<!\\)&", line.removesuffix(" \\\\"))] for line in body.splitlines()]
    return rows


def braces_balance(text: str) -> bool:
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def test_latex_table(builtin_report, expected):
    text = render(builtin_report, "latex")
    assert text.isascii()
    assert braces_balance(text)
    assert "\\begin{longtable}" in text and "\\toprule" in text and "\\bottomrule" in text
    assert "\\endhead" in text  # the header repeats on every page
    assert re.search(r"(?<!\\)_", text) is None                # every _ escaped
    rows = iter(row for row in latex_rows(text) if not row[0].startswith("\\quad"))  # links: views through a link
    for _title, props in bands(builtin_report):   # one longtable per band, a row per loss it applies to
        for result in band_report(builtin_report, props).results:
            cells = next(rows)
            assert len(cells) == 2 + len(props)
            assert cells[0].replace("\\allowbreak{}", "").split()[0] == result.name.replace("_", "\\_")
            for cell, prop in zip(cells[2:], props):
                assert cell.split()[0] == ASCII_MARKS[expected[result.name][prop]["verdict"]]
    assert next(rows, None) is None


def test_rst_list_table(builtin_report, expected):
    text = render(builtin_report, "rst")
    assert text.startswith(".. list-table::") and "   :header-rows: 1\n" in text
    items = re.split(r"^   \* ", text.split("\n\n", 2)[1], flags=re.M)[1:]
    items = [item for item in items if not item.startswith("- ↳")]  # links issue: views through a link
    assert len(items) == 1 + len(builtin_report.results)
    for item, result in zip(items[1:], builtin_report.results):
        cells = [line.strip().removeprefix("- ") for line in item.strip().splitlines()]
        assert cells[0].split()[0] == result.name
        for cell, prop in zip(cells[2:], PROPERTIES):  # a lone "–" is escaped ("\–": not an underline)
            assert cell.removeprefix("\\").startswith(MARKS[expected[result.name][prop]["verdict"]])


def test_rst_is_valid_for_docutils(builtin_report):
    docutils_core = pytest.importorskip("docutils.core")
    few = subset(builtin_report, {"huber", "hinge", "softmax_cross_entropy", "zero_one"})
    for text in (render(few, "rst"), render(few, "rst", footnotes=True, link="losses/{name}.html")):
        warnings = io.StringIO()
        html = docutils_core.publish_string(text, writer_name="html", settings_overrides={
            "warning_stream": warnings, "report_level": 1, "halt_level": 5}).decode()
        assert warnings.getvalue() == "", warnings.getvalue()
        first_table = html.split("</table>")[0]
        assert first_table.count("<tr") == 1 + len(few.results) + sum(len(r.through) for r in few.results)  # + links


# ---------------------------------------------------------------------------
# footnotes and links: the sentence behind each verdict

def test_markdown_footnotes_and_links(builtin_report, expected):
    text = render(builtin_report, "markdown", footnotes=True, link="losses/{name}.md")
    notes = dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, flags=re.M))
    details = {v.detail for r in builtin_report.results for x in [r, *r.through.values()] for v in x.verdicts.values()}
    assert len(notes) == len(details)                          # one note per distinct sentence
    for result in builtin_report.results[:10]:
        line = next(l for l in text.splitlines() if l.startswith(f"| [{result.name}"))
        for cell, prop in zip(split_row(line)[2:], PROPERTIES):
            link, number = re.fullmatch(r"\[.*\]\((.*)\)\[\^(\d+)\]", cell).groups()
            assert link == f"losses/{result.name}.md#{prop}"
            assert notes[number].replace("\\", "") == expected[result.name][prop]["detail"].replace("\\", "")


def test_rst_and_latex_and_html_footnotes(builtin_report, expected):
    few = subset(builtin_report, {"huber", "hinge", "zero_one"})
    details = [v.detail for r in few.results for v in r.verdicts.values()]
    rst = render(few, "rst", footnotes=True)
    assert len(re.findall(r"^\.\. \[\d+\] ", rst, flags=re.M)) == len(set(details))
    tex = render(few, "latex", footnotes=True)
    assert tex.count("\\par\\noindent\\textsuperscript") == len(set(details))
    assert braces_balance(tex)
    page = render(few, "html", footnotes=True)
    assert page.count('<li id="note-') == len(set(details))
    assert len(re.findall(r'<sup><a href="#note-\d+"', page)) == len(details)


# ---------------------------------------------------------------------------
# escaping

def test_markdown_escapes(nasty_report):
    text = render(nasty_report, "markdown", footnotes=True)
    row = text.splitlines()[2]
    assert len(split_row(row)) == 2 + len(PROPERTIES)          # the | in the name does not split the cell
    assert "we\\|ird_na\\*me" in row
    assert "\\<tag>" in text and "\\`code\\`" in text and "a_b" in text


def test_latex_escapes_every_special_character(nasty_report):
    text = render(nasty_report, "latex", footnotes=True)
    assert text.isascii() and braces_balance(text)
    for raw, escaped in [("_", "\\_"), ("%", "\\%"), ("$", "\\$"), ("#", "\\#"), ("&", "\\&"), ("{", "\\{"),
                         ("}", "\\}"), ("~", "\\textasciitilde{}"), ("^", "\\textasciicircum{}"),
                         ("\\", "\\textbackslash{}"), ("<", "\\textless{}"), ("∞", "\\ensuremath{\\infty}")]:
        assert escaped in text, raw
    assert "we\\textbar{}ird\\_na*me \\{50\\%\\} \\$x\\# \\& " in text.replace("\\allowbreak{}", "")
    assert [len(r) for r in latex_rows(text)] == [2 + len(props) for _, props in bands(nasty_report)]


def test_html_escapes(nasty_report):
    text = render(nasty_report, "html")
    assert "<tag>" not in text and "&lt;tag&gt;" in text and "&lt;b&gt;" in text
    parser = parse_html(text)
    assert parser.rows[0][0].startswith(NASTY_NAME)
    assert parser.rows[0][1][1][1] == NASTY_DETAIL + " (convexity)"


def test_rst_escapes(nasty_report):
    docutils_core = pytest.importorskip("docutils.core")
    warnings = io.StringIO()
    html = docutils_core.publish_string(render(nasty_report, "rst", footnotes=True), writer_name="html",
                                        settings_overrides={"warning_stream": warnings, "report_level": 1,
                                                            "halt_level": 5}).decode()
    assert warnings.getvalue() == ""
    assert "we|ird_na*me {50%}" in html and "&lt;tag&gt;" in html


def test_csv_quotes(nasty_report):
    rows = list(csv.DictReader(io.StringIO(render(nasty_report, "csv", details=True))))
    assert rows[0]["name"] == NASTY_NAME
    assert rows[0]["convexity_detail"] == NASTY_DETAIL + " (convexity)"
    assert rows[0]["smoothness"] == "unknown" and rows[0]["robustness_grade"] == "bounded"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_latex_compiles_with_pdflatex(builtin_report, nasty_report, tmp_path):
    few = subset(builtin_report, {"huber", "zero_one", "softmax_cross_entropy", "soft_dice"})
    both = Report(few.results + nasty_report.results, PROPERTIES, seed=0, samples=10)
    (tmp_path / "t.tex").write_text(render(both, "latex", footnotes=True, document=True))
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    assert (tmp_path / "t.pdf").exists()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_the_whole_catalog_compiles_to_readable_pages(builtin_report, tmp_path):
    (tmp_path / "t.tex").write_text(render(builtin_report, "latex", document=True))
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    log = (tmp_path / "t.log").read_text(errors="replace")
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]
    assert not widths or max(widths) < 3, widths  # nothing sticks out of the page
    pages = int(re.search(r"Output written on t.pdf \((\d+) pages?", done.stdout).group(1))
    assert pages >= 2  # 85 rows break across pages (a tabular would run off the first)


# ---------------------------------------------------------------------------
# options the CLI passes through: --require, --property

def test_require_adds_a_qualifies_column(builtin_report):
    few = subset(builtin_report, {"huber", "hinge"}, require=("convexity", "smoothness"))
    for r in few.results:
        r_qualifies = all(r.verdicts[p].verdict == "holds" for p in few.require)
        assert r_qualifies == (r.name == "huber")
    few.results = [LossResult(r.loss, r.verdicts, qualifies=(r.name == "huber")) for r in few.results]
    rows = list(csv.DictReader(io.StringIO(render(few, "csv"))))
    assert [r["qualifies"] for r in rows] == ["yes" if r.name == "huber" else "no" for r in few.results]
    assert split_row(render(few, "markdown").splitlines()[0])[-1] == "qualifies"
    assert "<th scope=\"col\">qualifies</th>" in render(few, "html")
    assert latex_rows(render(few, "latex"))[0][-1] in ("yes", "no")


def test_a_subset_of_properties(builtin_report):
    props = ("convexity", "robustness")
    results = [LossResult(r.loss, {p: r.verdicts[p] for p in props}) for r in builtin_report.results[:3]]
    report = Report(results, props, seed=0, samples=10)
    header = next(csv.reader(io.StringIO(render(report, "csv"))))
    assert header == ["name", "kind", "role", "convexity", "convexity_method", "robustness", "robustness_method",
                      "robustness_grade"]
    assert split_row(render(report, "markdown").splitlines()[0]) == ["loss", "kind", *props]
    assert len(latex_rows(render(report, "latex"))[0]) == 4


def test_latex_legend_is_the_shared_legend_in_ascii():
    text = latex_fmt.legend()
    assert text.isascii() and "yes: holds" in text and "no: fails" in text
    assert text.replace("yes: ", "").replace("no: ", "").replace("?: ", "") in \
        LEGEND.replace("✓ ", "").replace("✗ ", "").replace("? ", "").replace(" · ", "; ")


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html", "rst", "csv"])
def test_cli_audit_format_and_output(builtin_report, fmt, tmp_path):
    out = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(app, ["audit", "huber", "--format", fmt, "--output", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render(subset(builtin_report, {"huber"}), fmt)
