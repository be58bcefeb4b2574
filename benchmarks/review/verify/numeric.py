#!/usr/bin/env python3
"""Path (b): 60-digit mpmath sampling, independent of sympy. The expression is evaluated by its own
tiny evaluator (decimal literals -> mpf from the literal string). Breakpoints are the hand-derived
ones (BP below). Near each, one-sided values, slopes and curvatures at offsets s*10^-k (k=1..16);
gross-error sequences out to 10^300; edge sequences down to 10^-300; chord and monotonicity
tests on a grid that includes every breakpoint neighbourhood."""
import json, os, re, sys, random
import mpmath as mp
mp.mp.dps = 60
F = mp.mpf

def compile_expr(expr):
    src = re.sub(r"(?<![A-Za-z_\d.])(\d+\.?\d*(?:e-?\d+)?)", lambda m: f"F('{m.group(1)}')", expr)
    ns = dict(F=F, abs=mp.fabs, sqrt=mp.sqrt, exp=mp.exp, log=mp.log, log1p=mp.log1p, cosh=mp.cosh,
              sinh=mp.sinh, tanh=mp.tanh, atan=mp.atan, sin=mp.sin, cos=mp.cos, sign=mp.sign,
              max=max, min=min, pi=mp.pi, where=lambda c, a, b: a if c else b)
    code = compile(src, "<e>", "eval")
    def L(x, y):
        v = eval(code, dict(ns, y_pred=x, y_true=y))
        return v
    return L, src

def mm(y, *ms):  # margin breakpoints m -> y_pred
    return [F(m) / y for m in ms]

s3 = mp.sqrt(F('0.3')); s145 = mp.sqrt(F('1.45')); m0 = -mp.log(mp.exp(F('1e-5')) - 1)
BP = {
 "smooth_l1_beta0p45": lambda y: [y, y - F('0.45'), y + F('0.45')],
 "huber_microkink_2p1": lambda y: [y, y - F('2.1'), y + F('2.1')],
 "huber_jump_1p35": lambda y: [y, y - F('1.35'), y + F('1.35')],
 "huberized_hinge_h0p7": lambda y: mm(y, '0.3', '1'),
 "modified_huber_knot_m0p6": lambda y: mm(y, '-0.6', '1'),
 "hampel_1p2_2p1_3p9": lambda y: [y] + [y + sg * F(c) for c in ('1.2', '2.1', '3.9') for sg in (1, -1)],
 "sq_hinge_pow1p75_0p6": lambda y: mm(y, '0.6'),
 "pow_1p25_0p8": lambda y: [y],
 "charbonnier_1em6": lambda y: [y],
 "bce_eps_1em8": lambda y: [],
 "hellinger_pos": lambda y: [y] if y > 0 else [],
 "msle_eps_1em8": lambda y: [y] if y > 0 else [],
 "min_sq_cap_0p3": lambda y: [y, y - s3, y + s3],
 "max3_affine": lambda y: [y, y + 1],
 "trunc_sq_hinge_2p25": lambda y: mm(y, '-0.5', '1'),
 "trunc_abs_0p9": lambda y: [y, y - F('0.9'), y + F('0.9')],
 "max_sq_line": lambda y: [y, y + (F('0.5') - s145) / 2, y + (F('0.5') + s145) / 2],
 "logratio_abs_cap_1p5": lambda y: [y, y * mp.exp(F('-1.5')), y * mp.exp(F('1.5'))],
 "keras_bce_clip_1em7": lambda y: [F('1e-7'), 1 - F('1e-7')],
 "poisson_clip_1em5": lambda y: [F('1e-5')] + ([y] if y > 0 else []),
 "sq_floor_1em6": lambda y: [y, y - F('1e-3'), y + F('1e-3')],
 "smooth_l1_beta1em4": lambda y: [y, y - F('1e-4'), y + F('1e-4')],
 "abs_prob_floor_1em5": lambda y: [F('1e-5'), 1 - F('1e-5')],
 "logistic_floor_1em5": lambda y: [m0 / y],
 "tukey_4p685_poly": lambda y: [y, y - F('4.685'), y + F('4.685')],
 "fair_1p3998": lambda y: [y],
 "fair_mismatch_1p4_1p5": lambda y: [y],
 "smoothstep_cap_0p9": lambda y: [y, y - F('0.9'), y + F('0.9')],
 "andrews_1p339": lambda y: [y, y - F('1.339') * mp.pi, y + F('1.339') * mp.pi],
 "expectile_0p3": lambda y: [y],
}

