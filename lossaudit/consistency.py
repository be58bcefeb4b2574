"""Verdicts of one loss that agree with each other: the implications between properties, checked and
applied.

    smooth (∇L Lipschitz)       => differentiable (C1)
    sparse (scalar)             => a kink at the minimizer: not differentiable, not smooth
    convex                      => continuous on the open domain: no jump
    differentiability's class   agrees with its own verdict (holds: C1 or better; fails: C0 or a jump)

`contradictions(verdicts)` lists the sets of verdicts that break one (a bug: the tests run it over every
report they produce). `reconcile(verdicts, loss)` moves evidence where it transfers soundly: a kink that
re-checks makes smoothness fail with it, the kink sparsity finds at the minimizer makes differentiability
fail, a smoothness proof decides an undecided differentiability. A proof is never overridden: a proof
contradicted by a re-checked counterexample stays a contradiction for the tests to catch.
"""
from __future__ import annotations

import math

from .text import fmt
from .verdict import COUNTEREXAMPLE, FAILS, HOLDS, NOT_APPLICABLE, PROOF, UNKNOWN, Verdict

DIFF, SMOOTH, SPARSE, CONVEX = "differentiability", "smoothness", "sparsity", "convexity"
JUMP_CLASSES = ("discontinuous", "C0")


def _is(verdicts: dict, prop: str, outcome) -> bool:
    v = verdicts.get(prop)
    return v is not None and v.verdict == outcome


def _vector(verdicts: dict) -> bool:
    """A vector loss: some verdict names a vector target (y_true = [..]) in its evidence."""
    return any(isinstance(v.evidence.get("y_true"), (list, tuple)) for v in verdicts.values())


def contradictions(verdicts: dict, vector: bool | None = None) -> list[str]:
    """Every implication between properties that this loss's verdicts ({property: Verdict}) break."""
    vector = _vector(verdicts) if vector is None else vector
    out = []
    if _is(verdicts, SMOOTH, HOLDS) and _is(verdicts, DIFF, FAILS):
        out.append("smoothness holds but differentiability fails (smooth implies differentiable)")
    if not vector and _is(verdicts, SPARSE, HOLDS):
        for prop in (DIFF, SMOOTH):
            if _is(verdicts, prop, HOLDS):
                out.append(f"sparsity holds but {prop} holds (sparse implies a kink at the minimizer)")
    if _is(verdicts, DIFF, HOLDS) and _is(verdicts, SMOOTH, FAILS) and _kink_evidence(verdicts[SMOOTH].evidence):
        out.append("smoothness fails at a kink but differentiability holds (a kink is known to every property)")
    cls = verdicts[DIFF].extras.get("class") if DIFF in verdicts else None
    if cls and _is(verdicts, DIFF, HOLDS) and cls in JUMP_CLASSES:
        out.append(f"differentiability holds with class {cls}")
    if cls and _is(verdicts, DIFF, FAILS) and cls not in JUMP_CLASSES:
        out.append(f"differentiability fails with class {cls}")
    if cls == "discontinuous" and _is(verdicts, CONVEX, HOLDS):
        out.append("convexity holds but the loss jumps (a convex function is continuous on an open domain)")
    return out


def report_contradictions(report) -> list[str]:
    """"name: contradiction" for every loss of a Report whose verdicts break an implication."""
    return [f"{r.name}: {c}" for r in report.results
            for c in contradictions(r.verdicts, vector=r.loss.kind.vector)]


# ---------------------------------------------------------------------------
# Reconciliation: evidence that transfers soundly


def reconcile(verdicts: dict, loss=None) -> dict:
    """The verdicts with sound transfers applied (a new dict; the input is not changed)."""
    out = dict(verdicts)
    if loss is not None and not _vector(out):
        _sparse_kink(out, loss)
    if loss is not None:
        _kink_to_differentiability(out, loss)
    _kink_to_smoothness(out)
    _smooth_to_differentiable(out)
    return out


def _overridable(v: Verdict | None) -> bool:
    return v is not None and v.verdict not in (FAILS, NOT_APPLICABLE) and not (v.verdict == HOLDS and v.method == PROOF)


def _kink_to_smoothness(out: dict) -> None:
    """A kink (or jump) differentiability found makes smoothness fail with the same numbers."""
    diff, smooth = out.get(DIFF), out.get(SMOOTH)
    if not (_is(out, DIFF, FAILS) and _overridable(smooth)):
        return
    ev = diff.evidence
    if "point" not in ev or "left_derivative" not in ev:
        return
    keys = ("y_true", "point", "direction", "left_derivative", "right_derivative")
    evidence = {k: ev[k] for k in keys if k in ev}
    where = f"y_pred = {fmt(ev['point'])}" + (f" along {fmt(ev['direction'])}" if "direction" in ev else "")
    detail = (f"Not smooth: the gradient jumps at {where} (y_true = {fmt(ev['y_true'])}): left derivative "
              f"{fmt(ev['left_derivative'])}, right derivative {fmt(ev['right_derivative'])} (the kink found "
              "for differentiability).")
    out[SMOOTH] = Verdict(SMOOTH, FAILS, COUNTEREXAMPLE, detail, evidence, {"constant": None})


