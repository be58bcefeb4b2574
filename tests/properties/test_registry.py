"""Adding a property is writing one module: a throwaway property registered at test time shows up in
`audit` (API and CLI), `explain`, every output format, the docs pages and `--require`, with no file touched."""
from __future__ import annotations

import json
import math
import types

import numpy as np
import pytest
from typer.testing import CliRunner

from lossaudit import audit, docsgen, explain, properties
from lossaudit.cli import app
from lossaudit.properties import PropertySpec
from lossaudit.render import FORMATS, render
from lossaudit.verdict import COUNTEREXAMPLE, FAILS, HOLDS, NOT_APPLICABLE, SAMPLED, Verdict, parse_properties

NAME = "zero_at_target"


def _search(ctx):
    """A target where L(y, y) is not 0 fails; else the largest |L(y, y)| seen (0)."""
    worst = 0.0
    for y in ctx.targets:
        value = float(ctx.views.value(np.array([float(y)]), y)[0])
        if not math.isclose(value, 0.0, abs_tol=1e-12):
            return Verdict(NAME, FAILS, COUNTEREXAMPLE, f"L({y}, {y}) = {value:g}, not 0.",
                           {"y_true": y, "value": value}, {"value_at_target": value})
        worst = max(worst, abs(value))
    return worst


def _sampled(ctx, worst):
    return Verdict(NAME, HOLDS, SAMPLED, f"L(y, y) = 0 at every one of the {len(ctx.targets)} targets sampled.",
                   {"targets": len(ctx.targets)}, {"value_at_target": worst})


THROWAWAY = types.SimpleNamespace(
    SPEC=PropertySpec(name=NAME, title="Zero at the target",
                      definition="L(y, y) = 0 for every valid target: a perfect prediction costs nothing.",
                      why="A loss that charges for the right answer has an offset that no model can remove.",
                      method="L(y, y) evaluated at every audited target.",
                      figure=lambda v: "L(y,y)=0" if v.verdict == HOLDS else "",
                      figure_legend="what a perfect prediction costs", csv_figure="value_at_target",
                      kinds=frozenset({"regression", "positive"}), order=70),
    search=_search, sampled=_sampled)


@pytest.fixture
def throwaway(monkeypatch):
    monkeypatch.setenv("LOSSAUDIT_NO_CACHE", "1")  # its verdicts must not outlive the test in the shared cache
    properties.register(THROWAWAY)
    try:
        yield NAME
    finally:
        properties.unregister(NAME)


def test_it_is_registered_and_parsed(throwaway):
    names = properties.names()                        # order 70: after the six optimisation properties (10 ... 60)
    assert names.index(NAME) == names.index("monotonicity") + 1 and names[-1] == "symmetry"
    assert parse_properties(f"convexity,{NAME}") == ("convexity", NAME)
    assert properties.spec(NAME).title == "Zero at the target"


def test_unregistered_afterwards():
    assert NAME not in properties.names()


def test_audit_api_decides_it(throwaway):
    report = audit(["squared", "hinge"], properties=NAME)
    # (y - y)^2 = 0 at every target; the hinge is a margin loss, outside the property's kinds
    assert report["squared"][NAME].verdict == HOLDS and report["squared"][NAME].method == SAMPLED
    assert report["hinge"][NAME].verdict == NOT_APPLICABLE and report["hinge"][NAME].method == "none"
    user = audit(expression="(y_pred - y_true)**2 + 1", kind="regression", properties=NAME)
    assert user.results[0][NAME].verdict == FAILS                     # L(y, y) = 1


def test_cli_audit_and_require(throwaway):
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "squared", "hinge", "--property", NAME, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    verdicts = {e["name"]: e["properties"][NAME]["verdict"] for e in data["losses"]}
    assert verdicts == {"squared": "holds", "hinge": "not applicable"}
    # required: squared qualifies; the hinge, for which it is not applicable, does not (exit 1)
    result = runner.invoke(app, ["audit", "squared", "hinge", "--require", NAME, "--property", NAME,
                                 "--format", "json"])
    assert result.exit_code == 1, result.output
    assert {e["name"]: e["qualifies"] for e in json.loads(result.stdout)["losses"]} == {"squared": True,
                                                                                         "hinge": False}
    assert runner.invoke(app, ["audit", "squared", "--require", NAME, "--format", "json"]).exit_code == 0


def test_explain(throwaway, monkeypatch):
    monkeypatch.setattr(explain, "CANDIDATES", ("squared", "absolute", "logistic"))  # a short list: speed
    result = CliRunner().invoke(app, ["explain", NAME, "--quiet"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Zero at the target" in out and "a perfect prediction costs nothing" in out
    assert "Why it matters" in out and "no model can remove" in out
    assert "Holds for: squared" in out        # squared and absolute: L(y, y) = 0; logistic is a margin loss


def test_every_output_format(throwaway):
    report = audit(["squared", "hinge"], properties=f"convexity,{NAME}")
    for fmt in FORMATS:
        text = render(report, fmt)
        assert NAME in text.replace("\\_", "_"), fmt
    assert "L(y,y)=0" in render(report, "markdown")                     # the figure, from the SPEC
    assert "what a perfect prediction costs" in render(report, "markdown")  # the legend names it
    assert "n/a" in render(report, "latex") and "–" in render(report, "markdown")
    assert 'class="v not-applicable"' in render(report, "html")
    header = render(report, "csv").splitlines()[0].split(",")
    assert header[-2:] == [f"{NAME}_method", f"{NAME}_value_at_target"]
    assert json.loads(render(report, "json"))["losses"][1]["properties"][NAME]["verdict"] == "not applicable"


def test_docs_pages(throwaway, tmp_path):
    report = audit("squared", properties=f"convexity,{NAME}")
    docsgen.write_docs(report, tmp_path, "markdown", with_plots=False)
    page = (tmp_path / "losses" / "squared.md").read_text()
    index = (tmp_path / "index.md").read_text()
    assert f"### {NAME}" in page and "L(y, y) = 0 at every one of the" in page
    assert "two properties" in index and NAME in index


def test_the_builtin_names_listed_before_loading_are_in_the_registry_order():
    # names() answers from BUILTIN before any property module is imported (a quick --help); that must be
    # the order the specs themselves give once loaded
    from lossaudit import properties
    assert tuple(s.name for s in properties.specs() if s.name in properties.BUILTIN) == properties.BUILTIN
