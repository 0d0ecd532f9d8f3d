"""One loader for every JSON data file, checked by JSON Schemas (Draft 2020-12) kept in
`skillir/data/schemas/<kind>.schema.json`.

Two entry points:

- `load_data(name)`: a file shipped in `skillir/data/` (`"primitives.json"`,
  `"profiles/synthetic/weak.json"`), parsed once per process. Packaged files are checked
  against their schemas by the test suite (`tests/test_datafiles.py`), not at run time:
  importing jsonschema and validating every table would cost ~70 ms + ~40 ms per process.
  Set `SKILLIR_CHECK_DATA=1` to validate them at run time too (while editing a table).
- `load_json_file(path, schema="profile")`: a file a user hands us (a profile to import,
  a task.json, ~/.skillir/config.json). Always bounded before any work (a regular file
  only, so a FIFO or a device is an error and never a hang; at most `MAX_JSON_BYTES`;
  nesting at most `skillir.limits.MAX_NESTING`, since deeper JSON makes `json.loads`
  raise RecursionError) and always validated.

Every failure is one `SkillIRError` in one style, naming the file and the JSON path:

    profile.json: error: $.capabilities['tool.exec']: is 'L5', expected L0..L3 (a profile is ...)

Schemas may carry two annotations of their own (ignored by JSON Schema itself):
`x-message` (what is wrong, in the words of the file's domain: a string, or an object
keyed by the failing keyword; `{value}` is the offending value) and `x-fix` (how to
fix it; the nearest one above the failing node wins).
Rules that span several fields (a degradation names an existing level, a profile names
primitives of the catalog) stay in Python, next to the loader that needs them.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from importlib import resources
from itertools import accumulate
from typing import Any

from skillir.errors import SkillIRError
from skillir.limits import MAX_NESTING
from skillir.untrusted import read_text_file

DATA_PACKAGE = "skillir.data"
SCHEMA_FOLDER = "schemas"
MAX_JSON_BYTES = 16 << 20
"""User JSON files over 16 MiB are refused (task.json inlines its fixtures; profiles are ~10 KB)."""

CHECK_ENV = "SKILLIR_CHECK_DATA"

_SCHEMA_OF = {"profiles": "profile"}
"""Data sub-folders whose files share one schema (every other file: its own stem)."""


def schema_for(name: str) -> str:
    """The schema kind of packaged data file `name` (`primitives.json` -> `primitives`)."""
    folder = name.split("/", 1)[0]
    if folder in _SCHEMA_OF and "/" in name:
        return _SCHEMA_OF[folder]
    return name.rsplit("/", 1)[-1].removesuffix(".json")


def packaged_files() -> list[str]:
    """Every JSON data file shipped in skillir/data (relative names), schemas excluded."""
    out: list[str] = []

    def walk(node, prefix: str) -> None:
        for item in sorted(node.iterdir(), key=lambda p: p.name):
            if item.is_dir():
                if prefix or item.name != SCHEMA_FOLDER:
                    walk(item, f"{prefix}{item.name}/")
            elif item.name.endswith(".json"):
                out.append(prefix + item.name)

    walk(resources.files(DATA_PACKAGE), "")
    return out


@cache
def load_data(name: str) -> Any:
    """Packaged data file `skillir/data/<name>`, parsed once (cached: do not mutate it)."""
    label = f"skillir/data/{name}"
    try:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SkillIRError(f"cannot read packaged data ({type(exc).__name__})", path=label,
                           hint="reinstall SkillIR") from None
    data = parse_json(text, source=label)
    if os.environ.get(CHECK_ENV, "") not in ("", "0"):
        validate(data, schema_for(name), source=label)
    return data


def load_json_file(path: str | os.PathLike[str], *, schema: str | None, what: str = "file",
                   limit: int = MAX_JSON_BYTES, fix: str | None = None) -> Any:
    """A user's JSON file: bounded (regular file, `limit` bytes, nesting), parsed and
    validated against `schema` (None: only parsed). Every problem is a one-line error."""
    source = os.fspath(path)
    text = read_text_file(source, limit=limit, what=what)
    check_nesting(text, source=source)
    data = parse_json(text, source=source, fix=fix)
    if schema is not None:
        validate(data, schema, source=source)
    return data


def parse_json(text: str, *, source: str, fix: str | None = None) -> Any:
    """`json.loads`, with a syntax error as a one-line error at the file's line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkillIRError(f"not valid JSON: {exc.msg} (column {exc.colno})", path=source,
                           line=exc.lineno, hint=fix or "fix the JSON syntax") from None
    except RecursionError:
        raise SkillIRError(f"JSON nested too deeply (over {MAX_NESTING} levels)", path=source,
                           hint="flatten the file") from None


