"""Loss kinds and domains: lossaudit.kinds."""
from __future__ import annotations

import math

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
