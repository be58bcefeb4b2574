"""Plots for the docs: a loss, its derivative (the influence function) and its curvature, for a few targets.

The numbers come from the loss's numeric views (`loss.views`); matplotlib, the
optional `plot` extra, is imported only to draw. Vector kinds are plotted along
one line through prediction space. Output is byte-for-byte reproducible: a fixed
`svg.hashsalt` and no date or creator in the SVG metadata.
"""
from __future__ import annotations

import importlib.util
import io
import math
from dataclasses import dataclass

import numpy as np

from .kinds import Interval, simplex_targets

POINTS = 301


class PlotSkipped(Exception):
    """No plot for this loss; the message says why (it is shown on the page)."""


@dataclass
class Curve:
    label: str
    value: np.ndarray
    slope: np.ndarray       # dL/dŷ, or the derivative along the line for vector kinds
    curvature: np.ndarray
    mark: float | None = None   # where the ideal prediction lies on the x axis, if it does


@dataclass
class Curves:
    x: np.ndarray
    xlabel: str
    curves: list
    vector: bool = False
    line: str = ""          # how the line through prediction space is chosen (vector kinds)


def available() -> bool:
    """Is matplotlib (the `plot` extra) installed?"""
    return importlib.util.find_spec("matplotlib") is not None


# ---------------------------------------------------------------------------
# The numbers

def curves(loss, points: int = POINTS) -> Curves:
    """Value, slope and curvature over a grid, per target; raises PlotSkipped when there is no sensible plot."""
    try:
        with np.errstate(all="ignore"):
            return _vector(loss, points) if loss.kind.vector else _scalar(loss, points)
    except PlotSkipped:
        raise
    except Exception as exc:  # noqa: BLE001 - a plot must never stop the docs; the page says why
        raise PlotSkipped(f"its numeric views could not be evaluated ({type(exc).__name__}: {exc})") from None


def scalar_targets(loss) -> list[float]:
    """Candidate targets, the preferred first; the plot keeps the first two where the loss is defined."""
    dom = loss.target_domain
    if dom.labels:
        return list(dom.labels[:3])
    # otherwise an interval (a scalar kind's targets are labels or an interval); positive kinds: away from 0,
    # where many such losses are undefined
    preferred = (1.0, 4.0, 2.0) if dom.lo >= 0 else (0.0, 2.0, 1.0, -1.0)
    picked = [y for y in preferred if dom.contains(y)]
    if dom.bounded:  # e.g. soft labels in [0, 1]
        picked = [dom.lo + (dom.hi - dom.lo) * f for f in (0.25, 0.75)] + picked
    return picked or [dom.lo + 1.0]


def _window(dom: Interval, targets: list[float]) -> tuple[float, float]:
    """The x range: around the targets, inside the open prediction domain."""
    lo = dom.lo if math.isfinite(dom.lo) else min(targets) - 4.0
    hi = dom.hi if math.isfinite(dom.hi) else max(max(targets), lo) + (6.0 if math.isfinite(dom.lo) else 4.0)
    inset = (hi - lo) * 0.005
    return (lo + inset if math.isfinite(dom.lo) else lo), (hi - inset if math.isfinite(dom.hi) else hi)


def _scalar(loss, points: int) -> Curves:
    dom = loss.pred_domain  # an interval: a scalar kind's predictions always are (Kind.check_override)
    targets = scalar_targets(loss)
    wanted = len(targets) if loss.target_domain.labels else 2
    x = np.linspace(*_window(dom, targets[:wanted]), points)
    views = loss.views
    marks = loss.kind.ideal_is_target
    out = []
    for y in targets:
        t = np.full_like(x, y)
        value = _arr(views.value(x, t))
        if np.isfinite(value).any() and len(out) < wanted:
            out.append(Curve(f"y = {y:g}", value, _arr(views.d1(x, t)), _arr(views.d2(x, t)), y if marks else None))
    if not out:
        raise PlotSkipped("the loss is not finite anywhere on the plotted range")
    return Curves(x, "prediction ŷ", out)


