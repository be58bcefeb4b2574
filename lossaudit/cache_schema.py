"""What a cached audit result must look like before it is trusted (a cache file is input too).

`valid_payload(payload, props)` is True only for {"verdicts": {...}, "excluded": [...]}
holding exactly the asked properties, each with an allowed verdict and method,
a one-line printable detail, plain JSON evidence and extras, and, for `fails`,
evidence of the shape that property's counterexamples have (interface.md:
the target and concrete predictions, so the claim re-checks by evaluating the
loss). It checks shape only: a numeric re-check needs the loss (the runner has it).
"""
from __future__ import annotations

import math

METHODS = {"holds": {"proof", "sampled"}, "fails": {"counterexample", "proof"}, "unknown": {"none"},
           "not applicable": {"none"}}
CORE = {"verdict", "method", "detail", "evidence"}
MAX_DETAIL = 4000
MAX_DEPTH = 8
MAX_ITEMS = 10_000

# For each property, the alternative sets of keys a `fails` evidence holds (besides "y_true").
FAILS_EVIDENCE = {
    "convexity": (("chord",),),
    "monotonicity": (("farther", "closer"),),
    "differentiability": (("point", "left_derivative", "right_derivative"),),
    "smoothness": (("point", "left_derivative", "right_derivative"), ("points", "curvatures")),
    "robustness": (("points", "gradients"), ("y_pred", "gradients")),
    "sparsity": (("minimizer", "left_derivative", "right_derivative"), ("minimizer", "points", "values"),
                 ("minimizer", "gradient_norms")),
}
_PREDICTIONS = ("y_true", "point", "farther", "closer", "y_pred")
_SEQUENCES = ("gradients", "curvatures", "gradient_norms")
_DERIVATIVES = ("left_derivative", "right_derivative")
_NON_FINITE = ("inf", "-inf", "nan")


def valid_payload(payload, props) -> bool:
    if not isinstance(payload, dict) or set(payload) != {"verdicts", "excluded"}:
        return False
    verdicts = payload["verdicts"]
    if not isinstance(verdicts, dict) or set(verdicts) != set(props) or not props:
        return False
    return all(valid_verdict(p, v) for p, v in verdicts.items()) and _valid_excluded(payload["excluded"])


def valid_verdict(prop: str, data) -> bool:
    if not isinstance(data, dict) or not CORE <= set(data):
        return False
    verdict, method, detail, evidence = (data[k] for k in ("verdict", "method", "detail", "evidence"))
    if not isinstance(verdict, str) or method not in METHODS.get(verdict, ()):
        return False
    if not _one_line(detail) or not isinstance(evidence, dict) or not _plain(evidence, 0):
        return False
    extras = {k: v for k, v in data.items() if k not in CORE}
    if not all(k.isidentifier() and _plain(v, 1) for k, v in extras.items()):
        return False
    return verdict != "fails" or _fails_evidence(prop, evidence)


def _one_line(text) -> bool:
    return isinstance(text, str) and 0 < len(text) <= MAX_DETAIL and text.isprintable()


def _plain(value, depth: int) -> bool:
    """JSON data of bounded depth: finite numbers, short printable strings, lists, string-keyed dicts."""
    if depth > MAX_DEPTH:
        return False
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    if isinstance(value, str):
        return len(value) <= MAX_DETAIL and value.isprintable()
    if isinstance(value, list):
        return len(value) <= MAX_ITEMS and all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return len(value) <= MAX_ITEMS and all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


# the statistical properties' counterexamples name distributions, not one target (properties/_risk.py)
# (one tuple of keys per evidence shape: calibration's binary one, and the multiclass one along z = a·e_0)
TARGETLESS_EVIDENCE = {"calibration": (("eta", "f", "side"), ("q", "z", "direction", "risk_derivative")),
                       "properness": (("q", "p", "expected"),),
                       "statistic": (("mean", "median", "quantiles", "expectiles"),),
                       "symmetry": (("labels", "a", "b", "sums"),)}


def _fails_evidence(prop: str, evidence: dict) -> bool:
    if prop in TARGETLESS_EVIDENCE:
        return any(all(k in evidence for k in keys) for keys in TARGETLESS_EVIDENCE[prop])
    if not _point(evidence.get("y_true")):
        return False
    shapes = FAILS_EVIDENCE.get(prop)
    if shapes is not None and not any(all(k in evidence for k in keys) for keys in shapes):
        return False
    return _fields_well_formed(evidence)


def _fields_well_formed(evidence: dict) -> bool:
    checks = [_point(evidence[k]) for k in _PREDICTIONS if k in evidence]
    checks += [_numbers(evidence[k]) for k in _SEQUENCES if k in evidence]
    checks += [_number_like(evidence[k]) for k in _DERIVATIVES if k in evidence]
    if "points" in evidence:
        checks.append(isinstance(evidence["points"], list) and bool(evidence["points"])
                      and all(_point(p) for p in evidence["points"]))
    if "chord" in evidence:
        checks.append(_chord(evidence["chord"]))
    return all(checks)


def _chord(chord) -> bool:
    """a, b predictions and t strictly between 0 and 1: L(t·a+(1−t)·b) > t·L(a)+(1−t)·L(b) re-checks."""
    if not isinstance(chord, dict) or not {"a", "b", "t"} <= set(chord):
        return False
    t = chord["t"]
    return _point(chord["a"]) and _point(chord["b"]) and _finite(t) and 0 < t < 1


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number_like(value) -> bool:
    return _finite(value) or value in _NON_FINITE


def _numbers(value) -> bool:
    return isinstance(value, list) and bool(value) and all(_number_like(v) for v in value)


def _point(value) -> bool:
    """A prediction or target: a finite number, or a non-empty list of them (vector kinds)."""
    if isinstance(value, list):
        return bool(value) and all(_finite(v) for v in value)
    return _finite(value)


def _valid_excluded(excluded) -> bool:
    """Targets left out of the audit: [{"y_true": ..., "reason": "..."}, ...]."""
    if not isinstance(excluded, list) or len(excluded) > MAX_ITEMS:
        return False
    return all(isinstance(e, dict) and set(e) == {"y_true", "reason"} and _point(e["y_true"])
               and _one_line(e["reason"]) for e in excluded)
