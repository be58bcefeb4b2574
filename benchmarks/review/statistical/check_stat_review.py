#!/usr/bin/env python3
"""Black-box check of lossaudit's four statistical properties against the
hand-derived set in stat_review.json + stat_review_losses.py (issue 13).

Run from the checkout under test:  cd /work/main && python3 /work/review13/check_stat_review.py
It runs `python3 -m lossaudit` (the cwd's package, plus the environment's
PYTHONPATH), at most 2 at a time, LOSSAUDIT_NO_CACHE=1, and re-checks every
`fails` counterexample by evaluating the loss itself (50-digit mpmath for
expressions, float64 for callables).
"""
import builtins
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import time

import mpmath as mp
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stat_review_losses as SRL  # noqa: E402

mp.mp.dps = 50
PROPS = ["calibration", "properness", "statistic", "symmetry"]
APPLIES = {"calibration": {"margin", "logits"}, "properness": {"probability", "distribution"},
           "statistic": {"regression", "positive"}, "symmetry": {"margin", "logits", "probability"}}
# probability-kind symmetry: the issue names margin and logits; the tool also decides
# L(p,0)+L(p,1) for probability, which is the same definition over the labels {0,1}.
TIMEOUT = int(os.environ.get("REVIEW_TIMEOUT", "900"))


# ------------------------------------------------------------------ entries
def load_entries():
    out = []
    for e in json.load(open(os.path.join(HERE, "stat_review.json"))):
        e = dict(e)
        e["source"] = "expr"
        out.append(e)
    for name, t in SRL.TRUTH.items():
        e = dict(t)
        e["id"] = name
        e["source"] = "callable"
        e["func"] = getattr(SRL, name)
        out.append(e)
    for e in out:
        tr = {}
        for p in PROPS:
            v = e["truth"].get(p, "na")
            if e["kind"] not in APPLIES[p]:
                v = "na"
            tr[p] = v
        e["truth"] = tr
    return out


def command(e):
    cmd = [sys.executable, "-m", "lossaudit", "audit"]
    if e["source"] == "expr":
        cmd += ["--expr", e["expr"], "--name", e["id"]]
    else:
        cmd += [os.path.join(HERE, "stat_review_losses.py") + ":" + e["id"]]
    cmd += ["--kind", e["kind"], "--property", ",".join(PROPS), "--format", "json", "--quiet", "--seed", "0"]
    if "classes" in e:
        cmd += ["--classes", str(e["classes"])]
    if "target_domain" in e:
        cmd += ["--target-domain", e["target_domain"]]
    return cmd