def _vector(loss, points: int) -> Curves:
    k, dom = loss.K, loss.target_domain
    if loss.kind.ideal_at_infinity:  # class scores: along one score
        return _along(loss, points, *_logit_line(k))
    if dom.on_simplex:
        return _along(loss, points, *_simplex_line(simplex_targets(k)[:2]))
    if dom.labels and not loss.pred_domain.on_simplex and loss.pred_domain.bounded:  # a bounded box
        lo, hi = dom.labels[0], dom.labels[-1]
        return _along(loss, points, *_box_line(dom.vector_targets(k)[:2], lo, hi))
    raise PlotSkipped(f"there is no plot along a line for a {loss.kind} loss with targets in {dom}")


def _logit_line(k):
    """ŷ = (s, 0, ..., 0): the score of class 0, when class 0 is the true class and when it is not."""
    eye = np.eye(k)
    paths = [(f"true class {c}", eye[c], np.zeros(k), eye[0], None) for c in (0, 1)]
    return (-6.0, 6.0), "score ŷ₀ of class 0 (the other scores 0)", "ŷ = (s, 0, …, 0)", paths


def _simplex_line(targets):
    """ŷ₀ = p, the other entries in the target's proportions: through the target, from one face to a corner."""
    out = []
    for t in targets:
        t = np.asarray(t, float)
        rest = t.copy()
        rest[0] = 0.0
        rest /= 1.0 - t[0]
        # x(p) = p·e0 + (1 - p)·rest
        label = "y = (" + ", ".join(f"{v:.3g}" for v in t) + ")"
        out.append((label, t, rest, np.eye(len(t))[0] - rest, t[0]))
    return (0.005, 0.995), "ŷ₀ (the other entries keep the target's proportions)", \
        "ŷ = p·e₀ + (1 − p)·r, r the target's other entries rescaled to sum to 1", out


def _box_line(targets, lo, hi):
    """From the corner opposite the target (s = 0) to the target (s = 1)."""
    out = []
    for t in targets:
        t = np.asarray(t, float)
        far = lo + hi - t
        label = "y = (" + ", ".join(f"{v:g}" for v in t) + ")"
        out.append((label, t, far, t - far, 1.0))
    return (0.005, 0.995), "s (0: the corner opposite the target, 1: the target)", \
        "ŷ = (1 − s)·(opposite corner) + s·y", out


def _along(loss, points, span, xlabel, line, paths) -> Curves:
    s = np.linspace(*span, points)
    views = loss.views
    out = []
    for label, target, start, direction, mark in paths:
        X = start[None, :] + s[:, None] * direction[None, :]
        G, H = views.grad(X, target), views.hess(X, target)
        out.append(Curve(label, _arr(views.value(X, target)), _arr(G @ direction),
                         _arr(np.einsum("i,nij,j->n", direction, H, direction)), mark))
    return Curves(s, xlabel, out, vector=True, line=line)


def _arr(values) -> np.ndarray:
    a = np.asarray(values, dtype=float).reshape(-1)
    return np.where(np.isfinite(a), a, np.nan)


# ---------------------------------------------------------------------------
# Drawing

TITLES = ("loss L(ŷ, y)", "derivative ∂L/∂ŷ (influence)", "curvature ∂²L/∂ŷ²")
LINE_TITLES = ("loss along the line", "slope along the line", "curvature along the line")
STYLES = ("-", "--", ":")
COLORS = ("#1f6feb", "#d1242f", "#1a7f37")
RC = {"svg.hashsalt": "lossaudit", "svg.fonttype": "none", "font.size": 9, "axes.titlesize": 9.5,
      "axes.spines.top": False, "axes.spines.right": False}


