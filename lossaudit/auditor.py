"""Compatibility: the old home of audit(), resolve() and run(); see api, sources and runner."""
from .api import DEFAULT_TIMEOUT, audit
from .runner import run
from .sources import resolve

__all__ = ["DEFAULT_TIMEOUT", "audit", "resolve", "run"]
