"""Small synthetic losses decided one property at a time, straight through the property modules."""
from __future__ import annotations

from functools import lru_cache

import pytest

from lossaudit import properties
from lossaudit.budget import Budget
from lossaudit.loss import Loss

# generous symbolic step limits: a loaded machine must not turn a proof into "sampled"
BUDGET = Budget(samples=400, symbolic_seconds=30.0, timeout=300.0)


@lru_cache(maxsize=None)
def synthetic(text: str, kind: str = "regression") -> Loss:
    """One Loss per expression, shared by the tests (its analysis context is cached with it)."""
    return Loss.from_expression(text, kind, name="synthetic")


@pytest.fixture
def decide():
    def run(prop: str, text: str, kind: str = "regression"):
        return properties.decide(prop, synthetic(text, kind), BUDGET)
    return run
