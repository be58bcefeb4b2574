"""Hostile options: every one is refused up front, with its bounds in the message, before any audit work."""
from __future__ import annotations

import math
import os

import pytest
from typer.testing import CliRunner

import lossaudit
import lossaudit.auditor
from helpers_hostile import assert_refused
from lossaudit import options
from lossaudit.cli import app
from lossaudit.errors import LossAuditError

runner = CliRunner()
EXPR = ["audit", "--expr", "exp(-y_pred*y_true)", "--kind", "margin", "--property", "convexity", "--quiet",
        "--format", "json"]


@pytest.fixture
def no_audit(monkeypatch):
    """Any audit that starts fails the test: the refusal must come before it."""
    def refuse(*args, **kwargs):
        raise AssertionError("the audit ran")
    monkeypatch.setattr(lossaudit.auditor, "audit", refuse)


def invoke(*extra):
    return runner.invoke(app, [*EXPR, *extra])


BAD = [
    ("timeout_nan", ["--timeout", "nan"], ["--timeout", "86400", "nan"]),
    ("timeout_inf", ["--timeout", "inf"], ["--timeout", "86400"]),
    ("timeout_negative", ["--timeout", "-1"], ["--timeout", "above 0"]),
    ("timeout_zero", ["--timeout", "0"], ["--timeout"]),
    ("timeout_1e300", ["--timeout", "1e300"], ["--timeout", "86400"]),
    ("timeout_text", ["--timeout", "soon"], ["--timeout", "'soon'"]),
    ("samples_10_to_the_12", ["--samples", "1000000000000"], ["--samples", "200000", "1000000000000"]),
    ("samples_too_few", ["--samples", "10"], ["samples must be at least 50"]),
    ("samples_fraction", ["--samples", "100.5"], ["--samples", "integer"]),
    ("samples_text", ["--samples", "many"], ["--samples"]),
    ("seed_negative", ["--seed", "-1"], ["--seed", "4294967295"]),
    ("seed_huge", ["--seed", "99999999999999999999"], ["--seed", "4294967295"]),
    ("seed_text", ["--seed", "abc"], ["--seed"]),
    ("classes_text", ["--classes", "abc"], ["--classes", "at least 2", "1000"]),
    ("param_twice", ["--param", "k=1", "--param", "k=2"], ["--param k", "twice"]),
    ("param_not_finite", ["--param", "k=inf"], ["--param k", "finite"]),
    ("param_overflowing", ["--param", "k=1e400"], ["--param k", "finite"]),
    ("param_bad_name", ["--param", "1k=2"], ["--param", "'1k=2'"]),
    ("pred_domain_point", ["--pred-domain", "[1, 1]"], ["--pred-domain", "[1, 1]", "single point"]),
    ("pred_domain_overflow", ["--pred-domain", "(0, 1e400)"], ["--pred-domain", "1e400"]),
    ("target_domain_not_a_label", ["--target-domain", "{5}"], ["--target-domain", "{5}", "margin", "{-1, 1}"]),
    ("target_domain_interval_for_labels", ["--target-domain", "(0, 1)"], ["--target-domain", "margin"]),
]


