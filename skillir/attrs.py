"""JSON-like Python data <-> builtin attributes (front matter metadata, reports)."""

from __future__ import annotations

from typing import Any

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    UnitAttr,
    f64,
    i1,
    i64,
)
from xdsl.ir import Attribute


def python_to_attr(value: Any) -> Attribute:
    """JSON-like data as builtin attributes (the inverse of `attr_to_python`)."""
    if isinstance(value, dict):
        return DictionaryAttr({str(k): python_to_attr(v) for k, v in value.items()})
    if isinstance(value, bool):
        return IntegerAttr(int(value), i1)
    if isinstance(value, int) and -(1 << 63) <= value < (1 << 63):
        return IntegerAttr(value, i64)
    if isinstance(value, float):
        return FloatAttr(value, f64)
    if isinstance(value, list | tuple):
        return ArrayAttr([python_to_attr(v) for v in value])
    if value is None:
        return UnitAttr()
    return StringAttr(str(value))


def attr_to_python(attr: Attribute) -> Any:
    if isinstance(attr, StringAttr):
        return attr.data
    if isinstance(attr, IntegerAttr):
        value = attr.value.data
        return bool(value) if attr.type == i1 else value
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, ArrayAttr):
        return [attr_to_python(a) for a in attr.data]
    if isinstance(attr, DictionaryAttr):
        return {k: attr_to_python(v) for k, v in attr.data.items()}
    if isinstance(attr, UnitAttr):
        return None
    return str(attr)
