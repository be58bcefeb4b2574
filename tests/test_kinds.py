"""Loss kinds and domains: lossaudit.kinds."""
from __future__ import annotations

import math

import numpy as np
import pytest

from lossaudit.errors import DomainError
from lossaudit.kinds import (KINDS, FiniteSet, Interval, OneHot, Simplex, get_kind, interval_targets,
                             parse_domain, vector_targets)

INF = math.inf


# ---------------------------------------------------------------------------
# parse_domain

@pytest.mark.parametrize("text, lo, hi, lo_closed, hi_closed", [
    ("(0, 1)", 0.0, 1.0, False, False),
    ("[0, 1)", 0.0, 1.0, True, False),
    ("(0, 1]", 0.0, 1.0, False, True),
    ("[0, 1]", 0.0, 1.0, True, True),
    ("(-inf, inf)", -INF, INF, False, False),
    ("[0, inf)", 0.0, INF, True, False),
    ("(-infinity, -2.5)", -INF, -2.5, False, False),
    ("  ( -1e-3 , 2E2 )  ", -0.001, 200.0, False, False),
    ("(.5, 1.5)", 0.5, 1.5, False, False),
    ("(-INF, +Inf)", -INF, INF, False, False),
    ("[2, 2]", 2.0, 2.0, True, True),
], ids=["open", "closed_open", "open_closed", "closed", "real_line", "half_line", "infinity_word",
        "blanks_and_exponents", "leading_dot", "case_insensitive_inf", "single_point"])
def test_parse_interval(text, lo, hi, lo_closed, hi_closed):
    dom = parse_domain(text)
    assert isinstance(dom, Interval)
    assert (dom.lo, dom.hi, dom.lo_closed, dom.hi_closed) == (lo, hi, lo_closed, hi_closed)


@pytest.mark.parametrize("text, values", [
    ("{-1, 1}", (-1.0, 1.0)),
    ("{1, -1}", (-1.0, 1.0)),
    ("{0, 1}", (0.0, 1.0)),
    ("{0.5}", (0.5,)),
    ("{ 3, 1, 2, 1 }", (1.0, 2.0, 3.0)),
], ids=["labels", "unsorted", "binary", "single", "duplicates"])
def test_parse_finite_set(text, values):
    dom = parse_domain(text)
    assert isinstance(dom, FiniteSet)
    assert dom.values == values


@pytest.mark.parametrize("text", [
    "(1, 0)", "[inf, 2)", "nonsense", "(1, 1)", "[1, 1)", "(0, inf]", "[-inf, 0)", "(nan, 1)", "(0; 1)",
    "(0, 1", "0, 1", "{}", "{a, b}", "{1, inf}", "{1,, 2}", "", "(1, 2, 3)",
], ids=["reversed", "closed_inf_low", "nonsense", "empty_open_point", "empty_half_open_point", "closed_inf_high",
        "closed_minus_inf", "nan", "semicolon", "unclosed", "no_brackets", "empty_set", "letters_in_set",
        "inf_in_set", "empty_set_element", "empty_text", "three_numbers"])
def test_parse_domain_errors(text):
    with pytest.raises(DomainError) as info:
        parse_domain(text)
    assert str(info.value)


def test_parse_domain_error_names_the_input():
    with pytest.raises(DomainError) as info:
        parse_domain("nonsense")
    assert "nonsense" in str(info.value)


def test_domain_round_trips_through_str():
    for text in ("(0, 1)", "[0, inf)", "(-inf, inf)", "(0.5, 2]", "{-1, 1}"):
        assert str(parse_domain(text)) == text
        assert parse_domain(str(parse_domain(text))) == parse_domain(text)


# ---------------------------------------------------------------------------
# Interval and FiniteSet

