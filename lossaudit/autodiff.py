"""Exact derivatives of a user's callable written with PyTorch or JAX, when either is installed.

If the callable accepts tensors and returns a tensor that carries gradients, its
first and second derivatives come from autograd instead of finite differences.
This path is simply absent without PyTorch or JAX. Autodiff at a kink returns a
convention (jax: grad(abs)(0) = 1; PyTorch: 0), not a derivative, so kinks are
never read off it: they are found from values by the numeric detector.
"""
from __future__ import annotations

import importlib.util

import numpy as np

from .callables import CallableFailure, call_user


def available() -> list[str]:
    return [name for name in ("torch", "jax") if importlib.util.find_spec(name) is not None]


def derivatives(func, vector: bool):
    """(engine name, as_numpy, first, second) for `func`, or None when no engine fits it.

    as_numpy(y_pred, y_true) calls the callable on numpy arrays through the engine's
    tensors. Scalar kinds: first(x, y), second(x, y) elementwise. Vector kinds:
    first(X, Y) -> (n, K), second(X, Y) -> (n, K, K).
    """
    for engine in available():
        build = _TORCH if engine == "torch" else _JAX
        made = build(func, vector)
        if made is not None:
            return (engine,) + made
    return None


def _call(func, *args):
    return call_user(func, *args)  # quiet; whatever it raises (even SystemExit) is the callable's failure


# ---------------------------------------------------------------------------
# PyTorch

def _np(tensor) -> np.ndarray:
    """A tensor as numpy (force=True: autograd may hand back a lazy zero tensor, e.g. for |x|'')."""
    return np.array(tensor.detach().cpu().numpy(force=True), dtype=float)

def _torch(func, vector: bool):
    import torch

    def accepts() -> bool:
        shape = (2, 3) if vector else (2,)
        x = torch.full(shape, 0.3, dtype=torch.float64, requires_grad=True)
        y = torch.full(shape, 0.5, dtype=torch.float64)
        try:
            out = call_user(func, x, y)
        except CallableFailure:  # not a torch callable
            return False
        return isinstance(out, torch.Tensor) and out.requires_grad and tuple(out.shape) == shape[:1]

    if not accepts():
        return None

    def tensors(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        return xt, torch.tensor(y, dtype=torch.float64), x.shape

    def as_numpy(x, y):
        with torch.no_grad():
            out = func(torch.as_tensor(np.asarray(x, float)), torch.as_tensor(np.asarray(y, float)))
        return _np(out) if isinstance(out, torch.Tensor) else out

    def first(x, y):
        xt, yt, shape = tensors(x, y)
        (g,) = torch.autograd.grad(_call(func, xt, yt).sum(), xt)
        return _np(g).reshape(shape)

    def second(x, y):
        xt, yt, shape = tensors(x, y)
        (g,) = torch.autograd.grad(_call(func, xt, yt).sum(), xt, create_graph=True)
        if not g.requires_grad:  # the gradient does not depend on y_pred (a linear loss): curvature 0
            return np.zeros(shape if not vector else shape + (shape[-1],))
        if not vector:
            (h,) = torch.autograd.grad(g.sum(), xt, allow_unused=True)
            return np.zeros(shape) if h is None else _np(h).reshape(shape)
        rows = []
        for j in range(shape[-1]):
            (h,) = torch.autograd.grad(g[..., j].sum(), xt, retain_graph=True, allow_unused=True)
            rows.append(np.zeros(shape) if h is None else _np(h))
        return np.stack(rows, axis=-2)  # H[n, j, :] = d/dx of dL/dx_j

    return as_numpy, first, second


# ---------------------------------------------------------------------------
# JAX

def _jax(func, vector: bool):
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)

    def total(x, y):
        return jnp.sum(func(x, y))

    def accepts() -> bool:
        shape = (2, 3) if vector else (2,)
        try:
            out = call_user(func, jnp.full(shape, 0.3), jnp.full(shape, 0.5))
            call_user(jax.grad(total), jnp.full(shape, 0.3), jnp.full(shape, 0.5))
        except CallableFailure:  # not a jax-traceable callable
            return False
        return isinstance(out, jax.Array) and tuple(out.shape) == shape[:1]

    if not accepts():
        return None
    grad = jax.grad(total)

    def as_numpy(x, y):
        return np.asarray(func(jnp.asarray(np.asarray(x, float)), jnp.asarray(np.asarray(y, float))))

    def first(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(_call(grad, jnp.asarray(x), jnp.asarray(y)))

    def second(x, y):
        x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
        if not vector:
            return np.asarray(_call(jax.grad(lambda a, b: jnp.sum(grad(a, b))), jnp.asarray(x), jnp.asarray(y)))
        rows = [np.asarray(_call(jax.grad(lambda a, b, j=j: jnp.sum(grad(a, b)[..., j])), jnp.asarray(x),
                                 jnp.asarray(y))) for j in range(x.shape[-1])]
        return np.stack(rows, axis=-2)

    return as_numpy, first, second


_TORCH, _JAX = _torch, _jax
