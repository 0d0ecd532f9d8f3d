"""`make demo`: SkillIR on the bundled example skills (examples/skills), offline.

Loads each skill into the `skill` dialect, verifies it, checks that the IR gives back
SKILL.md byte for byte, prints the IR of the first skill and a one-line summary of
each.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from skillir import emit_markdown, print_ir
from skillir.dialects.skill import CodeOp, ConstraintOp, RefOp, SectionOp, StepOp
from skillir.frontend.skill_md import load_skill_with_diagnostics

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "skills"


def summarize(skill_dir: Path) -> tuple[str, object]:
    start = time.perf_counter()
    module, diagnostics = load_skill_with_diagnostics(skill_dir)
    module.verify()
    elapsed = (time.perf_counter() - start) * 1e3
    ops = list(module.walk())
    steps = [op for op in ops if isinstance(op, StepOp)]
    codes = [op for op in ops if isinstance(op, CodeOp)]
    artifacts = sum(len(s.outputs) for s in steps)
    same = emit_markdown(module).encode() == (skill_dir / "SKILL.md").read_bytes()
    row = (
        f"{skill_dir.name:22s} {len(ops):4d} ops  "
        f"{sum(isinstance(o, SectionOp) for o in ops):3d} sections  {len(steps):3d} steps  "
        f"{sum(isinstance(o, ConstraintOp) for o in ops):3d} constraints  "
        f"{len(codes):3d} code ({sum(c.is_runnable for c in codes)} runnable)  "
        f"{sum(isinstance(o, RefOp) for o in ops):3d} files  {artifacts:2d} artifacts  "
        f"{elapsed:6.2f} ms  round-trip {'exact' if same else 'DIFFERS'}"
        + (f"  ({len(diagnostics)} warnings)" if diagnostics else "")
    )
    return row, module


def _shown(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def main() -> int:
    skills = sorted(_shown(p) for p in EXAMPLES.iterdir() if (p / "SKILL.md").is_file())
    if not skills:
        print(f"no example skills under {EXAMPLES}", file=sys.stderr)
        return 2
    load_skill_with_diagnostics(skills[0])  # warm imports so timings are per skill
    rows = []
    first_module = None
    for skill_dir in skills:
        row, module = summarize(skill_dir)
        rows.append(row)
        if skill_dir.name == "merge-pdfs":
            first_module = module
    if first_module is not None:
        print("== merge-pdfs as `skill` dialect IR (skill-opt examples/skills/merge-pdfs) ==\n")
        print(print_ir(first_module))
    print("== every example skill: loaded, verified, printed back ==\n")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
