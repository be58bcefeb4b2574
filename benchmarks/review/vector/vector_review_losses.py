"""Review set for issue 10: user-supplied VECTOR losses as vectorised numpy callables.

Signature ``name(y_pred, y_true)``; both arrays have the K classes / outputs on the LAST
axis, leading axes broadcast; the loss reduces over the last axis only.

TRUTH (bottom) holds the hand-derived verdicts of the six optimisation properties under
/work/shared/spec/properties.md, one-line reason each; verify_vector_review.py re-checks
the claims a second way (mpmath, 50 digits, on twins of these functions).
"""
import numpy as np


def _lse(z):
    m = np.max(z, axis=-1, keepdims=True)
    return m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))


def _arr(y_pred, y_true):
    z = np.asarray(y_pred, dtype=float)
    y = np.asarray(y_true, dtype=float)
    return np.broadcast_arrays(z, y)


def ww_sq_hinge(y_pred, y_true):
    """Weston-Watkins SQUARED hinge on logits: sum_{j != c} max(0, 1 - (z_c - z_j))**2.
    Written with np.maximum, but C1 (the squared hinge has no slope jump)."""
    z, y = _arr(y_pred, y_true)
    zc = np.sum(y * z, axis=-1, keepdims=True)
    return np.sum((1.0 - y) * np.maximum(0.0, 1.0 - (zc - z)) ** 2, axis=-1)


def clipped_ce(y_pred, y_true):
    """Cross-entropy on the simplex with the probabilities clipped as in practice
    (np.clip(p, 0.01, 1)): a kink where p_j crosses 0.01, flat below it."""
    p, y = _arr(y_pred, y_true)
    return -np.sum(y * np.log(np.clip(p, 0.01, 1.0)), axis=-1)


def linf_box(y_pred, y_true):
    """Max-norm error on the unit box: max_i |yhat_i - y_i| (np.max over the outputs)."""
    p, y = _arr(y_pred, y_true)
    return np.max(np.abs(p - y), axis=-1)


def _sparsemax(z):
    k = z.shape[-1]
    zs = -np.sort(-z, axis=-1)
    cs = np.cumsum(zs, axis=-1)
    r = np.arange(1, k + 1, dtype=float)
    support = (1.0 + r * zs) > cs
    kz = np.sum(support, axis=-1, keepdims=True)
    tau = (np.take_along_axis(cs, kz - 1, axis=-1) - 1.0) / kz
    return np.maximum(z - tau, 0.0)


def sparsemax_loss(y_pred, y_true):
    """Sparsemax loss (Martins & Astudillo 2016), the Fenchel-Young loss of 1/2||p||^2 on
    the simplex: max_p (p.z - 1/2||p||^2) + 1/2 - z_c, evaluated at p = sparsemax(z)."""
    z, y = _arr(y_pred, y_true)
    p = _sparsemax(z)
    return np.sum(p * z, axis=-1) - 0.5 * np.sum(p * p, axis=-1) + 0.5 - np.sum(y * z, axis=-1)


def smooth_svm(y_pred, y_true):
    """Smooth top-1 SVM (Berrada, Zisserman & Kumar 2018), tau = 0.5:
    tau * log(1 + sum_{j != c} exp((1 + z_j - z_c)/tau))."""
    z, y = _arr(y_pred, y_true)
    zc = np.sum(y * z, axis=-1, keepdims=True)
    a = (1.0 - y) * (1.0 + z - zc) / 0.5      # the true class's entry is exp(0) = 1
    return 0.5 * _lse(a)


def js_divergence(y_pred, y_true):
    """Jensen-Shannon divergence on the simplex, natural log:
    1/2 KL(p || m) + 1/2 KL(y || m), m = (p + y)/2."""
    p, y = _arr(y_pred, y_true)
    m = 0.5 * (p + y)
    return 0.5 * np.sum(p * np.log(p / m), axis=-1) + 0.5 * np.sum(y * np.log(y / m), axis=-1)


def euclid_simplex(y_pred, y_true):
    """Euclidean distance on the simplex: ||p - y||_2 (a cone kink at p = y)."""
    p, y = _arr(y_pred, y_true)
    return np.sqrt(np.sum((p - y) ** 2, axis=-1))


def sce(y_pred, y_true):
    """Symmetric cross-entropy (Wang et al. 2019), alpha = 0.1, beta = 1, on logits:
    0.1 * CE + RCE, RCE = -sum_j s_j log(clip(y_j, 1e-4, 1)) = -log(1e-4) (1 - s_c).
    The np.clip acts on the TARGET, not on the prediction: smooth in z."""
    z, y = _arr(y_pred, y_true)
    lse = _lse(z)
    s = np.exp(z - lse[..., None])
    ce = lse - np.sum(y * z, axis=-1)
    rce = -np.sum(s * np.log(np.clip(y, 1e-4, 1.0)), axis=-1)
    return 0.1 * ce + rce


def _t(c, d, s, r, sp, m):
    return {"convexity": c, "differentiability": d, "smoothness": s,
            "robustness": r, "sparsity": sp, "monotonicity": m}


