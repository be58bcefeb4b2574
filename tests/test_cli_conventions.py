"""CLI conventions: short options, exit codes, "did you mean", settings from pyproject.toml, narrow terminals."""
from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from lossaudit import cli
from lossaudit.cli import app
from lossaudit.report import LossResult, Report, qualify
from lossaudit.verdict import FAILS, HOLDS, PROOF, Verdict, unknown

runner = CliRunner()
ANSI = re.compile(r"\x1b\[")


def invoke(*args, env=None):
    return runner.invoke(app, list(args), env=env or {})


@pytest.fixture(autouse=True)
def _no_project_settings(monkeypatch, tmp_path):
    # run from an empty folder with its own .git: no pyproject.toml above it is read
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_short_help_and_version():
    assert invoke("-h").exit_code == 0 and "Exit status" in invoke("-h").output
    out = invoke("-V")
    assert out.exit_code == 0 and out.output.startswith("lossaudit ")
    assert "<list[str]>" not in invoke("audit", "-h").output  # metavars are words


def test_short_options_format_output_quiet(tmp_path):
    target = tmp_path / "r.json"
    result = invoke("audit", "huber", "-f", "json", "-o", str(target), "-q", "--property", "convexity")
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["losses"][0]["name"] == "huber"
    assert "1 loss audited" not in result.stderr  # -q silences the summary too


def _report(verdict, require=("smoothness",)):
    from lossaudit.kinds import get_kind
    loss = type("L", (), {"name": "x", "kind": get_kind("regression"), "role": "loss", "aliases": ()})()
    result = LossResult(loss, {"smoothness": verdict})
    result.qualifies = qualify(result, require)
    return Report([result], ("smoothness",), seed=0, samples=100, require=require)


def test_exit_status_tells_refuted_from_undecided(capsys):
    holds = Verdict("smoothness", HOLDS, PROOF, "Smooth.", {})
    fails = Verdict("smoothness", FAILS, "counterexample", "Not smooth: the gradient jumps at 0.", {})
    undecided = unknown("smoothness", "a limit could not be computed")
    assert cli._require_status(_report(holds)) == 0
    assert cli._require_status(_report(fails)) == cli.EXIT_REFUTED == 1
    assert "x: smoothness fails (Not smooth: the gradient jumps at 0.)" in capsys.readouterr().err
    assert cli._require_status(_report(undecided)) == cli.EXIT_UNDECIDED == 4
    assert "x: smoothness unknown" in capsys.readouterr().err


def test_require_names_what_failed_and_why():
    # huber is not sparse: its gradient vanishes at the minimum r = 0 (a smooth minimum)
    result = invoke("audit", "huber", "-q", "--require", "sparsity", "-f", "json")
    assert result.exit_code == 1
    assert "huber: sparsity fails" in result.stderr and "minimum" in result.stderr


@pytest.mark.parametrize("args, hint", [
    (("explain", "convex"), "did you mean convexity?"),
    (("audit", "--expr", "y_tru - y_pred", "--kind", "regression"), "did you mean y_true?"),
    (("audit", "--expr", "sqr(y_pred - y_true)", "--kind", "regression"), "did you mean sqrt?"),
    (("audit", "--expr", "y_pred - y_true", "--kind", "regresion"), "did you mean regression?"),
    (("audit", "huber", "--format", "jsn"), "did you mean json?"),
    (("show", "hubr"), "did you mean huber"),
])
def test_did_you_mean(args, hint):
    result = invoke(*args)
    assert result.exit_code == 2 and hint in result.stderr, result.output
    assert "Traceback" not in result.output


def test_a_python_file_without_its_function(tmp_path):
    path = tmp_path / "mylosses.py"
    path.write_text("import os\ndef first(y_pred, y_true):\n    return 0\n\ndef second(a, b):\n    return 1\n")
    result = invoke("audit", str(path), "--kind", "regression")
    assert result.exit_code == 2
    assert f"{path}:FUNC" in result.stderr and "first and second" in result.stderr


def test_settings_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.lossaudit]\nformat = "json"\nproperty = ["convexity"]\n')
    result = invoke("audit", "huber", "-q")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["losses"][0]["properties"]) == ["convexity"]
    override = invoke("audit", "huber", "-q", "-f", "csv")  # the command line wins
    assert override.exit_code == 0 and not override.stdout.lstrip().startswith("{")


@pytest.mark.parametrize("body, words", [
    ('[tool.lossaudit]\nformats = "json"\n', "did you mean format?"),
    ('[tool.lossaudit]\nseed = "zero"\n', "seed in [tool.lossaudit]"),
    ('[tool.lossaudit\n', "cannot read the settings"),
])
def test_bad_settings_are_bad_input(tmp_path, body, words):
    (tmp_path / "pyproject.toml").write_text(body)
    result = invoke("audit", "huber", "-q")
    assert result.exit_code == 2 and words in result.stderr, result.output


