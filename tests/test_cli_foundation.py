"""The command line's foundation: version, list, show, bad input -> exit 2 with one paragraph, lazy imports."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lossaudit import catalog_loader
from lossaudit._version import __version__
from lossaudit.cli import app

REPO = Path(__file__).resolve().parents[1]
runner = CliRunner()

# Every hostile expression of test_expr.py (each one the parser refuses).
from test_expr import HOSTILE  # noqa: E402  (tests/ is on sys.path under pytest's default import mode)


@pytest.fixture
def fresh_catalog_cache():
    catalog_loader._cached.cache_clear()
    yield
    catalog_loader._cached.cache_clear()


def assert_bad_input(result, *needles):
    """Exit 2, a one-paragraph message on stderr naming what is wrong, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    message = result.stderr.strip()
    assert message.startswith("lossaudit:")
    assert "\n\n" not in message  # one paragraph
    assert len(message.splitlines()) <= 3
    for needle in needles:
        assert needle in message, (needle, message[:300])
    return message


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"lossaudit {__version__}"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", __version__)


def test_list_shows_the_catalog():
    result = runner.invoke(app, ["list"], env={"COLUMNS": "200"})  # a table from 100 columns (cards below)
    assert result.exit_code == 0, result.output
    rows = re.findall(r"^│ ([a-z][a-z0-9_]*) +│", result.stdout, flags=re.M)
    names = {l.name for l in catalog_loader.load()}
    assert len(set(rows)) >= 50
    assert set(rows) <= names
    assert "huber" in rows and "softmax_cross_entropy" in rows


def test_list_by_kind():
    result = runner.invoke(app, ["list", "--kind", "margin"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    rows = set(re.findall(r"^│ ([a-z][a-z0-9_]*) +│", result.stdout, flags=re.M))
    assert "hinge" in rows and "squared" not in rows


def test_show_huber_prints_formula_and_parameter():
    result = runner.invoke(app, ["show", "huber", "--quiet"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "huber" in out
    assert "where(abs(y_pred - y_true) <= delta" in out  # the formula as written in the catalog
    assert re.search(r"delta\b", out)
    assert "(0, inf)" in out  # delta's range


def test_show_alias():
    result = runner.invoke(app, ["show", "mse", "--quiet"])
    assert result.exit_code == 0
    assert "squared" in result.stdout


@pytest.mark.parametrize("text", [h[1] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_audit_hostile_expression_exits_2(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", f"--expr={text}", "--kind", "regression", "--quiet"])
    assert_bad_input(result)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_audit_expression_error_names_column_and_token():
    result = runner.invoke(app, ["audit", "--expr", "y_pred + foo(1)", "--kind", "regression", "--quiet"])
    assert_bad_input(result, "foo", "column 10")


def test_audit_unknown_kind():
    result = runner.invoke(app, ["audit", "--expr", "(y_pred - y_true)**2", "--kind", "regresion", "--quiet"])
    assert_bad_input(result, "regresion", "regression")


def test_audit_expr_needs_kind():
    result = runner.invoke(app, ["audit", "--expr", "(y_pred - y_true)**2", "--quiet"])
    assert_bad_input(result, "--kind")


def test_audit_unknown_loss_suggests():
    result = runner.invoke(app, ["audit", "hubr", "--quiet"])
    assert_bad_input(result, "hubr", "huber")


def test_show_unknown_loss_suggests():
    result = runner.invoke(app, ["show", "hubber", "--quiet"])
    assert_bad_input(result, "hubber", "huber")


@pytest.mark.parametrize("args, needle", [
    (["--param", "delta"], "delta"),
    (["--param", "delta=abc"], "delta"),
    (["--param", "delta=-1"], "delta"),
    (["--param", "gamma=1"], "gamma"),
    (["--pred-domain", "nonsense"], "--pred-domain"),
], ids=["param_no_value", "param_not_number", "param_out_of_range", "unknown_param", "bad_domain"])
def test_audit_bad_options(args, needle):
    result = runner.invoke(app, ["audit", "huber", "--quiet", *args])
    assert_bad_input(result, needle)


def test_broken_catalog_list_exits_2(tmp_path, monkeypatch, fresh_catalog_cache):
    (tmp_path / "broken.toml").write_text(
        '[[loss]]\nname = "mybad"\nkind = "regresion"\nexpression = "y_pred"\n'
        'description = "d"\nreferences = ["r"]\n', encoding="utf-8")
    monkeypatch.setenv("LOSSAUDIT_CATALOG", str(tmp_path))
    catalog_loader._cached.cache_clear()
    result = runner.invoke(app, ["list"])
    assert_bad_input(result, "broken.toml", "mybad", "kind")


def test_missing_catalog_folder_exits_2(tmp_path, monkeypatch, fresh_catalog_cache):
    monkeypatch.setenv("LOSSAUDIT_CATALOG", str(tmp_path / "nowhere"))
    result = runner.invoke(app, ["list"])
    assert_bad_input(result, "nowhere")


def test_catalog_entries_not_tables_exits_2(tmp_path, monkeypatch, fresh_catalog_cache):
    (tmp_path / "broken.toml").write_text('loss = ["x"]\n', encoding="utf-8")
    monkeypatch.setenv("LOSSAUDIT_CATALOG", str(tmp_path))
    result = runner.invoke(app, ["list"])
    assert_bad_input(result, "broken.toml")


def test_expr_is_never_imported_as_a_callable(tmp_path, monkeypatch):
    marker = tmp_path / "imported.txt"
    module = tmp_path / "evil.py"
    module.write_text(f"open({str(marker)!r}, 'w').write('side effect')\n"
                      "def f(y_pred, y_true):\n    return (y_pred - y_true) ** 2\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["audit", "--expr", "evil.py:f", "--kind", "regression", "--quiet",
                                 "--property", "convexity"])
    assert not marker.exists(), "the --expr text was executed as Python code"
    assert_bad_input(result, ":")


# ---------------------------------------------------------------------------
# Lazy imports: --help must not import sympy

def _run_python(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=60)


def test_help_does_not_import_sympy():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['lossaudit', '--help']\n"
        "try:\n"
        "    runpy.run_module('lossaudit', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "else:\n"
        "    code = 0\n"
        "print('EXIT', code)\n"
        "print('SYMPY', 'sympy' in sys.modules)\n"
    )
    proc = _run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert "EXIT 0" in proc.stdout or "EXIT None" in proc.stdout
    assert "SYMPY False" in proc.stdout
    for command in ("audit", "list", "show"):
        assert command in proc.stdout  # the help text itself was printed


def test_importing_cli_does_not_import_sympy():
    proc = _run_python("import sys, lossaudit.cli, lossaudit; print('SYMPY', 'sympy' in sys.modules)")
    assert proc.returncode == 0, proc.stderr
    assert "SYMPY False" in proc.stdout


def test_python_dash_m_version():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    proc = subprocess.run([sys.executable, "-m", "lossaudit", "--version"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"lossaudit {__version__}"
