"""The commands beyond `audit`: show, explain, check and docs (registered on the CLI's `app`).

Thin like the rest of the CLI: options -> api call -> renderer -> exit status.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import options as checked
from .cli import NO_COLOR, PROPERTY_LIST, QUIET, _audit_target, _console, _err, _params, _run_with_progress, app, \
    handles_errors


# ---------------------------------------------------------------------------
# show

@app.command()
@handles_errors
def show(name: Optional[str] = typer.Argument(None, metavar="[NAME|FILE.py:FUNC|MODULE:FUNC]",
                                              help="A built-in loss (name or alias) or a callable."),
         expr: Optional[str] = typer.Option(None, "--expr", "-e", metavar="EXPR",
                                            help="Show this expression in y_pred and y_true."),
         kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND", help="The kind of a user loss."),
         param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="K=V",
                                                   help="A parameter value, k=v."),
         seed: str = typer.Option("0", "--seed", metavar="N", help="The sampling seed."),
         classes: Optional[str] = typer.Option(None, "--classes", metavar="K", help="K for vector kinds."),
         quiet: bool = QUIET, no_color: bool = NO_COLOR):
    """One loss in depth: formula, parameters, references, and every verdict with its evidence."""
    from .errors import LossAuditError
    from .render.detail import describe
    if (name is None) == (expr is None):
        raise LossAuditError("show takes one loss: a built-in name, a callable FILE.py:FUNC, or --expr with --kind")
    target = _audit_target([name] if name else None, expr, kind)
    options = checked.audit_options([name] if name else None, expr, kind,
                                    dict(param=param, seed=seed, classes=classes, samples=None, timeout=None,
                                         pred_domain=None, target_domain=None))
    report = _run_with_progress(target, options, quiet)
    result = report.results[0]
    describe(_console(no_color=no_color), result.loss, result)


# ---------------------------------------------------------------------------
# explain

@app.command()
@handles_errors
def explain(prop: str = typer.Argument(..., metavar="PROPERTY|kinds", help=f"One of: {PROPERTY_LIST}; or kinds."),
            quiet: bool = QUIET, no_color: bool = NO_COLOR):
    """The definition of a property, why it matters, how it is decided, and built-ins where it holds or fails;
    `explain kinds`: what each kind of loss means."""
    from .errors import UnknownPropertyError
    from .verdict import parse_properties
    console = _console(no_color=no_color)
    if prop.strip().lower() in ("kinds", "kind"):
        from .render.listing import show_kinds
        show_kinds(console)
        return
    if "," in prop:
        raise UnknownPropertyError("explain takes one property")
    (name,) = parse_properties(prop)
    _explain_property(console, name)


def _explain_property(console, name: str) -> None:
    from rich.markup import escape
    from .explain import examples, explanation
    console.print(explanation(name))
    holds, fails = examples(name)
    console.print("\n[bold]Holds for[/]: " + escape("; ".join(f"{n} ({d})" for n, d in holds)))
    console.print("[bold]Fails for[/]: " + escape("; ".join(f"{n} ({d})" for n, d in fails)))


# ---------------------------------------------------------------------------
# check

@app.command(epilog="Exit status: 0 every claim confirmed; 1 some claim refuted; 2 bad input; 4 none refuted "
                    "but some undecided.")
@handles_errors
def check(claims_file: Path = typer.Argument(..., metavar="CLAIMS.toml", help="The claims: [[claim]] entries."),
          fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
          seed: str = typer.Option("0", "--seed", metavar="N", help="The sampling seed."),
          samples: Optional[str] = typer.Option(None, "--samples", metavar="N", help="Sample points per property."),
          quiet: bool = QUIET, no_color: bool = NO_COLOR):
    """Check a library's declared properties: each claim confirmed, refuted (with the counterexample) or
    undecided."""
    from .claims import check as check_claims, load, status
    from .errors import LossAuditError
    from .render import claims as shown
    if fmt not in ("table", "json"):
        raise LossAuditError(f"check --format takes table or json; {fmt!r} was given")
    findings = check_claims(load(claims_file), seed=checked.seed(seed),
                            samples=None if samples is None else checked.samples(samples))
    if fmt == "json":
        import json
        sys.stdout.write(json.dumps(shown.to_dict(findings), indent=2, ensure_ascii=False) + "\n")
    else:
        shown.show(_console(no_color=no_color), findings)
    if not quiet:
        _err(shown.summary(findings))
    raise typer.Exit(status(findings))


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
    regions: bool = typer.Option(False, "--regions", help="Also explore each parameter's regions (lossaudit "
                                                          "regions) and plot them on its page: many audits."),
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
    written = write_docs(report, out, fmt, prune=target is None and expr is None,  # the whole catalog
                         regions=regions)
    if readme is not None:
        update_readme(readme, report, out, fmt)
    _err(f"{len(written.files)} files written to {out}" +
         (f", {len(written.removed)} stale ones removed" if written.removed else "") + ".")
    if not written.plots:
        _err(NO_MATPLOTLIB)


from . import region_command  # noqa: E402,F401 - registers `regions` on `app`
