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
    elif prop in STATISTICAL:
        STATISTICAL[prop](L, ev, entry)
    else:  # pragma: no cover
        raise AssertionError(prop)


# ---------------------------------------------------------------------------
# The statistical properties: conditional risks, expected scores, minimisers of finite distributions

def _mp(v):
    return mpmath.mpf(_num(v)) if not isinstance(v, list) else [mpmath.mpf(_num(x)) for x in v]


def _one_sided(f, x, side: int):
    """A one-sided derivative by 50-digit differences (h = 1e-20, Richardson), independent of lossaudit."""
    with mpmath.workdps(DIGITS):
        x = mpmath.mpf(x)
        h = side * mpmath.mpf(10) ** -20 * max(1, abs(x))
        q1, q2 = (f(x + h) - f(x)) / h, (f(x + 2 * h) - f(x)) / (2 * h)
        return 2 * q1 - q2


def check_calibration(L, ev, entry) -> None:
    """A convex loss whose conditional risk at eta does not fall on the right-sign side of f = 0."""
    if "q" in ev:
        return check_multiclass_calibration(L, ev, entry)
    conv = entry["properties"].get("convexity")  # BJM's criterion needs a convex loss, proved
    assert (conv["verdict"], conv["method"]) == ("holds", "proof") if conv else ev["convexity"] == "proof"
    eta = mpmath.mpf(str(ev["eta"]))
    risk = lambda f: eta * L(f, 1) + (1 - eta) * L(f, -1)  # noqa: E731
    if ev["side"] == "right":   # eta > 1/2: the right sign is f > 0; C must not decrease there
        assert eta > 0.5 and _one_sided(risk, 0, 1) >= -mpmath.mpf(10) ** -15, ev
    else:
        assert eta < 0.5 and _one_sided(risk, 0, -1) <= mpmath.mpf(10) ** -15, ev


def check_multiclass_calibration(L, ev, entry) -> None:
    """q = (s, t, ..., t), s > t, and a convex shift-invariant loss whose risk along z = a*e_0 does not fall
    for a > 0 at a = 0: by symmetry and convexity the infimum is then reached where class 0 is not first."""
    q, k = ev["q"], entry["classes"]
    assert len(q) == k and q[0] > q[1] and all(v == q[1] for v in q[1:]), ev
    assert math.isclose(sum(q), 1.0, rel_tol=1e-9), q
    assert ev["convexity"] == "proof" and ev["shift_invariance"] == "proof", ev
    assert ev["z"] == [0.0] * k and ev["direction"] == [1.0] + [0.0] * (k - 1), ev
    onehot = [[1 if j == c else 0 for j in range(k)] for c in range(k)]
    s, t = mpmath.mpf(str(q[0])), (1 - mpmath.mpf(str(q[0]))) / (k - 1)

    def risk(a):
        z = [a] + [0] * (k - 1)
        return s * L(z, onehot[0]) + t * mpmath.fsum(L(z, y) for y in onehot[1:])
    assert _one_sided(risk, 0, 1) >= -mpmath.mpf(10) ** -25, ev
    with mpmath.workdps(DIGITS):   # shift invariance, sampled independently (the report says it is proved)
        for z in ([0.3, -1.2] + [0.7] * (k - 2), [2.0] + [-0.5] * (k - 1)):
            moved = [v + mpmath.mpf("1.7") for v in z]
            assert abs(L(moved, onehot[0]) - L(z, onehot[0])) < mpmath.mpf(10) ** -30 * max(1, abs(L(z, onehot[0])))


def _expected_score(L, p, q, vector: bool):
    with mpmath.workdps(DIGITS):
        if not vector:
            q = mpmath.mpf(str(q))
            return q * L(p, 1) + (1 - q) * L(p, 0)
        p = _mp(p)
        p = [v / mpmath.fsum(p) for v in p]   # the distribution kind puts a forecast back on the simplex
        k = len(p)
        return mpmath.fsum(mpmath.mpf(str(w)) * L(p, [1 if j == c else 0 for j in range(k)])
                           for c, w in enumerate(q) if w > 0)


