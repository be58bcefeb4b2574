"""The expression grammar, checked on Python's syntax tree before sympy is imported.

`check` refuses everything outside the grammar of `lossaudit.expr` (characters,
node types, names, functions and their arity, constants) using only `ast`, so a
refused expression costs milliseconds, not sympy's import. What needs values
(vector or scalar, division by zero, the size of a power, real-valuedness) is
checked while `lossaudit.expr` builds the sympy expression.
"""
from __future__ import annotations

import ast
import math
import unicodedata
import warnings

from .errors import ExpressionError
from .text import did_you_mean

MAX_LENGTH = 4000
MAX_NESTING = 40
MAX_NODES = 1500
MAX_MAGNITUDE_DIGITS = 300  # numbers beyond 1e300 are refused

RESERVED = {"y_pred", "y_true", "pi", "E"}
SCALAR_FUNCTION_NAMES = ("abs", "sqrt", "exp", "log", "log1p", "cosh", "sinh", "tanh", "atan", "sin", "cos",
                         "sign", "sigmoid", "softplus")
REDUCTIONS = ("sum", "mean", "logsumexp")
VECTOR_MAPS = ("softmax", "log_softmax")  # vector -> vector (the links issue)
FUNCTION_NAMES = SCALAR_FUNCTION_NAMES + ("max", "min", "where") + REDUCTIONS + VECTOR_MAPS
VECTOR_ONLY = REDUCTIONS + VECTOR_MAPS
_ALLOWED_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-*/().,<>=&| \t")
_CHAR_HINTS = {"^": " (use ** for powers)", "[": " (indexing and lists are not allowed)",
               "=": " (use <, <=, > or >= in where(...))", "!": " (only <, <=, > and >= compare)"}

OPERATOR_SYMBOLS = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<",
                    ast.RShift: ">>", ast.BitXor: "^", ast.BitAnd: "&", ast.BitOr: "|"}
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)
_COMPARISONS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_COMPARISON_SYMBOLS = {ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
                       ast.NotIn: "not in"}


def _describe_char(ch: str) -> str:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        name = "unnamed character"
    return f"{ch!r} (U+{ord(ch):04X} {name})"


def precheck(text: str) -> None:
    """Type, length, characters and parenthesis depth, before any parsing."""
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
            hint = _CHAR_HINTS.get(ch, "")
            if ch.isalpha():
                hint = " (only ASCII letters are allowed: a look-alike letter is a different name)"
            raise ExpressionError(f"unexpected character {_describe_char(ch)}{hint}",
                                  text=text, column=i + 1, token=ch)
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if ch == "(" and depth > MAX_NESTING:
            raise ExpressionError(f"parentheses are nested more than {MAX_NESTING} deep",
                                  text=text, column=i + 1, token="(")


def check_param_names(params) -> None:
    for name in params:
        if not isinstance(name, str) or not name.isidentifier() or name in RESERVED or name in FUNCTION_NAMES:
            raise ExpressionError(f"{name!r} cannot name a parameter (it is reserved or not a name)")


def read(text: str) -> tuple:
    """(syntax tree, stripped text, count of leading blanks) of a prechecked expression."""
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
    return tree, stripped, lead


def check(text: str, params=(), vector: bool = False) -> tuple:
    """Refuse anything outside the grammar; return (tree, stripped text, leading blanks) for the builder."""
    precheck(text)
    check_param_names(params)
    tree, stripped, lead = read(text)
    _Checker(stripped, set(params), vector, lead).visit(tree)
    return tree, stripped, lead


class Located:
    """Errors that name the offending token and its 1-based column in the original text."""

    def __init__(self, text: str, lead: int = 0):
        self.text = text
        self.lead = lead  # leading blanks stripped before parsing, for columns

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


