"""Loss kinds: what predictions and targets are, and what "the right answer" and "a gross error" mean.

A kind fixes (properties.md, "Loss kinds") the prediction domain, the target
domain, which way lies the ideal prediction and which way lies a gross error.
It carries that behaviour itself: `kind.center(y, dom)`, `kind.toward_ideal(x, y)`,
`kind.gross_directions(y, dom)`, `kind.gross_error_paths(...)` and friends, so
no other module branches on a kind's name. The behaviour comes from one of
three rules (`lossaudit.ideals`: `TargetIdeal`, `MarginIdeal`, `TrueClassIdeal`); domains
(`lossaudit.domains`) answer for their own geometry. `KINDS` is the registry.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .domains import (  # noqa: F401 - re-exported: domains were defined here before
    INF, Domain, FiniteSet, Interval, OneHot, Simplex, interval_targets, parse_domain, simplex_targets, within)
from .errors import DomainError, LossError
from .text import did_you_mean, listing

# The direction toward the ideal prediction, as data (kept for the modules that still compare it).
IDEAL_TARGET = "target"          # the ideal prediction is the target itself
IDEAL_MARGIN = "margin"          # the larger y_true*y_pred the better
IDEAL_TRUE_CLASS = "true_class"  # the true class's score far above the others
# the ideal carried back through a link (lossaudit.ideals.InverseLinkIdeal): link^-1(y_true), ±inf allowed
IDEAL_LOGIT_OF_TARGET = "logit_of_target"   # logit(y_true): -inf for label 0, +inf for label 1
IDEAL_LOG_OF_TARGET = "log_of_target"       # log(y_true): -inf for y_true = 0


@dataclass(frozen=True)
class Link:
    """How a raw model output z becomes the prediction the loss reads: L(link(z), y) is audited as a
    function of z (lossaudit.links). `function` is the expression language's name for it (y_pred ->
    function(y_pred)); `from_kind` the kind of z (its ideal is the loss's ideal carried back through the
    link, lossaudit.ideals.InverseLinkIdeal), `to_kind` the kind of loss it applies to."""

    name: str = "identity"
    function: str = ""
    from_kind: str = ""
    to_kind: str = ""
    summary: str = "the prediction itself"

    def __call__(self, z):
        if not self.function:
            return z
        from .links import numeric_link
        return numeric_link(self.name)(z)

    @property
    def identity(self) -> bool:
        return not self.function


IDENTITY = Link()
LINKS: dict[str, Link] = {link.name: link for link in (
    IDENTITY,
    Link("sigmoid", "sigmoid", "logit", "probability", "a probability from a logit: 1/(1 + exp(-z))"),
    Link("softmax", "softmax", "logits", "distribution", "a distribution from K logits: exp(z_i)/sum_j exp(z_j)"),
    Link("exp", "exp", "lograte", "positive", "a positive rate from a log-rate: exp(z)"),
)}


def natural_link(kind: "Kind") -> Link:
    """The link whose predictions are this kind's (sigmoid for probability, ...); the identity for none."""
    return next((link for link in LINKS.values() if link.to_kind == kind.name), IDENTITY)


