#!/usr/bin/env python3
"""Second, independent verification of every hand-derived truth in the review set:
numerical minimisation of conditional risks / expected scores / expected losses at
50 digits (mpmath; scipy Nelder-Mead in float for the 3-class searches, then
re-evaluated at 50 digits).  Prints per entry the derived verdict and whether it
agrees with TRUTH.  Does not use lossaudit."""
import builtins
import sys
import os
import mpmath as mp
import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_stat_review as C  # noqa: E402  (entries + 50-digit evaluator of the expressions)

mp.mp.dps = 50
ONE = mp.mpf(1)


def golden(f, a, b, it=120):
    a, b = mp.mpf(a), mp.mpf(b)
    g = (mp.sqrt(5) - 1) / 2
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(it):
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    x = (a + b) / 2
    return x, f(x)


def gridmin(f, lo, hi, n, extra=()):
    xs = [lo + (hi - lo) * mp.mpf(i) / n for i in range(n + 1)] + [mp.mpf(x) for x in extra]
    vals = [(f(x), x) for x in xs]
    v, x = builtins.min(vals)
    step = (hi - lo) / n
    if lo < x < hi:
        x2, v2 = golden(f, builtins.max(lo, x - step), builtins.min(hi, x + step))
        if v2 < v:
            v, x = v2, x2
    return x, v


def v_calibration_margin(L):
    worst = None
    for eta in [0, 0.1, 0.3, 0.45, 0.49, 0.51, 0.55, 0.6, 0.7, 0.75, 0.9, 0.99, 1]:
        eta = mp.mpf(eta)
        Cf = lambda f: eta * L(f, 1) + (1 - eta) * L(f, -1)
        ext = [-1000, -100, 100, 1000]
        xa, va = gridmin(Cf, mp.mpf(-30), mp.mpf(30), 1200, ext)
        if eta > 0.5:
            xw, vw = gridmin(Cf, mp.mpf(-30), mp.mpf(0), 600, [-1000, -100])
        else:
            xw, vw = gridmin(Cf, mp.mpf(0), mp.mpf(30), 600, [100, 1000])
        gap = vw - va
        if worst is None or gap < worst[0]:
            worst = (gap, eta, xw, vw, xa, va)
    gap, eta, xw, vw, xa, va = worst
    holds = gap > mp.mpf(10) ** -12
    return holds, "smallest gap %s at eta=%s: wrong-sign inf %s (f=%s) vs inf %s (f=%s)" % (
        mp.nstr(gap, 6), mp.nstr(eta, 3), mp.nstr(vw, 10), mp.nstr(xw, 8), mp.nstr(va, 10), mp.nstr(xa, 8))


def v_symmetry(L, kind, K=3):
    if kind == "margin":
        pts, labels = [0, 0.3, 1, -2.5, 4, 10], [-1, 1]
    elif kind == "probability":
        pts, labels = [0.5, 0.01, 0.2, 0.73, 0.999], [0, 1]
    else:
        pts = [[0, 0, 0], [1, 0, 0], [2, -1, 0.5], [8, -3, 1]]
        labels = [[1 if i == j else 0 for i in range(K)] for j in range(K)]
    S = [builtins.sum(L(x, l) for l in labels) for x in pts]
    spread = builtins.max(S) - builtins.min(S)
    return spread < mp.mpf(10) ** -30, "label sums %s" % [mp.nstr(s, 8) for s in S]


def v_properness_prob(L):
    out, holds = [], True
    for q in [0.05, 0.3, 0.5, 0.7, 0.95]:
        q = mp.mpf(q)
        E = lambda p: q * L(p, 1) + (1 - q) * L(p, 0)
        p, v = gridmin(E, mp.mpf(1e-4), 1 - mp.mpf(1e-4), 2000)
        eq = E(q)
        uniq = abs(p - q) < 1e-6
        holds &= bool(uniq and v >= eq - mp.mpf(10) ** -30)
        out.append("q=%s: argmin p=%s E=%s vs E(q)=%s" % (mp.nstr(q, 3), mp.nstr(p, 8), mp.nstr(v, 8), mp.nstr(eq, 8)))
    return holds, "; ".join(out)


