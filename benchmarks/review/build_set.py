#!/usr/bin/env python3
"""Builds scalar_review.json: 30 hand-derived scalar losses probing issue 9's classes."""
import json, os
R = "(y_pred - y_true)"
M = "y_true*y_pred"
P = ["convexity", "differentiability", "smoothness", "robustness", "sparsity", "monotonicity"]

CLASSES = {}
def E(cls, id, expr, kind, bits, grade, why, refs, **kw):
    t = dict(zip(P, [c == "T" for c in bits]))
    assert (grade != "unbounded") == t["robustness"], id
    e = {"id": id, "expr": expr, "kind": kind, "truth": t, "robustness_grade": grade,
         "why": why, "refs": refs}
    CLASSES[id] = cls
    e.update(kw)
    return e

S = [
# ---- class 1: pieces meeting at a decimal constant
E(1, "smooth_l1_beta0p45", f"where(abs{R} < 0.45, {R}**2/0.9, abs{R} - 0.225)", "regression", "TTTTFT", "bounded",
  "r^2/0.9 meets |r|-0.225 at |r|=0.45 with value 0.225 and slope 1 in exact arithmetic: C1, L'' in {1/0.45, 0} (20/9-smooth); |psi|<=1; psi(0)=0 so not sparse.",
  "smooth L1 (Girshick 2015; PyTorch SmoothL1Loss), beta=0.45"),
E(1, "huber_microkink_2p1", f"where(abs{R} <= 2.1, 0.5*{R}**2, 2.1000001*abs{R} - 2.20500021)", "regression", "TFFTFT", "bounded",
  "Continuous at |r|=2.1 (2.205 both sides, exactly) but slopes 2.1 inside vs 2.1000001 outside: a genuine convex kink of 1e-7 (rel. 5e-8, far above float rounding): convex, not differentiable, not smooth; |psi|<=2.1000001; psi(0)=0.",
  "Huber delta=2.1 with a perturbed outer slope (synthetic)"),
E(1, "huber_jump_1p35", f"where(abs{R} <= 1.35, 0.5*{R}**2, 1.35*abs{R} - 0.9112)", "regression", "FFFTFT", "bounded",
  "Outer constant 0.9112 instead of 0.5*1.35^2=0.91125: L jumps up by 5e-5 at |r|=1.35 (inside 0.91125, outside 0.9113): discontinuous, so not differentiable/smooth and not convex (chord a=1.35,b=1.35+2h,t=1/2); still nondecreasing in |r|; |psi|<=1.35.",
  "Huber delta=1.35 with a rounded constant (synthetic truncation trap)"),
E(1, "huberized_hinge_h0p7", f"where({M} >= 1, 0, where({M} <= 0.3, 0.65 - {M}, (1 - {M})**2/1.4))", "margin", "TTTTFT", "bounded",
  "h=0.7: at m=0.3 value 0.35 and slope -1 on both sides, at m=1 value 0 and slope 0: C1, L'' in {0,1/0.7,0}; |psi|<=1; psi->0 at the minimizer set m>=1 (not sparse).",
  "huberized hinge (Rosset & Zhu 2007; Chapelle 2007), h=0.7"),
E(1, "modified_huber_knot_m0p6", f"where({M} >= -0.6, max(0, 1 - {M})**2, -3.2*{M} + 0.64)", "margin", "TTTTFT", "bounded",
  "Knot at m=-0.6: (1.6)^2=2.56=-3.2*(-0.6)+0.64 and slope -3.2 both sides (C1); L'' in {0,2,0}; |psi|<=3.2; psi->0 at m=1 (not sparse).",
  "modified Huber (Zhang 2004) with the linear part starting at m=-0.6 (synthetic)"),
E(1, "hampel_1p2_2p1_3p9", f"where(abs{R} <= 1.2, 0.5*{R}**2, where(abs{R} <= 2.1, 1.2*abs{R} - 0.72, where(abs{R} <= 3.9, 2.88 - 1.08*((3.9 - abs{R})/1.8)**2, 2.88)))", "regression", "FTTTFT", "redescending",
  "Hampel three-part (a,b,c)=(1.2,2.1,3.9): values 0.72/1.8/2.88 and slopes 1.2/1.2/0 match at each knot (C1), L'' in {1,0,-2/3,0} (1-smooth); constant tail: nonconvex, psi=0 for |r|>=3.9.",
  "Hampel redescending M-estimator (Hampel et al. 1986), a=1.2 b=2.1 c=3.9"),
# ---- class 2: curvature singular vs huge-but-finite
E(2, "sq_hinge_pow1p75_0p6", f"max(0, 0.6 - {M})**1.75", "margin", "TTFFFT", "unbounded",
  "psi_m=-1.75(0.6-m)^0.75 ->0 at m=0.6 (C1) but L''=1.3125(0.6-m)^(-1/4) -> inf as m->0.6^-: not L-smooth; |psi| -> inf as m->-inf; psi->0 at the minimizer set.",
  "power hinge max(0,c-m)^p, p=1.75, c=0.6 (synthetic)"),
E(2, "pow_1p25_0p8", f"0.8*abs{R}**1.25", "regression", "TTFFFT", "unbounded",
  "psi=|r|^0.25 sign(r) is continuous with psi(0)=0 (differentiable) but L''=0.25|r|^(-3/4) -> inf at r=0 (not smooth); psi grows like |r|^(1/4) (slow but unbounded).",
  "power loss |r|^p, p=1.25 (Lp regression)"),
E(2, "charbonnier_1em6", f"sqrt({R}**2 + 1e-6)", "regression", "TTTTFT", "bounded",
  "L''=1e-6/(r^2+1e-6)^(3/2) <= 1/sqrt(1e-6)=1000 at r=0: huge but finite (1000-smooth); psi=r/sqrt(r^2+1e-6)->+-1; psi(0)=0 (not sparse).",
  "Charbonnier / L1-L2 (Charbonnier et al. 1994), eps^2=1e-6"),
E(2, "bce_eps_1em8", "-(y_true*log(y_pred + 1e-8) + (1 - y_true)*log(1 - y_pred + 1e-8))", "probability", "TTTTFT", "bounded",
  "y=1: -log(p+1e-8), L''=1/(p+1e-8)^2 <= 1e16 and |psi|<=1e8 on (0,1): finite (smooth, huge constant; robust, bound 1e8 at the wrong end); y=0 mirrored; infimum at the edge p=y not attained.",
  "binary cross-entropy with eps=1e-8 inside the log (common implementation guard)"),
E(2, "hellinger_pos", "(sqrt(y_pred) - sqrt(y_true))**2", "positive", "TTFFFT", "unbounded",
  "L=y_pred-2sqrt(y y_pred)+y: L''=sqrt(y)/(2 y_pred^(3/2)) >=0 but -> inf as y_pred->0 for y>0 (not smooth); psi=1-sqrt(y/y_pred)->1 as y_pred->inf but -> -inf as y->inf at fixed y_pred (outlier target); y=0: L=y_pred, no attained minimum.",
  "squared Hellinger distance between Poisson rates / sqrt-transformed squared error (Anscombe-type)"),
E(2, "msle_eps_1em8", "(log(y_pred + 1e-8) - log(y_true + 1e-8))**2", "positive", "FTTFFT", "unbounded",
  "u=log(y_pred+e)-log(y+e), L''=2(1-u)/(y_pred+e)^2: <0 once u>1 (nonconvex); sup|L''| is the y_pred->0 limit 2(1+log((y+e)/e))/e^2 ~ 1e16*(...): huge but finite per target; psi=2u/(y_pred+e): ->0 as y_pred->inf but -> -inf as y->inf (outlier target); y=0: min at y_pred=0 not attained.",
  "squared log error with eps=1e-8 (log(x+eps) guard)", spec_sensitive={"smoothness": "constant 2(1+log((y+1e-8)/1e-8))*1e16 is per target, not uniform in y"}),
# ---- class 3: caps, max of affine, truncation (kinks seen by all)
E(3, "min_sq_cap_0p3", f"min({R}**2, 0.3)", "regression", "FFFTFT", "redescending",
  "Cap reached at |r|=sqrt(0.3): psi jumps 2sqrt(0.3)->0 (kink, concave): nonconvex, not differentiable, not smooth; psi=0 beyond (redescending); psi(0)=0 (not sparse).",
  "truncated quadratic / Talwar-type cap (synthetic constant)"),
E(3, "max3_affine", f"max(max(-0.6*{R}, 0.2*{R}), 1.1*{R} - 0.9)", "regression", "TFFTTT", "bounded",
  "Max of three affine maps: convex; kinks at r=0 (slopes -0.6/+0.2) and r=1 (0.2/1.1): not differentiable, not smooth; minimum at r=0 with slopes -0.6,+0.2 (sparse); |psi|<=1.1.",
  "asymmetric piecewise-linear loss (max of affine maps, synthetic)"),
E(3, "trunc_sq_hinge_2p25", f"min(max(0, 1 - {M})**2, 2.25)", "margin", "FFFTFT", "redescending",
  "Squared hinge capped at 2.25, reached at m=-0.5 where the slope jumps -3 -> 0 (concave kink): nonconvex, not differentiable, not smooth; psi=0 for m<-0.5; psi->0 at m=1 (not sparse).",
  "truncated squared hinge (robust SVM, e.g. Wu & Liu 2007 style), cap 2.25"),
E(3, "trunc_abs_0p9", f"min(abs{R}, 0.9)", "regression", "FFFTTT", "redescending",
  "Convex kink at r=0 (slopes -1,+1: sparse) and concave kinks at |r|=0.9 (slope 1->0): nonconvex, not differentiable, not smooth; psi=0 beyond 0.9.",
  "truncated absolute loss (trimmed L1, synthetic)"),
E(3, "max_sq_line", f"max({R}**2, 0.5*{R} + 0.3)", "regression", "TFFFTF", "unbounded",
  "Max of convex: convex; kinks where r^2=0.5r+0.3, r=(0.5-+sqrt(1.45))/2 ~ -0.352, 0.852; minimum at r1~-0.352 (slopes 2r1~-0.704 and +0.5: sparse) with L=0.124 < L(0)=0.3: moving to y increases L (not monotone); psi=2r unbounded.",
  "max of a parabola and a line (synthetic consistency trap)"),
E(3, "logratio_abs_cap_1p5", "min(abs(log(y_pred/y_true)), 1.5)", "positive", "FFFTTT", "redescending",
  "Needs y>0. Kink at y_pred=y (slopes -1/y,+1/y: sparse, attained) and caps at y_pred=y e^(+-1.5) (slope -> 0); log pieces concave (nonconvex); psi=0 once |log(y_pred/y)|>1.5, also as y->inf at fixed y_pred.",
  "capped absolute log-ratio error (synthetic)", target_domain="(0, inf)"),
# ---- class 4: features at small scale
E(4, "keras_bce_clip_1em7", "-(y_true*log(min(max(y_pred, 1e-7), 0.9999999)) + (1 - y_true)*log(1 - min(max(y_pred, 1e-7), 0.9999999)))", "probability", "FFFTTT", "redescending",
  "Keras-style clip to [1e-7, 1-1e-7]: y=1: constant on (0,1e-7] then -log p (concave kink at 1e-7, slope 0 -> -1e7: nonconvex, not differentiable), constant minimum on [1-1e-7,1) reached with slope ~-1 (attained, sparse); psi=0 at the wrong end (redescending); y=0 mirrored.",
  "binary cross-entropy with Keras/TF clipping, epsilon=1e-7"),
E(4, "poisson_clip_1em5", "y_pred - y_true*log(max(y_pred, 1e-5))", "positive", "FFFFFF", "unbounded",
  "y>0: slope 1 below 1e-5, 1-y/1e-5 just above: concave kink (nonconvex, not differentiable/smooth); on (0,1e-5) L rises with y_pred toward y>1e-5 (not monotone: y=1, 1e-6 -> 5e-6); psi=1-y/y_pred -> -inf as y->inf; y=0: L=y_pred, no attained minimum.",
  "Poisson NLL with the prediction clipped at 1e-5 (clip guard)"),
E(4, "sq_floor_1em6", f"max({R}**2, 1e-6)", "regression", "TFFFTT", "unbounded",
  "Flat 1e-6 on |r|<=1e-3, r^2 outside: convex (max of convex), kinks at |r|=1e-3 (slope 0 -> +-2e-3): not differentiable, not smooth; minimizer set [y-1e-3,y+1e-3] approached with |psi|->2e-3>0 (sparse); psi unbounded.",
  "squared error floored at 1e-6 (synthetic small-scale floor)"),
E(4, "smooth_l1_beta1em4", f"where(abs{R} <= 1e-4, 0.5*{R}**2/1e-4, abs{R} - 5e-5)", "regression", "TTTTFT", "bounded",
  "beta=1e-4: value 5e-5 and slope 1 match at |r|=1e-4 (C1); L'' in {1e4, 0}: 1e4-smooth; looks like |r| above 1e-4 but psi(0)=0 (not sparse); |psi|<=1.",
  "smooth L1 with a tiny beta=1e-4"),
E(4, "abs_prob_floor_1em5", "max(abs(y_pred - y_true), 1e-5)", "probability", "TFFTTT", "bounded",
  "y=1: max(1-p, 1e-5): kink at p=1-1e-5 inside (0,1) (slope -1 -> 0): convex, not differentiable/smooth; minimum 1e-5 attained on [1-1e-5,1) approached with |psi|=1 (sparse); |psi|=1 at the wrong end; y=0 mirrored.",
  "absolute error on probabilities with a 1e-5 floor (synthetic)"),
E(4, "logistic_floor_1em5", f"max(log1p(exp(-{M})), 1e-5)", "margin", "TFFTTT", "bounded",
  "Floor reached at m0=-log(e^(1e-5)-1)~11.513: slope in m jumps -(1-e^(-1e-5))~-1e-5 -> 0 (convex kink): not differentiable/smooth; minimum 1e-5 attained on m>=m0 and approached with |psi|->1-e^(-1e-5)>0 (sparse); |psi|->1 as m->-inf.",
  "logistic loss floored at 1e-5 (synthetic)"),
# ---- class 6: differentiability class needs care
E(6, "tukey_4p685_poly", f"where(abs{R} <= 4.685, {R}**2/2 - {R}**4/(2*4.685**2) + {R}**6/(6*4.685**4), 4.685**2/6)", "regression", "FTTTFT", "redescending",
  "Expanded Tukey biweight, c=4.685: psi=r(1-u)^2 and L''=(1-u)(1-5u) (u=(r/c)^2) both vanish at |r|=c: C2; L'' in [-0.8,1] (smooth); constant tail (nonconvex, psi=0 beyond c).",
  "Tukey biweight (Beaton & Tukey 1974), statsmodels TukeyBiweight default c=4.685"),
E(6, "fair_1p3998", f"1.3998*abs{R} - 1.3998**2*log(1 + abs{R}/1.3998)", "regression", "TTTTFT", "bounded",
  "c|r|-c^2 log(1+|r|/c) = r^2/2 - |r|^3/(3c) + ...: psi=r/(1+|r|/c) continuous with psi(0)=0 (C2 at 0, no kink); L''=1/(1+|r|/c)^2 in (0,1]; |psi| -> c=1.3998.",
  "Fair loss (Fair 1974), statsmodels-era default c=1.3998"),
E(6, "fair_mismatch_1p4_1p5", f"1.4*abs{R} - 1.96*log(1 + abs{R}/1.5)", "regression", "TFFTTT", "bounded",
  "Looks like Fair but the constants do not match: psi(0+)=1.4-1.96/1.5=0.0933>0, a convex kink at r=0 (not differentiable, not smooth, sparse with slopes -+0.0933); L''=1.96/(1.5+|r|)^2>0 per side; |psi|->1.4.",
  "Fair-type loss with mismatched constants (synthetic)"),
E(6, "smoothstep_cap_0p9", "where(abs(y_pred - y_true) <= 0.9, 3*((y_pred - y_true)/0.9)**2 - 2*(abs(y_pred - y_true)/0.9)**3, 1)", "regression", "FTTTFT", "redescending",
  "f=3x^2-2|x|^3, x=r/0.9: C2 at 0 (|x|^3), and f(1)=1, f'(1)=0 at |r|=0.9 (C1, L'' jumps -6/0.81 -> 0); |L''|<=6/0.81 (smooth); bounded nonconstant: nonconvex; psi=0 beyond 0.9.",
  "smoothstep-capped loss (synthetic, C1 at a decimal)"),
E(6, "andrews_1p339", f"where(abs{R} <= 1.339*pi, 1.339**2*(1 - cos({R}/1.339)), 2*1.339**2)", "regression", "FTTTFT", "redescending",
  "Andrews wave a=1.339: psi=a sin(r/a) vanishes at |r|=a*pi (C1; L''=cos(r/a) jumps -1 -> 0, not C2); |L''|<=1; constant tail: nonconvex, psi=0 beyond.",
  "Andrews sine wave (Andrews 1974), statsmodels AndrewWave default a=1.339"),
E(6, "expectile_0p3", "where(y_true - y_pred > 0, 0.3*(y_true - y_pred)**2, 0.7*(y_true - y_pred)**2)", "regression", "TTTFFT", "unbounded",
  "psi=0.6r (r<0), 1.4r (r>0): continuous, 0 at r=0 (C1, not C2: L'' jumps 0.6 -> 1.4, one-sided values bounded: 1.4-smooth); psi unbounded; psi(0)=0.",
  "expectile (asymmetric least squares, Newey & Powell 1987), tau=0.3"),
]
assert len(S) == 30 and len({e["id"] for e in S}) == 30
here = os.path.dirname(os.path.abspath(__file__))
json.dump(S, open(os.path.join(here, "scalar_review.json"), "w"), indent=1)
json.dump(CLASSES, open(os.path.join(here, "scalar_review_classes.json"), "w"), indent=1)
print(len(S), {c: sum(v == c for v in CLASSES.values()) for c in (1, 2, 3, 4, 6)})
