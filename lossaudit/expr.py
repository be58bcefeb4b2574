"""The expression language: a whitelist parser from text to sympy, and printing.

Text is parsed with Python's `ast` (never `eval`, `exec` or `sympify`) and every
node is checked against a whitelist before anything is built. The grammar:

    variables   y_pred, y_true; declared parameters
    numbers     integers and decimals (e.g. 2, 0.5, 1e-3); constants pi, E
    operators   + - * / ** and parentheses
    functions   abs sqrt exp log log1p cosh sinh tanh atan sin cos sign
                max(a, b, ...) min(a, b, ...) where(COND, A, B)
    conditions  comparisons < <= > >=, joined by & and | (parenthesised)
    vectors     for vector kinds y_pred and y_true are K-vectors; operations are
                elementwise and a scalar broadcasts; sum(v), mean(v),
                logsumexp(v), max(v), min(v) reduce a vector to a scalar

Every rejection is an `ExpressionError` naming the offending token and its column.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from .errors import ExpressionError
from .syntax import (FUNCTION_NAMES, MAX_LENGTH, MAX_MAGNITUDE_DIGITS, MAX_NESTING, MAX_NODES,  # noqa: F401
                     REDUCTIONS, RESERVED, VECTOR_MAPS, Located, check)
from .symbolic import linkforms

Y_PRED = sp.Symbol("y_pred", real=True)
Y_TRUE = sp.Symbol("y_true", real=True)

SCALAR_FUNCTIONS = {
    "abs": sp.Abs, "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log,
    "log1p": lambda a: sp.log(1 + a), "cosh": sp.cosh, "sinh": sp.sinh, "tanh": sp.tanh,
    "atan": sp.atan, "sin": sp.sin, "cos": sp.cos, "sign": sp.sign,
    "sigmoid": linkforms.sigmoid, "softplus": linkforms.softplus,
}
LINK_FUNCTIONS = {"sigmoid": linkforms.sigmoid, "softmax": linkforms.softmax, "log_softmax": linkforms.log_softmax}
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


def vector_symbols(name: str, k: int) -> tuple:
    return tuple(sp.Symbol(f"{name}_{i}", real=True) for i in range(k))


def param_symbol(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class Vec:
    """A K-vector during parsing; operations on it are elementwise."""

    items: tuple


class _Cond:
    """A condition (comparison or & / | of them), allowed only as where's first argument."""

    def __init__(self, value):
        self.value = value


def _non_real(value) -> bool:
    """Whether a constant is not a real number: (-8)**(1/3) is sympy's principal, complex, cube root."""
    if any(value.has(u) for u in _UNDEFINED):
        return False  # refused afterwards as undefined, with its own message
    real = value.is_extended_real
    if real is not None:
        return not real
    try:
        z = complex(value.evalf(30))
    except (TypeError, ValueError, OverflowError):
        return False
    return abs(z.imag) > 1e-12 * max(1.0, abs(z.real))