def targets(e):
    k = e["kind"]
    if k == "margin":
        return [F(1), F(-1)]
    if k == "probability":
        return [F(0), F(1)]
    if k == "regression":
        return [F(0), F('1.7'), F('-3.25'), F('1e6')]
    ts = [F('1e-9'), F('3e-6'), F('0.5'), F(1), F(7), F('1e6')]
    return ts if e.get("target_domain") else [F(0)] + ts

def inside(kind, x):
    return (x > 0 if kind == "positive" else True) and (0 < x < 1 if kind == "probability" else True)

def D1(L, x, y, d):
    h = d * F('1e-12')
    return (L(x + h, y) - L(x - h, y)) / (2 * h)

def D2(L, x, y, d):
    h = d * F('1e-4')
    return (L(x + h, y) - 2 * L(x, y) + L(x - h, y)) / h**2

def ftrend(vals):
    """trend of a far/edge sequence (samples at 10^1, 10^2, 10^4, ..., 10^300): the last value
    against the value at 10^60 (three samples earlier); log growth gives x5 there."""
    a = [abs(v) if abs(v) > F('1e-30') else F(0) for v in vals]
    ref, hi = a[-4], a[-1]
    inc = all(a[i + 1] >= a[i] for i in range(len(a) - 4, len(a) - 1))
    if hi > 2 * ref and inc:
        return "grow"
    if hi == 0 or hi < F('0.2') * ref:
        return "zero"
    return "level"

def trend(vals):
    """'grow', 'zero' or 'level' for a sequence sampled over decades toward a limit: the last value
    against the one 8 samples earlier (values below 1e-30 count as 0)."""
    a = [abs(v) if abs(v) > F('1e-30') else F(0) for v in vals]
    ref, hi = a[max(0, len(a) - 9)], a[-1]
    if hi > 10 * ref and hi > a[-2] * F('0.999'):
        return "grow"
    if hi == 0 or hi < F('0.2') * ref:
        return "zero"
    return "level"

