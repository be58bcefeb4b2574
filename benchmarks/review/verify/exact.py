#!/usr/bin/env python3
"""Path (a): exact sympy analysis. Decimals become Rationals as written. Per representative target,
the loss in y_pred is split into its pieces (as_expr_set_pairs); one-sided limits of L, L', L'' at
every breakpoint, limits at the domain's edges and at infinity, signs of L'' and L' per piece
(solveset), minimizer set and one-sided slopes there. Prints facts and the derived verdicts."""
import json, sys, os
import sympy as sp
from sympy import oo, Rational as Q

X = sp.Symbol("x", real=True)
YP, YT = sp.symbols("y_pred y_true", real=True)

def where(c, a, b):
    return sp.Piecewise((a, c), (b, True))

LOC = {"y_pred": YP, "y_true": YT, "abs": sp.Abs, "max": sp.Max, "min": sp.Min, "sign": sp.sign,
       "log1p": lambda u: sp.log(1 + u), "where": where, "pi": sp.pi, "E": sp.E, "atan": sp.atan}

def parse(expr):
    return sp.sympify(expr, locals=LOC, rational=True)

DOM = {"regression": sp.Interval(-oo, oo), "margin": sp.Interval(-oo, oo),
       "positive": sp.Interval.open(0, oo), "probability": sp.Interval.open(0, 1)}

def targets(e):
    k = e["kind"]
    if k == "margin":
        return [1, -1]
    if k == "probability":
        return [0, 1]
    if k == "regression":
        return [0, Q(17, 10)]
    ts = [Q(1, 10**9), Q(3, 10**6), Q(1, 2), 1, 7, 10**6]
    return ts if e.get("target_domain") == "(0, inf)" else [0] + ts

def lim(g, b, d):
    try:
        v = sp.limit(g, X, b, d) if b not in (oo, -oo) else sp.limit(g, X, b)
        return sp.nsimplify(v) if v.is_number and not v.has(oo, -oo, sp.zoo) and v.is_real is False else v
    except Exception as ex:  # noqa
        return sp.nan

def pieces(f, dom):
    pw = f
    for _ in range(6):  # nested Abs/Max/Min/sign can reappear inside pieces: rewrite until none is left
        pw = sp.piecewise_fold(pw.rewrite(sp.Piecewise))
        if not pw.has(sp.Abs, sp.Max, sp.Min, sp.sign):
            break
    if not isinstance(pw, sp.Piecewise):
        return [(pw, dom)]
    return [(ex, s) for ex, s in pw.as_expr_set_pairs(dom) if s != sp.EmptySet]

def endpoints(s):
    pts = set()
    for a in (s.args if isinstance(s, sp.Union) else [s]):
        if isinstance(a, sp.Interval):
            pts |= {a.start, a.end}
        elif isinstance(a, sp.FiniteSet):
            pts |= set(a.args)
    return pts

def num(v):
    return float(v) if v.is_finite else v

XR, XP = sp.Symbol("x", real=True), sp.Symbol("x", positive=True)

