"""`-t hermes -o DIR`: the compiled skill as hermes loads it.

The folder goes to `$HERMES_HOME/skills/<name>/`. Hermes runs one turn's tool calls
concurrently (ILP); `delegate_task` sub-agents (TLP) need the delegation toolset on the
command line, which the report's `harness_config` says.

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "hermes"


def _extras(program, report: dict, out: Path) -> dict[str, str]:
    from skillir.harnesses import load_harness

    kept = [g for g in report.get("parallel_groups", []) if g["kind"] == "tlp" and g["status"] == "parallel"]
    config = load_harness(HARNESS).subagents.config
    if kept and config:
        report.setdefault("harness_config", []).append(
            f"run hermes with {config['cli']} so delegate_task is available ({config['note']})")
    return {}


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, _extras, options)
