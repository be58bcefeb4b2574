"""Issue 13: the expected verdict of every built-in where calibration, properness, the elicited statistic or
symmetry applies, each derived by hand from the definitions (reason alongside), against one audit of the
catalog for these four properties (module-scoped), every `fails` re-checked independently (evidence.py).

Notation: margin m = y*f, C_eta(f) = eta*phi(f) + (1 - eta)*phi(-f) (BJM: convex phi is calibrated iff
phi'(0) exists and is < 0); p = softmax(z); R(p, q) = q L(p, 1) + (1 - q) L(p, 0); r = y_pred - y_true;
"local g" = L(z, e_y) = g(p_y) with g strictly decreasing, so the risk sum_c q_c g(p_c) is smallest only
where p is ordered as q (a misordered pair swapped lowers it). Logits and distribution losses at K = 3.

UNDECIDED holds the truth where the tool says `unknown` (not wrong, not decided): the test asserts it
never says the opposite, and says which are still open.
"""
from __future__ import annotations

import json

import pytest

from evidence import check_fails

H, F, U = "holds", "fails", "unknown"
PROPS = ("calibration", "properness", "statistic", "symmetry")

EXPECTED = {
    # ---- calibration, margin kind
    ("zero_one", "calibration"): (H, "C_eta = 1 - eta for f > 0, eta for f <= 0: wrong sign costs eta > 1 - eta"),
    ("hinge", "calibration"): (H, "convex, phi'(0) = -1 (BJM)"),
    ("squared_hinge", "calibration"): (H, "convex, phi'(0) = -2 (BJM)"),
    ("smoothed_hinge", "calibration"): (H, "convex, slopes -1 | -(1 - 0) = -1 at 0: phi'(0) = -1"),
    ("modified_huber", "calibration"): (H, "convex, phi = (1 - m)^2 near 0: phi'(0) = -2"),
    ("logistic", "calibration"): (H, "convex, phi'(0) = -1/2"),
    ("exponential", "calibration"): (H, "convex, phi'(0) = -1"),
    ("sigmoid", "calibration"): (H, "C_eta = eta + (1 - 2 eta) sigma(f): wrong sign >= 1/2 > inf 1 - eta"),
    ("ramp", "calibration"): (H, "s = 0: C_eta >= 1 - eta on f >= 0 (reached at f >= 1), wrong sign inf = eta"),
    ("savage", "calibration"): (H, "with s = sigma(2f): eta(1 - s)^2 + (1 - eta)s^2, min at s = eta; wrong side 1/4"),
    ("tangent", "calibration"): (H, "with a = atan f: eta(2a - 1)^2 + (1 - eta)(2a + 1)^2 min at a = eta - 1/2"),
    ("square_margin", "calibration"): (H, "convex, phi'(0) = -2"),
    ("perceptron", "calibration"): (F, "convex, phi'(0+) = 0: C_eta = (1 - eta) f+ + eta f-, minimised at f = 0"),
    # ---- calibration, logits kind (K = 3)
    ("softmax_cross_entropy", "calibration"): (H, "local g = -log p (Zhang 2004)"),
    ("label_smoothed_cross_entropy", "calibration"): (H, "CE against (1 - eps) e_y + eps/K: risk minimiser "
                                                         "p = (1 - eps) q + eps/K keeps q's order"),
    ("multiclass_hinge_cs", "calibration"): (F, "q = (0.4, 0.3, 0.3): R(a, 0, 0) = 1 + 0.2a | 1 - 0.4a, min at "
                                                "the tie z = 0 (Tewari-Bartlett)"),
    ("multiclass_perceptron", "calibration"): (F, "R = max z - q.z >= 0 = R(0): the all-tied z = 0 is a minimiser"),
    ("multiclass_focal", "calibration"): (H, "local g = -(1 - p)^2 log p, g' < 0 (Charoenphakdee et al. 2021)"),
    ("poly1_cross_entropy", "calibration"): (H, "local g = -log p + 2(1 - p)"),
    ("generalized_cross_entropy", "calibration"): (H, "local g = (1 - p^0.7)/0.7: minimiser p ~ q^(1/0.3)"),
    ("softmax_mae", "calibration"): (H, "local g = 2(1 - p): risk 2(1 - q.p), wrong-ranked sup of q.p is "
                                        "(q_a + q_j)/2 < q_a"),
    ("symmetric_cross_entropy", "calibration"): (H, "local g = -0.1 log p + 4(1 - p)"),
    # ---- properness, probability kind
    ("accuracy", "properness"): (F, "R = 1 - q on p >= 0.5: flat, p = 0.6 ties q = 0.7"),
    ("binary_cross_entropy", "properness"): (H, "dR/dp = (p - q)/(p(1 - p))"),
    ("soft_binary_cross_entropy", "properness"): (H, "the same formula, outcomes 0 and 1"),
    ("focal", "properness"): (F, "gamma = 2: dR/dp at p = q = 0.3 is -0.756, not 0"),
    ("focal_balanced", "properness"): (F, "alpha = 0.25 reweights the classes, and gamma = 2 as focal"),
    ("brier", "properness"): (H, "dR/dp = 2(p - q)"),
    ("spherical", "properness"): (H, "the spherical score is strictly proper (Gneiting-Raftery)"),
    # ---- properness, distribution kind (outcome e_c; K = 3)
    ("hellinger", "properness"): (F, "L(p, e_c) = 1 - sqrt(p_c): risk minimised at p ~ q^2"),
    ("distribution_cross_entropy", "properness"): (H, "L(p, e_c) = -log p_c, the log score"),
    ("multiclass_brier", "properness"): (H, "sum (p - e_c)^2, the Brier score"),
    ("total_variation", "properness"): (F, "L(p, e_c) = 1 - p_c: linear, minimised at a vertex"),
    ("pearson_chi2", "properness"): (F, "L(p, e_c) = 1/p_c - 1: risk minimised at p ~ sqrt(q)"),
    ("reverse_kl", "properness"): (U, "sum p log(p/e_c) is +inf at every forecast: no finite expected score"),
    # ---- statistic, regression and positive kinds
    ("squared", "statistic"): (H, "dL = 2r: the mean"),
    ("absolute", "statistic"): (H, "dL = sign r: the median"),
    ("quantile", "statistic"): (H, "slope 0.1 above, -0.9 below: the 0.9-quantile"),
    ("huber", "statistic"): (F, "psi = clip(r, -1, 1): neither affine nor a sign"),
    ("pseudo_huber", "statistic"): (F, "psi = r/sqrt(1 + r^2)"),
    ("smooth_l1", "statistic"): (F, "psi = clip(r, -1, 1), as Huber"),
    ("log_cosh", "statistic"): (F, "psi = tanh r"),
    ("epsilon_insensitive", "statistic"): (F, "dead zone |r| <= 0.1: {0: .3, 1: .7} is minimised at 0.9, not 1"),
    ("squared_epsilon_insensitive", "statistic"): (F, "psi = 2 sign(r)(|r| - 0.1)+"),
    ("abs_power_1_5", "statistic"): (F, "psi = 1.5 sign(r)|r|^0.5: an L1.5 centre"),
    ("sqrt_abs", "statistic"): (F, "concave: {0: .4, 1: .25, 2: .35} is minimised at 0, its median is 1"),
    ("l1_l2", "statistic"): (F, "psi = r/sqrt(1 + r^2/2)"),
    ("cauchy", "statistic"): (F, "psi = r/(1 + r^2), redescending"),
    ("geman_mcclure", "statistic"): (F, "psi = r/(1 + r^2)^2"),
    ("welsch", "statistic"): (F, "psi = r exp(-r^2)"),
    ("tukey_biweight", "statistic"): (F, "psi = r(1 - (r/c)^2)^2 inside |r| <= c, 0 outside"),
    ("fair", "statistic"): (F, "psi = r/(1 + |r|/c)"),
    ("charbonnier", "statistic"): (F, "psi = r/sqrt(r^2 + 1e-6): close to sign, yet {0: .3, 1: .7} is "
                                      "minimised at 1 - 4.7e-4, not at the median 1"),
    ("barron", "statistic"): (F, "alpha = 1: sqrt(r^2 + 1) - 1, psi = r/sqrt(r^2 + 1)"),
    ("talwar", "statistic"): (F, "truncated square: psi = r inside |r| <= c, 0 outside"),
    ("hampel", "statistic"): (F, "psi linear, constant, descending, 0"),
    ("andrews", "statistic"): (F, "psi = a sin(r/a) inside |r| <= a pi"),
    ("arctan", "statistic"): (F, "psi = r/(1 + r^4)"),
    ("absolute_percentage_error", "statistic"): (F, "sum w|x - y|/|y|: the median of w/|y|-weights, none of Y's"),
    ("symmetric_absolute_percentage_error", "statistic"): (F, "2|r|/(|y| + |x|): the weights move with x"),
    ("squared_log_error", "statistic"): (F, "minimiser exp(E log(1 + Y)) - 1: a geometric-type mean"),
    ("poisson_nll", "statistic"): (H, "dL = (x - y)/x: the mean"),
    ("poisson_deviance", "statistic"): (H, "dL = 2(x - y)/x: the mean"),
    ("generalized_kl", "statistic"): (H, "dL = (x - y)/x: the mean"),
    ("gamma_deviance", "statistic"): (H, "dL = 2(x - y)/x^2: the mean"),
    ("tweedie_deviance", "statistic"): (H, "dL = 2 x^-1.5 (x - y): the mean"),
    ("itakura_saito", "statistic"): (H, "dL = (x - y)/x^2: the mean"),
    # ---- symmetry: the loss summed over the labels
    ("zero_one", "symmetry"): (F, "phi(m) + phi(-m) = 1 for m != 0 but 2 at m = 0 (both sides count m <= 0)"),
    ("hinge", "symmetry"): (F, "2 on |m| <= 1, 1 + |m| beyond"),
    ("squared_hinge", "symmetry"): (F, "(1 - m)+^2 + (1 + m)+^2 = 2 + 2m^2 on |m| <= 1"),
    ("smoothed_hinge", "symmetry"): (F, "1 at m = 0, 2.5 at m = 2"),
    ("modified_huber", "symmetry"): (F, "2 + 2m^2 on |m| <= 1"),
    ("logistic", "symmetry"): (F, "log(2 + 2 cosh m)"),
    ("exponential", "symmetry"): (F, "2 cosh m"),
    ("sigmoid", "symmetry"): (H, "1/(1 + e^m) + 1/(1 + e^-m) = 1"),
    ("ramp", "symmetry"): (F, "s = 0: 2 - m on [0, 1], 1 beyond (symmetric only for s = -1)"),
    ("savage", "symmetry"): (F, "sigma(-2m)^2 + sigma(2m)^2: 1/2 at 0, -> 1"),
    ("tangent", "symmetry"): (F, "2(4 atan(m)^2 + 1)"),
    ("square_margin", "symmetry"): (F, "2 + 2m^2"),
    ("perceptron", "symmetry"): (F, "|m|"),
    ("accuracy", "symmetry"): (H, "1[p < 0.5] + 1[p >= 0.5] = 1"),
    ("binary_cross_entropy", "symmetry"): (F, "-log p - log(1 - p)"),
    ("soft_binary_cross_entropy", "symmetry"): (F, "-log p - log(1 - p) at the labels 0 and 1"),
    ("focal", "symmetry"): (F, "-(1 - p)^2 log p - p^2 log(1 - p)"),
    ("focal_balanced", "symmetry"): (F, "weighted focal terms, not constant"),
    ("brier", "symmetry"): (F, "p^2 + (1 - p)^2"),
    ("spherical", "symmetry"): (F, "2 - 1/sqrt(p^2 + (1 - p)^2)"),
    ("top1_error", "symmetry"): (F, "K - #argmax: 0 at z = 0 (all tied), 2 at a unique maximum"),
    ("softmax_cross_entropy", "symmetry"): (F, "sum_c -log p_c: 3 log 3 at z = 0, unbounded"),
    ("label_smoothed_cross_entropy", "symmetry"): (F, "a positive multiple of sum_c -log p_c"),
    ("multiclass_hinge_cs", "symmetry"): (F, "3 at z = 0, about 2*10 at z = (10, 0, 0)"),
    ("multiclass_hinge_ww", "symmetry"): (F, "6 at z = 0, grows with a spread of scores"),
    ("multiclass_squared_hinge_ww", "symmetry"): (F, "6 at z = 0, grows"),
    ("multiclass_perceptron", "symmetry"): (F, "K max z - sum z: 0 at z = 0, 2 at (1, 0, 0)"),
    ("multiclass_focal", "symmetry"): (F, "sum_c -(1 - p_c)^2 log p_c"),
    ("poly1_cross_entropy", "symmetry"): (F, "sum_c -log p_c + 2(K - 1)"),
    ("generalized_cross_entropy", "symmetry"): (F, "sum_c (1 - p_c^0.7)/0.7: constant only for q = 1"),
    ("softmax_mae", "symmetry"): (H, "sum_c 2(1 - p_c) = 2(K - 1) = 4"),
    ("symmetric_cross_entropy", "symmetry"): (F, "'symmetric' by name: 0.1 sum -log p_c + 8 is not constant"),
    ("one_vs_all_logistic", "symmetry"): (F, "sum_k [softplus(-z_k) + 2 softplus(z_k)]"),
}