def run(e):
    env = dict(os.environ)
    env["LOSSAUDIT_NO_CACHE"] = "1"
    t0 = time.time()
    try:
        p = subprocess.run(command(e), capture_output=True, text=True, env=env, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "timeout after %ds" % TIMEOUT, time.time() - t0
    try:
        rep = json.loads(p.stdout)["losses"][0]["properties"]
        return rep, None, time.time() - t0
    except Exception:
        return None, "rc=%d stderr=%s" % (p.returncode, p.stderr.strip()[:400]), time.time() - t0


# ------------------------------------------------------------------ evaluating a loss
def _ap(f):
    def g(x):
        if isinstance(x, np.ndarray):
            return np.vectorize(f, otypes=[object])(x)
        return f(x)
    return g


def _ew(fn):
    def g(*args):
        if len(args) == 1 and isinstance(args[0], np.ndarray):
            return fn(list(args[0]))
        if any(isinstance(a, np.ndarray) for a in args):
            arrs = np.broadcast_arrays(*[np.asarray(a, dtype=object) for a in args])
            return np.vectorize(lambda *a: fn(a), otypes=[object])(*arrs)
        return fn(args)
    return g


def _where(c, a, b):
    if isinstance(c, np.ndarray):
        return np.where(c, a, b)
    return a if c else b


def _lse(x):
    m = builtins.max(list(x))
    return m + mp.log(builtins.sum(mp.exp(v - m) for v in x))


NS = {"abs": _ap(abs), "sqrt": _ap(mp.sqrt), "exp": _ap(mp.exp), "log": _ap(mp.log),
      "log1p": _ap(mp.log1p), "cosh": _ap(mp.cosh), "sinh": _ap(mp.sinh), "tanh": _ap(mp.tanh),
      "atan": _ap(mp.atan), "sin": _ap(mp.sin), "cos": _ap(mp.cos), "sign": _ap(mp.sign),
      "max": _ew(builtins.max), "min": _ew(builtins.min), "where": _where, "pi": mp.pi, "E": mp.e,
      "sum": lambda x: builtins.sum(list(x)), "mean": lambda x: builtins.sum(list(x)) / len(x),
      "logsumexp": _lse}


def make_loss(e):
    """L(y_pred, y_true) with exact-ish (50 digits) evaluation for expressions."""
    vec = e["kind"] in ("logits", "distribution")
    if e["source"] == "callable":
        f = e["func"]

        def L(yp, yt):
            if vec:
                return mp.mpf(float(f(np.array([float(v) for v in yp])[None, :],
                                      np.array([float(v) for v in yt])[None, :])[0]))
            return mp.mpf(float(f(np.array([float(yp)]), np.array([float(yt)]))[0]))
        return L, "float64"
    code = compile(e["expr"].replace("^", "**"), e["id"], "eval")

    def L(yp, yt):
        if vec:
            yp = np.array([mp.mpf(v) for v in yp], dtype=object)
            yt = np.array([mp.mpf(v) for v in yt], dtype=object)
        else:
            yp, yt = mp.mpf(yp), mp.mpf(yt)
        return mp.mpf(eval(code, {"__builtins__": {}}, dict(NS, y_pred=yp, y_true=yt)))
    return L, "50 digits"


def close(a, b, rel=1e-7):
    a, b = mp.mpf(a), mp.mpf(b)
    return abs(a - b) <= rel * (1 + abs(a) + abs(b))


# ------------------------------------------------------------------ re-checks
def recheck(e, prop, ev, L):
    """Return (ok: bool|None, message)."""
    k = e["kind"]
    try:
        if prop == "symmetry":
            labels = ev["labels"]
            S = lambda x: builtins.sum(L(x, l) for l in labels)
            sa, sb = S(ev["a"]), S(ev["b"])
            rep = ev.get("sums", {})
            ok = not close(sa, sb, 1e-9)
            msg = "S(a)=%s S(b)=%s" % (mp.nstr(sa, 10), mp.nstr(sb, 10))
            if rep and not (close(sa, rep.get("S(a)", sa), 1e-6) and close(sb, rep.get("S(b)", sb), 1e-6)):
                msg += " (reported sums %s differ from mine)" % rep
            return ok, msg
        if prop == "properness":
            q, p = ev["q"], ev["p"]
            if k == "probability":
                E = lambda x: q * L(x, 1) + (1 - q) * L(x, 0)
                differ = not close(p, q, 1e-12)
            else:
                K = len(q)
                onehot = [[1 if i == j else 0 for i in range(K)] for j in range(K)]
                E = lambda x: builtins.sum(q[c] * L(x, onehot[c]) for c in range(K))
                differ = builtins.max(abs(a - b) for a, b in zip(p, q)) > 1e-12
                if builtins.min(p) <= 0:
                    return False, "forecast p=%s is not in the open simplex" % p
                if abs(builtins.sum(p) - 1) > 1e-9:
                    # the evidence is rounded off the simplex: re-check as given, and renormalised
                    pn = [mp.mpf(x) / builtins.sum(mp.mpf(y) for y in p) for x in p]
                    ep0, eq = E(p), E(q)
                    epn = E(pn)
                    ok_n = epn <= eq + mp.mpf(1e-12) * (1 + abs(eq))
                    ok_0 = ep0 <= eq + mp.mpf(1e-12) * (1 + abs(eq))
                    msg = ("forecast p=%s sums to %s (off the simplex, rounded evidence): as given E(p)=%s vs E(q)=%s holds:%s; "
                           "renormalised E(p/sum)=%s holds:%s" % (p, mp.nstr(builtins.sum(mp.mpf(x) for x in p), 6), mp.nstr(ep0, 12),
                                                                  mp.nstr(eq, 12), ok_0, mp.nstr(epn, 12), ok_n))
                    if ok_0 and ok_n:
                        return "offsimplex", msg
                    return ("rounded" if ok_n else False), msg
            ep, eq = E(p), E(q)
            ok = differ and ep <= eq + mp.mpf(1e-12) * (1 + abs(eq))
            return ok, "E(p)=%s E(q)=%s p!=q:%s" % (mp.nstr(ep, 12), mp.nstr(eq, 12), differ)
        if prop == "calibration":
            if k == "margin":
                eta, f = mp.mpf(ev["eta"]), mp.mpf(ev["f"])
                C = lambda x: eta * L(x, 1) + (1 - eta) * L(-x, 1) if False else eta * L(x, 1) + (1 - eta) * L(x, -1)
                wrong = f * (2 * eta - 1) <= 0
                cf_ = C(f)
                grid = [mp.mpf(x) / 20 for x in range(-1200, 1201)] + [mp.mpf(s) * 10 ** j for s in (-1, 1) for j in (2, 3)]
                best = builtins.min(C(x) for x in grid)
                ok_inf = cf_ <= best + mp.mpf(1e-9) * (1 + abs(best))
                msg = "eta=%s f=%s wrong-sign:%s C(f)=%s grid inf=%s" % (mp.nstr(eta, 6), mp.nstr(f, 6), wrong, mp.nstr(cf_, 10), mp.nstr(best, 10))
                if "side" in ev:
                    h = mp.mpf(10) ** -20
                    d = (C(f + h) - cf_) / h if ev["side"] == "right" else (cf_ - C(f - h)) / h
                    msg += " one-sided C'(%s)=%s (reported %s)" % (ev["side"], mp.nstr(d, 8), ev.get("risk_derivative"))
                return bool(wrong and ok_inf), msg
            # logits: look for a class distribution q and scores z
            q = ev.get("q") or ev.get("eta") or ev.get("distribution")
            z = ev.get("z") or ev.get("scores") or ev.get("prediction") or ev.get("y_pred")
            if q is None or z is None:
                return None, "evidence shape not understood: keys %s" % sorted(ev)
            K = len(q)
            onehot = [[1 if i == j else 0 for i in range(K)] for j in range(K)]
            R = lambda x: builtins.sum(q[c] * L(x, onehot[c]) for c in range(K))
            best_cls = [i for i in range(K) if q[i] == builtins.max(q)]
            top = [i for i in range(K) if z[i] == builtins.max(z)]
            wrong = any(t not in best_cls for t in top)
            rz = R(z)
            # my own minimisation of the risk over z (float, Nelder-Mead from several starts)
            from scipy.optimize import minimize
            Rf = lambda x: float(R(list(x)))
            starts = [np.zeros(K)] + [np.log(np.array(q, float) + 1e-3) * s for s in (1, 3, 10)]
            bestv = builtins.min(minimize(Rf, s0, method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000}).fun for s0 in starts)
            ok = wrong and float(rz) <= bestv + 1e-6 * (1 + abs(bestv))
            return ok, "q=%s z=%s wrong class first:%s R(z)=%s my inf~%s" % (q, z, wrong, mp.nstr(rz, 10), bestv)
        if prop == "statistic":
            return recheck_statistic(ev, L)
    except Exception as ex:  # a re-check that cannot even be evaluated is a failure to re-check
        return False, "re-check raised %s: %s" % (type(ex).__name__, ex)
    return None, "no re-check for this property"


