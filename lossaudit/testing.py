"""For a library's own tests: assert the properties its losses claim.

    from lossaudit.testing import assert_properties

    def test_my_hinge_is_convex_and_robust():
        assert_properties(my_hinge, kind="margin", convexity=True, robustness=True, differentiability=False)

Each claimed property is audited; a verdict that disagrees raises AssertionError
with the verdict's sentence and its counterexample or proof, and so does one
that cannot be decided unless `allow_undecided=True`.
"""
from __future__ import annotations

import json

from .claims import CONFIRMED, UNDECIDED, judge


def assert_properties(loss, kind: str | None = None, *, params: dict | None = None, classes: int | None = None,
                      seed: int = 0, samples: int | None = None, allow_undecided: bool = False,
                      **claimed: bool) -> None:
    """Raise AssertionError unless every claimed property (convexity=True, smoothness=False, ...) is confirmed.

    `loss` is what `lossaudit.audit` takes: a built-in name, an expression (with `kind`), a callable
    f(y_pred, y_true) over numpy arrays, or "module:func"."""
    from .api import audit
    from .verdict import parse_properties
    if not claimed:
        raise TypeError("assert_properties needs at least one claim, e.g. convexity=True")
    props = parse_properties(tuple(claimed))  # an unknown property name is an error, with a suggestion
    for prop in props:
        if not isinstance(claimed[prop], bool):
            raise TypeError(f"{prop}= must be True or False; {claimed[prop]!r} was given")
    report = audit(loss, kind=kind, params=params, classes=classes, seed=seed, samples=samples, properties=props)
    result = report.results[0]
    problems = [_problem(result.name, p, claimed[p], result.verdicts[p], allow_undecided) for p in props]
    problems = [p for p in problems if p]
    if problems:
        raise AssertionError("\n".join(problems))


def _problem(name: str, prop: str, claimed: bool, verdict, allow_undecided: bool) -> str | None:
    outcome = judge(claimed, verdict)
    if outcome == CONFIRMED or (outcome == UNDECIDED and allow_undecided):
        return None
    said = "holds" if claimed else "fails"
    head = (f"{name}: {prop} could not be decided (claimed: it {said})" if outcome == UNDECIDED
            else f"{name}: {prop} was claimed to {'hold' if claimed else 'fail'}, but it {verdict.verdict}")
    evidence = f"\n    evidence: {json.dumps(verdict.evidence, ensure_ascii=False)}" if verdict.evidence else ""
    return f"{head} ({verdict.method}): {verdict.detail}{evidence}"
