"""Links: the loss in the variable the model outputs. `compose(loss, "sigmoid")` is L(sigmoid(z), y) as a
loss of the link's `from_kind` (lossaudit.kinds.LINKS), audited in z like any other loss.

A loss written as an expression is composed exactly: every y_pred of its text becomes link(y_pred)
(sigmoid(y_pred), softmax(y_pred), exp(y_pred)), so the exact and the binary readings, the proofs and
the re-checks all see L(link(z), y) itself; the parser keeps a logarithm of a link exact and stable
(lossaudit.symbolic.linkforms: log(sigmoid(z)) = -log(1 + exp(-z)), log(exp(z)) = z).
"""
from __future__ import annotations

import re
from dataclasses import replace

from .errors import LinkError
from .kinds import IDENTITY, LINKS, Link, get_kind, natural_link
from .text import did_you_mean

_Y_PRED = re.compile(r"\by_pred\b")


def get_link(name: str) -> Link:
    try:
        return LINKS[name]
    except KeyError:
        raise LinkError(f"unknown link {name!r}{did_you_mean(name, LINKS)} (the links are: "
                        f"{', '.join(LINKS)})") from None


def check_link(loss, link: Link) -> None:
    """Refuse a link the loss cannot be read through, naming both."""
    if link.identity:
        return
    if loss.kind.name != link.to_kind:
        others = [x.name for x in LINKS.values() if x.to_kind == loss.kind.name]
        hint = f"; its natural link is {others[0]}" if others else "; no link applies to it"
        raise LinkError(f"the {link.name} link gives a {link.to_kind} prediction ({link.summary}), but "
                        f"{loss.name!r} is a {loss.kind.name} loss{hint}")
    if loss.text is None:
        raise LinkError(f"the {link.name} link composes an expression; {loss.name!r} is a callable (compose it "
                        f"yourself: f(link(z), y))")
    if loss.pred_override is not None and loss.pred_override != loss.kind.pred_domain:
        raise LinkError(f"the {link.name} link reaches the whole {link.to_kind} domain "
                        f"{loss.kind.pred_domain}; {loss.name!r} narrows it to {loss.pred_override}")


def linked_text(text: str, link: Link) -> str:
    """The expression with every y_pred read through the link: y_pred -> sigmoid(y_pred)."""
    return _Y_PRED.sub(f"{link.function}(y_pred)", text)


def compose(loss, link: Link | str):
    """L(link(z), y) as a loss of the link's from-kind (the loss itself for the identity)."""
    link = get_link(link) if isinstance(link, str) else link
    check_link(loss, link)
    if link.identity:
        return loss
    composed = replace(loss, name=f"{loss.name} through {link.name}", kind=get_kind(link.from_kind),
                       text=linked_text(loss.text, link), aliases=(), pred_override=None,
                       source=loss.source or "expression")
    composed._validate_common()
    _ = composed.expression  # parses (raises ExpressionError naming the composed text)
    return composed


def natural(loss) -> Link:
    """The loss's natural link (sigmoid for a probability loss), the identity when it has none or is a callable."""
    link = natural_link(loss.kind)
    if link.identity or loss.text is None or loss.pred_override is not None:
        return IDENTITY
    return link


def numeric_link(name: str):
    """The link as a numpy function (callables and plots)."""
    import numpy as np
    from scipy.special import expit, softmax

    return {"sigmoid": expit, "exp": np.exp, "softmax": lambda z: softmax(z, axis=-1)}[name]


def through_views(losses, link, through) -> list:
    """(index, link name, composed loss) for each loss shown through its natural link as well: by default
    the built-ins (a user's loss when `through` is True), never when a link was asked for."""
    if link is not None or through is False:
        return []
    out = []
    for i, loss in enumerate(losses):
        chosen = natural(loss)
        if not chosen.identity and (through or loss.source.startswith("catalog/")):
            out.append((i, chosen.name, compose(loss, chosen)))
    return out
