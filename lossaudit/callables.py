"""User callables: importing them by "path.py:func" or "package.module:func", and calling them safely.

A callable f(y_pred, y_true) works on numpy arrays: elementwise for scalar kinds,
last axis K for vector kinds. `SafeCallable` calls it with copies of the inputs
(so mutation cannot disturb the audit), swallows whatever it prints (at the
descriptor level too), checks the shape of what it returns, and falls back to
one call per point when the callable is not vectorised. A value that is not a
finite real number (complex, or an infinity that is not mere float overflow)
becomes NaN and is logged with its reason, like a point where the callable
raised; a failure of the whole call becomes `CallableFailure` with the input that
caused it. The property modules turn both into `unknown`.

A callable named by "file.py:func" is an `ImportedCallable`: its module is
imported on first use, inside the worker process that audits it, under the
audit's deadline (`prepare`).
"""
from __future__ import annotations

import importlib
import importlib.util
import math
import os
import sys
from pathlib import Path

import numpy as np

from .errors import CallableError
from .infinities import OverflowProbe
from .isolation import quiet as _quiet
from .timeouts import PropertyTimeout, SymbolicTimeout, deadline

# deadlines are the audit's own: user code must never swallow them
_DEADLINES = (PropertyTimeout, SymbolicTimeout)


class CallableFailure(Exception):
    """The callable raised, returned the wrong shape, or is not deterministic, at `example`."""

    def __init__(self, reason: str, example: dict | None = None):
        self.reason = reason
        self.example = example or {}
        super().__init__(reason)


class WrongShape(CallableFailure):
    """The callable returned an array of the wrong shape (a mean or sum instead of one value per sample)."""


class _ImportTimeout(BaseException):
    """Importing the callable's module ran out of time."""


def looks_like_callable_spec(text: str) -> bool:
    """"file.py:func" or "package.module:func" (not an expression, not a catalog name)."""
    if ":" not in text or text.count(":") != 1:
        return False
    left, right = text.rsplit(":", 1)
    return bool(left) and right.isidentifier() and (left.endswith(".py") or all(
        part.isidentifier() for part in left.split(".")))


# ---------------------------------------------------------------------------
# Importing

class ImportedCallable:
    """The callable "file.py:func" / "module:func", imported on first use (see `prepare`).

    Building one runs no user code: it only checks the form of the spec and that the file exists.
    """

    def __init__(self, spec: str):
        _check_spec(spec)
        self.spec = spec
        self.__name__ = spec.rsplit(":", 1)[1]
        self._func = None

    def load(self, seconds: float | None = None):
        if self._func is None:
            self._func = load_callable(self.spec, seconds)
        return self._func

    def __call__(self, *args):
        return self.load()(*args)

    def __repr__(self) -> str:
        return f"<callable {self.spec}>"


def prepare(func, seconds: float | None = None) -> None:
    """Import an ImportedCallable's module now, within `seconds`; CallableError when that fails."""
    if isinstance(func, ImportedCallable):
        func.load(seconds)


def _check_spec(spec: str) -> None:
    if not looks_like_callable_spec(spec):
        raise CallableError(f"{spec!r} is not of the form path/to/file.py:func or package.module:func", spec=spec)
    target = spec.rsplit(":", 1)[0]
    if target.endswith(".py"):
        file = Path(target)
        if not file.exists():
            raise CallableError(f"{spec}: the file {target} does not exist", spec=spec)
        if not file.is_file():
            raise CallableError(f"{spec}: {target} is not a file", spec=spec)
        _check_syntax(file, target, spec)


