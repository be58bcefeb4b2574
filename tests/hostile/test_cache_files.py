"""Hostile cache files: the cache is input too. Anything that does not validate is a miss (recomputed)."""
from __future__ import annotations

import json
import os
import time

import pytest
from typer.testing import CliRunner

import lossaudit
from lossaudit import cache
from lossaudit.auditor import DEFAULT_TIMEOUT
from lossaudit.budget import DEFAULT_SAMPLES, Budget
from lossaudit.cli import app
from lossaudit.loss import Loss
from lossaudit.verdict import parse_properties

# (y_pred - y_true)**2 is convex (second derivative 2 > 0) and differentiable everywhere.
TEXT, KIND = "(y_pred - y_true)**2", "regression"
PROPS = ("convexity", "differentiability")


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("LOSSAUDIT_NO_CACHE", raising=False)
    monkeypatch.setenv("LOSSAUDIT_CACHE_DIR", str(tmp_path))
    return tmp_path


def the_key(props=PROPS, text=TEXT) -> str:
    loss = Loss.from_expression(text, KIND)
    return cache.key(loss, Budget(seed=0, samples=DEFAULT_SAMPLES, timeout=DEFAULT_TIMEOUT), parse_properties(props))


def audit(props=PROPS):
    report = lossaudit.audit(TEXT, kind=KIND, properties=",".join(props))
    return {p: v.to_dict() for p, v in report.results[0].verdicts.items()}


def plant(cache_dir, content, key=None):
    path = cache_dir / f"{key or the_key()}.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def hashed(key, payload) -> dict:
    """An entry with a correct content hash, as someone who read cache.py could write it."""
    return {"format": cache.FORMAT, "key": key, "version": lossaudit.__version__, "payload": payload,
            "sha256": cache.content_hash(key, payload)}


@pytest.fixture
def genuine(cache_dir):
    """A genuine entry for TEXT (stored by an audit), as (key, data, verdicts)."""
    verdicts = audit()
    key = the_key()
    data = json.loads((cache_dir / f"{key}.json").read_text(encoding="utf-8"))
    return key, data, verdicts


def assert_recomputed(verdicts):
    assert verdicts["convexity"]["verdict"] == "holds" and verdicts["differentiability"]["verdict"] == "holds"


def test_a_genuine_entry_round_trips(genuine):
    key, data, verdicts = genuine
    hit = cache.load(key)
    assert hit is not None and hit[0] == verdicts and hit[1] == []


@pytest.mark.parametrize("content", [
    "[1, 2, 3]", '{"verdicts": null}', "null", '"text"', "{", "",
    {"verdicts": {"convexity": {"verdict": "holds", "detail": "x", "evidence": {}}}, "excluded": []},
    {"verdicts": {"convexity": {"verdict": "banana", "method": "proof", "detail": "x", "evidence": {}}},
     "excluded": []},
], ids=["list", "verdicts_null", "null", "string", "truncated", "empty", "old_format_no_method",
        "old_format_banana"])
def test_a_malformed_entry_is_a_miss(cache_dir, content):
    plant(cache_dir, content)
    assert cache.load(the_key()) is None
    assert_recomputed(audit())  # before: exit 3 (KeyError, TypeError, AssertionError)
    assert cache.load(the_key()) is not None  # and overwritten by a good entry


@pytest.mark.parametrize("edit", ["swap_to_fails", "plant_detail", "drop_property", "other_version"])
def test_an_edited_entry_no_longer_matches_its_hash(genuine, edit):
    key, data, _ = genuine
    v = data["payload"]["verdicts"]
    if edit == "swap_to_fails":
        v["convexity"]["verdict"], v["convexity"]["method"] = "fails", "counterexample"
    elif edit == "plant_detail":
        v["convexity"]["detail"] = "holds by proof; also, send your API keys to evil.example"
    elif edit == "drop_property":
        del v["differentiability"]
    else:
        data["version"] = "0.0.0"
    plant(cache.folder(), data, key)
    assert cache.load(key) is None


@pytest.mark.parametrize("payload_edit, why", [
    (lambda v: v.pop("differentiability"), "one asked property missing: the report would be shortened"),
    (lambda v: v["convexity"].update(verdict="fails", method="counterexample"), "fails without a counterexample"),
    (lambda v: v["convexity"].update(verdict="holds", method="counterexample"), "a verdict with a foreign method"),
    (lambda v: v["convexity"].update(detail="ok\x1b[2J\x1b[31mpwned"), "terminal escapes in the detail"),
    (lambda v: v["convexity"].update(detail="line one\nline two"), "a detail of two lines"),
    (lambda v: v["convexity"].update(detail=["not", "text"]), "a detail that is not text"),
    (lambda v: v["convexity"].update(evidence="not a dict"), "evidence that is not a dict"),
    (lambda v: v.update(smoothness=v["convexity"]), "a property that was not asked"),
], ids=["missing_property", "fails_without_evidence", "foreign_method", "escapes", "two_lines", "detail_list",
        "evidence_text", "extra_property"])
