"""The Loss model (lossaudit.loss) and its numeric views (lossaudit.views).

The catalog-wide checks compare each entry's exact derivative views with
finite differences of its own value view:

- first derivative: central difference, step h = 1e-5 * max(1, |x|) (relative),
  tolerance |exact - fd| <= 1e-4 * |exact| + 1e-7 * (1 + |L|);
- second derivative: 4th-order five-point stencil
  (-f(x+2h) + 16 f(x+h) - 30 f(x) + 16 f(x-h) - f(x-2h)) / (12 h^2),
  step h = 2e-4 * max(1, |x|), tolerance 1e-4 * |exact| + 1e-5 * (1 + |L|).

Vector kinds are checked along directions v (coordinates e_i and e_i + e_j; on
the simplex the tangent directions e_i - e_K and their sums): grad . v against
the directional difference, v' H v against the directional stencil.
"""
from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from lossaudit.catalog_loader import load
from lossaudit.errors import ExpressionError, LossError
from lossaudit.expr import switch_functions
from lossaudit.kinds import FiniteSet, Interval, OneHot, Simplex, get_kind
from lossaudit.loss import Loss, Parameter

CATALOG = load()
SMOOTH = [l for l in CATALOG if switch_functions(l.expression, singular=False) == []]

# (loss name, target) pairs where the formula itself is undefined: left out on purpose.
LEGITIMATELY_UNDEFINED = {
    ("absolute_percentage_error", 0.0): "|y_pred - y_true| / |y_true| divides by zero at y_true = 0",
}


def _by_name(name: str) -> Loss:
    return next(l for l in CATALOG if l.name == name)


# ---------------------------------------------------------------------------
# Loss.from_expression

def test_from_expression_basic_facts():
    loss = Loss.from_expression("(y_pred - y_true)**2", "regression")
    assert loss.name == "(y_pred - y_true)**2"  # the text names an unnamed loss
    assert loss.kind is get_kind("regression")
    assert loss.role == "loss"
    assert loss.parameters == ()
    assert loss.text == "(y_pred - y_true)**2"
    assert loss.pred_domain == Interval(-math.inf, math.inf)
    assert loss.K is None


def test_from_expression_with_name_role_kind_object():
    loss = Loss.from_expression("abs(y_pred - y_true)", get_kind("regression"), name="mae", role="metric")
    assert (loss.name, loss.kind.name, loss.role) == ("mae", "regression", "metric")


def test_from_expression_params_declare_parameters():
    loss = Loss.from_expression("delta*abs(y_pred - y_true)", "regression", params={"delta": 2.5})
    assert [p.name for p in loss.parameters] == ["delta"]
    assert loss.param_values == {"delta": 2.5}
    assert loss.views.value(np.array([4.0]), 1.0)[0] == pytest.approx(7.5)  # 2.5 * |4 - 1|


def test_from_expression_declared_parameters_with_range():
    tau = Parameter("tau", 0.5, Interval(0, 1), "quantile level")
    loss = Loss.from_expression("max(tau*(y_true - y_pred), (tau - 1)*(y_true - y_pred))", "regression",
                                name="pinball", parameters=(tau,))
    assert loss.param_values == {"tau": 0.5}
    at9 = loss.with_values({"tau": 0.9})
    assert at9.param_values == {"tau": 0.9}
    assert loss.param_values == {"tau": 0.5}  # frozen: the original is unchanged
    # pinball(0.9) at r = y_true - y_pred = 2: 0.9 * 2 = 1.8; at r = -2: 0.1 * 2 = 0.2
    assert at9.views.value(np.array([0.0, 4.0]), 2.0) == pytest.approx([1.8, 0.2])


@pytest.mark.parametrize("value", [1.3, 0.0, 1.0, -0.1], ids=["above", "open_low_end", "open_high_end", "below"])
def test_with_values_out_of_range_names_parameter_and_range(value):
    tau = Parameter("tau", 0.5, Interval(0, 1))
    loss = Loss.from_expression("tau*abs(y_pred - y_true)", "regression", name="q", parameters=(tau,))
    with pytest.raises(LossError) as info:
        loss.with_values({"tau": value})
    msg = str(info.value)
    assert "tau" in msg
    assert "(0, 1)" in msg
    assert repr(value) in msg  # the bad value is named


