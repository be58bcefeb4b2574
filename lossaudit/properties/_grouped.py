"""Exact (50-digit) values of a vector expression loss at points with few distinct coordinates, without
the K-expanded sympy form (whose compiled evaluator takes seconds to build at K = 1000).

An expression loss is invariant under joint permutations of the classes (lossaudit.permutations), and
every operation of its grammar is elementwise or a symmetric reduction (sum, mean, logsumexp, max,
min). So at a point (z, y) whose coordinate pairs (z_c, y_c) take m distinct values with multiplicities
n_1..n_m, the loss is the same expression evaluated on the m groups, each reduction weighting a group by
its multiplicity: sum = Σ n_i v_i, mean = sum / K, logsumexp = log Σ n_i exp(v_i), max = max v_i. The
syntax tree is interpreted directly in mpmath, in both readings of the written numbers (the binary
float and the decimal as written), like witness.Checker: a drop-in for it in _risk.exact_mixture.
"""
from __future__ import annotations

import ast

import mpmath

from ..witness import VECTOR_RTOL

DPS = 50
SCALAR = {"abs": abs, "sqrt": mpmath.sqrt, "exp": mpmath.exp, "log": mpmath.log, "log1p": mpmath.log1p,
          "cosh": mpmath.cosh, "sinh": mpmath.sinh, "tanh": mpmath.tanh, "atan": mpmath.atan, "sin": mpmath.sin,
          "cos": mpmath.cos, "sign": mpmath.sign, "sigmoid": lambda a: 1 / (1 + mpmath.exp(-a)),
          "softplus": lambda a: mpmath.log1p(mpmath.exp(a))}
BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
          ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
COMPARE = {ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
           ast.GtE: lambda a, b: a >= b}


class Vec(list):
    """One value per group of classes."""


class GroupedLoss:
    """value(z, y) exactly for a vector expression loss; readings() as witness.Checker."""

    exact = True
    vector = True

    def __init__(self, loss, decimal: bool = False):
        self.loss, self.decimal, self.k = loss, decimal, loss.K
        self.tree = ast.parse(loss.text, mode="eval").body
        self.params = dict(loss.param_values)

    def readings(self) -> list:
        return [self, GroupedLoss(self.loss, decimal=True)]

    def greater(self, a, b) -> bool:
        if not (mpmath.isfinite(a) and mpmath.isfinite(b)):
            return False
        with mpmath.workdps(DPS):
            return a - b > max(abs(a), abs(b)) * VECTOR_RTOL

    def value(self, z, y):
        groups = {}
        for pair in zip((float(v) for v in z), (float(v) for v in y)):
            groups[pair] = groups.get(pair, 0) + 1
        self.n = list(groups.values())
        with mpmath.workdps(DPS):
            self.z = Vec(mpmath.mpf(p) for p, _ in groups)
            self.y = Vec(mpmath.mpf(t) for _, t in groups)
            try:
                v = self._eval(self.tree)
            except (ZeroDivisionError, ValueError, OverflowError):
                return mpmath.nan
            return v.real if isinstance(v, mpmath.mpc) and v.imag == 0 else v if not isinstance(v, mpmath.mpc) \
                else mpmath.nan

    # -- the interpreter ---------------------------------------------------
    def _number(self, value, literal=None):
        return mpmath.mpf(literal if self.decimal and literal is not None else float(value))

    def _eval(self, node):
        if isinstance(node, ast.Constant):
            return self._number(node.value, ast.get_source_segment(self.loss.text, node))
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.UnaryOp):
            v = self._eval(node.operand)
            return _lift(lambda a: -a, v) if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            return _lift(BINARY.get(type(node.op)) or _logic(node.op), self._eval(node.left), self._eval(node.right))
        if isinstance(node, ast.Compare):
            terms = [self._eval(node.left)] + [self._eval(c) for c in node.comparators]
            out = None
            for i, op in enumerate(node.ops):
                part = _lift(COMPARE[type(op)], terms[i], terms[i + 1])
                out = part if out is None else _lift(lambda a, b: a and b, out, part)
            return out
        if isinstance(node, ast.Call):
            return self._call(node.func.id, node.args)
        raise ValueError(f"unsupported node {type(node).__name__}")

    def _name(self, name):
        if name == "y_pred":
            return Vec(self.z)
        if name == "y_true":
            return Vec(self.y)
        if name == "pi":
            return +mpmath.pi
        if name == "E":
            return mpmath.e
        v = self.params[name]
        return self._number(v, repr(float(v)))

    def _call(self, name, args):
        if name == "where":
            c, a, b = (self._eval(x) for x in args)
            return _lift(lambda cc, aa, bb: aa if cc else bb, c, a, b)
        vals = [self._eval(a) for a in args]
        if name in ("max", "min"):
            pick = max if name == "max" else min
            return pick(vals[0]) if len(vals) == 1 else _lift(lambda *xs: pick(xs), *vals)
        (v,) = vals
        if name in ("sum", "mean", "logsumexp", "softmax", "log_softmax"):
            return self._reduce(name, v)
        return _lift(SCALAR[name], v)

    def _reduce(self, name, v):
        if name == "sum":
            return mpmath.fsum(n * x for n, x in zip(self.n, v))
        if name == "mean":
            return mpmath.fsum(n * x for n, x in zip(self.n, v)) / self.k
        top = max(v)
        lse = top + mpmath.log(mpmath.fsum(n * mpmath.exp(x - top) for n, x in zip(self.n, v)))
        if name == "logsumexp":
            return lse
        return Vec(x - lse for x in v) if name == "log_softmax" else Vec(mpmath.exp(x - lse) for x in v)


def _logic(op):
    return (lambda a, b: a and b) if isinstance(op, ast.BitAnd) else (lambda a, b: a or b)


def _lift(fn, *args):
    sizes = {len(a) for a in args if isinstance(a, Vec)}
    if not sizes:
        return fn(*args)
    (m,) = sizes
    return Vec(fn(*[a[i] if isinstance(a, Vec) else a for a in args]) for i in range(m))