def _check_syntax(file: Path, target: str, spec: str) -> None:
    """A syntax error is found here, at once: compiling runs none of the module's code."""
    try:
        compile(file.read_bytes(), str(file), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CallableError(f"{spec}: {target} has a syntax error at line {exc.lineno}: {exc.msg}", spec=spec) from None
    except (OSError, ValueError):
        pass  # the import says what is wrong, with the same words as before


def load_callable(spec: str, seconds: float | None = None):
    """Import "path/to/file.py:func" or "package.module:func" (within `seconds`); CallableError says why not."""
    _check_spec(spec)
    target, name = spec.rsplit(":", 1)
    try:
        with deadline(seconds, _ImportTimeout):
            module = _load_file(target, spec) if target.endswith(".py") else _load_module(target, spec)
    except _ImportTimeout:
        raise CallableError(f"{spec}: importing {target} did not finish within {seconds:g} s (--timeout); "
                            "the module must not run long work when imported", spec=spec) from None
    if not hasattr(module, name):
        available = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
        hint = f" (callables there: {', '.join(available[:8])})" if available else ""
        raise CallableError(f"{target} has no attribute {name!r}{hint}", spec=spec)
    func = getattr(module, name)
    if not callable(func):
        raise CallableError(f"{spec}: {name!r} is a {type(func).__name__}, not a callable", spec=spec)
    return func


def _load_file(path: str, spec: str):
    file = Path(path)
    mod_name = f"lossaudit_user_{abs(hash(str(file.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(mod_name, file)
    if loader_spec is None or loader_spec.loader is None:
        raise CallableError(f"{spec}: cannot load {path} as a Python module", spec=spec)
    module = importlib.util.module_from_spec(loader_spec)
    sys.path.insert(0, str(file.resolve().parent))
    try:
        with _quiet():
            loader_spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise CallableError(f"{spec}: {path} has a syntax error at line {exc.lineno}: {exc.msg}", spec=spec) from None
    except (*_DEADLINES, _ImportTimeout):
        raise
    except BaseException as exc:  # noqa: BLE001 - whatever the user's module raises on import, sys.exit too
        raise CallableError(f"{spec}: importing {path} {_did(exc)}", spec=spec) from None
    finally:
        sys.path.pop(0)
    return module


def _load_module(name: str, spec: str):
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        with _quiet():
            return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise CallableError(f"{spec}: no module named {exc.name!r}", spec=spec) from None
    except SyntaxError as exc:
        raise CallableError(f"{spec}: module {name} has a syntax error in {exc.filename} at line "
                            f"{exc.lineno}: {exc.msg}", spec=spec) from None
    except (*_DEADLINES, _ImportTimeout):
        raise
    except BaseException as exc:  # noqa: BLE001
        raise CallableError(f"{spec}: importing {name} {_did(exc)}", spec=spec) from None


def _did(exc: BaseException) -> str:
    """What the user's module did when imported, in words (an exit is not lossaudit's)."""
    if isinstance(exc, SystemExit):
        return (f"called sys.exit({exc.code!r}) (SystemExit); the callable's module ended the import, "
                "so there is nothing to audit")
    if isinstance(exc, KeyboardInterrupt):
        return "raised KeyboardInterrupt; the callable's module interrupted its own import"
    return f"raised {type(exc).__name__}: {exc}"


def call_user(func, *args):
    """func(*args), quiet; anything it raises (SystemExit and KeyboardInterrupt too) is a CallableFailure."""
    try:
        with _quiet():
            return func(*args)
    except _DEADLINES:
        raise
    except BaseException as exc:  # noqa: BLE001 - the user's code may raise anything, even exit
        raise CallableFailure(f"the callable raised {type(exc).__name__}: {exc}") from None


def _example(yp, yt) -> dict:
    def first(a):
        a = np.asarray(a)
        return a.reshape(-1)[0] if a.ndim <= 1 or a.shape[-1] == 0 else a.reshape(-1, a.shape[-1])[0]
    return {"y_pred": first(yp), "y_true": first(yt)}


# ---------------------------------------------------------------------------
# Calling

class SafeCallable:
    """Calls a user's f(y_pred, y_true) safely and vectorised; see the module docstring."""

    def __init__(self, func, vector_size: int | None, log=None):
        self.func = func
        self.k = vector_size
        self.vectorised = True
        self.log = log  # where points at which the callable raised are noted (they become NaN)
        self.overflow = OverflowProbe(self._one, vector=bool(vector_size))

    def __call__(self, yp, yt) -> np.ndarray:
        yp, yt = np.asarray(yp, dtype=float), np.asarray(yt, dtype=float)
        if self.k:
            shape = np.broadcast_shapes(yp.shape, yt.shape)
            yp, yt = np.broadcast_to(yp, shape), np.broadcast_to(yt, shape)
            out_shape = shape[:-1]
        else:
            yp, yt = np.broadcast_arrays(yp, yt)
            out_shape = yp.shape
        if self.vectorised:
            try:
                return self._vectorised(yp, yt, out_shape)
            except WrongShape:
                raise
            except CallableFailure:
                if yp.size <= (self.k or 1):
                    raise
                self.vectorised = False  # it cannot take arrays: call it one point at a time
        return self._pointwise(yp, yt, out_shape)

    def _call(self, yp, yt):
        try:
            with np.errstate(all="ignore"):
                return call_user(self.func, np.array(yp, dtype=float, copy=True),
                                 np.array(yt, dtype=float, copy=True))
        except CallableFailure as exc:
            raise CallableFailure(exc.reason, _example(yp, yt)) from None

    def _vectorised(self, yp, yt, out_shape):
        out = self._call(yp, yt)
        arr, imaginary = _real(out)
        if arr is None:
            raise CallableFailure(f"the callable returned {type(out).__name__}, not numbers", _example(yp, yt))
        if arr.shape != out_shape:
            if arr.size == 1 and int(np.prod(out_shape)) == 1:
                return self._screened(arr.reshape(out_shape), imaginary.reshape(out_shape), yp, yt)
            hint = " (one loss value per sample, not a mean or a sum)" if arr.size == 1 else ""
            raise WrongShape(f"the callable returned shape {arr.shape} for inputs of shape {yp.shape}; "
                             f"expected {out_shape}{hint}", _example(yp, yt))
        return self._screened(arr, imaginary, yp, yt)

    def _pointwise(self, yp, yt, out_shape):
        if self.k:
            flat_p, flat_t = yp.reshape(-1, self.k), yt.reshape(-1, self.k)
        else:
            flat_p, flat_t = yp.reshape(-1), yt.reshape(-1)
        values = np.empty(flat_p.shape[0])
        for i in range(values.size):  # the slow path for callables that are not vectorised
            values[i] = self._at(flat_p[i:i + 1], flat_t[i:i + 1])
        return values.reshape(out_shape)

    def _at(self, p, t) -> float:
        """The value at one point (p, t: arrays holding one point); NaN, logged, where it failed."""
        try:
            v = self._call(p[0], t[0])
        except CallableFailure as exc:
            if self.log is None:
                raise
            self.log.note(p, t, np.array([np.nan]), exc.reason)  # this point only: the property says unknown
            return np.nan
        if isinstance(v, (float, np.floating)) and math.isfinite(v):
            return float(v)  # the common case, kept cheap: this runs once per point
        arr, imaginary = _real(v)
        if arr is None:
            raise CallableFailure(f"the callable returned {type(v).__name__}, not a number",
                                  {"y_pred": p[0], "y_true": t[0]})
        if arr.size != 1:
            raise CallableFailure(f"the callable returned shape {arr.shape} for one point; expected a number",
                                  {"y_pred": p[0], "y_true": t[0]})
        return float(self._screened(arr.reshape(1), imaginary.reshape(1), p, t)[0])

    def _one(self, p, t) -> float:
        """The raw value at one point for the overflow probe: NaN where it is not a real number."""
        p, t = np.asarray(p, dtype=float), np.asarray(t, dtype=float)
        try:
            arr, imaginary = _real(self._call(p[None], t[None]) if self.vectorised else self._call(p, t))
        except CallableFailure:
            return np.nan
        if arr is None or arr.size != 1 or imaginary.any():
            return np.nan
        return float(arr.reshape(-1)[0])

    def _screened(self, arr, imaginary, yp, yt) -> np.ndarray:
        """Complex values and true infinities become NaN, logged with the reason; overflow stays ±inf."""
        if imaginary.any():
            self._undefined(yp, yt, imaginary, "the callable returned a complex number (a loss is real)")
            arr = np.where(imaginary, np.nan, arr)
        infinite = np.isinf(arr)
        if infinite.any():
            true = self.overflow.true_infinities(arr, yp, yt)
            if true.any():
                sign = "-inf" if np.any(arr[true] < 0) and not np.any(arr[true] > 0) else "inf"
                self._undefined(yp, yt, true, f"the callable returned {sign} (a true infinity, not float overflow)")
                arr = np.where(true, np.nan, arr)
        return arr

    def _undefined(self, yp, yt, mask, reason: str) -> None:
        if self.log is None:
            i = int(np.flatnonzero(mask.reshape(-1))[0])
            raise CallableFailure(reason, _example(_row(yp, i, self.k), _row(yt, i, self.k)))
        self.log.note(yp, yt, np.where(mask, np.nan, 0.0), reason)


def _row(a, i: int, k):
    a = np.asarray(a)
    return a.reshape(-1, k)[i:i + 1] if k else a.reshape(-1)[i:i + 1]


def _real(out):
    """(floats, mask of values with a nonzero imaginary part), or (None, None) when `out` is not numbers."""
    try:
        raw = np.asarray(out)
        if np.iscomplexobj(raw):
            return np.asarray(raw.real, dtype=float), np.asarray(raw.imag != 0)
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        return None, None
    return arr, np.zeros(arr.shape, dtype=bool)