# Ground truth (every valid target of the kind, at the K given; verdicts do not depend on K
# for these losses).  Reasons, one line per property.
TRUTH = {
    "ww_sq_hinge": {
        "truth": _t(True, True, True, False, False, True), "robustness_grade": "unbounded",
        "why": {
            "convexity": "sum of squares of nonnegative convex hinges of affine maps: convex",
            "differentiability": "d/dm max(0,1-m)^2 = -2 max(0,1-m) is continuous: C1 everywhere",
            "smoothness": "Hessian sum_active 2(e_j-e_c)(e_j-e_c)^T, norm <= 2K; one-sided Hessians bounded: L-smooth",
            "robustness": "gradient 2(1-m)(e_j-e_c) grows linearly as the margin m -> -inf: unbounded",
            "sparsity": "minimum 0 on {m_j >= 1}, but the gradient -> 0 as it is approached (squared hinge)",
            "monotonicity": "shift-invariant, each term nonincreasing in its margin: monotone"}},
    "clipped_ce": {
        "truth": _t(False, False, False, True, False, False), "robustness_grade": "bounded",
        "why": {
            "convexity": "-log(max(p,0.01)) has a concave kink at 0.01 (slopes 0 then -100): y=(1/3,1/3,1/3), a=(.005,.4975,.4975), b=(.015,.4925,.4925) breaks the chord",
            "differentiability": "kink where p_j = 0.01 inside the open simplex (tangent slopes differ by y_j*100)",
            "smoothness": "the same kink: gradient jump",
            "robustness": "tangent gradient entries -y_j/max(p_j,.01) are bounded by 100; at p=(eps,.5,.5) the limit is nonzero: bounded",
            "sparsity": "y=(1/3,1/3,1/3): minimizer p=y is a smooth stationary point, gradient -> 0",
            "monotonicity": "y=(.02,.49,.49): p=(.001,.4995,.4995) -> 10% toward y keeps p_0 clipped while p_1,p_2 fall: L rises"}},
    "linf_box": {
        "truth": _t(True, False, False, True, False, True), "robustness_grade": "bounded",
        "why": {
            "convexity": "max of |affine|: convex",
            "differentiability": "kinks where two |r_i| tie, e.g. y=0, yhat=(.5,.5,.2)",
            "smoothness": "gradient jumps across the ties",
            "robustness": "gradient is +-e_i, norm 1 (bounded box): bounded, not vanishing",
            "sparsity": "y in {0,1}^K is a corner outside the open box: minimum not attained",
            "monotonicity": "along [yhat, y) every |r_i| scales by (1-t): max decreases"}},
    "sparsemax_loss": {
        "truth": _t(True, True, True, True, False, True), "robustness_grade": "bounded",
        "why": {
            "convexity": "Fenchel conjugate of 1/2||p||^2 + simplex indicator, minus a linear term: convex",
            "differentiability": "gradient sparsemax(z) - e_c is continuous (Danskin, unique maximiser)",
            "smoothness": "sparsemax is 1-Lipschitz (a Euclidean projection): 1-smooth; only the Hessian jumps",
            "robustness": "|grad| <= sqrt(2) and >= 1 once sparsemax_c = 0 (margin -> -inf): bounded",
            "sparsity": "minimum 0 attained on {z_c - z_j >= 1}, but grad = sparsemax(z)-e_c -> 0 continuously there",
            "monotonicity": "L = Omega*(z - z_c 1) + 1/2, Omega* nondecreasing in each z_j - z_c: monotone in the margins"}},
    "smooth_svm": {
        "truth": _t(True, True, True, True, False, True), "robustness_grade": "bounded",
        "why": {
            "convexity": "tau * logsumexp of affine maps: convex",
            "differentiability": "C-infinity",
            "smoothness": "Hessian (1/tau) A^T (diag q - q q^T) A, bounded (constant <= 2K/tau... finite)",
            "robustness": "gradient sum_j q_j (e_j - e_c), norm in [1, sqrt(2)] as the margin -> -inf: bounded",
            "sparsity": "inf 0 only as every margin -> +inf: not attained",
            "monotonicity": "shift-invariant and increasing in every z_j - z_c: monotone"}},
    "js_divergence": {
        "truth": _t(True, True, False, False, False, True), "robustness_grade": "unbounded",
        "why": {
            "convexity": "f-divergence, jointly convex; d2/dp_j2 = y_j/(2 p_j (p_j+y_j)) > 0",
            "differentiability": "smooth on the open simplex",
            "smoothness": "Hessian y_j/(2p_j(p_j+y_j)) ~ 1/(2 p_j) -> inf toward a face",
            "robustness": "tangent gradient entry 1/2 log(2p_j/(p_j+y_j)) -> -inf (log growth) as p_j -> 0",
            "sparsity": "minimizer p = y interior, gradient 0 there",
            "monotonicity": "convex along the segment with minimum at y: nonincreasing toward y"}},
    "euclid_simplex": {
        "truth": _t(True, False, False, True, True, True), "robustness_grade": "bounded",
        "why": {
            "convexity": "a norm of an affine map: convex",
            "differentiability": "cone kink at p = y (interior target), tangent slopes -1 and +1",
            "smoothness": "gradient jump at p = y",
            "robustness": "gradient (p-y)/||p-y|| is already tangent, norm 1: bounded",
            "sparsity": "minimum at p = y attained, tangent pull exactly 1: sparse",
            "monotonicity": "||(1-t)(p-y)|| decreases along the segment"}},
    "sce": {
        "truth": _t(False, True, True, True, False, True), "robustness_grade": "bounded",
        "why": {
            "convexity": "along e_c: f'' = u(1-u)[0.1 + 9.2103(1-2u)], u = 1-s_c, negative once u > 0.505",
            "differentiability": "C-infinity in z (the clip is on the target)",
            "smoothness": "CE and s_c have bounded Hessians: smooth",
            "robustness": "gradient 0.1(s-e_c) - 9.21 s_c(e_c-s): norm -> >= 0.1*sqrt(1+1/(K-1)) as margin -> -inf: bounded, not redescending",
            "sparsity": "inf only as the margins -> +inf: not attained",
            "monotonicity": "both terms decreasing in s_c, s_c increasing in every margin"}},
}
