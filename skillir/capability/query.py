"""Read capability facts back out of IR: the API later stages use (harness
lowering, the simulated provider, reports).

```python
from skillir.capability.query import bound_profile, step_requirements, required_levels
from skillir.dialects.skill import skills_of
for skill in skills_of(module):
    profile = bound_profile(skill)            # Profile | None (from cap.profile)
    needs = required_levels(skill)            # {'gen.code.python': 3, ...} after transforms
    for step in steps(skill):
        for req in step_requirements(step):   # RequireOp, with .prim_id, .level, .original
            ...
```
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType

from xdsl.dialects.builtin import FileLineColLoc, IntAttr, StringAttr
from xdsl.ir import Operation

from skillir.dialects.cap import RECORD_OPS, GapOp, ProfileOp, RequireOp, TransformOp, UnresolvedOp
from skillir.dialects.skill import FrontmatterOp, SkillOp, StepOp, region_ops
from skillir.profiles.profile import Profile
from skillir.xdsl_compat.walk import walk_region

CAP_OPS = (RequireOp, ProfileOp, GapOp, *RECORD_OPS)


def ops_of_type(root: Operation, *types: type[Operation]) -> list[Operation]:
    """Every op of the given types nested in `root` (not `root` itself), in
    document order. Read from the linked lists (`skillir.xdsl_compat.walk`): several
    times faster than `Operation.walk` or the `blocks`/`ops` iterators."""
    out: list[Operation] = []
    for region in root.regions:
        out.extend(op for op in walk_region(region) if type(op) in types)
    return out


def steps(skill: SkillOp) -> Iterator[StepOp]:
    yield from ops_of_type(skill, StepOp)  # type: ignore[misc]


def enclosing_skill(op: Operation) -> SkillOp | None:
    current = op.parent_op()
    while current is not None and not isinstance(current, SkillOp):
        current = current.parent_op()
    return current


def profile_op(skill: SkillOp) -> ProfileOp | None:
    for op in region_ops(skill.body):
        if isinstance(op, ProfileOp):
            return op
    return None


def bound_profile(skill: SkillOp) -> Profile | None:
    """The profile bound to a skill (by bind-profile), rebuilt from its cap.profile."""
    op = profile_op(skill)
    if op is None:
        return None
    return Profile(
        model=op.model.data,
        harness=op.harness.data,
        capabilities=MappingProxyType(op.levels()),
        source=op.source.data,
        date=op.date.data,
        synthetic=op.synthetic is not None,
        path=op.path.data if op.path is not None else None,
    )


def requirements(op: Operation) -> list[RequireOp]:
    """Every cap.require inside `op` (a skill, a section, a step)."""
    return ops_of_type(op, RequireOp)  # type: ignore[return-value]


def step_requirements(step: StepOp) -> list[RequireOp]:
    """The requirements that annotate one step (in its region)."""
    return [o for o in step.nested_ops if isinstance(o, RequireOp)]


def required_levels(op: Operation, *, original: bool = False) -> dict[str, int]:
    """Primitive -> highest level demanded anywhere inside `op`. After
    compile-capabilities these are the lowered demands; `original=True` gives the
    inferred ones."""
    out: dict[str, int] = {}
    for req in requirements(op):
        attr = req.original if (original and req.original is not None) else req.prim
        pid, level = attr.prim_id.data, attr.level.data
        if level > out.get(pid, 0):
            out[pid] = level
    return out


@dataclass(frozen=True)
class GapRecord:
    """A gap and how it was handled (None: compile-capabilities has not run)."""

    gap: GapOp
    record: Operation | None

    @property
    def status(self) -> str:
        if self.record is None:
            return "open"
        if isinstance(self.record, UnresolvedOp):
            return "unresolved"
        return self.record.name.split(".", 1)[1]


def gap_records(op: Operation) -> list[GapRecord]:
    """Every gap inside `op` with the record that closed it (if any)."""
    return [GapRecord(gap, record_of(gap)) for gap in ops_of_type(op, GapOp)]  # type: ignore[arg-type]


def record_of(gap: GapOp) -> Operation | None:
    """The transform or unresolved record right after a gap (other records for
    other gaps may sit between them when several gaps share a requirement block)."""
    nxt = gap.next_op
    while nxt is not None and isinstance(nxt, RECORD_OPS):
        if nxt.prim == gap.prim:
            return nxt
        nxt = nxt.next_op
    return None


def requirement_of(gap: GapOp) -> RequireOp | None:
    """The requirement a gap was found for (analyze-gaps puts the gap right after it)."""
    prev = gap.prev_op
    while prev is not None and isinstance(prev, GapOp | RequireOp | TransformOp | UnresolvedOp):
        if isinstance(prev, RequireOp) and (prev.prim == gap.prim or prev.original == gap.prim):
            return prev
        prev = prev.prev_op
    return None


def anchor_of(op: Operation) -> Operation:
    """The op a cap op annotates: the step whose region holds it, else the nearest
    content op before it, else the whole skill."""
    parent = op.parent_op()
    if isinstance(parent, StepOp):
        return parent
    prev = op.prev_op
    while prev is not None and isinstance(prev, CAP_OPS):
        prev = prev.prev_op
    if prev is None or isinstance(prev, FrontmatterOp):
        return parent if parent is not None else op
    return prev


def is_cap_op(op: Operation) -> bool:
    return isinstance(op, CAP_OPS)


def located(op: Operation, filename: StringAttr | None, line: int | None) -> Operation:
    """Give `op` the location `file:line:1` (built without re-verification: both
    parameters are attributes we just made)."""
    if filename is None or line is None:
        return op
    loc = FileLineColLoc.__new__(FileLineColLoc)
    object.__setattr__(loc, "filename", filename)
    object.__setattr__(loc, "line", _int_attr(line))
    object.__setattr__(loc, "column", _int_attr(1))
    op.location = loc
    return op


_INT_ATTRS: dict[int, IntAttr] = {}


def _int_attr(value: int) -> IntAttr:
    attr = _INT_ATTRS.get(value)
    if attr is None:
        attr = _INT_ATTRS[value] = IntAttr(value)
    return attr


def skill_filename(skill: SkillOp) -> StringAttr | None:
    loc = skill.location
    return loc.filename if isinstance(loc, FileLineColLoc) else None
