"""`-t env-setup`: the skill's env-setup.sh.

After `bind-env` the script is the `env.setup` op's text. Without it (bind-env did
not run, or ran with `setup=false`) the script is generated here from the
`env.require` ops, or, when there are none either, from a deterministic extraction
(no probe), so `skill-opt SKILL_DIR -t env-setup` works on its own.
"""

from __future__ import annotations

from typing import IO

from xdsl.dialects.builtin import ModuleOp

from skillir.deps.script import generate
from skillir.dialects.skill import skills_of
from skillir.envbind.extract import extract_skill
from skillir.envbind.ir import bind_of, dependency_of, setup_script_of
from skillir.errors import SkillIRError


def script_for(module: ModuleOp) -> str:
    script = setup_script_of(module)
    if script is not None:
        return script
    skills = skills_of(module)
    if not skills:
        raise SkillIRError("no skill.skill in the input; nothing to write an env-setup.sh for")
    skill = skills[0]
    bind = bind_of(skill)
    if bind is not None:
        deps = [dependency_of(r) for r in bind.requires]
    else:
        deps = extract_skill(skill).dependencies
    return generate(skill.sym_name.data, deps)


def emit(module: ModuleOp, out: IO[str]) -> None:
    out.write(script_for(module))