@pytest.mark.parametrize("dom, x, inside", [
    (Interval(0, 1), 0.0, False),
    (Interval(0, 1), 1.0, False),
    (Interval(0, 1), 0.5, True),
    (Interval(0, 1), 1e-300, True),
    (Interval(0, 1, lo_closed=True), 0.0, True),
    (Interval(0, 1, lo_closed=True), 1.0, False),
    (Interval(0, 1, hi_closed=True), 1.0, True),
    (Interval(0, 1, hi_closed=True), 0.0, False),
    (Interval(0, 1, True, True), 0.0, True),
    (Interval(0, 1, True, True), 1.0, True),
    (Interval(0, 1, True, True), 1.0000001, False),
    (Interval(0, 1, True, True), -1e-12, False),
    (Interval(-INF, INF), 1e308, True),
    (Interval(-INF, INF), -INF, False),
    (Interval(-INF, INF), INF, False),
    (Interval(0, INF), INF, False),
    (Interval(0, INF, lo_closed=True), 0.0, True),
], ids=lambda v: str(v) if not isinstance(v, bool) else ("in" if v else "out"))
def test_interval_contains(dom, x, inside):
    assert dom.contains(x) is inside


@pytest.mark.parametrize("args", [
    (1, 0), (0, 0), (INF, 2, True), (0, INF, False, True),
    pytest.param((math.nan, 1), id="nan"),
], ids=["reversed", "empty_point", "closed_inf", "closed_inf_high", "nan"])
def test_interval_validates_itself(args):
    with pytest.raises(DomainError):
        Interval(*args)


def test_interval_facts():
    assert Interval(-INF, INF).is_real_line
    assert not Interval(0, INF).is_real_line
    assert Interval(0, 1).bounded and not Interval(0, INF).bounded
    assert Interval(0, 1, True, True).interior() == Interval(0, 1)


def test_finite_set():
    s = FiniteSet((1, -1))
    assert s.contains(1) and s.contains(-1.0)
    assert not s.contains(0) and not s.contains(0.999999)
    assert s.values == (-1.0, 1.0)
    with pytest.raises(DomainError):
        FiniteSet(())
    with pytest.raises(DomainError):
        FiniteSet((1.0, math.inf))


def test_finite_set_refuses_nan():
    with pytest.raises(DomainError):
        FiniteSet((1.0, math.nan))


# ---------------------------------------------------------------------------
# The seven kinds (properties.md, "Loss kinds")

def test_exactly_the_seven_kinds():
    assert set(KINDS) == {"regression", "positive", "margin", "probability", "logits", "distribution", "vector"}


@pytest.mark.parametrize("name, pred, target, vector", [
    ("regression", Interval(-INF, INF), Interval(-INF, INF), False),
    ("positive", Interval(0, INF), Interval(0, INF, lo_closed=True), False),
    ("margin", Interval(-INF, INF), FiniteSet((-1.0, 1.0)), False),
    ("probability", Interval(0, 1), FiniteSet((0.0, 1.0)), False),
    ("logits", Interval(-INF, INF), OneHot(), True),
    ("distribution", Simplex(), Simplex(), True),
    ("vector", Interval(0, 1), FiniteSet((0.0, 1.0)), True),
])
def test_kind_domains_match_the_spec_table(name, pred, target, vector):
    kind = get_kind(name)
    assert kind.name == name
    assert kind.pred_domain == pred
    assert kind.target_domain == target
    assert kind.vector is vector


def test_ideal_predictions():
    assert get_kind("regression").ideal == get_kind("positive").ideal == get_kind("probability").ideal
    assert get_kind("distribution").ideal == get_kind("regression").ideal
    assert get_kind("margin").ideal != get_kind("regression").ideal
    assert get_kind("logits").ideal not in (get_kind("regression").ideal, get_kind("margin").ideal)


def test_unknown_kind():
    with pytest.raises(DomainError) as info:
        get_kind("regresion")
    assert "regresion" in str(info.value)
    assert "regression" in str(info.value)  # lists the kinds


# ---------------------------------------------------------------------------
# Targets

