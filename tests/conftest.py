"""Shared test setup: a session-wide audit cache, a deterministic hypothesis profile, shared fixtures."""
from __future__ import annotations

import os
import tempfile

import pytest

# Workers of one test session share audit results through the cache (same code, same keys),
# without touching the user's own cache.
os.environ.setdefault("LOSSAUDIT_CACHE_DIR",
                      os.path.join(tempfile.gettempdir(), f"lossaudit-test-cache-{os.getuid()}"))

try:
    from hypothesis import settings

    settings.register_profile("deterministic", derandomize=True, deadline=None, max_examples=60)
    settings.load_profile("deterministic")
except ImportError:  # pragma: no cover
    pass


@pytest.fixture(scope="session")
def builtin_report():
    """Every built-in audited once (seed 0, default budget).

    Under pytest-xdist each worker asks; a lock lets the first compute (in parallel processes)
    while the others wait and then read its results from the shared cache.
    """
    import fcntl

    import lossaudit
    lock_path = os.path.join(os.environ["LOSSAUDIT_CACHE_DIR"] + ".lock")
    os.makedirs(os.path.dirname(lock_path), exist_ok=True)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return lossaudit.audit()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------
# Every report a test produces keeps the implications between properties (lossaudit.consistency):
# a contradiction is a bug of the tool, caught here whatever the test itself checks.

_REPORTS: list = []


def _record_reports() -> None:
    from lossaudit.report import Report
    if getattr(Report.__init__, "_records", False):
        return
    original = Report.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _REPORTS.append(self)
    recording._records = True
    Report.__init__ = recording


_record_reports()


@pytest.fixture(autouse=True)
def _consistent_reports():
    """Fails the test when a report it produced breaks an implication between properties."""
    start = len(_REPORTS)
    yield
    from lossaudit.consistency import report_contradictions
    made, _REPORTS[start:] = _REPORTS[start:], []
    found = [c for report in made for c in report_contradictions(report)]
    if found:
        pytest.fail("contradictory verdicts: " + "; ".join(found), pytrace=False)
