"""What every format shows in a cell: a mark, how the verdict was reached, and the figure that fits.

Shared by the renderers so that every format carries the same marks and legend.
"""
from __future__ import annotations

from ..verdict import FAILS, HOLDS, PROOF

MARKS = {HOLDS: "✓", FAILS: "✗", "unknown": "?"}
ASCII_MARKS = {HOLDS: "yes", FAILS: "no", "unknown": "?"}
LEGEND = ("✓ holds (P: proved, S: sampled) · ✗ fails (a counterexample that re-checks) · "
          "? unknown (see the detail). Robustness shows its grade, smoothness its constant L, "
          "differentiability its class.")


def figure(verdict) -> str:
    """The figure a property adds: robustness grade, smoothness constant, differentiability class."""
    ex = verdict.extras
    if verdict.property == "robustness" and ex.get("grade"):
        return {"redescending": "redesc."}.get(ex["grade"], ex["grade"])
    if verdict.property == "smoothness" and verdict.verdict == HOLDS and ex.get("constant") is not None:
        c = ex["constant"]
        text = f"L={c:.4g}" if isinstance(c, (int, float)) else f"L={c}"
        return text + ("(y)" if ex.get("depends_on_target") else "")
    if verdict.property == "differentiability" and ex.get("class"):
        cls = ex["class"].replace("C-infinity", "C∞").replace("discontinuous", "jump")
        return cls + (", flat" if ex.get("gradient_zero_almost_everywhere") else "")
    return ""


def how(verdict) -> str:
    """P (proof), S (sampled) or '' for fails/unknown."""
    if verdict.verdict != HOLDS:
        return ""
    return "P" if verdict.method == PROOF else "S"


def cell_text(verdict, ascii_only: bool = False) -> str:
    """"✓P bounded", "✗ unbounded", "?": the one-line content of a table cell."""
    mark = (ASCII_MARKS if ascii_only else MARKS)[verdict.verdict]
    parts = [mark + how(verdict)]
    fig = figure(verdict)
    if fig:
        parts.append(fig)
    return " ".join(parts)


def footnote(verdict) -> str:
    """How the verdict was reached, in one sentence (for tooltips and footnotes)."""
    return verdict.detail
