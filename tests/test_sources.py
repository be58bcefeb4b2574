"""sources.resolve: what to audit, turned into Loss objects, without running any user code."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lossaudit import catalog_loader
from lossaudit.callables import ImportedCallable
from lossaudit.errors import CallableError, LossError
from lossaudit.sources import resolve

PACKAGE = Path(__file__).resolve().parents[1] / "lossaudit"


def test_nothing_means_every_builtin():
    assert [x.name for x in resolve()] == [x.name for x in catalog_loader.builtins()]


def test_a_name_and_a_list():
    (huber,) = resolve("huber")
    assert huber.source.startswith("catalog/")
    first, second = catalog_loader.builtins()[:2]
    assert [x.name for x in resolve([first.name, [second.name]])] == [first.name, second.name]
    # with a kind, text is an expression (even one spelled like a built-in's name)
    (square,) = resolve("(y_pred - y_true)**2", kind="regression")
    assert square.source == "expression"


def test_a_callable_spec_is_not_imported_here(tmp_path):
    module = tmp_path / "marks.py"
    module.write_text(f"open({str(tmp_path / 'imported')!r}, 'w').close()\ndef f(y_pred, y_true):\n    return y_pred\n")
    (loss,) = resolve(f"{module}:f", kind="regression")
    assert isinstance(loss.func, ImportedCallable) and loss.name == "f"
    assert not (tmp_path / "imported").exists()  # importing is the worker's job, under the deadline
    loss.func.load()
    assert (tmp_path / "imported").exists()


def test_a_missing_file_is_refused_with_its_spec(tmp_path):
    spec = f"{tmp_path}/nope.py:f"
    with pytest.raises(CallableError, match="does not exist") as info:
        resolve(spec, kind="regression")
    assert info.value.spec == spec


@pytest.mark.parametrize("target, kind, words", [
    ("abs(y_pred - y_true) + 1", None, "needs its kind"),
    ("m.py:f", None, "needs its kind (--kind)"),
    (42, "regression", "cannot audit 42"),
])
def test_refusals(target, kind, words):
    with pytest.raises(LossError, match=words.replace("(", r"\(").replace(")", r"\)")):
        resolve(target, kind=kind)


def test_an_expression_and_a_target_together_are_refused():
    with pytest.raises(LossError, match="not both"):
        resolve("huber", expression="y_pred", kind="regression")


@pytest.mark.parametrize("module", ["sources.py", "runner.py", "workers.py", "callables.py", "isolation.py"])
def test_layers_import_downward_only(module):
    """Following a target through audit() never climbs back up to the facade or the CLI."""
    tree = ast.parse((PACKAGE / module).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"api", "auditor", "cli", "runner" if module != "runner.py" else "-"}, imported
