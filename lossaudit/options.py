"""Options, validated up front: every bound stated in the message, before any audit work starts.

Each function takes what a user typed (text from the command line, or a value
from the Python API), returns the validated value, and raises OptionError (a
LossAuditError: exit status 2, one paragraph) naming the option and its bounds.
`option` is the name shown in the message: "--samples" on the command line,
"samples" from the API.
"""
from __future__ import annotations

import math
import os
import re
from pathlib import Path

from .errors import LossAuditError

MIN_SAMPLES, MAX_SAMPLES = 50, 200_000
MAX_TIMEOUT = 86_400.0          # one day per property
MAX_SEED = 2 ** 32 - 1
MAX_WORK_LIMIT = 10 ** 9         # a deterministic limit of the budget (nodes, steps)
MIN_CLASSES, MAX_CLASSES = 2, 1000  # Loss refuses other K too (loss.MAX_CLASSES); here the message comes first
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LITERAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class OptionError(LossAuditError, ValueError):
    """An option outside its bounds (the message names the option, the bounds and the value given).

    Also a ValueError, which is what Budget raised for bad values before these checks existed."""


def _integer(value, option: str, noun: str, lo: int, hi: int) -> int:
    bounds = f"{option}: {noun} must be at least {lo} and at most {hi} (an integer)"
    if isinstance(value, bool):
        raise OptionError(f"{bounds}; {value!r} was given")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,30}\s*", value):
        value = int(value)
    if not isinstance(value, int) or not lo <= value <= hi:
        raise OptionError(f"{bounds}; {_shown(value)} was given")
    return value


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def samples(value, option: str = "--samples") -> int:
    """Sample points per property and target: an integer in [MIN_SAMPLES, MAX_SAMPLES]."""
    return _integer(value, option, "samples", MIN_SAMPLES, MAX_SAMPLES)


def seed(value, option: str = "--seed") -> int:
    """The sampling seed: an integer in [0, 2**32 - 1]."""
    return _integer(value, option, "the seed", 0, MAX_SEED)


def work_limit(value, option: str) -> int:
    """A deterministic limit of the budget (tree nodes, symbolic steps): an integer in [1, MAX_WORK_LIMIT]."""
    return _integer(value, option, "the limit", 1, MAX_WORK_LIMIT)


def classes(value, option: str = "--classes") -> int | None:
    """K for vector kinds: None (the default) or an integer in [MIN_CLASSES, MAX_CLASSES]."""
    return None if value is None else _integer(value, option, "classes (K)", MIN_CLASSES, MAX_CLASSES)


def timeout(value, option: str = "--timeout") -> float:
    """Seconds per property: a finite number in (0, MAX_TIMEOUT]."""
    bounds = f"{option}: the timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT:g}"
    try:
        seconds = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError, OverflowError):
        seconds = math.nan
    if not (0 < seconds <= MAX_TIMEOUT):  # also false for NaN
        raise OptionError(f"{bounds}; {_shown(value)} was given")
    return seconds


def params(items, option: str = "--param") -> dict:
    """["k=v", ...] -> {k: v}: names are identifiers, values finite numbers, no name twice."""
    out: dict = {}
    for item in items or []:
        key, sep, value = str(item).partition("=")
        key = key.strip()
        if not sep or not _PARAM_NAME.fullmatch(key):
            raise OptionError(f"{option} takes k=v with k a name, e.g. {option} delta=2; {_shown(item)} was given")
        if key in out:
            raise OptionError(f"{option} {key} is given twice; give each parameter once")
        out[key] = _finite(value, f"{option} {key}")
    return out


