"""One walk of a harness program, shared by everything emission reads from it.

The report reads the program's record ops, the outlined files and the guards read the
skill's ops, the config files look for batches and sub-agents: each used to walk the IR
and test every op's class on its own (four walks and four passes of class tests per
program, ~10% of emission). `ProgramWalk(program, skill)` walks the program once and
looks each op's class up once (`op_kinds` over `CLASSES`); the skill's walk is the run
of it from the skill to its last descendant. The emitters ask it for the ops of a class. It is made per emission and keeps nothing from
one compile to the next.

```python
walk = ProgramWalk(program, skill)
walk.of(GapOp)                 # the program's gap ops, in walk order
walk.in_skill(OutlinedOp)      # the skill's outlined ops, in walk order
walk.content(outlined_op)      # its markdown, made once per emission
```
"""

from __future__ import annotations

from typing import TypeVar

from xdsl.ir import Operation

from skillir.dialects.harness import (
    BatchOp,
    DependencyOp,
    EnvNoteOp,
    GapOp,
    ProfileOp,
    ProgramOp,
    SubagentOp,
    TransformOp,
    WorkflowOp,
)
from skillir.dialects.sec import ConfirmOp, PolicyOp
from skillir.dialects.skill import OutlinedOp, SkillOp, StepOp
from skillir.xdsl_compat.opclass import op_kinds
from skillir.xdsl_compat.walk import walk_ops

T = TypeVar("T")

CLASSES: tuple[type[Operation], ...] = (
    ProfileOp, GapOp, TransformOp, OutlinedOp, DependencyOp, EnvNoteOp, WorkflowOp, StepOp,
    SkillOp, ConfirmOp, PolicyOp, BatchOp, SubagentOp,
)
"""The op classes emission asks for. None subclasses another (tests/emit checks it), so
an op's kind is the one class it is an instance of, and `of(cls)` is an isinstance filter."""


class ProgramWalk:
    """The pre-order walk (`op.walk()` order) of a harness program and of one of its
    skills, each op's class among `CLASSES` looked up once."""

    __slots__ = ("_contents", "_of", "_in_skill", "kinds", "ops", "skill", "skill_ops")

    def __init__(self, program: ProgramOp | Operation, skill: SkillOp | None = None):
        self.ops = walk_ops(program)
        self.kinds = op_kinds(self.ops, CLASSES)
        self._of = _by_kind(self.ops, self.kinds)
        self.skill = skill if skill is not None else self.first(SkillOp)
        """The skill given, or the program's first skill in walk order (None: it has none)."""
        span = _span(self.ops, self.skill) if self.skill is not None else (0, 0)
        if span is not None:  # the skill's walk is a run of the program's
            self.skill_ops = self.ops[span[0]:span[1]]
            skill_kinds = self.kinds[span[0]:span[1]]
        else:  # a skill from elsewhere
            self.skill_ops = walk_ops(self.skill)
            skill_kinds = op_kinds(self.skill_ops, CLASSES)
        self._in_skill = _by_kind(self.skill_ops, skill_kinds)
        self._contents: dict[OutlinedOp, str] = {}

    def of(self, cls: type[T]) -> list[T]:
        """The program's ops of class `cls` (one of `CLASSES`), in walk order."""
        return list(self._of.get(cls, ()))

    def in_skill(self, cls: type[T]) -> list[T]:
        """The skill's ops of class `cls` (one of `CLASSES`), in walk order."""
        return list(self._in_skill.get(cls, ()))

    def first(self, cls: type[T]) -> T | None:
        """The program's first op of class `cls` in walk order, or None."""
        found = self._of.get(cls)
        return found[0] if found else None

    def content(self, op: OutlinedOp) -> str:
        """`op.content()`, made once per walk (the report and the outlined files both read it)."""
        text = self._contents.get(op)
        if text is None:
            text = self._contents[op] = op.content()
        return text


def _span(ops: list[Operation], op: Operation) -> tuple[int, int] | None:
    """Where `walk_ops(op)` lies in `ops`, a pre-order walk that holds `op` (None when it
    does not): the run from `op` to its last descendant, found without walking it again."""
    start = next((index for index, item in enumerate(ops) if item is op), None)
    if start is None:
        return None
    last = _last_descendant(op)
    end = next(index for index in range(start, len(ops)) if ops[index] is last)
    return start, end + 1


def _last_descendant(op: Operation) -> Operation:
    """The last op of `op`'s pre-order walk (`op` itself when it holds none): the last op
    of the last block that has one, in the last region that has one, and so on down."""
    while True:
        for region in reversed(op.regions):
            block = region.last_block
            while block is not None and block.last_op is None:
                block = block.prev_block
            if block is not None:
                op = block.last_op
                break
        else:
            return op


def _by_kind(ops: list[Operation], kinds: list[type | None]) -> dict[type, list[Operation]]:
    """The ops of each kind, in walk order (ops of no kind left out)."""
    out: dict[type, list[Operation]] = {}
    for op, kind in zip(ops, kinds, strict=True):
        if kind is not None:
            if kind in out:
                out[kind].append(op)
            else:
                out[kind] = [op]
    return out


__all__ = ["CLASSES", "ProgramWalk"]
