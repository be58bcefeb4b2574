"""`lossaudit audit`, `show` and `explain` through typer's CliRunner: exit codes and output."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lossaudit.cli import app
from lossaudit.verdict import PROPERTIES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args))


def test_audit_named_builtins_as_json():
    result = invoke("audit", "huber", "hinge", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [e["name"] for e in data["losses"]] == ["huber", "hinge"]
    assert set(data["losses"][0]["properties"]) == set(PROPERTIES)
    assert data["seed"] == 0 and data["lossaudit_version"]
    assert "qualifies" not in data["losses"][0]


def test_require_sets_exit_status_and_marks_qualifiers():
    # hinge is convex; cauchy is not (L'' < 0 beyond |r| = c)
    result = invoke("audit", "hinge", "cauchy", "--require", "convexity", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert {e["name"]: e["qualifies"] for e in data["losses"]} == {"hinge": True, "cauchy": False}
    assert invoke("audit", "hinge", "--require", "convexity", "--format", "json").exit_code == 0


def test_property_selects_the_properties_decided():
    result = invoke("audit", "huber", "--property", "convexity,smoothness", "--format", "json")
    assert result.exit_code == 0
    assert set(json.loads(result.stdout)["losses"][0]["properties"]) == {"convexity", "smoothness"}


def test_param_changes_the_audited_value():
    result = invoke("audit", "quantile", "--param", "tau=0.25", "--property", "sparsity", "--format", "json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["losses"][0]
    assert entry["parameters"] == {"tau": 0.25}
    ev = entry["properties"]["sparsity"]["evidence"]
    # tau*max(y - y_pred, 0) + (1 - tau)*max(y_pred - y, 0): slopes -tau and 1 - tau
    assert ev["left_derivative"] == pytest.approx(-0.25) and ev["right_derivative"] == pytest.approx(0.75)


@pytest.mark.parametrize("args, words", [
    (["huber", "--property", "nonsense"], ["unknown property 'nonsense'"]),
    (["huber", "--format", "pdf"], ["unknown format 'pdf'"]),
    (["huber", "--param", "delta=-1"], ["delta", "(0, inf)", "-1"]),
    (["huber", "--param", "nope=1"], ["no parameter 'nope'"]),
    (["huber", "--param", "delta"], ["k=v"]),
    (["huber", "--samples", "10"], ["samples must be at least 50"]),
    (["--expr", "abs(y_pred)", "--kind", "regression", "--pred-domain", "(0, 1"], ["--pred-domain"]),
    (["--expr", "abs(y_pred)", "--kind", "nonsense"], ["unknown kind 'nonsense'"]),
    (["--expr", "abs(y_pred)"], ["--kind"]),
    (["hubber"], ["no built-in loss is named 'hubber'", "huber"]),
])
def test_bad_input_exits_2_with_a_message(args, words):
    result = invoke("audit", *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for w in words:
        assert w in result.output, (w, result.output)


def test_output_file_gets_the_report(tmp_path):
    out = tmp_path / "report.json"
    result = invoke("audit", "huber", "--property", "convexity", "--format", "json", "--output", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text())["losses"][0]["name"] == "huber"


def test_output_to_an_unwritable_place_exits_2(tmp_path):
    result = invoke("audit", "huber", "--property", "convexity", "--output", str(tmp_path / "no" / "dir" / "x"))
    assert result.exit_code == 2 and "cannot write" in result.output


def test_table_is_the_default_format():
    result = invoke("audit", "huber", "hinge")
    assert result.exit_code == 0
    for word in ("huber", "hinge", "convexity", "holds"):
        assert word in result.stdout
    assert "2 losses audited" in result.output


def test_expression_audit_from_the_cli():
    result = invoke("audit", "--expr", "abs(y_pred - y_true) + (y_pred - y_true)**2", "--kind", "regression",
                    "--name", "l1_plus_l2", "--format", "json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["losses"][0]
    assert entry["name"] == "l1_plus_l2"
    got = {p: v["verdict"] for p, v in entry["properties"].items()}
    # |r| + r^2: convex, kinked at 0, not robust (2r grows), pull +-1 at the minimum, monotone
    # and its minimiser lies between the mean and the median: no named statistic; classifier properties n/a
    assert got == {"convexity": "holds", "differentiability": "fails", "smoothness": "fails",
                   "robustness": "fails", "sparsity": "holds", "monotonicity": "holds", "calibration": "not applicable",
                   "properness": "not applicable", "statistic": "fails", "symmetry": "not applicable"}


def test_vector_kind_from_the_cli_with_classes():
    result = invoke("audit", "--expr", "logsumexp(y_pred) - sum(y_true*y_pred)", "--kind", "logits",
                    "--classes", "4", "--property", "convexity", "--format", "json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["losses"][0]
    assert entry["classes"] == 4 and entry["properties"]["convexity"]["verdict"] == "holds"


def test_show_prints_formula_parameters_references_and_verdicts():
    result = invoke("show", "huber", "--quiet")
    assert result.exit_code == 0, result.output
    for word in ("huber", "delta", "Huber", "references", "equivalents", "convexity", "sparsity", "evidence"):
        assert word in result.stdout, word


def test_show_of_a_metric_says_whether_it_can_train():
    result = invoke("show", "accuracy", "--quiet")
    assert result.exit_code == 0
    assert "as a training loss" in result.stdout and "no:" in result.stdout


@pytest.mark.parametrize("prop", PROPERTIES)
def test_explain_every_property(prop):
    result = invoke("explain", prop, "--quiet")
    assert result.exit_code == 0, result.output
    assert prop in result.stdout
    assert "Why it matters" in result.stdout and "Holds for" in result.stdout and "Fails for" in result.stdout


def test_explain_unknown_property_exits_2():
    result = invoke("explain", "prettiness")
    assert result.exit_code == 2 and "unknown property" in result.output