@pytest.mark.parametrize("dom", [
    Interval(-INF, INF), Interval(0, INF), Interval(0, INF, lo_closed=True), Interval(0, 1), Interval(0, 1, True, True),
    Interval(2, 3), Interval(-INF, -5), Interval(10, INF), Interval(0, 1e-9), Interval(1e6, INF),
    Interval(-1, 1, hi_closed=True),
], ids=str)
@pytest.mark.parametrize("count", [3, 5])
def test_interval_targets_lie_inside(dom, count):
    targets = interval_targets(dom, count=count)
    assert 1 <= len(targets) <= count
    assert all(dom.contains(t) for t in targets), targets
    assert all(math.isfinite(t) for t in targets)
    assert len(set(targets)) == len(targets)
    assert interval_targets(dom, count=count) == targets  # deterministic


@pytest.mark.parametrize("dom", [Interval(-INF, -5), Interval(10, INF)], ids=str)
def test_interval_targets_respect_a_count_below_three(dom):
    targets = interval_targets(dom, count=1)
    assert len(targets) == 1 and dom.contains(targets[0])


def test_interval_targets_fill_up_to_three_when_possible():
    for dom in (Interval(2, 3), Interval(0, 1), Interval(-INF, -5), Interval(10, INF), Interval(0, 1e-9)):
        assert len(interval_targets(dom, count=5)) >= 3


def test_interval_targets_of_real_line_include_zero():
    assert 0.0 in interval_targets(Interval(-INF, INF))


@pytest.mark.parametrize("k", [2, 3, 5])
def test_onehot_targets(k):
    targets = vector_targets(get_kind("logits"), OneHot(), k)
    assert len(targets) == k
    for c, t in enumerate(targets):
        assert len(t) == k
        assert t == tuple(1.0 if j == c else 0.0 for j in range(k))


@pytest.mark.parametrize("k", [2, 3, 8])
def test_simplex_targets_are_interior_points(k):
    targets = vector_targets(get_kind("distribution"), Simplex(), k)
    assert len(targets) >= 2
    for t in targets:
        assert len(t) == k
        assert all(v > 0 for v in t)
        assert sum(t) == pytest.approx(1.0, abs=1e-12)
    assert len(set(targets)) == len(targets)


@pytest.mark.parametrize("k, expected_count", [(2, 4), (3, 8), (4, 8), (6, 8)])
def test_finite_set_vector_targets_are_corners(k, expected_count):
    targets = vector_targets(get_kind("vector"), FiniteSet((0.0, 1.0)), k)
    assert len(targets) == expected_count
    assert len(set(targets)) == len(targets)
    for t in targets:
        assert len(t) == k
        assert set(t) <= {0.0, 1.0}
    assert targets[0] == (1.0,) * k  # the "most positive" corner first


def test_finite_set_vector_targets_k2_are_all_four_corners():
    targets = vector_targets(get_kind("vector"), FiniteSet((0.0, 1.0)), 2)
    assert set(targets) == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}


def test_interval_vector_targets_lie_inside():
    dom = Interval(0, 1, True, True)
    targets = vector_targets(get_kind("vector"), dom, 3)
    assert targets
    for t in targets:
        assert len(t) == 3
        assert all(dom.contains(v) for v in t)


# ---------------------------------------------------------------------------
# The behaviour a kind carries (hand-derived per kind)

def K(name):
    return get_kind(name)


@pytest.mark.parametrize("kind, y, ideal", [
    ("regression", 1.7, 1.7),          # the ideal prediction is the target itself
    ("probability", 1.0, 1.0),         # even at the domain's (open) end
    ("margin", 1.0, INF),              # y·ŷ -> +inf is best: +inf for the label +1
    ("margin", -1.0, -INF),            # and -inf for the label -1
    ("distribution", (0.2, 0.8), (0.2, 0.8)),
    ("logits", (0.0, 1.0, 0.0), None),  # the true class's score far above the others: no finite point
])
def test_ideal_prediction(kind, y, ideal):
    assert K(kind).ideal_prediction(y) == ideal


@pytest.mark.parametrize("kind, is_target, at_infinity", [
    ("regression", True, False), ("positive", True, False), ("probability", True, False),
    ("distribution", True, False), ("vector", True, False),
    ("margin", False, True), ("logits", False, True),
])
def test_ideal_flags(kind, is_target, at_infinity):
    assert K(kind).ideal_is_target is is_target and K(kind).ideal_at_infinity is at_infinity


