"""Sampling is seeded: the same seed gives byte-identical output; verdicts do not depend on the seed."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

import lossaudit

SUBSET = ["huber", "cauchy", "hinge", "ramp", "tangent", "binary_cross_entropy", "sqrt_abs", "quantile",
          "softmax_cross_entropy", "soft_dice", "kl_divergence", "multiclass_hinge_cs"]


def run_json(*args, seed=0):
    env = {**os.environ, "LOSSAUDIT_NO_CACHE": "1"}  # compute afresh, twice
    proc = subprocess.run([sys.executable, "-m", "lossaudit", "audit", *args, "--format", "json", "--quiet",
                           "--seed", str(seed)], capture_output=True, text=True, env=env, check=True)
    return proc.stdout


def test_same_seed_gives_byte_identical_json():
    args = ["huber", "tangent", "soft_dice", "multiclass_hinge_cs"]
    assert run_json(*args, seed=3) == run_json(*args, seed=3)


def verdict_table(report):
    return {(r.name, p): v.verdict for r in report.results for p, v in r.verdicts.items()}


@pytest.mark.parametrize("seed", [1, 7, 19])
def test_verdicts_do_not_change_across_seeds_subset(seed):
    base = verdict_table(lossaudit.audit(SUBSET, seed=0))
    assert verdict_table(lossaudit.audit(SUBSET, seed=seed)) == base


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 20))
def test_verdicts_do_not_change_across_seeds_all(seed, builtin_report):
    assert verdict_table(lossaudit.audit(seed=seed)) == verdict_table(builtin_report)
