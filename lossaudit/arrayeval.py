"""An expression evaluated over arrays of points, with exact gradients and Hessian-vector products.

The parser (`lossaudit.expr`) expands y_pred into K sympy symbols: at K = 1000 that means a million
second derivatives. Here the same syntax tree (checked by `lossaudit.syntax`) is evaluated as written,
on (n, K) arrays: vectors are (n, K), scalars (n, 1), reductions sum over the class axis. Gradients
come from one reverse pass; Hessian-vector products from the same reverse pass run on dual numbers
(`lossaudit.dual`, forward over reverse), so H v is exact to rounding, never a finite difference.

Numerics follow `symbolic.compile`'s stable forms: logsumexp shifted by its maximum, log(1 + exp(u))
and log1p(exp(u)) as softplus, log(cosh(u)) as |u| + log1p(exp(-2|u|)) - log 2.
At a kink the derivative is one side's (the first argument of max/min wins ties; |u|' = sign(u)):
kinks are found by the analyzers from values, never read off derivatives.
"""
from __future__ import annotations

import ast
import math

import numpy as np

from . import dual as D
from .syntax import check

_BIN = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_CMP = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal}


class Node:
    __slots__ = ("op", "kids", "data")

    def __init__(self, op, kids=(), data=None):
        self.op, self.kids, self.data = op, tuple(kids), data


def _build(node, params: dict) -> Node:
    """Syntax tree -> Node tree (the grammar was checked by syntax.check; lossaudit.expr checked values)."""
    if isinstance(node, ast.Expression):
        return _build(node.body, params)
    if isinstance(node, ast.Constant):
        return Node("c", data=float(node.value))
    if isinstance(node, ast.Name):
        fixed = {"y_pred": Node("x"), "y_true": Node("y"), "pi": Node("c", data=math.pi),
                 "E": Node("c", data=math.e)}
        return fixed[node.id] if node.id in fixed else Node("c", data=float(params[node.id]))
    if isinstance(node, ast.UnaryOp):
        inner = _build(node.operand, params)
        return Node("neg", [inner]) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        kids = [_build(node.left, params), _build(node.right, params)]
        if isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            return Node("and" if isinstance(node.op, ast.BitAnd) else "or", kids)
        return Node(_BIN[type(node.op)], kids)
    if isinstance(node, ast.Compare):
        terms = [_build(node.left, params)] + [_build(c, params) for c in node.comparators]
        return Node("cmp", terms, [_CMP[type(op)] for op in node.ops])
    return _call(node, params)


def _call(node, params) -> Node:
    name = node.func.id
    args = [_build(a, params) for a in node.args]
    if name in ("max", "min"):
        return Node(("r" + name) if len(args) == 1 else name, args)
    if name == "logsumexp":
        return Node("lse", args)
    if name in ("softmax", "log_softmax"):  # the links' vector functions: a - logsumexp(a), exp of it
        shifted = Node("-", [args[0], Node("lse", args)])
        return Node("exp", [shifted]) if name == "softmax" else shifted
    return _stable(name, args) or Node(name, args)


def _stable(name: str, args: list) -> Node | None:
    """log1p(exp(u)), log(1 + exp(u)) -> softplus(u); log(cosh(u)) -> logcosh(u); else None."""
    if name not in ("log", "log1p"):
        return None
    (arg,) = args
    if name == "log1p":
        return Node("softplus", arg.kids) if arg.op == "exp" else None
    if arg.op == "cosh":
        return Node("logcosh", arg.kids)
    if arg.op == "+":
        ones = [k for k in arg.kids if k.op == "c" and k.data == 1.0]
        rest = [k for k in arg.kids if not ones or k is not ones[0]]
        if ones and rest[0].op == "exp":
            return Node("softplus", rest[0].kids)
    return None


