"""User losses written with PyTorch (tests skip them when torch is not installed)."""
import torch


def log_cosh(y_pred, y_true):
    r = y_pred - y_true
    return torch.logaddexp(r, -r) - torch.log(torch.tensor(2.0, dtype=r.dtype))


def abs_loss(y_pred, y_true):
    return torch.abs(y_pred - y_true)


def softmax_ce(y_pred, y_true):
    return torch.logsumexp(y_pred, dim=-1) - torch.sum(y_true * y_pred, dim=-1)
