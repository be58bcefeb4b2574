"""Monotonicity: the loss never increases as the prediction moves toward the ideal prediction (see SPEC)."""

from __future__ import annotations

import numpy as np

from ..analysis import Context, fmt
from ..text import apart
from ..numeric import typical_magnitude
from ..verdict import COUNTEREXAMPLE, FAILS, HOLDS, PROOF, SAMPLED, Verdict
from ..witness import Checker, on_domain, pair_out_of_order, shrink_pair
from . import PropertySpec
from ._search import TOP_CANDIDATES, add_new, clearest, first_witness, simplest, violations
from ._thin_starts import fine_start as _fine_start, structural_starts as _structural_starts

SPEC = PropertySpec(
    name="monotonicity", short="mono", title="Monotonicity", order=60,
    definition="The loss never increases as the prediction moves toward the ideal prediction ŷ*: along any "
               "segment from ŷ toward ŷ*, L is nonincreasing. Regression-like kinds: nonincreasing in ŷ below y "
               "and nondecreasing above it. Margin: nonincreasing in y·ŷ. Logits: along any move that increases "
               "every margin z_c − z_j of the true class c (a shift-invariant loss such as softmax cross-entropy "
               "passes). Distribution and box kinds: along segments [ŷ, y).",
    why="A monotone loss never rewards moving away from the right answer: a better prediction is "
        "never penalised more. Square loss on the margin, for instance, punishes confident correct "
        "answers, which hurts classification.",
    method="""\
1. Counterexample search: ordered pairs of samples on each side of the ideal
   prediction (neighbours, random pairs, and pairs straddling points where the
   derivative has the wrong sign); for vectors, the loss along many segments
   toward the ideal. The clearest violations are shrunk to simple numbers and
   re-checked exactly: "closer" lies between "farther" and the ideal and has the
   larger loss.
2. Proof (expressions): on each smooth piece the derivative is proved ≤ 0 on the
   part below the ideal and ≥ 0 on the part above (a sign proof), and at every
   breakpoint the value does not jump up toward the ideal.
3. Otherwise `holds` by sampling.""")
PROPERTY = SPEC.name
PROOF_TEXT = ("the derivative has the right sign on every smooth piece on each side of the ideal prediction "
              "(sign proofs) and the loss never jumps up toward it")


def search(ctx: Context):
    chk = Checker(ctx.loss)
    per_target = _vector_witness if ctx.vector else _scalar_witness
    found = first_witness(ctx, lambda y: per_target(ctx, chk, y))
    if found is None and not ctx.vector:
        found = _at_scale_targets(ctx, chk)
    return None if found is None else _fails(chk, found[0], *found[1])


SCALE_TARGETS = 4


def _at_scale_targets(ctx: Context, chk: Checker):
    """(y, pair) from the structural search at targets of the size of the formula's constants: a
    stationary point 1e-8 off the ideal is a 1e-17 effect at y = 1 but a large one at y = 1e-8."""
    from ..analysis import constant_scales
    dom = ctx.loss.target_domain
    if dom.labels or not ctx.has_expression:
        return None
    # only constants far from 1 (1e-8, 1e5): the usual targets already cover the scales near 1
    small = [c for c in constant_scales(ctx.loss) if abs(np.log10(c)) >= 3][:SCALE_TARGETS]
    for y in small:
        if dom.contains(y) and y not in ctx.targets:
            pair = _scalar_witness(ctx, chk, float(y))
            if pair is not None:
                return float(y), pair
    return None


def proved(ctx: Context, _state, _parts) -> Verdict:
    return Verdict(PROPERTY, HOLDS, PROOF, f"Monotone: {PROOF_TEXT}.", {"proof": PROOF_TEXT})


def sampled(ctx: Context, _state) -> Verdict:
    return Verdict(PROPERTY, HOLDS, SAMPLED,
                   f"No pair of predictions out of order among the samples (seed {ctx.budget.seed}, "
                   f"{len(ctx.targets)} targets); not proved.", {"samples": ctx.budget.samples,
                                                                  "seed": ctx.budget.seed})


def _fails(chk: Checker, y, farther, closer) -> Verdict:
    lf, lc = float(chk.value(farther, y)), float(chk.value(closer, y))
    y_out = list(y) if isinstance(y, (tuple, list)) else y
    detail = (f"Not monotone: at y_true = {fmt(y)}, moving the prediction from {fmt(farther)} toward the ideal "
              "to {} raises the loss from {} to {}.".format(fmt(closer), *apart(lf, lc)))
    return Verdict(PROPERTY, FAILS, COUNTEREXAMPLE, detail,
                   {"y_true": y_out, "farther": farther, "closer": closer,
                    "values": {"L(farther)": lf, "L(closer)": lc}})


