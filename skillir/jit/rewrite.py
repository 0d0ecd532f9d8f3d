"""The JIT's rewrite of the harness IR (paper §5.2.2): promoted candidates become
`harness.script` ops in the skill's program for the (model, harness) that runs, persisted
beside the candidates as `<entry>/program.mlir`.

    module = solidified_program(bundle.folder, entry)   # verified; None: nothing promoted
    write_program(entry.folder, module)                  # atomic; removed when nothing is

The base program is the run's skill lowered for the pair by the analyses and the lowering
alone (`BASE_PASSES`: no transform, since a compiled variant's text is already what runs).
Each promoted candidate is appended to it as

    harness.script "jit/a-3f9c0d12aa01.py" {lang = "python", step = @step_2,
        shapes = ["merge <file.pdf> and <file.pdf> into <file.pdf>"], body = "...", run = "..."}

`step` names the step whose model work the script stands in for: the step holding the
code block a skill-code candidate came from, the step naming the bundled script a
skill-script candidate came from; a candidate learnt from traces stands in for the whole
model turn of its task family (no step). `shapes` are the task families (prompt shapes) it
answers. The program is rebuilt from the base on every change, so a demoted candidate leaves
it. The dispatcher (`JitSession`) fires from the same candidates in state.json; the program
is their IR form, for `skill-jit show --mlir`, for a backend, and for a later pass.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError

PROGRAM = "program.mlir"

log = logging.getLogger("skillir.jit")


def base_passes(harness: str, model: str) -> tuple[Any, ...]:
    """Analyses and lowering for (harness, run model id): the program without transforms.
    A model with no capability profile for the harness (a synthetic simulated model, a
    local model nobody profiled) is lowered without one: no gaps, no profile record."""
    from skillir.jit.variants import run_model_name
    from skillir.passes.analyze_gaps import AnalyzeGapsPass
    from skillir.passes.bind_env import BindEnvPass
    from skillir.passes.bind_profile import BindProfilePass
    from skillir.passes.extract_concurrency import ExtractConcurrencyPass
    from skillir.passes.infer_capabilities import InferCapabilitiesPass
    from skillir.passes.lower_to_harness import LowerToHarnessPass
    from skillir.profiles.store import resolve_target
    from skillir.target import Target

    target = Target.parse(f"{harness}/{run_model_name(model)}")
    try:
        resolve_target(str(target))
        profiled: tuple[Any, ...] = (BindProfilePass(target=str(target)), AnalyzeGapsPass())
    except SkillIRError:
        profiled = ()
    return (InferCapabilitiesPass(), *profiled, BindEnvPass(probe=False), ExtractConcurrencyPass(),
            LowerToHarnessPass(harness=target.harness))


def solidified_program(folder: str | Path, entry: Any) -> Any | None:
    """The harness program of the skill in `folder` for the entry's (model, harness) with a
    `harness.script` per promoted candidate; None when no candidate is promoted."""
    promoted = [c for c in entry.candidates if c.state == "promoted"]
    if not promoted:
        return None
    from skillir.dialects.harness import ProgramOp
    from skillir.frontend.skill_md import load_skill
    from skillir.ir import verify_module
    from skillir.pipeline import PassManager
    from skillir.xdsl_compat.walk import walk_ops

    module = load_skill(folder)
    PassManager(passes=base_passes(entry.harness, entry.model)).run(module)
    program = next((op for op in walk_ops(module) if isinstance(op, ProgramOp)), None)
    if program is None:
        raise SkillIRError("the skill lowered to no harness.program", path=str(folder))
    from xdsl.dialects.builtin import StringAttr

    program.properties["model"] = StringAttr(entry.model)  # the run's model id, as it ran
    steps = _step_anchors(program)
    for cand in promoted:
        program.body.block.add_op(script_op(cand, steps.get(cand.id) or _script_step(program, cand)))
    verify_module(module, after="the JIT rewrite")
    return module


def script_op(cand: Any, step: str | None) -> Any:
    """`cand.to_ir()` with the step it stands in for and its task families."""
    from xdsl.dialects.builtin import ArrayAttr, StringAttr, SymbolRefAttr

    op = cand.to_ir()
    if step:
        op.properties["step"] = SymbolRefAttr(step)
    if cand.shapes:
        op.properties["shapes"] = ArrayAttr([StringAttr(s) for s in sorted(cand.shapes)])
    return op


def _step_anchors(program: Any) -> dict[str, str]:
    """Candidate id of each runnable code block -> the step it belongs to: the step holding
    it, else the last step before it in document order."""
    from skillir.dialects.skill import CodeOp, StepOp
    from skillir.jit.candidates import from_code
    from skillir.xdsl_compat.walk import walk_ops

    out: dict[str, str] = {}
    last: str | None = None
    for op in walk_ops(program):
        if isinstance(op, StepOp) and op.sym_name is not None:
            last = op.sym_name.data
        elif isinstance(op, CodeOp) and op.runnable is not None:
            cand = from_code(op.body.data, op.lang.data, "", "skill-code")
            if cand is None:
                continue
            holder = op.parent_op()
            while holder is not None and not isinstance(holder, StepOp):
                holder = holder.parent_op()
            step = holder.sym_name.data if holder is not None and holder.sym_name else last
            if step:
                out.setdefault(cand.id, step)
    return out


def _script_step(program: Any, cand: Any) -> str | None:
    """The first step that names a skill-script candidate's bundled script."""
    from skillir.dialects.skill import StepOp
    from skillir.xdsl_compat.walk import walk_ops

    if cand.source != "skill-script" or not cand.origin.startswith("scripts/"):
        return None
    for op in walk_ops(program):
        if isinstance(op, StepOp) and op.sym_name is not None and cand.origin in _text_of(op):
            return op.sym_name.data
    return None


def _text_of(step: Any) -> str:
    from xdsl.dialects.builtin import StringAttr

    from skillir.xdsl_compat.walk import walk_ops

    parts = []
    for op in walk_ops(step):
        for value in op.properties.values():
            if isinstance(value, StringAttr):
                parts.append(value.data)
    return "\n".join(parts)


def promoted_view(entry: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What the program depends on: each promoted candidate and its task families."""
    return tuple(sorted((c.id, tuple(sorted(c.shapes))) for c in entry.candidates
                        if c.state == "promoted"))


def write_program(folder: Path, module: Any | None) -> Path | None:
    """Persist `module` as `folder/program.mlir` (atomic); remove it when None."""
    from skillir.atomic import write_text_atomic
    from skillir.ir import print_module

    path = folder / PROGRAM
    if module is None:
        path.unlink(missing_ok=True)
        return None
    write_text_atomic(path, print_module(module) + "\n")
    return path


def refresh_program(folder: str | Path, entry: Any) -> Path | None:
    """Rebuild and persist the entry's program; a skill that cannot be lowered leaves a
    warning (the run's result stands), never an exception."""
    try:
        return write_program(entry.folder, solidified_program(folder, entry))
    except (SkillIRError, OSError) as exc:
        log.warning("jit: the rewritten program of %s was not written: %s", entry.skill, exc)
        entry.warnings.append(f"program.mlir not written: {exc}")
        return None
