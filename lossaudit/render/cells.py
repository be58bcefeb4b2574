"""What every format shows in a cell: a mark, how the verdict was reached, and the figure that fits.

Shared by the renderers so that every format carries the same marks and legend.
The figures and the legend's words for them come from the property registry.
"""
from __future__ import annotations

from ..verdict import FAILS, HOLDS, NOT_APPLICABLE, PROOF, UNKNOWN

MARKS = {HOLDS: "✓", FAILS: "✗", UNKNOWN: "?", NOT_APPLICABLE: "–"}
ASCII_MARKS = {HOLDS: "yes", FAILS: "no", UNKNOWN: "?", NOT_APPLICABLE: "n/a"}
STYLES = {HOLDS: "green", FAILS: "red", UNKNOWN: "yellow", NOT_APPLICABLE: "dim"}
MARKS_LEGEND = ("✓ holds (P: proved, S: sampled) · ✗ fails (a counterexample that re-checks) · "
                "? unknown (see the detail).")
NOT_APPLICABLE_LEGEND = " – not applicable (the property is not defined for the loss's kind)."


def legend(verdicts=()) -> str:
    """The marks and, for every registered property with a figure, what it shows; the not-applicable
    mark only when one of `verdicts` is such a verdict."""
    from ..properties import specs
    # the figures are named latest-registered first: "Robustness shows its grade, smoothness its constant L, ..."
    shown = [s for s in reversed(specs()) if s.figure_legend]
    text = MARKS_LEGEND
    if any(v.verdict == NOT_APPLICABLE for v in verdicts):
        text = text[:-1] + " ·" + NOT_APPLICABLE_LEGEND
    if shown:
        first, *rest = shown
        text += f" {first.title} shows {first.figure_legend}" + "".join(
            f", {s.name} {s.figure_legend}" for s in rest) + "."
    return text


def bands(report) -> list[tuple[str, tuple]]:
    """[(title, properties)]: the report's properties grouped by their spec's band, in order. A band in
    which no loss of the report has an applicable verdict is left out (when another band remains)."""
    from ..properties import BAND_TITLES, names, spec
    groups: dict = {}
    for prop in report.properties:
        band = spec(prop).band if prop in names() else 0
        groups.setdefault(band, []).append(prop)
    out = [(BAND_TITLES[b] if b < len(BAND_TITLES) else f"Band {b}", tuple(ps)) for b, ps in sorted(groups.items())]
    used = [(t, ps) for t, ps in out if any(_applicable(report, p) for p in ps)]
    return used or out


def band_report(report, props):
    """The report restricted to one band: its properties, and the losses with an applicable verdict there
    (a vector loss has no row among the classification properties)."""
    import dataclasses
    rows = [r for r in report.results
            if any((v := r.verdicts.get(p)) is not None and v.verdict != NOT_APPLICABLE for p in props)]
    return dataclasses.replace(report, properties=tuple(props), results=rows)


def _applicable(report, prop) -> bool:
    return any((v := r.verdicts.get(prop)) is not None and v.verdict != NOT_APPLICABLE for r in report.results)


def verdicts_of(report):
    """Every verdict of a report (for legend())."""
    return (v for r in report.results for v in r.verdicts.values())


def __getattr__(name):
    if name == "LEGEND":  # the legend of the registered properties, read when asked for
        return legend()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def figure(verdict) -> str:
    """The figure a property adds (its SPEC.figure): robustness grade, smoothness constant, class, ..."""
    from ..properties import names, spec
    if verdict.property not in names():
        return ""
    return spec(verdict.property).figure(verdict)


def how(verdict) -> str:
    """P (proof), S (sampled) or '' for fails/unknown/not applicable."""
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


def css_class(verdict) -> str:
    """The verdict as one CSS class name ("not-applicable")."""
    return verdict.verdict.replace(" ", "-")


def footnote(verdict) -> str:
    """How the verdict was reached, in one sentence (for tooltips and footnotes)."""
    return verdict.detail