def _kink_evidence(ev: dict) -> bool:
    """The evidence names a point where the one-sided derivatives differ (a kink or a jump)."""
    left, right = ev.get("left_derivative"), ev.get("right_derivative")
    return "point" in ev and isinstance(left, (int, float)) and isinstance(right, (int, float)) and left != right


def _kink_to_differentiability(out: dict, loss) -> None:
    """A kink smoothness found makes differentiability fail with it, once it re-checks."""
    smooth, diff = out.get(SMOOTH), out.get(DIFF)
    if not (_is(out, SMOOTH, FAILS) and _overridable(diff) and _kink_evidence(smooth.evidence)):
        return
    from .witness import Checker, kink_confirmed
    ev = smooth.evidence
    if not kink_confirmed(Checker(loss), ev["point"], ev["y_true"], ev.get("direction")):
        return
    jump = any(math.isinf(ev[k]) for k in ("left_derivative", "right_derivative"))
    where = f"y_pred = {fmt(ev['point'])}" + (f" along {fmt(ev['direction'])}" if "direction" in ev else "")
    detail = (f"Not differentiable: at y_true = {fmt(ev['y_true'])} the loss {'jumps' if jump else 'has a kink'} at "
              f"{where} (left derivative {fmt(ev['left_derivative'])}, right derivative "
              f"{fmt(ev['right_derivative'])}; the kink found for smoothness).")
    keys = ("y_true", "point", "direction", "left_derivative", "right_derivative")
    flat = bool(diff.extras.get("gradient_zero_almost_everywhere", False))
    out[DIFF] = Verdict(DIFF, FAILS, COUNTEREXAMPLE, detail, {k: ev[k] for k in keys if k in ev},
                        {"class": "discontinuous" if jump else "C0", "gradient_zero_almost_everywhere": flat})


def _smooth_to_differentiable(out: dict) -> None:
    """A smoothness proof decides a differentiability left undecided: smooth implies differentiable (C1)."""
    smooth, diff = out.get(SMOOTH), out.get(DIFF)
    if not (smooth is not None and smooth.verdict == HOLDS and smooth.method == PROOF):
        return
    if diff is None or diff.verdict != UNKNOWN:
        return
    flat = bool(diff.extras.get("gradient_zero_almost_everywhere", False))
    proof = "smooth implies differentiable: " + str(smooth.evidence.get("proof", "smoothness holds by proof"))
    out[DIFF] = Verdict(DIFF, HOLDS, PROOF, f"Differentiable everywhere (C1): {proof}.", {"proof": proof},
                        {"class": "C1", "gradient_zero_almost_everywhere": flat})


def _sparse_kink(out: dict, loss) -> None:
    """Sparsity's minimizer is a kink (its one-sided derivatives differ there): differentiability fails with it,
    once it re-checks."""
    sparse, diff = out.get(SPARSE), out.get(DIFF)
    if not (_is(out, SPARSE, HOLDS) and _overridable(diff)):
        return
    kink = minimizer_kink(sparse.evidence)
    if kink is None:
        return
    from .witness import Checker, kink_confirmed
    y, point, left, right = kink
    if not kink_confirmed(Checker(loss), point, y):
        return
    detail = (f"Not differentiable: at y_true = {fmt(y)} the loss has a kink at its minimizer y_pred = {fmt(point)} "
              f"(left derivative {fmt(left)}, right derivative {fmt(right)}; the kink found for sparsity).")
    out[DIFF] = Verdict(DIFF, FAILS, COUNTEREXAMPLE, detail,
                        {"y_true": y, "point": point, "left_derivative": left, "right_derivative": right},
                        {"class": "C0", "gradient_zero_almost_everywhere": False,
                         "nondifferentiable_at": f"y_pred = {fmt(point)} (y_true = {fmt(y)})"})


def minimizer_kink(evidence: dict):
    """(y, point, left, right): the kink at an end of sparsity's minimizer set (outside slope vs inside 0,
    or the two outside slopes at a single minimizer); None when the evidence names none."""
    y, where = evidence.get("y_true"), evidence.get("minimizer")
    left, right = evidence.get("left_derivative"), evidence.get("right_derivative")
    if y is None or where is None or not all(isinstance(v, (int, float)) for v in (left, right)):
        return None
    lo, hi = (where, where) if isinstance(where, (int, float)) else where
    if lo == hi:
        return (y, lo, left, right) if left != right and _finite(lo) else None
    if not math.isnan(left) and left != 0 and _finite(lo):
        return y, lo, left, 0.0
    if not math.isnan(right) and right != 0 and _finite(hi):
        return y, hi, 0.0, right
    return None


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)
