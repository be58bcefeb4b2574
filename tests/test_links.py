"""Links: a loss audited in the raw output z through sigmoid, softmax or exp (lossaudit.links), the link
functions of the expression language, and the refusals. Every expected verdict has a hand-derived reason."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import lossaudit
from lossaudit.catalog_loader import find
from lossaudit.cli import app
from lossaudit.errors import ExpressionError, LinkError
from lossaudit.expr import parse
from lossaudit.kinds import LINKS, get_kind, natural_link
from lossaudit.links import compose
from lossaudit.witness import Checker, evidence_rechecks

runner = CliRunner()


SIX = ("convexity", "differentiability", "smoothness", "robustness", "sparsity", "monotonicity")


def verdicts(report_or_result):
    """The six optimisation properties' verdicts (the statistical ones are tested in tests/properties)."""
    result = report_or_result.results[0] if hasattr(report_or_result, "results") else report_or_result
    return {p: v.verdict for p, v in result.verdicts.items() if p in SIX}


def through(name, link):
    return lossaudit.audit(compose(find(name), link))


def rechecks(report):
    result = report.results[0]
    chk = Checker(result.loss)
    return all(evidence_rechecks(chk, p, v.evidence) for p, v in result.verdicts.items() if v.verdict == "fails")


# -- links as data ------------------------------------------------------------------------------------

def test_links_name_the_kinds_they_map_between():
    assert {n: (x.from_kind, x.to_kind) for n, x in LINKS.items() if not x.identity} == {
        "sigmoid": ("logit", "probability"), "softmax": ("logits", "distribution"), "exp": ("lograte", "positive")}
    assert natural_link(get_kind("probability")).name == "sigmoid"
    assert natural_link(get_kind("regression")).identity


def test_the_ideal_is_carried_back_through_the_link():
    logit, lograte = get_kind("logit"), get_kind("lograte")
    assert logit.ideal_prediction(1.0) == math.inf and logit.ideal_prediction(0.0) == -math.inf  # logit(1), logit(0)
    assert logit.ideal_prediction(0.5) == 0.0                       # sigmoid(0) = 1/2 (a soft label)
    assert lograte.ideal_prediction(math.e) == pytest.approx(1.0)   # exp(1) = e
    assert lograte.toward_ideal(3.0, 1.0) == -1                      # log 1 = 0 lies below 3
    # gross errors: the wrong infinity for a label; exp(z) -> inf (z -> -inf is y_pred -> 0+, a finite edge)
    assert logit.gross_directions(1.0, logit.pred_domain) == [-1]
    assert logit.gross_directions(0.0, logit.pred_domain) == [+1]
    assert lograte.gross_directions(2.0, lograte.pred_domain) == [+1]


# -- the expression language -----------------------------------------------------------------------------

def test_link_functions_parse_to_their_exact_forms():
    import sympy as sp
    z = sp.Symbol("y_pred", real=True)
    assert parse("sigmoid(y_pred)") == 1 / (1 + sp.exp(-z))
    assert parse("softplus(y_pred)") == sp.log(1 + sp.exp(z))
    # log of a link is split into logs of positive factors: exact and free of log(0) far out
    assert parse("log(sigmoid(y_pred))") == -sp.log(1 + sp.exp(-z))
    assert sp.simplify(parse("log(1 - sigmoid(y_pred))") + sp.log(1 + sp.exp(z))) == 0
    zs = [sp.Symbol(f"y_pred_{i}", real=True) for i in range(3)]
    lse = sp.log(sum(sp.exp(v) for v in zs))
    assert parse("sum(log_softmax(y_pred))", classes=3) == sp.expand(sum(v - lse for v in zs))
    assert sp.simplify(parse("sum(softmax(y_pred))", classes=3)) == 1  # a point of the simplex


