"""User callables: importing them by "path.py:func" or "package.module:func", and calling them safely.

A callable f(y_pred, y_true) works on numpy arrays: elementwise for scalar kinds,
last axis K for vector kinds. `SafeCallable` calls it with copies of the inputs
(so mutation cannot disturb the audit), swallows whatever it prints, checks the
shape of what it returns, and falls back to one call per point when the
callable is not vectorised. A failure becomes `CallableFailure` with the input
that caused it, which the property modules turn into `unknown`.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import sys
from pathlib import Path

import numpy as np

from .errors import CallableError


class CallableFailure(Exception):
    """The callable raised, returned the wrong shape, or is not deterministic, at `example`."""

    def __init__(self, reason: str, example: dict | None = None):
        self.reason = reason
        self.example = example or {}
        super().__init__(reason)


class WrongShape(CallableFailure):
    """The callable returned an array of the wrong shape (a mean or sum instead of one value per sample)."""


def looks_like_callable_spec(text: str) -> bool:
    """"file.py:func" or "package.module:func" (not an expression, not a catalog name)."""
    if ":" not in text or text.count(":") != 1:
        return False
    left, right = text.rsplit(":", 1)
    return bool(left) and right.isidentifier() and (left.endswith(".py") or all(
        part.isidentifier() for part in left.split(".")))


def load_callable(spec: str):
    """Import "path/to/file.py:func" or "package.module:func"; CallableError names what went wrong."""
    if not looks_like_callable_spec(spec):
        raise CallableError(f"{spec!r} is not of the form path/to/file.py:func or package.module:func")
    target, name = spec.rsplit(":", 1)
    if target.endswith(".py"):
        module = _load_file(target, spec)
    else:
        module = _load_module(target, spec)
    if not hasattr(module, name):
        available = sorted(n for n in dir(module) if not n.startswith("_") and callable(getattr(module, n)))
        hint = f" (callables there: {', '.join(available[:8])})" if available else ""
        raise CallableError(f"{target} has no attribute {name!r}{hint}")
    func = getattr(module, name)
    if not callable(func):
        raise CallableError(f"{spec}: {name!r} is a {type(func).__name__}, not a callable")
    return func


def _load_file(path: str, spec: str):
    file = Path(path)
    if not file.exists():
        raise CallableError(f"{spec}: the file {path} does not exist")
    if not file.is_file():
        raise CallableError(f"{spec}: {path} is not a file")
    mod_name = f"lossaudit_user_{abs(hash(str(file.resolve())))}"
    loader_spec = importlib.util.spec_from_file_location(mod_name, file)
    if loader_spec is None or loader_spec.loader is None:
        raise CallableError(f"{spec}: cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(loader_spec)
    sys.path.insert(0, str(file.resolve().parent))
    try:
        with _quiet():
            loader_spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise CallableError(f"{spec}: {path} has a syntax error at line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001 - whatever the user's module raises on import
        raise CallableError(f"{spec}: importing {path} raised {type(exc).__name__}: {exc}") from None
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
        raise CallableError(f"{spec}: no module named {exc.name!r}") from None
    except SyntaxError as exc:
        raise CallableError(f"{spec}: module {name} has a syntax error in {exc.filename} at line "
                            f"{exc.lineno}: {exc.msg}") from None
    except Exception as exc:  # noqa: BLE001
        raise CallableError(f"{spec}: importing {name} raised {type(exc).__name__}: {exc}") from None


@contextlib.contextmanager
def _quiet():
    """Swallow what user code prints, so stdout carries only the report."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def _example(yp, yt) -> dict:
    def first(a):
        a = np.asarray(a)
        return a.reshape(-1)[0] if a.ndim <= 1 or a.shape[-1] == 0 else a.reshape(-1, a.shape[-1])[0]
    return {"y_pred": first(yp), "y_true": first(yt)}


class SafeCallable:
    """Calls a user's f(y_pred, y_true) safely and vectorised; see the module docstring."""

    def __init__(self, func, vector_size: int | None, log=None):
        self.func = func
        self.k = vector_size
        self.vectorised = True
        self.log = log  # where points at which the callable raised are noted (they become NaN)

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
            with _quiet(), np.errstate(all="ignore"):
                return self.func(np.array(yp, dtype=float, copy=True), np.array(yt, dtype=float, copy=True))
        except Exception as exc:  # noqa: BLE001 - the user's code may raise anything
            raise CallableFailure(f"the callable raised {type(exc).__name__}: {exc}", _example(yp, yt)) from None

    def _vectorised(self, yp, yt, out_shape):
        out = self._call(yp, yt)
        try:
            arr = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            raise CallableFailure(f"the callable returned {type(out).__name__}, not numbers",
                                  _example(yp, yt)) from None
        if arr.shape != out_shape:
            if arr.size == 1 and int(np.prod(out_shape)) == 1:
                return arr.reshape(out_shape)
            hint = " (one loss value per sample, not a mean or a sum)" if arr.size == 1 else ""
            raise WrongShape(f"the callable returned shape {arr.shape} for inputs of shape {yp.shape}; "
                             f"expected {out_shape}{hint}", _example(yp, yt))
        return arr

    def _pointwise(self, yp, yt, out_shape):
        if self.k:
            flat_p, flat_t = yp.reshape(-1, self.k), yt.reshape(-1, self.k)
        else:
            flat_p, flat_t = yp.reshape(-1), yt.reshape(-1)
        values = np.empty(flat_p.shape[0])
        for i in range(values.size):  # the slow path for callables that are not vectorised
            try:
                v = self._call(flat_p[i], flat_t[i])
            except CallableFailure as exc:
                if self.log is None:
                    raise
                values[i] = np.nan  # this point only; the property that needed it will say unknown
                self.log.note(flat_p[i:i + 1], flat_t[i:i + 1], np.array([np.nan]), exc.reason)
                continue
            try:
                arr = np.asarray(v, dtype=float)
            except (TypeError, ValueError):
                raise CallableFailure(f"the callable returned {type(v).__name__}, not a number",
                                      {"y_pred": flat_p[i], "y_true": flat_t[i]}) from None
            if arr.size != 1:
                raise CallableFailure(f"the callable returned shape {arr.shape} for one point; expected a number",
                                      {"y_pred": flat_p[i], "y_true": flat_t[i]})
            values[i] = arr.reshape(-1)[0]
        return values.reshape(out_shape)