def analyse(e, y):
    L, _ = compile_expr(e["expr"])
    k = e["kind"]
    f = {"cont": True, "C1": True, "d2_bounded": True, "notes": []}
    bps = [b for b in BP[e["id"]](y) if inside(k, b)]
    grid = set()
    for b in bps:
        s = min([abs(v) for v in (b, b - y) if v != 0] + [F(1)])
        J, K, C = [], [], []
        for kk in range(1, 17):
            d = s * mp.power(10, -kk)
            if not (inside(k, b - 2 * d) and inside(k, b + 2 * d)):
                continue
            grid |= {b - d, b + d}
            J.append(abs(L(b + d, y) - L(b - d, y)))
            K.append(abs(D1(L, b + d, y, d) - D1(L, b - d, y, d)))
            C.append(max(abs(D2(L, b + d, y, d)), abs(D2(L, b - d, y, d))))
        grid.add(b)
        if trend(J) != "zero":
            f["cont"] = False; f["notes"].append(f"jump at {mp.nstr(b, 12)}: {mp.nstr(J[-1], 5)}")
        elif trend(K) != "zero":
            f["C1"] = False; f["notes"].append(f"kink at {mp.nstr(b, 12)}: {mp.nstr(K[-1], 5)}")
        if trend(C[4:]) == "grow":
            f["d2_bounded"] = False; f["notes"].append(f"L'' grows at {mp.nstr(b, 12)}: {mp.nstr(C[-1], 5)}")
    # far / edge sequences
    ctx = mp.workdps(400); ctx.__enter__()  # 1 - 10^-300 and L ~ 10^300 need the digits
    far = [F(10)**kk for kk in (1, 2, 4, 8, 16, 30, 60, 100, 200, 300)]
    if k == "regression":
        gross = [[y + t for t in far], [y - t for t in far]]
    elif k == "positive":
        gross = [[y + t for t in far]]
    elif k == "margin":
        gross = [[-t / y for t in far]]
    else:
        gross = [[1 / t for t in far]] if y == 1 else [[1 - 1 / t for t in far]]
    psi_trends = []
    for seq in gross:
        ps = [D1(L, x, y, max(abs(x - y), F(1)) * F('1e-6') if k != "probability" else min(x, 1 - x) * F('1e-3')) for x in seq]
        psi_trends.append(ftrend(ps))
        f.setdefault("gross_psi_last", []).append(mp.nstr(ps[-1], 5))
    # curvature at far points and at edges
    edges = []
    if k == "regression":
        edges = [[y + t for t in far], [y - t for t in far]]
    elif k == "margin":
        edges = [[t for t in far], [-t for t in far]]
    elif k == "positive":
        edges = [[y + t for t in far], [1 / t for t in far]]
    else:
        edges = [[1 / t for t in far], [1 - 1 / t for t in far]]
    for seq in edges:
        with mp.workdps(1000):  # second differences with steps ~1e-307 need ~1000 digits
            cs = [D2(L, x, y, (min(abs(x), abs(1 - x)) if k == "probability" else abs(x)) * F('1e-3')) for x in seq]
        if ftrend(cs) == "grow":
            f["d2_bounded"] = False; f["notes"].append(f"L'' grows toward {mp.nstr(seq[-1], 3)}: {mp.nstr(cs[-1], 5)}")
        grid |= set(x for x in seq if inside(k, x) and (k != "probability" or 1 - x > F('1e-50')))
    ctx.__exit__(None, None, None)
    grid = set(+x for x in grid)
    # random + regular grid
    rnd = random.Random(7)
    base = y if k in ("regression", "positive") else F(0)
    for _ in range(400):
        if k == "probability":
            grid.add(F(rnd.random()))
        elif k == "positive":
            grid.add(mp.power(10, F(rnd.uniform(-12, 7))))
        else:
            grid.add(base + F(rnd.uniform(-1, 1)) * mp.power(10, F(rnd.uniform(-10, 3))))
    for b in bps:
        for t in range(-40, 41):
            x = b + F(t) / 40 * (abs(b - y) + F('0.01'))
            if inside(k, x):
                grid.add(x)
    G = sorted(x for x in grid if inside(k, x))
    vals = {x: L(x, y) for x in G}
    # convexity: local chords at every grid point (symmetric and one-sided, to catch jumps)
    conv = True
    for i in range(1, len(G) - 1):
        for a, b in ((G[i - 1], G[i + 1]), (G[i - 1], G[i]), (G[i], G[i + 1])):
            if i + 1 < len(G):
                pass
        a, c, b = G[i - 1], G[i], G[i + 1]
        t, u = (b - c) / (b - a), (c - a) / (b - a)  # u, not 1 - t: the grid spans 600 decades
        chord = t * vals[a] + u * vals[b]
        if vals[c] - chord > F('1e-40') * (abs(chord) + abs(vals[c]) + F('1e-300')):
            conv = False; f["notes"].append(f"chord {mp.nstr(a,8)},{mp.nstr(c,8)},{mp.nstr(b,8)}"); break
    if conv:  # random global chords
        for _ in range(3000):
            a, b = rnd.choice(G), rnd.choice(G)
            t = F(rnd.random())
            c = t * a + (1 - t) * b
            if vals[c] if c in vals else False:
                pass
            if a == b:
                continue
            lc = L(c, y)
            t, u = (b - c) / (b - a), (c - a) / (b - a)  # weights of the point c actually evaluated
            chord = t * vals[a] + u * vals[b]
            if lc - chord > F('1e-40') * (abs(chord) + abs(lc) + F('1e-300')):
                conv = False; f["notes"].append(f"global chord {mp.nstr(a,8)},{mp.nstr(b,8)},{mp.nstr(t,5)}"); break
    # monotonicity: consecutive grid points on each side of the ideal
    mono = True
    for i in range(len(G) - 1):
        a, b = G[i], G[i + 1]
        if k == "margin":
            up = y > 0
        elif k == "probability":
            up = y == 1
        else:
            if a < y <= b or a < y < b:
                continue
            up = b <= y
        far_, close = (a, b) if up else (b, a)
        if vals[close] - vals[far_] > F('1e-40') * (abs(vals[far_]) + F('1e-300')):
            mono = False; f["notes"].append(f"mono {mp.nstr(far_,8)}->{mp.nstr(close,8)}"); break
    # sparsity: grid minimum, attained?, pull just outside the minimizer set
    lmin = min(vals.values())
    tol = F('1e-45') * (abs(lmin) + 1)
    mins = [x for x in G if vals[x] - lmin <= tol]
    attained = True
    edge_pts = []
    if k == "positive":
        edge_pts = [F(10)**-kk for kk in (20, 60, 150, 300)]
    if k == "probability":
        edge_pts = [F(10)**-kk for kk in (20, 60, 150, 300)] + [1 - F(10)**-kk for kk in (20, 30, 40)]
    if k == "margin":
        edge_pts = [F(10)**kk / y for kk in (20, 60, 150, 300)]
    if k == "positive":
        edge_pts += [y + F(10)**kk for kk in (20, 60, 150, 300)]
    for x in edge_pts:
        if inside(k, x) and L(x, y) < lmin - tol:
            attained = False
    sparse = attained
    pulls = []
    if attained:
        lo, hi = mins[0], mins[-1]
        for p, sg in ((lo, -1), (hi, 1)):
            # does the set reach the domain's far end? then that side has no boundary
            if p in (G[0], G[-1]) and (k in ("probability", "positive") or abs(p) > 10**20):
                continue
            s = min([abs(v) for v in (p, p - y) if v != 0] + [F(1)])
            ps = [abs(D1(L, p + sg * s * mp.power(10, -kk), y, s * mp.power(10, -kk))) for kk in range(4, 14)]
            # the grid point p may sit a little inside the set: the pull is judged at the smallest offsets
            pulls.append(mp.nstr(ps[-1], 5))
            if trend(ps) == "zero" or ps[-1] < F('1e-30'):
                sparse = False
    f["min"] = (mp.nstr(lmin, 8), attained, [mp.nstr(mins[0], 10), mp.nstr(mins[-1], 10)], pulls)
    return dict(cont=f["cont"], C1=f["C1"] and f["cont"], d2=f["d2_bounded"], conv=conv, mono=mono,
                sparse=sparse, psi=psi_trends, facts=f)