@dataclass(frozen=True)
class Kind:
    """A loss kind: what predictions and targets are, and what "the right answer" is."""

    name: str
    summary: str
    pred_domain: Domain       # per coordinate for vector kinds (Simplex: the whole vector)
    target_domain: Domain
    vector: bool
    ideal: str                # IDEAL_TARGET, IDEAL_MARGIN or IDEAL_TRUE_CLASS; behaviour: the methods below
    ideal_text: str
    gross_error_text: str
    link: Link = IDENTITY
    short: str = ""           # for narrow terminals ("reg"); the name when not given
    declared_box: bool = False  # the prediction domain is the user's to declare (any box), not a bound

    @property
    def abbreviation(self) -> str:
        return self.short or self.name

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self):
        """The behaviour of the kind's ideal (lossaudit.ideals: TargetIdeal, MarginIdeal, TrueClassIdeal)."""
        from .ideals import RULES
        return RULES[self.ideal]

    # -- the ideal prediction ------------------------------------------------------
    @property
    def ideal_is_target(self) -> bool:
        """The ideal prediction is the target itself (plots mark it)."""
        return self.rule.is_target

    @property
    def ideal_at_infinity(self) -> bool:
        """The ideal lies at infinity (margins, class scores): no move toward it overshoots."""
        return self.rule.at_infinity

    def ideal_prediction(self, y):
        """The ideal prediction for target y: y itself, ±inf for a margin label, None for a class."""
        return self.rule.point(y)

    def center(self, y: float, dom: Interval) -> float:
        """Where scalar grids and paths start for target y (prediction domain dom)."""
        return self.rule.center(y, dom)

    def toward_ideal(self, x, y):
        """+1 where raising y_pred at x moves toward the ideal, -1 where lowering it does, 0 at it."""
        return self.rule.toward(x, y)

    def overshoots(self, farther, closer, y):
        """The move from `farther` to `closer` jumps past the ideal prediction (scalar kinds)."""
        return self.rule.overshoots(farther, closer, y)

    def distance_to_ideal(self, x, y):
        """|ideal - x| (inf when the ideal lies at infinity)."""
        return self.rule.distance(x, y)

    # -- gross errors ----------------------------------------------------------------
    def gross_directions(self, y: float, dom: Interval) -> list[int]:
        """Directions (+1: y_pred up, -1: down) in which the prediction runs into a gross error."""
        return self.rule.gross_directions(y, dom)

    def gross_error_paths(self, Y, dom, k: int, t, steps, rng) -> list:
        """(label, points (n, K)) toward every gross error at target Y (vector kinds): `t` the distances
        toward infinity, `steps` the gaps to a finite end, `rng` for random directions."""
        return self.rule.gross_error_paths(Y, dom, k, t, steps, rng)

    def edge_paths(self, Y, dom, k: int, rng) -> list:
        """(label, points (n, K)) toward every edge of the prediction domain and infinity (vector kinds)."""
        from .ideals import edge_paths
        return edge_paths(Y, dom, k, rng)

    # -- segments toward the ideal (vector kinds) ----------------------------------------
    def ideal_inside(self, Y, dom) -> bool:
        """Does the ideal prediction for Y lie in the open prediction domain?"""
        return self.rule.ideal_inside(Y, dom)

    def path_to_ideal(self, Y, dom):
        """Points moving toward the ideal prediction: up the true class (logits), or to y_true itself."""
        return self.rule.path_to_ideal(Y, dom)

    def segments_toward_ideal(self, X, Y, rng):
        """(n, m, K): from each row of X, m points moving toward the ideal prediction for Y."""
        return self.rule.segments_toward_ideal(X, Y, rng)

    @property
    def applies_to_simplex(self) -> bool:
        """Predictions are points of the simplex (derivatives are taken along it)."""
        return self.pred_domain.on_simplex

    def tangent_projection(self, k: int):
        """The projection onto the prediction domain's tangent space (None: no constraint)."""
        return self.pred_domain.tangent_projection(k)

    # -- domains a loss may change ----------------------------------------------------------
    def override_bounds(self, predictions: bool, pred_domain=None):
        """The domain a user's prediction (or target) domain must lie within; None: not checked here.
        pred_domain: the user's prediction domain, when one was given (targets are judged against it)."""
        p = self.pred_domain if predictions or pred_domain is None else pred_domain
        if self.declared_box and (predictions or pred_domain is None):
            return None  # the box is the user's: predictions anywhere, targets where the box follows them
        if predictions:
            return p if isinstance(p, Interval) else None
        if self.ideal_is_target and isinstance(p, Interval):
            # a target is a prediction the loss can approach: the closure of the predictions
            return Interval(p.lo, p.hi, math.isfinite(p.lo), math.isfinite(p.hi))
        return self.target_domain if isinstance(self.target_domain, (Interval, FiniteSet)) else None

    def check_override(self, dom: Domain, what: str, loss_name: str) -> None:
        """Refuse a prediction or target domain that this kind cannot take (what: "prediction" or "target")."""
        if self.vector and not self.pred_domain.overridable:
            raise LossError(f"the {what} domain of a {self.name} loss is the simplex; it cannot be changed")
        if what == "prediction" and not isinstance(dom, Interval):
            raise LossError(f"the prediction domain of {loss_name!r} must be an interval; {dom} was given")
        base = self.pred_domain if what == "prediction" else self.target_domain
        if not base.overridable:
            raise LossError(f"the target of a {self.name} loss is a class; its domain cannot be changed")


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("regression", "real prediction, real target", Interval(-INF, INF), Interval(-INF, INF),
         False, IDEAL_TARGET, "y_pred = y_true", "|y_pred - y_true| -> inf, or |y_true| -> inf", short="reg"),
    Kind("positive", "positive prediction (counts, rates), nonnegative target", Interval(0, INF),
         Interval(0, INF, lo_closed=True), False, IDEAL_TARGET, "y_pred = y_true",
         "y_pred -> inf, or y_true -> inf", short="pos"),
    Kind("margin", "binary score, labels -1 and +1", Interval(-INF, INF), FiniteSet((-1.0, 1.0)),
         False, IDEAL_MARGIN, "sign(y_pred) = y_true, the larger y_true*y_pred the better",
         "y_true*y_pred -> -inf"),
    Kind("probability", "binary probability, labels 0 and 1", Interval(0, 1), FiniteSet((0.0, 1.0)),
         False, IDEAL_TARGET, "y_pred = y_true", "y_pred -> the wrong end of (0, 1)", short="prob"),
    Kind("logits", "K class scores, a one-hot class", Interval(-INF, INF), OneHot(),
         True, IDEAL_TRUE_CLASS, "the true class's score far above the others",
         "the true class's margins -> -inf"),
    Kind("distribution", "a point of the open simplex, a target distribution", Simplex(), Simplex(),
         True, IDEAL_TARGET, "y_pred = y_true", "y_pred_j -> 0 for some j with y_true_j > 0", short="dist"),
    Kind("vector", "K outputs in a box (e.g. soft segmentation masks)", Interval(0, 1),
         FiniteSet((0.0, 1.0)), True, IDEAL_TARGET, "y_pred = y_true (possibly a corner of the box)",
         "y_pred_j -> the end opposite y_true_j", short="vec", declared_box=True),
)}

