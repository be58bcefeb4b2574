"""User losses for issue 9's classes 1 (decimals as written) and 4 (features at a small scale):
f(y_pred, y_true) over numpy arrays. Their expected verdicts, derived by hand, are in
tests/test_exact_numbers.py and tests/test_small_scale.py."""
import numpy as np


def huber_decimal(y_pred, y_true):
    """Huber at t = 1.2345: 0.5 r^2 inside, t|r| - 0.5 t^2 outside; C1 (value and slope meet at |r| = t)."""
    r = np.abs(y_pred - y_true)
    t = 1.2345
    return np.where(r <= t, 0.5 * r**2, t * r - 0.5 * t**2)


def smoothed_hinge_decimal(y_pred, y_true):
    """Quadratically smoothed hinge with gamma = 0.9 on the margin m: 0.55 - m for m <= 0.1,
    (1 - m)^2 / 1.8 for 0.1 < m < 1, 0 beyond; C1 (at 0.1: 0.81/1.8 = 0.45 and slope -1.8/1.8 = -1)."""
    m = y_pred * y_true
    return np.where(m <= 0.1, 0.55 - m, np.where(m < 1, (1 - m) ** 2 / 1.8, 0.0))


def clipped_log_decimal(y_pred, y_true):
    """-log(max(p, 1e-6)) for y = 1 (and -log(1 - min(p, 1 - 1e-6)) for y = 0): a concave kink at the clip."""
    p = np.clip(y_pred, 1e-6, 1 - 1e-6)
    return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def capped_abs_tiny(y_pred, y_true):
    """r^2 + min(|r|, 1e-8): the cap bends the slope down by 1 at |r| = 1e-8 (a concave kink)."""
    r = y_pred - y_true
    return r**2 + np.minimum(np.abs(r), 1e-8)


def clipped_log_tiny(y_pred, y_true):
    """Binary cross-entropy with p clipped to [1e-8, 1 - 1e-8]: flat below the clip, then -log p
    falls with slope -1e8: a concave kink at p = 1e-8 for y = 1."""
    p = np.clip(y_pred, 1e-8, 1 - 1e-8)
    return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
