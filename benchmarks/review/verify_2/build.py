import json, sys
sys.path.insert(0, '.')
from specs import SPECS
E = {s['id']: s for s in SPECS}
P = ['convexity', 'differentiability', 'smoothness', 'robustness', 'sparsity', 'monotonicity']
def T(c, d, s, r, sp, m): return dict(zip(P, [bool(c), bool(d), bool(s), bool(r), bool(sp), bool(m)]))
D = [
 ('c1_huber_1p345', T(1,1,1,1,0,1), 'bounded',
  "Exact join at |r|=1.345: value 0.5*1.345^2=0.9045125 from both pieces, slope 1.345 from both (no float gap: 1.345 is 269/200). C1; L'' in {1,0} (jump only in L''), so 1-smooth; convex (L''>=0, C1). psi=+-1.345 for |r|>1.345 (bounded, not vanishing); psi(0)=0 so not sparse; sign(psi)=sign(r) so monotone.",
  'Huber 1964; delta=1.345 is the 95%-efficiency default (Holland & Welsch 1977; statsmodels HuberT t=1.345)'),
 ('c1_smooth_l1_beta0p35', T(1,1,1,1,0,1), 'bounded',
  "Division by a decimal: 0.5 r^2/0.35 = (10/7) r^2 meets |r|-0.175 at |r|=0.35 with value 0.175 and slope 1 on both sides (C1). L'' in {20/7, 0}: (20/7)-smooth. |psi|<=1, ->+-1 far out; psi->0 at r=0 (not sparse).",
  'Girshick 2015 (Fast R-CNN); torch.nn.SmoothL1Loss(beta=0.35)'),
 ('c1_hampel_17a', T(0,1,1,1,0,1), 'redescending',
  "Hampel three-part psi with (a,b,c)=(1.7,3.4,8.5): pieces meet at 1.7 (slope 1.7), 3.4 (value 4.335, slope 1.7) and 8.5 (value 8.67, slope 0): C1 everywhere, L'' in {1,0,-1/3,0} so 1-smooth. Concave on 3.4<|r|<8.5 (L''=-1/3): chord r=4,8,t=1/2 gives L(6)-avg=2/3>0, nonconvex. psi=0 for |r|>8.5 (redescending); psi*sign(r)>=0 (monotone); psi(0)=0.",
  'Hampel 1974; Andrews et al. 1972 (Princeton robustness study, Hampel 17A: a=1.7, b=3.4, c=8.5)'),
 ('c1_quantile_huber_t0p3_k1p345', T(1,1,1,1,0,1), 'bounded',
  "Asymmetric weight (0.3 if y>=y_pred else 0.7) times Huber-type H(r)=r^2/2.69 (|r|<=1.345), |r|-0.6725: H joins with value 0.6725 and slope 1 at 1.345. At r=0 both one-sided derivatives are 0 (only L'' jumps 60/269 -> 140/269): C1. L' nondecreasing (-0.3 ... 0 ... 0.7): convex, (140/269)-smooth; psi in [-0.3,0.7]; psi(0)=0 so not sparse.",
  'Huber-quantile / quantile Huber loss (Aravkin et al. 2014), tau=0.3, kappa=1.345'),
 ('c1_modhuber_sqhinge_m2p7', T(1,1,1,1,0,1), 'bounded',
  "Modified-Huber form with threshold -2.7: (1-m)^2 at m=-2.7 is 13.69 = -7.4*(-2.7)-6.29, slope -7.4 both sides: C1; at m=1 max(0,1-m)^2 has slope 0 both sides. L'' in {0,2,0}: convex, 2-smooth. |psi_m|<=7.4, =7.4 as m->-inf; psi->0 at the minimizer set m>=1 (not sparse); nonincreasing in m.",
  'Zhang 2004 (modified Huber, threshold -1), threshold moved to -2.7'),
 ('c2_hinge_pow1p5', T(1,1,0,0,0,1), 'unbounded',
  "(max(0,1-m))^1.5 = convex nondecreasing t^1.5 of a convex hinge: convex. psi_m=-1.5(1-m)^0.5 -> 0 at m=1 from both sides: C1. L''=0.75(1-m)^(-1/2) -> inf as m->1-: not L-smooth (blow-up at the breakpoint). |psi|~1.5|m|^0.5 -> inf as m->-inf (unbounded). psi->0 at the minimizer set m>=1: not sparse.",
  'L_p hinge (p=1.5) as in L_p-SVMs'),
 ('c2_eps_insensitive_pow1p25_0p1', T(1,1,0,0,0,1), 'unbounded',
  "max(0,|r|-0.1)^1.25: psi=1.25(|r|-0.1)^0.25 sign(r) -> 0 at |r|=0.1 (C1), L''=0.3125(|r|-0.1)^(-3/4) -> inf as |r|->0.1+ (not smooth). Convex (convex increasing power of a convex function). psi grows like |r|^0.25 (slow but unbounded). psi->0 at the boundary of the minimizer set [-0.1,0.1]: not sparse.",
  'Vapnik epsilon-insensitive loss (eps=0.1) raised to p=1.25'),
 ('c2_pow_r2c_0p75_c0p01', T(1,1,1,0,0,1), 'unbounded',
  "(r^2+0.01)^0.75 is analytic. L''=(3 sqrt10/2)(50r^2+1)/(100r^2+1)^(5/4) > 0 (convex) and decreasing in r^2 (d/du <0), so sup L''=L''(0)=1.5*0.01^(-1/4)=4.743: smooth, curvature levels off (cf. |r|^1.5). psi~1.5|r|^0.5 -> inf: unbounded; psi(0)=0: not sparse.",
  'generalized Charbonnier (r^2+eps^2)^a (Sun, Roth & Black 2010), a=0.75, eps^2=0.01'),
 ('c2_charbonnier_1em5', T(1,1,1,1,0,1), 'bounded',
  "sqrt(r^2+1e-10): L''=1e-10/(r^2+1e-10)^(3/2) in (0, 1e5], maximum 1e5 at r=0: huge but finite, so L-smooth (L=1e5) and C-infinity (no kink; it only looks like |r|). |psi|=|r|/sqrt(r^2+1e-10) <1, ->1; psi(0)=0 so NOT sparse.",
  'Charbonnier et al. 1994, eps=1e-5'),
 ('c2_bce_eps1em9', T(1,1,1,1,0,1), 'bounded',
  "y=1: -log(p+1e-9) on (0,1): L''=1/(p+1e-9)^2 <= 1e18 and |psi|=1/(p+1e-9) <= 1e9 as p->0 (the wrong end): finite, so L-smooth (1e18) and robust with bound 1e9 (not vanishing). y=0 mirrored. Convex (L''>0). Infimum at p->y in {0,1} not attained on (0,1): not sparse. psi has the right sign: monotone.",
  'binary cross-entropy with the common log(p + 1e-9) guard'),
 ('c3_capped_sq_2', T(0,0,0,1,0,1), 'redescending',
  "min(r^2,2) switches at the irrational |r|=sqrt2 with one-sided slopes 2sqrt2 and 0: gradient jump, so not differentiable, not smooth. Chord r=1,2,t=1/2: L(1.5)=2 > 1.5, nonconvex. psi=0 for |r|>sqrt2 (redescending); psi(0)=0 (not sparse); nondecreasing in |r| (monotone).",
  'truncated (capped) quadratic / Talwar (Hinich & Talwar 1975), cap 2'),
 ('c3_max_quad_absline_0p3', T(1,0,0,0,0,1), 'unbounded',
  "0.5r^2 = |r|-0.3 at |r| = 1 -+ sqrt(0.4) = 0.3675, 1.6325 (irrational); the max switches there with slope jumps 0.3675->1 and 1->1.6325: 4 kinks, not differentiable, not smooth. Max of convex: convex. Quadratic near 0 (psi(0)=0, not sparse) and in the tails (psi unbounded).",
  'constructed: max of a parabola and a shifted |r|'),
 ('c3_max_tangent_1p345', T(1,1,1,0,0,1), 'unbounded',
  "Trap: 0.5r^2-(1.345|r|-0.9045125) = 0.5(|r|-1.345)^2 >= 0, so the max is 0.5r^2 everywhere (the lines are tangent at |r|=1.345, slopes agree there); the abs sits in the branch that never wins. Identical to r^2/2: C-infinity, 1-smooth, convex, psi=r unbounded, not sparse.",
  'constructed: max of a parabola and its tangent lines (Huber linear piece, delta=1.345)'),
 ('c3_max_two_affine', T(1,0,0,1,1,0), 'bounded',
  "Max of two affine maps: convex, one kink where -0.3r = 1.2r-0.45, r=0.3 (slopes -0.3, +1.2): not differentiable, not smooth, sparse (minimizer r=0.3 with nonzero one-sided slopes). Minimum sits at y+0.3, not y: y=0, y_pred 0.3 -> L=-0.09 < L(0.1)=-0.03 with 0.1 closer to y: non-monotone. |psi|<=1.2.",
  'constructed: offset pinball-type max of two affine maps'),
 ('c3_max_logistic_hingeline', T(1,0,0,1,0,1), 'bounded',
  "log(1+e^-m) = 1-m exactly at m*=log(e-1)=0.5413 (irrational); slopes -1 (line) and -1/e (logistic) there: kink, not differentiable, not smooth. Max of convex: convex. psi=-1 for m<m*, bounded; infimum 0 only as m->inf (not attained: not sparse); nonincreasing in m.",
  'constructed: max of logistic loss and the hinge line 1-m'),
 ('c4_keras_bce_clip1em7', T(0,0,0,1,1,1), 'redescending',
  "Keras clips p to [1e-7, 1-1e-7]. y=1: L=16.118 (flat) for p<1e-7, -log p, then flat -log(1-1e-7) for p>1-1e-7. At p=1e-7 slopes 0 -> -1e7 (concave kink): chord p=5e-8,2e-7,t=1/2 breaks convexity by 0.123; kinks at 1e-7 and 1-1e-7: not differentiable, not smooth. psi=0 for p<1e-7 (wrong end): redescending. Minimizer set [1-1e-7,1) is attained and approached with |psi|>=1/(1-1e-7): sparse. y=0 mirrored; monotone.",
  'tf.keras.backend.binary_crossentropy (clip at epsilon()=1e-7)'),
 ('c4_torch_poisson_nll_eps1em8', T(1,1,1,0,0,0), 'unbounded',
  "y_pred - y log(y_pred+1e-8): L''=y/(y_pred+1e-8)^2 >= 0 (convex), sup = y*1e16 finite per target (smooth, target-dependent constant). psi=1-y/(y_pred+1e-8)=0 at y_pred=y-1e-8, so L increases on (y-1e-8, y): non-monotone (y=1e-9: psi>0 everywhere, L(5e-10) > L(1e-10) by ~3.6e-10, ~2% of L). psi -> -inf as y -> inf at fixed y_pred (outlier target): unbounded. Smooth minimum / y=0 not attained: not sparse.",
  'torch.nn.PoissonNLLLoss(log_input=False, eps=1e-8)'),
 ('c4_huber_tiny_1em4', T(1,1,1,1,0,1), 'bounded',
  "Huber with delta=1e-4: 5000 r^2 meets |r|-5e-5 at |r|=1e-4 with value 5e-5 and slope 1: C1 (it looks like |r| but has no kink). L'' in {1e4, 0}: 1e4-smooth. |psi|<=1; psi(0)=0 so not sparse.",
  'Huber 1964 with delta=1e-4 (pseudo-L1)'),
 ('c4_sq_deadzone_1em8', T(1,0,0,0,1,1), 'unbounded',
  "max(0, r^2-1e-8): zero on |r|<=1e-4, r^2-1e-8 outside. At |r|=1e-4 slopes 0 and +-2e-4: a tiny gradient jump, so not differentiable, not smooth. Max of convex: convex. Minimizer set [-1e-4,1e-4] approached with |psi|=2|r|>2e-4: sparse (small but nonzero pull). psi=2r unbounded.",
  'constructed: squared error with a 1e-4 dead zone'),
 ('c4_softplus_threshold20', T(0,0,0,1,0,0), 'bounded',
  "PyTorch softplus(-m) with threshold 20: -m for m<-20, log1p(exp(-m)) for m>=-20. At m=-20 the value jumps from 20 (left limit) to log1p(e^20)=20+2.06e-9: discontinuous, so not convex (chord m=-20-+1e-9, t=1/2: excess 1.03e-9), not differentiable, not smooth. Non-monotone: y=1, m=-20-1e-9 gives 20+1e-9 < L(-20)=20+2.06e-9 at the larger margin. |psi|=1 far out (bounded); no attained minimum (not sparse).",
  'torch.nn.functional.softplus(x, beta=1, threshold=20) used as logistic loss softplus(-y*f)'),
 ('c5_andrews_1p339', T(0,1,1,1,0,1), 'redescending',
  "Andrews wave, a=1.339: a^2(1-cos(r/a)) for |r|<=a*pi (irrational breakpoint), 2a^2=3.585842 beyond. psi=a sin(r/a)=0 at |r|=a*pi: C1; L''=cos(r/a) -> -1 inside vs 0 outside: C1 not C2, |L''|<=1 so 1-smooth. Bounded nonconstant: nonconvex. psi=0 beyond a*pi (redescending); psi*sign(r)=a sin(|r|/a)>=0 (monotone); psi(0)=0.",
  'Andrews 1974; a=1.339 (statsmodels AndrewWave default)'),
 ('c5_tukey_4p685_normalized', T(0,1,1,1,0,1), 'redescending',
  "Tukey biweight normalized to 1: 1-(1-(r/4.685)^2)^3 for |r|<4.685, 1 beyond. psi=(6r/c^2)(1-u)^2 and L''=(6/c^2)(1-u)(1-5u) both vanish at |r|=c: C2 (L''' jumps, 384e6/822656953). sup|L''|=6/4.685^2=0.2734: smooth. Constant tail: nonconvex; psi=0 beyond c: redescending; psi(0)=0: not sparse.",
  'Beaton & Tukey 1974; c=4.685 (95% efficiency), normalized rho/(c^2/6)'),
 ('c6_capped_huber_1p345_at_0p7', T(0,0,0,1,0,1), 'redescending',
  "min(Huber_1.345, 0.7): the cap is hit inside the quadratic piece at |r|=sqrt(1.4)=1.1832 (irrational) since Huber(1.345)=0.9045>0.7, so the decimal Huber join never shows; slope jumps 1.1832 -> 0 there: not differentiable, not smooth. Chord r=1,2,t=1/2: L(1.5)=0.7 > 0.6: nonconvex. psi=0 beyond sqrt1.4: redescending; psi(0)=0: not sparse.",
  'constructed: Huber (delta=1.345) capped at 0.7'),
 ('c6_abs_eps_pow1p5', T(1,0,0,0,1,1), 'unbounded',
  "(|r|+0.01)^1.5: the 0.01 shift keeps L'' bounded near 0 (7.5) but moves the kink: one-sided slopes -+1.5*0.01^0.5=-+0.15 at r=0, so not differentiable, not smooth, and sparse (pull 0.15). Convex increasing power of |r|: convex. psi~1.5|r|^0.5: unbounded.",
  'constructed: shifted power of |r|'),
]
assert len(D) == 24 and len({d[0] for d in D}) == 24
dev = {e['expr'] for e in json.load(open('/work/shared/devset/expressions.json'))}
devid = {e['id'] for e in json.load(open('/work/shared/devset/expressions.json'))}
out = []
for i, t, g, why, refs in D:
    s = E[i]; assert s['expr'] not in dev and i not in devid
    # consistency rules of the spec
    assert not (t['smoothness'] and not t['differentiability']); assert not (t['sparsity'] and t['differentiability'])
    assert (g == 'unbounded') == (not t['robustness'])
    ent = dict(id=i, expr=s['expr'], kind=s['kind'], truth=t, robustness_grade=g, why=why, refs=refs)
    if i == 'c4_keras_bce_clip1em7':
        ent['spec_sensitive'] = {'sparsity': 'literal reading: the clip makes the minimizer set [1-1e-7,1) attained inside (0,1) with a kink (pull ~1); a reading that ignores the clip (plain BCE) would say not sparse.',
                                 'robustness': "literal reading: psi is identically 0 for p<1e-7 (like the ramp), hence redescending; plain BCE would be unbounded."}
    out.append(ent)
json.dump(out, open('/work/review2/scalar_review.json', 'w'), indent=1)
print(len(out))
