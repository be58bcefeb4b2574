"""Auditing the user's own loss: callables and expressions, and everything that goes wrong.

The losses live in tests/user_losses/losses.py; their expected verdicts below were
derived by hand (one line each).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lossaudit
from lossaudit.cli import app
from evidence import check_fails

HERE = Path(__file__).parent
LOSSES = HERE / "user_losses" / "losses.py"
sys.path.insert(0, str(HERE / "user_losses"))
import losses as user  # noqa: E402

H, F, U = "holds", "fails", "unknown"

# name: (kind, expression of the same loss or None, expected verdicts with the reason)
EXPECTED = {
    "nice": ("regression", "log(cosh(y_pred - y_true))", {
        "convexity": (H, "(log cosh)'' = 1/cosh^2 > 0"),
        "differentiability": (H, "analytic"),
        "smoothness": (H, "|L''| = 1/cosh^2 <= 1"),
        "robustness": (H, "|L'| = |tanh r| -> 1"),
        "sparsity": (F, "smooth minimum: L'(0) = tanh 0 = 0"),
        "monotonicity": (H, "L' = tanh r has the sign of r"),
    }),
    "nonconvex": ("regression", "(y_pred - y_true)**2/(1 + (y_pred - y_true)**2)", {
        "convexity": (F, "L'' = (2 - 6r^2)/(1 + r^2)^3 < 0 for |r| > 1/sqrt(3)"),
        "differentiability": (H, "rational, denominator >= 1"),
        "smoothness": (H, "|L''| <= 2 (at r = 0)"),
        "robustness": (H, "L' = 2r/(1 + r^2)^2 -> 0: redescending"),
        "sparsity": (F, "smooth minimum at r = 0"),
        "monotonicity": (H, "L' has the sign of r"),
    }),
    "kink_away": ("regression", "abs(y_pred - y_true - 0.5) + 0.1*(y_pred - y_true)**2", {
        "convexity": (H, "|affine| + convex quadratic"),
        "differentiability": (F, "kink at r = 0.5: slopes -0.9 and 1.1"),
        "smoothness": (F, "the gradient jumps at r = 0.5"),
        "robustness": (F, "L' ~ 0.2 r grows without bound"),
        "sparsity": (H, "the minimum sits on the kink at r = 0.5 (slopes -0.9, 1.1)"),
        "monotonicity": (F, "minimum at r = 0.5, not at the target: L(0) = 0.5 > L(0.5) = 0.025"),
    }),
    "bump": ("regression", "(y_pred - y_true)**2 + 3*exp(-10*(y_pred - y_true - 2)**2)", {
        "convexity": (F, "the bump at r = 2 bends it down: chord over [1, 3]"),
        "differentiability": (H, "analytic"),
        "smoothness": (H, "L'' bounded (the Gaussian's curvature is bounded)"),
        "robustness": (F, "L' ~ 2r"),
        "sparsity": (F, "smooth minimum at r ~ 0"),
        "monotonicity": (F, "the loss falls on the far side of the bump, r from 2 toward 0 rises first"),
    }),
    "cosh_loss": ("regression", "cosh(y_pred - y_true) - 1", {
        "convexity": (H, "cosh'' = cosh > 0"),
        "differentiability": (H, "analytic"),
        "smoothness": (F, "L'' = cosh r grows without bound"),
        "robustness": (F, "L' = sinh r grows without bound"),
        "sparsity": (F, "smooth minimum at r = 0"),
        "monotonicity": (H, "sinh r has the sign of r"),
    }),
    "hinge": ("margin", "max(0, 1 - y_true*y_pred)", {
        "convexity": (H, "max of affine functions"),
        "differentiability": (F, "kink at y*y_pred = 1"),
        "smoothness": (F, "the gradient jumps at the kink"),
        "robustness": (H, "|L'| = 1 for y*y_pred < 1"),
        "sparsity": (H, "flat for m >= 1, slope -1 just below"),
        "monotonicity": (H, "nonincreasing in m"),
    }),
    "softmax_ce": ("logits", "logsumexp(y_pred) - sum(y_true*y_pred)", {
        "convexity": (H, "log-sum-exp minus a linear term"),
        "differentiability": (H, "analytic"),
        "smoothness": (H, "Hessian diag(p) - pp^T has norm <= 1/2"),
        "robustness": (H, "gradient p - y has norm <= sqrt(2)"),
        "sparsity": (F, "the infimum 0 is only approached as the true margin -> inf"),
        "monotonicity": (H, "shift-invariant, decreasing in every margin of the true class"),
    }),
}


def verdicts(report) -> dict:
    return {p: v.verdict for p, v in report.results[0].verdicts.items()}


@pytest.fixture(scope="module")
def callable_reports():
    # the properties each entry derives by hand (a callable's statistic, for one, cannot be refuted for
    # every expectile without exact derivatives, so it stays unknown where the expression's fails)
    return {name: lossaudit.audit(getattr(user, name), kind=kind, name=name, properties=",".join(props))
            for name, (kind, _, props) in EXPECTED.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_callable_verdicts_match_hand_derivation(name, callable_reports):
    report = callable_reports[name]
    expected = {p: v for p, (v, _why) in EXPECTED[name][2].items()}
    assert verdicts(report) == expected
    for v in report.results[0].verdicts.values():
        assert v.method != "proof", "a callable has no symbolic form: never a proof"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expression_and_callable_agree(name, callable_reports):
    kind, text, props = EXPECTED[name]
    by_expression = lossaudit.audit(text, kind=kind, properties=",".join(props))
    assert verdicts(by_expression) == verdicts(callable_reports[name])
    entry = json.loads(by_expression.to_json())["losses"][0]
    for prop, v in entry["properties"].items():
        if v["verdict"] == "fails":
            check_fails(entry, prop, v)


def test_cli_audits_a_file_callable():
    result = CliRunner().invoke(app, ["audit", f"{LOSSES}:kink_away", "--kind", "regression", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["losses"][0]["properties"]["differentiability"]["verdict"] == "fails"
    assert data["losses"][0]["properties"]["differentiability"]["evidence"]["point"] == pytest.approx(0.5)


def test_cli_audits_a_module_callable(monkeypatch):
    monkeypatch.chdir(HERE)
    result = CliRunner().invoke(app, ["audit", "user_losses.losses:hinge", "--kind", "margin", "--format", "json",
                                      "--property", "convexity"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["losses"][0]["properties"]["convexity"]["verdict"] == "holds"


@pytest.mark.parametrize("spec, words", [
    (f"{HERE}/user_losses/missing.py:f", ["missing.py", "does not exist"]),
    (f"{HERE}/user_losses/broken.py:loss", ["broken.py", "syntax error", "line 1"]),
    (f"{LOSSES}:no_such_function", ["no attribute 'no_such_function'"]),
    (f"{LOSSES}:not_a_function", ["not_a_function", "not a callable"]),
    ("no_such_package.mod:f", ["no module named 'no_such_package'"]),
])
def test_bad_callables_exit_2_with_a_clear_message(spec, words):
    result = CliRunner().invoke(app, ["audit", spec, "--kind", "regression"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for w in words:
        assert w.lower() in result.output.lower(), (w, result.output)


def test_callable_needs_a_kind():
    result = CliRunner().invoke(app, ["audit", f"{LOSSES}:nice"])
    assert result.exit_code == 2 and "--kind" in result.output


@pytest.mark.parametrize("name, reason", [
    ("noisy", "not deterministic"),
    ("wrong_shape", "returned shape ()"),
])
def test_broken_callables_are_unknown_everywhere(name, reason):
    report = lossaudit.audit(getattr(user, name), kind="regression")
    for v in report.results[0].verdicts.values():
        assert v.verdict == U and reason in v.detail, v
        assert "example" in v.evidence


@pytest.mark.parametrize("name", ["raises", "nan_left"])
def test_partial_failures_leave_the_other_properties_decided(name):
    report = lossaudit.audit(getattr(user, name), kind="regression")
    got = verdicts(report)
    # squared error wherever it is defined: its counterexamples still stand
    assert got["robustness"] == F and got["sparsity"] == F
    # where no counterexample exists, the undefined region makes a "holds" impossible to claim
    for prop in ("convexity", "monotonicity"):
        v = report.results[0].verdicts[prop]
        assert v.verdict == U, v
        assert ("raised ValueError" in v.detail) if name == "raises" else ("NaN" in v.detail)
        assert v.evidence["example"]["y_pred"] > 100 if name == "raises" else v.evidence["example"]["y_pred"] < -5


def test_a_hanging_callable_times_out():
    start = time.perf_counter()
    report = lossaudit.audit(user.sleeps, kind="regression", timeout=1)
    assert time.perf_counter() - start < 30
    for v in report.results[0].verdicts.values():
        assert v.verdict == U and "timed out" in v.detail


def test_scalar_only_callable_works_with_a_note():
    report = lossaudit.audit(user.scalar_only, kind="regression", properties="differentiability,sparsity")
    got = verdicts(report)
    assert got == {"differentiability": F, "sparsity": H}  # |r|: kink at 0, pull -1 / +1
    assert any("one point at a time" in n for n in report.results[0].notes)


def test_printing_and_mutating_callable_does_not_disturb(capsys):
    report = lossaudit.audit(user.chatty, kind="regression", properties="convexity,monotonicity")
    assert verdicts(report) == {"convexity": H, "monotonicity": H}  # squared error in disguise
    assert "hello" not in capsys.readouterr().out


def test_cli_stdout_carries_only_the_report_for_a_chatty_callable():
    proc = subprocess.run([sys.executable, "-m", "lossaudit", "audit", f"{LOSSES}:chatty", "--kind", "regression",
                           "--format", "json", "--property", "convexity", "--quiet"],
                          capture_output=True, text=True, env={**os.environ, "LOSSAUDIT_NO_CACHE": "1"})
    assert proc.returncode == 0, proc.stderr
    json.loads(proc.stdout)  # nothing else on stdout
    assert "hello" not in proc.stdout


@pytest.mark.parametrize("expr, words", [
    ("y_true**2", ["does not depend on y_pred"]),
    ("log(-1 - (y_pred - y_true)**2)", ["undefined"]),
])
def test_bad_expressions_exit_2(expr, words):
    result = CliRunner().invoke(app, ["audit", "--expr", expr, "--kind", "regression"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for w in words:
        assert w in result.output


def test_expression_api_with_params_and_domains():
    report = lossaudit.audit("where(abs(y_pred - y_true) < d, (y_pred - y_true)**2, d*abs(y_pred - y_true))",
                             kind="regression", params={"d": 2.0}, properties="differentiability")
    # at |r| = d = 2 the slopes are 2r = 4 and d = 2: a kink
    v = report["differentiability"]
    assert v.verdict == F and abs(abs(v.evidence["point"]) - 2.0) < 1e-12


def test_narrowed_prediction_domain_changes_the_verdict():
    # log(y_pred) is undefined for y_pred <= 0 on the regression kind; on (0, inf) it is a fine loss
    text = "(log(y_pred) - log(y_true))**2"
    report = lossaudit.audit(text, kind="regression", pred_domain=lossaudit_domain("(0, inf)"),
                             target_domain=lossaudit_domain("(0, inf)"), properties="differentiability")
    assert report["differentiability"].verdict == H


def lossaudit_domain(text):
    from lossaudit.kinds import parse_domain
    return parse_domain(text)
