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
import unicodedata
import warnings
from dataclasses import dataclass

import sympy as sp

from .errors import ExpressionError

MAX_LENGTH = 4000
MAX_NESTING = 40
MAX_NODES = 1500
MAX_MAGNITUDE_DIGITS = 300  # numbers beyond 1e300 are refused

Y_PRED = sp.Symbol("y_pred", real=True)
Y_TRUE = sp.Symbol("y_true", real=True)

RESERVED = {"y_pred", "y_true", "pi", "E"}
_ALLOWED_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-*/().,<>=&| \t")

SCALAR_FUNCTIONS = {
    "abs": sp.Abs, "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log,
    "log1p": lambda a: sp.log(1 + a), "cosh": sp.cosh, "sinh": sp.sinh, "tanh": sp.tanh,
    "atan": sp.atan, "sin": sp.sin, "cos": sp.cos, "sign": sp.sign,
}
REDUCTIONS = ("sum", "mean", "logsumexp")
FUNCTION_NAMES = tuple(SCALAR_FUNCTIONS) + ("max", "min", "where") + REDUCTIONS

_OPERATOR_SYMBOLS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
                     ast.RShift: ">>", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|"}


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


def _describe_char(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        name = "unnamed character"
    return f"{ch!r} (U+{ord(ch):04X} {name})"


def _precheck(text: str) -> None:
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
                              column=MAX_LENGTH + 1)
    if not text.strip():
        raise ExpressionError("the expression is empty", text=text)
    depth = 0
    for i, ch in enumerate(text):
        if ch not in _ALLOWED_CHARS:
            hint = {"^": " (use ** for powers)", "[": " (indexing and lists are not allowed)",
                    "=": " (use <, <=, > or >= in where(...))", "!": " (only <, <=, > and >= compare)"}.get(ch, "")
            if ch.isalpha():
                hint = " (only ASCII letters are allowed: a look-alike letter is a different name)"
            raise ExpressionError(f"unexpected character {_describe_char(ch)}{hint}",
                                  text=text, column=i + 1, token=ch)
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(f"parentheses are nested more than {MAX_NESTING} deep",
                                      text=text, column=i + 1, token="(")
        elif ch == ")":
            depth -= 1


