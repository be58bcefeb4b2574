"""The built-in catalog (catalog/*.toml) and its validation (lossaudit.catalog_loader)."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from lossaudit.catalog_loader import catalog_dir, find, load
from lossaudit.errors import CatalogError, UnknownLossError
from lossaudit.expr import parse
from lossaudit.kinds import KINDS

CATALOG = load()
CATALOG_FILES = sorted(Path(catalog_dir()).glob("*.toml"))

# Words that would make an entry carry a verdict instead of a definition.
VERDICT_WORDS = re.compile(r"verdict|convex|concave|differentiab|smooth|robust|sparse|sparsity|monoton|lipschitz|"
                           r"holds|fails|property|properties|qualif|bounded|redescend|proof|expected", re.I)


# ---------------------------------------------------------------------------
# The catalog's content

def test_at_least_fifty_entries():
    assert len(CATALOG) >= 50


def test_every_kind_is_represented():
    assert {l.kind.name for l in CATALOG} == set(KINDS)


def test_names_and_aliases_are_unique():
    keys = [l.name for l in CATALOG] + [a for l in CATALOG for a in l.aliases]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert duplicates == []


def test_names_are_lowercase_identifiers():
    for l in CATALOG:
        for key in (l.name,) + l.aliases:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", key), key


def test_catalog_files_are_the_ones_loaded():
    assert CATALOG_FILES
    raw_names = []
    for path in CATALOG_FILES:
        raw_names += [e["name"] for e in tomllib.loads(path.read_text(encoding="utf-8")).get("loss", [])]
    assert raw_names == [l.name for l in CATALOG]


@pytest.mark.parametrize("path", CATALOG_FILES, ids=lambda p: p.name)
def test_no_entry_has_a_verdict_like_field(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) <= {"loss"}
    for entry in data.get("loss", []):
        for key in entry:
            assert not VERDICT_WORDS.search(key), (entry.get("name"), key)
        for pname, spec in entry.get("parameters", {}).items():
            for key in spec:  # parameter *names* may be anything (soft Dice's "smooth"), fields may not
                assert not VERDICT_WORDS.search(key), (entry.get("name"), pname, key)
        for key in entry.get("equivalents", {}):
            assert not VERDICT_WORDS.search(key), (entry.get("name"), key)


@pytest.mark.parametrize("loss", CATALOG, ids=lambda l: l.name)
def test_every_expression_parses_and_depends_on_y_pred(loss):
    expr = parse(loss.text, params=[p.name for p in loss.parameters], classes=loss.K)
    names = {s.name for s in expr.free_symbols}
    assert any(n == "y_pred" or n.startswith("y_pred_") for n in names)
    # every parameter in the expression is declared, and every declared one is used
    declared = {p.name for p in loss.parameters}
    used = {n for n in names if not re.fullmatch(r"y_(pred|true)(_\d+)?", n)}
    assert used == declared


@pytest.mark.parametrize("loss", CATALOG, ids=lambda l: l.name)
def test_entry_has_description_and_references(loss):
    assert loss.description.strip()
    assert loss.references and all(r.strip() for r in loss.references)
    assert loss.role in ("loss", "metric")
    for p in loss.parameters:
        assert p.range.contains(p.default), (p.name, p.default, p.range)


def test_find_by_alias_and_suggestion():
    assert find("mse").name == "squared"
    assert find("Huber").name == "huber"
    with pytest.raises(UnknownLossError) as info:
        find("hubr")
    assert "huber" in str(info.value)


# ---------------------------------------------------------------------------
# Validation: malformed files in tmp_path

GOOD = """
[[loss]]
name = "good"
kind = "regression"
expression = "(y_pred - y_true)**2"
description = "a well-formed entry"
references = ["nobody (2024)"]
"""


def entry(name="myloss", *, kind="regression", expression="delta*abs(y_pred - y_true)", extra="",
          default="1.0", range_='"(0, inf)"', drop=()):
    fields = {
        "name": f'name = "{name}"',
        "kind": f'kind = "{kind}"',
        "expression": f'expression = "{expression}"',
        "description": 'description = "test entry"',
        "references": 'references = ["someone (2020)"]',
    }
    lines = ["[[loss]]"] + [v for k, v in fields.items() if k not in drop]
    if extra:
        lines.append(textwrap.dedent(extra).strip())
    lines += ["[loss.parameters.delta]", f"default = {default}", f"range = {range_}"]
    return "\n".join(lines) + "\n"


def load_error(tmp_path, files: dict) -> CatalogError:
    for fname, text in files.items():
        (tmp_path / fname).write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load(tmp_path)
    return info.value


def assert_names(exc: CatalogError, file: str, entry: str | None, field: str | None):
    assert exc.file == file
    assert exc.entry == entry
    assert exc.field == field
    msg = str(exc)
    assert file in msg
    if entry is not None:
        assert entry in msg
    if field is not None:
        assert field in msg


def test_well_formed_file_loads(tmp_path):
    (tmp_path / "ok.toml").write_text(GOOD + entry(), encoding="utf-8")
    losses = load(tmp_path)
    assert [l.name for l in losses] == ["good", "myloss"]
    assert losses[1].param_values == {"delta": 1.0}


def test_unknown_field(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry(extra='colour = "red"')})
    assert_names(exc, "bad.toml", "myloss", "colour")


def test_verdict_field_is_an_unknown_field(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry(extra='convex = true')})
    assert_names(exc, "bad.toml", "myloss", "convex")


@pytest.mark.parametrize("missing", ["kind", "expression", "description", "references"])
def test_missing_required_field(tmp_path, missing):
    exc = load_error(tmp_path, {"bad.toml": entry(drop=(missing,))})
    assert_names(exc, "bad.toml", "myloss", missing)


def test_missing_name_labels_the_entry_by_position(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": GOOD + entry(drop=("name",))})
    assert exc.file == "bad.toml" and exc.field == "name"
    assert exc.entry == "#2"  # the second entry of the file


@pytest.mark.parametrize("expression", ["y_pred + foo", "y_pred ^ 2", "open('x')", "y_true**2", "log(0) + y_pred"],
                         ids=["unknown_name", "caret", "call", "no_y_pred", "log_zero"])
def test_bad_expression(tmp_path, expression):
    text = entry(expression=expression.replace('"', '\\"'))
    exc = load_error(tmp_path, {"bad.toml": text})
    assert_names(exc, "bad.toml", "myloss", "expression")


def test_undeclared_parameter_in_expression(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry(expression="delta*abs(y_pred - y_true)**p")})
    assert_names(exc, "bad.toml", "myloss", "expression")
    assert "'p'" in str(exc)


@pytest.mark.parametrize("default, range_", [("-1.0", '"(0, inf)"'), ("0.0", '"(0, inf)"'), ("2", '"[0, 1]"')],
                         ids=["negative", "open_end", "above"])
def test_parameter_default_outside_range(tmp_path, default, range_):
    exc = load_error(tmp_path, {"bad.toml": entry(default=default, range_=range_)})
    assert exc.file == "bad.toml" and exc.entry == "myloss"
    assert exc.field is not None and exc.field.startswith("parameters") and "delta" in exc.field
    assert "delta" in str(exc) and "bad.toml" in str(exc)


@pytest.mark.parametrize("range_", ['"nonsense"', '"(1, 0)"', '"{0, 1}"'], ids=["nonsense", "empty", "finite_set"])
def test_parameter_bad_range(tmp_path, range_):
    exc = load_error(tmp_path, {"bad.toml": entry(range_=range_)})
    assert exc.entry == "myloss" and "delta" in exc.field and "range" in exc.field


def test_parameter_default_not_a_number(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry(default='"one"')})
    assert exc.entry == "myloss" and "delta" in exc.field


def test_duplicate_name_in_one_file(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry() + entry()})
    assert_names(exc, "bad.toml", "myloss", "name")


def test_duplicate_name_across_files(tmp_path):
    exc = load_error(tmp_path, {"a.toml": entry(), "b.toml": entry()})
    assert_names(exc, "b.toml", "myloss", "name")  # files load in sorted order; the second one is at fault


def test_duplicate_alias(tmp_path):
    other = entry("other", extra='aliases = ["myloss"]')
    exc = load_error(tmp_path, {"bad.toml": entry() + other})
    assert_names(exc, "bad.toml", "other", "aliases")


def test_duplicate_alias_of_alias(tmp_path):
    first = entry("first", extra='aliases = ["shared"]')
    second = entry("second", extra='aliases = ["shared"]')
    exc = load_error(tmp_path, {"bad.toml": first + second})
    assert_names(exc, "bad.toml", "second", "aliases")


def test_unknown_kind(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry(kind="regresion")})
    assert_names(exc, "bad.toml", "myloss", "kind")
    assert "regresion" in str(exc)


def test_invalid_toml_names_file_and_line(tmp_path):
    text = '[[loss]]\nname = "broken"\nkind = "regression"\nexpression = "y_pred\ndescription = "d"\n'
    exc = load_error(tmp_path, {"bad.toml": text})
    assert exc.file == "bad.toml"
    assert "bad.toml" in str(exc)
    assert "line 4" in str(exc)


def test_invalid_toml_names_entry_and_field(tmp_path):
    text = '[[loss]]\nname = "broken"\nkind = "regression"\nexpression = "y_pred\ndescription = "d"\n'
    exc = load_error(tmp_path, {"bad.toml": text})
    assert_names(exc, "bad.toml", "broken", "expression")


@pytest.mark.parametrize("extra, field", [
    ('aliases = "mine"', "aliases"),
    ('aliases = ["Bad Alias"]', "aliases"),
    ('role = "objective"', "role"),
    ("references = []", "references"),
    ('classes = "three"', "classes"),
    ("classes = 3", "classes"),  # classes on a scalar kind
    ('pred_domain = "nonsense"', "pred_domain"),
    ('target_domain = "(1, 0)"', "target_domain"),
    ('[loss.equivalents]\nmatlab = "x"', "equivalents.matlab"),
    ('[loss.equivalents]\npytorch = 1', "equivalents.pytorch"),
], ids=["aliases_not_list", "alias_pattern", "role", "no_references", "classes_text", "classes_on_scalar",
        "pred_domain", "target_domain", "unknown_framework", "equivalent_not_text"])
def test_other_field_errors(tmp_path, extra, field):
    text = entry(extra=extra)
    if extra.startswith("references"):
        text = text.replace('references = ["someone (2020)"]\n', "")
    exc = load_error(tmp_path, {"bad.toml": text})
    assert_names(exc, "bad.toml", "myloss", field)


def test_bad_name_pattern(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": entry("My Loss")})
    assert exc.file == "bad.toml" and exc.field == "name"


def test_unknown_top_level_key(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": "title = 'x'\n" + entry()})
    assert exc.file == "bad.toml"


def test_missing_folder(tmp_path):
    with pytest.raises(CatalogError) as info:
        load(tmp_path / "nowhere")
    assert "nowhere" in str(info.value)


def test_entries_that_are_not_tables(tmp_path):
    exc = load_error(tmp_path, {"bad.toml": 'loss = ["x"]\n'})
    assert exc.file == "bad.toml"


def test_target_domain_override_on_logits_names_target_domain(tmp_path):
    text = entry(kind="logits", expression="delta*sum(y_pred**2)", extra='target_domain = "{0, 1}"')
    exc = load_error(tmp_path, {"bad.toml": text})
    assert_names(exc, "bad.toml", "myloss", "target_domain")


def test_reserved_parameter_name_names_the_parameter(tmp_path):
    text = (entry(expression="delta*abs(y_pred - y_true) + E*y_pred")
            + "[loss.parameters.E]\ndefault = 1.0\n")
    exc = load_error(tmp_path, {"bad.toml": text})
    assert exc.entry == "myloss"
    assert exc.field is not None and exc.field.startswith("parameters") and "E" in exc.field
