"""The elicited statistic: what the minimiser of the expected loss over y_pred is, as a function of the
target's distribution (the mean, the median, a quantile, an expectile, or none of these; see SPEC)."""

from __future__ import annotations

from ..analysis import Context
from ..verdict import HOLDS, PROOF, Verdict, unknown
from . import PropertySpec
from ._refute import refute

SPEC = PropertySpec(
    name="statistic", short="stat", title="Elicited statistic", order=103, band=1,
    kinds=frozenset({"regression", "positive"}),
    definition="The loss elicits a named statistic: for every distribution of the target Y (with finite "
               "moments, inside the target domain), argmin over y_pred of E L(y_pred, Y) is that statistic "
               "of Y — the mean, the median, the τ-quantile or the τ-expectile (τ in (0, 1)). `holds` names "
               "the statistic (the `statistic` field, the table's figure); `fails` means it is none of them, "
               "each refuted by a finite distribution of targets whose minimiser the report gives.",
    why="The statistic is what a model trained with the loss predicts: squared error and the Poisson, "
        "gamma and Tweedie deviances estimate the conditional mean, absolute error the median, pinball loss "
        "a quantile. Robust losses such as Huber's estimate neither the mean nor the median, which matters "
        "when the prediction is read as an average or a typical value.",
    method="""\
1. Proof (expressions): the exact derivative D = ∂L/∂y_pred on each side of the
   target, with y_true = y_pred ∓ t (t > 0). D = g(y_pred)·(y_pred − y_true)·(α
   above, β below) with g > 0 elicits the expectile τ = β/(α+β) (the mean when
   α = β): the expected derivative has the sign of the expectile's
   identification function. D = g(y_pred)·(α above, −β below) elicits the
   τ-quantile, τ = β/(α+β) (the median when α = β).
2. Refutation: two- and three-point target distributions, their minimiser
   found on a fine grid; re-checked exactly: the minimiser beats the mean and
   the median; it beats support points so that every τ-quantile is ruled out;
   and the first-order condition at two points gives two different
   expectile ratios (ρ = [∂L(x, a)/(x − a)] / [∂L(x, b)/(x − b)] must be the
   constant (1 − τ)/τ for a τ-expectile), so no τ-expectile fits.
3. `fails` when every named statistic is refuted; otherwise `unknown`.""",
    figure=lambda v: v.extras.get("statistic", "") if v.verdict == HOLDS else "",
    figure_legend="the statistic", csv_figure="statistic")
PROPERTY = SPEC.name


def search(ctx: Context):
    if ctx.has_expression:
        found = ctx.once(_prove)
        if found is not None:
            name, why = found
            return Verdict(PROPERTY, HOLDS, PROOF, f"Elicits the {name}: {why}.", {"proof": why},
                           {"statistic": name})
    return refute(ctx, PROPERTY)


def _prove(ctx: Context):
    """(statistic, sentence) from the derivative's structure; None when it fits no named statistic."""
    from .. import symbolic as S
    from ._elicit import structure
    zero_excluded = any(float(y) == 0.0 for y in ctx.excluded)
    return S.guarded(4 * ctx.seconds, structure, ctx.loss, zero_excluded, default=None)


def sampled(ctx: Context, _state) -> Verdict:  # the search decides; kept for the template's contract
    return unknown(PROPERTY, "Not decided.")