class _Parser:
    def __init__(self, text: str, params: dict, k: int | None, lead: int = 0):
        self.text = text
        self.lead = lead  # leading blanks stripped before parsing, for columns
        self.params = params
        self.k = k
        self.yp = Vec(vector_symbols("y_pred", k)) if k else Y_PRED
        self.yt = Vec(vector_symbols("y_true", k)) if k else Y_TRUE

    # -- errors -----------------------------------------------------------
    def fail(self, message: str, node: ast.AST | None = None, token: str | None = None):
        col = None
        if node is not None and hasattr(node, "col_offset"):
            col = node.col_offset + 1 + self.lead
            if token is None:
                seg = ast.get_source_segment(self.text, node) or ""
                token = seg if len(seg) <= 40 else seg[:37] + "..."
        if token:
            message = f"{message}: {token!r}" if token not in message else message
        raise ExpressionError(message, text=self.text, column=col, token=token)

    def fail_between(self, message: str, left: ast.AST, right: ast.AST, symbol: str):
        """Fail naming an operator that sits between two nodes (ast gives no position for it)."""
        start = getattr(left, "end_col_offset", None)
        stop = getattr(right, "col_offset", None)
        col = None
        if start is not None and stop is not None:
            found = self.text.find(symbol, start, stop + len(symbol))
            col = found + 1 + self.lead if found >= 0 else None
        raise ExpressionError(message, text=self.text, column=col, token=symbol)

    # -- visitors ---------------------------------------------------------
    def build(self, node: ast.AST):
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            self.fail(f"{_syntax_name(node)} is not allowed", node)
        return method(node)

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
        if isinstance(v, bool) or v is None:
            self.fail(f"{v!r} is not allowed", node, token=str(v))
        if isinstance(v, int):
            if abs(v) >= 10 ** MAX_MAGNITUDE_DIGITS:
                self.fail(f"the number is too large (beyond 1e{MAX_MAGNITUDE_DIGITS})", node)
            return sp.Integer(v)
        if isinstance(v, float):
            if not math.isfinite(v) or abs(v) >= 10.0 ** MAX_MAGNITUDE_DIGITS:
                self.fail(f"the number is too large (beyond 1e{MAX_MAGNITUDE_DIGITS})", node)
            # Integral decimals (2.0, 1e3) become integers so powers stay polynomial; others
            # keep the float's exact binary value, the number a re-check will plug in.
            return sp.Integer(int(v)) if v.is_integer() and abs(v) < 1e15 else sp.Float(v)
        if isinstance(v, complex):
            self.fail("complex numbers are not allowed", node)
        self.fail("strings are not allowed", node)

    def visit_Name(self, node):
        name = node.id
        if name == "y_pred":
            return self.yp
        if name == "y_true":
            return self.yt
        if name == "pi":
            return sp.pi
        if name == "E":
            return sp.E
        if name in self.params:
            return self.params[name]
        if name in FUNCTION_NAMES:
            self.fail(f"{name} is a function; call it as {name}(...)", node, token=name)
        known = "y_pred, y_true, pi, E" + (", " + ", ".join(self.params) if self.params else "")
        self.fail(f"unknown name {name!r} (the names are {known})", node, token=name)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.USub):
            return self.lift(lambda a: -a, self.scalar_or_vec(node.operand))
        if isinstance(node.op, ast.UAdd):
            return self.scalar_or_vec(node.operand)
        op = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?")
        self.fail(f"the operator {op!r} is not allowed", node, token=op)

    def visit_BinOp(self, node):
        op = type(node.op)
        if op in (ast.BitAnd, ast.BitOr):
            sym = _OPERATOR_SYMBOLS[op]
            left, right = self.build(node.left), self.build(node.right)
            if not isinstance(left, _Cond) or not isinstance(right, _Cond):
                self.fail_between(f"'{sym}' joins comparisons only; wrap each comparison in parentheses, "
                                  "e.g. (y_pred > 0) & (y_true > 0)", node.left, node.right, sym)
            join = sp.And if op is ast.BitAnd else sp.Or
            return _Cond(self.lift(join, left.value, right.value))
        if op not in (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow):
            sym = _OPERATOR_SYMBOLS.get(op, op.__name__)
            hint = "; use ** for powers" if op is ast.BitXor else ""
            self.fail_between(f"the operator {sym!r} is not allowed{hint}", node.left, node.right, sym)
        left, right = self.scalar_or_vec(node.left), self.scalar_or_vec(node.right)
        if op is ast.Pow:
            self.check_power(left, right, node)
            return self.lift(lambda a, b: a ** b, left, right)
        fn = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
              ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b}[op]
        if op is ast.Div and not isinstance(right, Vec) and right == 0:
            self.fail("division by zero", node)
        return self.lift(fn, left, right)

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
        parts = []
        operands = [node.left] + list(node.comparators)
        for i, op in enumerate(node.ops):
            if type(op) not in ops:
                sym = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not",
                       ast.In: "in", ast.NotIn: "not in"}.get(type(op), "?")
                self.fail_between(f"the comparison {sym!r} is not allowed (use <, <=, > or >=)",
                                  operands[i], operands[i + 1], sym)
            parts.append(self.lift(ops[type(op)], terms[i], terms[i + 1]))
        value = parts[0]
        for p in parts[1:]:
            value = self.lift(sp.And, value, p)
        return _Cond(value)

    def visit_Call(self, node):
        if not isinstance(node.func, ast.Name):
            self.fail("only the listed functions can be called", node.func)
        name = node.func.id
        if node.keywords:
            kw = node.keywords[0]
            self.fail("keyword arguments are not allowed", kw if hasattr(kw, "col_offset") else kw.value,
                      token=kw.arg)
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.fail("'*' arguments are not allowed", node)
        if name == "where":
            return self.call_where(node)
        if name not in FUNCTION_NAMES:
            self.fail(f"unknown function {name!r} (the functions are {', '.join(self.allowed_functions())})",
                      node.func, token=name)
        if name in REDUCTIONS and not self.k:
            self.fail(f"{name}(...) is for vector kinds (logits, distribution, vector) only", node.func, token=name)
        args = [self.scalar_or_vec(a) for a in node.args]
        if name in ("max", "min"):
            return self.call_extremum(name, args, node)
        if len(args) != 1:
            self.fail(f"{name}(...) takes exactly one argument, {len(args)} given", node.func, token=name)
        (arg,) = args
        if name in REDUCTIONS:
            if not isinstance(arg, Vec):
                self.fail(f"{name}(...) needs a vector argument (an expression in y_pred or y_true)", node)
            return reduce_vector(name, arg.items)
        return self.lift(SCALAR_FUNCTIONS[name], arg)

    def allowed_functions(self):
        return [f for f in FUNCTION_NAMES if self.k or f not in REDUCTIONS]

    def call_extremum(self, name, args, node):
        fn = sp.Max if name == "max" else sp.Min
        if len(args) == 1:
            if not isinstance(args[0], Vec):
                self.fail(f"{name}(...) needs two or more arguments, or one vector", node.func, token=name)
            return fn(*args[0].items)
        if not args:
            self.fail(f"{name}(...) needs arguments", node.func, token=name)
        return self.lift(fn, *args)

    def call_where(self, node):
        if len(node.args) != 3:
            self.fail(f"where(COND, A, B) takes three arguments, {len(node.args)} given", node.func, token="where")
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


