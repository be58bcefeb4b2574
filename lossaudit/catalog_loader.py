"""The built-in losses: catalog/*.toml -> Loss, validated.

Each file holds `[[loss]]` entries (definitions only, never verdicts):

    [[loss]]
    name = "huber"                     # required: lowercase letters, digits, _
    aliases = ["huber_loss"]           # other names that find it
    kind = "regression"                # one of lossaudit.kinds.KINDS
    role = "loss"                      # or "metric" (default "loss")
    expression = "..."                 # the expression language (lossaudit.expr)
    description = "..."                # one line
    references = ["..."]               # papers or library docs
    classes = 3                        # K, vector kinds only
    pred_domain = "(0, 1)"             # narrow the kind's domains (optional)
    target_domain = "{0, 1}"
    [loss.parameters.delta]
    default = 1.0
    range = "(0, inf)"
    description = "..."
    [loss.equivalents]
    pytorch = "torch.nn.HuberLoss(delta=1.0)"

Any problem is a CatalogError naming the file, the entry and the field.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .errors import CatalogError, LossAuditError, UnknownLossError
from .files import Refused, read_limited
from .kinds import KINDS, Interval, parse_domain
from .loss import ROLES, Loss, Parameter

ENTRY_FIELDS = {"name", "aliases", "kind", "role", "expression", "description", "references",
                "classes", "pred_domain", "target_domain", "parameters", "equivalents"}
REQUIRED = ("name", "kind", "expression", "description", "references")
PARAMETER_FIELDS = {"default", "range", "description"}
FRAMEWORKS = ("pytorch", "keras", "tensorflow", "optax", "jax", "sklearn", "scipy", "xgboost", "lightgbm",
              "segmentation_models", "monai")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
MAX_FILE_BYTES = 1 << 20   # 1 MiB: the largest built-in file is about 16 kB
MAX_ENTRIES = 500          # per file


def catalog_dir() -> Path:
    """Where the built-in catalog lives: $LOSSAUDIT_CATALOG, the source tree, or the installed copy."""
    env = os.environ.get("LOSSAUDIT_CATALOG")
    if env:
        return Path(env)
    source = Path(__file__).resolve().parent.parent / "catalog"
    if source.is_dir():
        return source
    from importlib import resources
    return Path(str(resources.files("lossaudit.builtin_catalog")))


def load(directory: str | Path | None = None) -> list[Loss]:
    """Every entry of every catalog file, validated; raises CatalogError on the first problem."""
    folder = Path(directory) if directory is not None else catalog_dir()
    if not folder.is_dir():
        raise CatalogError("the catalog folder does not exist", file=str(folder))
    losses: list[Loss] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.toml")):
        for loss in _load_file(path):
            for key in (loss.name,) + loss.aliases:
                if key in seen:
                    raise CatalogError(f"the name {key!r} is already used by {seen[key]}",
                                       file=path.name, entry=loss.name,
                                       field="name" if key == loss.name else "aliases")
                seen[key] = f"entry {loss.name!r}"
            losses.append(loss)
    return losses


@lru_cache(maxsize=4)
def _cached(directory: str) -> tuple:
    return tuple(load(directory))


def builtins() -> tuple:
    """The built-in losses (loaded once per process)."""
    return _cached(str(catalog_dir()))


def find(name: str) -> Loss:
    """A built-in loss by name or alias; UnknownLossError suggests near names."""
    key = name.strip().lower().replace("-", "_")
    for loss in builtins():
        if key == loss.name or key in loss.aliases:
            return loss
    import difflib
    names = [x.name for x in builtins()] + [a for x in builtins() for a in x.aliases]
    close = difflib.get_close_matches(key, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `lossaudit list` shows them all"
    raise UnknownLossError(f"no built-in loss is named {name!r}{hint}")


def _load_file(path: Path) -> list[Loss]:
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        entry, field = _locate(text, str(exc))
        raise CatalogError(f"not valid TOML: {exc}", file=path.name, entry=entry, field=field) from None
    except (RecursionError, MemoryError, ValueError) as exc:  # tables or arrays nested thousands deep
        raise CatalogError(f"not valid TOML: it is nested too deeply or too large to read ({type(exc).__name__})",
                           file=path.name) from None
    unknown_top = set(data) - {"loss"}
    if unknown_top:
        raise CatalogError(f"unknown top-level key(s) {[_short(k) for k in sorted(unknown_top)[:10]]}; "
                           "entries are [[loss]] tables",
                           file=path.name)
    entries = data.get("loss", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise CatalogError("entries must be written as [[loss]] tables", file=path.name)
    if len(entries) > MAX_ENTRIES:
        raise CatalogError(f"the file has {len(entries)} entries; the limit is {MAX_ENTRIES} per file",
                           file=path.name)
    return [_entry(path.name, i, e) for i, e in enumerate(entries)]


def _read(path: Path) -> str:
    """The text of a regular catalog file of at most MAX_FILE_BYTES (devices, FIFOs, sockets are never read)."""
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except Refused as exc:
        raise CatalogError(f"{exc} (1 MiB)" if "limit" in str(exc) else str(exc), file=path.name) from None
    except OSError as exc:
        raise CatalogError(f"cannot read the file: {exc.strerror or exc}", file=path.name) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 text (byte {exc.start}: {exc.reason})", file=path.name) from None


def _locate(text: str | None, message: str) -> tuple:
    """(entry, field) around a TOML syntax error's line: the last name = "..." above it, the key on it."""
    m = re.search(r"line (\d+)", message)
    if not text or not m:
        return None, None
    lines = text.splitlines()
    line = min(int(m.group(1)), len(lines))
    entry = None
    for above in reversed(lines[:line]):
        named = re.match(r'\s*name\s*=\s*"([^"]*)"', above)
        if named:
            entry = named.group(1)
            break
        if above.strip() == "[[loss]]":
            break
    key = re.match(r"\s*([A-Za-z_][\w.]*)\s*=", lines[line - 1]) if lines else None
    return entry, key.group(1) if key else None


