"""Verdicts do not depend on the machine's speed: deterministic budgets decide, time limits are nets.

A machine k times slower is simulated by `timeouts.slower_machine(k)` (every net k times shorter);
a loaded machine by busy processes (the nets count active time, not time spent waiting for a CPU).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import sympy as sp

import lossaudit
from lossaudit import timeouts
from lossaudit.budget import Budget, current_meter
from lossaudit.symbolic import X, guarded
from lossaudit.symbolic.core import input_size, tree_size

EXPECTED = tomllib.loads((Path(__file__).parent / "data" / "expected_verdicts.toml").read_text())


def test_a_large_expression_is_refused_by_the_size_gate_before_sympy_sees_it():
    # sum of X**k, k = 2..401: the Add, then Pow(X, k) = 3 nodes each: 1 + 3*400 = 1201 nodes > 1000
    big = sp.Add(*[X ** k for k in range(2, 402)])
    assert tree_size(big) == 1201
    called = []
    with Budget().metered() as meter:
        assert guarded(10.0, lambda: called.append(big), default="refused") == "refused"
    assert called == []
    assert meter.refused == "the expression is too large for the exact analysis (1201 nodes > 1000)"


def test_the_size_counts_what_a_closure_holds_and_shared_subtrees_at_each_place():
    class Piece:
        expr = sp.exp(X) + 1         # Add(exp(X), 1): 1 + 2 + 1 = 4 nodes
    piece = Piece()
    shared = sp.exp(X)               # 2 nodes, twice in the product below: 1 + 2 + 2 = 5
    assert input_size(lambda: (piece.expr, shared * sp.exp(X) ** 1)) == 4 + 2
    assert tree_size(sp.Mul(shared, sp.exp(X) ** 2, evaluate=False)) == 1 + 2 + (1 + 2 + 1)


def test_the_step_cap_refuses_the_later_steps_of_a_property():
    with Budget(max_steps=3).metered() as meter:
        results = [guarded(10.0, lambda: "ran", default="refused") for _ in range(5)]
    assert results == ["ran"] * 3 + ["refused"] * 2  # 3 steps allowed, the 4th and 5th refused
    assert meter.refused == "the exact analysis needs more than 3 symbolic steps"
    assert current_meter() is not meter


def test_sleeping_counts_as_active_time():
    start = time.monotonic()
    with pytest.raises(timeouts.SymbolicTimeout):
        with timeouts.deadline(0.3):
            time.sleep(5)  # a callable that waits is stopped like one that computes
    assert time.monotonic() - start < 3


@pytest.mark.skipif(timeouts._schedstat_active() is None, reason="needs Linux schedstat")
def test_waiting_for_a_cpu_does_not_count():
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(3)]
    try:
        time.sleep(0.2)
        before = time.thread_time()
        with timeouts.deadline(1.2):  # 0.8 s of work: never reaches 1.2 s of active time
            while time.thread_time() - before < 0.8:
                pass
    finally:
        for p in busy:
            p.kill()
            p.wait()


# Three new losses of the class "the answer must not depend on the machine": each needs more exact
# work than the budget allows, and the refusal (not a clock) decides what the verdict says.
BIG = {
    # a sum of 100 kinks |r - k|: 100 breakpoints; convex (a sum of norms of affine maps)
    "kinks": ("+".join(f"abs(y_pred-y_true-{k})" for k in range(1, 101)), "convexity", "holds"),
    # a sum of 60 bumps exp(-(r - k)^2): smooth, L'' bounded by 60 * 2 = 120 (|d2 exp(-u^2)| <= 2)
    "bumps": ("+".join(f"exp(-(y_pred-y_true-{k})**2)" for k in range(1, 61)), "smoothness", "holds"),
    # a sum of 40 rational terms 1/(1 + (r - k)^2): bounded, so its gradient -> 0 (robust)
    "bells": ("+".join(f"1/(1+(y_pred-y_true-{k})**2)" for k in range(1, 41)), "robustness", "holds"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(BIG))
def test_a_refused_exact_analysis_says_so_the_same_way_on_a_slower_machine(name):
    text, prop, expected = BIG[name]
    budget = dict(properties=prop, samples=300)
    normal = lossaudit.audit(text, kind="regression", **budget).results[0].verdicts[prop]
    with timeouts.slower_machine(8):
        slow = lossaudit.audit(text, kind="regression", **budget).results[0].verdicts[prop]
    assert normal.verdict == expected
    assert slow.to_dict() == normal.to_dict()
    assert "safety-net" not in normal.detail and "timed out" not in normal.detail


SUBSET = {"huber": "convexity,differentiability,smoothness", "hinge": "differentiability,sparsity",
          "cauchy": "convexity,robustness", "log_cosh": "smoothness,monotonicity"}


@pytest.mark.parametrize("name", sorted(SUBSET))
def test_built_ins_give_the_same_bytes_on_a_machine_eight_times_slower(name):
    normal = lossaudit.audit(name, properties=SUBSET[name])
    with timeouts.slower_machine(8):
        slow = lossaudit.audit(name, properties=SUBSET[name])
    assert slow.to_json() == normal.to_json()
    for prop, v in normal.results[0].verdicts.items():
        assert v.verdict == EXPECTED[name][prop]["verdict"], (prop, EXPECTED[name][prop]["why"])


def test_a_fired_net_is_told_apart_and_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LOSSAUDIT_NO_CACHE", raising=False)
    with timeouts.slower_machine(1e6):  # every net, the property's too, runs out at once
        report = lossaudit.audit("log(cosh(y_pred - y_true))", kind="regression", properties="smoothness")
    v = report.results[0].verdicts["smoothness"]
    assert v.verdict == "unknown" and v.detail.startswith("timed out after 90 s")  # a timing, said as one
    assert list(tmp_path.glob("*.json")) == []
    assert os.environ["LOSSAUDIT_CACHE_DIR"] == str(tmp_path)