@pytest.mark.parametrize("kind, y, dom, center", [
    ("regression", 3.0, Interval(-INF, INF), 3.0),   # the target lies in the domain: start there
    ("margin", 1.0, Interval(-INF, INF), 0.0),       # margins start at the decision boundary 0
    ("probability", 1.0, Interval(0, 1), 0.5),       # 1 is not in the open (0, 1): its middle
    ("positive", 0.0, Interval(0, INF), 1.0),        # 0 is not in (0, inf), unbounded: clamp to lo + 1
])
def test_center(kind, y, dom, center):
    assert K(kind).center(y, dom) == center


@pytest.mark.parametrize("kind, x, y, step", [
    ("regression", 0.0, 2.0, 1.0),    # below the target: raise y_pred
    ("regression", 3.0, 2.0, -1.0),   # above it: lower y_pred
    ("regression", 2.0, 2.0, 0.0),    # at the ideal: no way is toward it
    ("margin", -5.0, 1.0, 1.0),       # label +1: always raise the score
    ("margin", 5.0, -1.0, -1.0),      # label -1: always lower it
])
def test_toward_ideal(kind, x, y, step):
    got = K(kind).toward_ideal(x, y)
    assert got == step and isinstance(got, float)


def test_toward_ideal_is_vectorised():
    x = np.array([0.0, 2.0, 3.0])
    assert K("regression").toward_ideal(x, 2.0).tolist() == [1.0, 0.0, -1.0]  # sign(2 - x)
    assert K("margin").toward_ideal(x, -1.0).tolist() == [-1.0, -1.0, -1.0]


@pytest.mark.parametrize("kind, farther, closer, y, overshoots", [
    ("regression", 0.0, 3.0, 2.0, True),    # from 0 to 3 jumps past the target 2
    ("regression", 0.0, 1.0, 2.0, False),   # from 0 to 1 stays below it
    ("regression", 0.0, 2.0, 2.0, False),   # landing on the target is not past it
    ("margin", 0.0, 1e9, 1.0, False),       # the ideal is at +inf: nothing overshoots it
])
def test_overshoots(kind, farther, closer, y, overshoots):
    assert bool(K(kind).overshoots(farther, closer, y)) is overshoots


def test_distance_to_ideal():
    assert K("regression").distance_to_ideal(-1.0, 2.0) == 3.0  # |2 - (-1)|
    assert K("margin").distance_to_ideal(-1.0, 1.0) == INF      # the ideal is at infinity
    assert K("margin").distance_to_ideal(np.zeros(2), 1.0).tolist() == [INF, INF]


@pytest.mark.parametrize("kind, y, dom, directions", [
    ("regression", 0.0, Interval(-INF, INF), [1, -1]),  # |ŷ - y| -> inf both ways
    ("positive", 1.0, Interval(0, INF), [1]),           # only ŷ -> inf; ŷ -> 0+ is a finite edge
    ("margin", 1.0, Interval(-INF, INF), [-1]),         # y·ŷ -> -inf: ŷ -> -inf for the label +1
    ("margin", -1.0, Interval(-INF, INF), [1]),         # ... and ŷ -> +inf for the label -1
    ("probability", 1.0, Interval(0, 1), [-1]),         # the wrong end for the label 1 is 0
    ("probability", 0.0, Interval(0, 1), [1]),          # ... and 1 for the label 0
    ("probability", 0.5, Interval(0, 1), [-1, 1]),      # a soft label in the middle: both ends
])
def test_gross_directions(kind, y, dom, directions):
    assert K(kind).gross_directions(y, dom) == directions


T = 10.0 ** np.arange(4.0)       # distances toward infinity
STEPS = 10.0 ** -np.arange(1.0, 5.0)  # gaps to a finite end