def test_list_as_json_and_at_80_columns():
    result = invoke("list", "-f", "json", "-q")
    rows = json.loads(result.stdout)
    assert {"name", "kind", "role", "expression", "aliases"} <= set(rows[0]) and len(rows) > 50
    narrow = invoke("list", "-q", env={"COLUMNS": "80"})
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 80
    assert "hinge  margin loss" in narrow.stdout


def test_explain_kinds_fits_the_terminal():
    for cols in ("80", "200"):
        result = invoke("explain", "kinds", env={"COLUMNS": cols})
        assert result.exit_code == 0
        assert max(len(line) for line in result.stdout.splitlines()) <= int(cols)
        assert "probability" in result.stdout and "logits" in result.stdout


def test_no_color_and_brackets_in_names():
    result = invoke("audit", "--expr", "abs(y_pred - y_true)", "--kind", "regression", "--name", "[my] loss",
                    "--property", "convexity", "-v", "--no-color", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "[my] loss" in result.stdout and not ANSI.search(result.stdout)
    assert "convexity: holds" in result.stdout  # -v prints each verdict's sentence


def test_show_takes_an_expression():
    result = invoke("show", "--expr", "(y_pred - y_true)**2", "--kind", "regression", "-q", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    # (y_pred - y_true)^2: L'' = 2 everywhere, so smooth with L = 2
    assert "smoothness: holds" in result.stdout and "L=2" in result.stdout


@pytest.mark.parametrize("cols", [80, 100, 200])
def test_the_audit_table_fits_80_100_and_200_columns(cols):
    result = invoke("audit", "huber", "hinge", "-q", env={"COLUMNS": str(cols)})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= cols
    # huber: smooth with L = 1 (L'' is 1 or 0); hinge: a kink at margin 1 (C0)
    assert "L=1" in result.stdout and "C0" in result.stdout
    if cols < 90:  # one card per loss: its name, then its verdicts
        assert lines[0].startswith("huber") and len(lines) < 14  # a line per band of properties
    else:
        header = "\n".join(lines[:4])  # below 120 columns the headers are short
        assert "┃" in header and ("differentiability" in header) == (cols >= 120)


def test_the_terminal_shows_the_audit_notes():
    from pathlib import Path
    losses = Path(__file__).parent / "user_losses" / "losses.py"
    result = invoke("audit", f"{losses}:scalar_only", "--kind", "regression", "-q", "--property", "convexity",
                    env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "note on scalar_only" in result.stdout and "one point at a time" in result.stdout


def test_sampled_robustness_evidence_groups_paths_by_target():
    from lossaudit.properties.robustness import Path, _paths_by_target
    paths = [Path(label, [], [], y) for y in (0.0, 1.0) for label in ("y_pred -> ∞", "y_pred -> -∞")]
    # two targets, two directions each: one entry per target, each direction named once
    assert _paths_by_target(paths) == [{"y_true": 0.0, "toward": ["y_pred -> ∞", "y_pred -> -∞"]},
                                       {"y_true": 1.0, "toward": ["y_pred -> ∞", "y_pred -> -∞"]}]


def test_a_translation_invariant_callable_has_one_constant(tmp_path):
    (tmp_path / "shifted.py").write_text(
        "import numpy as np\n\n"
        "def pseudo_huber(y_pred, y_true):\n    r = y_pred - y_true\n    return 0.49*(np.sqrt(1 + (r/0.7)**2) - 1)\n\n"
        "def weighted(y_pred, y_true):\n    return (y_pred - y_true)**2*(1 + y_true**2)\n")
    import lossaudit
    # pseudo-Huber depends on r only: L'' = (1 + (r/0.7)^2)^(-3/2) peaks at 1 for every target
    v = lossaudit.audit(f"{tmp_path / 'shifted.py'}:pseudo_huber", kind="regression", properties="smoothness")
    sm = v.results[0].verdicts["smoothness"]
    assert sm.extras["depends_on_target"] is False and "depends on the target" not in sm.detail
    # (1 + y^2) r^2: L'' = 2(1 + y^2) changes with the target
    w = lossaudit.audit(f"{tmp_path / 'shifted.py'}:weighted", kind="regression", properties="smoothness")
    assert w.results[0].verdicts["smoothness"].extras["depends_on_target"] is True


@pytest.mark.parametrize("cols", [80, 200])
@pytest.mark.parametrize("args", [("show", "huber", "-q"), ("explain", "convexity"),
                                  ("show", "--expr", "abs(y_pred - y_true)", "--kind", "regression", "-q")])
def test_show_and_explain_fit_the_terminal(args, cols):
    result = invoke(*args, env={"COLUMNS": str(cols)})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= cols
