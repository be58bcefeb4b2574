"""make bench (second part): audits at K = 10, 100 and 1000 classes, with time and verdicts.

For softmax cross-entropy (logits) and soft Dice (vector kind), each K in a fresh process (a user's
`lossaudit audit NAME --classes K --property ...`), with the cache off, for the six optimisation
properties (with --all: every property). Prints wall and CPU seconds and one verdict cell per property
(P: by proof, S: sampled); the verdicts should agree across K wherever the truth does (the constants L
may differ: a sampled estimate at small K, at large K the proven bound when it is proved per target).
The issue's goal: softmax cross-entropy at K = 1000 within 5 s on a 2-core machine.
Usage: python3 benchmarks/bench_classes.py [--all] [K ...]
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time

LOSSES = ("softmax_cross_entropy", "soft_dice")
CLASSES = (10, 100, 1000)
OPTIMISATION = "convexity,differentiability,smoothness,robustness,sparsity,monotonicity"
SHORT = {"holds": "✓", "fails": "✗", "unknown": "?", "not applicable": "–"}
METHOD = {"proof": "P", "sampled": "S", "counterexample": "", "none": ""}


def audit(name: str, k: int, every: bool = False) -> tuple[float, float, dict]:
    env = dict(os.environ, LOSSAUDIT_NO_CACHE="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    chosen = [] if every else ["--property", OPTIMISATION]
    done = subprocess.run([sys.executable, "-m", "lossaudit", "audit", name, "--classes", str(k), "--format", "json",
                           "--quiet", *chosen], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if not done.stdout.strip():
        return wall, cpu, {"error": done.stderr.strip().splitlines()[-1:] or ["no output"]}
    report, _ = json.JSONDecoder().raw_decode(done.stdout)
    return wall, cpu, report["losses"][0]


def cells(result: dict) -> str:
    if "error" in result:
        return "error: " + " ".join(result["error"])
    out = []
    for prop, v in result["properties"].items():
        extra = ""
        if prop == "smoothness" and v.get("constant") is not None:
            extra = f" L={v['constant']:.4g}"
        if prop == "robustness" and v.get("grade"):
            extra = f" {v['grade']}"
        out.append(f"{prop[:5]} {SHORT.get(v['verdict'], '?')}{METHOD.get(v.get('method'), '')}{extra}")
    return " · ".join(out)


def main(argv: list[str]) -> None:
    every = "--all" in argv
    ks = [int(a) for a in argv if a != "--all"] or list(CLASSES)
    print(f"{'loss':24} {'K':>5} {'wall s':>8} {'cpu s':>7}  verdicts (K stated by the report: 'classes')")
    for name in LOSSES:
        for k in ks:
            wall, cpu, result = audit(name, k, every)
            stated = result.get("classes", "?")
            print(f"{name:24} {k:>5} {wall:8.1f} {cpu:7.1f}  [K={stated}] {cells(result)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