def svg(loss, points: int = POINTS) -> str:
    """The three panels as SVG text (needs matplotlib); raises PlotSkipped when there is nothing to plot."""
    data = curves(loss, points)
    import matplotlib
    from matplotlib.figure import Figure
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(10.5, 3.1))
        axes = fig.subplots(1, 3)
        for ax, title, key in zip(axes, LINE_TITLES if data.vector else TITLES, ("value", "slope", "curvature")):
            _panel(ax, data, key)
            ax.set_title(title)
            ax.set_xlabel(data.xlabel if not data.vector else data.xlabel.split(" (")[0])
        axes[0].legend(frameon=False, fontsize=8)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _panel(ax, data: Curves, key: str) -> None:
    series = [getattr(c, key) for c in data.curves]
    for i, (c, y) in enumerate(zip(data.curves, series)):
        ax.plot(data.x, y, STYLES[i % 3], color=COLORS[i % 3], lw=1.6, label=c.label)
        if c.mark is not None:
            ax.axvline(c.mark, color=COLORS[i % 3], lw=0.6, alpha=0.5)
    if key != "value":
        ax.axhline(0.0, color="#8c959f", lw=0.6)
    limits = y_limits(series)
    if limits:
        ax.set_ylim(*limits)
    ax.grid(alpha=0.25)


def y_limits(series) -> tuple[float, float] | None:
    """Show the whole curve, unless a few extreme values (a blow-up at an edge) would flatten the rest."""
    values = np.concatenate([s[np.isfinite(s)] for s in series]) if series else np.array([])
    if values.size == 0:
        return None
    q_lo, q_hi = np.percentile(values, [2, 98])
    span = max(q_hi - q_lo, 1e-9 * max(1.0, abs(q_hi)))
    lo = values.min() if values.min() >= q_lo - 2 * span else q_lo - 0.3 * span
    hi = values.max() if values.max() <= q_hi + 2 * span else q_hi + 0.3 * span
    if hi - lo < 1e-12:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.06 * (hi - lo)
    return float(lo - pad), float(hi + pad)


# ---------------------------------------------------------------------------
# Parameter regions: one strip per property (plain SVG, no matplotlib needed)

REGION_COLORS = {"holds": "#1a7f37", "holds (bounded)": "#4ac26b", "holds (redescending)": "#116329",
                 "fails": "#d1242f", "unknown": "#8c959f", "not applicable": "#d0d7de"}


def regions_svg(found) -> str:
    """A strip plot of a RegionReport (lossaudit.regions): per property, the parameter's range coloured by
    verdict, exact boundaries marked with their value."""
    from html import escape
    left, width, row, top = 150, 560, 26, 30
    props = list(found.properties.items())
    height = top + row * len(props) + 40
    scale = width / (found.hi - found.lo)

    def x(v):
        return left + (v - found.lo) * scale
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 30}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="16">{escape(found.loss.name)}: regions of {escape(found.param)}</text>']
    for i, (prop, pr) in enumerate(props):
        y = top + i * row
        out.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(prop)}</text>')
        for r in pr.regions:
            w = max((r.hi - r.lo) * scale, 2.0)
            colour = REGION_COLORS.get(r.label, "#8c959f")
            out.append(f'<rect x="{x(r.lo) - (1 if r.lo == r.hi else 0):.2f}" y="{y}" width="{w:.2f}" height="18" '
                       f'fill="{colour}"><title>{escape(r.label)} for {escape(r.interval(found.param))}</title></rect>')
        for b in pr.boundaries:
            if b.exact:
                out.append(f'<text x="{x(b.at):.2f}" y="{y + 13}" text-anchor="middle" fill="white">|</text>')
    axis = top + row * len(props) + 12
    out.append(f'<line x1="{left}" y1="{axis}" x2="{left + width}" y2="{axis}" stroke="#57606a"/>')
    for v in np.linspace(found.lo, found.hi, 5):
        out.append(f'<text x="{x(v):.2f}" y="{axis + 14}" text-anchor="middle">{v:g}</text>')
    legend = " · ".join(f"{k}" for k in REGION_COLORS if any(r.label == k for _, p in props for r in p.regions))
    out.append(f'<text x="{left}" y="{axis + 28}" fill="#57606a">{escape(legend)}</text></svg>')
    return "\n".join(out) + "\n"
