"""Parameter regions (lossaudit.regions, `lossaudit regions`): where each property holds along a parameter.
Every expected region has a hand-derived reason; boundaries must be exact where the truth is a rational."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from lossaudit.catalog_loader import find
from lossaudit.cli import app
from lossaudit.errors import RegionError
from lossaudit.links import compose
from lossaudit.loss import Loss
from lossaudit.regions import SNAP_STEP, TOLERANCE, _candidates, explore

runner = CliRunner()


def shape(found, prop):
    """[(lo, hi, lo_closed, hi_closed, verdict)] of a property's regions."""
    return [(r.lo, r.hi, r.lo_closed, r.hi_closed, r.label) for r in found.properties[prop].regions]


def test_simple_rationals_come_first():
    assert _candidates(0.875, 1.25)[0] == 1          # the only integer of the bracket
    assert _candidates(0.3, 0.7)[0] == 0.5
    assert SNAP_STEP < TOLERANCE


def test_generalized_charbonnier_regions():
    # f = (r^2 + e^2)^a, e = 1: f'' = 2a (r^2+1)^(a-2) (1 + (2a-1) r^2) >= 0 for all r iff a >= 1/2;
    # |f'| = 2a|r|(r^2+1)^(a-1) ~ 2a|r|^(2a-1): -> 0 for a < 1/2, -> 1 at a = 1/2, unbounded above;
    # f'' ~ r^(2a-2) stays bounded iff a <= 1
    loss = Loss.from_expression("((y_pred - y_true)**2 + eps**2)**a", "regression", params={"eps": 1.0, "a": 1.0})
    found = explore(loss, "a", 0.1, 2, props="convexity,robustness,smoothness")
    assert shape(found, "convexity") == [(0.1, 0.5, True, False, "fails"), (0.5, 2, True, True, "holds")]
    assert shape(found, "robustness") == [(0.1, 0.5, True, False, "holds (redescending)"),
                                          (0.5, 0.5, True, True, "holds (bounded)"), (0.5, 2, False, True, "fails")]
    assert shape(found, "smoothness") == [(0.1, 1, True, True, "holds"), (1, 2, False, True, "fails")]
    assert all(b.exact for p in found.properties.values() for b in p.boundaries)
    assert "holds for a in [0.5, 2]" in found.properties["convexity"].statement("a")


def test_barron_covers_every_real_alpha_with_its_limits_as_pieces():
    import sympy as sp
    loss = find("barron")
    r = loss.pred_symbols[0] - loss.true_symbols[0]
    # Barron 2019: alpha = 2 is L2 r^2/2, alpha = 0 is log(r^2/2 + 1), alpha = -2 Geman-McClure 2r^2/(r^2+4)
    assert sp.simplify(loss.with_values({"alpha": 2}).exact_expression - r ** 2 / 2) == 0
    assert sp.simplify(loss.with_values({"alpha": 0}).exact_expression - sp.log(r ** 2 / 2 + 1)) == 0
    assert sp.simplify(loss.with_values({"alpha": -2}).exact_expression - 2 * r ** 2 / (r ** 2 + 4)) == 0
    # the default alpha = 1 is the pseudo-Huber form it always was
    assert sp.simplify(loss.exact_expression - (sp.sqrt(r ** 2 + 1) - 1)) == 0


@pytest.mark.slow
def test_barron_regions():
    # rho'' = (1+s)^(alpha/2-2) (1 + (alpha-1) s)/c^2 with s = r^2/(|alpha-2| c^2): convex iff alpha >= 1;
    # rho' ~ |r|^(alpha-1): redescending for alpha < 1, bounded (-> c) at alpha = 1, unbounded above;
    # rho'' ~ s^(alpha/2-1): bounded iff alpha <= 2 (L2 at 2: constant 1)
    found = explore(find("barron"), "alpha", -4, 4, props="convexity,robustness,smoothness,monotonicity")
    assert shape(found, "convexity") == [(-4, 1, True, False, "fails"), (1, 4, True, True, "holds")]
    assert shape(found, "robustness") == [(-4, 1, True, False, "holds (redescending)"),
                                          (1, 1, True, True, "holds (bounded)"), (1, 4, False, True, "fails")]
    assert shape(found, "smoothness") == [(-4, 2, True, True, "holds"), (2, 4, False, True, "fails")]
    assert shape(found, "monotonicity") == [(-4, 4, True, True, "holds")]  # rho' has the sign of r for all alpha