class _Checker(Located):
    """Walks the tree in the builder's order, so the first problem found is the one the builder would meet."""

    def __init__(self, text: str, params: set, vector: bool, lead: int):
        super().__init__(text, lead)
        self.params = params
        self.vector = vector

    def visit(self, node: ast.AST) -> None:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            self.fail(f"{syntax_name(node)} is not allowed", node)
        method(node)

    def visit_Expression(self, node):
        self.visit(node.body)

    def visit_Constant(self, node):
        v = node.value
        if isinstance(v, bool) or v is None:
            self.fail(f"{v!r} is not allowed", node, token=str(v))
        if isinstance(v, complex):
            self.fail("complex numbers are not allowed", node)
        if not isinstance(v, (int, float)):
            self.fail("strings are not allowed", node)
        too_large = abs(v) >= 10 ** MAX_MAGNITUDE_DIGITS if isinstance(v, int) else (
            not math.isfinite(v) or abs(v) >= 10.0 ** MAX_MAGNITUDE_DIGITS)
        if too_large:
            self.fail(f"the number is too large (beyond 1e{MAX_MAGNITUDE_DIGITS})", node)

    def visit_Name(self, node):
        name = node.id
        if name in RESERVED or name in self.params:
            return
        if name in FUNCTION_NAMES:
            self.fail(f"{name} is a function; call it as {name}(...)", node, token=name)
        names = ["y_pred", "y_true", "pi", "E", *self.params]
        hint = did_you_mean(name, names + list(FUNCTION_NAMES))
        self.fail(f"unknown name {name!r}{hint} (the names are {', '.join(names)})", node, token=name)

    def visit_UnaryOp(self, node):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            op = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), "?")
            self.fail(f"the operator {op!r} is not allowed", node, token=op)
        self.visit(node.operand)

    def visit_BinOp(self, node):
        op = type(node.op)
        if op not in _ARITHMETIC + (ast.BitAnd, ast.BitOr):
            sym = OPERATOR_SYMBOLS.get(op, op.__name__)
            hint = "; use ** for powers" if op is ast.BitXor else ""
            self.fail_between(f"the operator {sym!r} is not allowed{hint}", node.left, node.right, sym)
        self.visit(node.left)
        self.visit(node.right)

    def visit_Compare(self, node):
        operands = [node.left] + list(node.comparators)
        for term in operands:
            self.visit(term)
        for i, op in enumerate(node.ops):
            if not isinstance(op, _COMPARISONS):
                sym = _COMPARISON_SYMBOLS.get(type(op), "?")
                self.fail_between(f"the comparison {sym!r} is not allowed (use <, <=, > or >=)",
                                  operands[i], operands[i + 1], sym)

    def visit_Call(self, node):
        name = self.callee(node)
        if name == "where":
            if len(node.args) != 3:
                self.fail(f"where(COND, A, B) takes three arguments, {len(node.args)} given", node.func,
                          token="where")
        elif name not in FUNCTION_NAMES:
            allowed = [f for f in FUNCTION_NAMES if self.vector or f not in VECTOR_ONLY]
            self.fail(f"unknown function {name!r}{did_you_mean(name, allowed)} (the functions are "
                      f"{', '.join(allowed)})", node.func, token=name)
        elif name in VECTOR_ONLY and not self.vector:
            self.fail(f"{name}(...) is for vector kinds (logits, distribution, vector) only", node.func, token=name)
        for arg in node.args:
            self.visit(arg)
        self.check_arity(name, len(node.args), node)

    def callee(self, node) -> str:
        if not isinstance(node.func, ast.Name):
            self.fail("only the listed functions can be called", node.func)
        if node.keywords:
            kw = node.keywords[0]
            self.fail("keyword arguments are not allowed", kw if hasattr(kw, "col_offset") else kw.value,
                      token=kw.arg)
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.fail("'*' arguments are not allowed", node)
        return node.func.id

    def check_arity(self, name: str, count: int, node) -> None:
        if name in ("max", "min") and count == 0:
            self.fail(f"{name}(...) needs arguments", node.func, token=name)
        if name not in ("max", "min", "where") and count != 1:
            self.fail(f"{name}(...) takes exactly one argument, {count} given", node.func, token=name)


def syntax_name(node: ast.AST) -> str:
    names = {"Attribute": "attribute access ('.')", "Lambda": "'lambda'", "Subscript": "indexing ('[...]')",
             "ListComp": "a comprehension", "SetComp": "a comprehension", "DictComp": "a comprehension",
             "GeneratorExp": "a comprehension", "IfExp": "'A if COND else B' (use where(COND, A, B))",
             "BoolOp": "'and' / 'or' (join comparisons with & and |)", "NamedExpr": "':='",
             "Tuple": "a tuple", "List": "a list", "Dict": "a dict", "Set": "a set",
             "JoinedStr": "an f-string", "Starred": "'*'", "Await": "'await'", "Yield": "'yield'",
             "Slice": "a slice"}
    return names.get(type(node).__name__, f"the syntax {type(node).__name__!r}")
