"""Losses unbounded below have no minimum, so sparsity fails with evidence that re-checks (issue 15)."""
from __future__ import annotations

import json

import pytest

from evidence import check_fails, exact_loss
from lossaudit.cli import app
from typer.testing import CliRunner

# (id, expression, reason derived by hand)
UNBOUNDED = [
    ("pole", "1/(y_pred - y_true)", "1/r -> -inf as r -> 0 from the left"),
    ("pole_of_power", "y_pred**-1", "1/y_pred -> -inf as y_pred -> 0 from the left"),
    ("log_zero", "log(abs(y_pred - y_true))", "log|r| -> -inf as r -> 0, from either side"),
    ("negative_log", "-log(abs(y_pred - y_true))", "-log|r| -> -inf as |r| -> inf"),
    ("negative_square", "-(y_pred - y_true)**2", "-r^2 -> -inf as |r| -> inf"),
]

# (id, expression, verdict, reason derived by hand)
BOUNDED = [
    ("absolute", "abs(y_pred - y_true)", "holds", "minimum 0 at r = 0, slopes -1 and +1 pull right up to it"),
    ("squared", "(y_pred - y_true)**2", "fails", "minimum 0 at r = 0, but the gradient 2r vanishes there"),
]


def _sparsity(expr: str) -> tuple[dict, dict]:
    result = CliRunner().invoke(app, ["audit", "--expr", expr, "--kind", "regression",
                                      "--property", "sparsity", "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)["losses"][0]
    return entry, entry["properties"]["sparsity"]


@pytest.mark.parametrize("expr, reason", [c[1:] for c in UNBOUNDED], ids=[c[0] for c in UNBOUNDED])
def test_a_loss_unbounded_below_is_not_sparse(expr, reason):
    entry, v = _sparsity(expr)
    assert (v["verdict"], v["method"]) == ("fails", "counterexample"), (reason, v)
    assert "unbounded below" in v["detail"] and "no minimum" in v["detail"], v["detail"]
    ev = v["evidence"]
    assert ev["minimizer"] is None
    check_fails(entry, "sparsity", v)  # the values keep falling, re-checked in 50 digits
    L = exact_loss(entry)
    values = [float(L(p, ev["y_true"])) for p in ev["points"]]
    assert values == pytest.approx([float(x) for x in ev["values"]], rel=1e-9)
    assert values[-1] < values[0] - 10, values  # a real fall, not float noise


def test_the_pole_is_approached_from_the_left():
    _, v = _sparsity("1/(y_pred - y_true)")
    ev = v["evidence"]
    assert ev["y_true"] == 0 and "from the left" in ev["toward"]
    assert ev["points"][:3] == [-0.1, -0.01, -0.001]
    assert [round(float(x)) for x in ev["values"][:3]] == [-10, -100, -1000]


@pytest.mark.parametrize("expr, verdict, reason", [c[1:] for c in BOUNDED], ids=[c[0] for c in BOUNDED])
def test_a_bounded_loss_keeps_its_verdict(expr, verdict, reason):
    _, v = _sparsity(expr)
    assert v["verdict"] == verdict, (reason, v)
    assert "unbounded" not in v["detail"], v["detail"]
