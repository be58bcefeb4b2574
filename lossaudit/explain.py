"""`lossaudit explain`: what a property means, why it matters, how it is decided, and examples.

The definition, the reason and the method come from the property's SPEC (one
source of truth, the registry); the examples are computed by auditing a few
well-known built-ins for that property, never looked up.
"""
from __future__ import annotations

# Well-known built-ins to audit for examples (names only: their verdicts are computed each time).
CANDIDATES = ("squared", "absolute", "huber", "logistic", "hinge", "squared_hinge", "cauchy", "exponential",
              "binary_cross_entropy", "zero_one", "tangent", "log_cosh", "quantile", "square_margin",
              "epsilon_insensitive", "welsch",
              # for the statistical properties: a loss of each kind they apply to, on both sides
              "perceptron", "sigmoid", "brier", "focal", "accuracy", "poisson_nll", "softmax_mae",
              "softmax_cross_entropy")


def explanation(prop: str) -> str:
    """The definition, method and reason of a registered property, as rich markup."""
    from rich.markup import escape
    from .properties import spec
    s = spec(prop)
    return (f"[bold]{prop}[/]: {escape(s.title)}\n\n{escape(s.definition)}\n\n"
            f"[bold]How it is decided[/]\n{escape(s.method)}\n\n[bold]Why it matters[/]\n{escape(s.why)}")


def examples(prop: str, count: int = 2) -> tuple[list, list]:
    """(holds, fails): the first `count` (name, short reason) pairs each among the candidates, in their
    order; audited a few at a time, so that the rest is not audited once both are found."""
    from .auditor import audit
    holds, fails = [], []
    for start in range(0, len(CANDIDATES), EXAMPLES_AT_ONCE):
        for result in audit(list(CANDIDATES[start:start + EXAMPLES_AT_ONCE]), properties=prop).results:
            v = result.verdicts[prop]
            found = holds if v.verdict == "holds" else fails if v.verdict == "fails" else []
            if len(found) < count:
                found.append((result.name, _short(v.detail)))
        if len(holds) >= count and len(fails) >= count:
            break
    return holds, fails


EXAMPLES_AT_ONCE = 4  # two per worker on two cores


def _short(detail: str) -> str:
    text = detail.split(": ", 1)[-1]
    return text if len(text) <= 140 else text[:137] + "..."