def test_softmax_needs_a_vector_and_a_vector_kind():
    with pytest.raises(ExpressionError, match="vector kinds"):
        parse("softmax(y_pred)")
    with pytest.raises(ExpressionError, match="vector"):
        parse("sum(softmax(2))", classes=3)


def test_logs_of_links_evaluate_far_out():
    # log(sigmoid(-1000)) = -1000 - log(1 + exp(-1000)); the unsplit form would give log(0) = -inf
    loss = lossaudit.loss.Loss.from_expression("-log(sigmoid(y_pred))", "logit")
    assert loss.views.value(np.array([-1000.0]), 1.0)[0] == pytest.approx(1000.0)
    assert loss.views.d1(np.array([-1000.0]), 1.0)[0] == pytest.approx(-1.0)  # -sigmoid(-z) -> -1


# -- built-ins through their links ------------------------------------------------------------------------

def test_binary_cross_entropy_through_sigmoid_is_the_logistic_loss():
    # softplus(-z) for y = 1, softplus(z) for y = 0: L'' = s(1 - s) in (0, 1/4], max 1/4 at z = 0;
    # |L'| = sigmoid(-z) <= 1; the minimum lies at z = ±inf (not attained: not sparse); monotone toward it
    report = through("binary_cross_entropy", "sigmoid")
    assert verdicts(report) == {"convexity": "holds", "differentiability": "holds", "smoothness": "holds",
                                "robustness": "holds", "sparsity": "fails", "monotonicity": "holds"}
    assert report["smoothness"].extras["constant"] == pytest.approx(0.25)
    assert report.results[0].loss.kind.name == "logit"


def test_squared_error_after_a_sigmoid_is_not_convex_in_the_logit():
    # (s - 1)^2: L'' = -2 s(1-s)^2 (1 - 3s) < 0 where s < 1/3 (z < -log 2); in p it is 2(p - y)^2'' = 2 > 0
    assert verdicts(lossaudit.audit("brier"))["convexity"] == "holds"
    report = through("brier", "sigmoid")
    assert report["convexity"].verdict == "fails" and rechecks(report)
    # |L'| = 2 s (1-s)^2 -> 0 as z -> -inf for y = 1: the influence of a gross error vanishes
    assert report["robustness"].verdict == "holds" and report["smoothness"].verdict == "holds"


def _focal_logit(z):
    s = 1 / (1 + np.exp(-z))
    return -(1 - s) ** 2 * np.log(s)


def test_focal_gamma_2_convex_in_the_probability_not_in_the_logit():
    # in p: f = -(1-p)^2 log p, f'' = -2 log p + 4(1-p)/p + (1-p)^2/p^2 > 0 on (0, 1)
    assert verdicts(lossaudit.audit("focal"))["convexity"] == "holds"
    # in z at y = 1: the central second difference is negative near z = -4 (the claim, by hand)
    h = 1e-3
    assert _focal_logit(-4 + h) - 2 * _focal_logit(-4.0) + _focal_logit(-4 - h) < 0
    report = through("focal", "sigmoid")
    assert report["convexity"].verdict == "fails" and rechecks(report)


def test_brier_after_softmax_is_not_convex_in_the_logits():
    # along z_0 - z_1 with the rest fixed it is (sigmoid - 1)^2-like: the same negative curvature as above
    assert verdicts(lossaudit.audit("multiclass_brier"))["convexity"] == "holds"
    report = through("multiclass_brier", "softmax")
    assert report.results[0].loss.kind.name == "logits"
    assert report["convexity"].verdict == "fails" and rechecks(report)


def test_poisson_through_exp():
    # y_pred - y*log(y_pred) at y_pred = exp(z) is exp(z) - y*z exactly: L'' = exp(z) > 0 (convex) but
    # unbounded (not smooth); L' = exp(z) - y -> inf (not robust); L'(log y) = 0 (not sparse); monotone
    loss = compose(find("poisson_nll"), "exp")
    import sympy as sp
    z, y = loss.pred_symbols[0], loss.true_symbols[0]
    assert sp.simplify(loss.exact_expression - (sp.exp(z) - y * z)) == 0
    report = lossaudit.audit(loss)
    assert verdicts(report) == {"convexity": "holds", "differentiability": "holds", "smoothness": "fails",
                                "robustness": "fails", "sparsity": "fails", "monotonicity": "holds"}
    assert rechecks(report)


