"""Variant selection at run time (paper §5.1): the compiled variant for the (model, harness)
that runs, compiled on first use and cached, and a warning when a folder compiled for another
pair is run.

    folder, fresh = select_variant("skills/pdf", model="sim/qwen3.5-9b", harness="bare-agent")
    variant_warning(bundle, model="local/smollm2", harness="bare-agent")
    # "this variant was compiled for claude-code/opus-4.6, but runs on bare-agent/smollm2: ..."

The cache is `<JIT store root>/variants/<harness>/<model>/<skill>-<sha12>/`, keyed by the
skill's SKILL.md hash, so an edited skill compiles again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError


def run_model_name(model: str) -> str:
    """The model a run's model id names (`sim/qwen3.5-9b` -> `qwen3.5-9b`,
    `openai/org/m` -> `org/m`)."""
    from skillir.target import ModelId

    return ModelId.parse(model).name


def compiled_for(report: dict[str, Any] | None) -> tuple[str, str] | None:
    """(harness, model) a compile report says the variant was compiled for."""
    if not report:
        return None
    harness, model = report.get("harness"), report.get("model")
    if isinstance(harness, str) and isinstance(model, str):
        return harness, model
    target = report.get("target")
    if isinstance(target, str) and "/" in target:
        h, _, m = target.partition("/")
        return h, m
    return None


def variant_warning(bundle: Any, *, model: str, harness: str) -> str | None:
    """A warning when `bundle` (a compiled SkillBundle) targets another (model, harness)."""
    from skillir.profiles.profile import model_key

    pair = compiled_for(getattr(bundle, "compile_report", None))
    if pair is None:
        return None
    c_harness, c_model = pair
    name = run_model_name(model)
    problems = []
    if c_harness != harness:
        problems.append(f"harness {harness}")
    if model_key(c_model) != model_key(name) and not name.endswith(".json"):
        problems.append(f"model {name}")
    if not problems:
        return None
    return (f"this variant was compiled for {c_harness}/{c_model}, but runs on "
            f"{' and '.join(problems)}: its compensations target the other pair "
            f"(use --variant SKILL_DIR to compile for this one)")


def select_variant(skill_dir: str | Path, *, model: str, harness: str,
                   root: Path | None = None, compile_fn: Any = None) -> tuple[Path, bool]:
    """The compiled variant of `skill_dir` for (model, harness): (folder, compiled now?)."""
    from skillir.jit.recompile import compile_variant
    from skillir.jit.store import default_root
    from skillir.profiles.profile import check_component, safe_model
    from skillir.safepaths import safe_component
    from skillir.target import Target

    skill_dir = Path(skill_dir)
    md = skill_dir / "SKILL.md" if skill_dir.is_dir() else skill_dir
    if not md.is_file():
        raise SkillIRError("no SKILL.md here", path=str(skill_dir),
                           hint="give the skill's folder to --variant")
    digest = hashlib.sha256(md.read_bytes()).hexdigest()[:12]
    name = safe_component(md.parent.resolve().name, what="skill name")
    target = Target.parse(f"{harness}/{run_model_name(model)}")
    folder = ((root or default_root()) / "variants" / check_component(harness, "harness name")
              / check_component(safe_model(target.model), "model name") / f"{name}-{digest}")
    if (folder / "compile-report.json").is_file():
        return folder, False
    if folder.exists():  # a half-made or foreign folder: only our own output is replaced
        import shutil

        from skillir.safepaths import is_skillir_output

        if not is_skillir_output(folder):
            raise SkillIRError("the variant cache folder is not SkillIR's", path=str(folder),
                               hint="remove it yourself")
        shutil.rmtree(folder)
    (compile_fn or compile_variant)(md.parent, target, folder)
    return folder, True
