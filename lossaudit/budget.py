"""Budget: everything that bounds an audit's work, passed down as one object."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

DEFAULT_SAMPLES = 2000


@dataclass(frozen=True)
class Budget:
    """How hard to look, and for how long.

    seed              the sampling seed; the same seed gives byte-identical reports
    samples           sample points per property (and per target)
    rtol              relative tolerance: a violation must exceed rtol x the magnitudes involved
    symbolic_seconds  time limit of one symbolic step (a timeout means "could not prove")
    timeout           wall-clock limit per property for a loss (callables can hang)
    """

    seed: int = 0
    samples: int = DEFAULT_SAMPLES
    rtol: float = 1e-9
    # Wall-clock limits are safety nets, several times what any built-in needs on an idle machine, so
    # that load does not change a verdict (the slowest symbolic step of the catalog takes about 2 s).
    symbolic_seconds: float = 10.0
    timeout: float = 90.0

    def __post_init__(self):
        # the bounds of lossaudit.options (an OptionError is also a ValueError, as raised here before)
        from . import options
        object.__setattr__(self, "seed", options.seed(self.seed, "seed"))
        object.__setattr__(self, "samples", options.samples(self.samples, "samples"))
        object.__setattr__(self, "timeout", options.timeout(self.timeout, "timeout"))
        object.__setattr__(self, "symbolic_seconds", options.timeout(self.symbolic_seconds, "symbolic_seconds"))
        if not (0 < self.rtol < 1):  # also false for NaN
            raise options.OptionError(f"rtol must lie between 0 and 1; {self.rtol!r} was given")

    def rng(self, *keys: str) -> np.random.Generator:
        """A generator seeded by the seed and the given keys (loss, property, ...), stable across runs."""
        digest = hashlib.sha256("\x1f".join(map(str, keys)).encode()).digest()
        return np.random.default_rng([self.seed, int.from_bytes(digest[:8], "little")])
