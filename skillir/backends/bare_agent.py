"""`-t bare-agent -o DIR`: the compiled skill as bare-agent loads it.

The folder goes to `<workDir>/skills/<name>/` (discover mode) or its SKILL.md into the
system prompt inside `<skill>…</skill>` (inject mode, PAPER_NOTES f). bare-agent runs
several tool calls of one turn in parallel (ILP); it has no sub-agents, so TLP groups
stay sequential.

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "bare-agent"


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, options=options)
