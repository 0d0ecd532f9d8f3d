"""The requirements `infer-capabilities{OPTIONS}` leaves in a module, as the capability
tests compare them: {primitive: (highest level, rule of that level)}."""

from __future__ import annotations

from xdsl.dialects.builtin import ModuleOp

from skillir.capability.query import ops_of_type
from skillir.dialects.cap import RequireOp
from skillir.dialects.skill import SkillOp
from skillir.ir import verify_module
from skillir.pipeline import PassManager


def requirements_after(module: ModuleOp, options: str = "") -> dict[str, tuple[int, str]]:
    PassManager.from_spec(f"infer-capabilities{options}").run(module)
    verify_module(module)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    out: dict[str, tuple[int, str]] = {}
    for req in ops_of_type(skill, RequireOp):
        if req.prim_id not in out or req.level > out[req.prim_id][0]:
            out[req.prim_id] = (req.level, req.rule.data)
    return out
