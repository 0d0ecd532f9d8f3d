"""`-t markdown`: the skill written back out as SKILL.md from its IR.

Each op contributes its source text in order (a section its heading, a step its text
and then its nested ops, a code block its fences and body), so an unmodified skill
comes back byte for byte. Ops of other dialects and bundled-file refs carry no
markdown and are skipped.
"""

from __future__ import annotations

from typing import IO

from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation

from skillir.dialects.skill import SOURCE_OPS, CodeOp, SectionOp, SkillOp, StepOp, region_ops


def skill_markdown(skill: SkillOp) -> str:
    """The SKILL.md text of one skill op."""
    parts: list[str] = []
    _collect(region_ops(skill.body), parts)
    return "".join(parts)


def _collect(ops, parts: list[str]) -> None:
    for op in ops:
        _emit_op(op, parts)


def _emit_op(op: Operation, parts: list[str]) -> None:
    if isinstance(op, SectionOp):
        parts.append(op.heading_text)
        _collect(region_ops(op.body), parts)
    elif isinstance(op, CodeOp):
        parts.append(op.source_text())
    elif isinstance(op, SOURCE_OPS):
        parts.append(op.text.data)
        if isinstance(op, StepOp):
            _collect(op.nested_ops, parts)


def emit(module: ModuleOp, out: IO[str]) -> None:
    """Write the SKILL.md of the (single) skill in `module`."""
    skills = [op for op in module.ops if isinstance(op, SkillOp)]
    for skill in skills:
        out.write(skill_markdown(skill))
