"""make bench: how long auditing the whole catalog takes.

Prints a table: the cold audit (a new process, as a user runs it), the
in-process audit with the default workers, the sequential audit, and the
median and slowest per-loss times. Speed goals live here, not in tests.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time


def cold() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lossaudit", "audit", "--format", "json", "--quiet"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def in_process(workers: int | None) -> tuple[float, list]:
    from lossaudit.runner import run
    from lossaudit.budget import Budget
    from lossaudit.catalog_loader import load
    from lossaudit.verdict import PROPERTIES
    losses = load()
    stamps = []
    start = time.perf_counter()

    def progress(done, total, name):
        stamps.append((name, time.perf_counter()))
    run(losses, PROPERTIES, Budget(), workers=workers, progress=progress)
    total = time.perf_counter() - start
    per_loss = []
    last = start
    for name, t in stamps:
        per_loss.append((t - last, name))
        last = t
    return total, per_loss


def main() -> None:
    os.environ["LOSSAUDIT_NO_CACHE"] = "1"  # measure the work, not the cache (children inherit this)
    from rich.console import Console
    from rich.table import Table
    cold_s = cold()
    parallel_s, _ = in_process(None)
    serial_s, per_loss = in_process(1)
    times = sorted(per_loss, reverse=True)
    table = Table(title=f"lossaudit benchmark: the whole catalog ({len(per_loss)} losses, 6 properties)")
    table.add_column("measure")
    table.add_column("seconds", justify="right")
    table.add_row("cold: lossaudit audit --format json (new process)", f"{cold_s:.2f}")
    table.add_row("in-process, default workers", f"{parallel_s:.2f}")
    table.add_row("in-process, one worker (sequential)", f"{serial_s:.2f}")
    table.add_row("median per loss (sequential)", f"{statistics.median(t for t, _ in per_loss):.3f}")
    for t, name in times[:5]:
        table.add_row(f"slowest: {name}", f"{t:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()
