"""`lossaudit regions`: where, along a parameter, each property holds (lossaudit.regions), registered on the
CLI's `app` (imported by lossaudit.commands)."""
from __future__ import annotations

import sys
from typing import List, Optional

import typer

from . import options as checked
from .cli import NO_COLOR, PROPERTY_LIST, QUIET, _console, _err, app, handles_errors


@app.command(epilog="Exit status: 0 done; 2 bad input (an unknown parameter, a range outside its domain).")
@handles_errors
def regions(
    name: Optional[str] = typer.Argument(None, metavar="[NAME]", help="A built-in loss (name or alias)."),
    param: Optional[List[str]] = typer.Option(None, "--param", "-p", metavar="K=LO:HI|K=V",
                                              help="The range of a parameter to explore (k=lo:hi, repeatable), "
                                                   "or a fixed value (k=v)."),
    expr: Optional[str] = typer.Option(None, "--expr", "-e", metavar="EXPR", help="A loss in y_pred and y_true."),
    kind: Optional[str] = typer.Option(None, "--kind", "-k", metavar="KIND", help="The kind of --expr."),
    link: Optional[str] = typer.Option(None, "--link", metavar="LINK",
                                       help="Explore L(link(z), y) in z: sigmoid, softmax or exp."),
    prop: Optional[str] = typer.Option(None, "--property", metavar="PROPS",
                                       help=f"Only these properties (comma-separated): {PROPERTY_LIST}."),
    points: str = typer.Option("17", "--points", metavar="N", help="Grid points of the range (5 to 200)."),
    fmt: str = typer.Option("table", "--format", "-f", metavar="FORMAT", help="table or json."),
    seed: str = typer.Option("0", "--seed", metavar="N", help="The sampling seed."),
    quiet: bool = QUIET, no_color: bool = NO_COLOR,
):
    """For each property, the intervals of a parameter where it holds and where it fails, with the boundaries
    located to 1e-6 (exact when they are simple rationals, confirmed by audits at and beside them), and the
    exact condition ("holds if and only if alpha >= 1") where every region's verdict is proved."""
    from .errors import LossAuditError
    from .regions import explore
    if fmt not in ("table", "json"):
        raise LossAuditError(f"regions --format takes table or json; {fmt!r} was given")
    if (name is None) == (expr is None):
        raise LossAuditError("regions takes one loss: a built-in name, or --expr with --kind")
    ranges, fixed = checked.param_ranges(param)
    count = checked._integer(points, "--points", "the grid points", 5, 200)
    loss = _loss(name, expr, kind, ranges, fixed, checked.link(link))
    found = [explore(loss, p, lo, hi, props=prop, seed=checked.seed(seed), points=count)
             for p, (lo, hi) in ranges.items()]
    if fmt == "json":
        import json
        data = [r.to_dict() for r in found]
        sys.stdout.write(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False) + "\n")
    else:
        from .render.links_view import show_regions
        show_regions(_console(no_color=no_color), found)
    if not quiet:
        _err(f"{sum(r.audits for r in found)} audits.")


def _loss(name, expr, kind, ranges, fixed, link):
    from .sources import resolve
    from .errors import LossAuditError
    if expr is not None:
        if kind is None:
            raise LossAuditError("--expr needs --kind")
        middle = {p: 0.5 * (lo + hi) for p, (lo, hi) in ranges.items()}
        (loss,) = resolve(expression=expr, kind=kind, params={**middle, **fixed})
    else:
        (loss,) = resolve(name)
        if fixed:
            loss = loss.with_values(fixed)
    if link is not None:
        from .links import compose
        loss = compose(loss, link)
    return loss
