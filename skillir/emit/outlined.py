"""The files `outline-references` moved out of SKILL.md, for the emitters.

`outlined_files(skill)` gives {path relative to the skill folder: content} for every
`skill.outlined` op: the content is the markdown of the moved ops, byte for byte.
`inline_markdown(skill)` puts the moved material back where its pointer stands, which
gives the SKILL.md the skill had before the pass (every byte stays reachable).
"""

from __future__ import annotations

from skillir.dialects.skill import (
    OutlinedOp,
    RefOp,
    SkillOp,
    region_ops,
    skill_markdown,
)
from skillir.emit.program_walk import ProgramWalk
from skillir.errors import SkillIRError
from skillir.xdsl_compat.opclass import ops_of
from skillir.xdsl_compat.walk import walk_ops


def outlined_ops(skill: SkillOp) -> list[OutlinedOp]:
    """The `skill.outlined` ops of a skill, in document order."""
    return ops_of(walk_ops(skill), OutlinedOp)


def outlined_files(skill: SkillOp, walk: ProgramWalk | None = None) -> dict[str, str]:
    """{relative path: content} of the reference files the skill's outlined ops stand for.
    Two ops naming one path with different content, or a path a bundled file already
    has, is an error (writing it would lose bytes). `walk`: a walk of the program whose
    skill this is (the emitter's), read instead of walking the skill again."""
    bundled = {op.path.data.lower() for op in ops_of(region_ops(skill.body), RefOp)}
    files: dict[str, str] = {}
    ops = walk.in_skill(OutlinedOp) if walk is not None else outlined_ops(skill)
    for op in ops:
        path, content = op.path.data, walk.content(op) if walk is not None else op.content()
        where = f"skill '{skill.sym_name.data}'"
        if path.lower() in bundled:
            raise SkillIRError(f"{where}: outlined file '{path}' would overwrite a bundled file",
                               hint="rename the skill.outlined path")
        if files.get(path, content) != content:
            raise SkillIRError(f"{where}: two skill.outlined ops write '{path}' with different content",
                               hint="give each skill.outlined its own path")
        files[path] = content
    return files


def inline_markdown(skill: SkillOp) -> str:
    """SKILL.md with each pointer replaced by the material it points to: the skill's
    markdown as it was before `outline-references`."""
    return skill_markdown(skill, inline_outlined=True)


__all__ = ["inline_markdown", "outlined_files", "outlined_ops"]
