"""The whitelist expression parser: lossaudit.expr.parse and switch_functions.

Expected values are computed by hand (or with Python's math module as the
independent oracle), never copied from the parser's output.
"""
from __future__ import annotations

import math
import sys
import time

import pytest
import sympy as sp

from lossaudit.errors import ExpressionError
from lossaudit.expr import Y_PRED, Y_TRUE, param_symbol, parse, switch_functions, vector_symbols

# A guard against hangs, not a benchmark: every rejection must come back well within this.
QUICK_SECONDS = 10.0  # a safety net against a hang (quadratic parsing), not a speed goal: load must not fail it


def at(expr, y_pred, y_true=0.0, **params) -> float:
    """Evaluate a scalar-kind expression at a point."""
    subs = {Y_PRED: y_pred, Y_TRUE: y_true}
    subs.update({param_symbol(k): v for k, v in params.items()})
    return float(expr.subs(subs))


def at_vec(expr, y_pred, y_true) -> float:
    """Evaluate a vector-kind expression at a point (K = len(y_pred))."""
    k = len(y_pred)
    subs = dict(zip(vector_symbols("y_pred", k), y_pred))
    subs.update(zip(vector_symbols("y_true", k), y_true))
    return float(expr.subs(subs))


# ---------------------------------------------------------------------------
# Valid scalar forms: (text, y_pred, y_true, hand-computed value)

SCALAR_CASES = [
    ("arith_mixed", "y_pred + 2*y_true - 3/4 + y_pred**2", 0.5, 2.0, 0.5 + 4.0 - 0.75 + 0.25),
    ("unary_minus_cube", "-(y_pred - y_true)**3 / 2", 1.0, 3.0, 4.0),  # -(-2)^3/2
    ("unary_plus", "+y_pred - -y_true", 1.5, 2.0, 3.5),
    ("power_right_assoc", "2**y_pred**2", 2.0, 0.0, 16.0),  # 2**(2**2)
    ("decimals_and_exponents", "1e-3*y_pred + .5 + 2.5e1", 2.0, 0.0, 0.002 + 0.5 + 25.0),
    ("division", "(y_pred - y_true)/(1 + y_true)", 7.0, 1.0, 3.0),
    ("abs", "abs(y_pred - y_true)", 1.0, 3.5, 2.5),
    ("sqrt", "sqrt(y_pred)", 6.25, 0.0, 2.5),
    ("exp", "exp(y_pred)", 1.0, 0.0, math.e),
    ("log", "log(y_pred)", 10.0, 0.0, math.log(10.0)),
    ("log1p", "log1p(y_pred)", 0.5, 0.0, math.log(1.5)),
    ("cosh", "cosh(y_pred)", 0.3, 0.0, math.cosh(0.3)),
    ("sinh", "sinh(y_pred)", 0.3, 0.0, math.sinh(0.3)),
    ("tanh", "tanh(y_pred)", 0.3, 0.0, math.tanh(0.3)),
    ("atan", "atan(y_pred)", 1.0, 0.0, math.pi / 4),
    ("sin", "sin(y_pred)", math.pi / 6, 0.0, 0.5),
    ("cos", "cos(y_pred)", math.pi / 3, 0.0, 0.5),
    ("sign_negative", "sign(y_pred - y_true)", 1.0, 3.0, -1.0),
    ("sign_positive", "sign(y_pred - y_true)", 3.0, 1.0, 1.0),
    ("max_two", "max(0, 1 - y_true*y_pred)", 0.25, 2.0, 0.5),
    ("max_two_clipped", "max(0, 1 - y_true*y_pred)", 2.0, 1.0, 0.0),
    ("max_three", "max(y_pred, y_true, 0.5)", 0.2, -1.0, 0.5),
    ("min_two", "min(y_pred, y_true)", 0.2, -1.0, -1.0),
    ("min_three", "min(y_pred, y_true, -4)", 0.2, -1.0, -4.0),
    ("where_true_branch", "where(y_pred > y_true, y_pred, 10*y_true)", 2.0, 1.0, 2.0),
    ("where_false_branch", "where(y_pred > y_true, y_pred, 10*y_true)", 1.0, 2.0, 20.0),
    ("where_le_at_edge", "where(y_pred <= 1, 5, 7)", 1.0, 0.0, 5.0),
    ("where_lt_at_edge", "where(y_pred < 1, 5, 7)", 1.0, 0.0, 7.0),
    ("where_ge_at_edge", "where(y_pred >= 1, 5, 7)", 1.0, 0.0, 5.0),
    ("where_and_true", "where((y_pred > 0) & (y_true > 0), 1, 2)", 1.0, 1.0, 1.0),
    ("where_and_false", "where((y_pred > 0) & (y_true > 0), 1, 2)", 1.0, -1.0, 2.0),
    ("where_or_true", "where((y_pred > 0) | (y_true > 0), 1, 2)", -1.0, 1.0, 1.0),
    ("where_or_false", "where((y_pred > 0) | (y_true > 0), 1, 2)", -1.0, -1.0, 2.0),
    ("where_nested", "where(y_pred > 0, where(y_pred > 1, 3, 2), 1)", 0.5, 0.0, 2.0),
    ("chained_inside", "where(0 < y_pred <= 1, 10, 20)", 1.0, 0.0, 10.0),
    ("chained_left_edge", "where(0 < y_pred <= 1, 10, 20)", 0.0, 0.0, 20.0),
    ("chained_above", "where(0 < y_pred <= 1, 10, 20)", 1.5, 0.0, 20.0),
    ("constants_pi_E", "pi*y_pred + E", 2.0, 0.0, 2 * math.pi + math.e),
    ("leading_trailing_blanks", "  \ty_pred*3  ", 2.0, 0.0, 6.0),
    ("huber_like", "where(abs(y_pred - y_true) <= 1, 0.5*(y_pred - y_true)**2, abs(y_pred - y_true) - 0.5)",
     4.0, 1.0, 2.5),
]


