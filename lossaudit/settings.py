"""Defaults for the CLI from `[tool.lossaudit]` in the nearest pyproject.toml.

A project that audits its losses in CI writes its choices once:

    [tool.lossaudit]
    seed = 0
    samples = 4000
    format = "markdown"
    require = ["convexity", "smoothness"]

Options given on the command line win. The file is input like any other: read
with a size limit, every key and value checked, and a problem is a
`SettingsError` (exit status 2) naming the file and the key.
"""
from __future__ import annotations

import os
from pathlib import Path

from .errors import LossAuditError
from .text import did_you_mean

LIMIT = 1 << 20  # a pyproject.toml over 1 MiB is not one
# key -> the CLI option it sets and the types its value may have (checked again by the option's own check)
KEYS = {
    "seed": ("--seed", (int,)), "samples": ("--samples", (int,)), "timeout": ("--timeout", (int, float)),
    "classes": ("--classes", (int,)), "format": ("--format", (str,)),
    "property": ("--property", (str, list)), "require": ("--require", (str, list)),
}


class SettingsError(LossAuditError):
    """The [tool.lossaudit] table of a pyproject.toml is malformed."""


def find_pyproject(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml from `start` (the working directory) upward, stopping at a repository root."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists():
            return None
    return None


def defaults(start: Path | None = None) -> dict:
    """{option key: value as the CLI would receive it (a string)} from [tool.lossaudit]; {} when there is none."""
    if os.environ.get("LOSSAUDIT_NO_CONFIG"):
        return {}
    path = find_pyproject(start)
    if path is None:
        return {}
    table = _table(path)
    return {key: _as_option(path, key, value) for key, value in table.items()}


def _table(path: Path) -> dict:
    import tomllib
    from .files import Refused, read_limited
    try:
        data = tomllib.loads(read_limited(path, LIMIT).decode("utf-8"))
    except (Refused, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"cannot read the settings in {path}: {exc}") from None
    table = data.get("tool", {}).get("lossaudit", {}) if isinstance(data.get("tool"), dict) else {}
    if not isinstance(table, dict):
        raise SettingsError(f"[tool.lossaudit] in {path} must be a table")
    return table


def _as_option(path: Path, key: str, value) -> str:
    if key not in KEYS:
        raise SettingsError(f"unknown key {key!r} in [tool.lossaudit] of {path}{did_you_mean(key, KEYS)} "
                            f"(the keys are {', '.join(KEYS)})")
    option, types = KEYS[key]
    if isinstance(value, bool) or not isinstance(value, types):
        names = " or ".join("a list of names" if t is list else f"a{'n' if t is int else ''} {t.__name__}"
                            for t in types)
        raise SettingsError(f"{key} in [tool.lossaudit] of {path} must be {names} (as {option} takes); "
                            f"{value!r} was given")
    if isinstance(value, list):
        if not all(isinstance(v, str) for v in value):
            raise SettingsError(f"{key} in [tool.lossaudit] of {path} must list names as strings; {value!r} was given")
        return ",".join(value)
    return str(value)
