"""Second, independent check of the hand-derived truth in vector_review.json: mpmath at 50 digits
on twins of every loss (written here from the formulas, not parsed from the entries), plus the
float callables themselves compared with their twins.  Prints, per entry, the numbers behind each
claim: chord/monotonicity witnesses, one-sided slopes at kinks, curvature and gradient-norm
sequences along gross-error paths, and slopes at the minimizer.
"""
import json, sys, random
import mpmath as mp
import numpy as np
sys.path.insert(0, "/work/review10")
import vector_review_losses as V
mp.mp.dps = 50
M = mp.mpf

def lse(z):
    m = max(z); return m + mp.log(mp.fsum(mp.e**(x - m) for x in z))
def soft(z):
    l = lse(z); return [mp.e**(x - l) for x in z]
def CE(z, y):
    return lse(z) - mp.fsum(a*b for a, b in zip(y, z))
def SC(z, y):
    return mp.e**(mp.fsum(a*b for a, b in zip(y, z)) - lse(z))
def nrm(v): return mp.sqrt(mp.fsum(x*x for x in v))

def sparsemax(z):
    zs = sorted(z, reverse=True); cs = 0; k = 0; csk = 0
    for i, v in enumerate(zs, 1):
        cs += v
        if 1 + i*v > cs: k, csk = i, cs
    tau = (csk - 1)/k
    return [max(x - tau, 0) for x in z]

TW = {
 "sqrt_l1_r3": lambda z, y: mp.sqrt(mp.fsum(abs(a-b) for a, b in zip(z, y))),
 "ball_deadzone_r3": lambda z, y: max(0, nrm([a-b for a, b in zip(z, y)]) - 1),
 "abs_of_sum_r3": lambda z, y: abs(mp.fsum(a-b for a, b in zip(z, y))),
 "ce_centered_norm_k3": lambda z, y: CE(z, y) + M("0.1")*nrm([a - mp.fsum(z)/3 for a in z]),
 "ww_sq_hinge_k3": lambda z, y: mp.fsum((1-b)*max(0, 1 - (mp.fsum(p*q for p, q in zip(y, z)) - a))**2 for a, b in zip(z, y)),
 "clipped_ce_k3": lambda p, y: -mp.fsum(b*mp.log(min(max(a, M("0.01")), 1)) for a, b in zip(p, y)),
 "linf_unit_box_k3": lambda p, y: max(abs(a-b) for a, b in zip(p, y)),
 "euclid_simplex_k4": lambda p, y: nrm([a-b for a, b in zip(p, y)]),
 "pairwise_logistic_k3": lambda z, y: mp.fsum((1-b)*mp.log1p(mp.e**(a - mp.fsum(p*q for p, q in zip(y, z)))) for a, b in zip(z, y)),
 "smooth_svm_k3": lambda z, y: M("0.5")*lse([(1-b)*(1 + a - mp.fsum(p*q for p, q in zip(y, z)))/M("0.5") for a, b in zip(z, y)]),
 "sparsemax_loss_k3": lambda z, y: (lambda p: mp.fsum(a*b for a, b in zip(p, z)) - mp.fsum(a*a for a in p)/2 + M("0.5") - mp.fsum(a*b for a, b in zip(y, z)))(sparsemax(z)),
 "l2reg_ce_k3": lambda z, y: CE(z, y) + M("0.05")*mp.fsum(a*a for a in z),
 "one_minus_sc_sq_k3": lambda z, y: (1 - SC(z, y))**2,
 "wrong_sq_softmax_k3": lambda z, y: mp.fsum((1-b)*s**2 for s, b in zip(soft(z), y)),
 "ce_squared_k3": lambda z, y: CE(z, y)**2,
 "log1p_ce_k3": lambda z, y: mp.log(1 + CE(z, y)),
 "cauchy_plus_l1_r3": lambda z, y: mp.log(1 + mp.fsum((a-b)**2 for a, b in zip(z, y))) + M("0.1")*mp.fsum(abs(a-b) for a, b in zip(z, y)),
 "abs_pow1p5_unit_box_k4": lambda p, y: mp.fsum(abs(a-b)**M("1.5") for a, b in zip(p, y)),
 "chi_ratio_unit_box_k3": lambda p, y: mp.fsum((a-b)**2/(a*(1-a)) for a, b in zip(p, y)),
 "ce_plus_gap_sq_k3": lambda z, y: CE(z, y) + (1 - SC(z, y))**2,
 "logcosh_softmax_k3": lambda z, y: mp.fsum(mp.log(mp.cosh(s - b)) for s, b in zip(soft(z), y)),
 "sce_k3": lambda z, y: M("0.1")*CE(z, y) - mp.log(M("1e-4"))*(1 - SC(z, y)),
 "neyman_chi2_k3": lambda p, y: mp.fsum(b*b/a for a, b in zip(p, y)) - 1,
 "bregman_p1p5_k4": lambda p, y: mp.fsum(a**M("1.5") - b**M("1.5") - M("1.5")*mp.sqrt(b)*(a - b) for a, b in zip(p, y)),
 "abs_pow1p5_simplex_k3": lambda p, y: mp.fsum(abs(a-b)**M("1.5") for a, b in zip(p, y)),
 "pearson_chi2_k3": lambda p, y: mp.fsum((a-b)**2/b for a, b in zip(p, y)),
 "kl_plus_offsimplex_abs_k3": lambda p, y: mp.fsum(b*mp.log(b/a) for a, b in zip(p, y)) + 10*abs(mp.fsum(p) - 1),
 "js_divergence_k3": lambda p, y: mp.fsum(a*mp.log(2*a/(a+b)) for a, b in zip(p, y))/2 + mp.fsum(b*mp.log(2*b/(a+b)) for a, b in zip(p, y))/2,
}
for k3, kk in [("ball_deadzone_r3", "ball_deadzone_r10"), ("smooth_svm_k3", "smooth_svm_k10"),
               ("wrong_sq_softmax_k3", "wrong_sq_softmax_k10"), ("ce_squared_k3", "ce_squared_k10"), ("sce_k3", "sce_k12")]:
    TW[kk] = TW[k3]