@pytest.mark.parametrize("text, yp, yt, expected", [c[1:] for c in SCALAR_CASES],
                         ids=[c[0] for c in SCALAR_CASES])
def test_scalar_forms_evaluate_to_hand_computed_values(text, yp, yt, expected):
    expr = parse(text)
    assert at(expr, yp, yt) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_every_listed_function_is_accepted():
    # the spec's list, each called once on a scalar argument
    for fn in ("abs", "sqrt", "exp", "log", "log1p", "cosh", "sinh", "tanh", "atan", "sin", "cos", "sign"):
        expr = parse(f"{fn}(y_pred + 2)")
        assert Y_PRED in expr.free_symbols, fn
    for fn in ("max", "min"):
        assert Y_PRED in parse(f"{fn}(y_pred, 1)").free_symbols
    assert Y_PRED in parse("where(y_pred > 0, y_pred, 0)").free_symbols


def test_parameters_become_symbols():
    expr = parse("delta*y_pred**2 + tau", params=("delta", "tau"))
    assert {s.name for s in expr.free_symbols} == {"y_pred", "delta", "tau"}
    assert at(expr, 3.0, delta=2.0, tau=0.5) == pytest.approx(18.5)


def test_parameter_inside_where_condition():
    expr = parse("where(abs(y_pred - y_true) <= delta, 1, 2)", params=("delta",))
    assert at(expr, 1.5, 1.0, delta=1.0) == 1.0
    assert at(expr, 3.0, 1.0, delta=1.0) == 2.0


def test_symbols_are_real():
    expr = parse("y_pred - y_true")
    assert all(s.is_real for s in expr.free_symbols)


