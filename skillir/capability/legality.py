"""Legality after compile-capabilities: no requirement above the bound profile
unless it is marked unresolved (registered with skillir.pipeline)."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from skillir.capability.query import ops_of_type, profile_op, record_of
from skillir.dialects.cap import GapOp, RequireOp
from skillir.dialects.skill import SkillOp, skills_of


def requirement_problems(skill: SkillOp) -> list[str]:
    reqs = ops_of_type(skill, RequireOp, GapOp)
    if not reqs:
        return []
    bound = profile_op(skill)
    if bound is None:
        return [f"skill '{skill.skill_name}' has requirements but no bound cap.profile"]
    levels = bound.levels()
    problems: list[str] = []
    for op in reqs:
        if isinstance(op, GapOp):
            if record_of(op) is None:
                problems.append(f"gap {op.prim} has no transform or unresolved record")
            continue
        if op.unresolved is not None:
            continue
        have = levels.get(op.prim_id, 0)
        if op.level > have:
            where = f"line {op.line.value.data}: " if op.line is not None else ""
            problems.append(
                f"{where}requirement {op.prim} is above {bound.target} (L{have}) and not marked unresolved"
            )
    return problems


def requirements_within_profile(module: ModuleOp) -> list[str]:
    """Every requirement above its skill's profile that is not marked unresolved."""
    problems: list[str] = []
    for skill in skills_of(module):
        problems.extend(requirement_problems(skill))
    return problems
