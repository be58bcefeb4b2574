"""Numpy callables on the distribution kind whose Hessians are finite differences (no formula, no autodiff):
constant or bounded curvature that rounding near a face must not fake, and true blow-ups toward a face."""
import numpy as np

W = np.array([1.0, 2.0, 3.0])


def weighted_sqdist_cb(p, y):
    """sum w_j (p_j - y_j)^2 with w = (1, 2, 3): a constant Hessian diag(2w)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(W * (p - y) ** 2, axis=-1)


def scaled_sqdist_cb(p, y):
    """100 sum (p_j - y_j)^2: a constant Hessian 200 I (values up to 200: rounding scales with them)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return 100.0 * np.sum((p - y) ** 2, axis=-1)


def cubic_cb(p, y):
    """sum p_j^3 - sum y_j p_j: Hessian diag(6 p), bounded by 6 on the simplex."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(p ** 3 - y * p, axis=-1)


def negentropy_sqdist_cb(p, y):
    """sum p_j log p_j + sum (p_j - y_j)^2: Hessian diag(1/p_j) + 2I, unbounded as p_j -> 0."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(p * np.log(p) + (p - y) ** 2, axis=-1)


def sqrt_cb(p, y):
    """sum (p_j - y_j)^2 - sum sqrt(p_j): Hessian 2I + diag(p_j^-1.5 / 4), unbounded toward a face."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum((p - y) ** 2 - np.sqrt(p), axis=-1)


def pow_1p5_cb(p, y):
    """sum p_j^1.5 - sum y_j p_j: Hessian diag(0.75 p_j^-0.5), unbounded (slowly) toward a face."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(p ** 1.5 - y * p, axis=-1)