@pytest.mark.slow
def test_tweedie_regions_do_not_change_over_its_power():
    # L'' = 2 mu^(-p-1) (p y + (1-p) mu) < 0 for mu > p y/(p-1): never convex for 1 < p < 2;
    # L'' ~ 2 p y mu^(-p-1) -> inf as mu -> 0 (not smooth); L' = 2 mu^(-p)(mu - y) -> -inf as y -> inf (not robust)
    found = explore(find("tweedie_deviance"), "p", 1.1, 1.9, props="convexity,smoothness,robustness,monotonicity")
    assert shape(found, "convexity") == [(1.1, 1.9, True, True, "fails")]
    assert shape(found, "smoothness") == [(1.1, 1.9, True, True, "fails")]
    assert shape(found, "robustness") == [(1.1, 1.9, True, True, "fails")]
    assert shape(found, "monotonicity") == [(1.1, 1.9, True, True, "holds")]  # L' has the sign of mu - y


@pytest.mark.slow
def test_focal_regions_in_the_probability_and_the_logit():
    # in p (y = 1): f'' = g(1-g)(1-p)^(g-2) log p + 2g(1-p)^(g-1)/p + (1-p)^g/p^2; every term >= 0 for g >= 1,
    # and for g < 1 the minimum over a fine grid of p is positive (checked here): convex for every gamma
    p = np.linspace(1e-6, 1 - 1e-6, 100001)
    for g in np.linspace(0, 1, 21):
        assert (g * (1 - g) * (1 - p) ** (g - 2) * np.log(p) + 2 * g * (1 - p) ** (g - 1) / p
                + (1 - p) ** g / p ** 2).min() > 0
    in_p = explore(find("focal"), "gamma", 0, 3, props="convexity").properties["convexity"].regions
    assert all(r.label in ("holds", "holds (sampled)") for r in in_p)  # proved where the exponent allows it
    assert (in_p[0].lo, in_p[-1].hi) == (0, 3)
    # in the logit (y = 1): L = sigma(-z)^g softplus(-z) ~ -z + g z e^z as z -> -inf, L'' ~ g (z + 2) e^z < 0
    # for z < -2: convex only at gamma = 0 (the logistic loss)
    # for small gamma > 0 the negative curvature lives beyond z = -2 - 1/gamma, at e^z far below float64's
    # reach: the tool may only sample there, so a region between 0 and 0.1 may say "holds (sampled)", never
    # a proved "holds", and every gamma >= 0.1 must fail
    found = explore(compose(find("focal"), "sigmoid"), "gamma", 0, 3, props="convexity")
    regions = found.properties["convexity"].regions
    assert [(r.lo, r.hi) for r in regions if r.label == "holds"] == [(0, 0)]       # gamma = 0: the logistic loss
    assert regions[-1].label == "fails" and regions[-1].lo < 0.1 and regions[-1].hi == 3
    assert all(r.label in ("holds (sampled)", "unknown") for r in regions[1:-1])


# -- refusals --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, named", [
    (["regions", "focal", "--param", "gamma=-1:2"], "gamma"),        # gamma's domain is [0, inf)
    (["regions", "barron", "--param", "beta=0:1"], "beta"),          # no such parameter
    (["regions", "huber", "--param", "delta=2:1"], "delta"),         # lo >= hi
    (["regions", "huber", "--param", "delta=1"], "lo:hi"),           # no range to explore
    (["regions", "huber", "--param", "delta=0.5:2", "--link", "sigmoid"], "sigmoid"),  # a link on regression
    (["regions", "tweedie_deviance", "--param", "p=0.5:1.5"], "p"),   # the formula is declared for 1 < p < 2
    (["regions", "focal", "--param", "gamma=0:2", "--link", "softmax"], "softmax"),  # a scalar probability loss
    (["regions", "barron", "--param", "alpha=-inf:1"], "alpha"),     # the range must be finite
])
def test_a_range_that_makes_no_sense_is_refused(args, named):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert named in result.stderr and "Traceback" not in result.output


def test_explore_refuses_a_range_outside_the_domain():
    with pytest.raises(RegionError, match=r"tau.*\(0, 1\)"):
        explore(find("quantile"), "tau", 0, 1)  # tau lies in the open (0, 1)


def test_cli_json_for_a_user_expression():
    # |r|^a on a in [1, 2]: |r|^a'' = a(a-1)|r|^(a-2) >= 0: convex for every a >= 1
    result = runner.invoke(app, ["regions", "--expr", "abs(y_pred - y_true)**a", "--kind", "regression",
                                 "--param", "a=1:2", "--property", "convexity", "--format", "json", "--points", "5"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["parameter"] == "a" and data["range"] == [1.0, 2.0]
    assert data["properties"]["convexity"]["regions"] == [
        {"lo": 1.0, "hi": 2.0, "lo_closed": True, "hi_closed": True, "verdict": "holds",
         "proved": False}]  # |r| is not smooth at 0: the region proof (smooth expressions only) does not claim it
