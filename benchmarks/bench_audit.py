"""make bench: how long lossaudit takes, against the floor of starting Python with its libraries.

usage: python3 benchmarks/bench_audit.py [--skip docs,cold,...] [--out FILE]   (from a checkout)

Measures, for the checkout this file is in (not an installed copy):

  floor       python3 -c "import numpy, scipy, sympy" (the least any audit costs)
  help        lossaudit --help
  cold        lossaudit audit --format json, the whole catalog, cache off (a new process)
  warm        the same with the cache filled (a repeated audit)
  expression  one user expression, cache off: the median of three typical ones
  callable    one numpy callable, cache off
  explain     lossaudit explain convexity
  docs        lossaudit docs --out TMP (the whole reference), cache off
  per loss    the whole catalog in one process, one worker: the median and the ten slowest losses

Each figure is the median of REPEATS runs (of a new process; the catalog ones once, they are long), in
wall-clock seconds and in CPU seconds (user + sys of the process and the workers it waited for), and as a
ratio to the floor measured in the same run. The machine may be shared: compare CPU seconds and ratios,
not one wall-clock figure. Writes benchmarks/results.json. Speed goals live here, not in tests.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
REPEATS = 3
EXPRESSIONS = (  # typical user expressions: a robust regression loss, a margin loss, a smooth surrogate
    ("regression", "where(abs(y_pred - y_true) <= 1, (y_pred - y_true)**2 / 2, abs(y_pred - y_true) - 1/2)"),
    ("margin", "log(1 + exp(-y_true * y_pred))"),
    ("regression", "log(cosh(y_pred - y_true))"),
)
CALLABLE = '''import numpy as np


def pseudo_huber(y_pred, y_true):
    r = y_pred - y_true
    return np.sqrt(1 + r * r) - 1
'''


def _env(cache_dir: str | None) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("LOSSAUDIT_NO_CACHE", None)
    if cache_dir is None:
        env["LOSSAUDIT_NO_CACHE"] = "1"
    else:
        env["LOSSAUDIT_CACHE_DIR"] = cache_dir
    return env


def timed(argv: list, cache_dir: str | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one new process (its waited-for children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=_env(cache_dir))
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(runs: list) -> dict:
    return {"wall": statistics.median(w for w, _ in runs), "cpu": statistics.median(c for _, c in runs)}


def repeated(argv: list, cache_dir: str | None = None, repeats: int = REPEATS) -> dict:
    return median_of([timed(argv, cache_dir) for _ in range(repeats)])


def lossaudit(*args: str) -> list:
    return [sys.executable, "-m", "lossaudit", *args]


def per_loss(cache_dir: str) -> dict:
    """The whole catalog in this process, one worker (it also fills `cache_dir` for the warm figure)."""
    os.environ["LOSSAUDIT_CACHE_DIR"] = cache_dir
    os.environ.pop("LOSSAUDIT_NO_CACHE", None)
    sys.path.insert(0, str(ROOT))
    from lossaudit.budget import Budget
    from lossaudit.catalog_loader import load
    from lossaudit.runner import run
    from lossaudit.verdict import PROPERTIES
    losses = load()
    stamps = []

    def progress(done, total, name):
        stamps.append((name, time.perf_counter(), time.process_time()))
    start, cpu = time.perf_counter(), time.process_time()
    run(losses, PROPERTIES, Budget(), workers=1, progress=progress)
    rows, last = [], (start, cpu)
    for name, wall, used in stamps:
        rows.append({"loss": name, "wall": wall - last[0], "cpu": used - last[1]})
        last = (wall, used)
    rows.sort(key=lambda r: -r["cpu"])
    return {"total": {"wall": last[0] - start, "cpu": last[1] - cpu}, "losses": len(rows),
            "median": {"wall": statistics.median(r["wall"] for r in rows),
                       "cpu": statistics.median(r["cpu"] for r in rows)},
            "slowest": rows[:10]}


def measure(skip: set) -> dict:
    figures: dict = {"floor": repeated([sys.executable, "-c", "import numpy, scipy, sympy"])}
    figures["help"] = repeated(lossaudit("--help"))
    with tempfile.TemporaryDirectory() as tmp:
        if "cold" not in skip:
            figures["cold"] = median_of([timed(lossaudit("audit", "--format", "json", "--quiet"))])
        cache_dir = os.path.join(tmp, "cache")
        serial = per_loss(cache_dir)
        figures["sequential"] = serial["total"]
        figures["warm"] = repeated(lossaudit("audit", "--format", "json", "--quiet"), cache_dir)
        one = [repeated(lossaudit("audit", "--quiet", "--format", "json", "-k", kind, "-e", text), repeats=1)
               for kind, text in EXPRESSIONS]
        figures["expression"] = {k: statistics.median(f[k] for f in one) for k in ("wall", "cpu")}
        source = Path(tmp, "bench_callable.py")
        source.write_text(CALLABLE, encoding="utf-8")
        figures["callable"] = repeated(lossaudit("audit", "--quiet", "--format", "json", "-k", "regression",
                                                 f"{source}:pseudo_huber"), repeats=1)
        figures["explain"] = repeated(lossaudit("explain", "convexity", "--quiet", "--no-color"), repeats=1)
        if "docs" not in skip:
            out = os.path.join(tmp, "docs")
            figures["docs"] = median_of([timed(lossaudit("docs", "--out", out, "--quiet"))])
    floor = figures["floor"]
    for key, f in figures.items():
        f["ratio"] = f["wall"] / floor["wall"]
        if key in FORKED:
            f["cpu_counts"] = "parent only"  # the workers are killed with their process group, unreaped
        else:
            f["cpu_ratio"] = f["cpu"] / floor["cpu"]
    return {"figures": figures, "per_loss": {"median": serial["median"], "slowest": serial["slowest"],
                                             "losses": serial["losses"]}}


FORKED = {"cold", "callable", "explain", "docs"}  # audits in forked workers: their CPU is not seen here
LABELS = {"floor": "floor: python3 -c 'import numpy, scipy, sympy'", "help": "lossaudit --help",
          "cold": "cold catalog (cache off, new process)", "warm": "warm catalog (cached)",
          "sequential": "catalog in process, one worker", "expression": "one expression (median of 3)",
          "callable": "one numpy callable", "explain": "lossaudit explain convexity",
          "docs": "lossaudit docs (whole reference, cache off)"}


def show(results: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    table = Table(title="lossaudit benchmark: median seconds, and as multiples of the floor measured in this run")
    for col in ("measure", "wall s", "CPU s", "wall / floor", "CPU / floor"):
        table.add_column(col, justify="left" if col == "measure" else "right")
    for key, f in results["figures"].items():
        cpu = f"{f['cpu']:.2f}" + ("*" if key in FORKED else "")
        table.add_row(LABELS[key], f"{f['wall']:.2f}", cpu, f"{f['ratio']:.1f}",
                      f"{f['cpu_ratio']:.1f}" if "cpu_ratio" in f else "")
    floor = results["figures"]["floor"]
    rows = [("median loss (in process)", results["per_loss"]["median"])]
    rows += [(f"slowest: {r['loss']}", r) for r in results["per_loss"]["slowest"]]
    for label, r in rows:
        table.add_row(label, f"{r['wall']:.3f}", f"{r['cpu']:.3f}", f"{r['wall'] / floor['wall']:.2f}",
                      f"{r['cpu'] / floor['cpu']:.2f}")
    Console().print(table)
    print("* CPU of the parent process only: the forked workers' time is not visible to it "
          "(the in-process one-worker line gives the catalog's whole CPU time)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", default="", help="comma-separated: cold, docs (the long ones)")
    parser.add_argument("--out", default=str(RESULTS), help="where the figures go (JSON)")
    args = parser.parse_args(argv)
    results = measure({s.strip() for s in args.skip.split(",") if s.strip()})
    results["machine"] = {"cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]}
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    show(results)


if __name__ == "__main__":
    main()