# -- user expressions through a link ------------------------------------------------------------------------

def test_user_cross_entropy_through_sigmoid_matches_the_logistic_loss():
    # the same formula as the built-in, written by a user: the same verdicts as softplus(-y*z)
    report = lossaudit.audit(expression="-y_true*log(y_pred) - (1 - y_true)*log(1 - y_pred)", kind="probability",
                             link="sigmoid")
    assert verdicts(report)["convexity"] == "holds" and verdicts(report)["smoothness"] == "holds"
    assert report["smoothness"].extras["constant"] == pytest.approx(0.25)


def test_user_squared_error_through_exp():
    # (e^z - y)^2: L'' = 2e^z(2e^z - y) < 0 for z < log(y/2) (y > 0): not convex; L' = 2e^z(e^z - y) -> inf
    report = lossaudit.audit(expression="(y_pred - y_true)**2", kind="positive", link="exp",
                             properties="convexity,robustness,smoothness")
    assert verdicts(report) == {"convexity": "fails", "robustness": "fails", "smoothness": "fails"}
    assert rechecks(report)


def test_user_cross_entropy_through_softmax():
    # -sum y log softmax(z) = lse(z) - z_c: convex (log-sum-exp minus a linear term), gradient p - y with
    # norm <= sqrt(2) (bounded), shift-invariant and decreasing in every margin of the true class
    report = lossaudit.audit(expression="-sum(y_true*log(y_pred))", kind="distribution", link="softmax",
                             properties="convexity,robustness,monotonicity")
    assert verdicts(report) == {"convexity": "holds", "robustness": "holds", "monotonicity": "holds"}


# -- the report shows both parametrisations ---------------------------------------------------------------

def test_json_and_table_show_the_natural_link():
    result = runner.invoke(app, ["audit", "binary_cross_entropy", "huber", "--format", "json",
                                 "--property", "convexity,smoothness"])
    assert result.exit_code == 0, result.output
    bce, huber = json.loads(result.stdout)["losses"]
    view = bce["through"]["sigmoid"]
    assert view["kind"] == "logit" and "sigmoid(y_pred)" in view["expression"]
    assert view["properties"]["smoothness"]["verdict"] == "holds"     # logistic: L = 1/4
    assert bce["properties"]["smoothness"]["verdict"] == "fails"      # -log p: L'' = 1/p^2 unbounded
    assert "through" not in huber                                     # regression: no link
    table = runner.invoke(app, ["audit", "binary_cross_entropy", "--property", "convexity"])
    assert "through sigmoid" in table.stdout
    for fmt in ("markdown", "html"):
        assert "through sigmoid" in lossaudit.audit("brier", properties="convexity").render(fmt)


# -- refusals --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, named", [
    (["audit", "huber", "--link", "sigmoid"], "sigmoid"),                                   # a regression loss
    (["audit", "--expr", "abs(y_pred - y_true)", "--kind", "regression", "--link", "exp"], "exp"),
    (["audit", "brier", "--link", "softmax"], "softmax"),                                   # scalar, not a distribution
    (["audit", "brier", "--link", "tanh"], "tanh"),                                         # no such link
])
def test_a_link_that_makes_no_sense_is_refused(args, named):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert named in result.stderr and "Traceback" not in result.output


def test_compose_refuses_a_callable():
    with pytest.raises(LinkError, match="callable"):
        compose(lossaudit.loss.Loss.from_callable(lambda p, y: (p - y) ** 2, "probability"), "sigmoid")