# The truth where the tool answers `unknown`: it must never answer the opposite.
UNDECIDED = {
    ("multiclass_hinge_ww", "calibration"): (F, "q = (0.4, 0.35, 0.25): R(1, 1, 0) = 1.75 is the minimum, a tie "
                                                "of classes 0 and 1 (no symmetric q shows it)"),
    ("multiclass_squared_hinge_ww", "calibration"): (H, "pairwise sum q_y phi(z_y - z_j), phi convex decreasing, "
                                                        "phi'(0) < 0: a misordered pair swapped lowers R (Zhang)"),
    ("one_vs_all_logistic", "calibration"): (H, "the risk separates: z_c = logit(q_c), increasing in q_c"),
    ("top1_error", "calibration"): (F, "ties count as right: R(0) = 0 = inf, and z = 0 ranks every class first"),
    ("kl_divergence", "properness"): (H, "by continuity L(p, e_c) = -log p_c; the formula is 0 log 0 at e_c"),
    ("jensen_shannon", "properness"): (F, "by continuity a local score h(p_c), not affine in log p_c: not proper"),
}


@pytest.fixture(scope="module")
def catalog():
    import lossaudit
    report = lossaudit.audit(properties=",".join(PROPS), through=False)
    return {e["name"]: e for e in json.loads(report.to_json())["losses"]}