def _finite(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise OptionError(f"{what} must be a number; {_shown(value)} was given") from None
    if not math.isfinite(number) or (isinstance(value, str) and _overflows(value)):
        raise OptionError(f"{what} must be a finite number; {_shown(value)} was given")
    return number


def _overflows(text: str) -> bool:
    """Whether a literal in `text` is a finite-looking number that float() turns into ±inf (1e400)."""
    return any(math.isinf(float(m.group(0))) for m in _LITERAL.finditer(text))


# ---------------------------------------------------------------------------
# Domains

def domain(text: str | None, option: str, kind=None):
    """Parse --pred-domain / --target-domain text and check that it fits `kind` (a Kind or its name)."""
    if text is None:
        return None
    from .kinds import parse_domain
    if not isinstance(text, str):
        raise OptionError(f"{option} must be text such as \"(0, inf)\"; {_shown(text)} was given")
    if _overflows(text):
        raise OptionError(f"{option}: a number in {text!r} is beyond the floating-point range (about 1.8e308); "
                          "write inf for an unbounded end")
    try:
        parsed = parse_domain(text)
    except LossAuditError as exc:
        raise OptionError(f"{option}: {exc}") from None
    return fit_domain(parsed, option, kind)


def fit_domain(dom, option: str, kind=None, pred_domain=None):
    """Refuse a domain the kind cannot have: a prediction domain is an interval with room inside it,
    within the kind's; a target domain lies within the kind's targets (margin labels are -1 and 1) or,
    for kinds whose ideal prediction is the target, within reach of the predictions."""
    from .kinds import Interval, get_kind, within
    if dom is None:
        return None
    predictions = "pred" in option
    if predictions and isinstance(dom, Interval) and not dom.lo < dom.hi:
        raise OptionError(f"{option} {dom} is a single point; a prediction domain needs an interval with "
                          "lo < hi")
    if kind is None:
        return dom
    kind = get_kind(kind) if isinstance(kind, str) else kind
    allowed = kind.override_bounds(predictions, pred_domain)
    if allowed is not None and not within(dom, allowed):
        what = "predictions" if predictions else "targets"
        raise OptionError(f"{option} {dom} does not lie within the {what} of the {kind.name} kind, {allowed}")
    return dom


# ---------------------------------------------------------------------------
# Output file and expression text

def output(path, option: str = "--output") -> Path | None:
    """A report file that can be written: not a folder, its folder exists, and we may create or write it.

    Probed now (a file created and removed, or an existing file opened for appending, which changes
    nothing), so an audit never runs only to fail at the end.
    """
    if path is None:
        return None
    path = Path(path)
    if path.is_dir():
        raise OptionError(f"{option}: cannot write the report to {path}: it is a folder; give a file name")
    if not path.parent.is_dir():
        raise OptionError(f"{option}: cannot write the report to {path}: the folder {path.parent} does not exist")
    try:
        _probe_write(path)
    except OSError as exc:
        raise OptionError(f"{option}: cannot write the report to {path}: {exc.strerror or exc}") from None
    return path


def _probe_write(path: Path) -> None:
    if path.exists():
        with open(path, "a", encoding="utf-8"):
            return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(fd)
    os.unlink(path)


def expression(text: str, params=(), vector: bool = False) -> None:
    """Check an expression's syntax tree without importing sympy (a refusal is quick)."""
    from .syntax import check
    check(text, params=params, vector=vector)


# ---------------------------------------------------------------------------
# The command line's options, all at once

def audit_options(names, expr, kind, typed: dict) -> dict:
    """`lossaudit audit`'s options as typed (`typed`: param, seed, samples, classes, timeout, pred_domain,
    target_domain), validated before any work (an expression before sympy loads), as keyword arguments
    of lossaudit.audit."""
    from .kinds import get_kind
    values = params(typed["param"])
    dom_texts = {"pred_domain": typed["pred_domain"], "target_domain": typed["target_domain"]}
    kinds = [get_kind(kind)] if kind else builtin_kinds(names) if any(dom_texts.values()) else []
    if expr is not None:
        expression(expr, params=tuple(values), vector=kinds[0].vector)
    domains = {key: domain(text, "--" + key.replace("_", "-")) for key, text in dom_texts.items()}
    for k in kinds:
        for key, dom in domains.items():
            fit_domain(dom, "--" + key.replace("_", "-"), k, domains["pred_domain"])
    return dict(expression=expr, kind=kind, params=values, seed=seed(typed["seed"]),
                samples=None if typed["samples"] is None else samples(typed["samples"]),
                classes=classes(typed["classes"]),
                timeout=None if typed["timeout"] is None else timeout(typed["timeout"]), **domains)


def builtin_kinds(names) -> list:
    """The kinds of the named built-ins (every built-in when none is named): a domain must fit each."""
    from . import catalog_loader
    from .errors import UnknownLossError
    losses = list(catalog_loader.builtins()) if not names else []
    for n in names or []:
        try:
            losses.append(catalog_loader.find(n))
        except UnknownLossError:
            pass  # a callable, or a typo that resolving reports
    return list({x.kind.name: x.kind for x in losses}.values())


def link(value, option: str = "--link"):
    """A link's name (lossaudit.kinds.LINKS), or None; whether it fits the loss is checked when composing."""
    if value is None:
        return None
    from .kinds import LINKS
    if value not in LINKS:
        from .text import did_you_mean
        raise OptionError(f"{option}: unknown link {value!r}{did_you_mean(value, LINKS)} (the links are: "
                          f"{', '.join(LINKS)})")
    return value


def param_ranges(items, option: str = "--param") -> tuple[dict, dict]:
    """["alpha=-4:2", "c=1", ...] -> ({"alpha": (-4.0, 2.0)}, {"c": 1.0}): ranges lo:hi and fixed values."""
    ranges, fixed = {}, []
    for item in items or []:
        key, sep, value = str(item).partition("=")
        if sep and ":" in value:
            lo, _, hi = value.partition(":")
            key = key.strip()
            if not _PARAM_NAME.fullmatch(key) or key in ranges:
                raise OptionError(f"{option} takes k=lo:hi with k a name given once; {_shown(item)} was given")
            ranges[key] = (_finite(lo, f"{option} {key} (lo)"), _finite(hi, f"{option} {key} (hi)"))
        else:
            fixed.append(item)
    values = params(fixed, option)
    if not ranges:
        raise OptionError(f"{option}: give a range k=lo:hi for the parameter to explore, e.g. {option} alpha=-4:2")
    if set(ranges) & set(values):
        raise OptionError(f"{option}: {', '.join(sorted(set(ranges) & set(values)))} is given both a range and a value")
    return ranges, values
