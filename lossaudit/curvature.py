"""Curvature of vector losses at many points at once: the one place Hessian spectra are computed.

    spectral_norms(views, X, Y, precise=False) -> (n,)   max |eigenvalue| of the Hessian at each row of X
    lowest_modes(views, X, Y) -> (w (n,), v (n, K))      the smallest eigenvalue and its unit eigenvector

Rows whose Hessian is not finite give NaN (and a zero vector). Up to views.DENSE_HESSIAN_MAX_K the
Hessians are dense and the eigen-solvers exact; above it (views.dense is False) a batched Lanczos
iteration on exact Hessian-vector products (views.hvp) runs for all points at once, with full
reorthogonalisation, so no K x K matrix is ever built. Lanczos's Ritz values lie inside the spectrum:
a norm found is a lower bound of the true one and a negative lowest value is a true negative curvature
(up to rounding in H v), so a sampled counterexample never rests on an overestimate.
"""
from __future__ import annotations

import numpy as np

LANCZOS_STEPS = 20  # Krylov dimension at large K (extreme eigenvalues converge first: softmax and Dice
#                    losses to 1e-10 in 12 steps; clustered diagonal Hessians to about 2e-3, from below)
LANCZOS_ROWS = 256  # points per batch (the Krylov basis of a batch holds rows x steps x K numbers)
LANCZOS_SEED = 20260  # the start vectors are fixed: same points, same numbers
CONVERGED = 1e-13     # a Lanczos run stops early once what it is asked for (the norm, the lowest
#                      eigenvalue) moves less than this, relative, in every row


def _finite_hessians(views, X: np.ndarray, Y: np.ndarray, precise: bool):
    H = (views.precise_hess if precise else views.hess)(X, Y)
    ok = np.all(np.isfinite(H.reshape(H.shape[0], -1)), axis=1)
    return H, ok


def spectral_norms(views, X: np.ndarray, Y: np.ndarray, precise: bool = False) -> np.ndarray:
    if not getattr(views, "dense", True):
        vals, _ = _lanczos(views, X, Y, "norm")
        return np.abs(vals).max(axis=1)
    H, ok = _finite_hessians(views, X, Y, precise)
    out = np.full(H.shape[0], np.nan)
    if ok.any():
        out[ok] = np.abs(np.linalg.eigvalsh(H[ok])).max(axis=1)
    return out


def lowest_modes(views, X: np.ndarray, Y: np.ndarray):
    if not getattr(views, "dense", True):
        vals, vecs = _lanczos(views, X, Y, "lowest")
        return vals[:, 0], vecs
    H, ok = _finite_hessians(views, X, Y, False)
    n, k = H.shape[0], H.shape[-1]
    w, v = np.full(n, np.nan), np.zeros((n, k))
    if ok.any():
        vals, vecs = np.linalg.eigh(H[ok])
        w[ok], v[ok] = vals[:, 0], vecs[:, :, 0]
    return w, v


def _orthogonalised(w, Q):
    """w (n, K) with its components along each row's earlier Lanczos vectors Q (n, j, K) removed
    (twice: classical Gram-Schmidt loses orthogonality once)."""
    for _ in range(2):
        w = w - (np.matmul(Q, w[:, :, None]).transpose(0, 2, 1) @ Q)[:, 0, :]
    return w