def _applicable(catalog):
    return {(n, p) for n, e in catalog.items() for p, v in e["properties"].items()
            if p in PROPS and v["verdict"] != "not applicable"}


def test_every_applicable_pair_has_an_expected_verdict(catalog):
    assert _applicable(catalog) == set(EXPECTED) | set(UNDECIDED)


@pytest.mark.parametrize("name, prop", sorted(EXPECTED))
def test_builtin_verdict(catalog, name, prop):
    entry = catalog[name]
    v = entry["properties"][prop]
    assert v["verdict"] == EXPECTED[name, prop][0], (name, prop, v["detail"])
    if v["verdict"] == F:
        check_fails(entry, prop, v)


@pytest.mark.parametrize("name, prop", sorted(UNDECIDED))
def test_undecided_builtins_are_never_wrong(catalog, name, prop):
    v = catalog[name]["properties"][prop]
    assert v["verdict"] in (UNDECIDED[name, prop][0], U), (name, prop, v["detail"])
    if v["verdict"] == F:
        check_fails(catalog[name], prop, v)


def test_proofs_where_the_structure_is_exact(catalog):
    proved = {(n, p) for (n, p), (want, _) in EXPECTED.items()
              if want == H and catalog[n]["properties"][p]["method"] == "proof"}
    must = {("softmax_cross_entropy", "calibration"), ("multiclass_focal", "calibration"),
            ("label_smoothed_cross_entropy", "calibration"), ("softmax_mae", "calibration"),
            ("hinge", "calibration"), ("brier", "properness"), ("spherical", "properness"),
            ("gamma_deviance", "statistic"), ("quantile", "statistic"), ("sigmoid", "symmetry"),
            ("softmax_mae", "symmetry"), ("accuracy", "symmetry")}
    assert must <= proved, must - proved


def test_a_sampled_holds_says_so(catalog):
    for n, p in EXPECTED:
        v = catalog[n]["properties"][p]
        if v["verdict"] == H and v["method"] == "sampled":
            assert "not proved" in v["detail"], (n, p, v["detail"])


def test_the_statistic_named_for_each_builtin(catalog):
    named = {n: catalog[n]["properties"]["statistic"].get("statistic")
             for (n, p), (want, _) in EXPECTED.items() if p == "statistic" and want == H}
    assert named == {"squared": "mean", "absolute": "median", "quantile": "0.9-quantile", "poisson_nll": "mean",
                     "poisson_deviance": "mean", "generalized_kl": "mean", "gamma_deviance": "mean",
                     "tweedie_deviance": "mean", "itakura_saito": "mean"}
