#!/usr/bin/env python3
"""Development-set check: run the project's CLI on these losses and compare
its verdicts with literature-backed truth; re-check every `fails` counterexample
for convexity and monotonicity independently (high-precision evaluation).

Run from the project's checkout:  python3 benchmarks/review/check_review.py [--jobs 2] [--only expr|callable|vector]
Last line: the figure.  Exit 0 iff accuracy >= --min and no re-check failed.
"""
import argparse
import json
import sys as _sys
_sys.dont_write_bytecode = True
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import mpmath
import sympy as sp

HERE = os.path.dirname(os.path.abspath(__file__))
DEVSET = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "devset"))  # callables and vector files stay in the shared devset
PROPS = ["convexity", "differentiability", "smoothness", "robustness", "sparsity", "monotonicity"]
Y_PRED, Y_TRUE = sp.symbols("y_pred y_true", real=True)


def where(c, a, b):
    return sp.Piecewise((a, c), (b, True))


LOCALS = {
    "y_pred": Y_PRED, "y_true": Y_TRUE, "abs": sp.Abs, "max": sp.Max, "min": sp.Min,
    "sign": sp.sign, "log1p": lambda x: sp.log(1 + x), "where": where, "E": sp.E, "pi": sp.pi,
    "atan": sp.atan,
}


def loss_fn(expr):
    e = sp.sympify(expr, locals=LOCALS)
    f = sp.lambdify((Y_PRED, Y_TRUE), e, modules="mpmath")
    mpmath.mp.dps = 50

    def L(yp, yt):
        return mpmath.mpf(f(mpmath.mpf(repr(float(yp))), mpmath.mpf(repr(float(yt)))))
    return L


def command(entry):
    if "expr" in entry:
        extra = ["--target-domain", entry["target_domain"]] if entry.get("target_domain") else []
        if entry.get("classes"):
            extra += ["--classes", str(entry["classes"])]
        return ["lossaudit", "audit", "--expr", entry["expr"], "--kind", entry["kind"],
                "--name", entry["id"], "--format", "json", *extra]
    module = "vector_losses.py" if entry.get("classes") else "user_losses.py"
    extra = ["--classes", str(entry["classes"])] if entry.get("classes") else []
    return ["lossaudit", "audit", f"{os.path.join(DEVSET, module)}:{entry['id']}",
            "--kind", entry["kind"], "--format", "json", *extra]


