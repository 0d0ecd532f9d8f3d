"""Named operand, result and region accessors that read the op's tuples directly.

Upstream problem (xdsl 0.74, `xdsl.irdl.operations.BaseAccessor.__get__`): reading a
named construct (`task.deps`, `step.body`, `section.outputs`) calls
`get_op_constructs`, which matches on the construct kind, builds an `OpOperands` view
object for operands, then calls the accessor's `index` method, which indexes the view,
which indexes the op's tuple: five Python calls for one tuple lookup, ~700 times per
compile of a skill.

`install(ops)` replaces, on each op class given, the four accessor kinds a definition
with at most one variadic per construct gets (`BeforeVariadicSingleAccessor`,
`AfterVariadicSingleAccessor`, `SameOptionalAccessor`, `UniqueVariadicAccessor`) for
operands, results and regions by a descriptor that indexes the same tuple the same way
(`op._operands`, `op.results`, `op.regions`), so it returns the very objects xdsl's
returns (a slice is the same `SSAValues` or tuple). Anything else (successors,
attribute-sized segments) keeps xdsl's accessor. Writing through one is refused, as
xdsl refuses it. tests/test_xdsl_compat.py compares every replaced accessor with
xdsl's on corpus modules.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from xdsl.ir import Operation
from xdsl.irdl.operations import (
    AfterVariadicSingleAccessor,
    BaseAccessor,
    BeforeVariadicSingleAccessor,
    SameOptionalAccessor,
    UniqueVariadicAccessor,
    VarIRConstruct,
)


def _operands(op: Operation):
    return op._operands  # noqa: SLF001 - see the module docstring


def _results(op: Operation):
    return op.results


def _regions(op: Operation):
    return op.regions


_TUPLES = {VarIRConstruct.OPERAND: _operands, VarIRConstruct.RESULT: _results, VarIRConstruct.REGION: _regions}


class _FastAccessor:
    """A data descriptor standing in for xdsl's accessor `upstream` (kept as `.upstream`)."""

    __slots__ = ("upstream",)

    def __init__(self, upstream: BaseAccessor):
        self.upstream = upstream

    def __set__(self, instance, value) -> NoReturn:
        self.upstream.__set__(instance, value)  # raises, with xdsl's message


class _Single(_FastAccessor):
    __slots__ = ("tuple_of", "at")

    def __init__(self, upstream: BaseAccessor, at: int):
        super().__init__(upstream)
        self.tuple_of, self.at = _TUPLES[upstream.construct], at

    def __get__(self, obj: Operation | None, objtype=None) -> Any:
        return self if obj is None else self.tuple_of(obj)[self.at]


class _Optional(_FastAccessor):
    __slots__ = ("tuple_of", "at", "num_defs")

    def __init__(self, upstream: SameOptionalAccessor):
        super().__init__(upstream)
        self.tuple_of, self.at, self.num_defs = _TUPLES[upstream.construct], upstream.idx, upstream.num_defs

    def __get__(self, obj: Operation | None, objtype=None) -> Any:
        if obj is None:
            return self
        values = self.tuple_of(obj)
        return values[self.at] if len(values) == self.num_defs else None


class _Variadic(_FastAccessor):
    __slots__ = ("tuple_of", "at", "after")

    def __init__(self, upstream: UniqueVariadicAccessor):
        super().__init__(upstream)
        self.tuple_of, self.at = _TUPLES[upstream.construct], upstream.idx
        self.after = upstream.num_defs - 1 - upstream.idx  # the single definitions after it

    def __get__(self, obj: Operation | None, objtype=None) -> Any:
        if obj is None:
            return self
        values = self.tuple_of(obj)
        return values[self.at:len(values) - self.after]


def fast_accessor(upstream: object) -> _FastAccessor | None:
    """The replacement of one xdsl accessor, or None when it keeps xdsl's."""
    if not isinstance(upstream, BaseAccessor) or upstream.construct not in _TUPLES:
        return None
    kind = type(upstream)
    if kind is BeforeVariadicSingleAccessor:
        return _Single(upstream, upstream.idx)
    if kind is AfterVariadicSingleAccessor:
        return _Single(upstream, upstream.idx - upstream.num_defs)
    if kind is SameOptionalAccessor:
        return _Optional(upstream)
    if kind is UniqueVariadicAccessor:
        return _Variadic(upstream)
    return None


def install(ops: Iterable[type[Operation]]) -> None:
    """Replace the accessors of each op class (idempotent: a replaced one is skipped)."""
    for cls in ops:
        for name, value in list(vars(cls).items()):
            fast = fast_accessor(value)
            if fast is not None:
                setattr(cls, name, fast)


__all__ = ["fast_accessor", "install"]
