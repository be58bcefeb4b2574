"""One error family for everything a user can get wrong.

Every message names the input it is about (the expression and column, the
catalog file, entry and field, the callable's path). The CLI prints the message
and exits with status 2; it never shows a traceback for these.
"""
from __future__ import annotations


class LossAuditError(Exception):
    """Bad input to lossaudit; the CLI turns it into exit status 2.

    Fields (file, entry, column, ...) are attributes, so no code reads them back out of the message.
    Errors cross process boundaries (a worker reports a user's bad input): they pickle with their fields.
    """

    def __reduce__(self):
        return _rebuild, (type(self), str(self), dict(self.__dict__))


def _rebuild(cls: type, message: str, fields: dict) -> LossAuditError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(fields)
    return error


class ExpressionError(LossAuditError):
    """An expression outside the grammar, with the offending token and its column."""

    def __init__(self, message: str, *, text: str | None = None, column: int | None = None,
                 token: str | None = None):
        self.text = text
        self.column = column  # 1-based
        self.token = token
        self.reason = message  # the message without its place
        where = f" at column {column}" if column is not None else ""
        shown = ""
        if text is not None and len(text) <= 120:
            shown = f" in {text!r}"
        super().__init__(f"{message}{where}{shown}")


class CatalogError(LossAuditError):
    """A malformed catalog file; names the file, the entry and the field."""

    def __init__(self, message: str, *, file: str, entry: str | None = None,
                 field: str | None = None):
        self.file, self.entry, self.field = file, entry, field
        self.reason = message  # the message without its place
        place = f"catalog file {file}"
        if entry is not None:
            place += f", entry {entry!r}"
        if field is not None:
            place += f", field {field!r}"
        super().__init__(f"{place}: {message}")


class LossError(LossAuditError):
    """A loss that cannot be audited as given (bad parameter value, bad domain, ...)."""


class UnknownLossError(LossAuditError):
    """A name that is neither a built-in loss nor one of its aliases."""


class UnknownPropertyError(LossAuditError):
    """A property name that is not one of the six."""


class DomainError(LossAuditError):
    """A domain written in a form lossaudit cannot read, or an empty one."""


class CallableError(LossAuditError):
    """A Python callable that cannot be imported or called as a loss; `spec` is its "file.py:func" text."""

    def __init__(self, message: str, *, spec: str | None = None):
        self.spec = spec
        super().__init__(message)


class LinkError(LossAuditError):
    """A link that makes no sense for the loss (a sigmoid on a regression loss), or an unknown one."""


class RegionError(LossAuditError):
    """A parameter range that cannot be explored: an unknown parameter, or a range outside its domain."""