@pytest.mark.parametrize("value", [math.nan, math.inf, "abc", None], ids=["nan", "inf", "text", "none"])
def test_with_values_refuses_non_numbers(value):
    huber = _by_name("huber")
    with pytest.raises(LossError) as info:
        huber.with_values({"delta": value})
    assert "delta" in str(info.value)


def test_catalog_parameter_range_is_checked():
    huber = _by_name("huber")
    with pytest.raises(LossError) as info:
        huber.with_values({"delta": -1.0})
    assert "delta" in str(info.value) and "(0, inf)" in str(info.value)
    assert huber.with_values({"delta": 2.0}).param_values == {"delta": 2.0}


def test_with_values_unknown_parameter():
    huber = _by_name("huber")
    with pytest.raises(LossError) as info:
        huber.with_values({"gamma": 1.0})
    assert "gamma" in str(info.value)
    assert "delta" in str(info.value)  # lists the parameters it does have
    squared = _by_name("squared")
    with pytest.raises(LossError) as info:
        squared.with_values({"delta": 1.0})
    assert "delta" in str(info.value)


def test_params_at_construction_are_checked_against_declared_range():
    tau = Parameter("tau", 0.5, Interval(0, 1))
    with pytest.raises(LossError) as info:
        Loss.from_expression("tau*abs(y_pred - y_true)", "regression", parameters=(tau,), params={"tau": 2.0})
    assert "tau" in str(info.value)


def test_params_must_be_numbers():
    with pytest.raises(LossError):
        Loss.from_expression("delta*y_pred", "regression", params={"delta": "big"})
    with pytest.raises(LossError):
        Loss.from_expression("delta*y_pred", "regression", params={"delta": math.inf})


@pytest.mark.parametrize("text", ["y_true**2", "1", "pi + E", "sum(y_true)"],
                         ids=["target_only", "constant", "constants", "vector_target_only"])
def test_expression_must_depend_on_y_pred(text):
    kind = "logits" if "sum" in text else "regression"
    with pytest.raises(ExpressionError) as info:
        Loss.from_expression(text, kind)
    assert "y_pred" in str(info.value)


def test_undeclared_parameter_is_an_expression_error():
    with pytest.raises(ExpressionError) as info:
        Loss.from_expression("delta*(y_pred - y_true)**2", "regression")
    assert info.value.token == "delta"


def test_vector_kind_expression_uses_k():
    loss = Loss.from_expression("logsumexp(y_pred) - sum(y_true*y_pred)", "logits", classes=4)
    assert loss.K == 4
    assert len(loss.pred_symbols) == 4
    assert Loss.from_expression("sum(y_pred**2)", "logits").K == 3  # the default


@pytest.mark.parametrize("kwargs", [
    dict(kind="regression", role="objective"),
    dict(kind="regression", classes=3),
    dict(kind="logits", classes=1),
    dict(kind="logits", classes=1001),
    dict(kind="distribution", pred_domain=Interval(0, 1)),
    dict(kind="logits", target_domain=FiniteSet((0.0, 1.0))),
    dict(kind="regression", pred_domain=FiniteSet((0.0, 1.0))),
], ids=["bad_role", "classes_on_scalar", "one_class", "too_many_classes", "simplex_override", "onehot_override",
        "pred_domain_not_interval"])
def test_invalid_construction_is_a_loss_error(kwargs):
    text = "sum(y_pred**2)" if get_kind(kwargs["kind"]).vector else "y_pred**2"
    with pytest.raises(LossError):
        Loss.from_expression(text, **kwargs)


def test_domain_overrides():
    loss = Loss.from_expression("abs(y_pred - y_true)/y_true", "positive", target_domain=Interval(0, math.inf))
    assert loss.target_domain == Interval(0, math.inf)
    assert loss.pred_domain == get_kind("positive").pred_domain


def test_unknown_kind_is_refused():
    from lossaudit.errors import LossAuditError
    with pytest.raises(LossAuditError):
        Loss.from_expression("y_pred", "nope")


# ---------------------------------------------------------------------------
# Loss.from_callable