class _Parser(Located):
    """Builds sympy from a tree that `syntax.check` accepted; checks what needs values."""

    def __init__(self, text: str, params: dict, k: int | None, lead: int = 0, exact: bool = False):
        super().__init__(text, lead)
        self.params = params
        self.exact = exact
        self.k = k
        self.yp = Vec(vector_symbols("y_pred", k)) if k else Y_PRED
        self.yt = Vec(vector_symbols("y_true", k)) if k else Y_TRUE
        self.links = []  # the link forms built so far: a logarithm of one is split exactly (linkforms.log_of)

    # -- visitors ---------------------------------------------------------
    def build(self, node: ast.AST):
        value = getattr(self, "visit_" + type(node).__name__)(node)
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Call)) and isinstance(value, sp.Expr) \
                and value.is_number and _non_real(value):
            self.fail("this part is not a real number, and a loss must be real-valued (a negative number to a "
                      "fractional power is complex: take the root of its absolute value and restore the sign)", node)
        return value

    def visit_Expression(self, node):
        value = self.scalar_or_vec(node.body)
        if isinstance(value, Vec):
            self.fail("the expression is a vector; reduce it to a number with sum(...), mean(...), "
                      "logsumexp(...), max(...) or min(...)", node.body)
        return value

    def scalar_or_vec(self, node):
        value = self.build(node)
        if isinstance(value, _Cond):
            self.fail("a comparison is only allowed as the first argument of where(COND, A, B)", node)
        return value

    def visit_Constant(self, node):
        v = node.value
        if isinstance(v, int):
            return sp.Integer(v)
        if self.exact:
            return self.decimal(node)
        # Integral decimals (2.0, 1e3) become integers so powers stay polynomial; others
        # keep the float's exact binary value, the number a float64 program and a re-check plug in.
        return sp.Integer(int(v)) if v.is_integer() and abs(v) < 1e15 else sp.Float(v)

    def decimal(self, node):
        """The literal as the decimal rational it is written as (1.345 -> 269/200): its own text, else the
        shortest decimal that reads back as the same float."""
        written = (ast.get_source_segment(self.text, node) or "").replace("_", "")
        try:
            value = Fraction(written)
        except (ValueError, ZeroDivisionError):
            value = Fraction(repr(node.value))
        if float(value) != node.value:
            value = Fraction(repr(node.value))
        return sp.Rational(value.numerator, value.denominator)

    def visit_Name(self, node):
        fixed = {"y_pred": self.yp, "y_true": self.yt, "pi": sp.pi, "E": sp.E}
        return fixed[node.id] if node.id in fixed else self.params[node.id]

    def visit_UnaryOp(self, node):
        operand = self.scalar_or_vec(node.operand)
        return self.lift(lambda a: -a, operand) if isinstance(node.op, ast.USub) else operand

    def visit_BinOp(self, node):
        op = type(node.op)
        if op in (ast.BitAnd, ast.BitOr):
            return self.join_conditions(node, op)
        left, right = self.scalar_or_vec(node.left), self.scalar_or_vec(node.right)
        if op is ast.Pow:
            self.check_power(left, right, node)
            return self.lift(lambda a, b: a ** b, left, right)
        fn = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
              ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}[op]
        if op is ast.Div and not isinstance(right, Vec) and right == 0:
            self.fail("division by zero", node)
        return self.lift(fn, left, right)

    def join_conditions(self, node, op):
        sym = "&" if op is ast.BitAnd else "|"
        left, right = self.build(node.left), self.build(node.right)
        if not isinstance(left, _Cond) or not isinstance(right, _Cond):
            self.fail_between(f"'{sym}' joins comparisons only; wrap each comparison in parentheses, "
                              "e.g. (y_pred > 0) & (y_true > 0)", node.left, node.right, sym)
        join = sp.And if op is ast.BitAnd else sp.Or
        return _Cond(self.lift(join, left.value, right.value))

    def check_power(self, base, exponent, node):
        """Refuse numeric powers whose value is astronomically large (9**9**9)."""
        if isinstance(base, Vec) or isinstance(exponent, Vec):
            return
        if base.is_number and exponent.is_number:
            try:
                b, e = abs(complex(base)), complex(exponent).real
            except (TypeError, ValueError, OverflowError):
                self.fail("the number is too large", node)
            if b not in (0.0, 1.0) and abs(e) * abs(math.log10(b)) > MAX_MAGNITUDE_DIGITS:
                self.fail(f"the number is too large (beyond 1e{MAX_MAGNITUDE_DIGITS})", node)
        elif exponent.is_number and abs(float(exponent)) > 1000:
            self.fail("the exponent is too large (at most 1000 in absolute value)", node)

    def visit_Compare(self, node):
        ops = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
        terms = [self.scalar_or_vec(node.left)] + [self.scalar_or_vec(c) for c in node.comparators]
        parts = [self.lift(ops[type(op)], terms[i], terms[i + 1]) for i, op in enumerate(node.ops)]
        value = parts[0]
        for p in parts[1:]:
            value = self.lift(sp.And, value, p)
        return _Cond(value)

    def visit_Call(self, node):
        name = node.func.id
        if name == "where":
            return self.call_where(node)
        args = [self.scalar_or_vec(a) for a in node.args]
        if name in ("max", "min"):
            return self.call_extremum(name, args, node)
        (arg,) = args
        if name in REDUCTIONS or name in VECTOR_MAPS:
            if not isinstance(arg, Vec):
                self.fail(f"{name}(...) needs a vector argument (an expression in y_pred or y_true)", node)
            return self.vector_map(name, arg) if name in VECTOR_MAPS else reduce_vector(name, arg.items)
        if name in ("log", "log1p"):
            shift = 0 if name == "log" else 1
            return self.lift(lambda a: linkforms.log_of(a + shift, self.links), arg)
        value = self.lift(SCALAR_FUNCTIONS[name], arg)
        if name in LINK_FUNCTIONS or name == "exp" and _is_prediction(arg):  # exp(y_pred): the exp link
            self.links.extend(value.items if isinstance(value, Vec) else [value])
        return value

    def vector_map(self, name, arg):
        """softmax(v), log_softmax(v): K-vectors from a K-vector (linkforms gives their exact forms)."""
        items = LINK_FUNCTIONS[name](arg.items)
        self.links.extend(items)
        return Vec(items)

    def call_extremum(self, name, args, node):
        fn = sp.Max if name == "max" else sp.Min
        if len(args) == 1:
            if not isinstance(args[0], Vec):
                self.fail(f"{name}(...) needs two or more arguments, or one vector", node.func, token=name)
            return fn(*args[0].items)
        return self.lift(fn, *args)

    def call_where(self, node):
        cond = self.build(node.args[0])
        if not isinstance(cond, _Cond):
            self.fail("the first argument of where(...) must be a comparison such as y_pred > 0",
                      node.args[0])
        a, b = self.scalar_or_vec(node.args[1]), self.scalar_or_vec(node.args[2])
        return self.lift(lambda c, x, y: sp.Piecewise((x, c), (y, True)), cond.value, a, b)

    # -- elementwise lifting ----------------------------------------------
    def lift(self, fn, *args):
        sizes = {len(a.items) for a in args if isinstance(a, Vec)}
        if not sizes:
            return fn(*args)
        (k,) = sizes
        return Vec(tuple(fn(*[a.items[i] if isinstance(a, Vec) else a for a in args]) for i in range(k)))


