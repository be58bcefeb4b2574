"""Budget: everything that bounds an audit's work, passed down as one object.

Two kinds of bounds, kept apart:

- deterministic limits (sizes and counts): they decide how much exact work is tried, and give the
  same answer on every machine, idle or loaded. An answer refused by one of them says so, in a
  sentence that names the limit (`Meter.refuse`);
- safety nets (seconds of active time, `lossaudit.timeouts`): far above what any built-in loss
  needs, only for what the deterministic limits cannot foresee (a sympy routine that runs away on a
  small input, a user's callable that hangs). A result reached after a net fired is marked as such
  by the runner: never cached, and its verdict says that a time limit was reached.

The budget reaches the symbolic helpers (`symbolic.guarded`) through `Budget.metered()`, which the
runner opens around each property; outside one, the default limits apply without a step count.
"""
from __future__ import annotations

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

DEFAULT_SAMPLES = 2000

# Deterministic limits (the defaults of the Budget fields of the same meaning), each several times
# what the largest built-in needs (benchmarks/step_times.py prints the catalog's figures: at most 106
# nodes in the inputs of a step, at most 588 steps in a property).
MAX_NODES = 1_000             # tree nodes of the inputs of one symbolic step
MAX_STEPS = 100_000           # symbolic steps of one property (about 45 s of sympy at 0.5 ms a step)
MP_POINTS = 500               # entries one numeric call re-evaluates in mpmath when float64 overflows
MP_DIGITS = 30                # the precision of those re-evaluations
MP_MAX_EXPONENT_BITS = 1100   # mpmath refuses b**e with |e*log2(b)| beyond 2**this (minutes for 2**20000)
PROBES = 12                   # coordinates, paths or coordinate subsets a vector analysis probes at large K


def probes(k: int) -> int:
    """The deterministic per-K budget of the vector searches: how many coordinate directions (kink lines),
    edge paths (Hessian growth, each a Lanczos run at large K) or subsets of coordinates (gross-error
    routes) are probed at K classes: every one up to PROBES, PROBES beyond. A loss that treats the
    classes alike (every expression: permutations.py) loses nothing by it, as the probes left out are
    permutations of those kept; a callable's are a deterministic sample."""
    return min(int(k), PROBES)


@dataclass(frozen=True)
class Budget:
    """How hard to look.

    seed              the sampling seed; the same seed gives byte-identical reports
    samples           sample points per property (and per target)
    rtol              relative tolerance: a violation must exceed rtol x the magnitudes involved
    max_nodes         deterministic: a symbolic step (simplify, limit, solveset, ...) whose inputs have more
                      tree nodes than this is not tried ("the expression is too large for the exact analysis")
    max_steps         deterministic: symbolic steps one property may take; the later ones are not tried
    symbolic_seconds  safety net: seconds of active time for one symbolic step (a timeout means "could not
                      prove"); the slowest step of the catalog takes about 1 s
    timeout           safety net: seconds of active time per property for a loss (callables can hang)
    """

    seed: int = 0
    samples: int = DEFAULT_SAMPLES
    rtol: float = 1e-9
    max_nodes: int = MAX_NODES
    max_steps: int = MAX_STEPS
    symbolic_seconds: float = 10.0
    timeout: float = 90.0

    def __post_init__(self):
        # the bounds of lossaudit.options (an OptionError is also a ValueError, as raised here before)
        from . import options
        object.__setattr__(self, "seed", options.seed(self.seed, "seed"))
        object.__setattr__(self, "samples", options.samples(self.samples, "samples"))
        object.__setattr__(self, "max_nodes", options.work_limit(self.max_nodes, "max_nodes"))
        object.__setattr__(self, "max_steps", options.work_limit(self.max_steps, "max_steps"))
        object.__setattr__(self, "timeout", options.timeout(self.timeout, "timeout"))
        object.__setattr__(self, "symbolic_seconds", options.timeout(self.symbolic_seconds, "symbolic_seconds"))
        if not (0 < self.rtol < 1):  # also false for NaN
            raise options.OptionError(f"rtol must lie between 0 and 1; {self.rtol!r} was given")

    def rng(self, *keys: str) -> np.random.Generator:
        """A generator seeded by the seed and the given keys (loss, property, ...), stable across runs."""
        digest = hashlib.sha256("\x1f".join(map(str, keys)).encode()).digest()
        return np.random.default_rng([self.seed, int.from_bytes(digest[:8], "little")])

    @contextmanager
    def metered(self):
        """Count the symbolic steps of the work inside (one property): yields its Meter."""
        from . import timeouts
        meter = Meter(self, counted=True, nets_before=timeouts.fired())
        _meters.append(meter)
        try:
            yield meter
        finally:
            _meters.remove(meter)


class Meter:
    """The deterministic accounting of one piece of work (a property): steps taken, the first refusal."""

    def __init__(self, budget: Budget, counted: bool = False, nets_before: int = 0):
        self.budget, self.counted, self.nets_before = budget, counted, nets_before
        self.steps = 0
        self.refused: str | None = None  # the first refusal, a sentence (deterministic)

    def step(self, size: int) -> str | None:
        """Admit one symbolic step whose inputs have `size` tree nodes: None, or why it is refused."""
        if size > self.budget.max_nodes:
            return self.refuse(f"the expression is too large for the exact analysis "
                               f"({size} nodes > {self.budget.max_nodes})")
        if self.counted:
            self.steps += 1
            if self.steps > self.budget.max_steps:
                return self.refuse(f"the exact analysis needs more than {self.budget.max_steps} symbolic steps")
        return None

    def refuse(self, why: str) -> str:
        if self.refused is None:
            self.refused = why
        return why

    def nets_fired(self) -> bool:
        """Did a safety-net time limit fire since this meter was opened (a result that depends on time)?"""
        from . import timeouts
        return timeouts.fired() > self.nets_before


_meters: list[Meter] = []
_default: list[Meter] = []


def current_meter() -> Meter:
    """The meter of the work under way (the innermost `Budget.metered()`), else one with the defaults."""
    if _meters:
        return _meters[-1]
    if not _default:
        _default.append(Meter(Budget()))
    return _default[0]