class ArrayProgram:
    """value, gradient and Hessian-vector products of an expression loss over (n, K) arrays."""

    def __init__(self, text: str, params: dict, k: int):
        tree, _, _ = check(text, params=tuple(params), vector=True)
        self.root = _build(tree, params)
        _check_ops(self.root)
        self.k = k
        self.live: set = set()  # the nodes that depend on y_pred: the only ones a gradient flows through
        _mark_live(self.root, self.live)

    # -- public ------------------------------------------------------------------
    def value(self, X, Y) -> np.ndarray:
        X, Y = self._pair(X, Y)
        with np.errstate(all="ignore"):
            out = self._forward(self.root, X, Y, {})
        return np.broadcast_to(D.val(out), (X.shape[0], 1)).reshape(-1).astype(float)

    def grad(self, X, Y) -> np.ndarray:
        X, Y = self._pair(X, Y)
        with np.errstate(all="ignore"):
            return np.asarray(self._gradient(X, Y), dtype=float)

    def hvp(self, X, Y, V) -> np.ndarray:
        """H(x_i) v_i: V of shape (n, K) gives (n, K); V of shape (n, K, m) gives m products, (n, K, m)."""
        X, Y = self._pair(X, Y)
        V = np.asarray(V, dtype=float)
        single = V.ndim == 2
        V = V[..., None] if single else V
        with np.errstate(all="ignore"):
            G = self._gradient(D.Dual(X, V), Y)
        out = np.broadcast_to(G.d, V.shape) if isinstance(G, D.Dual) else np.zeros(V.shape)
        out = np.array(out, dtype=float)
        return out[..., 0] if single else out

    def hessian(self, X, Y) -> np.ndarray:
        X, Y = self._pair(X, Y)
        eye = np.broadcast_to(np.eye(self.k), (X.shape[0], self.k, self.k))
        return self.hvp(X, Y, eye)  # H[n, :, j] = H e_j; H is symmetric

    # -- evaluation ------------------------------------------------------------------
    def _pair(self, X, Y):
        X = np.atleast_2d(np.asarray(X, dtype=float))
        return X, np.broadcast_to(np.asarray(Y, dtype=float), X.shape)

    def _gradient(self, X, Y):
        memo: dict = {}
        root = self._forward(self.root, X, Y, memo)
        n = D.val(X).shape[0]
        grads: list = []
        self._backward(self.root, np.ones((n, 1)), memo, grads)
        total = None
        for g in grads:
            total = g if total is None else D.add(total, g)
        if total is None:
            return np.zeros(D.val(X).shape)
        del root
        return total if np.shape(D.val(total)) == D.val(X).shape else D.mul(total, np.ones(D.val(X).shape))

    def _forward(self, node: Node, X, Y, memo: dict):
        op = node.op
        if op == "x":
            out = X
        elif op == "y":
            out = Y
        elif op == "c":
            out = node.data
        else:
            args = [self._forward(k, X, Y, memo) for k in node.kids]
            out = _apply(node, args, memo)
        memo[id(node)] = out
        return out

    def _backward(self, node: Node, g, memo: dict, grads: list) -> None:
        if node.op == "x":
            grads.append(g)
            return
        if id(node) not in self.live or node.op in ("cmp", "and", "or"):
            return
        args = [memo[id(k)] for k in node.kids]
        live = [id(k) in self.live for k in node.kids]
        for kid, ga in zip(node.kids, _adjoints(node, g, args, memo[id(node)], memo, live)):
            if ga is not None and id(kid) in self.live:
                self._backward(kid, _unbroadcast(ga, memo[id(kid)]), memo, grads)


_KNOWN = {"x", "y", "c", "neg", "+", "-", "*", "/", "**", "max", "min", "rmax", "rmin", "sum", "mean", "lse",
          "where", "cmp", "and", "or"}


def _check_ops(node: Node) -> None:
    """Refuse, when built, a function this evaluator does not know (not at the first evaluation)."""
    if node.op not in _KNOWN and node.op not in D.UNARY:
        raise ValueError(f"the array evaluator has no rule for {node.op}(...)")
    for k in node.kids:
        _check_ops(k)


def _mark_live(node: Node, live: set) -> bool:
    hit = node.op == "x"
    for k in node.kids:
        hit = _mark_live(k, live) or hit
    if hit:
        live.add(id(node))
    return hit


def _unbroadcast(g, like):
    """The adjoint summed back to the shape of the value it belongs to (a scalar used against vectors)."""
    shape = np.shape(D.val(like))
    if len(shape) == 2 and shape[-1] == 1 and np.shape(D.val(g))[-1] != 1:
        return D.total(g)
    return g


def _extremum(args, bigger: bool):
    """Elementwise max/min of several arguments: the first wins ties; also the index chosen."""
    best, index = args[0], np.zeros(np.broadcast_shapes(*[np.shape(D.val(a)) for a in args]), dtype=int)
    for i, a in enumerate(args[1:], start=1):
        cmp = np.greater if bigger else np.less
        take = np.broadcast_to(cmp(D.val(a), D.val(best)), index.shape)
        best = D.select(take, a, best)
        index = np.where(take, i, index)
    return best, index


