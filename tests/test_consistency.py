"""Verdicts of one loss agree with each other (issue 9, classes 3 and 6).

The conftest runs `contradictions` over every report any test produces; here: the rules themselves,
the reconciliation, the catalog, and losses whose kinks sit where the pieces cross at irrational or
transcendental points (class 3) or whose class was left undecided (class 6). Every expected verdict
carries its hand derivation.
"""
from __future__ import annotations

import math

import pytest

import lossaudit
from lossaudit.consistency import contradictions, minimizer_kink, reconcile, report_contradictions
from lossaudit.verdict import Verdict


def _v(prop, verdict, method, evidence=None, **extras):
    return Verdict(prop, verdict, method, f"{prop} {verdict}", evidence or {}, extras)


KINK = {"y_true": 0.0, "point": 0.0, "left_derivative": -1.0, "right_derivative": 1.0}


# ---------------------------------------------------------------------------
# The rules


@pytest.mark.parametrize("verdicts, broken", [
    # smooth implies differentiable
    ({"smoothness": _v("smoothness", "holds", "proof"), "differentiability": _v("differentiability", "fails",
      "counterexample", KINK, **{"class": "C0"})}, ["smooth implies differentiable"]),
    # sparse implies a kink at the minimizer (scalar kinds)
    ({"sparsity": _v("sparsity", "holds", "proof"), "differentiability": _v("differentiability", "holds",
      "sampled", **{"class": "C2"})}, ["sparse implies a kink"]),
    ({"sparsity": _v("sparsity", "holds", "sampled"), "smoothness": _v("smoothness", "holds", "sampled")},
     ["sparse implies a kink"]),
    # a convex function is continuous on an open domain
    ({"convexity": _v("convexity", "holds", "proof"), "differentiability": _v("differentiability", "fails",
      "counterexample", KINK, **{"class": "discontinuous"})}, ["convex function is continuous"]),
    # the class agrees with the verdict
    ({"differentiability": _v("differentiability", "holds", "proof", **{"class": "C0"})}, ["holds with class C0"]),
    ({"differentiability": _v("differentiability", "fails", "counterexample", KINK, **{"class": "C1"})},
     ["fails with class C1"]),
])
def test_contradictions_name_the_broken_implication(verdicts, broken):
    found = contradictions(verdicts, vector=False)
    assert len(found) == len(broken) and all(b in f for b, f in zip(broken, found)), found


def test_consistent_sets_have_no_contradiction():
    # |r|: convex, a kink at 0 (differentiability and smoothness fail), sparse: every implication holds
    verdicts = {"convexity": _v("convexity", "holds", "proof"),
                "differentiability": _v("differentiability", "fails", "counterexample", KINK, **{"class": "C0"}),
                "smoothness": _v("smoothness", "fails", "counterexample", KINK),
                "sparsity": _v("sparsity", "holds", "proof")}
    assert contradictions(verdicts, vector=False) == []


def test_sparse_vector_losses_are_not_held_to_the_scalar_rule():
    # the Darboux argument (a derivative has the intermediate-value property) is one-dimensional
    verdicts = {"sparsity": _v("sparsity", "holds", "sampled"), "smoothness": _v("smoothness", "holds", "proof")}
    assert contradictions(verdicts, vector=True) == []


# ---------------------------------------------------------------------------
# Reconciliation


def test_a_kink_found_for_differentiability_makes_smoothness_fail_with_it():
    verdicts = {"differentiability": _v("differentiability", "fails", "counterexample", KINK, **{"class": "C0"}),
                "smoothness": _v("smoothness", "holds", "sampled")}
    out = reconcile(verdicts)
    assert out["smoothness"].verdict == "fails" and out["smoothness"].evidence["point"] == 0.0
    assert verdicts["smoothness"].verdict == "holds"  # the input is not changed


def test_a_proof_is_never_overridden():
    # a proof contradicted by a counterexample is a bug for the tests, not something to paper over
    verdicts = {"differentiability": _v("differentiability", "fails", "counterexample", KINK, **{"class": "C0"}),
                "smoothness": _v("smoothness", "holds", "proof")}
    assert reconcile(verdicts)["smoothness"].method == "proof"
    assert contradictions(reconcile(verdicts), vector=False)


def test_a_smoothness_proof_decides_an_undecided_differentiability():
    verdicts = {"differentiability": _v("differentiability", "unknown", "none"),
                "smoothness": _v("smoothness", "holds", "proof", {"proof": "L'' bounded"})}
    out = reconcile(verdicts)["differentiability"]
    assert (out.verdict, out.method, out.extras["class"]) == ("holds", "proof", "C1")  # smooth => C1