ENT = {e["id"]: e for e in json.load(open("/work/review10/vector_review.json"))}
rng = random.Random(1)
H = M("1e-18")

def tangent_basis(K):
    return [[(1 if i == j else 0) - (1 if i == K-1 else 0) for i in range(K)] for j in range(K-1)]

def ddir(L, x, d, y, side=0, h=H):
    f = lambda t: L([a + t*b for a, b in zip(x, d)], y)
    if side > 0: return (f(h) - f(0))/h
    if side < 0: return (f(0) - f(-h))/h
    return (f(h) - f(-h))/(2*h)

def d2dir(L, x, d, y, h=M("1e-12")):
    f = lambda t: L([a + t*b for a, b in zip(x, d)], y)
    return (f(h) - 2*f(0) + f(-h))/h**2

def grad(L, x, y, kind):
    K = len(x)
    if kind != "distribution":
        return [ddir(L, x, [1 if i == j else 0 for i in range(K)], y) for j in range(K)]
    B = tangent_basis(K); D = [ddir(L, x, b, y) for b in B]
    Bm = mp.matrix(B).T; G = Bm * mp.inverse(Bm.T*Bm) * mp.matrix(D)
    return [G[i] for i in range(K)]

def simplex_pt(K):
    w = [M(rng.random())**3 + M("1e-9") for _ in range(K)]; s = mp.fsum(w); return [a/s for a in w]

def rand_pt(e):
    K, kind = e["classes"], e["kind"]
    if kind == "distribution": return simplex_pt(K)
    if kind == "logits": return [M(rng.gauss(0, 1))*10**rng.randint(-1, 1) for _ in range(K)]
    if e["pred_domain"] == "(0, 1)": return [M(rng.random())*(1 - M("1e-6")) + M("5e-7") for _ in range(K)]
    return [M(rng.gauss(0, 1))*10**rng.randint(-1, 2) for _ in range(K)]

def targets(e):
    return [[M(str(v)) for v in t] for t in e["targets"]["vectors"]]

