"""Forward-mode dual numbers over numpy arrays, and the elementary functions on them.

A Dual holds a value v (shape S) and tangents d (shape S + (m,)): m directional derivatives carried
at once. Every function here takes plain arrays, Python numbers or Duals, so that the reverse pass of
`lossaudit.arrayeval`, written with these functions, run on Dual inputs x + εv gives the gradient and
its directional derivative, the Hessian-vector product Hv, exactly (forward over reverse).
Tangents may have fewer rows along the class axis than their values (a scalar broadcast against a
vector); reductions and selections widen them first (`_full`).
"""
from __future__ import annotations

import numpy as np


class Dual:
    __slots__ = ("v", "d")

    def __init__(self, v, d):
        self.v, self.d = v, d

    @property
    def shape(self):
        return np.shape(self.v)


def val(a):
    return a.v if isinstance(a, Dual) else a


def _tan(a):
    return a.d if isinstance(a, Dual) else None


def _col(a):
    """A value as a column to scale tangents: shape S + (1,)."""
    return np.asarray(a)[..., None]


def _full(d, shape):
    return np.broadcast_to(d, tuple(shape) + d.shape[-1:])


def _tsum(x, y):
    if x is None:
        return y
    return x if y is None else x + y


def _make(v, d):
    return v if d is None else Dual(v, d)


def add(a, b):
    return _make(val(a) + val(b), _tsum(_tan(a), _tan(b)))


def sub(a, b):
    db = _tan(b)
    return _make(val(a) - val(b), _tsum(_tan(a), None if db is None else -db))


def neg(a):
    return Dual(-a.v, -a.d) if isinstance(a, Dual) else -a


def mul(a, b):
    av, bv, da, db = val(a), val(b), _tan(a), _tan(b)
    d = _tsum(None if da is None else da * _col(bv), None if db is None else db * _col(av))
    return _make(av * bv, d)


def div(a, b):
    av, bv, da, db = val(a), val(b), _tan(a), _tan(b)
    y = av / bv
    d = _tsum(None if da is None else da / _col(bv), None if db is None else -db * _col(y / bv))
    return _make(y, d)


def power(a, b):
    av, bv, da, db = val(a), val(b), _tan(a), _tan(b)
    y = np.power(av, bv)
    d = None if da is None else da * _col(bv * np.power(av, bv - 1))
    if db is not None:
        d = _tsum(d, db * _col(y * np.log(av)))
    return _make(y, d)


def _unary(f, fprime):
    def apply(a):
        if not isinstance(a, Dual):
            return f(a)
        return Dual(f(a.v), a.d * _col(fprime(a.v)))
    return apply


def _sigmoid(u):
    return 0.5 * (1.0 + np.tanh(0.5 * u))  # no overflow at either end


def _logcosh(u):
    a = np.abs(u)
    return a + np.log1p(np.exp(-2 * a)) - np.log(2.0)


exp = _unary(np.exp, np.exp)
log = _unary(np.log, lambda v: 1.0 / v)
log1p = _unary(np.log1p, lambda v: 1.0 / (1.0 + v))
sqrt = _unary(np.sqrt, lambda v: 0.5 / np.sqrt(v))
absolute = _unary(np.abs, np.sign)
sign = _unary(np.sign, np.zeros_like)
sinh = _unary(np.sinh, np.cosh)
cosh = _unary(np.cosh, np.sinh)
tanh = _unary(np.tanh, lambda v: 1.0 - np.tanh(v) ** 2)
atan = _unary(np.arctan, lambda v: 1.0 / (1.0 + v * v))
sin = _unary(np.sin, np.cos)
cos = _unary(np.cos, lambda v: -np.sin(v))
softplus = _unary(lambda v: np.logaddexp(0.0, v), _sigmoid)
sigmoid = _unary(_sigmoid, lambda v: _sigmoid(v) * _sigmoid(-v))
logcosh = _unary(_logcosh, np.tanh)

UNARY = {"exp": exp, "log": log, "log1p": log1p, "sqrt": sqrt, "abs": absolute, "sign": sign,
         "sinh": sinh, "cosh": cosh, "tanh": tanh, "atan": atan, "sin": sin, "cos": cos,
         "softplus": softplus, "logcosh": logcosh, "sigmoid": sigmoid}


def select(mask, a, b):
    """mask ? a : b elementwise (mask a boolean array of the values' shape)."""
    av, bv = val(a), val(b)
    v = np.where(mask, av, bv)
    da, db = _tan(a), _tan(b)
    if da is None and db is None:
        return v
    m = (da if da is not None else db).shape[-1]
    shape = np.shape(v)
    da = _full(da, shape) if da is not None else np.zeros((1,) * len(shape) + (m,))
    db = _full(db, shape) if db is not None else np.zeros((1,) * len(shape) + (m,))
    return Dual(v, np.where(mask[..., None], da, db))


def total(a):
    """Sum over the class axis (kept, length 1)."""
    if not isinstance(a, Dual):
        return np.sum(a, axis=-1, keepdims=True)
    return Dual(np.sum(a.v, axis=-1, keepdims=True), np.sum(_full(a.d, a.v.shape), axis=-2, keepdims=True))


def logsumexp(a):
    v = val(a)
    top = np.max(v, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    y = top + np.log(np.sum(np.exp(v - top), axis=-1, keepdims=True))
    if not isinstance(a, Dual):
        return y
    s = np.exp(v - y)  # the softmax
    return Dual(y, np.sum(_full(a.d, v.shape) * s[..., None], axis=-2, keepdims=True))


def pick(a, index):
    """The entry at `index` (shape (..., 1)) along the class axis."""
    v = np.take_along_axis(val(a), index, axis=-1)
    if not isinstance(a, Dual):
        return v
    d = np.take_along_axis(_full(a.d, a.v.shape), index[..., None], axis=-2)
    return Dual(v, d)
