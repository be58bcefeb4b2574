"""Vector numpy callables for tests/test_vector_growth.py: attainment of minima (issue 10, class 2) and
growth and limits of gradients and Hessians (class 3). Each takes (y_pred, y_true) with the classes on the
last axis and returns the per-sample loss."""
import numpy as np


def _logsumexp(z):
    m = np.max(z, axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))


def _softmax(z):
    return np.exp(z - _logsumexp(z)[..., None])


def softmax_ce(y_pred, y_true):
    """logsumexp(z) - z_c: the infimum 0 is approached only as the true margin -> +inf."""
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    return _logsumexp(z) - np.sum(y * z, axis=-1)


def softmax_mae(y_pred, y_true):
    """sum_j y_j (1 - p_j) = 1 - p_c: its gradient -p_c (e_c - p) vanishes as p_c -> 0."""
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    return np.sum(y * (1.0 - _softmax(z)), axis=-1)


def competitor_mass_sq(y_pred, y_true):
    """sum over the wrong classes of p_j**2: toward a face p -> (0, a, b) with a != b its gradient tends
    to a nonzero constant (bounded, not redescending)."""
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    return np.sum((1.0 - y) * _softmax(z) ** 2, axis=-1)


def pseudo_huber_margins(y_pred, y_true):
    """sum over the wrong classes of sqrt(1 + (1 + z_j - z_c)**2) - 1: zero (attained) where every
    z_c = z_j + 1, smooth there; its gradient converges to a nonzero constant along rays."""
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    zc = np.sum(y * z, axis=-1, keepdims=True)
    u = 1.0 + z - zc
    return np.sum((1.0 - y) * (np.sqrt(1.0 + u * u) - 1.0), axis=-1)


def hinge_margin2(y_pred, y_true):
    """Weston-Watkins hinge with margin 2: sum over the wrong classes of max(0, 2 + z_j - z_c); zero on a
    region it reaches with slope 1 (a kink at its edge)."""
    z, y = np.broadcast_arrays(np.asarray(y_pred, float), np.asarray(y_true, float))
    zc = np.sum(y * z, axis=-1, keepdims=True)
    return np.sum((1.0 - y) * np.maximum(0.0, 2.0 + z - zc), axis=-1)
