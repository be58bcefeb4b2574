"""The fast limits at ±oo (symbolic.limits): limit laws over parts, and rational functions of
exponentials. Each expected value is derived by hand; None means "not decided here" (Gruntz decides)."""
import sympy as sp

from lossaudit.symbolic.core import X
from lossaudit.symbolic.limits import _by_parts, _exponential_ratio_limit, one_sided

E = sp.exp


def test_logistic_tends_to_one_and_zero():
    # e^x / (1 + e^x) = 1 / (1 + e^-x): 1 at +oo, 0 at -oo
    assert _exponential_ratio_limit(E(X) / (1 + E(X)), sp.oo) == 1
    assert _exponential_ratio_limit(E(X) / (1 + E(X)), -sp.oo) == 0


def test_leading_terms_decide_growth_and_sign():
    # e^(2x) / (e^x + 1) ~ e^x -> oo; -e^x / (1 + e^-x) ~ -e^x -> -oo; (e^x + 1)/(2e^x - 3) -> 1/2, -1/3
    assert _exponential_ratio_limit(E(2 * X) / (E(X) + 1), sp.oo) == sp.oo
    assert _exponential_ratio_limit(-E(X) / (1 + E(-X)), sp.oo) == -sp.oo
    assert _exponential_ratio_limit((E(X) + 1) / (2 * E(X) - 3), sp.oo) == sp.Rational(1, 2)
    assert _exponential_ratio_limit((E(X) + 1) / (2 * E(X) - 3), -sp.oo) == sp.Rational(-1, 3)


def test_fractional_slopes_share_one_variable():
    # e^(-x/2) e^(x/3) = e^(-x/6): 0 at +oo, oo at -oo
    assert _exponential_ratio_limit(E(-X / 2) * E(X / 3), sp.oo) == 0
    assert _exponential_ratio_limit(E(-X / 2) * E(X / 3), -sp.oo) == sp.oo


def test_not_a_ratio_of_exponentials_is_left_to_gruntz():
    # x appears outside the exponentials, or inside non-linearly: not this method's
    assert _exponential_ratio_limit(X * E(-X), sp.oo) is None
    assert _exponential_ratio_limit(E(X ** 2) / (1 + E(X)), sp.oo) is None


def test_sign_of_a_part_with_a_nonzero_limit():
    # sign(e^x/(1+e^x) - 1/2) -> sign(1/2) = 1 at +oo, sign(-1/2) = -1 at -oo; times 3 + e^-x -> 3
    f = sp.sign(E(X) / (1 + E(X)) - sp.Rational(1, 2)) * (3 + E(-X))
    assert _by_parts(f, sp.oo) == 3
    assert _by_parts(sp.sign(E(X) / (1 + E(X)) - sp.Rational(1, 2)), -sp.oo) == -1


def test_bounded_sign_beside_a_vanishing_factor():
    # |sign u| <= 1 and e^-x/(1+e^x) -> 0: the product -> 0 (squeeze), though u = 1/(1+e^x) -> 0
    f = sp.sign(1 / (1 + E(X))) * E(-X) / (1 + E(X))
    assert _by_parts(f, sp.oo) == 0


def test_indeterminate_steps_are_not_decided():
    # sign(e^-x - e^-2x) is 1 for x > 0, but its argument tends to 0: bounded times oo is not decided
    assert _by_parts(sp.sign(E(-X) - E(-2 * X)) * E(X), sp.oo) is None
    # |e^x/(1+e^x) - 1| e^x = e^x/(1+e^x) -> 1, but by parts it is 0·oo: undecided (or exact)
    assert _by_parts(sp.Abs(E(X) / (1 + E(X)) - 1) * E(X), sp.oo) in (None, 1)


def test_abs_of_a_part_tending_to_infinity():
    # |1 - e^x| -> oo at +oo, |1 - e^x| -> 1 at -oo
    assert _by_parts(sp.Abs(1 - E(X)), sp.oo) == sp.oo
    assert _by_parts(sp.Abs(1 - E(X)), -sp.oo) == 1


def test_one_sided_agrees_with_sympy_limit():
    # each value by hand: softmax-like ratios with a sign of a nonzero limit
    cases = [(sp.sign(E(X) / (E(X) + E(1) + 1) - sp.Rational(1, 3)) * E(2 * X) / (E(X) + 1) ** 2, sp.oo, 1),
             (sp.Abs(E(X) / (E(X) + 2)) + E(X) / (E(X) + 1), -sp.oo, 0)]
    for f, point, expected in cases:
        assert one_sided(f, point, "-", 10.0) == expected
