"""Independent review set (issue 13): numpy callables f(y_pred, y_true) with TRUTH.

Scalar kinds are elementwise; logits/distribution callables reduce over the
last axis (length K).  TRUTH[name] = {"kind", "classes"?, "target_domain"?,
"truth": {calibration, properness, statistic, symmetry}, "why": {...}} with
truth values True / False / "na" and, for statistic, "mean", "median",
"<tau>-quantile", "<tau>-expectile" or "none".
"""
import numpy as np


def _lse(z):
    m = np.max(z, axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))


# ---- margin --------------------------------------------------------------
def bounded_exp_margin(y_pred, y_true):
    """min(1, exp(-m)), m = y*f: bounded, non-convex, not symmetric, calibrated."""
    m = np.asarray(y_true, float) * np.asarray(y_pred, float)
    return np.minimum(1.0, np.exp(-np.maximum(m, -700.0)))


# ---- probability ---------------------------------------------------------
def squared_log_score(y_pred, y_true):
    """y*(log p)^2 + (1-y)*(log(1-p))^2: minimised at the label, not proper."""
    p = np.asarray(y_pred, float)
    y = np.asarray(y_true, float)
    return y * np.log(p) ** 2 + (1.0 - y) * np.log1p(-p) ** 2


def one_minus_prob_of_label(y_pred, y_true):
    """1 - (y p + (1-y)(1-p)) (= |p - y| on labels): symmetric, not proper."""
    p = np.asarray(y_pred, float)
    y = np.asarray(y_true, float)
    return 1.0 - (y * p + (1.0 - y) * (1.0 - p))


# ---- distribution (K = 3) ------------------------------------------------
def weighted_sq_miss(y_pred, y_true):
    """sum_c y_c (1 - p_c)^2: zero at the one-hot label, but not proper."""
    p = np.asarray(y_pred, float)
    y = np.asarray(y_true, float)
    return np.sum(y * (1.0 - p) ** 2, axis=-1)


# ---- regression ----------------------------------------------------------
def affine_mae(y_pred, y_true):
    """2|r| + 5: an affine map of the absolute error, elicits the median."""
    return 2.0 * np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float)) + 5.0


def expectile_0p3(y_pred, y_true):
    """Asymmetric squared error, tau = 0.3 weight on under-prediction."""
    r = np.asarray(y_true, float) - np.asarray(y_pred, float)
    return np.where(r >= 0, 0.3, 0.7) * r ** 2


def huber_0p5(y_pred, y_true):
    """Huber, delta = 0.5."""
    a = np.abs(np.asarray(y_pred, float) - np.asarray(y_true, float))
    return np.where(a <= 0.5, 0.5 * a ** 2, 0.5 * a - 0.125)


# ---- logits (K = 3) ------------------------------------------------------
def crammer_singer_k3(y_pred, y_true):
    """max(0, 1 + max_{j != c} z_j - z_c)."""
    z = np.asarray(y_pred, float)
    y = np.asarray(y_true, float)
    z, y = np.broadcast_arrays(z, y)
    zc = np.sum(y * z, axis=-1)
    other = np.max(np.where(y > 0.5, -np.inf, z), axis=-1)
    return np.maximum(0.0, 1.0 + other - zc)


def focal_logits_g2(y_pred, y_true):
    """Multiclass focal loss, gamma = 2: -(1 - s_c)^2 log s_c, s = softmax(z)."""
    z = np.asarray(y_pred, float)
    y = np.asarray(y_true, float)
    logs = np.sum(y * z, axis=-1) - _lse(z)
    return -(1.0 - np.exp(logs)) ** 2 * logs


NA = "na"
TRUTH = {
    "bounded_exp_margin": {
        "kind": "margin",
        "truth": {"calibration": True, "properness": NA, "statistic": NA, "symmetry": False},
        "why": {"calibration": "eta>1/2: f>0 gives eta*e^-f+(1-eta) -> 1-eta; f<=0 gives eta+(1-eta)e^f >= eta > 1-eta (non-convex yet calibrated)",
                "symmetry": "S(m)=1+e^-|m|: S(0)=2, S(1)=1.3679 (bounded but not symmetric)"}},
    "squared_log_score": {
        "kind": "probability",
        "truth": {"calibration": NA, "properness": False, "statistic": NA, "symmetry": False},
        "why": {"properness": "dE/dp at p=q is 2(log q - log(1-q)) != 0 unless q=1/2; q=0.3 -> minimiser p~0.2 (minimised at the label yet not proper)",
                "symmetry": "S(p)=log^2 p+log^2(1-p): S(0.5)=0.961, S(0.1)=5.313"}},
    "one_minus_prob_of_label": {
        "kind": "probability",
        "truth": {"calibration": NA, "properness": False, "statistic": NA, "symmetry": True},
        "why": {"properness": "E = q(1-p)+(1-q)p is linear in p: minimised at p->1 for q>1/2, p=q is not the minimiser",
                "symmetry": "L(p,0)+L(p,1) = p + (1-p) = 1"}},
    "weighted_sq_miss": {
        "kind": "distribution", "classes": 3,
        "truth": {"calibration": NA, "properness": False, "statistic": NA, "symmetry": NA},
        "why": {"properness": "E=sum q_c(1-p_c)^2; Lagrange gives 1-p_c = mu/q_c, so q=(.5,.3,.2) -> p*=(.613,.355,.032) != q; zero at the label yet not proper"}},
    "affine_mae": {
        "kind": "regression",
        "truth": {"calibration": NA, "properness": NA, "statistic": "median", "symmetry": NA},
        "why": {"statistic": "dL/dy_pred = 2 sign(r): expected derivative 2(F(x)-P(Y>x)) changes sign at the median"}},
    "expectile_0p3": {
        "kind": "regression",
        "truth": {"calibration": NA, "properness": NA, "statistic": "0.3-expectile", "symmetry": NA},
        "why": {"statistic": "dL/dx = 2(x-y)(0.7 if y<x else 0.3): zero of 0.3E(Y-x)_+ = 0.7E(x-Y)_+ is the 0.3-expectile"}},
    "huber_0p5": {
        "kind": "regression",
        "truth": {"calibration": NA, "properness": NA, "statistic": "none", "symmetry": NA},
        "why": {"statistic": "psi = clip(r,-.5,.5) is neither affine nor a sign: Y in {0,1} w (.8,.2) -> minimiser 0.125 (mean .2, median 0, not a support point); implied expectile levels 0.364 vs 0.207 on Y={1,2,6} w (.3,.3,.4): no expectile"}},
    "crammer_singer_k3": {
        "kind": "logits", "classes": 3,
        "truth": {"calibration": False, "properness": NA, "statistic": NA, "symmetry": False},
        "why": {"calibration": "q=(.4,.3,.3): risk at z=0 is 1, at (t,0,0) is 1+0.2t; z=0 (all tied, and z=(0,e,0) arbitrarily close) attains the infimum 1 with a wrong class ranked first",
                "symmetry": "sum_c L(z,e_c): 3 at z=0, 0+2+2=4 at z=(1,0,0)"}},
    "focal_logits_g2": {
        "kind": "logits", "classes": 3,
        "truth": {"calibration": True, "properness": NA, "statistic": NA, "symmetry": False},
        "why": {"calibration": "risk sum q_c phi(s_c), phi(s)=-(1-s)^2 log s strictly decreasing convex... the minimiser s* is order-preserving in q (Charoenphakdee et al. 2021: focal is classification-calibrated although not strictly proper)",
                "symmetry": "sum_c L: 3*(4/9)log3=1.465 at z=0 vs ~large at z=(10,0,0)"}},
}
