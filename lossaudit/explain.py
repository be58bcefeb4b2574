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
