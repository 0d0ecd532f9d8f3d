"""`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, faster.

With an indent, Python 3.11's json module leaves its C encoder for a chain of Python
generators (the C one cannot indent before 3.13): for a compile report that was ~8% of
emitting a skill. This writes the same text with one recursive function into a list;
strings still go through json's own C string encoder. Anything it does not know (a
type json would hand to `default`, a non-string key json would refuse, a cycle) goes
to `json.dumps` itself, so errors stay json's.

```python
indented_json({"a": [1, 2.5, None]}) == json.dumps({"a": [1, 2.5, None]}, indent=2, ensure_ascii=False)
```
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # json's (C) encoder of a str with ensure_ascii=False
from typing import Any

_INFINITY = float("inf")


class _Unknown(Exception):
    """A value json.dumps would handle differently (default, skipkeys, an error)."""


def indented_json(value: Any) -> str:
    """The text of `json.dumps(value, indent=2, ensure_ascii=False)`."""
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except (_Unknown, RecursionError):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return "".join(out)


def _float(value: float) -> str:
    """json's text of a float (allow_nan: NaN and the infinities as JavaScript spells them)."""
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """json's text of a scalar (tested in json's order: a bool before an int), or None."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    """A dict key as json writes it (a string; a float, bool, None or int converted)."""
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, float):
        return encode_basestring(_float(key))
    if key is True or key is False or key is None:
        return encode_basestring(_scalar(key))
    if isinstance(key, int):
        return encode_basestring(int.__repr__(key))
    raise _Unknown


def _write(value: Any, out: list[str], newline: str) -> None:
    """Append the text of `value`, whose line starts at `newline` (a newline and indent)."""
    text = _scalar(value)
    if text is not None:
        out.append(text)
    elif isinstance(value, list | tuple):
        _write_list(value, out, newline)
    elif isinstance(value, dict):
        _write_dict(value, out, newline)
    else:
        raise _Unknown


def _write_list(items: list | tuple, out: list[str], newline: str) -> None:
    """A list's items, one per line, indented by two more."""
    if not items:
        out.append("[]")
        return
    inner = newline + "  "
    lead = "[" + inner
    for item in items:
        _write_item(lead, item, out, inner)
        lead = "," + inner
    out.append(newline + "]")


def _write_dict(mapping: dict, out: list[str], newline: str) -> None:
    """A dict's pairs, one per line, indented by two more (the same steps as `_write_list`)."""
    if not mapping:
        out.append("{}")
        return
    inner = newline + "  "
    lead = "{" + inner
    for key, item in mapping.items():
        _write_item(lead + (encode_basestring(key) if type(key) is str else _key(key)) + ": ", item, out, inner)
        lead = "," + inner
    out.append(newline + "}")


def _write_item(head: str, item: Any, out: list[str], inner: str) -> None:
    """`head` (the separator, indent and for a dict the key) and then `item`: the usual
    scalars by exact type first, in the same string as the head."""
    kind = type(item)
    if kind is str:
        out.append(head + encode_basestring(item))
    elif kind is int:
        out.append(head + int.__repr__(item))
    elif (text := _scalar(item)) is not None:
        out.append(head + text)
    else:
        out.append(head)
        _write(item, out, inner)
