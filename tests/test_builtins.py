"""Every built-in loss against the hand-derived expected verdicts (tests/data/expected_verdicts.toml),
and every `fails` among them re-checked by evaluation."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from evidence import check_fails
from lossaudit.catalog_loader import load
from lossaudit.verdict import PROPERTIES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXPECTED = tomllib.loads((Path(__file__).parent / "data" / "expected_verdicts.toml").read_text(encoding="utf-8"))
NAMES = [loss.name for loss in load()]
KINDS = {loss.name: loss.kind for loss in load()}


def applicable(name: str) -> list:
    """The properties whose definition applies to the loss's kind, in the registry's order."""
    from lossaudit.properties import spec
    return [p for p in PROPERTIES if spec(p).applies_to(KINDS[name])]


@pytest.fixture(scope="module")
def entries(builtin_report):
    return {e["name"]: e for e in json.loads(builtin_report.to_json())["losses"]}


def test_expected_file_covers_exactly_the_catalog():
    assert sorted(EXPECTED) == sorted(NAMES)
    for name, props in EXPECTED.items():
        assert list(props) == applicable(name), name
        for p, spec in props.items():
            assert spec["verdict"] in ("holds", "fails", "unknown") and spec["why"].strip(), (name, p)


@pytest.mark.parametrize("name", NAMES)
def test_verdicts_match_hand_derivation(name, entries):
    got = entries[name]["properties"]
    for prop, spec in EXPECTED[name].items():
        v = got[prop]
        assert v["verdict"] == spec["verdict"], f"{name}.{prop}: expected {spec['verdict']} ({spec['why']}); " \
                                                f"got {v['verdict']}: {v['detail']}"
        if "grade" in spec:
            assert v.get("grade") == spec["grade"], (name, spec["why"], v)
        if "class" in spec:
            assert v.get("class") == spec["class"], (name, spec["why"], v)
        if "constant" in spec and not v.get("depends_on_target"):
            assert v.get("constant") == pytest.approx(spec["constant"], rel=1e-3), (name, spec["why"], v)
        if "statistic" in spec:
            assert v.get("statistic") == spec["statistic"], (name, spec["why"], v)
    for prop in set(PROPERTIES) - set(EXPECTED[name]):  # outside its definition's kinds
        assert got[prop]["verdict"] == "not applicable", (name, prop, got[prop])


@pytest.mark.parametrize("name", NAMES)
def test_every_fails_rechecks(name, entries):
    entry = entries[name]
    for prop, v in entry["properties"].items():
        if v["verdict"] == "fails":
            assert v["method"] == "counterexample"
            check_fails(entry, prop, v)


@pytest.mark.parametrize("name", NAMES)
def test_no_unknown_without_a_reason(name, entries):
    for v in entries[name]["properties"].values():
        if v["verdict"] == "unknown":
            assert v["method"] == "none" and len(v["detail"]) > 20


def test_metrics_say_whether_they_can_train(entries):
    metrics = [e for e in entries.values() if e["role"] == "metric"]
    assert metrics
    for e in metrics:
        assert e["training_use"].split(":")[0] in ("no", "yes", "only with subgradients"), e["name"]
    assert entries["accuracy"]["training_use"].startswith("no:")