def test_from_callable_scalar():
    def cubic(y_pred, y_true):
        return (y_pred - y_true) ** 3

    loss = Loss.from_callable(cubic, "regression")
    assert loss.name == "cubic"
    assert loss.kind.name == "regression"
    assert loss.expression is None and not loss.has_expression
    v = loss.views
    assert not v.exact
    x = np.array([1.5, -0.5])
    assert v.value(x, 0.5) == pytest.approx([1.0, -1.0])
    assert v.d1(x, 0.5) == pytest.approx(3 * (x - 0.5) ** 2, rel=1e-5)  # [3, 3]
    assert v.d2(x, 0.5) == pytest.approx(6 * (x - 0.5), rel=1e-4)       # [6, -6]


def test_from_callable_name_and_not_callable():
    loss = Loss.from_callable(lambda p, t: (p - t) ** 2, "regression", name="sq")
    assert loss.name == "sq"
    with pytest.raises(LossError):
        Loss.from_callable(42, "regression")


def test_from_callable_vector():
    loss = Loss.from_callable(lambda X, Y: (X ** 2).sum(-1), "logits", name="sumsq")
    X = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
    v = loss.views
    assert v.value(X, (1.0, 0.0, 0.0)) == pytest.approx([14.0, 5.25])
    assert v.grad(X, (1.0, 0.0, 0.0)) == pytest.approx(2 * X, rel=1e-6)
    H = v.hess(X, (1.0, 0.0, 0.0))
    assert H.shape == (2, 3, 3)
    assert H == pytest.approx(np.broadcast_to(2 * np.eye(3), (2, 3, 3)), abs=1e-4)


def test_from_callable_on_simplex_projects():
    loss = Loss.from_callable(lambda X, Y: (X ** 2).sum(-1), "distribution", name="sumsq")
    X = np.array([[0.2, 0.3, 0.5]])
    Y = (1 / 3, 1 / 3, 1 / 3)
    # grad = P (2x) = 2x - mean(2x) = (0.4, 0.6, 1.0) - 2/3
    assert loss.views.grad(X, Y)[0] == pytest.approx([0.4 - 2 / 3, 0.6 - 2 / 3, 1.0 - 2 / 3], abs=1e-6)
    # Hessian P (2 I) P = 2 P: diagonal 4/3, off-diagonal -2/3
    expected = 2 * (np.eye(3) - np.ones((3, 3)) / 3)
    assert loss.views.hess(X, Y)[0] == pytest.approx(expected, abs=1e-4)


# ---------------------------------------------------------------------------
# Exact views, hand-checked

def test_views_squared_hand_checked():
    v = _by_name("squared").views
    assert v.exact
    x = np.array([3.0, -1.0])
    assert v.value(x, 1.0) == pytest.approx([4.0, 4.0])
    assert v.d1(x, 1.0) == pytest.approx([4.0, -4.0])
    assert v.d2(x, 1.0) == pytest.approx([2.0, 2.0])


def test_views_huber_hand_checked():
    v = _by_name("huber").views  # delta = 1
    x = np.array([1.5, 4.0, -2.0])  # residuals 0.5, 3, -3 at y = 1
    assert v.value(x, 1.0) == pytest.approx([0.125, 2.5, 2.5])
    assert v.d1(x, 1.0) == pytest.approx([0.5, 1.0, -1.0])
    assert v.d2(x, 1.0) == pytest.approx([1.0, 0.0, 0.0])


def test_views_logistic_hand_checked():
    v = _by_name("logistic").views
    assert v.value(np.array([0.0]), 1.0) == pytest.approx([math.log(2)])
    assert v.d1(np.array([0.0]), 1.0) == pytest.approx([-0.5])
    assert v.d2(np.array([0.0]), 1.0) == pytest.approx([0.25])
    # far out: log1p(exp(800)) = 800 (to double precision), no overflow to inf
    assert v.value(np.array([-800.0]), 1.0) == pytest.approx([800.0])


def test_views_softmax_cross_entropy_hand_checked():
    v = _by_name("softmax_cross_entropy").views
    X = np.zeros((1, 3))
    Y = (1.0, 0.0, 0.0)
    assert v.value(X, Y) == pytest.approx([math.log(3)])
    assert v.grad(X, Y)[0] == pytest.approx([1 / 3 - 1, 1 / 3, 1 / 3])
    # diag(p) - p p^T with p = 1/3: diagonal 2/9, off-diagonal -1/9
    assert v.hess(X, Y)[0] == pytest.approx(np.full((3, 3), -1 / 9) + np.eye(3) / 3)


