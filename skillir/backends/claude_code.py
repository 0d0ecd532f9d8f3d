"""`-t claude-code -o DIR`: the compiled skill as claude-code loads it.

The folder goes to `.claude/skills/<name>/` (or `~/.claude/skills/<name>/`); Claude Code
loads it through its Skill tool. Parallel tool_use blocks (ILP) and `Task` sub-agents
(TLP) are available, so both kinds of group are kept.

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "claude-code"


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, options=options)