@pytest.mark.parametrize("extra, needles", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_option_is_refused_before_the_audit(extra, needles, no_audit):
    result = invoke(*extra)
    assert_refused(result, *needles)
    assert result.stdout == ""


@pytest.mark.parametrize("kind, option, text, allowed", [
    ("probability", "--target-domain", "{2}", "[0, 1]"),      # a target the prediction cannot approach
    ("positive", "--target-domain", "[-1, 1]", "[0, inf)"),
    ("probability", "--pred-domain", "(-1, 2)", "(0, 1)"),     # log(y_pred) would leave the reals
    ("positive", "--pred-domain", "[0, 5]", "(0, inf)"),
])
def test_domains_must_fit_the_kind(kind, option, text, allowed, no_audit):
    result = runner.invoke(app, ["audit", "--expr", "y_pred*y_true", "--kind", kind, option, text, "--quiet"])
    assert_refused(result, option, kind, allowed)


def test_a_builtin_loss_kind_bounds_its_target_domain(no_audit):
    result = runner.invoke(app, ["audit", "hinge", "--target-domain", "{5}", "--quiet"])
    assert_refused(result, "{5}", "margin")


def test_classes_out_of_range(no_audit):
    for k in ("1", "1001", "3.5"):
        result = runner.invoke(app, ["audit", "--expr", "logsumexp(y_pred) - sum(y_true*y_pred)", "--kind",
                                     "logits", "--classes", k, "--quiet"])
        assert_refused(result, "--classes", "1000")


def test_an_output_folder_is_refused_before_the_audit(tmp_path, no_audit):
    assert_refused(invoke("--output", str(tmp_path)), "--output", str(tmp_path), "folder")


def test_an_output_in_a_missing_folder_is_refused_before_the_audit(tmp_path, no_audit):
    target = tmp_path / "missing" / "report.json"
    assert_refused(invoke("--output", str(target)), "--output", "cannot write", str(tmp_path / "missing"))
    assert not (tmp_path / "missing").exists()


def test_an_output_that_cannot_be_created_is_refused_before_the_audit(no_audit):
    # /proc takes no new files, even from root
    assert_refused(invoke("--output", "/proc/lossaudit-report.json"), "--output", "cannot write")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_an_output_in_a_read_only_folder_is_refused_before_the_audit(tmp_path, no_audit):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert_refused(invoke("--output", str(folder / "r.json")), "--output", "cannot write")
    finally:
        folder.chmod(0o700)


def test_the_write_probe_leaves_an_existing_report_untouched(tmp_path):
    existing = tmp_path / "old.json"
    existing.write_text("old", encoding="utf-8")
    assert options.output(existing) == existing
    assert existing.read_text(encoding="utf-8") == "old"
    fresh = tmp_path / "new.json"
    assert options.output(fresh) == fresh and not fresh.exists()  # probed, then removed


def test_good_options_still_run():
    result = invoke("--seed", "7", "--samples", "100", "--timeout", "60", "--target-domain", "{-1, 1}")
    assert result.exit_code == 0, result.output
    assert '"seed": 7' in result.stdout


@pytest.mark.parametrize("kwargs, needle", [
    (dict(samples=10 ** 12), "200000"), (dict(timeout=math.nan), "86400"), (dict(timeout=math.inf), "86400"),
    (dict(seed=-1), "4294967295"), (dict(seed=2 ** 70), "4294967295"),
])
def test_the_api_applies_the_same_bounds(kwargs, needle):
    with pytest.raises(LossAuditError) as info:
        lossaudit.audit("huber", properties="convexity", **kwargs)
    assert needle in str(info.value)


@pytest.mark.parametrize("function, value", [
    (options.samples, True), (options.samples, 49), (options.samples, 200_001), (options.seed, 2 ** 32),
    (options.timeout, 86_400.5), (options.timeout, "nan"), (options.classes, 1001), (options.classes, 1),
])
def test_each_bound_is_exclusive_of_the_next_value(function, value):
    with pytest.raises(options.OptionError):
        function(value)


@pytest.mark.parametrize("function, value, expected", [
    (options.samples, "50", 50), (options.samples, 200_000, 200_000), (options.seed, "4294967295", 2 ** 32 - 1),
    (options.timeout, "86400", 86400.0), (options.classes, "1000", 1000), (options.classes, None, None),
])
def test_values_on_the_bounds_are_accepted(function, value, expected):
    assert function(value) == expected


_LARGEST_BUDGET = """
import resource, lossaudit
from lossaudit.options import MAX_SAMPLES
report = lossaudit.audit("abs(y_pred - y_true)", kind="regression", properties="convexity", samples=MAX_SAMPLES)
print(report.results[0].verdicts["convexity"].verdict, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
def test_the_largest_sample_budget_runs_in_bounded_memory():
    # before: --samples 10**12 grew to 7 GB; the bound must keep the worst accepted budget small
    import subprocess
    import sys
    from helpers_hostile import REPO
    proc = subprocess.run([sys.executable, "-c", _LARGEST_BUDGET], capture_output=True, text=True, timeout=1200,
                          env=dict(os.environ, PYTHONPATH=str(REPO), LOSSAUDIT_NO_CACHE="1"))
    verdict, max_rss_kib = proc.stdout.split()
    assert verdict == "holds"  # |y_pred - y_true| is convex: a norm of an affine map
    assert int(max_rss_kib) < 2 * 1024 * 1024  # under 2 GiB