def test_sparsitys_minimizer_kink_makes_differentiability_fail():
    # |r| at y = 0: sparse with slopes -1, +1 at 0; a sampled `holds` of differentiability gives way to it
    loss = lossaudit.audit("abs(y_pred - y_true)", kind="regression", properties="convexity").results[0].loss
    verdicts = {"sparsity": _v("sparsity", "holds", "proof", {"y_true": 0.0, "minimizer": 0.0,
                                                               "left_derivative": -1.0, "right_derivative": 1.0}),
                "differentiability": _v("differentiability", "holds", "sampled", **{"class": "C2"})}
    out = reconcile(verdicts, loss)["differentiability"]
    assert out.verdict == "fails" and out.evidence["point"] == 0.0


@pytest.mark.parametrize("evidence, kink", [
    ({"y_true": 0.0, "minimizer": 0.0, "left_derivative": -1.0, "right_derivative": 1.0}, (0.0, 0.0, -1.0, 1.0)),
    # epsilon-insensitive: flat on [-0.1, 0.1], slope -1 coming in from the left: the kink is at -0.1
    ({"y_true": 0.0, "minimizer": [-0.1, 0.1], "left_derivative": -1.0, "right_derivative": 1.0},
     (0.0, -0.1, -1.0, 0.0)),
    # flat to the left end, pulled from the right only (a floored logistic loss): the kink is at hi
    ({"y_true": 1.0, "minimizer": [-math.inf, 2.0], "left_derivative": math.nan, "right_derivative": 0.5},
     (1.0, 2.0, 0.0, 0.5)),
    ({"y_true": 0.0, "minimizer": None, "toward": "y_pred -> inf"}, None),
])
def test_minimizer_kink(evidence, kink):
    assert minimizer_kink(evidence) == kink


# ---------------------------------------------------------------------------
# The catalog


def test_the_catalog_has_no_contradiction(builtin_report):
    assert report_contradictions(builtin_report) == []


# ---------------------------------------------------------------------------
# Class 3: kinks where the pieces cross at irrational or transcendental points

PROPS = "differentiability,smoothness,sparsity"
CROSSINGS = [
    # r^2 = 2|r| - 1/2 at |r| = 1 -+ sqrt(1/2): slopes 2 - sqrt(2) vs 2, and 2 vs 2 + sqrt(2) (kinks); the smooth
    # minimum at 0 (L = r^2 there) has no pull
    ("max((y_pred - y_true)**2, 2*abs(y_pred - y_true) - 0.5)", "regression",
     {"differentiability": "fails", "smoothness": "fails", "sparsity": "fails"},
     (1 - math.sqrt(0.5), 1 + math.sqrt(0.5))),
    # log cosh r = 1/2 at r = acosh(e^(1/2)) ~ 1.0850: slope tanh(1.0850) ~ 0.795 vs 0 (kink); log cosh has
    # L'' <= 1, so only the kink breaks smoothness; smooth minimum at 0
    ("min(log(cosh(y_pred - y_true)), 0.5)", "regression",
     {"differentiability": "fails", "smoothness": "fails", "sparsity": "fails"}, (math.acosh(math.exp(0.5)),)),
    # r^2 = 1 - exp(-|r|) at |r| ~ 0.71456 (transcendental: no closed form); slopes 2r ~ 1.429 vs exp(-r) ~ 0.489
    # (kink); |L''| <= 2 on both pieces; smooth minimum at 0 (L = r^2)
    ("min((y_pred - y_true)**2, 1 - exp(-abs(y_pred - y_true)))", "regression",
     {"differentiability": "fails", "smoothness": "fails", "sparsity": "fails"}, (0.7145563847430,)),
    # |r| = log(1 + r^2) + 1/10 at |r| ~ 0.1126 (f = |r| - log(1+r^2) - 1/10 rises: f' = 1 - 2|r|/(1+r^2) >= 0,
    # one crossing a side); L = |r| inside: kink at 0 with slopes -1, +1 at the minimum 0 (sparse)
    ("min(abs(y_pred - y_true), log(1 + (y_pred - y_true)**2) + 0.1)", "regression",
     {"differentiability": "fails", "smoothness": "fails", "sparsity": "holds"}, (0.0, 0.112598787971161)),
    # margin: log(1 + e^-m) = 3/4 - m/2 where u = e^(-m/2) solves u^2 - e^(3/4) u + 1 = 0, m ~ -0.436 and
    # m ~ 0.6808 (u = 1.4056, 0.7114; f(0) = log 2 - 3/4 < 0); slopes -1/(1+e^m) ~ -0.336 vs -1/2 (kinks); L'' <= 1/4;
    # L -> 0 as m -> inf, never attained (not sparse)
    ("max(log1p(exp(-y_true*y_pred)), 0.75 - 0.5*y_true*y_pred)", "margin",
     {"differentiability": "fails", "smoothness": "fails", "sparsity": "fails"}, (0.680813437537,)),
]