def check_properness(L, ev, entry) -> None:
    """A forecast p != q whose expected score under q is at most the honest forecast's."""
    vector = isinstance(ev["q"], list)
    assert ev["p"] != ev["q"]
    at_p, at_q = _expected_score(L, ev["p"], ev["q"], vector), _expected_score(L, ev["q"], ev["q"], vector)
    assert at_p <= at_q + mpmath.mpf(10) ** -35 * max(1, abs(at_q)), (ev, at_p, at_q)


def _risk(L, targets, weights, x):
    with mpmath.workdps(DIGITS):
        return mpmath.fsum(mpmath.mpf(str(w)) * L(x, y) for w, y in zip(weights, targets))


def _beats(L, d, x, where) -> None:
    assert bigger(_risk(L, d["targets"], d["weights"], where), _risk(L, d["targets"], d["weights"], x)), d


def check_statistic(L, ev, entry) -> None:
    """The minimiser of a finite distribution beats the mean, the median, every quantile and expectile."""
    m = ev["mean"]
    assert math.isclose(m["statistic"], sum(w * y for w, y in zip(m["weights"], m["targets"])), rel_tol=1e-12)
    _beats(L, m, m["minimiser"], m["statistic"])
    med = ev["median"]
    cum = [sum(med["weights"][:i + 1]) for i in range(len(med["weights"]))]
    assert med["statistic"] == med["targets"][next(i for i, c in enumerate(cum) if c > 0.5 + 1e-12)]
    _beats(L, med, med["minimiser"], med["statistic"])
    covered = []
    for q in ev["quantiles"]:
        lo, hi = q["taus"]
        cum = [0.0] + [sum(q["weights"][:i + 1]) for i in range(len(q["weights"]))]
        j = q["targets"].index(q["point"])   # the point is the tau-quantile for tau in (F_{j-1}, F_j)
        assert math.isclose(lo, cum[j], abs_tol=1e-12) and math.isclose(hi, cum[j + 1], abs_tol=1e-12)
        _beats(L, q, q["minimiser"], q["point"])
        covered.append((lo, hi))
    reach = 0.0
    for lo, hi in sorted(covered):
        assert lo < reach or lo == reach == 0.0, ("a tau is not ruled out", reach, covered)
        reach = max(reach, hi)
    assert reach >= 1.0 - 1e-12, covered
    rhos = []
    for r in ev["expectiles"]["ratios"]:
        x, a, b = r["x"], r["a"], r["b"]
        ds = [_one_sided(lambda z, y=y: L(z, y), x, 1) for y in (a, b)]
        assert all(abs(d - _one_sided(lambda z, y=y: L(z, y), x, -1)) < 1e-15 * max(1, abs(d))
                   for d, y in zip(ds, (a, b))), "not differentiable at x"
        tiny = mpmath.mpf(10) ** -30
        rho = 0 if abs(ds[0]) < tiny else mpmath.inf if abs(ds[1]) < tiny else (ds[0] / (x - a)) / (ds[1] / (x - b))
        rhos.append(rho)
    # one rho <= 0 or infinite, or two different ones: no tau in (0, 1) has (1 - tau)/tau equal to them all
    assert any(r <= 0 or mpmath.isinf(r) for r in rhos) or (len(rhos) == 2 and abs(rhos[0] - rhos[1]) >
                                                             1e-6 * max(abs(rhos[0]), abs(rhos[1]))), rhos


def check_symmetry(L, ev, entry) -> None:
    """Two predictions whose loss summed over the labels differs."""
    labels = ev["labels"]
    if isinstance(labels, str):   # the vector kinds: every class, as a one-hot vector
        k = entry["classes"]
        labels = [[1 if j == c else 0 for j in range(k)] for c in range(k)]
    with mpmath.workdps(DIGITS):
        sa = mpmath.fsum(L(ev["a"], y) for y in labels)
        sb = mpmath.fsum(L(ev["b"], y) for y in labels)
    assert bigger(sa, sb) or bigger(sb, sa), (ev, sa, sb)


STATISTICAL = {"calibration": check_calibration, "properness": check_properness, "statistic": check_statistic,
               "symmetry": check_symmetry}


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