# ---------------------------------------------------------------------------
# Scalar predictions

def _toward(ctx: Context, y: float, x):
    """+1 if raising y_pred at x moves toward the ideal prediction, -1 if lowering it does, 0 at the ideal
    (a float for a float x, elementwise for an array)."""
    return ctx.loss.kind.toward_ideal(x, y)


def _valid_pair(ctx: Context, y: float):
    def valid(farther, closer) -> bool:
        if not (ctx.dom.contains(farther) and ctx.dom.contains(closer)) or farther == closer:
            return False
        step = _toward(ctx, y, farther)
        if step == 0 or (closer - farther) * step <= 0:
            return False
        if ctx.loss.kind.overshoots(farther, closer, y):
            return False  # overshoots the target
        return True
    return valid


def _scalar_witness(ctx: Context, chk: Checker, y: float):
    structural = _structural_pair(ctx, chk, y)
    if structural is not None:
        return structural
    x = ctx.grid(y, PROPERTY)
    f = lambda z: ctx.views.value(z, y)  # noqa: E731
    v = f(x)
    far, close = _scalar_pairs(ctx, x, v, y)
    if far.size == 0:
        return None
    fv, cv = f(far), f(close)
    idx, rel = violations(cv - fv, np.abs(fv) + np.abs(cv), [far, close], v, ctx.budget.rtol)
    if idx.size == 0:
        return None
    order = add_new(clearest(idx, rel), idx[np.argsort(np.abs(far[idx]) + np.abs(close[idx]))][:TOP_CANDIDATES])
    valid = _valid_pair(ctx, y)
    return simplest([(float(far[k]), float(close[k])) for k in order],
                    lambda a, b: shrink_pair(chk, a, b, y, valid),
                    lambda a, b: valid(a, b) and pair_out_of_order(chk, a, b, y))


def _structural_pair(ctx: Context, chk: Checker, y: float):
    """A pair out of order where the formula's structure puts one: across a jump of the loss, and from an
    exact stationary point other than the ideal toward the ideal (Poisson NLL with log(y_pred + 1e-8) is
    smallest at y - 1e-8, so it rises from there to y). Offsets scale with the point and run down to
    1e-13 of it; each pair re-checks exactly, so a feature far below float resolution still counts."""
    valid = _valid_pair(ctx, y)
    starts = [(c, True) for c in _jumps(ctx, y)] + [(c, False) for c in _stationary_points(ctx, y)]
    for c, across in starts:
        step = _toward(ctx, y, c)
        if step == 0:
            continue
        for h in _offsets(ctx, y, c):
            far, close = (c - step * h if across else c), c + step * h
            if valid(far, close) and pair_out_of_order(chk, far, close, y):
                return shrink_pair(chk, far, close, y, valid)
    return None


def _jumps(ctx: Context, y: float) -> list:
    return [k.point for k in ctx.kinks(y) if k.jump]


def _stationary_points(ctx: Context, y: float) -> list:
    """Exact zeros of L' inside the smooth pieces (as floats), for expressions with an exact structure."""
    if not ctx.has_expression:
        return []
    return ctx.once(_stationary_of, y)


def _stationary_of(ctx: Context, y: float) -> list:
    from .. import symbolic as S
    st = ctx.structure(y)
    if st is None or getattr(st, "approximate", False):
        return []
    found = []
    for piece in st.pieces:
        roots = S.guarded(ctx.seconds, lambda: S.sp.solve(S.derivative(piece.expr), S.X), default=None)
        for r in roots or []:
            if getattr(r, "is_real", False) and piece.contains(r):
                found.append(S.to_float(r))
    return sorted(set(found))


def _offsets(ctx: Context, y: float, c: float) -> list:
    """Step sizes from c toward the ideal: up to half the way there, down to 1e-13 of the scale of c."""
    rel = 10.0 ** -np.arange(0, 14, dtype=float)
    hs = set(max(1.0, abs(c)) * rel) | (set(abs(c) * rel) if 0 < abs(c) < 1 else set())
    reach = float(np.asarray(ctx.loss.kind.distance_to_ideal(np.asarray([c]), y)).ravel()[0]) / 2
    return sorted({float(min(h, reach)) for h in hs if min(h, reach) > 0}, reverse=True)


