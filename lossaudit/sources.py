"""What to audit: text, a TOML catalog entry, "path.py:func" / "pkg.module:func", a callable, or a Loss -> [Loss].

No user code runs here: a callable named by its spec becomes an `ImportedCallable`
whose module is imported later, inside the worker that audits it (see `runner`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from . import catalog_loader as catalog, options
from .callables import ImportedCallable, looks_like_callable_spec
from .errors import LossError, UnknownLossError
from .kinds import Domain, get_kind, kinds_text
from .text import listing
from .loss import Loss

KINDS_HINT = kinds_text()


def resolve(target: Any = None, *, kind: str | None = None, name: str | None = None, params: dict | None = None,
            pred_domain: Domain | None = None, target_domain: Domain | None = None,
            classes: int | None = None, expression: str | None = None) -> list[Loss]:
    """What to audit: None (every built-in), a name, an expression (with kind), a callable,
    a "file.py:func" / "module:func" spec (with kind), a Loss, or a list of these.

    `expression` is always parsed as an expression, never imported (the CLI's --expr).
    """
    domains = dict(pred_domain=pred_domain, target_domain=target_domain, classes=classes)
    if expression is not None:
        if target is not None:
            raise LossError("give either something to audit or an expression, not both")
        kind = _need_kind(kind, "an expression")
        options.expression(expression, params=tuple(params or ()), vector=get_kind(kind).vector)  # before sympy
        return [Loss.from_expression(expression, kind, name=name, params=params,
                                     **domains)]
    if isinstance(target, str):
        loss = _from_text(target, kind, name, params, domains)
        if loss.source == "expression":
            return [loss]  # its parameters were given to from_expression
        losses = [loss]
    else:
        losses = _from_object(target, kind, name, domains)
    if params:
        losses = [loss.with_values(params) for loss in losses]
    if any(domains.values()) and any(x.source.startswith("catalog/") for x in losses):
        losses = [_override(x, pred_domain, target_domain, classes) for x in losses]
    for loss in losses:  # a domain the loss's kind cannot have is bad input, from the API as from the CLI
        options.fit_domain(pred_domain, "pred_domain", loss.kind)
        options.fit_domain(target_domain, "target_domain", loss.kind, pred_domain)
    return losses


def _from_object(target, kind, name, domains) -> list[Loss]:
    if target is None:
        return list(catalog.builtins())
    if isinstance(target, (list, tuple)):
        return [one for t in target for one in resolve(t, kind=kind, **domains)]
    if isinstance(target, Loss):
        return [target]
    if callable(target):
        return [Loss.from_callable(target, _need_kind(kind, "a callable"), name=name, **domains)]
    raise LossError(f"cannot audit {target!r}: give a built-in name, an expression, or a callable")


def _from_text(text: str, kind, name, params, domains) -> Loss:
    _refuse_bare_file(text)
    if kind is None:
        return _builtin(text)
    if looks_like_callable_spec(text):
        return Loss.from_callable(ImportedCallable(text), kind, name=name or text.rsplit(":", 1)[1], source=text,
                                  **domains)
    return Loss.from_expression(text, kind, name=name, params=params, **domains)


def _refuse_bare_file(item: str) -> None:
    """`audit losses.py --kind regression` forgot the function: say so, naming the functions the file defines."""
    if not item.endswith(".py") or ":" in item:
        return
    hint = ""
    functions = _defined_functions(Path(item))
    if functions:
        hint = f"; it defines {listing(functions[:8], 'and')}" + (" ..." if len(functions) > 8 else "")
    raise LossError(f"{item!r} is a Python file: name the function to audit, as {item}:FUNC{hint}")


def _defined_functions(path: Path) -> list:
    """The top-level function names of a Python file, read by parsing it (never importing it)."""
    import ast
    from .files import Refused, read_limited
    try:
        tree = ast.parse(read_limited(path, 1 << 20).decode("utf-8"))
    except (OSError, Refused, UnicodeDecodeError, SyntaxError, ValueError):
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _builtin(text: str) -> Loss:
    try:
        return catalog.find(text)
    except UnknownLossError:
        if looks_like_callable_spec(text):
            raise LossError(f"auditing the callable {text!r} needs its kind (--kind)") from None
        if any(c in text for c in "()+-*/ "):
            raise LossError(f"auditing the expression {text!r} needs its kind (--kind: {KINDS_HINT})") from None
        raise


def _need_kind(kind, what):
    if kind is None:
        raise LossError(f"auditing {what} needs its kind ({KINDS_HINT})")
    return kind


def _override(loss: Loss, pred, target, classes) -> Loss:
    changed = replace(loss, pred_override=pred or loss.pred_override,
                      target_override=target or loss.target_override, classes=classes or loss.classes)
    changed._validate_common()
    return changed
