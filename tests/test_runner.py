"""runner and workers: typed messages, isolation of each loss, and what the cache may keep."""
from __future__ import annotations

import inspect
import os
import pickle
import time
from dataclasses import dataclass

import pytest

import lossaudit
from lossaudit import properties
from lossaudit.budget import Budget
from lossaudit.errors import CatalogError, ExpressionError, LossError
from lossaudit.runner import run
from lossaudit.sources import resolve
from lossaudit.timeouts import PropertyTimeout
from lossaudit.verdict import unknown
from lossaudit.workers import DIED, Failed, LossDone, PropertyDone, run_forked


@dataclass
class Fake:
    name: str


PROPS = ("convexity", "sparsity")


def works(loss, send):
    send(PropertyDone(unknown("convexity", "first")))
    if loss.name == "hangs":
        time.sleep(60)
    if loss.name == "dies":
        os._exit(1)
    if loss.name == "bad":
        raise LossError("bad input found in the worker")
    return LossDone({p: unknown(p, f"{loss.name} done") for p in PROPS}, notes=[loss.name])


def test_workers_report_in_order_whatever_finishes_first():
    losses = [Fake("hangs"), Fake("a"), Fake("dies")]
    done = run_forked(losses, PROPS, works, workers=3, limits=[2.0, 30.0, 30.0])
    hung, a, died = done
    assert a.notes == ["a"] and not a.timed_out and not a.crashed
    # the hung one kept the verdict it sent before hanging; the rest timed out (the runner knows: not from text)
    assert hung.verdicts["convexity"].detail == "first" and hung.timed_out == {"sparsity"}
    assert died.crashed and died.verdicts["sparsity"].detail == DIED


def test_bad_input_found_in_a_worker_stops_the_audit_with_its_error():
    with pytest.raises(LossError, match="found in the worker"):
        run_forked([Fake("a"), Fake("bad")], PROPS, works, workers=1, limits=[30.0, 30.0])


@pytest.mark.parametrize("error", [
    CatalogError("not valid TOML", file="x.toml", entry="huber", field="text"),
    ExpressionError("unexpected character", text="y_pred $", column=8, token="$"),
])
def test_errors_cross_processes_with_their_fields(error):
    back = pickle.loads(pickle.dumps(Failed(error))).error
    assert type(back) is type(error) and str(back) == str(error) and back.__dict__ == error.__dict__


def test_a_timed_out_property_is_not_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("LOSSAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LOSSAUDIT_NO_CACHE", raising=False)
    real = properties.decide

    def slow_sparsity(prop, loss, budget):
        if prop == "sparsity":
            raise PropertyTimeout("time limit reached")
        return real(prop, loss, budget)

    losses = resolve("abs(y_pred - y_true)", kind="regression")
    monkeypatch.setattr(properties, "decide", slow_sparsity)
    (result,) = run(losses, PROPS, Budget(), workers=1)  # one expression: serial, in this process
    assert "timed out" in result["sparsity"].detail
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(properties, "decide", real)
    run(losses, PROPS, Budget(), workers=1)
    assert len(list(tmp_path.glob("*.json"))) == 1


def test_an_unknown_from_a_deterministic_budget_is_cached_and_reused(tmp_path, monkeypatch):
    # a refusal by the budget (a size or a step count) is the same on every machine: a repeated audit
    # may reuse it; only a timing (above) is not kept
    from lossaudit.budget import current_meter
    monkeypatch.setenv("LOSSAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LOSSAUDIT_NO_CACHE", raising=False)
    calls = []

    def refused(prop, loss, budget):
        calls.append(prop)
        current_meter().refuse("the expression is too large for the exact analysis (1001 nodes > 1000)")
        return unknown(prop, "could not decide")

    losses = resolve("abs(y_pred - y_true)", kind="regression")
    monkeypatch.setattr(properties, "decide", refused)
    (first,) = run(losses, PROPS, Budget(), workers=1)
    assert calls == list(PROPS) and len(list(tmp_path.glob("*.json"))) == 1
    assert "too large for the exact analysis" in first["sparsity"].detail
    (again,) = run(losses, PROPS, Budget(), workers=1)
    assert calls == list(PROPS)  # the second audit decided nothing: every verdict came from the cache
    assert {p: v.to_dict() for p, v in again.verdicts.items()} == {p: v.to_dict() for p, v in first.verdicts.items()}


def test_the_facade_has_a_real_signature():
    names = list(inspect.signature(lossaudit.audit).parameters)
    assert names == ["target", "kind", "properties", "seed", "samples", "params", "pred_domain", "target_domain",
                     "classes", "require", "timeout", "name", "workers", "progress", "expression",
                     "link", "through"]  # the links issue: audit in the raw output, and the natural link's view
    from lossaudit.auditor import audit  # the old home still works
    assert audit is lossaudit.audit


def test_progress_reports_each_property_to_callbacks_that_take_detail(monkeypatch):
    from lossaudit.api import audit
    monkeypatch.setenv("LOSSAUDIT_NO_CACHE", "1")  # a cached loss is reported once, with nothing to decide
    calls, plain = [], []

    def with_detail(done, total, name, detail=None):
        calls.append((done, total, detail))

    audit("3.25*abs(y_pred - y_true)", kind="regression", properties="convexity,smoothness", progress=with_detail)
    # one loss, two properties: "1/2" and "2/2" while it is audited, then the loss done
    assert calls == [(0, 1, "1/2 properties"), (0, 1, "2/2 properties"), (1, 1, None)]
    audit("3.25*abs(y_pred - y_true) + 1", kind="regression", properties="convexity",
          progress=lambda d, t, n: plain.append(d))
    assert plain == [1]  # a callback without detail= is called once per loss, as before