def test_views_brier_on_simplex_hand_checked():
    v = _by_name("multiclass_brier").views
    assert v.simplex
    X = np.array([[0.2, 0.3, 0.5]])
    Y = (1 / 3, 1 / 3, 1 / 3)
    # grad 2(x - y) already sums to 0, so the projection leaves it unchanged
    assert v.grad(X, Y)[0] == pytest.approx([2 * (0.2 - 1 / 3), 2 * (0.3 - 1 / 3), 2 * (0.5 - 1 / 3)])
    assert v.hess(X, Y)[0] == pytest.approx(2 * (np.eye(3) - np.ones((3, 3)) / 3))


# ---------------------------------------------------------------------------
# Every catalog entry: finite values, and derivative views that match finite differences

SCALAR_TARGETS = {
    "regression": (-2.0, 0.0, 1.5),
    "positive": (0.5, 2.0),
    "margin": (-1.0, 1.0),
    "probability": (0.0, 1.0, 0.3),  # 0.3 only where the entry declares soft labels
}


def _rng(loss, salt: int = 0) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(loss.name.encode()) + salt)


def _scalar_targets(loss):
    targets = [t for t in SCALAR_TARGETS[loss.kind.name] if loss.target_domain.contains(t)]
    assert targets, f"no hand-picked target lies in {loss.target_domain}"
    return targets


def _scalar_points(dom: Interval, rng, n: int, center: float) -> np.ndarray:
    """Points strictly inside `dom`, kept well away from finite ends."""
    if dom.is_real_line:
        return center + rng.normal(0.0, 2.0, n)
    if math.isfinite(dom.lo) and math.isfinite(dom.hi):
        return dom.lo + (dom.hi - dom.lo) * rng.uniform(0.05, 0.95, n)
    if math.isfinite(dom.lo):
        return dom.lo + np.clip(rng.lognormal(0.0, 0.8, n), 0.1, 20.0)
    return dom.hi - np.clip(rng.lognormal(0.0, 0.8, n), 0.1, 20.0)


def _vector_targets(loss):
    k = loss.K
    if isinstance(loss.target_domain, OneHot):
        return [tuple(1.0 if j == c else 0.0 for j in range(k)) for c in range(k)]
    if isinstance(loss.target_domain, Simplex):
        skew = np.arange(1, k + 1, dtype=float)
        return [tuple(np.full(k, 1.0 / k)), tuple(skew / skew.sum())]
    corners = [tuple(1.0 for _ in range(k)), tuple(1.0 if j == 0 else 0.0 for j in range(k)),
               tuple(0.0 for _ in range(k)), tuple(0.0 if j == 0 else 1.0 for j in range(k))]
    targets = [c for c in corners if all(loss.target_domain.contains(v) for v in c)]
    assert targets, f"no hand-picked target lies in {loss.target_domain}"
    return targets


def _vector_points(loss, rng, n: int) -> np.ndarray:
    k = loss.K
    if isinstance(loss.pred_domain, Simplex):
        floor = 0.05  # every coordinate >= 0.05, rows sum to 1
        return floor + (1 - floor * k) * rng.dirichlet(np.full(k, 3.0), n)
    dom = loss.pred_domain
    if dom.is_real_line:
        return rng.normal(0.0, 2.0, (n, k))
    assert dom.bounded, dom
    return dom.lo + (dom.hi - dom.lo) * rng.uniform(0.05, 0.95, (n, k))


@pytest.mark.parametrize("loss", CATALOG, ids=lambda l: l.name)
def test_values_are_finite_inside_the_domain(loss):
    rng = _rng(loss)
    n = 20
    if not loss.kind.vector:
        for y in _scalar_targets(loss):
            if (loss.name, y) in LEGITIMATELY_UNDEFINED:
                continue
            x = _scalar_points(loss.pred_domain, rng, n, center=y)
            assert all(loss.pred_domain.contains(v) for v in x)
            values = loss.views.value(x, y)
            assert values.shape == (n,)
            assert np.all(np.isfinite(values)), (y, x[~np.isfinite(values)])
    else:
        for y in _vector_targets(loss):
            X = _vector_points(loss, rng, n)
            values = loss.views.value(X, y)
            assert values.shape == (n,)
            assert np.all(np.isfinite(values)), (y, X[~np.isfinite(values)])