def _scalar_pairs(ctx: Context, x: np.ndarray, v: np.ndarray, y: float):
    """(farther, closer) candidate pairs: neighbours and random pairs on one side of the ideal."""
    rng = ctx.rng(PROPERTY, "pairs", y)
    n = x.size
    i = np.arange(n - 1)
    pairs = [(i, i + 1)]
    m = ctx.budget.samples
    a, b = rng.integers(0, n, size=m), rng.integers(0, n, size=m)
    pairs.append((np.minimum(a, b), np.maximum(a, b)))
    d1 = ctx.views.d1(x, y)
    lo, hi = x[np.arange(n) - 1], x[np.minimum(np.arange(n) + 1, n - 1)]
    wrong = np.isfinite(d1) & (d1 * _toward(ctx, y, x) > 0)
    far_list, close_list = [], []
    for p, q in pairs:
        xp, xq = x[p], x[q]               # xp < xq
        up_is_toward = _toward(ctx, y, xp) > 0
        down_is_toward = _toward(ctx, y, xq) < 0
        # raising from xp toward xq approaches the ideal: farther xp, closer xq (and no overshoot)
        ok_up = up_is_toward & ~ctx.loss.kind.overshoots(xp, xq, y)
        ok_down = down_is_toward & ~ctx.loss.kind.overshoots(xq, xp, y)
        far_list += [xp[ok_up], xq[ok_down]]
        close_list += [xq[ok_up], xp[ok_down]]
    # around points where the derivative points the wrong way
    w = np.flatnonzero(wrong)
    if w.size:
        step = _toward(ctx, y, x[w])
        h = 0.25 * np.minimum(np.abs(x[w] - lo[w]) + 1e-300, np.abs(hi[w] - x[w]) + 1e-300)
        far_list.append(x[w] - step * h)
        close_list.append(x[w] + step * np.minimum(h, ctx.loss.kind.distance_to_ideal(x[w], y)))
    far, close = np.concatenate(far_list), np.concatenate(close_list)
    keep = (far > ctx.dom.lo) & (far < ctx.dom.hi) & (close > ctx.dom.lo) & (close < ctx.dom.hi) & (far != close)
    return far[keep], close[keep]


def prove_case(ctx: Context, case) -> bool | None:
    """True when this case is proved monotone; None when it cannot be told."""
    from .. import symbolic as S
    st = S.structure(case, ctx.seconds)
    if st is None:
        return None
    margin = ctx.loss.kind.ideal_at_infinity
    ideal = None if margin else ctx.loss.kind.rule.symbolic_ideal(case)
    if ideal is None and not margin:
        return None  # the ideal in these coordinates is not known (a shifted case of a linked kind)
    for piece in st.pieces:
        d1 = S.derivative(piece.expr)
        parts = _sides(piece, ideal, case, margin)
        if parts is None or not all(S.prove_nonnegative(sign * d1, lo, hi, ctx.seconds) for lo, hi, sign in parts):
            return None
    if not all(_no_jump_up(case, st, b, ideal, margin, ctx.seconds) for b in st.breakpoints):
        return None
    return True


def _sides(piece, ideal, case, margin):
    """(lo, hi, sign): the parts of a piece below (sign -1) and above (sign +1) the ideal prediction.

    On a part with sign s, s·L' ≥ 0 is what monotonicity needs. None when the order of the piece's ends
    and the ideal prediction cannot be decided.
    """
    if margin:
        return [(piece.lo, piece.hi, -1 if case.target_float > 0 else 1)]
    below, above = _less(piece.lo, ideal), _less(ideal, piece.hi)
    if below is None or above is None:
        return None
    out = []
    if below:
        out.append((piece.lo, piece.hi if _less(piece.hi, ideal) else ideal, -1))
    if above:
        out.append((piece.lo if _less(ideal, piece.lo) else ideal, piece.hi, 1))
    return out


def _less(a, b):
    """a < b: True, False, or None when it cannot be decided (±oo allowed)."""
    import sympy as sp
    from .. import symbolic as S
    if a == b:
        return False
    if a == -sp.oo or b == sp.oo:
        return True
    if a == sp.oo or b == -sp.oo:
        return False
    s = S.sign_of(S.guarded(S.DEFAULT_STEP_SECONDS, sp.simplify, b - a, default=b - a))
    return None if s is None else s == 1