def v_properness_dist(L, K=3):
    onehot = [[1 if i == j else 0 for i in range(K)] for j in range(K)]
    out, holds = [], True
    for q in [[0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [1 / 3, 1 / 3, 1 / 3]]:
        E = lambda p: builtins.sum(q[c] * L(p, onehot[c]) for c in range(K))

        def Ef(w):
            s = np.exp(w - w.max()); s /= s.sum()
            s = np.clip(s, 1e-12, None); s /= s.sum()
            return float(E(list(s)))
        best = None
        for w0 in [np.zeros(K), np.log(np.array(q)), np.array([2., 0, -2]), np.array([-2., 0, 2])]:
            r = minimize(Ef, w0, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 3000})
            if best is None or r.fun < best.fun:
                best = r
        s = np.exp(best.x - best.x.max()); s /= s.sum()
        eq, eb = E([mp.mpf(x) for x in q]), E(list(s))
        near = np.max(np.abs(s - np.array(q))) < 1e-4
        holds &= bool(near)
        out.append("q=%s: argmin p=%s E=%s vs E(q)=%s" % ([round(x, 3) for x in q], np.round(s, 4).tolist(), mp.nstr(eb, 10), mp.nstr(eq, 10)))
    return holds, "; ".join(out)


def stat_of(L, ts, ws):
    ts = [mp.mpf(t) for t in ts]; ws = [mp.mpf(w) for w in ws]
    R = lambda x: builtins.sum(w * L(x, t) for t, w in zip(ts, ws))
    x, v = gridmin(R, builtins.min(ts), builtins.max(ts), 3000)
    mean = builtins.sum(t * w for t, w in zip(ts, ws))
    Fm = builtins.sum(w for t, w in zip(ts, ws) if t < x - mp.mpf(1e-9))
    Fp = builtins.sum(w for t, w in zip(ts, ws) if t <= x + mp.mpf(1e-9))
    A = builtins.sum(w * (x - t) for t, w in zip(ts, ws) if t < x)
    B = builtins.sum(w * (t - x) for t, w in zip(ts, ws) if t > x)
    tau_e = A / (A + B)
    return x, mean, (Fm, Fp), tau_e, R


def v_statistic(L, kind):
    if kind == "positive":
        dists = [([1, 4, 9], [0.3, 0.3, 0.4]), ([0.5, 3], [0.8, 0.2]), ([1, 2, 8], [0.2, 0.5, 0.3]), ([1, 2, 3], [0.2, 0.2, 0.6])]
    else:
        dists = [([0, 1], [0.8, 0.2]), ([1, 2, 6], [0.3, 0.3, 0.4]), ([-1, 0.5, 3], [0.25, 0.5, 0.25]), ([0, 1, 2], [0.2, 0.2, 0.6])]
    rows, is_mean, is_med, qlo, qhi, taus = [], True, True, mp.mpf(0), mp.mpf(1), []
    for ts, ws in dists:
        x, mean, (Fm, Fp), te, R = stat_of(L, ts, ws)
        # a flat minimum (quantile losses on 2 points) -> accept any point of the argmin set
        is_mean &= abs(x - mean) < 1e-5 or abs(R(mean) - R(x)) < mp.mpf(10) ** -20
        is_med &= (Fm <= 0.5 + 1e-12 and Fp >= 0.5 - 1e-12)
        qlo, qhi = builtins.max(qlo, Fm), builtins.min(qhi, Fp)
        taus.append(te)
        rows.append("Y=%s w=%s: argmin %s (mean %s, F(x-)=%s F(x)=%s, implied expectile tau %s)" % (
            ts, ws, mp.nstr(x, 8), mp.nstr(mean, 6), mp.nstr(Fm, 3), mp.nstr(Fp, 3), mp.nstr(te, 6)))
    is_exp = builtins.max(taus) - builtins.min(taus) < 1e-5
    if is_mean:
        verdict = "mean"
    elif is_med:
        verdict = "median"
    elif qlo <= qhi:
        verdict = "quantile in [%s, %s]" % (mp.nstr(qlo, 4), mp.nstr(qhi, 4))
    elif is_exp:
        verdict = "%g-expectile" % round(float(taus[0]), 4)
    else:
        verdict = "none"
    return verdict, "; ".join(rows)


