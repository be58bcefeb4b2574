"""The command line: thin. Options -> api call -> renderer -> exit status.

Exit status (documented in the README and in `lossaudit --help`):

    0  done (and, with --require, every audited loss has every required property)
    1  with --require: some audited loss fails a required property (or it is not
       applicable to the loss's kind)
    2  bad input: a one-paragraph message on stderr, never a traceback
    3  internal error (a bug; LOSSAUDIT_DEBUG=1 shows the traceback)
    4  with --require: no required property fails, but some could not be decided

The report goes to stdout (or --output), the summary and progress to stderr.
Heavy modules (sympy) load inside commands, so `lossaudit --help` stays instant.
Defaults for audit's options may come from [tool.lossaudit] in pyproject.toml
(lossaudit.settings); options on the command line win.
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
from .text import did_you_mean, listing
from .properties import names as property_names
from .render import FORMATS


# the help lists what the registries hold: a registered property or format shows up here by itself
PROPERTY_LIST = listing(property_names())
EXIT_CODES = ("Exit status: 0 done (with --require: every loss has every required property); 1 some loss "
              "fails a required property; 2 bad input; 3 internal error; 4 no required property fails but "
              "some could not be decided.")
CONTEXT = {"help_option_names": ["-h", "--help"]}
if hasattr(typer.core.TyperArgument, "display_type_rich"):
    # typer appends "<list[str]>" to an argument's metavar; ours says it in words
    typer.core.TyperArgument.display_type_rich = lambda self, ctx: None
app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  context_settings=CONTEXT,
                  help=f"Decide which properties a loss function really has: {PROPERTY_LIST}, each with a proof "
                       f"or a counterexample.\n\n{EXIT_CODES}")

EXIT_REFUTED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_UNDECIDED = 4
DETAIL_UP_TO = 3  # a terminal audit of at most this many losses also prints each verdict's sentence


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
def _main(version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                       help="Show the version and exit.")):
    """lossaudit: properties of loss functions, proved or refuted."""


def _console(stderr: bool = False, no_color: bool = False, piped_width: int = 100):
    """A rich console as wide as the terminal or COLUMNS (`piped_width` when piped without COLUMNS),
    honouring --no-color and NO_COLOR."""
    from rich.console import Console
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    width = None if tty or os.environ.get("COLUMNS") else piped_width
    return Console(file=stream, width=width, no_color=no_color or bool(os.environ.get("NO_COLOR")),
                   color_system="auto" if tty and not no_color else None, highlight=False)


QUIET = typer.Option(False, "--quiet", "-q", help="No progress bar and no summary line.")
NO_COLOR = typer.Option(False, "--no-color", help="No colours (also when NO_COLOR is set).")
FORMAT_HELP = f"{listing(FORMATS, 'or')} (default table)."


# ---------------------------------------------------------------------------
# list

@app.command("list")
@handles_errors
def list_command(kind: Optional[str] = typer.Option(None, "--kind", metavar="KIND", help="Only losses of this kind."),
                 fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
                 quiet: bool = QUIET, no_color: bool = NO_COLOR):
    """The built-in losses: name, kind, role, formula."""
    from .catalog_loader import builtins
    from .errors import LossAuditError
    from .kinds import get_kind
    if kind:
        get_kind(kind)
    if fmt not in ("table", "json"):
        raise LossAuditError(f"list --format takes table or json; {fmt!r} was given")
    losses = [loss for loss in builtins() if not kind or loss.kind.name == kind]
    if fmt == "json":
        import json
        rows = [{"name": x.name, "kind": x.kind.name, "role": x.role, "expression": x.text,
                 "aliases": list(x.aliases)} for x in losses]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        from .render.listing import show_losses
        show_losses(_console(no_color=no_color), losses)
    if not quiet:
        _err(f"{len(losses)} built-in losses.")


# ---------------------------------------------------------------------------
# audit

@app.command(epilog=EXIT_CODES)
@handles_errors
def audit(
    names: Optional[List[str]] = typer.Argument(
        None, metavar="[NAME|FILE.py:FUNC|MODULE:FUNC]...",
        help="Built-in names or aliases (all when none), or a callable as path/to/file.py:func "
             "or package.module:func."),
    expr: Optional[str] = typer.Option(None, "--expr", "-e", metavar="EXPR",
                                       help="Audit this expression in y_pred and y_true."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND",
                                       help=f"The kind of a user loss ({', '.join(kind_names())}); "
                                            "`lossaudit explain kinds` says what each means."),
    name: Optional[str] = typer.Option(None, "--name", metavar="NAME", help="A name for a user loss."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="K=V",
                                              help="A parameter value, k=v (repeatable)."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", metavar="FORMAT", help=FORMAT_HELP),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the report to this file."),
    prop: Optional[str] = typer.Option(None, "--property", metavar="PROPS",
                                       help=f"Decide only these properties (comma-separated): {PROPERTY_LIST}."),
    require: Optional[str] = typer.Option(None, "--require", "-r", metavar="PROPS",
                                          help="Exit 1 unless every audited loss has all of these (4 when none "
                                               "fails but some is undecided); a property not applicable to a "
                                               "loss's kind does not hold."),
    seed: Optional[str] = typer.Option(None, "--seed", metavar="N",
                                       help="The sampling seed (default 0; same seed, same output)."),
    samples: Optional[str] = typer.Option(None, "--samples", metavar="N",
                                          help="Sample points per property and target."),
    pred_domain: Optional[str] = typer.Option(None, "--pred-domain", metavar="DOMAIN",
                                              help='Prediction domain, e.g. "(0, inf)".'),
    target_domain: Optional[str] = typer.Option(None, "--target-domain", metavar="DOMAIN",
                                                help='Target domain, e.g. "[0, 1]" or "{-1, 1}".'),
    classes: Optional[str] = typer.Option(None, "--classes", metavar="K", help="K for vector kinds (default 3)."),
    timeout: Optional[str] = typer.Option(None, "--timeout", metavar="SECONDS",
                                          help="Seconds of work allowed per property (default 90): a safety net; time "
                                               "spent waiting for a CPU does not count."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every verdict's sentence and evidence."),
    link: Optional[str] = typer.Option(None, "--link", metavar="LINK",
                                       help="Audit L(link(z), y) in the raw output z: sigmoid (probability losses), "
                                            "softmax (distribution) or exp (positive)."),
    quiet: bool = QUIET,
    no_color: bool = NO_COLOR,
):
    """Audit built-in losses, an expression, or a Python callable."""
    from .errors import LossAuditError
    given = dict(format=fmt, seed=seed, samples=samples, classes=classes, timeout=timeout, property=prop,
                 require=require)
    chosen = _with_defaults(given)
    if chosen["format"] not in FORMATS:
        raise LossAuditError(f"unknown format {chosen['format']!r}{did_you_mean(chosen['format'], FORMATS)} "
                             f"(the formats are: {', '.join(FORMATS)})")
    target = _audit_target(names, expr, kind)
    options = checked.audit_options(names, expr, kind, dict(
        param=param, seed=chosen["seed"], samples=chosen["samples"], classes=chosen["classes"],
        timeout=chosen["timeout"], pred_domain=pred_domain, target_domain=target_domain))
    options.update(name=name, properties=chosen["property"], require=chosen["require"],
                   link=checked.link(link))
    output = checked.output(output)
    report = _run_with_progress(target, options, quiet)
    _emit(report, chosen["format"], output, no_color, verbose)
    if not quiet:
        _err(report.summary())
    raise typer.Exit(_require_status(report))


def _print_notes(console, report) -> None:
    """What the audit noted about a loss (a callable that only takes scalars, targets left out): the terminal
    says it too, not only the JSON."""
    from rich.markup import escape
    for result in report.results:
        for note in result.notes:
            console.print(f"[dim]note on {escape(result.name)}:[/] {escape(str(note))}", highlight=False)
        if result.excluded_targets:
            left_out = ", ".join(str(e.get("y_true")) for e in result.excluded_targets)
            console.print(f"[dim]note on {escape(result.name)}:[/] targets left out (undefined there): {left_out}",
                          highlight=False)


def _with_defaults(given: dict) -> dict:
    """The options given, else [tool.lossaudit] of the nearest pyproject.toml, else the built-in defaults."""
    from .settings import defaults
    base = {"format": "table", "seed": "0"}
    base.update(defaults())
    return {key: value if value is not None else base.get(key) for key, value in given.items()}


def _require_status(report) -> int:
    """0, or 1 (some required property fails / is not applicable) or 4 (only undecided), naming each on stderr."""
    if not report.require or report.all_qualify:
        return 0
    status = EXIT_UNDECIDED
    for result in report.results:
        for prop in report.require:
            v = result.verdicts.get(prop)
            if v is None or v.verdict == "holds":
                continue
            if v.verdict != "unknown":
                status = EXIT_REFUTED
            _err(f"{result.name}: {prop} {v.verdict} ({_one_line(v.detail)})")
    return status


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task("", total=None)

        def progress(done, total, name, detail=None):
            # a slow single loss shows its properties being decided, not "0/?" for minutes
            bar.update(task, completed=done, total=total, description=name + (f" ({detail})" if detail else ""))
        return run_audit(target, progress=progress, **options)


def _emit(report, fmt, output, no_color=False, verbose=False):
    from .render import render
    if fmt == "table" and output is None:
        from .render.table import build
        console = _console(no_color=no_color, piped_width=200)  # the table's full width when piped
        console.print(build(report, console.width))
        if verbose or (sys.stdout.isatty() and len(report.results) <= DETAIL_UP_TO):
            from .render.detail import verdicts
            for result in report.results:
                console.print()
                verdicts(console, result, heading=True)
        _print_notes(console, report)
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


from . import commands  # noqa: E402,F401 - registers show, explain, check and docs on `app`


def main(argv: list | None = None) -> None:
    """Entry point of the `lossaudit` command and `python -m lossaudit`."""
    app(args=argv, prog_name="lossaudit")


if __name__ == "__main__":  # pragma: no cover
    main()