def convex_sample(e, L, n=150):
    worst = M(1)
    for _ in range(n):
        y = rng.choice(targets(e)); a, b = rand_pt(e), rand_pt(e); t = M(rng.random())
        m = [t*p + (1-t)*q for p, q in zip(a, b)]
        la, lb, lm = L(a, y), L(b, y), L(m, y)
        worst = min(worst, (t*la + (1-t)*lb - lm)/(1 + abs(la) + abs(lb)))
    return worst

def mono_sample(e, L, n=120):
    worst = M(1); kind = e["kind"]
    for _ in range(n):
        y = rng.choice(targets(e)); x = rand_pt(e)
        if kind == "logits":
            c = y.index(max(y)); d = [M(rng.gauss(0, 1))*3 for _ in y]
            d[c] = max(d) + M(rng.random())*3 + M("1e-3"); x2 = [a + b for a, b in zip(x, d)]
        else:
            t = M(rng.random()); x2 = [a + t*(b - a) for a, b in zip(x, y)]
        worst = min(worst, L(x, y) - L(x2, y))
    return worst

def fmt(v): return mp.nstr(v, 6)

def report(id, claims):
    e = ENT[id]; L = TW[id]
    print("== %s (%s, K=%d) truth %s" % (id, e["kind"], e["classes"], {k: int(v) for k, v in e["truth"].items()}))
    for c in claims:
        print("   ", c(e, L))

# ---- claim builders ----
def chord(y, a, b, t="0.5"):
    def f(e, L):
        y_, a_, b_, t_ = [M(str(v)) for v in y], [M(str(v)) for v in a], [M(str(v)) for v in b], M(t)
        m = [t_*p + (1-t_)*q for p, q in zip(a_, b_)]
        gap = L(m, y_) - (t_*L(a_, y_) + (1-t_)*L(b_, y_))
        return "convexity witness: L(mid) - chord = %s (%s)" % (fmt(gap), "VIOLATES" if gap > 1e-30 else "no violation!")
    return f
def conv_ok(e, L):
    w = convex_sample(e, L); return "convexity sampled 150 chords: min normalised slack %s (%s)" % (fmt(w), "ok" if w > -1e-30 else "VIOLATION")
def mono_ok(e, L):
    w = mono_sample(e, L); return "monotonicity sampled 120 moves toward the ideal: min L(far)-L(close) %s (%s)" % (fmt(w), "ok" if w > -1e-30 else "VIOLATION")
def mono_bad(y, far, close):
    def f(e, L):
        y_ = [M(str(v)) for v in y]; a = L([M(str(v)) for v in far], y_); b = L([M(str(v)) for v in close], y_)
        return "monotonicity witness: L(farther)=%s L(closer)=%s (%s)" % (fmt(a), fmt(b), "VIOLATES" if b > a + 1e-30 else "no violation!")
    return f
def kink(y, x, d):
    def f(e, L):
        y_, x_, d_ = [M(str(v)) for v in y], [M(str(v)) for v in x], [M(str(v)) for v in d]
        l, r = ddir(L, x_, d_, y_, -1), ddir(L, x_, d_, y_, 1)
        return "kink witness: one-sided slopes %s, %s (%s)" % (fmt(l), fmt(r), "KINK" if abs(l - r) > 1e-10 else "no kink!")
    return f
def diff_ok(e, L):
    w = M(0)
    for _ in range(60):
        y = rng.choice(targets(e)); x = rand_pt(e); K = len(x)
        d = [M(rng.gauss(0, 1)) for _ in x]
        if e["kind"] == "distribution": s = mp.fsum(d)/K; d = [a - s for a in d]
        w = max(w, abs(ddir(L, x, d, y, 1, M("1e-25")) - ddir(L, x, d, y, -1, M("1e-25"))))
    return "differentiability: max one-sided slope gap at 60 random points %s" % fmt(w)
def curv_seq(y, pts, d):
    def f(e, L):
        y_ = [M(str(v)) for v in y]; d_ = [M(str(v)) for v in d]; nd = nrm(d_)
        cs = [abs(d2dir(L, [M(str(v)) for v in p], d_, y_, M("1e-15")*min([1] + [abs(M(str(v))) for v in p if v]))) / nd**2 for p in pts]
        return "curvature along the sequence: %s" % [fmt(c) for c in cs]
    return f
