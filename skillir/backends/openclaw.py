"""`-t openclaw -o DIR`: the compiled skill as openclaw loads it.

The folder goes to `<workspace>/skills/<name>/`. OpenClaw documents no parallel tool
calls (ILP groups stay sequential) and runs sub-agents with `sessions_spawn` (TLP).

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "openclaw"


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, options=options)