def _risk(L, ts, ws):
    return lambda x: builtins.sum(w * L(x, t) for t, w in zip(ts, ws))


def _cdf(ts, ws, x, strict=False):
    return builtins.sum(w for t, w in zip(ts, ws) if (t < x if strict else t <= x))


def recheck_statistic(ev, L):
    msgs, ok = [], True
    need = ["mean", "median", "quantiles", "expectiles"]
    missing = [n for n in need if n not in ev]
    if missing:
        ok = False
        msgs.append("missing refutations: %s" % missing)
    if "mean" in ev:
        m = ev["mean"]
        R = _risk(L, m["targets"], m["weights"])
        mean = builtins.sum(t * w for t, w in zip(m["targets"], m["weights"]))
        a, b = R(m["minimiser"]), R(m["statistic"])
        good = close(mean, m["statistic"], 1e-9) and a < b
        ok &= good
        msgs.append("mean: stat=%s(my mean %s) R(min)=%s < R(stat)=%s:%s" % (m["statistic"], mp.nstr(mp.mpf(mean), 8), mp.nstr(a, 10), mp.nstr(b, 10), good))
    if "median" in ev:
        m = ev["median"]
        ts, ws = m["targets"], m["weights"]
        R = _risk(L, ts, ws)
        x = m["statistic"]
        is_med = _cdf(ts, ws, x, True) <= 0.5 + 1e-12 and _cdf(ts, ws, x) >= 0.5 - 1e-12
        a, b = R(m["minimiser"]), R(x)
        good = is_med and a < b
        ok &= good
        msgs.append("median: stat=%s is a median:%s R(min)=%s < R(stat)=%s:%s" % (x, is_med, mp.nstr(a, 10), mp.nstr(b, 10), good))
    if "quantiles" in ev:
        cover = []
        for m in ev["quantiles"]:
            ts, ws = m["targets"], m["weights"]
            R = _risk(L, ts, ws)
            x = m["point"]
            lo, hi = m["taus"]
            taus = [lo + (hi - lo) * i / 10 for i in range(11)]
            isq = all(_cdf(ts, ws, x, True) <= t + 1e-12 and _cdf(ts, ws, x) >= t - 1e-12 for t in taus)
            a, b = R(m["minimiser"]), R(x)
            good = isq and a < b
            ok &= good
            cover.append((lo, hi))
            msgs.append("quantile: point %s is the tau-quantile for tau in [%s,%s]:%s R(min)=%s < R(point)=%s:%s" % (x, lo, hi, isq, mp.nstr(a, 10), mp.nstr(b, 10), good))
        cover.sort()
        reach = 0.0
        for lo, hi in cover:
            if lo > reach + 1e-12:
                break
            reach = builtins.max(reach, hi)
        covered = reach >= 1 - 1e-12
        ok &= covered
        msgs.append("tau intervals cover [0,1]:%s" % covered)
    if "expectiles" in ev:
        rhos = []
        h = mp.mpf(10) ** -15
        for r in ev["expectiles"]["ratios"]:
            x, a, b = mp.mpf(r["x"]), mp.mpf(r["a"]), mp.mpf(r["b"])
            da = (L(x + h, a) - L(x - h, a)) / (2 * h)
            db = (L(x + h, b) - L(x - h, b)) / (2 * h)
            rho = (da / (x - a)) / (db / (x - b))
            rhos.append(rho)
            msgs.append("expectile ratio at x=%s (a=%s,b=%s): my rho=%s reported %s" % (r["x"], r["a"], r["b"], mp.nstr(rho, 10), r.get("rho")))
        good = (len(rhos) >= 2 and not all(close(rhos[0], q, 1e-6) for q in rhos[1:])) or any(q <= 0 for q in rhos)
        ok &= good
        msgs.append("ratios differ (no single tau):%s" % good)
    return ok, "; ".join(msgs)