def smooth_ok(e, L):
    w = M(0)
    for _ in range(60):
        y = rng.choice(targets(e)); x = rand_pt(e)
        d = [M(rng.gauss(0, 1)) for _ in x]
        if e["kind"] == "distribution": s = mp.fsum(d)/len(d); d = [a - s for a in d]
        w = max(w, abs(d2dir(L, x, d, y))/nrm(d)**2)
    return "smoothness: max |d2| over 60 random points %s" % fmt(w)
def gradseq(y, pts):
    def f(e, L):
        y_ = [M(str(v)) for v in y]
        gs = [nrm(grad(L, [M(str(v)) if not isinstance(v, mp.mpf) else v for v in p], y_, e["kind"])) for p in pts]
        return "gradient norms along the path: %s" % [fmt(g) for g in gs]
    return f
def minpull(y, xmin, dirs, note=""):
    def f(e, L):
        y_, x_ = [M(str(v)) for v in y], [M(str(v)) for v in xmin]
        sl = [ddir(L, x_, [M(str(v)) for v in d], y_, 1, M("1e-25"))/nrm([M(str(v)) for v in d]) for d in dirs]
        return "slopes out of the minimizer %s: %s %s" % (xmin, [fmt(s) for s in sl], note)
    return f
def values(y, pts, note=""):
    def f(e, L):
        y_ = [M(str(v)) for v in y]
        return "L along %s: %s %s" % (note, [fmt(L([M(str(v)) for v in p], y_)) for p in pts], "")
    return f

def eps_simplex(K, eps, split=None):
    split = split or [M(1)/(K-1)]*(K-1)
    return [M(eps)] + [(1 - M(eps))*M(s) for s in split]

ts = [10, 100, 1000, 10000]
lg3 = lambda t: [-t, 0, 0]
lgu = lambda t: [-t, mp.log(M("0.8")), mp.log(M("0.2"))]
e0, e03 = [1, 0, 0], [1, 0, 0]
R3y = [1.5, -2, 0.25]