@pytest.mark.parametrize("name", ["y_true", "y_pred", "pi", "E", "sum", "where", "log", "1a", "a-b"])
def test_reserved_or_invalid_parameter_names_are_refused(name):
    with pytest.raises(ExpressionError):
        parse("y_pred", params=(name,))


# ---------------------------------------------------------------------------
# Vector kinds (classes=3); y_pred = (1, 2, 3), y_true = (0, 1, 0)

YP3 = (1.0, 2.0, 3.0)
YT3 = (0.0, 1.0, 0.0)
LSE3 = math.log(math.exp(1) + math.exp(2) + math.exp(3))

VECTOR_CASES = [
    ("sum_product", "sum(y_pred*y_true)", 2.0),
    ("broadcast_add", "sum(y_pred + 1)", 9.0),
    ("broadcast_mul_sub", "sum(2*y_pred - y_true)", 11.0),
    ("broadcast_scalar_left", "sum(10 - y_pred)", 24.0),
    ("elementwise_div", "sum(y_true/y_pred)", 0.5),
    ("elementwise_pow", "sum(y_pred**2)", 14.0),
    ("mean", "mean(y_pred**2)", 14.0 / 3),
    ("logsumexp", "logsumexp(y_pred)", LSE3),
    ("cross_entropy", "logsumexp(y_pred) - sum(y_true*y_pred)", LSE3 - 2.0),
    ("max_reduction", "max(y_pred)", 3.0),
    ("min_reduction", "min(y_pred)", 1.0),
    ("max_reduction_of_expr", "max(y_pred - 2*y_true)", 3.0),  # (1, 0, 3)
    ("elementwise_max_then_sum", "sum(max(0, y_pred - 2))", 1.0),  # (0, 0, 1)
    ("elementwise_max_vec_vec", "sum(max(y_pred, 3*y_true))", 1.0 + 3.0 + 3.0),
    ("elementwise_function", "sum(abs(y_pred - 2))", 2.0),
    ("elementwise_exp", "sum(exp(y_true))", 2.0 + math.e),
    ("where_elementwise", "sum(where(y_pred >= 2, 1, 0)*y_true)", 1.0),  # (0,1,1)*(0,1,0)
    ("ratio_of_sums", "sum(y_pred)/sum(y_true)", 6.0),
    ("scalar_times_reduction", "2*sum(y_pred) + 1", 13.0),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in VECTOR_CASES], ids=[c[0] for c in VECTOR_CASES])
def test_vector_forms_evaluate_to_hand_computed_values(text, expected):
    expr = parse(text, classes=3)
    assert at_vec(expr, YP3, YT3) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_vector_symbols_follow_k():
    expr = parse("sum(y_pred*y_true)", classes=4)
    names = {s.name for s in expr.free_symbols}
    assert names == {f"y_pred_{i}" for i in range(4)} | {f"y_true_{i}" for i in range(4)}
    assert at_vec(expr, (1, 2, 3, 4), (0, 0, 0, 1)) == 4.0


@pytest.mark.parametrize("text", ["y_pred", "y_pred*2", "y_pred - y_true", "abs(y_pred)", "max(y_pred, 1)"],
                         ids=["bare", "scaled", "difference", "elementwise_abs", "elementwise_max"])
def test_vector_result_must_be_reduced(text):
    with pytest.raises(ExpressionError) as info:
        parse(text, classes=3)
    assert "vector" in str(info.value)


def test_reduction_of_a_scalar_is_refused_in_vector_kind():
    with pytest.raises(ExpressionError):
        parse("sum(1) + sum(y_pred)", classes=3)


@pytest.mark.parametrize("fn", ["sum", "mean", "logsumexp"])
def test_reductions_are_refused_on_scalar_kinds(fn):
    with pytest.raises(ExpressionError) as info:
        parse(f"{fn}(y_pred)")
    assert info.value.token == fn
    assert info.value.column == 1


# ---------------------------------------------------------------------------
# Hostile input: every one must be an ExpressionError, quickly, with no side effect.