def analyse(e, y):
    global X
    X = XP if e["kind"] in ("positive", "probability") else XR
    f = parse(e["expr"]).subs({YT: y, YP: X})
    dom = DOM[e["kind"]]
    pcs = pieces(f, dom)
    bps = set()
    for _, s in pcs:
        bps |= endpoints(s)
    bps = sorted([b for b in bps if b.is_finite and dom.contains(b) == True and not (dom.start == b or dom.end == b)], key=float)
    edges = [dom.start] + bps + [dom.end]
    ivals = []
    for a, b in zip(edges[:-1], edges[1:]):
        m = (a + b) / 2 if a.is_finite and b.is_finite else (b - 1 if a == -oo and b.is_finite else (a + 1 if a.is_finite else 0))
        if a == -oo and b == oo:
            m = 0
        g = [ex for ex, s in pcs if s.contains(m) == True][0]
        g1 = sp.diff(g, X)
        g2 = sp.diff(g1, X)
        ivals.append(dict(a=a, b=b, g=g, g1=g1, g2=g2))
    val = lambda b: [ex for ex, s in pcs if s.contains(b) == True][0].subs(X, b)
    facts = {"breakpoints": [float(b) for b in bps]}
    cont = diff = True
    kinks = []
    jumps_ok_convex = True
    for i, b in enumerate(bps):
        L, Rr = ivals[i], ivals[i + 1]
        lv, rv, v0 = lim(L["g"], b, "-"), lim(Rr["g"], b, "+"), sp.simplify(val(b))
        l1, r1 = lim(L["g1"], b, "-"), lim(Rr["g1"], b, "+")
        l2, r2 = lim(L["g2"], b, "-"), lim(Rr["g2"], b, "+")
        c = sp.simplify(lv - v0) == 0 and sp.simplify(rv - v0) == 0
        d = c and l1.is_finite and r1.is_finite and sp.simplify(l1 - r1) == 0
        cont &= bool(c); diff &= bool(d)
        if c and not d:
            kinks.append((float(b), l1, r1))
            if not (sp.simplify(r1 - l1) >= 0):
                jumps_ok_convex = False
        if not c:
            jumps_ok_convex = False
        facts.setdefault("at", []).append(dict(b=float(b), L=(num(lv), num(v0), num(rv)), d1=(num(l1), num(r1)), d2=(num(l2), num(r2))))
    # interior singularities of L' within pieces
    for iv in ivals:
        I = sp.Interval.open(iv["a"], iv["b"])
        if not cont_ok(iv["g1"], I):
            diff = False; facts.setdefault("interior_singular_d1", []).append(str(I))
    diff = diff and cont
    # smoothness: one-sided L'' limits at every interval end finite and L'' continuous inside
    smooth_bounded = True
    for iv in ivals:
        I = sp.Interval.open(iv["a"], iv["b"])
        if not cont_ok(iv["g2"], I):
            smooth_bounded = False
        for end, d in ((iv["a"], "+"), (iv["b"], "-")):
            v = lim(iv["g2"], end, d)
            if not (v.is_finite):
                smooth_bounded = False
                facts.setdefault("d2_blowup", []).append((str(end), d, str(v)))
    smooth = diff and smooth_bounded
    # convexity: g'' >= 0 on every piece and only upward slope jumps
    conv = cont and jumps_ok_convex
    for iv in ivals:
        I = sp.Interval.open(iv["a"], iv["b"])
        neg = sp.solveset(sp.simplify(iv["g2"]) < 0, X, I)
        if neg != sp.EmptySet:
            conv = False; facts.setdefault("neg_curv", []).append(str(neg)[:80])
    # robustness (prediction direction); target direction handled in robust_target
    k = e["kind"]
    if k in ("regression", "positive"):
        gross = [(ivals[-1]["g1"], oo, "-")] + ([(ivals[0]["g1"], -oo, "+")] if k == "regression" else [])
    elif k == "margin":
        gross = [(ivals[0]["g1"], -oo, "+")] if y > 0 else [(ivals[-1]["g1"], oo, "-")]
    else:
        gross = [(ivals[0]["g1"], 0, "+")] if y == 1 else [(ivals[-1]["g1"], 1, "-")]
    glims = [sp.Abs(lim(g, b, d)) for g, b, d in gross]
    facts["gross_psi"] = [str(v) for v in glims]
    # monotonicity
    ideal = {"regression": y, "positive": y}.get(k)
    mono = True
    for iv in ivals:
        for lo, hi, bad in monotone_parts(k, y, iv["a"], iv["b"]):
            I = sp.Interval.open(lo, hi)
            if I == sp.EmptySet:
                continue
            s = sp.solveset(bad(iv["g1"]), X, I)
            if s != sp.EmptySet:
                mono = False; facts.setdefault("mono_bad", []).append(str(s)[:80])
    for i, b in enumerate(bps):  # value jumps against the ideal direction
        lv, rv, v0 = lim(ivals[i]["g"], b, "-"), lim(ivals[i + 1]["g"], b, "+"), val(b)
        up = toward_up(k, y, b)   # True: moving right approaches the ideal
        seq = [lv, v0, rv] if up else [rv, v0, lv]
        if any(sp.simplify(seq[j + 1] - seq[j]) > 0 for j in range(2)):
            mono = False; facts.setdefault("mono_jump", []).append(float(b))
    # sparsity
    sparse, sfacts = sparsity(ivals, bps, val, dom)
    facts["sparsity"] = sfacts
    return dict(convexity=conv, differentiability=diff, smoothness=smooth, gross=glims,
                monotonicity=mono, sparsity=sparse, facts=facts, kinks=kinks)

def cont_ok(g, I):
    try:
        return sp.calculus.util.continuous_domain(g, X, I) == I
    except NotImplementedError:
        g = sp.expand_log(sp.simplify(g), force=True)
        try:
            return sp.calculus.util.continuous_domain(g, X, I) == I
        except NotImplementedError:
            return sp.singularities(g, X, I) == sp.EmptySet

def toward_up(k, y, b):
    if k == "margin":
        return y > 0
    if k == "probability":
        return y == 1
    return b < y

def monotone_parts(k, y, a, b):
    inc = lambda g: g > 0
    dec = lambda g: g < 0
    if k == "margin":
        return [(a, b, inc if y > 0 else dec)]
    if k == "probability":
        return [(a, b, inc if y == 1 else dec)]
    return [(a, sp.Min(b, y), inc), (sp.Max(a, y), b, dec)]