C = {
 "sqrt_l1_r3": [chord([0,0,0], [0,0,0], [1,0,0]), kink([0,0,0], [0,1,1], [1,0,0]),
                curv_seq([0,0,0], [[1e-2,1,1], [1e-4,1,1], [1e-6,1,1]], [1,0,0]) ,
                gradseq(R3y, [[1.5+t, -2+t, 0.25] for t in ts]), minpull([0,0,0], [0,0,0], [[1,0,0],[1,1,1],[-1,2,0.3]]), mono_ok],
 "ball_deadzone_r3": [conv_ok, kink([0,0,0], [1,0,0], [1,0,0]), gradseq(R3y, [[1.5+t, -2, 0.25-t] for t in ts]),
                      minpull([0,0,0], [1,0,0], [[1,0,0],[1,1,0]], "(from the sphere outward)"), mono_ok],
 "abs_of_sum_r3": [conv_ok, kink([0,0,0], [1,-1,0], [1,1,1]), gradseq(R3y, [[1.5+t, -2+t, 0.25] for t in ts]),
                   minpull([0,0,0], [1,-1,0], [[1,1,1],[-1,0,0]]), mono_ok],
 "ce_centered_norm_k3": [conv_ok, kink(e0, [0.3,0.3,0.3], [1,-1,0]), gradseq(e0, [lg3(t) for t in ts]), gradseq(e0, [lgu(t) for t in ts]),
                         values(e0, [[a,0,0] for a in [1,2,3,4,5,8,20]], "z=(a,0,0), a=1,2,3,4,5,8,20 (min attained at finite a)"),
                         mono_bad(e0, [4,0,0], [5,0,0])],
 "ww_sq_hinge_k3": [conv_ok, diff_ok, kink(e0, [1,0,0], [1,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]),
                    gradseq(e0, [[1-1/M(10)**k,0,0] for k in [2,4,8]]), mono_ok],
 "clipped_ce_k3": [chord([1/3,1/3,1/3], [0.005,0.4975,0.4975], [0.015,0.4925,0.4925]), kink([1/3,1/3,1/3], [0.01,0.49,0.5], [1,-1,0]),
                   gradseq([0.7,0.2,0.1], [eps_simplex(3, 10**-k) for k in [2,4,8,16]]),
                   gradseq([1/3,1/3,1/3], [[1/M(3)+10**-k, 1/M(3)-10**-k, 1/M(3)] for k in [2,4,8]]),
                   mono_bad([0.02,0.49,0.49], [0.001,0.4995,0.4995], [0.0029,0.49855,0.49855])],
 "linf_unit_box_k3": [conv_ok, kink([0,0,0], [0.5,0.5,0.2], [1,0,0]), gradseq([0,1,0], [[1-10**-k, 10**-k, 0.5] for k in [2,4,8]]),
                      values([0,0,0], [[10**-k]*3 for k in [1,3,6,9]], "toward the corner y (inf 0 not attained)"), mono_ok],
 "euclid_simplex_k4": [conv_ok, kink([0.25]*4, [0.25]*4, [1,-1,0,0]), gradseq([0.4,0.3,0.2,0.1], [eps_simplex(4, 10**-k) for k in [2,4,8]]),
                       minpull([0.4,0.3,0.2,0.1], [0.4,0.3,0.2,0.1], [[1,-1,0,0],[1,1,-1,-1],[-3,1,1,1]]), mono_ok],
 "pairwise_logistic_k3": [conv_ok, diff_ok, smooth_ok, gradseq(e0, [lg3(t) for t in ts]), values(e0, [[t,0,0] for t in [1,10,100]], "z=(t,0,0)"), mono_ok],
 "smooth_svm_k3": [conv_ok, diff_ok, smooth_ok, gradseq(e0, [lg3(t) for t in ts]), gradseq(e0, [lgu(t) for t in ts]), values(e0, [[t,0,0] for t in [1,10,100]], "z=(t,0,0)"), mono_ok],
 "sparsemax_loss_k3": [conv_ok, diff_ok, smooth_ok, gradseq(e0, [lg3(t) for t in ts]),
                       values(e0, [[1,0,0],[2,0,0]], "z=(1,0,0),(2,0,0): min 0 attained"),
                       gradseq(e0, [[1-10**-k,0,0] for k in [2,4,8]]), mono_ok],
 "l2reg_ce_k3": [conv_ok, smooth_ok, gradseq(e0, [lg3(t) for t in ts]), mono_bad(e0, [2,0,0], [3,0,0])],
 "one_minus_sc_sq_k3": [chord(e0, [-6,0,0], [-2,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]), gradseq(e0, [lgu(t) for t in ts]),
                        gradseq(e0, [[0, t, 0] for t in ts]), mono_ok],
 "wrong_sq_softmax_k3": [chord(e0, [-2,0,0], [-6,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]), gradseq(e0, [lgu(t) for t in ts]),
                         gradseq(e0, [[0, t, 0] for t in ts]), mono_bad(e0, [0,0,5], [0.001,-10,5])],
 "ce_squared_k3": [conv_ok, curv_seq(e0, [lg3(t) for t in ts], [0,1,-1]), gradseq(e0, [lg3(t) for t in ts]), mono_ok],
 "log1p_ce_k3": [chord(e0, [-100,0,0], [-1000,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]), gradseq(e0, [lgu(t) for t in ts]), mono_ok],
 "cauchy_plus_l1_r3": [chord([0,0,0], [2,0,0], [4,0,0]), kink([0,0,0], [0,1,1], [1,0,0]), gradseq([0,0,0], [[t,0,0] for t in ts]),
                       gradseq([0,0,0], [[t,t,t] for t in ts]), minpull([0,0,0], [0,0,0], [[1,0,0],[1,1,1],[1,-2,0.5]]), mono_ok],
 "abs_pow1p5_unit_box_k4": [conv_ok, diff_ok, curv_seq([0,0,0,0], [[10**-k,0.5,0.5,0.5] for k in [2,4,8]], [1,0,0,0]),
                            gradseq([0,1,0,1], [[1-10**-k, 10**-k, 1-10**-k, 10**-k] for k in [2,4,8]]), mono_ok],
 "chi_ratio_unit_box_k3": [conv_ok, diff_ok, gradseq([0,0,0], [[1-10**-k, 0.5, 0.5] for k in [2,4,8]]), mono_ok],
 "ce_plus_gap_sq_k3": [chord(e0, [-5,0,0], [-3,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]), mono_ok],
 "logcosh_softmax_k3": [chord(e0, [-2,0,0], [-6,0,0]), smooth_ok, gradseq(e0, [lgu(t) for t in ts]), mono_bad(e0, [0,0,5], [0.001,-10,5])],
 "sce_k3": [chord(e0, [-5,0,0], [-1,0,0]), smooth_ok, gradseq(e0, [lg3(t) for t in ts]), mono_ok],
 "neyman_chi2_k3": [conv_ok, curv_seq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,6]], [1,-1,0]),
                    gradseq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,8]]), mono_ok],
 "bregman_p1p5_k4": [conv_ok, curv_seq([0.25]*4, [eps_simplex(4, 10**-k) for k in [2,4,8]], [1,-1,0,0]),
                     gradseq([0.25]*4, [eps_simplex(4, 10**-k) for k in [2,4,8,16]]),
                     gradseq([0.4,0.3,0.2,0.1], [eps_simplex(4, 10**-k, [0.7,0.2,0.1]) for k in [2,4,8,16]]), mono_ok],
 "abs_pow1p5_simplex_k3": [conv_ok, diff_ok, curv_seq([0.7,0.2,0.1], [[0.7+10**-k, 0.2-10**-k, 0.1] for k in [2,4,8]], [1,-1,0]),
                           gradseq([0.7,0.2,0.1], [eps_simplex(3, 10**-k, [0.8,0.2]) for k in [2,4,8]]), mono_ok],
 "pearson_chi2_k3": [conv_ok, smooth_ok, gradseq([0.7,0.2,0.1], [eps_simplex(3, 10**-k) for k in [2,4,8]]), mono_ok],
 "kl_plus_offsimplex_abs_k3": [conv_ok, diff_ok, curv_seq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,6]], [1,-1,0]),
                               gradseq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,8]]), mono_ok],
 "js_divergence_k3": [conv_ok, diff_ok, curv_seq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,6]], [1,-1,0]),
                      gradseq([1/3,1/3,1/3], [eps_simplex(3, 10**-k) for k in [2,4,8,16,32]]), mono_ok],
}
C["ball_deadzone_r10"] = [conv_ok, kink([0]*10, [1]+[0]*9, [1]+[0]*9), gradseq([0]*10, [[t]*10 for t in ts]), mono_ok]
C["smooth_svm_k10"] = [conv_ok, gradseq([1]+[0]*9, [[-t]+[0]*9 for t in ts]), mono_ok]
C["wrong_sq_softmax_k10"] = [gradseq([1]+[0]*9, [[-t, mp.log(M("0.8")), mp.log(M("0.2"))]+[-t]*7 for t in ts]),
                             mono_bad([1]+[0]*9, [0]*9+[5], [0.001]+[-10]*8+[5])]
