"""Helpers shared by the hostile-input tests: run the command line in a fresh process, check a refusal."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args, env=None, timeout=120, cwd=None):
    """`python -m lossaudit ARGS` in a fresh process, with this checkout first on the path."""
    full_env = dict(os.environ, PYTHONPATH=str(REPO), LOSSAUDIT_NO_CACHE="1")
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "lossaudit", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=cwd)


def assert_refused(proc, *needles):
    """Exit status 2 and one short paragraph on stderr naming the input; never a traceback or a bug report.

    `proc` is a finished subprocess or a typer CliRunner result."""
    code = proc.returncode if hasattr(proc, "returncode") else proc.exit_code
    assert code == 2, (code, proc.stderr[-2000:])
    message = proc.stderr.strip()
    assert message.startswith("lossaudit:"), message[:500]
    assert "Traceback" not in message and "internal error" not in message
    assert "\n\n" not in message and len(message.splitlines()) <= 3, message[:500]
    assert "Warning" not in message, message[:500]
    for needle in needles:
        assert needle in message, (needle, message[:500])
    return message
