"""Class tests of every op of a skill (used by the emitters).

xdsl ops are ABCs (`abc.ABCMeta`), so `isinstance(op, SomeOp)` goes through the ABC
machinery: ~0.5 µs a test, and emission tests every op of a program against several
classes (the report's records, the guards' steps and confirmations, the outlined
files). Here each op class's answer is looked up once per class and kept: a table of
classes, the same for every compile. The answers are `isinstance`'s (subclasses match).

```python
ops_of(walk_ops(skill), OutlinedOp)                 # [op, ...] like an isinstance filter
op_kinds(ops, (ProfileOp, GapOp))                   # [ProfileOp | GapOp | None per op]
```
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")

_KINDS: dict[tuple[type, ...], dict[type, type | None]] = {}
"""For a tuple of classes: op class -> the first of them it subclasses (or None)."""


def _kind_table(classes: tuple[type, ...]) -> dict[type, type | None]:
    table = _KINDS.get(classes)
    if table is None:
        table = _KINDS[classes] = {}
    return table


def _kind(table: dict[type, type | None], cls: type, classes: tuple[type, ...]) -> type | None:
    """The first of `classes` that `cls` subclasses, or None; kept in `table`."""
    kind = table[cls] = next((base for base in classes if issubclass(cls, base)), None)
    return kind


def op_kinds(ops: Iterable[object], classes: tuple[type, ...]) -> list[type | None]:
    """For each op, the first of `classes` it is an instance of, or None."""
    table = _kind_table(classes)
    out = []
    for op in ops:
        cls = type(op)
        out.append(table[cls] if cls in table else _kind(table, cls, classes))
    return out


def ops_of(ops: Iterable[object], cls: type[T]) -> list[T]:
    """The ops that are instances of `cls`, in order (`[op for op in ops if isinstance(op, cls)]`)."""
    classes = (cls,)
    table = _kind_table(classes)
    out = []
    for op in ops:
        kind = type(op)
        if (table[kind] if kind in table else _kind(table, kind, classes)) is not None:
            out.append(op)
    return out