C["ce_squared_k10"] = [conv_ok, curv_seq([1]+[0]*9, [[-t]+[0]*9 for t in ts], [0,1,-1]+[0]*7), mono_ok]
C["sce_k12"] = [gradseq([1]+[0]*11, [[-t]+[0]*11 for t in ts]), mono_ok]

# the float callables against their twins
FUN = {"ww_sq_hinge_k3": V.ww_sq_hinge, "clipped_ce_k3": V.clipped_ce, "linf_unit_box_k3": V.linf_box,
       "euclid_simplex_k4": V.euclid_simplex, "smooth_svm_k3": V.smooth_svm, "smooth_svm_k10": V.smooth_svm,
       "sparsemax_loss_k3": V.sparsemax_loss, "js_divergence_k3": V.js_divergence, "sce_k3": V.sce, "sce_k12": V.sce}

only = sys.argv[1:]
for id in ENT:
    if only and id not in only: continue
    report(id, C[id])
    if id in FUN:
        e = ENT[id]; worst = 0
        for _ in range(50):
            x = rand_pt(e); y = rng.choice(targets(e))
            a = FUN[id](np.array([float(v) for v in x]), np.array([float(v) for v in y]))
            b = float(TW[id](x, y)); worst = max(worst, abs(a - b)/(1 + abs(b)))
        print("    callable vs mpmath twin, 50 points: max rel diff %.2e" % worst)
