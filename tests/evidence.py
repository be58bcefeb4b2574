"""An independent re-check of `fails` evidence, for the tests.

It rebuilds the loss from the report's own expression text (the parser is
tested on its own) and evaluates it in 50-digit mpmath at exactly the numbers the
report prints, the way a reader with a pencil would. It shares no code with
lossaudit's analyzers or witness module.
"""
from __future__ import annotations

import math

import mpmath
import sympy as sp

from lossaudit.expr import parse, param_symbol, vector_symbols, Y_PRED, Y_TRUE

DIGITS = 50


def exact_loss(entry: dict):
    """L(y_pred, y_true) in mpmath from a JSON report entry (scalar or vector kinds)."""
    k = entry.get("classes")
    params = entry.get("parameters") or {}
    expr = parse(entry["expression"], params=list(params), classes=k)
    expr = expr.xreplace({param_symbol(n): sp.Float(v) for n, v in params.items()})
    if k:
        args = vector_symbols("y_pred", k) + vector_symbols("y_true", k)
    else:
        args = (Y_PRED, Y_TRUE)
    fn = sp.lambdify(args, expr, modules="mpmath")

    def L(yp, yt):
        with mpmath.workdps(max(DIGITS, mpmath.mp.dps)):  # never lower a caller's precision (mpmath.diff)
            flat = (list(yp) + list(yt)) if k else [yp, yt]
            v = fn(*[mpmath.mpf(a) for a in flat])
            return mpmath.mpf(v.real) if isinstance(v, mpmath.mpc) else mpmath.mpf(v)
    return L


def _num(v):
    if isinstance(v, str):
        return {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}[v]
    return v


def bigger(a, b) -> bool:
    with mpmath.workdps(DIGITS):
        scale = max(abs(a), abs(b), mpmath.mpf(10) ** -300)
        return a - b > scale * mpmath.mpf(10) ** -30


def check_chord(L, ev) -> None:
    c, y = ev["chord"], ev["y_true"]
    with mpmath.workdps(DIGITS):
        t = mpmath.mpf(c["t"])
        if isinstance(c["a"], list):
            mid = [t * mpmath.mpf(p) + (1 - t) * mpmath.mpf(q) for p, q in zip(c["a"], c["b"])]
        else:
            mid = t * mpmath.mpf(c["a"]) + (1 - t) * mpmath.mpf(c["b"])
        assert bigger(L(mid, y), t * L(c["a"], y) + (1 - t) * L(c["b"], y)), f"chord not broken: {ev}"


def check_pair(L, ev, kind: str) -> None:
    far, close, y = ev["farther"], ev["closer"], ev["y_true"]
    if not isinstance(far, list):
        if kind == "margin":
            assert (close - far) * y > 0, f"'closer' is not a larger margin: {ev}"
        else:
            assert abs(close - y) < abs(far - y) and (close - y) * (far - y) >= 0, f"'closer' is not closer: {ev}"
    assert bigger(L(close, y), L(far, y)), f"pair not out of order: {ev}"


def check_kink(L, ev) -> None:
    x0, y = ev["point"], ev["y_true"]
    with mpmath.workdps(DIGITS):
        if isinstance(x0, list):
            d = ev["direction"]
            h = mpmath.mpf(10) ** -15
            at = lambda s: [mpmath.mpf(p) + s * q for p, q in zip(x0, d)]  # noqa: E731
            left = (L(at(0), y) - L(at(-h), y)) / h
            right = (L(at(h), y) - L(at(0), y)) / h
        else:
            x = mpmath.mpf(x0)
            h = mpmath.mpf(10) ** -20 * max(1, abs(x))
            left = (L(x, y) - L(x - h, y)) / h
            right = (L(x + h, y) - L(x, y)) / h
        assert abs(right - left) > mpmath.mpf(10) ** -8 * max(1, abs(left), abs(right)), f"no kink: {ev}"


def check_growth(values) -> None:
    vals = [abs(_num(v)) for v in values]
    finite = [v for v in vals if math.isfinite(v)]
    assert len(finite) >= 3, values
    assert all(b >= a for a, b in zip(finite, finite[1:])), f"not increasing: {values}"
    assert finite[-1] > 10 * max(finite[0], 1e-300), f"no real growth: {values}"


def derivative(L, x, y):
    with mpmath.workdps(DIGITS):
        return mpmath.diff(lambda z: L(z, y), mpmath.mpf(x))


def check_fails(entry: dict, prop: str, verdict: dict) -> None:
    """Assert that a `fails` verdict's evidence re-checks."""
    ev = verdict["evidence"]
    kind = entry["kind"]
    L = exact_loss(entry)
    if prop == "convexity":
        check_chord(L, ev)
    elif prop == "monotonicity":
        check_pair(L, ev, kind)
    elif prop == "differentiability" or (prop == "smoothness" and "point" in ev):
        check_kink(L, ev)
    elif prop == "smoothness":
        check_growth(ev["curvatures"])
    elif prop == "robustness":
        check_growth(ev["gradients"])
        if "points" in ev and not isinstance(ev["y_true"], list) and isinstance(ev["points"][0], float):
            for x, g in list(zip(ev["points"], ev["gradients"]))[:3]:
                assert math.isclose(abs(float(derivative(L, x, ev["y_true"]))), g, rel_tol=1e-6), (x, g)
    elif prop == "sparsity":
        if ev.get("minimizer") is None:
            values = [float(v) for v in ev["values"]]
            assert all(b < a for a, b in zip(values, values[1:])), f"values do not keep falling: {ev}"
        elif "left_derivative" in ev:
            sides = [abs(_num(ev[k])) for k in ("left_derivative", "right_derivative")]
            sides = [s for s in sides if not math.isnan(s)]  # nan: flat to the domain's end on that side
            assert sides and min(sides) < 1e-6, f"the one-sided derivatives do pull: {ev}"
        else:
            assert ev["gradient_norms"][-1] <= 1e-4 * max(ev["gradient_norms"]), ev
    else:  # pragma: no cover
        raise AssertionError(prop)


def audit_expressions(expressions: dict) -> dict:
    """{name: Report} for {name: (expression, kind, {property: (verdict, reason)})}, each audited for the
    properties it lists."""
    import lossaudit
    return {name: lossaudit.audit(text, kind=kind, properties=",".join(expected), name=name)
            for name, (text, kind, expected) in expressions.items()}


def check_expected(report, expected: dict) -> None:
    """The report's verdicts are the hand-derived ones, and every `fails` re-checks independently."""
    import json
    got = {p: v.verdict for p, v in report.results[0].verdicts.items()}
    assert got == {p: v for p, (v, _why) in expected.items()}
    entry = json.loads(report.to_json())["losses"][0]
    for prop, v in entry["properties"].items():
        if v["verdict"] == "fails":
            check_fails(entry, prop, v)