def _apply(node: Node, args, memo: dict):
    op = node.op
    if op in _ARITH:
        return _ARITH[op](*args)
    if op in D.UNARY:
        return D.UNARY[op](args[0])
    if op in ("max", "min"):
        best, index = _extremum(args, op == "max")
        memo[("index", id(node))] = index
        return best
    if op in ("rmax", "rmin"):
        v = D.val(args[0])
        index = (np.argmax(v, axis=-1) if op == "rmax" else np.argmin(v, axis=-1))[..., None]
        memo[("index", id(node))] = index
        return D.pick(args[0], index)
    if op == "sum":
        return D.total(args[0])
    if op == "mean":
        return D.mul(D.total(args[0]), 1.0 / np.shape(D.val(args[0]))[-1])
    if op == "lse":
        return D.logsumexp(args[0])
    if op == "where":
        return D.select(np.asarray(args[0], dtype=bool), args[1], args[2])
    return _condition(node, args)


def _condition(node: Node, args):
    if node.op == "and":
        return np.logical_and(args[0], args[1])
    if node.op == "or":
        return np.logical_or(args[0], args[1])
    out = True
    for i, fn in enumerate(node.data):  # a < b <= c: each comparison, all of them
        out = np.logical_and(out, fn(D.val(args[i]), D.val(args[i + 1])))
    return out


_ARITH = {"+": D.add, "-": D.sub, "*": D.mul, "/": D.div, "**": D.power, "neg": D.neg}


def _adjoints(node: Node, g, args, y, memo, live) -> list:
    """The adjoint of each argument of `node`, given the adjoint g of its value y (None: no dependence)."""
    op = node.op
    if op in _LINEAR:
        return _LINEAR[op](g, args)
    if op in _SIMPLE:
        return [D.mul(g, _SIMPLE[op](args[0], y))]
    if op in ("/", "**"):
        return _quotient_power(op, g, args, y, live)
    if op in ("max", "min"):
        index = memo[("index", id(node))]
        return [D.mul(g, (index == i).astype(float)) if live[i] else None for i in range(len(args))]
    if op in ("rmax", "rmin"):
        index = memo[("index", id(node))]
        shape = np.shape(D.val(args[0]))
        onehot = (np.arange(shape[-1]) == index).astype(float)
        return [D.mul(g, onehot)]
    if op == "lse":
        return [D.mul(g, D.exp(D.sub(args[0], y)))]
    if op == "where":
        mask = np.asarray(args[0], dtype=bool).astype(float)
        return [None, D.mul(g, mask) if live[1] else None, D.mul(g, 1.0 - mask) if live[2] else None]
    raise AssertionError(f"no adjoint for {op}")


def _ones_like(a):
    return np.ones(np.shape(D.val(a)))


_LINEAR = {
    "+": lambda g, a: [g, g],
    "-": lambda g, a: [g, D.neg(g)],
    "neg": lambda g, a: [D.neg(g)],
    "*": lambda g, a: [D.mul(g, a[1]), D.mul(g, a[0])],
    "sum": lambda g, a: [D.mul(g, _ones_like(a[0]))],
    "mean": lambda g, a: [D.mul(g, _ones_like(a[0]) / np.shape(D.val(a[0]))[-1])],
}

# d(f(a))/da written with the dual-aware functions, from the argument a and the value y
_SIMPLE = {
    "exp": lambda a, y: y,
    "log": lambda a, y: D.div(1.0, a),
    "log1p": lambda a, y: D.div(1.0, D.add(1.0, a)),
    "sqrt": lambda a, y: D.div(0.5, y),
    "abs": lambda a, y: np.sign(D.val(a)),
    "sign": lambda a, y: np.zeros(np.shape(D.val(a))),
    "sinh": lambda a, y: D.cosh(a),
    "cosh": lambda a, y: D.sinh(a),
    "tanh": lambda a, y: D.sub(1.0, D.mul(y, y)),
    "atan": lambda a, y: D.div(1.0, D.add(1.0, D.mul(a, a))),
    "sin": lambda a, y: D.cos(a),
    "cos": lambda a, y: D.neg(D.sin(a)),
    "softplus": lambda a, y: D.sigmoid(a),
    "sigmoid": lambda a, y: D.mul(y, D.sub(1.0, y)),
    "logcosh": lambda a, y: D.tanh(a),
}


def _quotient_power(op, g, args, y, live) -> list:
    a, b = args
    if op == "/":
        return [D.div(g, b) if live[0] else None, D.neg(D.div(D.mul(g, y), b)) if live[1] else None]
    ga = D.mul(g, D.mul(b, D.power(a, D.sub(b, 1.0)))) if live[0] else None
    gb = D.mul(g, D.mul(y, D.log(a))) if live[1] else None
    return [ga, gb]