# ------------------------------------------------------------------ scoring
def expected_label(v):
    if v == "na":
        return "not applicable"
    if v is True:
        return "holds"
    if v is False:
        return "fails"
    return "none" if v == "none" else v  # a statistic name


def got_label(prop, r):
    if r is None:
        return "missing", "none"
    v, m = r.get("verdict"), r.get("method")
    if prop == "statistic" and v == "holds":
        return str(r.get("statistic")), m
    if prop == "statistic" and v == "fails":
        return "none", m
    return v, m


def norm_stat(s):
    s = str(s).strip().lower().replace("τ", "").replace(" ", "")
    for kind in ("quantile", "expectile"):
        if s.endswith(kind):
            try:
                return "%g-%s" % (float(s[: -len(kind)].rstrip("-")), kind)
            except ValueError:
                return s
    return s


def main():
    entries = load_entries()
    print("lossaudit review set, issue 13: %d losses (%d expressions, %d callables); cwd %s" % (
        len(entries), sum(e["source"] == "expr" for e in entries), sum(e["source"] == "callable" for e in entries), os.getcwd()))
    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(run, entries))
    n = right = wrong = unk = other = 0
    rc_total = rc_fail = rc_none = 0
    bad_rechecks, wrongs, notes = [], [], []
    for e, (rep, err, dt) in zip(entries, results):
        print("\n== %s [%s, %s] (%.0fs)" % (e["id"], e["kind"], e["source"], dt))
        if rep is None:
            print("   ERROR: %s" % err)
        L, prec = make_loss(e)
        for p in PROPS:
            exp_ = expected_label(e["truth"][p])
            r = rep.get(p) if rep else None
            got, meth = got_label(p, r)
            n += 1
            if p == "statistic" and exp_ not in ("not applicable", "none"):
                match = norm_stat(got) == norm_stat(exp_)
            else:
                match = got == exp_
            if match:
                tag = "RIGHT"
                right += 1
            elif got == "unknown" or got == "missing":
                tag = "UNKNOWN"
                unk += 1
            elif meth in ("proof", "counterexample") and exp_ != "not applicable" and got != "not applicable":
                tag = "WRONG"
                wrong += 1
                wrongs.append((e["id"], p, exp_, got, meth))
            else:
                tag = "OTHER"
                other += 1
                wrongs.append((e["id"], p, exp_, got, meth))
            print("   %-12s expected %-16s got %-16s %-15s %s" % (p, exp_, got, meth, tag))
            if r and r.get("verdict") == "fails":
                rc_total += 1
                ok, msg = recheck(e, p, r.get("evidence") or {}, L)
                status = {True: "re-checks", False: "DOES NOT RE-CHECK", None: "NOT RE-CHECKABLE",
                          "rounded": "DOES NOT RE-CHECK AS GIVEN (only after renormalising)",
                          "offsimplex": "re-checks, but the forecast is off the simplex (rounded evidence)"}[ok]
                if ok == "offsimplex":
                    notes.append((e["id"], p, msg))
                if ok is False or ok == "rounded":
                    rc_fail += 1
                    bad_rechecks.append((e["id"], p, msg))
                elif ok is None:
                    rc_none += 1
                    bad_rechecks.append((e["id"], p, msg))
                print("      counterexample %s (%s): %s" % (status, prec, msg))
                if r.get("detail"):
                    print("      tool: %s" % r["detail"][:300])
    print("\n-- disagreements")
    for w in wrongs:
        print("   %s %s: expected %s, got %s (%s)" % w)
    print("-- counterexamples that did not re-check (%d of %d; %d not re-checkable)" % (rc_fail, rc_total, rc_none))
    for b in bad_rechecks:
        print("   %s %s: %s" % b)
    print("-- counterexamples that re-check but whose forecast is rounded off the simplex (%d)" % len(notes))
    for b in notes:
        print("   %s %s: %s" % b)
    print("\n%d/%d right, %d wrong (contradicting the truth with method proof or counterexample), %d unknown, %d other (contradicting via sampled/none, or applicability)" % (right, n, wrong, unk, other))


if __name__ == "__main__":
    main()
