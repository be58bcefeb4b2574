"""Callables for the statistical properties (issue 13): numpy functions whose structure the tool cannot
read, so every verdict rests on re-checked evaluations."""
import numpy as np


def dead_zone_simplex(y_pred, y_true):
    """0.5*sum(max(0, |p - y| - 0.2)): total variation with a dead zone; on the outcomes e_c it is
    0.5*(max(0, 0.8 - p_c) + sum_{j != c} max(0, p_j - 0.2)), flat near every vertex: not strictly proper."""
    return 0.5 * np.sum(np.maximum(0.0, np.abs(y_pred - y_true) - 0.2), axis=-1)


def brier_simplex(y_pred, y_true):
    """sum((p - y)^2): the Brier score, strictly proper (a sampled `holds`: a callable has no proof)."""
    return np.sum((y_pred - y_true) ** 2, axis=-1)


def clipped_log_margin_prob(y_pred, y_true):
    """Binary cross-entropy with p clipped to [0.02, 0.98]: flat beyond the clips, so for q = 0.01 any
    p < 0.02 beats... the y = 0 term keeps falling as p -> 0: p = 0.001 beats p = q. Not strictly proper."""
    p = np.clip(y_pred, 0.02, 0.98)
    return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))
