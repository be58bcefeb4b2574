"""How long every wall-clock-guarded step of an audit takes, and how far it stays from its safety net.

usage: python3 benchmarks/step_times.py DIR [-- lossaudit CLI arguments]
       (default arguments: audit --format json --quiet; the cache is off; the report goes to stdout)

Every `timeouts.deadline` (guarded sympy calls, the structure of a case, mpmath fallbacks, the
per-property limit) is timed, in wall-clock and CPU seconds, in every worker; DIR receives one
JSON-lines file per process. `python3 benchmarks/step_times.py --summary DIR` prints the slowest
steps and properties with their margin to the safety net (net / active seconds: the nets count
active time, see lossaudit.timeouts), the largest input of a step and the most steps of a property.
"""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from contextlib import contextmanager

_SKIP = ("contextlib.py", "timeouts.py", "step_times.py")


def _site(frame) -> tuple[str, int | None]:
    """Where the deadline was asked for (the first caller outside the deadline machinery and guarded),
    and for a guarded step the tree nodes of its inputs."""
    fn_name, size = "", None
    while frame is not None:
        code = frame.f_code
        if code.co_filename.endswith(_SKIP):
            frame = frame.f_back
            continue
        if code.co_name == "guarded" and code.co_filename.endswith("core.py"):
            from lossaudit.symbolic.core import input_size
            fn, loc = frame.f_locals.get("fn"), frame.f_locals
            fn_name = getattr(fn, "__qualname__", repr(fn))
            size = input_size(fn, loc.get("args", ()), loc.get("kwargs"))
            frame = frame.f_back
            continue
        where = f"{os.path.relpath(code.co_filename)}:{code.co_name}:{frame.f_lineno}"
        return (f"{where} -> {fn_name}" if fn_name else where), size
    return "?", size


def install(out_dir: str) -> None:
    """Wrap lossaudit.timeouts.deadline (before the other modules import it) and lossaudit.runner.audit_one."""
    import lossaudit.timeouts as timeouts
    original = timeouts.deadline
    records: list = []
    current = {"property": ""}

    @contextmanager
    def timed(seconds, exc=timeouts.SymbolicTimeout):
        site, size = _site(sys._getframe(1))
        wall, cpu, active = time.monotonic(), time.process_time(), timeouts.active_time()
        fired = False
        try:
            with original(seconds, exc):
                yield
        except exc:
            fired = True
            raise
        finally:
            records.append({"site": site, "limit": seconds, "wall": time.monotonic() - wall,
                            "cpu": time.process_time() - cpu, "active": timeouts.active_time() - active,
                            "fired": fired, "exc": exc.__name__,
                            "property": current["property"], "size": size})

    timeouts.deadline = timed
    import lossaudit.properties as properties
    import lossaudit.runner as runner
    audit_one, decide = runner.audit_one, properties.decide

    def deciding(prop, *args, **kwargs):
        current["property"] = prop  # kept after the decision: the per-property deadline ends later
        return decide(prop, *args, **kwargs)

    def recorded(loss, *args, **kwargs):
        records.clear()  # the parent's warm-up, inherited by a fork: no loss's work
        current["property"] = ""
        try:
            return audit_one(loss, *args, **kwargs)
        finally:
            _flush(out_dir, loss.name, records)

    properties.decide = deciding
    runner.audit_one = recorded


def _flush(out_dir: str, loss: str, records: list) -> None:
    with open(os.path.join(out_dir, f"{os.getpid()}.jsonl"), "a", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps({"loss": loss, **r}) + "\n")
    records.clear()


def load(out_dir: str) -> list:
    rows = []
    for name in sorted(os.listdir(out_dir)):
        with open(os.path.join(out_dir, name), encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f)
    return rows


def _row(r: dict) -> str:
    mark = "  FIRED" if r["fired"] else ""
    who = f"{r['loss']} {r['property']}".strip()
    return (f"  {r['wall']:7.3f} {r['active']:7.3f} {r['limit']:6g} x{r['limit'] / max(r['active'], 1e-9):7.1f}"
            f"  {who:<42} {r['site']}{mark}")


def summary(out_dir: str, top: int = 15) -> None:
    """The slowest steps and properties, their margin to the net (limit / active seconds), the largest
    inputs and the most steps of a property (against the budget's deterministic limits)."""
    from lossaudit.budget import MAX_NODES, MAX_STEPS
    rows = load(out_dir)
    inner = [r for r in rows if r["exc"] == "SymbolicTimeout"]
    outer = [r for r in rows if r["exc"] != "SymbolicTimeout"]
    print(f"{len(rows)} timed steps ({len(inner)} symbolic, {len(outer)} per property); "
          f"{sum(r['fired'] for r in rows)} reached their limit; "
          f"wall {sum(r['wall'] for r in outer):.0f} s, active {sum(r['active'] for r in outer):.0f} s in all")
    for title, group in (("symbolic steps", inner), ("properties", outer)):
        print(f"\nslowest {title}: wall s, active s, net s, margin = net / active")
        for r in sorted(group, key=lambda r: -r["active"])[:top]:
            print(_row(r))
    sized = [r for r in inner if r.get("size") is not None]
    if sized:
        big = max(sized, key=lambda r: r["size"])
        steps = Counter((r["loss"], r["property"]) for r in sized)
        (who, most), = steps.most_common(1)
        print(f"\nlargest input of a step: {big['size']} nodes (max_nodes {MAX_NODES}): {big['loss']} "
              f"{big['property']} {big['site']}")
        print(f"most steps in one property: {most} (max_steps {MAX_STEPS}): {' '.join(who)}")


def main(argv: list) -> None:
    if argv[:1] == ["--summary"]:
        summary(argv[1])
        return
    out_dir, rest = argv[0], argv[1:]
    os.makedirs(out_dir, exist_ok=True)
    cli_args = rest[1:] if rest[:1] == ["--"] else ["audit", "--format", "json", "--quiet"]
    os.environ["LOSSAUDIT_NO_CACHE"] = "1"  # measure the work, not the cache
    install(out_dir)
    from lossaudit.cli import main as cli_main
    cli_main(cli_args)


if __name__ == "__main__":
    main(sys.argv[1:])