def _entry(file: str, index: int, raw: dict) -> Loss:
    name = raw.get("name")
    label = name if isinstance(name, str) and len(name) <= 60 else f"#{index + 1}"

    def fail(message, field=None):
        raise CatalogError(message, file=file, entry=label, field=field)

    _check_keys(raw, fail)
    fields = dict(_names(raw, fail), **_kind_and_role(raw, fail), **_domains(raw, fail))
    references = tuple(_text(r, fail, "references") for r in _list(raw["references"], fail, "references"))
    if not references:
        fail("at least one reference is needed", "references")
    try:
        return Loss.from_expression(
            _text(raw["expression"], fail, "expression"), KINDS[fields.pop("kind")],
            parameters=_parameters(raw.get("parameters", {}), fail), classes=_classes(raw, fail),
            source=f"catalog/{file}", description=_text(raw["description"], fail, "description"),
            references=references, equivalents=_equivalents(raw.get("equivalents", {}), fail), **fields)
    except CatalogError:
        raise
    except LossAuditError as exc:
        field = "expression" if type(exc).__name__ == "ExpressionError" else _guess_field(str(exc))
        fail(str(exc), field)


def _check_keys(raw: dict, fail) -> None:
    for key in raw:
        if key not in ENTRY_FIELDS:
            fail(f"unknown field (the fields are {', '.join(sorted(ENTRY_FIELDS))})", _short(key))
    for key in REQUIRED:
        if key not in raw:
            fail("this required field is missing", key)