def reduce_vector(name: str, items: tuple):
    if name == "sum":
        return sp.Add(*items)
    if name == "mean":
        return sp.Add(*items) / len(items)
    return sp.log(sp.Add(*[sp.exp(v) for v in items]))


def _syntax_name(node: ast.AST) -> str:
    names = {"Attribute": "attribute access ('.')", "Lambda": "'lambda'", "Subscript": "indexing ('[...]')",
             "ListComp": "a comprehension", "SetComp": "a comprehension", "DictComp": "a comprehension",
             "GeneratorExp": "a comprehension", "IfExp": "'A if COND else B' (use where(COND, A, B))",
             "BoolOp": "'and' / 'or' (join comparisons with & and |)", "NamedExpr": "':='",
             "Tuple": "a tuple", "List": "a list", "Dict": "a dict", "Set": "a set",
             "JoinedStr": "an f-string", "Starred": "'*'", "Await": "'await'", "Yield": "'yield'",
             "Slice": "a slice"}
    return names.get(type(node).__name__, f"the syntax {type(node).__name__!r}")


def parse(text: str, params=(), classes: int | None = None) -> sp.Expr:
    """Parse `text` into a sympy expression.

    `params` are the names of declared parameters (they become real symbols);
    `classes` is K for vector kinds (y_pred, y_true are then K-vectors), None for
    scalar kinds. Raises ExpressionError naming the offending token and column.
    """
    _precheck(text)
    for name in params:
        if not name.isidentifier() or name in RESERVED or name in FUNCTION_NAMES:
            raise ExpressionError(f"{name!r} cannot name a parameter (it is reserved or not a name)")
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and friends: we report our own error
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = ast.parse(stripped, mode="eval")
    except SyntaxError as exc:
        col = exc.offset if exc.offset and exc.offset <= len(stripped) else None
        token = stripped[col - 1:col] if col else None
        msg = (exc.msg or "invalid syntax").replace("'(' was never closed", "an opening '(' is never closed")
        if col is None:
            msg, col = "the expression ends too early", len(stripped) + 1
        raise ExpressionError(f"cannot read the expression: {msg}", text=text, column=col + lead,
                              token=token) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot read the expression: {exc}", text=text) from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"the expression has {count} syntax nodes; the limit is {MAX_NODES}", text=text)
    parser = _Parser(stripped, {p: param_symbol(p) for p in params}, classes, lead)
    expr = parser.build(tree)
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
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
