"""Hostile expressions: non-real values are refused; a refusal never waits for sympy's import."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from helpers_hostile import REPO, assert_refused, run_cli
from lossaudit.cli import app
from lossaudit.errors import ExpressionError
from lossaudit.expr import parse


# Each is complex however y_pred is chosen: a constant factor or term is not a real number.
# (-8)**(1/3): sympy's principal cube root of -8 is 1 + i*sqrt(3); (-1)**0.5 is i; log(-2) = log 2 + i*pi.
NON_REAL = [
    ("principal_cube_root", "(-8)**(1/3)*y_pred", "(-8)**(1/3)", 1),
    ("half_power_of_minus_one", "y_pred*(-1)**0.5", "(-1)**0.5", 8),
    ("two_thirds_power", "y_pred + (-2)**(2/3)", "(-2)**(2/3)", 10),
    ("sqrt_of_negative", "y_pred*sqrt(-4) + y_true", "sqrt(-4)", 8),
    ("log_of_negative", "y_pred + log(-2)", "log(-2)", 10),
    ("inside_a_function", "exp(y_pred*(-3)**(1/5))", "(-3)**(1/5)", 12),
]


@pytest.mark.parametrize("text, part, column", [c[1:] for c in NON_REAL], ids=[c[0] for c in NON_REAL])
def test_a_non_real_constant_is_refused_naming_it(text, part, column):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert "real" in str(info.value)
    assert info.value.token == part and info.value.column == column


@pytest.mark.parametrize("text", ["(-8)**(2/2)*y_pred", "y_pred*8**(1/3)", "y_pred*(-(8**(1/3)))",
                                  "y_pred*log(2)", "y_pred*(-2)**2"],
                         ids=["integer_power_of_negative", "cube_root_of_positive", "real_cube_root",
                              "log_of_positive", "square_of_negative"])
def test_real_constants_are_still_accepted(text):
    expr = parse(text)
    assert expr.is_real is not False and not expr.has(__import__("sympy").I)


def test_the_cli_refuses_a_complex_valued_expression():
    # before: exit 0, "convexity holds by proof" and a ComplexWarning on stderr
    result = CliRunner().invoke(app, ["audit", "--expr", "(-8)**(1/3)*y_pred", "--kind", "regression",
                                      "--format", "json", "--property", "convexity", "--quiet"])
    assert_refused(result, "(-8)**(1/3)", "real")
    assert result.stdout == ""


REFUSED = [("y_pred +* 2", "regression"), ("y_pred + foo", "regression"), ("abs(y_pred, y_true)", "regression"),
           ("sum(y_pred)", "margin"), ("y_pred + 1e400", "regression"), ("open('x')", "regression"),
           ("where(y_pred > 0, 1)", "regression"), ("log(y_pred", "logits")]

# One fresh process (no sympy imported yet) checks every case, then runs the command line on each.
_NO_SYMPY = """
import json, sys, time
from lossaudit import options
from lossaudit.cli import main
from lossaudit.cli import app
from lossaudit.errors import ExpressionError
from lossaudit.kinds import get_kind
for text, kind in json.loads(sys.argv[1]):
    start = time.perf_counter()
    try:
        options.expression(text, vector=get_kind(kind).vector)
        refused = False
    except ExpressionError:
        refused = True
    seconds = time.perf_counter() - start
    try:
        main(["audit", "--expr", text, "--kind", kind, "--quiet"])
    except SystemExit as exc:
        code = exc.code
    print(json.dumps([text, refused, code, "sympy" in sys.modules, seconds]))
"""


def test_a_refused_expression_never_imports_sympy():
    proc = subprocess.run([sys.executable, "-c", _NO_SYMPY, json.dumps(REFUSED)], capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "LOSSAUDIT_NO_CACHE": "1", "PATH": "/usr/bin"}, timeout=120)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r[0] for r in rows] == [t for t, _ in REFUSED], proc.stderr[-2000:]
    for text, refused, code, imported, seconds in rows:
        assert refused and code == 2, text
        assert not imported, text  # refused on the syntax tree alone
        # the check itself: milliseconds, where importing sympy took about a second (the command line
        # around it adds typer's own start-up, which is not lossaudit's to shorten)
        assert seconds < 0.5, (text, seconds)
    assert proc.stderr.count("lossaudit:") == len(REFUSED) and "Traceback" not in proc.stderr


def test_the_whole_refusal_is_quick_from_the_shell():
    start = time.perf_counter()
    proc = run_cli("audit", "--expr", "y_pred +* 2", "--kind", "regression")
    elapsed = time.perf_counter() - start
    assert_refused(proc, "y_pred +* 2", "column 9")  # '*' after '+ ' is the 9th character
    assert elapsed < 20.0  # a guard against a hang, not a benchmark: interpreter and typer start-up included
