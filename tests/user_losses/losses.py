"""User losses written for the tests (not from the catalog): f(y_pred, y_true) over numpy arrays."""
import time

import numpy as np


def nice(y_pred, y_true):
    """log-cosh: convex, smooth, robust (bounded), not sparse, monotone."""
    r = y_pred - y_true
    return np.logaddexp(r, -r) - np.log(2.0)


def nonconvex(y_pred, y_true):
    """r^2 / (1 + r^2): bounded, redescending, not convex beyond |r| = 1/sqrt(3)."""
    r = y_pred - y_true
    return r**2 / (1 + r**2)


def kink_away(y_pred, y_true):
    """|r - 0.5| + 0.1 r^2: a kink at r = 0.5 (not at the target), convex."""
    r = y_pred - y_true
    return np.abs(r - 0.5) + 0.1 * r**2


def bump(y_pred, y_true):
    """r^2 + 3 exp(-10 (r - 2)^2): a bump at r = 2 breaks monotonicity (and convexity)."""
    r = y_pred - y_true
    return r**2 + 3 * np.exp(-10 * (r - 2) ** 2)


def cosh_loss(y_pred, y_true):
    """cosh(r) - 1: convex, but the curvature cosh(r) grows without bound."""
    return np.cosh(y_pred - y_true) - 1


def raises(y_pred, y_true):
    """Squared error that raises for y_pred > 100."""
    if np.any(np.asarray(y_pred) > 100):
        raise ValueError("y_pred too large")
    return (y_pred - y_true) ** 2


def nan_left(y_pred, y_true):
    """Squared error, NaN for y_pred < -5."""
    return np.where(y_pred < -5, np.nan, (y_pred - y_true) ** 2)


def sleeps(y_pred, y_true):
    time.sleep(60)
    return (y_pred - y_true) ** 2


def scalar_only(y_pred, y_true):
    """|r| written for one number at a time (math, not numpy)."""
    return abs(float(y_pred) - float(y_true))


def noisy(y_pred, y_true):
    """Not deterministic."""
    return (y_pred - y_true) ** 2 + np.random.random(np.shape(y_pred))


def wrong_shape(y_pred, y_true):
    """Returns one number for a whole array."""
    return float(np.sum((y_pred - y_true) ** 2))


def chatty(y_pred, y_true):
    """Prints and mutates its input; the audit must not be disturbed."""
    print("hello from the loss")
    y_pred += 1000.0
    return (y_pred - 1000.0 - y_true) ** 2


def hinge(y_pred, y_true):
    """max(0, 1 - y*y_pred) on margins."""
    return np.maximum(0.0, 1.0 - y_true * y_pred)


def softmax_ce(y_pred, y_true):
    """Softmax cross-entropy over the last axis (logits kind)."""
    z = y_pred - np.max(y_pred, axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(z), axis=-1)) - np.sum(y_true * z, axis=-1)


not_a_function = 42