def run(entry, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(command(entry), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return entry, None, f"timeout {timeout}s", time.time() - t0
    except FileNotFoundError:
        return entry, None, "no lossaudit command on PATH", time.time() - t0
    if p.returncode not in (0, 1):
        return entry, None, f"exit {p.returncode}: {(p.stderr or p.stdout).strip()[-200:]}", time.time() - t0
    try:
        report = json.loads(p.stdout)
        return entry, report["losses"][0]["properties"], None, time.time() - t0
    except Exception as ex:  # noqa: BLE001 - any malformed report is a finding
        return entry, None, f"bad json: {ex!r}"[:200], time.time() - t0


def ideal_side(kind, yt, yp):
    """+1 if moving y_pred upward approaches the ideal prediction, -1 if downward."""
    if kind == "margin":
        return 1 if yt > 0 else -1
    return 1 if yp < yt else -1


def vector_loss_fn(expr):
    import numpy as np
    from scipy.special import logsumexp
    ns = {"sum": lambda v: np.sum(v, axis=-1), "logsumexp": lambda v: logsumexp(v, axis=-1),
          "abs": np.abs, "sqrt": np.sqrt, "exp": np.exp, "log": np.log, "log1p": np.log1p,
          "cosh": np.cosh, "sinh": np.sinh, "tanh": np.tanh, "atan": np.arctan, "sin": np.sin,
          "cos": np.cos, "max": np.maximum, "min": np.minimum, "sign": np.sign, "where": np.where,
          "pi": np.pi, "E": np.e, "__builtins__": {}}
    code = compile(expr, "<devset>", "eval")

    def L(yp, yt):
        return float(eval(code, dict(ns, y_pred=np.asarray(yp, float), y_true=np.asarray(yt, float))))
    return L


def recheck_vector(entry, prop, ev):
    import numpy as np
    L = vector_loss_fn(entry["expr"])
    yt = ev.get("y_true")
    if yt is None:
        return "evidence lacks y_true"
    if prop == "convexity":
        c = ev.get("chord") or {}
        a, b, t = np.asarray(c.get("a"), float), np.asarray(c.get("b"), float), float(c.get("t"))
        mid, chord = L(t * a + (1 - t) * b, yt), t * L(a, yt) + (1 - t) * L(b, yt)
        return None if mid - chord > 1e-9 * max(abs(mid), abs(chord), 1e-300) else f"chord holds: {mid} <= {chord}"
    return None


def recheck(entry, prop, ev):
    """None if the counterexample re-checks, else the reason."""
    if "expr" not in entry:
        return None  # callables: the truth label is what we hold them to
    if entry.get("classes"):
        try:
            return recheck_vector(entry, prop, ev)
        except (TypeError, ValueError) as ex:
            return f"evidence unreadable: {ex}"
    L = loss_fn(entry["expr"])
    try:
        yt = ev["y_true"]
        if prop == "convexity":
            a, b, t = ev["chord"]["a"], ev["chord"]["b"], ev["chord"]["t"]
            mid = L(t * a + (1 - t) * b, yt)
            chord = t * L(a, yt) + (1 - t) * L(b, yt)
            scale = max(abs(mid), abs(chord), mpmath.mpf(1e-300))
            return None if mid - chord > scale * mpmath.mpf(1e-12) else f"chord holds: {mid} <= {chord}"
        if prop == "monotonicity":
            far, close = ev["farther"], ev["closer"]
            if ideal_side(entry["kind"], yt, far) * (close - far) <= 0:
                return "'closer' is not toward the ideal prediction"
            lf, lc = L(far, yt), L(close, yt)
            scale = max(abs(lf), abs(lc), mpmath.mpf(1e-300))
            return None if lc - lf > scale * mpmath.mpf(1e-12) else f"no increase: {lc} <= {lf}"
    except (KeyError, TypeError) as ex:
        return f"evidence lacks {ex}"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=120)
    ap.add_argument("--min", type=float, default=97.0)
    ap.add_argument("--only", default="", help="'expr', 'callable' or 'vector'")
    ap.add_argument("--set", default="scalar_review.json",
                    help="the review set in this folder: scalar_review.json (the first) or scalar_review_2.json")
    args = ap.parse_args()
    sys.path.insert(0, DEVSET)
    if args.only == "vector":
        entries = json.load(open(os.path.join(DEVSET, "vector_expressions.json")))
        import vector_losses  # noqa: E402
        entries += [{"id": k, **v} for k, v in vector_losses.TRUTH.items()]
    else:
        entries = json.load(open(os.path.join(HERE, args.set)))  # review set: expressions only
    if args.only == "expr":
        entries = [e for e in entries if "expr" in e]
    elif args.only == "callable":
        entries = [e for e in entries if "expr" not in e]
    t0 = time.time()
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda e: run(e, args.timeout), entries))
    wall = time.time() - t0
    right = wrong = unknown = 0
    bad_ev = []
    per = {p: [0, 0, 0] for p in PROPS}
    lines = []
    grades = [0, 0]
    for entry, props, err, secs in results:
        if not err and entry.get("robustness_grade"):
            got = (props.get("robustness") or {}).get("grade")
            grades[1] += 1
            grades[0] += got == entry["robustness_grade"]
            if got and got != entry["robustness_grade"]:
                lines.append(f"GRADE {entry['id']}: said {got}, truth {entry['robustness_grade']}")
        if err:
            lines.append(f"ERROR {entry['id']}: {err}")
            unknown += len(PROPS)
            for p in PROPS:
                per[p][2] += 1
            continue
        for p in PROPS:
            got = (props.get(p) or {}).get("verdict")
            want = "holds" if entry["truth"][p] else "fails"
            if got == want:
                right += 1
                per[p][0] += 1
                if got == "fails":
                    why = recheck(entry, p, props[p].get("evidence") or {})
                    if why:
                        bad_ev.append(f"{entry['id']}.{p}: {why}")
            elif got in ("holds", "fails"):
                wrong += 1
                per[p][1] += 1
                lines.append(f"WRONG {entry['id']}.{p}: said {got}, truth {want}  [{entry.get('expr', 'callable')}]")
            else:
                unknown += 1
                per[p][2] += 1
                lines.append(f"UNKNOWN {entry['id']}.{p}: {got}")
    for ln in lines:
        print(ln)
    for b in bad_ev:
        print("RECHECK FAILED", b)
    print("per property (right/wrong/undecided):",
          ", ".join(f"{p} {r}/{w}/{u}" for p, (r, w, u) in per.items()))
    total = right + wrong + unknown
    pct = 100.0 * right / total if total else 0.0
    print(f"robustness grades: {grades[0]}/{grades[1]} right (informational)")
    print(f"devset: {right}/{total} verdicts right ({pct:.1f}%), {wrong} wrong, {unknown} undecided, "
          f"{len(bad_ev)} counterexamples failed re-check, {len(entries)} losses in {wall:.1f}s")
    sys.exit(0 if pct >= args.min and not bad_ev else 1)


if __name__ == "__main__":
    main()
