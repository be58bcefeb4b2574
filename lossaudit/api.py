"""audit(...) -> Report: the facade over `sources` (what to audit) and `runner` (running it)."""
from __future__ import annotations

from typing import Any, Iterable, Optional, Union

from . import options
from .budget import DEFAULT_SAMPLES, Budget
from .consistency import reconcile
from .errors import LossError
from .kinds import Domain
from .links import compose, through_views
from .report import Report, qualify
from .runner import Progress, run
from .sources import resolve
from .verdict import parse_properties

DEFAULT_TIMEOUT = 90.0  # a safety net for hanging callables; no built-in comes near it

Properties = Optional[Union[str, Iterable[str]]]


def audit(target: Any = None, *, kind: str | None = None, properties: Properties = None, seed: int = 0,
          samples: int | None = None, params: dict | None = None, pred_domain: Domain | None = None,
          target_domain: Domain | None = None, classes: int | None = None, require: Properties = None,
          timeout: float | None = None, name: str | None = None, workers: int | None = None,
          progress: Progress | None = None, expression: str | None = None, link: str | None = None,
          through: bool | None = None) -> Report:
    """Audit losses and return a Report.

        audit()                                   every built-in
        audit("huber")                            a built-in (by name or alias)
        audit("log(cosh(y_pred - y_true))", kind="regression")
        audit(my_fn, kind="margin")               a callable f(y_pred, y_true) over numpy arrays
        audit("losses.py:my_loss", kind="regression")

    `require` ("convexity,smoothness") marks which losses qualify; `progress`
    is called as progress(done, total, name) after each loss (and, if it takes a `detail=` keyword,
    with detail="k/n properties" as each property is decided). `expression=` is
    always parsed as an expression (never imported as a callable). `link` ("sigmoid", "softmax", "exp")
    audits L(link(z), y) in z instead (lossaudit.links); `through` (default: for built-ins) also audits each
    loss through its natural link, in `result.through`.
    """
    props = parse_properties(properties)
    required = parse_properties(require) if require else None
    if required:
        props = tuple(p for p in parse_properties(tuple(set(props) | set(required))))
    budget = _budget(seed, samples, timeout)
    classes = options.classes(classes, "classes")
    losses = resolve(target, kind=kind, name=name, params=params, pred_domain=pred_domain,
                     target_domain=target_domain, classes=classes, expression=expression)
    if link is not None:
        losses = [compose(x, link) for x in losses]
    single_user_loss = len(losses) == 1 and not losses[0].source.startswith("catalog/")
    views = through_views(losses, link, through)
    ran = run(losses + [v for _, _, v in views], props, budget, workers=workers, progress=progress,
              strict=single_user_loss)
    results = ran[:len(losses)]
    for r in ran:
        r.verdicts = reconcile(r.verdicts, r.loss)  # the implications between properties hold in the report
        if required:
            r.qualifies = qualify(r, required)
    for (i, name, _), r in zip(views, ran[len(losses):]):
        results[i].through[name] = r
    return Report(results, props, seed=seed, samples=budget.samples, require=required)


def _budget(seed: int, samples: int | None, timeout: float | None) -> Budget:
    try:
        return Budget(seed=seed, samples=DEFAULT_SAMPLES if samples is None else samples,
                      timeout=DEFAULT_TIMEOUT if timeout is None else timeout)
    except ValueError as exc:
        raise LossError(str(exc)) from None
