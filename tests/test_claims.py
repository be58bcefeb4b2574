"""`lossaudit check CLAIMS.toml` and `lossaudit.testing.assert_properties`: claims confirmed, refuted, undecided."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from lossaudit.claims import CONFIRMED, REFUTED, UNDECIDED, judge
from lossaudit.cli import app
from lossaudit.errors import UnknownPropertyError
from lossaudit.testing import assert_properties
from lossaudit.verdict import unknown

runner = CliRunner()


def test_assert_properties_passes_on_true_claims():
    # hinge: a max of affine maps (convex) with a kink at margin 1 (not differentiable)
    assert_properties("max(0, 1 - y_true*y_pred)", kind="margin", convexity=True, differentiability=False)


def test_assert_properties_raises_with_the_counterexample():
    # squared error: the gradient 2r grows without bound, so it is not robust
    with pytest.raises(AssertionError) as err:
        assert_properties("(y_pred - y_true)**2", kind="regression", robustness=True, convexity=True)
    text = str(err.value)
    assert "robustness was claimed to hold, but it fails" in text and "evidence:" in text
    assert "convexity" not in text  # the true claim is not reported


def test_assert_properties_on_a_callable():
    import numpy as np

    def absolute(y_pred, y_true):
        return np.abs(y_pred - y_true)
    # |r|: convex, with a kink at r = 0
    assert_properties(absolute, kind="regression", convexity=True, differentiability=False)


def test_assert_properties_refuses_unknown_and_non_boolean_claims():
    with pytest.raises(UnknownPropertyError, match="did you mean convexity"):
        assert_properties("abs(y_pred - y_true)", kind="regression", convex=True)
    with pytest.raises(TypeError):
        assert_properties("abs(y_pred - y_true)", kind="regression", convexity="yes")
    with pytest.raises(TypeError):
        assert_properties("abs(y_pred - y_true)", kind="regression")


def test_an_undecided_verdict_is_neither_confirmed_nor_refuted():
    v = unknown("smoothness", "a limit could not be computed")
    assert judge(True, v) == UNDECIDED and judge(False, v) == UNDECIDED


CLAIMS = '''
[[claim]]
name = "hinge"
expr = "max(0, 1 - y_true*y_pred)"
kind = "margin"
source = "a library: convex and smooth"
convexity = true
smoothness = true

[[claim]]
name = "absolute"
callable = "{path}:absolute"
kind = "regression"
differentiability = false
'''


def _write(tmp_path, text):
    (tmp_path / "mine.py").write_text("import numpy as np\n\ndef absolute(y_pred, y_true):\n"
                                      "    return np.abs(y_pred - y_true)\n")
    path = tmp_path / "claims.toml"
    path.write_text(text.replace("{path}", str(tmp_path / "mine.py")))
    return path


def test_check_confirms_and_refutes(tmp_path):
    path = _write(tmp_path, CLAIMS)
    result = runner.invoke(app, ["check", str(path), "-f", "json"])
    assert result.exit_code == 1, result.output  # hinge is not smooth: its slope jumps at margin 1
    rows = {(c["name"], c["property"]): c["outcome"] for c in json.loads(result.stdout)["claims"]}
    assert rows == {("hinge", "convexity"): CONFIRMED, ("hinge", "smoothness"): REFUTED,
                    ("absolute", "differentiability"): CONFIRMED}
    assert "3 claims: 2 confirmed, 1 refuted, 0 undecided." in result.stderr
    table = runner.invoke(app, ["check", str(path)], env={"COLUMNS": "100"})
    assert "refuted" in table.stdout and "gradient jumps" in table.stdout


@pytest.mark.parametrize("text, words", [
    ('[[claim]]\nexpr = "y_pred"\nkind = "regression"\nconvex = true\n', "did you mean convexity"),
    ('[[claim]]\nexpr = "y_pred"\nkind = "regression"\nconvexity = "yes"\n', "must be true or false"),
    ('[[claim]]\nexpr = "y_pred"\ncallable = "m:f"\nkind = "regression"\nconvexity = true\n', "one of them"),
    ('[[claim]]\nexpr = "y_pred"\nconvexity = true\n', "kind is missing"),
    ('[[claim]]\nexpr = "y_pred"\nkind = "regression"\n', "no property is claimed"),
    ('title = "x"\n', "[[claim]] entries"),
    ('[[claim]\n', "cannot read the claims file"),
])
def test_malformed_claims_are_bad_input(tmp_path, text, words):
    path = tmp_path / "claims.toml"
    path.write_text(text)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and words in result.stderr, result.output