def test_gross_error_paths_logits():
    Y = np.array([0.0, 1.0, 0.0])
    paths = K("logits").gross_error_paths(Y, Interval(-INF, INF), 3, T, STEPS, np.random.default_rng(0))
    # -e_c, e_j and e_1 + e_2 for the subsets of the other classes, and 1 - (K+1)e_c: every one lowers
    # some z_c - z_j without bound; each from the origin and from an offset with unequal competitors
    assert len(paths) == 2 * 5
    for label, X in paths:
        margins = X[:, 1:2] - np.delete(X, 1, axis=1)
        assert label.startswith("the true class's margins") and np.all(np.diff(margins.min(axis=1)) < 0)
    offset = paths[5][1][0]
    assert offset[0] != offset[2]  # the competitors start unequal


def test_gross_error_paths_distribution():
    Y = np.array([0.5, 0.5, 0.0])
    paths = K("distribution").gross_error_paths(Y, Simplex(), 3, T, STEPS, np.random.default_rng(0))
    # ŷ_S -> 0 for the subsets S of the classes with y_j > 0 (j = 0, 1), staying on the simplex; the
    # others in the target's proportions and, where two or more remain, in unequal ones
    labels = [label for label, _ in paths]
    assert labels[:2] == ["y_pred_0 -> 0", "y_pred_0 -> 0, the others in proportions (0, 0.333, 0.667)"]
    assert labels[-1] == "y_pred_0,1 -> 0"
    for label, X in paths:
        assert np.allclose(X.sum(axis=1), 1.0)
        if label.startswith("y_pred_0 -> 0"):
            assert X[:, 0].tolist() == pytest.approx(STEPS.tolist())


def test_gross_error_paths_box():
    Y = np.array([1.0, 0.0])
    paths = K("vector").gross_error_paths(Y, Interval(0, 1), 2, T, STEPS, np.random.default_rng(0))
    # each coordinate toward the end opposite its target (y_0 = 1 -> 0, y_1 = 0 -> 1), then both
    assert [label for label, _ in paths] == ["y_pred_0 -> 0", "y_pred_1 -> 1",
                                             "every y_pred_j -> the end opposite y_true_j"]  # every subset
    assert paths[-1][1][-1].tolist() == pytest.approx([1e-4, 1 - 1e-4])  # the opposite corner, 1e-4 away


def test_gross_error_paths_unbounded_box():
    Y = np.array([0.0, 0.0])
    paths = K("vector").gross_error_paths(Y, Interval(-INF, INF), 2, T, STEPS, np.random.default_rng(0))
    assert len(paths) == 2 * 2 + 3  # ± each coordinate, and three random directions


def test_edge_paths():
    rng = np.random.default_rng(0)
    simplex = K("distribution").edge_paths(np.array([0.2, 0.3, 0.5]), Simplex(), 3, rng)
    labels = [label for label, _ in simplex]
    # every face y_pred_S -> 0 (S leaving some class), the others equal and in unequal proportions
    assert [x for x in labels if "," not in x.split(" ")[0] and "proportions" not in x] == [
        "y_pred_0 -> 0", "y_pred_1 -> 0", "y_pred_2 -> 0"]
    assert "y_pred_0,1 -> 0" in labels and len(labels) == 3 * 2 + 3
    box = K("vector").edge_paths(np.array([1.0, 0.0]), Interval(0, 1), 2, rng)
    # the target (a corner) first, then each coordinate to each end
    assert [label for label, _ in box] == ["y_pred -> y_true", "y_pred_0 -> 0", "y_pred_0 -> 1",
                                           "y_pred_1 -> 0", "y_pred_1 -> 1"]


@pytest.mark.parametrize("kind, Y, dom, inside", [
    ("distribution", (0.2, 0.3, 0.5), Simplex(), True),   # an interior point of the simplex
    ("vector", (1.0, 0.0), Interval(0, 1), False),        # a corner: not in the open box
    ("vector", (0.5, 0.25), Interval(0, 1), True),        # a soft target inside the box
    ("logits", (1.0, 0.0, 0.0), Interval(-INF, INF), False),  # the ideal lies at infinity
])
def test_ideal_inside(kind, Y, dom, inside):
    assert K(kind).ideal_inside(np.asarray(Y), dom) is inside