_STRINGS = re.compile(r'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")


def check_nesting(text: str, *, source: str, limit: int = MAX_NESTING) -> None:
    """Refuse JSON nested deeper than `limit` before parsing it (strings do not count)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    depth = max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0)
    if depth > limit:
        raise SkillIRError(f"JSON nested {depth} levels deep, over the limit of {limit}",
                           path=source, hint="flatten the file")


# ---------------------------------------------------------------------------------------
# validation


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of data kind `kind` (skillir/data/schemas/<kind>.schema.json)."""
    name = f"{SCHEMA_FOLDER}/{kind}.schema.json"
    try:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SkillIRError(f"no schema for data kind '{kind}'", path=f"skillir/data/{name}",
                           hint="add the schema file, or fix the kind") from None
    return json.loads(text)


@cache
def _validator(kind: str):
    """The validator of schema `kind`, built once (the schemas themselves are checked
    against the Draft 2020-12 metaschema by the test suite, not here: ~5 ms each)."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


def validate(data: Any, kind: str, *, source: str) -> None:
    """Check `data` against schema `kind`; the first problem is a one-line SkillIRError
    `<source>: error: <$.json.path>: <what> (<how to fix>)`."""
    validator = _validator(kind)
    error = next(iter(validator.iter_errors(data)), None)
    if error is None:
        return
    where, what, fix = describe(error, schema(kind))
    raise SkillIRError(f"{where}: {what}", path=source, hint=fix)


def describe(error, root: dict[str, Any]) -> tuple[str, str, str | None]:
    """(JSON path, what is wrong, how to fix) of one jsonschema error."""
    path = list(error.absolute_path)
    nodes = _schema_nodes(root, list(error.absolute_schema_path)[:-1])
    node = error.schema
    fix = next((n["x-fix"] for n in reversed(nodes) if isinstance(n, dict) and "x-fix" in n), None)
    keyword = error.validator
    override = node.get("x-message") if isinstance(node, dict) else None
    if isinstance(override, dict):
        override = override.get(keyword)
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        extra = _extra_keys(error.instance, node)
        if extra and not override:
            path.append(extra[0])
            return json_path(path), "unexpected key", fix or _allowed(node)
    if override:
        return json_path(path), override.replace("{value}", short(error.instance)), fix
    if keyword in ("anyOf", "oneOf") and error.context:
        deepest = max(error.context, key=lambda e: len(e.absolute_path))
        if len(deepest.absolute_path) > len(error.absolute_path):
            where, what, inner_fix = describe(deepest, root)
            return where, what, inner_fix or fix
    return json_path(path), _what(error), fix


def _schema_nodes(root: dict[str, Any], schema_path: list[Any]) -> list[Any]:
    """The schema nodes along `schema_path` (jsonschema leaves `$ref` out of the path:
    a key missing from a node with a local `$ref` is looked up in its target)."""
    nodes: list[Any] = [root]
    node: Any = root
    for key in schema_path:
        while isinstance(node, dict) and key not in node and isinstance(node.get("$ref"), str):
            node = _resolve(root, node["$ref"])
            nodes.append(node)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        nodes.append(node)
    return nodes


def _resolve(root: dict[str, Any], ref: str) -> Any:
    node: Any = root
    for part in ref.removeprefix("#/").split("/") if ref.startswith("#/") else ():
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


def _extra_keys(instance: dict[str, Any], node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    props = node.get("properties", {})
    patterns = [re.compile(p) for p in node.get("patternProperties", {})]
    return [k for k in instance if k not in props and not any(p.search(k) for p in patterns)]


def _allowed(node: Any) -> str | None:
    props = node.get("properties") if isinstance(node, dict) else None
    if not props:
        return None
    names = sorted(props)
    return "allowed keys: " + ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def json_path(parts: list[Any]) -> str:
    """`$.primitives[3].levels['2']` from ['primitives', 3, 'levels', '2']."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(part):
            out += f".{part}"
        else:
            out += "[" + repr(part) + "]"
    return out


_KIND = {dict: "an object", list: "a list", str: "a string", bool: "true/false",
         int: "a whole number", float: "a number", type(None): "null"}
_TYPE = {"object": "a JSON object", "array": "a list", "string": "a string",
         "integer": "a whole number", "number": "a number", "boolean": "true or false",
         "null": "null"}


def kind_of(value: Any) -> str:
    return _KIND.get(type(value), type(value).__name__)


def short(value: Any, limit: int = 60) -> str:
    """A short rendering of a value for a one-line message."""
    if isinstance(value, dict):
        return f"an object of {len(value)} keys"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _what(error) -> str:
    keyword, expected, value = error.validator, error.validator_value, error.instance
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        return f"must be {' or '.join(_TYPE.get(t, t) for t in types)}, not {kind_of(value)}"
    if keyword == "required" and isinstance(value, dict):
        missing = [k for k in expected if k not in value]
        return f"has no '{missing[0]}'" if missing else "misses a required key"
    if keyword == "enum":
        options = ", ".join(str(o) for o in expected[:12]) + (", ..." if len(expected) > 12 else "")
        return f"is {short(value)}, expected one of {options}"
    if keyword == "const":
        return f"is {short(value)}, must be {expected!r}"
    if keyword == "pattern":
        return f"{short(value)} does not match {expected}"
    if keyword in ("minLength", "minItems", "minProperties") and expected == 1:
        return "must not be empty"
    if keyword == "minLength":
        return f"must have at least {expected} characters"
    if keyword == "maxLength":
        return f"is {len(value)} characters, over {expected}"
    if keyword == "minItems":
        return f"has {len(value)} items, expected at least {expected}"
    if keyword == "maxItems":
        return f"has {len(value)} items, expected at most {expected}"
    if keyword == "minProperties":
        return f"has {len(value)} keys, expected at least {expected}"
    if keyword == "minimum":
        return f"is {short(value)}, must be at least {expected}"
    if keyword == "maximum":
        return f"is {short(value)}, must be at most {expected}"
    if keyword == "exclusiveMinimum":
        return f"is {short(value)}, must be greater than {expected}"
    if keyword == "exclusiveMaximum":
        return f"is {short(value)}, must be less than {expected}"
    if keyword == "uniqueItems":
        return "repeats an item"
    if keyword in ("anyOf", "oneOf"):
        return f"{short(value)} matches none of the allowed forms"
    if keyword == "not":
        return f"{short(value)} is not allowed here"
    if keyword == "additionalProperties":
        return "has an unexpected key"
    if keyword == "dependentRequired" and isinstance(value, dict):
        for key, needs in expected.items():
            missing = [n for n in needs if key in value and n not in value]
            if missing:
                return f"has '{key}' but no '{missing[0]}'"
    text = " ".join(str(error.message).split())
    return text if len(text) <= 160 else text[:159] + "…"