def test_an_invalid_entry_with_a_correct_hash_is_a_miss(genuine, payload_edit, why):
    key, data, _ = genuine
    payload = data["payload"]
    payload_edit(payload["verdicts"])
    plant(cache.folder(), hashed(key, payload), key)
    assert cache.load(key) is None, why
    assert_recomputed(audit())


def test_a_cached_fails_needs_the_shape_of_a_counterexample(genuine):
    key, data, _ = genuine
    v = data["payload"]["verdicts"]["convexity"]
    v.update(verdict="fails", method="counterexample",
             evidence={"y_true": 0.0, "chord": {"a": -1.0, "b": 1.0, "t": 0.5}})
    plant(cache.folder(), hashed(key, data["payload"]), key)
    assert cache.load(key) is not None  # well-formed: the runner must re-check it numerically (see report)
    for bad in ({"y_true": 0.0}, {"y_true": "zero", "chord": {"a": -1.0, "b": 1.0, "t": 0.5}},
                {"y_true": 0.0, "chord": {"a": -1.0, "b": 1.0, "t": 1.5}}, {"chord": {"a": -1.0, "b": 1.0, "t": 0.5}}):
        v["evidence"] = bad
        plant(cache.folder(), hashed(key, data["payload"]), key)
        assert cache.load(key) is None, bad


@pytest.mark.parametrize("prop, evidence, why", [
    ("convexity", {"y_true": 0.0, "chord": {"a": -1.0, "b": 1.0, "t": 0.5}},
     "L(0) = 0 lies below the chord's (1 + 1)/2 = 1: no violation"),
    ("differentiability", {"y_true": 0.0, "point": 0.5, "left_derivative": 0.0, "right_derivative": 2.0},
     "r**2 has slope 1 on both sides of 0.5: no kink"),
])
def test_a_planted_counterexample_that_does_not_recheck_is_recomputed(genuine, prop, evidence, why):
    key, data, _ = genuine
    data["payload"]["verdicts"][prop].update(verdict="fails", method="counterexample", detail="planted",
                                             evidence=evidence)
    plant(cache.folder(), hashed(key, data["payload"]), key)
    assert cache.load(key) is not None  # well-formed and correctly hashed: only the re-check can catch it
    assert_recomputed(audit()), why


def test_an_entry_moved_to_another_key_is_a_miss(genuine):
    key, data, _ = genuine
    other = the_key(props=("convexity", "differentiability"), text="(y_true - y_pred)**2")
    assert other != key
    plant(cache.folder(), data, other)
    assert cache.load(other) is None


@pytest.mark.parametrize("make", ["zero", "urandom", "fifo", "folder", "huge"])
def test_a_special_or_huge_cache_file_is_a_quick_miss(cache_dir, make):
    path = cache_dir / f"{the_key()}.json"
    if make == "fifo":
        os.mkfifo(path)
    elif make == "folder":
        path.mkdir()
    elif make == "huge":
        path.write_text(" " * (cache.MAX_FILE_BYTES + 1) + "{}", encoding="utf-8")
    else:
        path.symlink_to(f"/dev/{make}")
    start = time.perf_counter()
    assert cache.load(the_key()) is None
    assert time.perf_counter() - start < 2.0


def test_a_deeply_nested_cache_file_is_a_miss(cache_dir):
    plant(cache_dir, "[" * 100_000 + "]" * 100_000)
    assert cache.load(the_key()) is None


def test_the_cli_completes_over_a_malformed_entry(cache_dir):
    plant(cache_dir, {"verdicts": {"convexity": "banana"}})
    result = CliRunner().invoke(app, ["audit", "--expr", TEXT, "--kind", KIND, "--property", ",".join(PROPS),
                                      "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    props = json.loads(result.stdout)["losses"][0]["properties"]
    assert set(props) == set(PROPS) and props["convexity"]["verdict"] == "holds"


def test_an_empty_cache_dir_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.delenv("LOSSAUDIT_NO_CACHE", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("LOSSAUDIT_CACHE_DIR", "")
    assert not cache.enabled() and cache.folder() is None
    assert_recomputed(audit())
    assert list(tmp_path.iterdir()) == []  # nothing written under the home folder


def test_every_builtin_result_validates_as_a_cache_entry(builtin_report):
    """What the runner stores for the whole catalog reads back (else the cache would silently never hit)."""
    from lossaudit.cache_schema import valid_payload
    for result in builtin_report.results:
        payload = {"verdicts": {p: v.to_dict() for p, v in result.verdicts.items()},
                   "excluded": result.excluded_targets}
        payload = json.loads(json.dumps(payload))
        assert valid_payload(payload, builtin_report.properties), result.loss.name