def v_calibration_logits(L, eid, K=3):
    onehot = [[1 if i == j else 0 for i in range(K)] for j in range(K)]
    if eid == "l_linear_k3":
        q = [0.5, 0.3, 0.2]
        R = lambda z: builtins.sum(q[c] * L(z, onehot[c]) for c in range(K))
        vals = [(t, mp.nstr(R([t, -t, t + 1]), 8)) for t in (10, 100, 1000)]
        return False, "q=%s, z=(t,-t,t+1) ranks class 3 first, R -> -inf: %s" % (q, vals)
    worst, out = None, []
    for q in [[0.5, 0.3, 0.2], [0.4, 0.3, 0.3], [0.36, 0.34, 0.3], [0.45, 0.1, 0.45 - 1e-3]]:
        R = lambda z: builtins.sum(q[c] * L(z, onehot[c]) for c in range(K))
        Rf = lambda z: float(R(list(np.clip(z, -40, 40))))
        k = int(np.argmax(q))
        starts = [np.zeros(K), np.log(np.array(q)), 3 * np.log(np.array(q)), 10 * np.eye(K)[k]]
        allmin = builtins.min(minimize(Rf, s, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000}).fun for s in starts)
        wmin = np.inf
        for j in range(K):
            if q[j] == max(q):
                continue
            # z_j = max of the others + u^2: class j ranked first (ties at u = 0)
            def Rw(w, j=j):
                z = np.array(w[:K], float)
                z[j] = np.max(np.delete(z, j)) + w[K] ** 2
                return Rf(z)
            for s in starts:
                r = minimize(Rw, np.append(s, 0.1), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
                wmin = builtins.min(wmin, r.fun)
        gap = wmin - allmin
        out.append("q=%s inf %.10g wrong-first inf %.10g gap %.3g" % (q, allmin, wmin, gap))
        worst = gap if worst is None else builtins.min(worst, gap)
    return worst > 1e-7, "; ".join(out)


def main():
    agree = total = 0
    only = set(sys.argv[1:])
    for e in C.load_entries():
        if only and e["id"] not in only:
            continue
        L, _ = C.make_loss(e)
        K = e.get("classes", 3)
        print("== %s [%s]" % (e["id"], e["kind"]))
        for p in C.PROPS:
            t = e["truth"][p]
            if t == "na":
                continue
            if p == "calibration":
                v, msg = v_calibration_margin(L) if e["kind"] == "margin" else v_calibration_logits(L, e["id"], K)
            elif p == "symmetry":
                v, msg = v_symmetry(L, e["kind"], K)
            elif p == "properness":
                v, msg = v_properness_prob(L) if e["kind"] == "probability" else v_properness_dist(L, K)
            else:
                v, msg = v_statistic(L, e["kind"])
            if p == "statistic" and isinstance(v, str) and v.startswith("quantile in"):
                lo, hi = [float(x) for x in v[len("quantile in ["):-1].split(",")]
                ok = str(t).endswith("quantile") and lo - 1e-9 <= float(t.split("-")[0]) <= hi + 1e-9
            elif p == "statistic":
                ok = C.norm_stat(v) == C.norm_stat(t)
            else:
                ok = v == t
            total += 1
            agree += ok
            print("   %-12s truth %-14s numeric %-22s %s\n      %s" % (p, t, v, "AGREES" if ok else "DISAGREES", msg))
    print("\n%d/%d hand-derived truths confirmed numerically" % (agree, total))


if __name__ == "__main__":
    main()
