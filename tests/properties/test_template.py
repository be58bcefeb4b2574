"""The decision template and the shared search helpers, on stand-ins (no loss needed)."""
from __future__ import annotations

import types

from lossaudit.properties import _search, _template
from lossaudit.verdict import FAILS, HOLDS, Verdict


class Ctx:
    """A stand-in for analysis.Context: only what the proof step asks."""

    def __init__(self, covers=True, cases=("a", "b"), vector=False, expression=True):
        self._memo = {}
        self._covers, self._cases = covers, list(cases)
        self.vector, self.has_expression = vector, expression

    def once(self, fn, *args):
        key = (fn, args)
        if key not in self._memo:
            self._memo[key] = fn(self, *args)
        return self._memo[key]

    def covers_every_target(self):
        return self._covers

    def proof_cases(self):
        return self._cases


def test_a_proof_needs_every_case():
    seen = []
    parts = _template.proof(Ctx(), "p", lambda ctx, case: seen.append(case) or case.upper())
    assert parts == ["A", "B"] and seen == ["a", "b"]
    # the second case cannot be told: no proof, and the loop stops there
    assert _template.proof(Ctx(), "q", lambda ctx, case: None if case == "b" else True) is None


def test_the_soundness_guard_is_applied_once_here():
    called = []
    assert _template.proof(Ctx(covers=False), "p", lambda ctx, case: called.append(case) or True) is None
    assert called == []     # cases that do not stand for every target are never tried


def test_a_verdict_found_while_proving_ends_the_decision():
    found = Verdict("p", FAILS, "counterexample", "found while proving")
    assert _template.proof(Ctx(), "p", lambda ctx, case: found) is found


def test_vector_kinds_use_the_whole_loss_proof():
    assert _template.proof(Ctx(vector=True), "p", None, lambda ctx: ["whole"]) == ["whole"]
    assert _template.proof(Ctx(vector=True), "p", lambda ctx, case: True) is None      # no per-case proof
    assert _template.proof(Ctx(vector=True, expression=False), "p", None, lambda ctx: ["x"]) is None


def test_proofs_are_memoised_per_context():
    ctx, calls = Ctx(cases=("a",)), []
    prove = lambda c, case: calls.append(case) or True  # noqa: E731
    assert _template.proof(ctx, "p", prove) == _template.proof(ctx, "p", prove) == [True]
    assert calls == ["a"]


def test_simplest_shrunk_witness_wins():
    # candidates shrink to themselves; 3.7 breaks the property but 2 is simpler and breaks it too
    best = _search.simplest([(3.7,), (2.0,), (1.5,)], lambda x: (x,), lambda x: x > 1.9)
    assert best == (2.0,)
    assert _search.simplest([(1.0,)], lambda x: (x,), lambda x: False) is None


def test_clearest_and_add_new():
    import numpy as np
    idx, rel = np.array([4, 7, 9]), np.array([0.1, 0.5, 0.3])
    assert _search.clearest(idx, rel, top=2) == [7, 9]           # largest relative violation first
    assert _search.add_new([7, 9], [9, 4]) == [7, 9, 4]


def test_first_witness_stops_at_the_first_target():
    ctx = types.SimpleNamespace(targets=[0.0, 1.0, 2.0])
    assert _search.first_witness(ctx, lambda y: "w" if y >= 1 else None) == (1.0, "w")
    assert _search.first_witness(ctx, lambda y: None) is None


def test_sampled_is_the_fallback(monkeypatch):
    spec = types.SimpleNamespace(name="p", title="P", applies_to=lambda kind: True)
    holds = Verdict("p", HOLDS, "sampled", "fine")
    module = types.SimpleNamespace(SPEC=spec, search=lambda ctx: None, sampled=lambda ctx, state: holds)
    loss = types.SimpleNamespace(kind=types.SimpleNamespace(name="regression"))
    monkeypatch.setattr(_template, "build_context", lambda loss, budget: Ctx(covers=False))
    assert _template.run(module, loss, None) is holds