def test_path_to_ideal():
    Y = np.array([1.0, 0.0])
    path = K("vector").path_to_ideal(Y, Interval(0, 1))
    # from the box's centre (0.5 away from y in the sup norm) to the corner y, 0.5·10^-k away: ~1e-12 at the end
    assert np.abs(path - Y).max(axis=1)[0] == pytest.approx(0.5) and np.abs(path[-1] - Y).max() < 1e-11
    logits = K("logits").path_to_ideal(np.array([0.0, 1.0, 0.0]), Interval(-INF, INF))
    # along u = y - 1/K: the true class's margin grows along the path
    assert np.all(np.diff(logits[:, 1] - logits[:, 0]) > 0)


def test_segments_toward_ideal():
    rng = np.random.default_rng(0)
    X = np.array([[0.2, 0.2], [0.9, 0.1]])
    Y = np.array([1.0, 0.0])
    seg = K("vector").segments_toward_ideal(X, Y, rng)
    # each segment starts at its sample and ends within 1e-6 of the target
    assert np.array_equal(seg[:, 0], X) and np.abs(seg[:, -1] - Y).max() < 1e-6
    Z = np.zeros((5, 3))
    seg = K("logits").segments_toward_ideal(Z, np.array([0.0, 0.0, 1.0]), rng)
    margins = seg[:, :, 2:3] - seg[:, :, :2]
    assert np.all(np.diff(margins, axis=1) > 0)  # every step raises class 2 above both others


@pytest.mark.parametrize("kind, dom, what, message", [
    ("distribution", Interval(0, 1), "prediction", "is the simplex"),
    ("logits", FiniteSet((0.0, 1.0)), "target", "is a class"),
    ("regression", FiniteSet((0.0, 1.0)), "prediction", "must be an interval"),
])
def test_check_override_refuses(kind, dom, what, message):
    from lossaudit.errors import LossError
    with pytest.raises(LossError, match=message):
        K(kind).check_override(dom, what, "mine")


def test_check_override_accepts_intervals():
    K("regression").check_override(Interval(0, 5), "prediction", "mine")  # narrowing the real line is fine
    K("margin").check_override(FiniteSet((-1.0, 0.0, 1.0)), "target", "mine")  # other labels are fine


def test_registry():
    from lossaudit.kinds import kind_names, kinds_text
    assert kind_names() == list(KINDS)
    assert kinds_text() == "regression, positive, margin, probability, logits, distribution or vector"
    for kind in KINDS.values():
        assert kind.link.name == "identity" and kind.link(2.5) == 2.5  # no link yet
        assert kind.rule is not None


def test_simplex_behaviour():
    assert K("distribution").applies_to_simplex and not K("vector").applies_to_simplex
    P = K("distribution").tangent_projection(3)
    assert np.allclose(P @ np.ones(3), 0.0) and np.allclose(P @ P, P)  # projects 1 away, idempotent
    assert K("vector").tangent_projection(3) is None


@pytest.mark.parametrize("dom, labels", [
    (FiniteSet((1.0, -1.0)), (-1.0, 1.0)),   # sorted label values
    (Interval(0, 1), ()), (Simplex(), ()), (OneHot(), ()),
])
def test_domain_labels(dom, labels):
    assert dom.labels == labels


def test_domain_inside_and_room():
    P = np.array([[0.5, 0.5], [0.0, 1.0], [0.2, 0.8]])
    assert Simplex().inside(P).tolist() == [True, False, True]       # entries > 0
    assert Interval(0, 1).inside(P).tolist() == [True, False, True]  # inside the open box
    assert Interval(0, 1).room(np.array([[0.25, 0.9]])).tolist() == pytest.approx([0.1])  # nearest edge 0.1 away
    assert Interval(-INF, INF).room(np.array([[5.0]])).tolist() == [INF]
    assert Simplex().room(np.array([[0.3, 0.7]])).tolist() == [0.3]  # the smallest entry
