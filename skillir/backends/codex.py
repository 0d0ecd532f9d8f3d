"""`-t codex -o DIR`: the compiled skill as codex loads it.

The folder goes to `.agents/skills/<name>/` (or `$CODEX_HOME/skills/<name>/`). Codex runs
sub-agents (TLP); parallel tool calls depend on the model, so ILP groups stay
sequential. When a TLP group is kept, `.codex/config.toml` sets the sub-agent thread
limit (an optional setting the harness table names).

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

from pathlib import Path

from xdsl.dialects.builtin import ModuleOp

from skillir.emit.skill_folder import emit_harness

HARNESS = "codex"


def _extras(program, report: dict, out: Path) -> dict[str, str]:
    from skillir.harnesses import load_harness

    kept = [g for g in report.get("parallel_groups", []) if g["kind"] == "tlp" and g["status"] == "parallel"]
    config = load_harness(HARNESS).subagents.config
    if not kept or not config:
        return {}
    threads = config["set"]["agents"]["max_threads"]
    report.setdefault("harness_config", []).append(f"{config['file']}: agents.max_threads = {threads} for the TLP groups")
    return {config["file"]: f"# written by SkillIR for the skill's parallel sub-agent branches\n[agents]\nmax_threads = {threads}\n"}


def emit_dir(module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
    return emit_harness(module, Path(folder), HARNESS, _extras, options)
