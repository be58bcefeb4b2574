"""The command line: thin. Options -> api call -> renderer -> exit status.

Exit status: 0 done (and, with --require, every audited loss qualifies); 1 some
audited loss does not qualify; 2 bad input, with a one-paragraph message on
stderr and never a traceback. The report goes to stdout (or --output), the
summary and progress to stderr. Heavy modules (sympy) load inside commands, so
`lossaudit --help` stays instant.
"""
from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import options as checked
from ._version import __version__
from .kinds import kind_names, kinds_text
from .text import listing
from .properties import names as property_names
from .render import FORMATS


# the help lists what the registries hold: a registered property or format shows up here by itself
PROPERTY_LIST = listing(property_names())
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help=f"Decide which properties a loss function really has: {PROPERTY_LIST}, each with a proof "
                       "or a counterexample.")

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _err(message: str) -> None:
    typer.echo(f"lossaudit: {message}", err=True)


def handles_errors(command):
    """Turn LossAuditError into a one-paragraph message and exit status 2; hide internal tracebacks."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        from .errors import LossAuditError
        try:
            return command(*args, **kwargs)
        except LossAuditError as exc:
            _err(str(exc))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, traceback only on request
            if os.environ.get("LOSSAUDIT_DEBUG"):
                raise
            _err(f"internal error ({type(exc).__name__}: {exc}); please report it. "
                 "Set LOSSAUDIT_DEBUG=1 to see the traceback.")
            raise typer.Exit(EXIT_INTERNAL) from None
    return wrapper


def _version(value: bool):
    if value:
        typer.echo(f"lossaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Show the version and exit.")):
    """lossaudit: properties of loss functions, proved or refuted."""


# ---------------------------------------------------------------------------
# list

@app.command("list")
@handles_errors
def list_command(kind: Optional[str] = typer.Option(None, "--kind", help="Only losses of this kind.")):
    """The built-in losses: name, kind, role, formula."""
    from rich.console import Console
    from rich.table import Table
    from .catalog_loader import builtins
    from .kinds import get_kind
    if kind:
        get_kind(kind)
    table = Table(title="built-in losses")
    for col in ("name", "kind", "role", "formula"):
        table.add_column(col, overflow="fold")
    count = 0
    for loss in builtins():
        if kind and loss.kind.name != kind:
            continue
        table.add_row(loss.name, loss.kind.name, loss.role, loss.text)
        count += 1
    console = Console(width=None if sys.stdout.isatty() else 200)
    console.print(table)
    _err(f"{count} built-in losses.")


# ---------------------------------------------------------------------------
# audit

@app.command()
@handles_errors
def audit(
    names: Optional[List[str]] = typer.Argument(
        None, help="Built-in names or aliases (all when none), or a callable as path/to/file.py:func "
                   "or package.module:func."),
    expr: Optional[str] = typer.Option(None, "--expr", help="Audit this expression in y_pred and y_true."),
    kind: Optional[str] = typer.Option(None, "--kind", help=f"The kind of a user loss ({', '.join(kind_names())})."),
    name: Optional[str] = typer.Option(None, "--name", help="A name for a user loss."),
    param: Optional[List[str]] = typer.Option(None, "--param", help="A parameter value, k=v (repeatable)."),
    fmt: str = typer.Option("table", "--format", help=f"{listing(FORMATS, 'or')}."),
    output: Optional[Path] = typer.Option(None, "--output", help="Write the report to this file."),
    prop: Optional[str] = typer.Option(None, "--property", help="Decide only these properties (comma-separated): "
                                                                 f"{PROPERTY_LIST}."),
    require: Optional[str] = typer.Option(None, "--require", help="Mark the losses for which all of these hold "
                                                                  "(a property not applicable to a loss's kind "
                                                                  "does not hold)."),
    seed: str = typer.Option("0", "--seed", help="The sampling seed (same seed, same output)."),
    samples: Optional[str] = typer.Option(None, "--samples", help="Sample points per property and target."),
    pred_domain: Optional[str] = typer.Option(None, "--pred-domain", help='Prediction domain, e.g. "(0, inf)".'),
    target_domain: Optional[str] = typer.Option(None, "--target-domain",
                                                help='Target domain, e.g. "[0, 1]" or "{-1, 1}".'),
    classes: Optional[str] = typer.Option(None, "--classes", help="K for vector kinds (default 3)."),
    timeout: Optional[str] = typer.Option(None, "--timeout", help="Seconds allowed per property (default 90)."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
):
    """Audit built-in losses, an expression, or a Python callable."""
    from .errors import LossAuditError
    if fmt not in FORMATS:
        raise LossAuditError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    target = _audit_target(names, expr, kind)
    options = checked.audit_options(names, expr, kind, dict(
        param=param, seed=seed, samples=samples, classes=classes, timeout=timeout, pred_domain=pred_domain,
        target_domain=target_domain))
    options.update(name=name, properties=prop, require=require)
    output = checked.output(output)
    report = _run_with_progress(target, options, quiet)
    _emit(report, fmt, output)
    _err(report.summary())
    if report.require and not report.all_qualify:
        raise typer.Exit(1)


def _audit_target(names, expr, kind):
    from .errors import LossAuditError
    if expr is not None:
        if names:
            raise LossAuditError("give either built-in names / a callable, or --expr, not both")
        if kind is None:
            raise LossAuditError(f"--expr needs --kind ({kinds_text()})")
        return None  # passed as expression=, which is parsed, never imported
    if not names:
        return None
    return names[0] if len(names) == 1 else list(names)


def _params(items) -> dict:
    return checked.params(items)


def _run_with_progress(target, options, quiet):
    from .api import audit as run_audit
    show = not quiet and sys.stderr.isatty()
    if not show:
        return run_audit(target, **options)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done, total, name):
            bar.update(task, completed=done, total=total, description=name)
        return run_audit(target, progress=progress, **options)


def _emit(report, fmt, output):
    from .render import render
    if fmt == "table" and output is None and sys.stdout.isatty():
        from rich.console import Console
        from .render.table import build
        console = Console()
        console.print(build(report))
        return
    text = render(report, fmt, color=False, width=200) if fmt == "table" else render(report, fmt)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            from .errors import LossAuditError
            raise LossAuditError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
        _err(f"report written to {output}")
    else:
        sys.stdout.write(text)


# ---------------------------------------------------------------------------
# show

@app.command()
@handles_errors
def show(name: str = typer.Argument(..., help="A built-in loss (name or alias)."),
         param: Optional[List[str]] = typer.Option(None, "--param", help="A parameter value, k=v."),
         seed: str = typer.Option("0", "--seed"),
         quiet: bool = typer.Option(False, "--quiet", help="No progress bar.")):
    """One loss in depth: formula, parameters, references, and every verdict with its evidence."""
    from rich.console import Console
    from .catalog_loader import find
    from .render.detail import describe
    loss = find(name)
    params = _params(param)
    if params:
        loss = loss.with_values(params)
    report = _run_with_progress(loss, dict(seed=checked.seed(seed)), quiet)
    console = Console(width=None if sys.stdout.isatty() else 120)
    describe(console, loss, report.results[0])


# ---------------------------------------------------------------------------
# explain

@app.command()
@handles_errors
def explain(prop: str = typer.Argument(..., metavar="PROPERTY", help=f"One of: {PROPERTY_LIST}."),
            quiet: bool = typer.Option(False, "--quiet", help="No progress bar.")):
    """The definition of a property, why it matters, how it is decided, and built-ins where it holds or fails."""
    from rich.console import Console
    from .explain import examples, explanation
    from .verdict import parse_properties
    (name,) = parse_properties(prop)[:1] if "," not in prop else (None,)
    if name is None:
        from .errors import UnknownPropertyError
        raise UnknownPropertyError("explain takes one property")
    console = Console(width=None if sys.stdout.isatty() else 100)
    text = explanation(name)
    console.print(text)
    holds, fails = examples(name)
    console.print("\n[bold]Holds for[/]: " + "; ".join(f"{n} ({d})" for n, d in holds))
    console.print("[bold]Fails for[/]: " + "; ".join(f"{n} ({d})" for n, d in fails))


# ---------------------------------------------------------------------------
# docs

@app.command()
@handles_errors
def docs(
    names: Optional[List[str]] = typer.Argument(None, help="Built-in names (all when none), or a callable."),
    out: Path = typer.Option(..., "--out", help="The folder to write the reference into."),
    fmt: str = typer.Option("markdown", "--format", help="markdown (default) or html."),
    expr: Optional[str] = typer.Option(None, "--expr", help="Document this expression in y_pred and y_true."),
    kind: Optional[str] = typer.Option(None, "--kind", help="The kind of a user loss."),
    name: Optional[str] = typer.Option(None, "--name", help="A name for a user loss."),
    param: Optional[List[str]] = typer.Option(None, "--param", help="A parameter value, k=v (repeatable)."),
    seed: str = typer.Option("0", "--seed", help="The sampling seed."),
    readme: Optional[Path] = typer.Option(None, "--readme", help="Also fill this README's property-table markers."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
):
    """A reference of losses: an index with the property table and one page per loss (formula, verdicts with
    their evidence, plots, framework equivalents, references)."""
    from .docsgen import FORMATS, NO_MATPLOTLIB, update_readme, write_docs
    from .errors import LossAuditError
    if fmt not in FORMATS:
        raise LossAuditError(f"unknown docs format {fmt!r}; the formats are: {', '.join(FORMATS)}")
    target = _audit_target(names, expr, kind)
    options = dict(expression=expr, kind=kind, name=name, params=_params(param), seed=checked.seed(seed))
    report = _run_with_progress(target, options, quiet)
    written = write_docs(report, out, fmt, prune=target is None and expr is None)  # the whole catalog
    if readme is not None:
        update_readme(readme, report, out, fmt)
    _err(f"{len(written.files)} files written to {out}" +
         (f", {len(written.removed)} stale ones removed" if written.removed else "") + ".")
    if not written.plots:
        _err(NO_MATPLOTLIB)


def main(argv: list | None = None) -> None:
    """Entry point of the `lossaudit` command and `python -m lossaudit`."""
    app(args=argv, prog_name="lossaudit")


if __name__ == "__main__":  # pragma: no cover
    main()