# The kinds of the raw outputs links read (LINKS: softmax reads `logits`): not among the seven a loss declares
# (properties.md), but what a loss through a link is audited as; the ideal and the gross errors are the
# loss's own, carried back through the link (lossaudit.ideals.InverseLinkIdeal).
RAW_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("logit", "a real logit, labels 0 and 1 (a probability through a sigmoid)", Interval(-INF, INF),
         FiniteSet((0.0, 1.0)), False, IDEAL_LOGIT_OF_TARGET, "sigmoid(y_pred) = y_true: y_pred -> +inf for "
         "label 1, -inf for label 0", "y_pred -> the wrong infinity (-inf for label 1, +inf for label 0)"),
    Kind("lograte", "a real log-rate, nonnegative target (a positive rate through exp)", Interval(-INF, INF),
         Interval(0, INF, lo_closed=True), False, IDEAL_LOG_OF_TARGET, "exp(y_pred) = y_true, i.e. "
         "y_pred = log(y_true)", "y_pred -> inf, or y_true -> inf", short="lrate"),
)}

DEFAULT_CLASSES = 3


def kind_names() -> list[str]:
    """The kinds' names, in the registry's order (for choices and help texts)."""
    return list(KINDS)


def kinds_text(last: str = "or") -> str:
    """"regression, positive, ... distribution or vector": the kinds as a person lists them."""
    return listing(kind_names(), last)


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name] if name in KINDS else RAW_KINDS[name]
    except KeyError:
        raise DomainError(f"unknown kind {name!r}{did_you_mean(name, KINDS)} (the kinds are: "
                          f"{', '.join(KINDS)}; `lossaudit explain kinds` says what each means)") from None


def points_inside(dom: Domain, P):
    """Which rows of P (n, K) lie in the open prediction domain (see Interval.inside, Simplex.inside)."""
    return dom.inside(P)


def vector_targets(kind: Kind, target_domain: Domain, k: int) -> list[tuple[float, ...]]:
    """The targets a vector kind's audit covers, deterministic (see each domain's vector_targets)."""
    return target_domain.vector_targets(k)