def _start(views, n: int, k: int, rng=None) -> np.ndarray:
    rng = rng if rng is not None else np.random.default_rng(LANCZOS_SEED)
    q = rng.standard_normal((n, k))
    if views.simplex:  # the tangent space of the simplex
        q -= q.mean(axis=1, keepdims=True)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def _lanczos(views, X: np.ndarray, Y: np.ndarray, need: str = "both"):
    """Ritz values (n, m) ascending, and the unit Ritz vector of the lowest (n, K), per row of X.
    Rows whose products are not finite give NaN values and a zero vector."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    Y = np.broadcast_to(np.asarray(Y, dtype=float), X.shape)
    if X.shape[0] == 0:
        return np.zeros((0, 1)), np.zeros((0, X.shape[1]))
    parts = [_lanczos_rows(views, X[i:i + LANCZOS_ROWS], Y[i:i + LANCZOS_ROWS], need)
             for i in range(0, X.shape[0], LANCZOS_ROWS)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _lanczos_rows(views, X: np.ndarray, Y: np.ndarray, need: str):
    n, k = X.shape
    steps = min(LANCZOS_STEPS, k - 1 if views.simplex else k)
    Q = np.zeros((n, steps, k))
    alpha, beta = np.zeros((n, steps)), np.zeros((n, steps))
    q = _start(views, n, k)
    fresh = np.random.default_rng(LANCZOS_SEED + 1)
    ok = np.ones(n, dtype=bool)
    last: list = []
    for j in range(steps):
        Q[:, j] = q
        w = np.asarray(views.hvp(X, Y, q), dtype=float)
        ok &= np.all(np.isfinite(w), axis=1)
        w = np.where(ok[:, None], w, 0.0)
        alpha[:, j] = np.einsum("nk,nk->n", w, q)
        w = _orthogonalised(w, Q[:, :j + 1])
        if j + 1 == steps or _converged(alpha[:, :j + 1], beta[:, :j], ok, last, need):
            steps = j + 1
            break
        b = np.linalg.norm(w, axis=1)
        scale = np.maximum(1.0, np.abs(alpha[:, :j + 1]).max(axis=1))
        done = b <= 1e-10 * scale
        if done.any():  # an invariant subspace for these rows: go on in a fresh direction (T splits in blocks)
            w[done] = _orthogonalised(_start(views, int(done.sum()), k, fresh), Q[done, :j + 1])
            b = np.where(done, 0.0, b)
        q = w / np.linalg.norm(w, axis=1)[:, None]
        beta[:, j] = b
    return _ritz(alpha[:, :steps], beta[:, :steps - 1], Q[:, :steps], ok)


def _converged(alpha, beta, ok, last: list, need: str) -> bool:
    """Has what is needed of every finite row settled (changed by at most CONVERGED of the row's scale
    over the last step): the largest |Ritz value| ("norm"), the lowest ("lowest"), or both extremes?
    `last` holds the previous step's. Deterministic: the same points give the same steps."""
    m = alpha.shape[1]
    if m < 3:
        return False
    T = np.zeros((alpha.shape[0], m, m))
    idx = np.arange(m)
    T[:, idx, idx] = alpha
    T[:, idx[:-1], idx[1:]] = T[:, idx[1:], idx[:-1]] = beta
    vals = np.linalg.eigvalsh(T)
    ends = {"norm": np.abs(vals).max(axis=1)[:, None], "lowest": vals[:, :1]}.get(need)
    ends = np.stack([vals[:, 0], vals[:, -1]], axis=1) if ends is None else ends
    before = last[0] if last else None
    last[:] = [ends]
    if before is None:
        return False
    scale = np.maximum(1.0, np.abs(ends).max(axis=1))
    change = np.abs(ends - before).max(axis=1)
    return bool(np.all(~ok | (change <= CONVERGED * scale)))


def _ritz(alpha, beta, Q, ok):
    n, m = alpha.shape
    T = np.zeros((n, m, m))
    idx = np.arange(m)
    T[:, idx, idx] = alpha
    T[:, idx[:-1], idx[1:]] = T[:, idx[1:], idx[:-1]] = beta
    vals, vecs = np.linalg.eigh(T)
    low = np.matmul(vecs[:, :, 0][:, None, :], Q)[:, 0, :]
    low /= np.maximum(np.linalg.norm(low, axis=1, keepdims=True), 1e-300)
    vals[~ok] = np.nan
    low[~ok] = 0.0
    return vals, low
