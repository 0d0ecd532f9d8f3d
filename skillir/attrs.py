"""JSON-like Python data <-> builtin attributes (front matter metadata, reports)."""

from __future__ import annotations

from typing import Any, TypeVar

from immutabledict import immutabledict  # xdsl's own dependency: the type of DictionaryAttr.data
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
from xdsl.ir import Attribute, Data

_CACHE_LIMIT = 8192
_I64: dict[int, IntegerAttr] = {}
_F64: dict[float, FloatAttr] = {}
_STR: dict[str, StringAttr] = {}
_DataT = TypeVar("_DataT", bound=Data[Any])
_TRUE = IntegerAttr(1, i1)
_FALSE = IntegerAttr(0, i1)


def i64_attr(value: int) -> IntegerAttr:
    """A cached i64 IntegerAttr (building one costs ~18 µs in xdsl 0.74)."""
    attr = _I64.get(value)
    if attr is None:
        attr = IntegerAttr(value, i64)
        if len(_I64) < _CACHE_LIMIT:
            _I64[value] = attr
    return attr


def f64_attr(value: float) -> FloatAttr:
    """A cached f64 FloatAttr."""
    attr = _F64.get(value)
    if attr is None:
        attr = FloatAttr(value, f64)
        if len(_F64) < _CACHE_LIMIT:
            _F64[value] = attr
    return attr


def str_attr(text: str) -> StringAttr:
    """A cached StringAttr, for short strings that recur (kinds, sources, names)."""
    attr = _STR.get(text)
    if attr is None:
        attr = StringAttr(text)
        if len(_STR) < _CACHE_LIMIT:
            _STR[text] = attr
    return attr


def bool_attr(value: bool) -> IntegerAttr:
    return _TRUE if value else _FALSE


def python_to_attr(value: Any) -> Attribute:
    """JSON-like data as builtin attributes (the inverse of `attr_to_python`).

    Front matter is mostly strings in dicts: those two are built as
    `skillir.xdsl_compat.build.text_attr` builds a string (the data field set, without
    the dataclass verifier's calls: a `str` and a dict of attributes are what the
    verifier would accept); everything else goes through the attributes' constructors."""
    kind = value.__class__
    if kind is str:
        return _data_attr(StringAttr, value)
    if kind is dict:
        return _data_attr(DictionaryAttr, immutabledict({str(k): python_to_attr(v) for k, v in value.items()}))
    return _other_to_attr(value)


def _data_attr(cls: type[_DataT], data: Any) -> _DataT:
    """`cls(data)` for a `Data` attribute whose `data` is already of its type."""
    attr = cls.__new__(cls)
    object.__setattr__(attr, "data", data)
    return attr


def _other_to_attr(value: Any) -> Attribute:
    """`python_to_attr` of a value that is not a plain `str` or `dict`."""
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
