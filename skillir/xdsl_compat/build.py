"""`new_op(cls, properties, regions=..., operands=..., result_types=...)`: build an op
without successors without xdsl's generic constructor; `new_block(ops)`: a block of fresh ops;
`text_attr(str)` and `int_attr(int)`: builtin data attributes of values already of the
right Python type.

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
attached, none holding the block) in one pass. And every `StringAttr`/`IntAttr` runs
its verifier (an isinstance check, through two calls) as a frozen dataclass's
`__post_init__`; the frontend's values are a `str` it decoded and an `int` it counted.
tests/test_xdsl_compat.py checks that both ways build the same IR.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from xdsl.dialects.builtin import UNKNOWN_LOC, IntAttr, LocationAttr, StringAttr
from xdsl.ir import Attribute, Block, Operation, OpResult, Region, SSAValue
from xdsl.ir.core import SSAValues
from xdsl.irdl import IRDLOperation

_NO_RESULTS = SSAValues()


@cache
def _has_defaults(cls: type[Operation]) -> bool:
    if not issubclass(cls, IRDLOperation):
        return True
    op_def = cls.get_irdl_definition()
    return any(getattr(d, "default_value", None) is not None
               for d in (*op_def.properties.values(), *op_def.attributes.values()))


def new_op(cls: type[Operation], properties: dict[str, Attribute], *, regions: Sequence[Region] = (),
           operands: Sequence[SSAValue] = (), result_types: Sequence[Attribute] = (),
           location: LocationAttr | None = None) -> Operation:
    """`cls.create(operands=..., result_types=..., properties=..., regions=...)` for an
    op without successors; `properties` is taken, not copied. The operands go through
    xdsl's own setter (it records each use); the results are the ones
    `Operation.__init__` makes."""
    if _has_defaults(cls):
        return cls.create(operands=operands, result_types=result_types, properties=properties,
                          regions=regions, location=location)
    op = cls.__new__(cls)
    op.results = _NO_RESULTS
    op.properties = properties
    op.attributes = {}
    op.location = UNKNOWN_LOC if location is None else location
    op.regions = ()
    if operands:
        op.operands = operands
    if result_types:
        op.results = SSAValues(OpResult(typ, op, index) for index, typ in enumerate(result_types))
    for region in regions:
        op.add_region(region)
    return op


def text_attr(value: str) -> StringAttr:
    """`StringAttr(value)` for a `str` value."""
    attr = StringAttr.__new__(StringAttr)
    object.__setattr__(attr, "data", value)
    return attr


def int_attr(value: int) -> IntAttr:
    """`IntAttr(value)` for an `int` value."""
    attr = IntAttr.__new__(IntAttr)
    object.__setattr__(attr, "data", value)
    return attr


def new_block(ops: Sequence[Operation]) -> Block:
    """`Block(ops)` for ops just made: not attached to a block, not holding this one."""
    block = Block()
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


__all__ = ["int_attr", "new_block", "new_op", "text_attr"]