def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    S = json.load(open(os.path.join(here, "scalar_review.json")))
    only = sys.argv[1:]
    bad = 0
    out = {}
    for e in S:
        if only and e["id"] not in only:
            continue
        v = dict(convexity=True, differentiability=True, smoothness=True, sparsity=True, monotonicity=True)
        trends = []
        notes = []
        for y in targets(e):
            r = analyse(e, y)
            v["convexity"] &= r["conv"]; v["differentiability"] &= r["C1"]
            v["smoothness"] &= r["C1"] and r["d2"]; v["sparsity"] &= r["sparse"]; v["monotonicity"] &= r["mono"]
            trends += r["psi"]
            notes.append(f"   y={mp.nstr(y, 6)}: {r['facts']}")
        L, _ = compile_expr(e["expr"])
        if e["kind"] in ("regression", "positive"):  # target running off at fixed predictions
            for x in ([F('0.5'), F(1), F(3), F('1e-6')] if e["kind"] == "positive" else [F(0), F('1.5')]):
                for sg in ([1] if e["kind"] == "positive" else [1, -1]):
                    with mp.workdps(400):  # L ~ 10^300 while the step must stay below the prediction's scale
                        ps = [D1(L, x, sg * F(10)**kk, F('1e-3') * min(x, 1) if x else F('1e-3')) for kk in (1, 2, 4, 8, 16, 30, 60, 100, 200, 300)]
                    trends.append(ftrend(ps))
        g = "unbounded" if "grow" in trends else ("redescending" if all(t == "zero" for t in trends) else "bounded")
        v["robustness"] = g != "unbounded"
        mism = [p for p in e["truth"] if v[p] != e["truth"][p]] + (["grade"] if g != e["robustness_grade"] else [])
        bad += bool(mism)
        print(("MISMATCH " if mism else "ok       ") + e["id"], mism, g, sorted(set(trends)))
        if mism or os.environ.get("V"):
            print("\n".join(notes))
        out[e["id"]] = dict(v, grade=g)
    json.dump(out, open(os.path.join(here, "verify", "numeric_out.json"), "w"), indent=1)
    print("mismatching entries:", bad)

main()
