"""Output formats: one module per format, each a pure function Report -> str.

Renderers never compute a verdict; they format what the Report holds. The CLI
picks a format by name from FORMATS.
"""
from __future__ import annotations

import importlib

FORMATS = {
    "table": "a rich table for the terminal",
    "json": "the machine-readable report",
    "markdown": "a GitHub-flavoured pipe table",
    "latex": "a booktabs tabular",
    "html": "a self-contained HTML page",
    "rst": "a reStructuredText list-table",
    "csv": "comma-separated values",
}


def render(report, fmt: str, **options) -> str:
    if fmt not in FORMATS:
        from ..errors import LossAuditError
        raise LossAuditError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{fmt.replace('json', 'json_')}")
    return module.render(report, **options)