def _names(raw: dict, fail) -> dict:
    name = _text(raw["name"], fail, "name")
    if not NAME_PATTERN.fullmatch(name):
        fail("a name is lowercase letters, digits and _ , starting with a letter", "name")
    aliases = tuple(_text(a, fail, "aliases") for a in _list(raw.get("aliases", []), fail, "aliases"))
    for a in aliases:
        if not NAME_PATTERN.fullmatch(a):
            fail(f"the alias {_short(a)!r} is not lowercase letters, digits and _", "aliases")
    return {"name": name, "aliases": aliases}


def _kind_and_role(raw: dict, fail) -> dict:
    kind = _text(raw["kind"], fail, "kind")
    if kind not in KINDS:
        fail(f"unknown kind {_short(kind)!r} (the kinds are {', '.join(KINDS)})", "kind")
    role = _text(raw.get("role", "loss"), fail, "role")
    if role not in ROLES:
        fail(f"unknown role {_short(role)!r} (loss or metric)", "role")
    return {"kind": kind, "role": role}


def _domains(raw: dict, fail) -> dict:
    domains = {}
    for key in ("pred_domain", "target_domain"):
        if key in raw:
            try:
                domains[key] = parse_domain(_text(raw[key], fail, key))
            except LossAuditError as exc:
                fail(str(exc), key)
    return domains


def _classes(raw: dict, fail) -> int | None:
    classes = raw.get("classes")
    if classes is not None and (not isinstance(classes, int) or isinstance(classes, bool)):
        fail("classes must be an integer", "classes")
    return classes


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _guess_field(message: str) -> str:
    """Which field a Loss validation message is about."""
    for words, field in ((("target domain", "target of a"), "target_domain"),
                         (("prediction domain",), "pred_domain"), (("classes",), "classes"),
                         (("parameter",), "parameters"), (("role",), "role")):
        if any(w in message for w in words):
            return field
    return "expression"


def _parameters(raw, fail) -> tuple:
    if not isinstance(raw, dict):
        fail("parameters must be a table of [loss.parameters.NAME] tables", "parameters")
    out = []
    from .syntax import FUNCTION_NAMES, RESERVED
    for pname, spec in raw.items():
        where = f"parameters.{pname}"
        if not pname.isidentifier() or pname in RESERVED or pname in FUNCTION_NAMES:
            fail(f"{pname!r} cannot name a parameter (it is a variable, constant or function name)", where)
        if not isinstance(spec, dict):
            fail("a parameter is a table with default, range and description", where)
        for key in spec:
            if key not in PARAMETER_FIELDS:
                fail(f"unknown field {key!r} (the fields are default, range, description)", where)
        if "default" not in spec:
            fail("the default value is missing", where + ".default")
        default = spec["default"]
        if isinstance(default, bool) or not isinstance(default, (int, float)):
            fail(f"the default must be a number; {default!r} was given", where + ".default")
        try:
            rng = parse_domain(spec.get("range", "(-inf, inf)"))
        except LossAuditError as exc:
            fail(str(exc), where + ".range")
        if not isinstance(rng, Interval):
            fail("a range is an interval such as \"(0, inf)\"", where + ".range")
        if not rng.contains(float(default)):
            fail(f"the default {default} lies outside the range {rng}", where + ".default")
        out.append(Parameter(pname, float(default), rng, str(spec.get("description", ""))))
    return tuple(out)


def _equivalents(raw, fail) -> tuple:
    if not isinstance(raw, dict):
        fail("equivalents must be a table: framework = \"how\"", "equivalents")
    for key, value in raw.items():
        if key not in FRAMEWORKS:
            fail(f"unknown framework {key!r} (known: {', '.join(FRAMEWORKS)})", f"equivalents.{key}")
        if not isinstance(value, str):
            fail("an equivalent is a string", f"equivalents.{key}")
    return tuple(raw.items())


def _text(value, fail, field) -> str:
    if not isinstance(value, str):
        fail(f"must be a string; {type(value).__name__} was given", field)
    return value


def _list(value, fail, field) -> list:
    if not isinstance(value, list):
        fail(f"must be a list; {type(value).__name__} was given", field)
    return value