def _is_prediction(value) -> bool:
    items = value.items if isinstance(value, Vec) else (value,)
    return all(isinstance(v, sp.Symbol) and v.name.startswith("y_pred") for v in items)


def reduce_vector(name: str, items: tuple):
    if name == "sum":
        return sp.Add(*items)
    if name == "mean":
        return sp.Add(*items) / len(items)
    total = sp.Add(*[sp.exp(v) for v in items])
    # log(...) of a sum with symbols: sympy's eval only asks total.is_zero (False for a sum of exps), which
    # at K = 1000 costs seconds of assumption queries; unevaluated, the expression is the same
    return sp.log(total, evaluate=False) if total.is_Add and not total.is_number else sp.log(total)


def parse(text: str, params=(), classes: int | None = None, exact: bool = False) -> sp.Expr:
    """Parse `text` into a sympy expression.

    `params` are the names of declared parameters (they become real symbols);
    `classes` is K for vector kinds (y_pred, y_true are then K-vectors), None for
    scalar kinds. Decimals are binary floats (what float64 code computes), or with
    `exact` the rationals they are written as (0.9 -> 9/10: x/0.9 stays 10*x/9, 4.685**2 is
    exactly 21949225/1000000), the form proofs work on. Raises ExpressionError naming the
    offending token and column. The grammar is checked first, without sympy (`lossaudit.syntax`).
    """
    tree, stripped, lead = check(text, params=params, vector=bool(classes))
    parser = _Parser(stripped, {p: param_symbol(p) for p in params}, classes, lead, exact)
    expr = parser.build(tree)
    if expr.has(*_UNDEFINED):
        raise ExpressionError("the expression contains an undefined or infinite constant (such as log(0))",
                              text=text)
    if expr.has(sp.I):
        raise ExpressionError("the expression contains an imaginary number (such as sqrt(-1) or log(-2)); "
                              "a loss must be real", text=text)
    if any(abs(float(n)) >= 10.0 ** MAX_MAGNITUDE_DIGITS for n in expr.atoms(sp.Number) if n.is_finite):
        raise ExpressionError(f"a number in the expression is too large (beyond 1e{MAX_MAGNITUDE_DIGITS})",
                              text=text)
    return expr


# ---------------------------------------------------------------------------
# Where an expression switches: the arguments whose zero set is a breakpoint.

def switch_functions(expr: sp.Expr, singular: bool = True) -> list:
    """Expressions whose zeros are where `expr` may switch branch or lose smoothness.

    Branch switches: |.|, max, min, sign, where(...) conditions, Heaviside. With
    `singular`, also the bases of fractional and negative powers and the arguments
    of logarithms (where a derivative may blow up).
    """
    found = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            found.append(node.args[0])
        elif isinstance(node, (sp.Max, sp.Min)):
            args = node.args
            found.extend(args[i] - args[j] for i in range(len(args)) for j in range(i + 1, len(args)))
        elif isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                found.extend(r.lhs - r.rhs for r in cond.atoms(sp.core.relational.Relational))
        elif singular and isinstance(node, sp.Pow) and node.exp.is_number and (
                not node.exp.is_integer or node.exp.is_negative):
            found.append(node.base)
        elif singular and isinstance(node, sp.log):
            found.append(node.args[0])
    unique = []
    for f in found:
        if f.free_symbols and f not in unique:
            unique.append(f)
    return unique


# ---------------------------------------------------------------------------
# Printing

def _display_names(expr: sp.Expr) -> sp.Expr:
    """ŷ and y for y_pred and y_true (sympy would print y_true with a subscript 'true')."""
    names = {Y_PRED: sp.Symbol("ŷ", real=True), Y_TRUE: sp.Symbol("y", real=True)}
    for s in expr.free_symbols:
        for stem, short in (("y_pred_", "ŷ"), ("y_true_", "y")):
            if s.name.startswith(stem):
                names[s] = sp.Symbol(f"{short}{s.name[len(stem):]}", real=True)
    return expr.xreplace(names)


def pretty(expr: sp.Expr) -> str:
    return sp.pretty(_display_names(expr), use_unicode=True)


def latex(expr: sp.Expr) -> str:
    names = {Y_PRED: sp.Symbol(r"\hat{y}", real=True), Y_TRUE: sp.Symbol("y", real=True)}
    return sp.latex(expr.xreplace(names))
