"""`new_op(cls, properties, regions=..., operands=..., result_types=...)`: build an op
without successors without xdsl's generic constructor; `new_block(ops)`: a block of fresh ops;
`new_region(ops)`: a region of one such block; `text_attr(str)` and `int_attr(int)`:
builtin data attributes of values already of the right Python type; `i64_array(values)`:
an `array<i64: ...>`.

Upstream problem: xdsl 0.74's `Operation.__init__` runs the `operands` and
`successors` property setters (which build `Use` tuples and walk the old ones), copies
the property and attribute dicts, imports `UNKNOWN_LOC` per call, and
`IRDLOperation.__post_init__` scans the op definition for default values: about 6.5 µs
per op, 16x the work of setting the fields. The frontend builds tens of such ops per
skill (text, code, sections), so this is a measurable part of loading a skill.

`new_op` sets exactly the fields `Operation.__init__` would set for such an op (the
class defaults already hold the empty operands, successors and links), and falls back
to `cls.create` for a class whose definition fills in default properties or attributes.
Likewise `Block(ops)` attaches each op through `insert_op_after`, which checks that the
op is unattached and not an ancestor of the block (a walk up its parents) and relinks
its neighbours one at a time; `new_block` links ops the frontend has just made (none
attached, none holding the block) in one pass, and `new_region` sets the two block links
`Region(block)` sets through `add_block` (an iterator, a parent check and a walk up the
block's ancestors, which a block just made has none of): 0.9 µs instead of 2.9 µs for a
region, and the frontend makes one per section and per step with a body. And every `StringAttr`/`IntAttr` runs its verifier (an isinstance check, through two calls) as a frozen dataclass's
`__post_init__`; the frontend's values are a `str` it decoded and an `int` it counted.
tests/test_xdsl_compat.py checks that both ways build the same IR.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from functools import cache

from xdsl.dialects.builtin import (
    UNKNOWN_LOC,
    BytesAttr,
    DenseArrayBase,
    IntAttr,
    LocationAttr,
    StringAttr,
    i64,
)
from xdsl.ir import Attribute, Block, Operation, OpResult, Region, SSAValue
from xdsl.ir.core import SSAValues
from xdsl.irdl import IRDLOperation

_NO_RESULTS = SSAValues()


_PLAIN: set[type[Operation]] = set()
"""The op classes `_has_defaults` said no to: a set test is a third of a cached call."""


@cache
def _has_defaults(cls: type[Operation]) -> bool:
    if not issubclass(cls, IRDLOperation):
        return True
    op_def = cls.get_irdl_definition()
    has = any(getattr(d, "default_value", None) is not None
              for d in (*op_def.properties.values(), *op_def.attributes.values()))
    if not has:
        _PLAIN.add(cls)
    return has


def new_op(cls: type[Operation], properties: dict[str, Attribute], *, regions: Sequence[Region] = (),
           operands: Sequence[SSAValue] = (), result_types: Sequence[Attribute] = (),
           location: LocationAttr | None = None) -> Operation:
    """`cls.create(operands=..., result_types=..., properties=..., regions=...)` for an
    op without successors; `properties` is taken, not copied. The operands go through
    xdsl's own setter (it records each use); the results are the ones
    `Operation.__init__` makes."""
    if cls not in _PLAIN and _has_defaults(cls):
        return cls.create(operands=operands, result_types=result_types, properties=properties,
                          regions=regions, location=location)
    op = cls.__new__(cls)
    op.results = _NO_RESULTS
    op.properties = properties
    op.attributes = {}
    op.location = UNKNOWN_LOC if location is None else location
    if regions:
        _attach_regions(op, regions)
    else:
        op.regions = ()
    if operands:
        op.operands = operands
    if result_types:
        op.results = SSAValues(OpResult(typ, op, index) for index, typ in enumerate(result_types))
    return op


def _attach_regions(op: Operation, regions: Sequence[Region]) -> None:
    """`op.add_region(region)` for each region, the tuple made once."""
    for region in regions:
        if region.parent is not None:
            raise ValueError("Cannot add region that is already attached on an operation.")
        region.parent = op
    op.regions = tuple(regions)


def i64_array(values: Sequence[int]) -> DenseArrayBase:
    """`array<i64: ...>`: the attribute `DenseArrayBase.from_list(i64, values)` makes,
    without its two construction-time verifiers (xdsl 0.74 checks a parametrized
    attribute's parameters against its IRDL definition generically: ~6 of the ~7 us it
    costs). Both checks hold by construction: the element type is i64 and the data is 8
    bytes packed per value."""
    data = BytesAttr.__new__(BytesAttr)
    object.__setattr__(data, "data", struct.pack(f"<{len(values)}q", *values))
    array = DenseArrayBase.__new__(DenseArrayBase)
    object.__setattr__(array, "elt_type", i64)
    object.__setattr__(array, "data", data)
    return array


def text_attr(value: str) -> StringAttr:
    """`StringAttr(value)` for a `str` value."""
    attr = StringAttr.__new__(StringAttr)
    object.__setattr__(attr, "data", value)
    return attr


def string_attr(value: object) -> StringAttr:
    """`StringAttr(value)`: `text_attr` for a `str`, xdsl's constructor (and its error)
    for anything else (a value that may come from outside, e.g. a model's answer)."""
    return text_attr(value) if type(value) is str else StringAttr(value)  # type: ignore[arg-type]


def int_attr(value: int) -> IntAttr:
    """`IntAttr(value)` for an `int` value."""
    attr = IntAttr.__new__(IntAttr)
    object.__setattr__(attr, "data", value)
    return attr


def new_block(ops: Sequence[Operation]) -> Block:
    """`Block(ops)` for ops just made: not attached to a block, not holding this one."""
    # the fields `Block.__init__` sets for a block without arguments
    block = Block.__new__(Block)
    block._args = ()  # noqa: SLF001 - see the module docstring
    block._first_op = None  # noqa: SLF001
    prev: Operation | None = None
    for op in ops:
        if op.parent is not None:
            raise ValueError("Can't add to a block an operation already attached to a block.")
        op.parent = block
        if prev is None:
            block._first_op = op  # noqa: SLF001 - see the module docstring
        else:
            prev._next_op = op  # noqa: SLF001
            op._prev_op = prev  # noqa: SLF001
        prev = op
    block._last_op = prev  # noqa: SLF001
    return block


def new_region(ops: Sequence[Operation]) -> Region:
    """`Region(Block(ops))` for ops just made (see `new_block`)."""
    block = new_block(ops)
    region = Region.__new__(Region)
    region._first_block = region._last_block = block  # noqa: SLF001 - see the module docstring
    block.parent = region
    return region


__all__ = [
    "i64_array",
    "int_attr",
    "new_block",
    "new_op",
    "new_region",
    "string_attr",
    "text_attr",
]