def test_enough_smooth_entries_are_checked():
    # the derivative check below must cover a real share of the catalog, in every kind that has smooth entries
    assert len(SMOOTH) >= 30
    assert {l.kind.name for l in SMOOTH} == {"regression", "positive", "margin", "probability", "logits",
                                             "distribution", "vector"}


def _stencil2(g, h):
    """4th-order second derivative of g at 0 with step h (arrays broadcast)."""
    return (-g(2 * h) + 16 * g(h) - 30 * g(0 * h) + 16 * g(-h) - g(-2 * h)) / (12 * h ** 2)


def _directions(k: int, simplex: bool) -> list[np.ndarray]:
    if simplex:
        base = [np.eye(k)[i] - np.eye(k)[k - 1] for i in range(k - 1)]
    else:
        base = list(np.eye(k))
    dirs = list(base)
    for i in range(len(base)):
        for j in range(i + 1, len(base)):
            dirs.append(base[i] + base[j])
    return dirs


def _close(exact, fd, scale, rtol, atol):
    bad = np.abs(exact - fd) > rtol * np.abs(exact) + atol * (1 + np.abs(scale))
    return ~bad


@pytest.mark.parametrize("loss", SMOOTH, ids=lambda l: l.name)
def test_derivative_views_match_finite_differences(loss):
    rng = _rng(loss, salt=1)
    n = 8
    v = loss.views
    if not loss.kind.vector:
        for y in _scalar_targets(loss):
            x = _scalar_points(loss.pred_domain, rng, n, center=y)
            f0 = v.value(x, y)
            h1 = 1e-5 * np.maximum(1.0, np.abs(x))
            fd1 = (v.value(x + h1, y) - v.value(x - h1, y)) / (2 * h1)
            ok = _close(v.d1(x, y), fd1, f0, 1e-4, 1e-7)
            assert ok.all(), dict(y=y, x=x[~ok], exact=v.d1(x, y)[~ok], fd=fd1[~ok])
            h2 = 2e-4 * np.maximum(1.0, np.abs(x))
            fd2 = _stencil2(lambda t: v.value(x + t, y), h2)
            ok = _close(v.d2(x, y), fd2, f0, 1e-4, 1e-5)
            assert ok.all(), dict(y=y, x=x[~ok], exact=v.d2(x, y)[~ok], fd=fd2[~ok])
        return
    k = loss.K
    for y in _vector_targets(loss):
        X = _vector_points(loss, rng, n)
        f0 = v.value(X, y)
        G = v.grad(X, y)
        H = v.hess(X, y)
        assert G.shape == (n, k) and H.shape == (n, k, k)
        assert np.allclose(H, np.swapaxes(H, 1, 2), rtol=1e-9, atol=1e-9 * (1 + np.abs(H).max()))
        if v.simplex:  # derivatives along the simplex: P grad, P H P
            assert np.allclose(G.sum(axis=1), 0.0, atol=1e-9 * (1 + np.abs(G).max()))
            assert np.allclose(H.sum(axis=2), 0.0, atol=1e-9 * (1 + np.abs(H).max()))
        scale = np.maximum(1.0, np.abs(X).max(axis=1))
        for d in _directions(k, v.simplex):
            h1 = 1e-5 * scale
            fd1 = (v.value(X + h1[:, None] * d, y) - v.value(X - h1[:, None] * d, y)) / (2 * h1)
            exact1 = G @ d
            ok = _close(exact1, fd1, f0, 1e-4, 1e-7)
            assert ok.all(), dict(y=y, direction=d, X=X[~ok], exact=exact1[~ok], fd=fd1[~ok])
            h2 = 2e-4 * scale
            fd2 = _stencil2(lambda t: v.value(X + t[:, None] * d, y), h2)
            exact2 = np.einsum("i,nij,j->n", d, H, d)
            ok = _close(exact2, fd2, f0, 1e-4, 1e-5)
            assert ok.all(), dict(y=y, direction=d, X=X[~ok], exact=exact2[~ok], fd=fd2[~ok])
