"""Numpy callables on the distribution kind with thin features beside the simplex's faces (clips)."""
import numpy as np


def clipped_ce_1em7(p, y):
    """-sum y_j log clip(p_j, 1e-7, 1 - 1e-7)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return -np.sum(y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=-1)


def clipped_ce_max_1em4(p, y):
    """-sum y_j log max(p_j, 1e-4) (the clip written with np.maximum)."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return -np.sum(y * np.log(np.maximum(p, 1e-4)), axis=-1)


def clipped_kl_1em6(p, y):
    """KL(y || max(p, 1e-6)) = sum y_j log(y_j / max(p_j, 1e-6))."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum(y * np.log(y / np.maximum(p, 1e-6)), axis=-1)


def clipped_sqdist_1em6(p, y):
    """sum (max(p_j, 1e-6) - y_j)^2."""
    p, y = np.asarray(p, float), np.asarray(y, float)
    return np.sum((np.maximum(p, 1e-6) - y) ** 2, axis=-1)
