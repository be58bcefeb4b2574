"""Calibration, strict properness, the elicited statistic and symmetry on synthetic losses: every
expected verdict derived by hand (reason alongside), every `fails` re-checked independently
(tests/evidence.py), and the evidence checks themselves shown able to fail."""
from __future__ import annotations

import copy
import json

import pytest

from evidence import audit_expressions, check_expected, check_fails

H, F, U, NA = "holds", "fails", "unknown", "not applicable"
M = "y_true*y_pred"
R = "(y_pred - y_true)"

CASES = {
    # ---- calibration (margin): C_eta(f) = eta*phi(f) + (1 - eta)*phi(-f)
    "cal_squared_hinge": (f"max(0, 1 - {M})**2", "margin",
                          {"calibration": (H, "convex, phi'(0) = -2 < 0 (BJM)")}),
    "cal_shifted_hinge": (f"max(0, 2 - {M})", "margin",
                          {"calibration": (H, "convex, kink at m = 2 only; phi'(0) = -1 (BJM needs 0 only)")}),
    "cal_kink_at_zero": (f"max(1 - 2*{M}, 1 - {M}/2)", "margin",
                         {"calibration": (F, "decreasing everywhere, yet slopes -2 | -1/2 at 0: not differentiable "
                                             "there; at eta = 0.75, C'(0+) = -0.375 + 0.5 > 0")}),
    "cal_rewards_wrong_sign": (f"(1 + {M})**2", "margin",
                               {"calibration": (F, "convex, phi'(0) = 2 > 0: the risk minimiser has the wrong sign")}),
    "cal_nonconvex": (f"1 - tanh({M})", "margin",
                      {"calibration": (H, "non-convex, C_eta = 1 + (1 - 2 eta) tanh f: wrong sign costs >= 1, "
                                          "inf 1 - |2 eta - 1| (sampled)")}),
    "cal_quartic": (f"(1 - {M})**4", "margin",
                    {"calibration": (H, "rises again for m > 1, so it punishes confident right answers; yet convex "
                                        "with phi'(0) = -4 < 0 (BJM): calibrated")}),
    "cal_cs_margin_two": ("max(y_pred + 2 - 2*y_true) - sum(y_true*y_pred)", "logits",
                          {"calibration": (F, "q = (0.4, 0.3, 0.3): R(a, 0, 0) = 2 + 0.2a on [0, 2], min at z = 0")}),
    "cal_log_squared": ("(logsumexp(y_pred) - sum(y_true*y_pred))**2", "logits",
                        {"calibration": (H, "local g = (log p)^2, g' = 2 log(p)/p < 0, g(1) = 0")}),
    # ---- properness (probability): R(p, q) = q L(p, 1) + (1 - q) L(p, 0)
    "prop_scaled_brier": (f"3*{R}**2 + 1", "probability",
                          {"properness": (H, "dR/dp = 6(p - q)")}),
    "prop_log_plus_brier": (f"-y_true*log(y_pred) - (1 - y_true)*log(1 - y_pred) + {R}**2", "probability",
                            {"properness": (H, "dR/dp = (p - q)(1/(p(1-p)) + 2): a sum of strictly proper scores")}),
    "prop_absolute": (f"abs{R}", "probability",
                      {"properness": (F, "R = q(1 - p) + (1 - q)p is linear in p: minimised at 0 or 1")}),
    "prop_quartic": (f"{R}**4", "probability",
                     {"properness": (F, "convex and smallest at the label like Brier, but dR/dp = 0 at "
                                        "p = q^(1/3)/(q^(1/3) + (1-q)^(1/3)) != q")}),
    "prop_clipped_log": ("-y_true*log(max(y_pred, 0.05)) - (1 - y_true)*log(max(1 - y_pred, 0.05))", "probability",
                         {"properness": (F, "q = 0.01: R(0.005) = -0.01 log 0.05 - 0.99 log 0.995 < R(0.01), the "
                                            "y = 1 term is flat below the clip")}),
    "prop_power_1_5": (f"abs{R}**1.5", "probability",
                       {"properness": (F, "smallest at the label, yet dR/dp = 0 at p/(1 - p) = (q/(1 - q))^2")}),
    "prop_scaled_log": ("5 - 2*(y_true*log(y_pred) + (1 - y_true)*log(1 - y_pred))", "probability",
                        {"properness": (H, "dR/dp = 2(p - q)/(p(1 - p))")}),
    "prop_dist_log_plus_square": ("-sum(y_true*log(y_pred)) + sum(y_pred**2)", "distribution",
                                  {"properness": (F, "stationary where -q_c/p_c + 2p_c is constant: p != q unless "
                                                     "q is uniform")}),
    # ---- statistic (regression / positive): dL/dy_pred
    "stat_scaled_squared": (f"3*{R}**2", "regression", {"statistic": (H, "dL = 6r: the mean")}),
    "stat_pinball_quarter": ("max(0.25*(y_true - y_pred), -0.75*(y_true - y_pred))", "regression",
                             {"statistic": (H, "slope 0.75 above, -0.25 below: the 0.25-quantile")}),
    "stat_expectile": (f"where(y_pred > y_true, 0.2*{R}**2, 0.8*{R}**2)", "regression",
                       {"statistic": (H, "2(0.2 | 0.8) r: the expectile tau = 0.8/(0.2 + 0.8) = 0.8")}),
    "stat_square_plus_abs": (f"{R}**2 + abs{R}", "regression",
                             {"statistic": (F, "dL = 2r + sign(r): between mean and median, neither")}),
    "stat_poisson_like": ("2*(y_pred - y_true*log(y_pred))", "positive",
                          {"statistic": (H, "dL = 2(p - y)/p: the mean, though not a squared error")}),
    "stat_linex": (f"exp({R}) - {R} - 1", "regression",
                   {"statistic": (F, "convex, smooth, smallest at r = 0 like a square, yet its minimiser is "
                                     "log E exp(Y): not the mean")}),
    "stat_quarter_quantile": (f"where(y_pred > y_true, 3*{R}, -{R})", "regression",
                              {"statistic": (H, "slope 3 above, -1 below: the 1/(3 + 1) = 0.25-quantile")}),
    "stat_log_ratio_mean": ("y_true/y_pred + log(y_pred)", "positive",
                            {"statistic": (H, "dL = (x - y)/x^2: the mean")}),
    "stat_log_abs_median": ("abs(log(y_pred) - log(y_true))", "positive",
                            {"statistic": (H, "dL = sign(x - y)/x: the median (not a geometric mean)")}),
    # ---- symmetry: the loss summed over the labels
    "sym_tanh": (f"1 - tanh({M})", "margin", {"symmetry": (H, "(1 - tanh m) + (1 + tanh m) = 2")}),
    "sym_clipped_ramp": (f"min(2, max(0, 1 - {M}))", "margin",
                         {"symmetry": (H, "hinge-like, yet phi(m) + phi(-m) = 2 on every branch")}),
    "sym_exponential": (f"exp(-{M})", "margin", {"symmetry": (F, "e^-m + e^m = 2 cosh m")}),
    "sym_prob_mae": (f"abs{R}", "probability", {"symmetry": (H, "|p| + |p - 1| = 1 on (0, 1)")}),
    "sym_one_minus_p": ("1 - sum(y_true*exp(y_pred - logsumexp(y_pred)))", "logits",
                        {"symmetry": (H, "sum_c (1 - p_c) = K - 1 = 2")}),
    "sym_unhinged": (f"1 - {M}", "margin",
                     {"symmetry": (H, "unbounded, yet (1 - m) + (1 + m) = 2")}),
    "sym_bounded_tanh_square": (f"(1 - tanh({M}))**2", "margin",
                                {"symmetry": (F, "bounded by 4, yet (1 - t)^2 + (1 + t)^2 = 2 + 2t^2")}),
    "sym_arctan": (f"0.5 - atan({M})/pi", "margin", {"symmetry": (H, "atan is odd: the sum is 1")}),
    "sym_prob_squares": ("where(y_true > 0.5, 1 - y_pred**2, y_pred**2)", "probability",
                         {"symmetry": (H, "(1 - p^2) + p^2 = 1")}),
    "sym_ce": ("logsumexp(y_pred) - sum(y_true*y_pred)", "logits",
               {"symmetry": (F, "sum_c -log p_c = 3 log 3 at z = 0, unbounded")}),
}


