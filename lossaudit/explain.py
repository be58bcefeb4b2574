"""`lossaudit explain`: what a property means, why it matters, how it is decided, and examples.

The definition and the method come from the property module's docstring (one
source of truth); the examples are computed by auditing a few well-known
built-ins for that property, never looked up.
"""
from __future__ import annotations

import inspect

WHY = {
    "convexity": "A convex loss has no spurious local minima in the prediction: every local minimum is global, "
                 "and (composed with a linear model) gradient methods converge to it. Non-convex losses trade "
                 "this for robustness or for matching a metric.",
    "differentiability": "Gradient-based training needs a gradient. A kink is usually harmless (subgradients, "
                         "PyTorch picks a value), but a loss whose gradient is zero almost everywhere, such as "
                         "accuracy or the 0-1 loss, gives gradient descent no signal at all: that is why metrics "
                         "like accuracy are evaluated, not trained on.",
    "smoothness": "An L-smooth loss (Lipschitz gradient) lets gradient descent use a fixed step size 1/L and "
                  "converge; without it steps can overshoot (exponential loss far out, cross-entropy on "
                  "probabilities near 0) or oscillate around a kink.",
    "robustness": "With a bounded gradient one gross outlier moves a gradient step, or the fitted model, by a "
                  "bounded amount. Squared error lets a single outlier dominate; Huber, the absolute loss and "
                  "redescending losses (Cauchy, Tukey) limit or ignore it.",
    "sparsity": "A loss that keeps pulling right up to its minimum (a kink there) makes subgradient and proximal "
                "steps land exactly on it: exact zero residuals in L1 or quantile regression, and support "
                "vectors in the hinge and epsilon-insensitive losses.",
    "monotonicity": "A monotone loss never rewards moving away from the right answer: a better prediction is "
                    "never penalised more. Square loss on the margin, for instance, punishes confident correct "
                    "answers, which hurts classification.",
}

# Well-known built-ins to audit for examples (names only: their verdicts are computed each time).
CANDIDATES = ("squared", "absolute", "huber", "logistic", "hinge", "squared_hinge", "cauchy", "exponential",
              "binary_cross_entropy", "zero_one", "tangent", "log_cosh", "quantile", "square_margin",
              "epsilon_insensitive", "welsch")


def explanation(prop: str) -> str:
    from .properties import module
    doc = inspect.getdoc(module(prop)) or ""
    return f"[bold]{prop}[/]\n\n{doc}\n\n[bold]Why it matters[/]\n{WHY[prop]}"


def examples(prop: str, count: int = 2) -> tuple[list, list]:
    """(holds, fails): up to `count` (name, short reason) pairs each, from auditing the candidates."""
    from .auditor import audit
    report = audit(list(CANDIDATES), properties=prop)
    holds, fails = [], []
    for result in report.results:
        v = result.verdicts[prop]
        entry = (result.name, _short(v.detail))
        if v.verdict == "holds" and len(holds) < count:
            holds.append(entry)
        elif v.verdict == "fails" and len(fails) < count:
            fails.append(entry)
    return holds, fails


def _short(detail: str) -> str:
    text = detail.split(": ", 1)[-1]
    return text if len(text) <= 140 else text[:137] + "..."
