"""The files `outline-references` moved out of SKILL.md, for the emitters.

`outlined_files(skill)` gives {path relative to the skill folder: content} for every
`skill.outlined` op: the content is the markdown of the moved ops, byte for byte.
`inline_markdown(skill)` puts the moved material back where its pointer stands, which
gives the SKILL.md the skill had before the pass (every byte stays reachable).
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.ir import Operation

from skillir.dialects.skill import (
    SOURCE_OPS,
    CodeOp,
    OutlinedOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    region_ops,
)
from skillir.errors import SkillIRError


def outlined_ops(skill: SkillOp) -> list[OutlinedOp]:
    """The `skill.outlined` ops of a skill, in document order."""
    return [op for op in skill.walk() if isinstance(op, OutlinedOp)]


def outlined_files(skill: SkillOp) -> dict[str, str]:
    """{relative path: content} of the reference files the skill's outlined ops stand for.
    Two ops naming one path with different content, or a path a bundled file already
    has, is an error (writing it would lose bytes)."""
    bundled = {op.path.data.lower() for op in region_ops(skill.body) if isinstance(op, RefOp)}
    files: dict[str, str] = {}
    for op in outlined_ops(skill):
        path, content = op.path.data, op.content()
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
    parts: list[str] = []
    _inline(region_ops(skill.body), parts)
    return "".join(parts)


def _inline(ops: Sequence[Operation], parts: list[str]) -> None:
    for op in ops:
        if isinstance(op, OutlinedOp):
            _inline(region_ops(op.body), parts)
        elif isinstance(op, SectionOp):
            parts.append(op.heading_text)
            _inline(region_ops(op.body), parts)
        elif isinstance(op, CodeOp):
            parts.append(op.source_text())
        elif isinstance(op, SOURCE_OPS):
            parts.append(op.text.data)
            if isinstance(op, StepOp):
                _inline(op.nested_ops, parts)


__all__ = ["inline_markdown", "outlined_files", "outlined_ops"]