def sparsity(ivals, bps, val, dom):
    cands = []  # (value, kind, where)
    for iv in ivals:
        I = sp.Interval.open(iv["a"], iv["b"])
        g1s = sp.simplify(iv["g1"])
        if g1s == 0:
            cands.append((sp.simplify(iv["g"]), "flat", (iv["a"], iv["b"])))
            continue
        crit = sp.solveset(sp.Eq(g1s, 0), X, I)
        if isinstance(crit, sp.FiniteSet):
            for c in crit:
                cands.append((sp.simplify(iv["g"].subs(X, c)), "crit", c))
        elif crit != sp.EmptySet:
            return None, f"crit unsolved {crit}"
    for b in bps:
        cands.append((sp.simplify(val(b)), "bp", b))
    edge_vals = [lim(ivals[0]["g"], dom.start, "+"), lim(ivals[-1]["g"], dom.end, "-")]
    finite = [c for c in cands]
    if not finite:
        return False, "no interior candidate"
    m = min(finite, key=lambda c: float(c[0]))
    mval = m[0]
    if any((ev == -oo) or (ev.is_finite and float(ev) < float(mval) - 1e-300 and sp.simplify(ev - mval) < 0) for ev in edge_vals):
        return False, f"inf at edge {edge_vals}, best interior {float(mval)}"
    mins = [c for c in finite if sp.simplify(c[0] - mval) == 0]
    # boundary points of the minimizer set and the outside slope there
    slopes = []
    flat = [c[2] for c in mins if c[1] == "flat"]
    pts = [c[2] for c in mins if c[1] != "flat"]
    bnd = set()
    for a, b in flat:
        bnd |= {a, b}
    bnd |= set(pts)
    bnd = {p for p in bnd if p.is_finite and not (p == dom.start or p == dom.end)}
    inside = lambda p: any((a <= p <= b) for a, b in flat) if flat else False
    for p in sorted(bnd, key=float):
        for i, iv in enumerate(ivals):
            if iv["b"] == p and not any(a <= (iv["a"] + p) / 2 if iv["a"].is_finite else False for a, _ in []):
                # interval to the left of p: outside the set unless it is a flat minimal piece
                if not any(iv["a"] == a and iv["b"] == b for a, b in flat):
                    slopes.append(("-", lim(iv["g1"], p, "-")))
            if iv["a"] == p:
                if not any(iv["a"] == a and iv["b"] == b for a, b in flat):
                    slopes.append(("+", lim(iv["g1"], p, "+")))
            if iv["a"] < p < iv["b"]:  # smooth critical point inside a piece
                slopes.append(("-", lim(iv["g1"], p, "-"))); slopes.append(("+", lim(iv["g1"], p, "+")))
    ok = bool(slopes) and all(s != 0 for _, s in slopes)
    return ok, f"min {float(mval):.6g} at {[str(c[2])[:40] for c in mins]}, slopes {[(d, str(s)[:30]) for d, s in slopes]}"

def robust_target(e):
    """Target running off (regression, positive) at fixed predictions: limit of |dL/dy_pred|."""
    k = e["kind"]
    if k not in ("regression", "positive"):
        return []
    f = parse(e["expr"])
    if k == "regression":
        rr = sp.Symbol("r", real=True)
        assert YT not in f.subs(YP, YT + rr).free_symbols, e["id"]  # L = L(r): same limits as r -> -+oo
        return []
    out = []
    for xp in ([Q(1, 2), 1, 3, Q(1, 10**6)] if k == "positive" else [0, Q(3, 2)]):
        ys = sp.Symbol("Y", positive=True)
        for sgn in ([1] if k == "positive" else [1, -1]):
            # at a fixed prediction and a huge target the active piece is fixed: pick it, then differentiate
            h = sp.piecewise_fold(f.subs(YT, sgn * ys).rewrite(sp.Piecewise))
            if isinstance(h, sp.Piecewise):
                big = {YP: xp, ys: sp.Integer(10)**50}
                h = [ex for ex, c in h.args if bool(c.subs(big))][0]
            g = sp.diff(h, YP).subs(YP, xp)
            out.append(sp.Abs(sp.limit(g, ys, oo)))
    return out

def grade(vals):
    if any(v == oo or not v.is_finite for v in vals):
        return "unbounded"
    if all(v == 0 for v in vals):
        return "redescending"
    return "bounded"

def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    S = json.load(open(os.path.join(here, "scalar_review.json")))
    only = sys.argv[1:] 
    bad = 0
    res = {}
    for e in S:
        if only and e["id"] not in only:
            continue
        verdict = dict(convexity=True, differentiability=True, smoothness=True, sparsity=True, monotonicity=True)
        gl = []
        lines = []
        for y in targets(e):
            r = analyse(e, y)
            for p in verdict:
                if r[p] is None:
                    verdict[p] = None
                elif verdict[p] is not None:
                    verdict[p] = verdict[p] and r[p]
            gl += r["gross"]
            lines.append(f"   y={y}: " + json.dumps(r["facts"], default=str)[:900])
        tg = robust_target(e)
        gl += tg
        g = grade(gl)
        verdict["robustness"] = g != "unbounded"
        t = e["truth"]
        mism = [p for p in t if verdict[p] != t[p]] + (["grade"] if g != e["robustness_grade"] else [])
        bad += bool(mism)
        print(("MISMATCH " if mism else "ok       ") + e["id"], mism, "grade", g, "target-runoff", [str(v) for v in tg])
        if mism or os.environ.get("V"):
            print("\n".join(lines))
        res[e["id"]] = dict(verdict, grade=g)
    json.dump(res, open(os.path.join(here, "verify", "exact_out.json"), "w"), indent=1, default=str)
    print("mismatching entries:", bad)

if __name__ == "__main__":
    main()
