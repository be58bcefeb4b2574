"""Whole-catalog JSON with generous time limits, so that load cannot change it.

usage: python3 benchmarks/snapshot.py OUT.json   (from a checkout; the cache is off)

A refactor that must not change behaviour compares the snapshots taken before and after it
(`cmp A B`; `diff <(python3 -m json.tool A) <(python3 -m json.tool B)` shows a difference).
"""
from __future__ import annotations

import json
import os
import sys

GENEROUS = {"symbolic_seconds": 120.0, "timeout": 1200.0}


def main(out: str) -> None:
    os.environ["LOSSAUDIT_NO_CACHE"] = "1"
    import lossaudit
    import lossaudit.budget as budget

    original = budget.Budget.__init__

    def generous(self, *args, **kwargs):  # wall-clock limits only: every deterministic budget stays as it is
        kwargs.setdefault("symbolic_seconds", GENEROUS["symbolic_seconds"])
        kwargs["timeout"] = GENEROUS["timeout"]
        original(self, *args, **kwargs)

    budget.Budget.__init__ = generous
    data = json.loads(lossaudit.audit(workers=2).to_json())
    data.pop("lossaudit_version", None)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    print(f"written {out}: {len(data['losses'])} losses")


if __name__ == "__main__":
    main(sys.argv[1])