def _no_jump_up(case, st, b, ideal, margin, seconds) -> bool:
    """Moving through b toward the ideal, the value never jumps up."""
    from .. import symbolic as S
    rows = S.breakpoint_orders(case, b, seconds, max_order=0)
    left, right = rows[0]
    fb = S.value_at(case, b, seconds)
    if left is None or right is None or fb is None:
        return False
    if S.same_value(left, right, seconds) and S.same_value(left, fb, seconds):
        return True
    if margin:
        up = case.target_float > 0
    else:
        s = S.sign_of(ideal - b)
        if s is None:
            return False
        if s == 0:
            return S.sign_of(left - fb) in (0, 1) and S.sign_of(right - fb) in (0, 1)
        up = s > 0
    seq = (left, fb, right) if up else (right, fb, left)  # in the order met while moving toward the ideal
    return all(S.sign_of(seq[i] - seq[i + 1]) in (0, 1) for i in range(2))


# ---------------------------------------------------------------------------
# Vector predictions

def _vector_witness(ctx: Context, chk: Checker, y):
    """A (farther, closer) pair out of order along segments toward the ideal: from the samples, then from
    where the structure puts thin features (`_structural_starts`: toward each edge of the domain, beside
    the loss's kinks; a clip at p_j = 1e-7 flattens a term next to the simplex's face, and moving toward
    the ideal there raises the loss by ~1e-8 over a stretch of 1e-7), those segments also read at steps
    of 1e-13 to 5e-1 of their length from their start. A rise must clear rtol x the values plus the
    rounding of values this large, and re-check."""
    Y = np.asarray(y, dtype=float)
    rng = ctx.rng(PROPERTY, "segments", tuple(y))
    seg = ctx.loss.kind.segments_toward_ideal(ctx.vector_samples(y, PROPERTY), Y, rng)
    found = _pair_on_segments(ctx, chk, y, seg, from_start=False)
    starts = _structural_starts(ctx, y, Y)
    if found is None and len(starts):
        seg = _fine_start(ctx.loss.kind.segments_toward_ideal(starts, Y, rng))
        found = _pair_on_segments(ctx, chk, y, seg, from_start=True)
    return found


def _pair_on_segments(ctx: Context, chk: Checker, y, seg: np.ndarray, from_start: bool):
    if ctx.views.simplex:  # a segment between points of the simplex lies on it: keep rounding from moving it off
        seg = seg / seg.sum(axis=2, keepdims=True)
    n, m, k = seg.shape
    flat = seg.reshape(-1, k)
    inside = np.asarray(ctx.loss.pred_domain.inside(flat)).reshape(-1)  # rounding can land on the edge
    vals = np.full(n * m, np.nan)
    vals[inside] = ctx.views.value(flat[inside], np.asarray(y, dtype=float))
    rows, cols, rel = _rises(ctx, seg, vals.reshape(n, m), from_start)
    for q in np.argsort(-rel)[:TOP_CANDIDATES]:
        i, j = rows[q], cols[q]
        far, close = (seg[i, 0], seg[i, -j]) if j < 0 else (seg[i, j], seg[i, j + 1])
        far, close = [float(v) for v in far], [float(v) for v in close]
        if on_domain(chk, far) and on_domain(chk, close) and pair_out_of_order(chk, far, close, list(y)):
            return far, close
    return None


def _rises(ctx: Context, seg: np.ndarray, vals: np.ndarray, from_start: bool):
    """(rows, columns, relative rise) of the rises along the segments that clear rtol x the values plus
    the rounding of values this large: between consecutive points (column j: points j, j + 1) and, when
    `from_start`, from each segment's start (column -j: points 0 and j)."""
    reach = np.abs(seg).max(axis=2)
    typical = max(1.0, typical_magnitude(vals))
    rows, cols, rel = [], [], []
    for start in (False, True)[:1 + from_start]:
        base, r_base = (vals[:, :1], reach[:, :1]) if start else (vals[:, :-1], reach[:, :-1])
        rise = vals[:, 1:] - base
        size = np.abs(vals[:, 1:]) + np.abs(base)
        floor = 1e-13 * (1.0 + reach[:, 1:] + r_base) * typical
        r, c = np.nonzero(np.isfinite(rise) & (rise > ctx.budget.rtol * size + floor))
        rows.append(r)
        cols.append(-1 - c if start else c)
        rel.append(rise[r, c] / (size[r, c] + 1e-300))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(rel)