@pytest.mark.parametrize("expr, kind, expected, kink", CROSSINGS, ids=[c[0] for c in CROSSINGS])
def test_kinks_at_crossings_are_known_to_every_property(expr, kind, expected, kink):
    report = lossaudit.audit(expr, kind=kind, properties=PROPS)
    got = {p: v.verdict for p, v in report.results[0].verdicts.items()}
    assert got == expected, report.results[0].verdicts
    found = report["differentiability"].evidence  # at a kink the hand derivation places (|r| or |m|)
    offset = found["point"] - (found["y_true"] if kind == "regression" else 0.0)
    assert any(abs(abs(offset) - k) < 1e-9 for k in kink), found


def test_a_transcendental_crossing_is_isolated_to_50_digits():
    # r^2 = 1 - exp(-r): sympy has no closed form; a certified sign change brackets it, bisection gives 50 digits
    from lossaudit import symbolic as S
    from lossaudit.kinks import exact_kinks_of
    loss = lossaudit.audit("min((y_pred - y_true)**2, 1 - exp(-abs(y_pred - y_true)))", kind="regression",
                           properties="convexity").results[0].loss
    case = S.concrete_case(loss, 0.0)
    assert S.structure(case, 5.0) is None  # not exact ...
    st = S.structure(case, 5.0, approximate=True)
    # -r0 and r0; |r| switches at 0 too, but r^2 holds on both sides there: no breakpoint
    assert st.approximate and len(st.breakpoints) == 2
    r0 = st.breakpoints[-1]
    assert abs(r0 ** 2 - (1 - S.sp.exp(-r0))) < 1e-45
    kinks = exact_kinks_of(case, 5.0, approximate=True)
    right = [k for k in kinks if k.point > 0][0]
    assert abs(right.left - 2 * S.to_float(r0)) < 1e-12 and abs(right.right - math.exp(-S.to_float(r0))) < 1e-12


# ---------------------------------------------------------------------------
# Class 6: the class of smooth robust losses at other parameters (hand-derived)

CLASSES = [
    # Tukey c = 2.5: psi = r(1-u)^2 and L'' = (1-u)(1-5u) (u = (r/c)^2) vanish at |r| = c, L''' = 8/c there: C2
    ("tukey_biweight", {"c": 2.5}, "C2"),
    # Fair c = 2.2: psi = r/(1+|r|/c), L'' = 1/(1+|r|/c)^2 continuous at 0, L''' = -+2/c there: C2
    ("fair", {"c": 2.2}, "C2"),
    # Andrews a = 0.8: psi = a sin(r/a) is 0 at |r| = a*pi, L'' = cos(r/a) = -1 there vs 0 beyond: C1
    ("andrews", {"a": 0.8}, "C1"),
]


@pytest.mark.parametrize("name, params, cls", CLASSES, ids=[c[0] for c in CLASSES])
def test_robust_losses_get_their_class(name, params, cls):
    v = lossaudit.audit(name, params=params, properties="differentiability")["differentiability"]
    assert (v.verdict, v.method, v.extras["class"]) == ("holds", "proof", cls), v.detail


def test_a_quartic_cap_is_c1():
    # r^2 - r^4/8 on |r| <= 2, 2 beyond: value 4 - 2 = 2 and slope 2r - r^3/2 = 0 match at |r| = 2, but
    # L'' = 2 - 3r^2/2 = -4 there vs 0 beyond: C1
    v = lossaudit.audit("where(abs(y_pred - y_true) <= 2, (y_pred - y_true)**2 - (y_pred - y_true)**4/8, 2)",
                        kind="regression", properties="differentiability")["differentiability"]
    assert (v.verdict, v.method, v.extras["class"]) == ("holds", "proof", "C1"), v.detail


def test_a_kink_found_for_smoothness_makes_differentiability_fail():
    # |r| at 0: slopes -1 and +1 re-check; a sampled `holds` of differentiability gives way to them
    loss = lossaudit.audit("abs(y_pred - y_true)", kind="regression", properties="convexity").results[0].loss
    verdicts = {"smoothness": _v("smoothness", "fails", "counterexample", KINK),
                "differentiability": _v("differentiability", "holds", "sampled", **{"class": "C2"})}
    assert contradictions(verdicts, vector=False)
    out = reconcile(verdicts, loss)
    assert out["differentiability"].verdict == "fails" and out["differentiability"].extras["class"] == "C0"
    assert contradictions(out, vector=False) == []


def test_a_kink_that_does_not_recheck_transfers_nothing():
    # r^2 is differentiable at 0: evidence claiming slopes -1, +1 there does not re-check, nothing moves
    loss = lossaudit.audit("(y_pred - y_true)**2", kind="regression", properties="convexity").results[0].loss
    verdicts = {"smoothness": _v("smoothness", "fails", "counterexample", KINK),
                "differentiability": _v("differentiability", "holds", "sampled", **{"class": "C2"})}
    assert reconcile(verdicts, loss)["differentiability"].verdict == "holds"