ONE_MB = "1" + "+1" * (2 ** 20 // 2)

HOSTILE = [
    ("attribute_real", "y_pred.real"),
    ("attribute_dunder_class", "().__class__"),
    ("attribute_chain", "y_pred.__class__.__mro__"),
    ("call_open", "open('x')"),
    ("call_open_write", "open('pwned', 'w')"),
    ("call_eval", "eval('1')"),
    ("call_exec", "exec('1')"),
    ("bare_exec", "exec"),
    ("dunder_import", "__import__('os')"),
    ("dunder_import_this", "__import__('this')"),
    ("lambda", "lambda: 1"),
    ("list_comprehension", "[x for x in (1,)]"),
    ("generator", "sum(x for x in (1,))"),
    ("huge_power_9", "9**9**9"),
    ("huge_power_10", "10**10**10"),
    ("deep_parentheses_10000", "(" * 10000 + "y_pred" + ")" * 10000),
    ("parentheses_41_deep", "(" * 41 + "y_pred" + ")" * 41),
    ("unary_minus_3990", "-" * 3990 + "y_pred"),
    ("one_megabyte", ONE_MB),
    ("too_many_nodes", "y_pred+" * 570 + "1"),
    ("cyrillic_u", "\u0443_pred"),
    ("fullwidth_y", "\uff59_pred"),
    ("greek_omicron_log", "l\u03bfg(y_pred)"),
    ("keyword_argument", "log(x=y_pred)"),
    ("string", "'abc'"),
    ("string_double_quotes", '"y_pred"'),
    ("f_string", "f'{y_pred}'"),
    ("walrus", "(x := y_pred)"),
    ("if_else", "y_pred if y_pred > 0 else 0"),
    ("and", "y_pred and y_true"),
    ("or", "y_pred or y_true"),
    ("not", "not y_pred"),
    ("equals", "where(y_pred == 0, 1, 0)"),
    ("not_equals", "where(y_pred != 0, 1, 0)"),
    ("caret", "y_pred ^ 2"),
    ("percent", "y_pred % 2"),
    ("floor_division", "y_pred // 2"),
    ("matmul", "y_pred @ y_true"),
    ("subscript", "y_pred[0]"),
    ("semicolon", "y_pred; y_true"),
    ("newline", "y_pred\ny_true"),
    ("unknown_name", "foo"),
    ("unknown_function", "y_pred + foo(1)"),
    ("function_without_call", "y_pred + sign"),
    ("calling_a_variable", "y_pred(1)"),
    ("comparison_outside_where", "y_pred > 0"),
    ("joined_comparison_outside_where", "(y_pred > 0) & (y_true > 0)"),
    ("ampersand_on_numbers", "where((y_pred > 0) & 1, 1, 0)"),
    ("where_first_arg_not_comparison", "where(y_pred, 1, 0)"),
    ("where_two_args", "where(y_pred > 0, 1)"),
    ("sum_on_scalar_kind", "sum(y_pred)"),
    ("max_one_scalar", "max(y_pred)"),
    ("max_no_args", "max()"),
    ("abs_two_args", "abs(y_pred, y_true)"),
    ("starred_args", "max(*y_pred)"),
    ("empty", ""),
    ("blank", "   "),
    ("log_zero", "log(0)"),
    ("log_zero_plus_y", "y_pred + log(0)"),
    ("zero_negative_power", "y_pred + 0**(-1)"),
    ("division_by_zero", "y_pred / 0"),
    ("number_beyond_1e300", "y_pred + 1e400"),
    ("complex_literal", "y_pred + 1j"),
    ("true", "True"),
    ("none", "None"),
    ("huge_exponent_on_variable", "y_pred**1e10"),
    ("syntax_error_dangling_plus", "y_pred +"),
    ("syntax_error_unclosed", "log(y_pred"),
    ("tuple", "(y_pred, y_true)"),
]


@pytest.mark.parametrize("text", [h[1] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_refused_quickly_without_side_effects(text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    modules_before = set(sys.modules)
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parse(text)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK_SECONDS, f"took {elapsed:.2f} s"
    # no side effect: no file created, nothing printed, nothing imported
    assert list(tmp_path.iterdir()) == []
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert {"this", "antigravity"}.isdisjoint(set(sys.modules) - modules_before)
    # a clear message, not an empty one
    assert str(info.value).strip()


@pytest.mark.parametrize("text", ["y_pred", "y_pred ^ 2", "foo", "y_pred % 2"],
                         ids=["valid", "caret", "unknown_name", "percent"])
def test_vector_kind_also_refuses_hostile_input(text):
    with pytest.raises(ExpressionError):
        parse(text, classes=3)


def test_non_text_is_refused():
    with pytest.raises(ExpressionError):
        parse(None)
    with pytest.raises(ExpressionError):
        parse(b"y_pred")


def test_deep_but_allowed_nesting_is_parsed_quickly():
    text = "exp(" * 39 + "y_pred" + ")" * 39
    start = time.perf_counter()
    expr = parse(text)
    assert time.perf_counter() - start < QUICK_SECONDS
    # 39 nested exp's: the innermost argument is y_pred
    depth, node = 0, expr
    while isinstance(node, sp.exp):
        depth, node = depth + 1, node.args[0]
    assert depth == 39 and node == Y_PRED


# ---------------------------------------------------------------------------
# Columns (1-based) and tokens, counted by hand

COLUMN_CASES = [
    # text, column, token
    ("unknown_function", "y_pred + foo(1)", 10, "foo"),
    ("unknown_name", "y_pred + foo", 10, "foo"),
    ("leading_blanks_count", "  y_pred + foo", 12, "foo"),
    ("function_without_call", "y_pred + sign", 10, "sign"),
    ("greek_omicron_second_log", "log(y_pred) + l\u03bfg(y_true)", 16, "\u03bf"),
    ("cyrillic_first_char", "\u0443_pred", 1, "\u0443"),
    ("fullwidth_first_char", "\uff59_pred", 1, "\uff59"),
    ("caret", "y_pred ^ 2", 8, "^"),
    ("percent", "y_pred % 2", 8, "%"),
    ("quote", "open('x')", 6, "'"),
    ("big_number", "y_pred + 1e400", 10, "1e400"),
    ("attribute", "exp(y_pred) + y_true.real", 15, "y_true.real"),
    ("parentheses_41_deep", "(" * 41 + "y_pred" + ")" * 41, 41, "("),
    ("max_of_scalar", "abs(y_pred) + max(y_true)", 15, "max"),
    ("sum_on_scalar", "1 + sum(y_pred)", 5, "sum"),
    pytest.param("ampersand_unparenthesised", "where(y_pred > 0 & y_true > 0, 1, 0)", 18, "&"),
    pytest.param("floor_division", "y_pred // 2", 8, "//"),
    pytest.param("equals", "where(y_pred == 0, 1, 0)", 14, "=="),
    pytest.param("keyword_argument", "log(x=y_pred)", 5, "x"),
]


def _column_ids():
    return [c.values[0] if hasattr(c, "values") else c[0] for c in COLUMN_CASES]


@pytest.mark.parametrize("label, text, column, token", COLUMN_CASES, ids=_column_ids())
def test_error_names_column_and_token(label, text, column, token):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    exc = info.value
    assert exc.token == token
    assert exc.column == column
    assert f"column {column}" in str(exc)


_KNOWN_COLUMN_MISMATCH = {"floor_division", "equals", "keyword_argument", "ampersand_on_numbers"}


@pytest.mark.parametrize(
    "text",
    [pytest.param(h[1], id=h[0]) if h[0] in _KNOWN_COLUMN_MISMATCH else pytest.param(h[1], id=h[0])
     for h in HOSTILE])
def test_reported_column_points_at_reported_token(text):
    """Wherever both are given, text[column-1:] starts with the token (the token is a piece of the text)."""
    with pytest.raises(ExpressionError) as info:
        parse(text)
    exc = info.value
    if exc.column is None or not exc.token:
        return
    shown = exc.token[:-3] if exc.token.endswith("...") else exc.token
    assert text[exc.column - 1:exc.column - 1 + len(shown)] == shown


def test_error_message_shows_the_text_when_short():
    with pytest.raises(ExpressionError) as info:
        parse("y_pred + foo")
    assert "'y_pred + foo'" in str(info.value)
    assert info.value.text == "y_pred + foo"


# ---------------------------------------------------------------------------
# switch_functions: where an expression may switch branch

def _same_zero_set(a, b) -> bool:
    return sp.expand(a - b) == 0 or sp.expand(a + b) == 0


@pytest.mark.parametrize("text, expected", [
    ("abs(y_pred - y_true)", [Y_PRED - Y_TRUE]),
    ("max(0, 1 - y_true*y_pred)", [1 - Y_TRUE * Y_PRED]),
    ("min(y_pred, y_true)", [Y_PRED - Y_TRUE]),
    ("sign(y_pred)", [Y_PRED]),
    ("where(y_pred > 2, y_pred, 0)", [Y_PRED - 2]),
    ("y_pred**2 + abs(y_true + 1)", [Y_TRUE + 1]),
    ("abs(y_pred) + sqrt(abs(y_pred))", [Y_PRED]),
], ids=["abs", "max", "min", "sign", "where", "abs_of_target", "duplicates_once"])
def test_switch_functions_finds_switch_arguments(text, expected):
    found = switch_functions(parse(text), singular=False)
    assert len(found) == len(expected)
    for want in expected:
        assert any(_same_zero_set(f, want) for f in found), (found, want)


def test_switch_functions_max_of_three_gives_pairwise_differences():
    found = switch_functions(parse("max(y_pred, y_true, 0)"), singular=False)
    for want in (Y_PRED - Y_TRUE, Y_PRED, Y_TRUE):
        assert any(_same_zero_set(f, want) for f in found), (found, want)


def test_switch_functions_where_with_joined_condition():
    found = switch_functions(parse("where((y_pred > 1) & (y_true < 3), y_pred, 0)"), singular=False)
    for want in (Y_PRED - 1, Y_TRUE - 3):
        assert any(_same_zero_set(f, want) for f in found), (found, want)


@pytest.mark.parametrize("text", ["(y_pred - y_true)**2", "log(cosh(y_pred - y_true))", "exp(-y_true*y_pred)",
                                  "sqrt(1 + y_pred**2)"])
def test_smooth_expressions_have_no_switches(text):
    assert switch_functions(parse(text), singular=False) == []


def test_singular_points_only_with_singular():
    expr = parse("sqrt(y_pred) + log(y_pred - 1)")
    assert switch_functions(expr, singular=False) == []
    found = switch_functions(expr, singular=True)
    assert any(_same_zero_set(f, Y_PRED) for f in found)
    assert any(_same_zero_set(f, Y_PRED - 1) for f in found)


def test_switch_functions_in_vector_kind():
    found = switch_functions(parse("sum(abs(y_pred - y_true))", classes=2), singular=False)
    p0, p1 = vector_symbols("y_pred", 2)
    t0, t1 = vector_symbols("y_true", 2)
    assert len(found) == 2
    for want in (p0 - t0, p1 - t1):
        assert any(_same_zero_set(f, want) for f in found)


@pytest.mark.parametrize("text", ["y_pred + sqrt(-1)", "y_pred + log(-2)", "y_pred*(-1)**0.5"],
                         ids=["sqrt_minus_one", "log_negative", "fractional_power_of_negative"])
def test_non_real_constants_are_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)
