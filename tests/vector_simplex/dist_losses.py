"""Numpy callables on the distribution kind (y_pred, y_true points of the open simplex, last axis K)."""
import numpy as np


def kl_cb(p, y):
    """KL(y || p) = sum y_j log(y_j / p_j), with 0 log 0 = 0 where y_j = 0."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / p), 0.0), axis=-1)


def sqdist_cb(p, y):
    """Squared distance sum (p_j - y_j)^2."""
    return np.sum((np.asarray(p, float) - np.asarray(y, float)) ** 2, axis=-1)


def gini_cb(p, y):
    """Gini impurity 1 - sum p_j^2 of the prediction (concave)."""
    p = np.asarray(p, float)
    return 1.0 - np.sum(p ** 2, axis=-1)


def js_cb(p, y):
    """Jensen-Shannon divergence: O(1) terms that cancel near p = y (values ~1e-17 carry ~1e-16 error)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    m = 0.5 * (p + y)
    return 0.5 * np.sum(p * np.log(p / m), axis=-1) + 0.5 * np.sum(y * np.log(y / m), axis=-1)


def euclid_cb(p, y):
    """Euclidean distance |p - y|: a cone point at p = y."""
    return np.sqrt(np.sum((np.asarray(p, float) - np.asarray(y, float)) ** 2, axis=-1))


def hellinger_cb(p, y):
    """Squared Hellinger distance sum (sqrt p - sqrt y)^2 (cancels near p = y like a divergence)."""
    return np.sum((np.sqrt(np.asarray(p, float)) - np.sqrt(np.asarray(y, float))) ** 2, axis=-1)