@pytest.fixture(scope="module")
def reports():
    return audit_expressions(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_derived_verdicts_and_rechecks(reports, name):
    check_expected(reports[name], CASES[name][2])


def test_the_statistic_is_named(reports):
    got = {n: reports[n].results[0].verdicts["statistic"].extras.get("statistic")
           for n in ("stat_scaled_squared", "stat_pinball_quarter", "stat_expectile", "stat_poisson_like",
                     "stat_square_plus_abs")}
    assert got == {"stat_scaled_squared": "mean", "stat_pinball_quarter": "0.25-quantile",
                   "stat_expectile": "0.8-expectile", "stat_poisson_like": "mean", "stat_square_plus_abs": "none"}


def test_proofs_where_the_structure_is_exact(reports):
    for name in ("cal_squared_hinge", "cal_shifted_hinge", "prop_scaled_brier", "prop_log_plus_brier",
                 "stat_pinball_quarter", "sym_tanh", "sym_clipped_ramp", "sym_prob_mae"):
        v = next(iter(reports[name].results[0].verdicts.values()))
        assert v.method == "proof", (name, v.detail)


@pytest.mark.parametrize("prop, kind", [("calibration", "regression"), ("properness", "margin"),
                                        ("statistic", "probability"), ("symmetry", "regression")])
def test_outside_its_kinds_a_property_is_not_applicable(prop, kind):
    import lossaudit
    text = {"regression": f"{R}**2", "margin": f"exp(-{M})", "probability": f"{R}**2"}[kind]
    v = lossaudit.audit(text, kind=kind, properties=prop).results[0].verdicts[prop]
    assert v.verdict == NA


def test_multiclass_calibration_without_structure_is_an_honest_unknown():
    import lossaudit
    # Weston-Watkins: not calibrated (a tie of the two likeliest classes minimises the risk at q = (.4, .35, .25)),
    # but no symmetric q shows it, and the loss is no function of p_y: unknown, never holds
    v = lossaudit.audit("multiclass_hinge_ww", properties="calibration").results[0].verdicts["calibration"]
    assert v.verdict == U and "Neither proved nor refuted" in v.detail


# ---------------------------------------------------------------------------
# The re-checks can fail: each evidence shape, tampered, is rejected

def _entry(reports, name):
    return json.loads(reports[name].to_json())["losses"][0]


def _tampered(reports, name, prop, change):
    entry = _entry(reports, name)
    v = copy.deepcopy(entry["properties"][prop])
    change(v["evidence"])
    return entry, prop, v


@pytest.mark.parametrize("name, prop, change", [
    ("cal_rewards_wrong_sign", "calibration", lambda ev: ev.update(eta=0.2)),     # eta < 1/2 on the right side
    ("prop_absolute", "properness", lambda ev: ev.update(p=ev["q"])),           # the honest forecast itself
    ("prop_quartic", "properness", lambda ev: ev.update(p=0.999999)),           # a forecast far worse
    ("stat_square_plus_abs", "statistic", lambda ev: ev["mean"].update(minimiser=ev["mean"]["statistic"] - 5)),
    ("stat_square_plus_abs", "statistic", lambda ev: ev.update(quantiles=ev["quantiles"][:1])),  # taus left over
    ("sym_exponential", "symmetry", lambda ev: ev.update(b=-ev["a"])),          # mirror images: the same sum
    ("sym_ce", "symmetry", lambda ev: ev.update(b=[v + 3 for v in ev["a"]])),   # a shift: the same sum
    ("cal_cs_margin_two", "calibration", lambda ev: ev.update(q=[0.8, 0.1, 0.1])),  # the risk falls there
    ("cal_cs_margin_two", "calibration", lambda ev: ev.update(q=[0.3, 0.4, 0.3])),  # not (s, t, t) with s > t
    ("prop_clipped_log", "properness", lambda ev: ev.update(p=0.5)),            # far worse than the honest one
])
def test_tampered_evidence_is_rejected(reports, name, prop, change):
    entry, prop, v = _tampered(reports, name, prop, change)
    with pytest.raises(AssertionError):
        check_fails(entry, prop, v)


# ---------------------------------------------------------------------------
# Callables: no structure to read, so a `holds` is sampled and a `fails` re-checks by calling the function

CALLABLES = {
    ("statistical_losses.py", "dead_zone_simplex", "distribution"):
        (F, "on e_c: 0.5(max(0, 0.8 - p_c) + sum_j!=c max(0, p_j - 0.2)): flat near the vertices"),
    ("statistical_losses.py", "brier_simplex", "distribution"): (H, "the Brier score (sampled: a callable)"),
    ("exact_numbers.py", "clipped_log_decimal", "probability"):
        (F, "clip at 1e-6: for q < 1e-6 every p below the clip scores as q does (flat)"),
    ("exact_numbers.py", "clipped_log_tiny", "probability"): (F, "the same with the clip at 1e-8"),
}


@pytest.mark.parametrize("where, fn, kind", sorted(CALLABLES))
def test_callable_properness(where, fn, kind):
    import importlib.util
    from pathlib import Path

    import numpy as np

    import lossaudit
    path = Path(__file__).parents[1] / "user_losses" / where
    v = lossaudit.audit(f"{path}:{fn}", kind=kind, properties="properness").results[0].verdicts["properness"]
    want, _why = CALLABLES[where, fn, kind]
    assert v.verdict == want, v.detail
    if want == H:
        assert v.method == "sampled" and "not proved" in v.detail
        return
    spec = importlib.util.spec_from_file_location("user_loss", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    L, ev = getattr(mod, fn), v.evidence

    def expected(p):
        if kind == "probability":
            q = ev["q"]
            at = [float(L(np.array([p]), np.array([y]))[0]) for y in (1.0, 0.0)]
            return q * at[0] + (1 - q) * at[1]
        p = np.asarray(p) / np.sum(p)
        return sum(w * float(L(p[None, :], np.eye(len(p))[c][None, :])[0]) for c, w in enumerate(ev["q"]))
    assert ev["p"] != ev["q"] and expected(ev["p"]) <= expected(ev["q"])
