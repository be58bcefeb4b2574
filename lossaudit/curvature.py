"""Curvature of vector losses at many points at once: the one place Hessian spectra are computed.

    spectral_norms(views, X, Y, precise=False) -> (n,)   max |eigenvalue| of the Hessian at each row of X
    lowest_modes(views, X, Y) -> (w (n,), v (n, K))      the smallest eigenvalue and its unit eigenvector

Rows whose Hessian is not finite give NaN (and a zero vector). Dense eigen-solvers today; large K goes
through Hessian-vector products (views.hvp) here, so the properties never build K x K matrices themselves.
"""
from __future__ import annotations

import numpy as np


def _finite_hessians(views, X: np.ndarray, Y: np.ndarray, precise: bool):
    H = (views.precise_hess if precise else views.hess)(X, Y)
    ok = np.all(np.isfinite(H.reshape(H.shape[0], -1)), axis=1)
    return H, ok


def spectral_norms(views, X: np.ndarray, Y: np.ndarray, precise: bool = False) -> np.ndarray:
    H, ok = _finite_hessians(views, X, Y, precise)
    out = np.full(H.shape[0], np.nan)
    if ok.any():
        out[ok] = np.abs(np.linalg.eigvalsh(H[ok])).max(axis=1)
    return out


def lowest_modes(views, X: np.ndarray, Y: np.ndarray):
    H, ok = _finite_hessians(views, X, Y, False)
    n, k = H.shape[0], H.shape[-1]
    w, v = np.full(n, np.nan), np.zeros((n, k))
    if ok.any():
        vals, vecs = np.linalg.eigh(H[ok])
        w[ok], v[ok] = vals[:, 0], vecs[:, :, 0]
    return w, v
