"""`-t markdown`: the skill written back out as SKILL.md from its IR (byte for byte
where nothing changed; see `skillir.dialects.skill.skill_markdown`)."""

from __future__ import annotations

from typing import IO

from xdsl.dialects.builtin import ModuleOp

from skillir.dialects.skill import SkillOp, skill_markdown

__all__ = ["emit", "skill_markdown"]


def emit(module: ModuleOp, out: IO[str]) -> None:
    """Write the SKILL.md of the (single) skill in `module`."""
    for skill in (op for op in module.ops if isinstance(op, SkillOp)):
        out.write(skill_markdown(skill))
