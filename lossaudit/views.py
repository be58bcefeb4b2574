"""Numeric views of a loss, built once: value, first and second derivatives, vectorised.

Scalar kinds: value(x, y), d1(x, y), d2(x, y) over broadcastable arrays.
Vector kinds: value(X, Y) -> (n,), grad(X, Y) -> (n, K), hess(X, Y) -> (n, K, K),
with X, Y of shape (n, K) (Y may be (K,)). On the distribution kind gradient and
Hessian are taken along the simplex (P∇L and P∇²L P, P = I - 11ᵀ/K).

Expressions get exact derivatives (sympy, compiled to numpy with stable forms and
an mpmath fallback); callables get finite differences (`lossaudit.numeric`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import numeric


class UndefinedLog:
    """Where the loss came out NaN (or the callable raised) while one property was being decided.

    A property that found no counterexample must not claim `holds` over points it
    could not evaluate; `properties.decide` reads this log to say `unknown` instead.
    """

    LIMIT = 8

    def __init__(self):
        self.events: list = []

    def clear(self) -> None:
        self.events = []

    def note(self, x, y, values, reason: str | None = None) -> None:
        if len(self.events) >= self.LIMIT:
            return
        bad = np.isnan(np.asarray(values, dtype=float))
        if not bad.any():
            return
        xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if xs.ndim >= 2:  # vector kinds: rows are points
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            point, target = xs.reshape(-1, xs.shape[-1])[i], np.broadcast_to(ys, xs.shape).reshape(-1, xs.shape[-1])[i]
            self.events.append({"y_pred": point.tolist(), "y_true": target.tolist(), "reason": reason})
        else:
            xb, yb = np.broadcast_arrays(xs, ys)
            i = int(np.flatnonzero(bad.reshape(-1))[0])
            self.events.append({"y_pred": float(xb.reshape(-1)[i]), "y_true": float(yb.reshape(-1)[i]),
                                "reason": reason})


def _logged(fn, log: UndefinedLog):
    def evaluate(x, y):
        out = fn(x, y)
        log.note(x, y, out)
        return out
    return evaluate


@dataclass
class ScalarViews:
    """value, d1, d2 fast (numpy); precise_d1, precise_d2 recompute a few points carefully (mpmath for
    expressions), for the numbers a verdict rests on: float64 can return finite garbage far out."""

    value: Callable
    d1: Callable
    d2: Callable
    exact: bool
    safe: object = None      # the SafeCallable for callables
    log: UndefinedLog = None
    precise_d1: Callable = None
    precise_d2: Callable = None
    engine: str | None = None    # "torch" or "jax" when a callable's derivatives come from autodiff

    def __post_init__(self):
        self.precise_d1 = self.precise_d1 or getattr(self.d1, "precise", self.d1)
        self.precise_d2 = self.precise_d2 or getattr(self.d2, "precise", self.d2)
        # only the value is logged: NaN in a finite-difference derivative of an overflowing value is
        # an artefact of differencing, not a hole in the loss
        self.log = self.log or UndefinedLog()
        self.value = _logged(self.value, self.log)


@dataclass
class VectorViews:
    value: Callable
    grad: Callable
    hess: Callable
    exact: bool
    k: int
    simplex: bool
    safe: object = None
    log: UndefinedLog = None
    precise_grad: Callable = None
    precise_hess: Callable = None
    engine: str | None = None

    def grad_within(self, X, Y, reach) -> np.ndarray:
        """The gradient with finite-difference steps shorter than `reach` per point (the distance to a
        known kink: a central difference straddling a cone point reads its slope as distance/step);
        exact gradients are exact anyway."""
        if self.exact or self.engine is not None:
            return self.grad(X, Y)
        return self.grad(X, Y, reach=np.asarray(reach, float))

    def __post_init__(self):
        self.precise_grad = self.precise_grad or self.grad
        self.precise_hess = self.precise_hess or self.hess
        self.log = self.log or UndefinedLog()
        self.value = _logged(self.value, self.log)

    hvp_fn: Callable = None  # exact Hessian-vector products without a dense Hessian (large K)

    def hvp(self, X, Y, V) -> np.ndarray:
        """Hessian-vector products H(x_i) v_i, shape (n, K) (curvature along directions: v·Hv);
        V of shape (n, K, m) gives m products per point, (n, K, m)."""
        V = np.asarray(V, dtype=float)
        if self.hvp_fn is not None:
            return self.hvp_fn(X, Y, V)
        return np.einsum("nij,nj...->ni...", self.hess(X, Y), V)

    @property
    def dense(self) -> bool:
        """Is a dense K x K Hessian per point cheap (else curvature goes through hvp)?"""
        return self.hvp_fn is None or self.k <= DENSE_HESSIAN_MAX_K


# Up to this K the sympy form's K(K+1)/2 Hessian entries are compiled (today's exact path, mpmath
# fallback included); above it the expression is evaluated on arrays (lossaudit.arrayeval): exact
# gradients and Hessian-vector products, no K^2 symbolic derivatives.
SYMBOLIC_DERIVATIVES_MAX_K = 8
# Above this K no caller should need K x K matrices: curvature uses Lanczos on hvp (lossaudit.curvature).
DENSE_HESSIAN_MAX_K = 20


def projector(k: int) -> np.ndarray:
    return np.eye(k) - np.ones((k, k)) / k


def build_views(loss):
    if loss.kind.vector:
        return _vector_views(loss)
    return _scalar_views(loss)


def _scalar_views(loss) -> ScalarViews:
    dom = loss.pred_domain
    if loss.expression is not None:
        from .symbolic import compilable, compile_numeric, derivative_in
        yp, yt = loss.pred_symbols[0], loss.true_symbols[0]
        positive = dom.positive
        e = loss.bound_expression
        value = compile_numeric(e, (yp, yt))
        d1e = derivative_in(e, yp, positive)
        d2e = derivative_in(d1e, yp, positive)
        # where sympy leaves a derivative unevaluated, fall back to finite differences of the value
        d1 = compile_numeric(d1e, (yp, yt)) if compilable(d1e) else _fd(numeric.fd_first, value, dom)
        d2 = compile_numeric(d2e, (yp, yt)) if compilable(d2e) else _fd(numeric.fd_second, value, dom)
        return ScalarViews(value, d1, d2, exact=True)
    from .autodiff import derivatives
    from .callables import SafeCallable
    log = UndefinedLog()
    engine = derivatives(loss.func, vector=False)
    safe = SafeCallable(engine[1] if engine else loss.func, None, log)
    if engine:
        return ScalarViews(safe, engine[2], engine[3], exact=False, safe=safe, log=log, engine=engine[0])

    def d1(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return numeric.fd_first(lambda z: safe(z, y), x, dom)

    def d2(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return numeric.fd_second(lambda z: safe(z, y), x, dom)

    return ScalarViews(safe, d1, d2, exact=False, safe=safe, log=log)


def _fd(rule, value, dom):
    def derivative(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return rule(lambda z: value(z, y), x, dom)
    return derivative


def _vector_views(loss) -> VectorViews:
    k = loss.K
    simplex = loss.pred_domain.on_simplex
    P = projector(k)
    if loss.expression is not None:
        if k > SYMBOLIC_DERIVATIVES_MAX_K:
            return _vector_array_views(loss, k, simplex)
        return _vector_expression_views(loss, k, simplex, P)

    from .autodiff import derivatives
    from .callables import SafeCallable
    log = UndefinedLog()
    engine = derivatives(loss.func, vector=True)
    safe = SafeCallable(engine[1] if engine else loss.func, k, log)
    dirs = P if simplex else None

    def value(X, Y):
        X, Y = _pair(X, Y, k)
        return safe(X, Y)

    def grad(X, Y, reach=None):
        X, Y = _pair(X, Y, k)
        if engine:
            G = engine[2](X, Y)
            return G @ P if simplex else G
        room = _room(loss, X) if reach is None else np.minimum(_room(loss, X), reach)
        return numeric.fd_gradient(lambda Z: safe(Z, Y), X, dirs, room)

    def hess(X, Y):
        X, Y = _pair(X, Y, k)
        if engine:
            H = engine[3](X, Y)
            return P @ H @ P if simplex else H
        return numeric.fd_hessian(lambda Z: safe(Z, Y), X, dirs, _room(loss, X))

    return VectorViews(value, grad, hess, exact=False, k=k, simplex=simplex, safe=safe, log=log,
                       engine=engine[0] if engine else None)


class _VectorDerivatives:
    """Gradient and Hessian entries of a vector loss, compiled on first use (K(K+1)/2 Hessian entries
    of a long max/abs expression take seconds to build; many audits never need them)."""

    def __init__(self, loss):
        self.loss = loss
        self.args = loss.pred_symbols + loss.true_symbols
        self.positive = loss.pred_domain.positive
        self._grads = self._hess = None

    def grads(self) -> list:
        if self._grads is None:
            from .symbolic import derivative_in
            e = self.loss.bound_expression
            self._exprs = [derivative_in(e, p, self.positive) for p in self.loss.pred_symbols]
            self._grads = [self._compiled(g) for g in self._exprs]
        return self._grads

    def hessian(self) -> dict:
        if self._hess is None:
            from .symbolic import derivative_in
            self.grads()
            ps, k = self.loss.pred_symbols, len(self.loss.pred_symbols)
            self._hess = {(i, j): self._compiled(derivative_in(self._exprs[i], ps[j], self.positive))
                          for i in range(k) for j in range(i, k)}
        return self._hess

    def _compiled(self, expr):
        from .symbolic import compilable, compile_numeric
        return compile_numeric(expr, self.args) if compilable(expr) else None


def _vector_expression_views(loss, k: int, simplex: bool, P: np.ndarray) -> VectorViews:
    from .symbolic import compile_numeric
    f = compile_numeric(loss.bound_expression, loss.pred_symbols + loss.true_symbols)

    def value(X, Y):
        X, Y = _pair(X, Y, k)
        return f(*X.T, *Y.T)

    parts = _VectorDerivatives(loss)
    dirs = P if simplex else None

    def grad(X, Y, precise=False):
        X, Y = _pair(X, Y, k)
        fns = parts.grads()
        if any(g is None for g in fns):  # sympy left a derivative unevaluated: finite differences
            return numeric.fd_gradient(lambda Z: value(Z, Y), X, dirs, _room(loss, X))
        G = np.stack([(g.precise if precise else g)(*X.T, *Y.T) for g in fns], axis=-1)
        return G @ P if simplex else G

    def hess(X, Y, precise=False):
        X, Y = _pair(X, Y, k)
        fns = parts.hessian()
        if any(h is None for h in fns.values()):
            return numeric.fd_hessian(lambda Z: value(Z, Y), X, dirs, _room(loss, X))
        H = np.empty((X.shape[0], k, k))
        for (i, j), h in fns.items():
            H[:, i, j] = H[:, j, i] = (h.precise if precise else h)(*X.T, *Y.T)
        return P @ H @ P if simplex else H

    return VectorViews(value, grad, hess, exact=True, k=k, simplex=simplex,
                       precise_grad=lambda X, Y: grad(X, Y, precise=True),
                       precise_hess=lambda X, Y: hess(X, Y, precise=True))


def _vector_array_views(loss, k: int, simplex: bool) -> VectorViews:
    """Large K: value, gradient and Hessian-vector products from one array program (lossaudit.arrayeval).
    Values that come out non-finite in float64 are re-evaluated through the sympy form (compiled once,
    with its mpmath fallback), as on the symbolic path; derivatives stay float64 (precise = fast here)."""
    from .arrayeval import ArrayProgram
    program = ArrayProgram(loss.text, loss.param_values, k)
    fallback = []

    def value(X, Y):
        X, Y = _pair(X, Y, k)
        out = program.value(X, Y)
        bad = ~np.isfinite(out)
        if bad.any():
            if not fallback:
                from .symbolic import compile_numeric
                fallback.append(compile_numeric(loss.bound_expression, loss.pred_symbols + loss.true_symbols))
            out[bad] = fallback[0](*X[bad].T, *Y[bad].T)
        return out

    def tangent(A):  # along the simplex: P A with P = I - 11ᵀ/K, on the class axis
        return A - A.mean(axis=1, keepdims=True) if simplex else A

    def grad(X, Y):
        X, Y = _pair(X, Y, k)
        return tangent(program.grad(X, Y))

    def hvp(X, Y, V):
        X, Y = _pair(X, Y, k)
        return tangent(program.hvp(X, Y, tangent(np.asarray(V, dtype=float))))

    def hess(X, Y):
        X, Y = _pair(X, Y, k)
        H = program.hessian(X, Y)
        if simplex:
            H = tangent(H)
            H = H - H.mean(axis=2, keepdims=True)
        return H

    return VectorViews(value, grad, hess, exact=True, k=k, simplex=simplex, hvp_fn=hvp)


def _room(loss, X: np.ndarray):
    """Per point, how far a finite-difference step may go and stay in the domain."""
    return loss.pred_domain.room(X)


def _pair(X, Y, k):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.broadcast_to(np.asarray(Y, dtype=float), X.shape)
    return X, Y
