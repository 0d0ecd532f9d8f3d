"""`-t opencode -o DIR`: the compiled skill as opencode loads it.

The folder goes to `.opencode/skills/<name>/`. OpenCode batches tool calls only with
`experimental.batch_tool` on, so when an ILP group is kept `opencode.json` turns it on;
`task` sub-agents (TLP) need nothing.

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "opencode"


def _extras(program, report: dict, out: Path) -> dict[str, str]:
    import json

    from skillir.harnesses import load_harness

    kept = [g for g in report.get("parallel_groups", []) if g["kind"] == "ilp" and g["status"] == "parallel"]
    config = load_harness(HARNESS).parallel_tool_calls.config
    if not kept or not config:
        return {}
    settings = {"$schema": "https://opencode.ai/config.json", **json.loads(json.dumps(dict(config["set"]), default=dict))}
    report.setdefault("harness_config", []).append(f"{config['file']}: experimental.batch_tool on for the ILP groups")
    return {config["file"]: json.dumps(settings, indent=2) + "\n"}


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, _extras, options)
