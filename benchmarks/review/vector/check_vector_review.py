#!/usr/bin/env python3
"""Run lossaudit (python3 -m lossaudit, PYTHONPATH/cwd as in the environment) on every entry of
vector_review.json and score the six optimisation properties against the hand-derived truth.

    cd /work/main && python3 /work/review10/check_vector_review.py [--jobs 2] [--only ID,ID]
    PYTHONPATH=/some/checkout python3 /work/review10/check_vector_review.py

At most 2 audits run at a time; LOSSAUDIT_NO_CACHE=1.  Wrong verdicts backed by proof or
counterexample are listed first.
"""
import argparse, json, os, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
PROPS = ["convexity", "differentiability", "smoothness", "robustness", "sparsity", "monotonicity"]


def command(e):
    cmd = [sys.executable, "-m", "lossaudit", "audit"]
    if "expr" in e:
        cmd += ["--expr", e["expr"]]
    else:
        f, fn = e["callable"].split(":")
        cmd += [os.path.join(HERE, f) + ":" + fn]
    cmd += ["--kind", e["kind"], "--classes", str(e["classes"]), "--name", e["id"],
            "--format", "json", "-q", "--property", ",".join(PROPS)]
    if "pred_domain" in e:
        cmd += ["--pred-domain", e["pred_domain"]]
    if "target_domain" in e:
        cmd += ["--target-domain", e["target_domain"]]
    return cmd


def run(e, timeout):
    env = dict(os.environ, LOSSAUDIT_NO_CACHE="1")
    t0 = time.time()
    try:
        p = subprocess.run(command(e), capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return e, None, "entry timed out after %ds" % timeout, time.time() - t0
    try:
        rep = json.loads(p.stdout)["losses"][0]["properties"]
        return e, rep, None, time.time() - t0
    except Exception:
        return e, None, "exit %d: %s" % (p.returncode, (p.stderr or p.stdout).strip()[-400:]), time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--timeout", type=int, default=1500, help="seconds per entry")
    a = ap.parse_args()
    jobs = max(1, min(2, a.jobs))
    entries = json.load(open(os.path.join(HERE, "vector_review.json")))
    if a.only:
        keep = set(a.only.split(","))
        entries = [e for e in entries if e["id"] in keep]
    where = subprocess.run([sys.executable, "-c", "import lossaudit;print(lossaudit.__file__)"],
                           capture_output=True, text=True).stdout.strip()
    print("lossaudit from:", where, "| cwd:", os.getcwd(), "| PYTHONPATH:", os.environ.get("PYTHONPATH", ""))
    print("entries:", len(entries), "| jobs:", jobs)
    with ThreadPoolExecutor(jobs) as ex:
        results = list(ex.map(lambda e: run(e, a.timeout), entries))

    rows, right, wrong_hard, wrong_sampled, unknown, total = [], 0, [], [], [], 0
    grade_rows = []
    for e, rep, err, dt in results:
        for p in PROPS:
            total += 1
            exp = "holds" if e["truth"][p] else "fails"
            if rep is None:
                got, method, detail = "unknown", "none", err
            else:
                r = rep.get(p, {})
                got, method, detail = r.get("verdict", "unknown"), r.get("method", "none"), r.get("detail", "")
            if got == exp:
                mark = "ok"; right += 1
            elif got in ("holds", "fails"):
                if method in ("proof", "counterexample"):
                    mark = "WRONG"; wrong_hard.append((e["id"], p, exp, got, method, detail))
                else:
                    mark = "wrong(sampled)"; wrong_sampled.append((e["id"], p, exp, got, method, detail))
            else:
                mark = "unknown"; unknown.append((e["id"], p, exp, got, method, detail))
            extra = ""
            if p == "robustness" and rep is not None:
                g = rep.get(p, {}).get("grade")
                extra = " grade expected %s got %s%s" % (e["robustness_grade"], g,
                                                         "" if g == e["robustness_grade"] else " (grade differs)")
                grade_rows.append((e["id"], e["robustness_grade"], g))
            rows.append("%-28s %-17s expected %-5s got %-7s %-14s %-15s%s" % (e["id"], p, exp, got, method, mark, extra))
        rows.append("%-28s (%.0f s)" % (e["id"], dt))

    print("\n== WRONG with method proof/counterexample (worst) ==")
    for w in wrong_hard:
        print("  %s / %s: expected %s, got %s by %s -- %s" % (w[0], w[1], w[2], w[3], w[4], w[5][:300]))
    print("\n== wrong, method sampled ==")
    for w in wrong_sampled:
        print("  %s / %s: expected %s, got %s by %s -- %s" % (w[0], w[1], w[2], w[3], w[4], w[5][:300]))
    print("\n== unknown ==")
    for w in unknown:
        print("  %s / %s: expected %s -- %s" % (w[0], w[1], w[2], (w[5] or "")[:300]))
    print("\n== robustness grades that differ (not scored) ==")
    for g in grade_rows:
        if g[1] != g[2]:
            print("  %s: expected %s, got %s" % g)
    print("\n== per entry / property ==")
    print("\n".join(rows))
    print("\n%d/%d right, %d wrong (verdicts contradicting the truth with method proof or counterexample), "
          "%d unknown; plus %d wrong by sampling" % (right, total, len(wrong_hard), len(unknown), len(wrong_sampled)))


if __name__ == "__main__":
    main()
