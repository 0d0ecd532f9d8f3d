"""A sample of transforms to review by hand (issue 13): compile every devset skill
(benchmarks/devset/skills and skills_fresh, recreated by recreate.py) for the four
reference profiles, collect every transform that added text, and print a seeded random
sample of N with the compiled SKILL.md text right before the addition.

    .venv/bin/python benchmarks/transforms_review.py --seed 77 [--n 40] [--json out.json]

The verdicts (fits its context or not, and why) are written by a reader into
benchmarks/results/transforms_review.md; this script only draws the sample, so a later
review can draw a fresh one.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ("bare-agent/opus-4.6", "bare-agent/gpt-5.4", "bare-agent/qwen3.5-35b-a3b", "bare-agent/qwen3.5-9b")
RECORDS = ("cap.compensated", "cap.decomposed", "cap.offloaded", "cap.substituted")


def _context(skill, added: str, kind: str) -> str:
    """The compiled text right before the addition (up to three ops and the step)."""
    from skillir.capability.edits import emitted_text
    from skillir.dialects.skill import StepOp, TextOp

    key = "Do this as separate steps" if kind == "cap.decomposed" else added[:200]
    if added.startswith("(paths)"):
        key = added.split(" -> ")[-1].split(";")[0].strip()
    for op in skill.walk():
        if isinstance(op, TextOp | StepOp) and key in op.text.data:
            parts, prev = [], op.prev_op
            while prev is not None and len(parts) < 3:
                parts.insert(0, emitted_text(prev))
                prev = prev.prev_op
            parent = op.parent_op()
            head = emitted_text(parent) if isinstance(parent, StepOp) else ""
            own = op.text.data[: op.text.data.find(key)] if isinstance(op, StepOp) else ""
            return (head + "".join(parts) + own)[-900:]
    return "?"


def collect() -> list[dict]:
    from skillir.dialects.skill import SkillOp
    from skillir.frontend.skill_md import load_skill
    from skillir.ir import make_context
    from skillir.pipeline import parse_pipeline

    dirs = [d for sub in ("skills", "skills_fresh") for d in sorted((ROOT / "benchmarks" / "devset" / sub).glob("*"))
            if (d / "SKILL.md").is_file()]
    ctx = make_context()
    items: list[dict] = []
    for target in PROFILES:
        passes = parse_pipeline(f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,compile-capabilities")
        for folder in dirs:
            module = load_skill(folder)
            for pass_ in passes:
                pass_.apply(ctx, module)
            skill = next(op for op in module.ops if isinstance(op, SkillOp))
            for op in skill.walk():
                added = op.properties.get("added")
                if op.name in RECORDS and added is not None and added.data:
                    prim = op.properties.get("prim")
                    items.append({"skill": folder.name, "target": target, "kind": op.name,
                                  "prim": f"{prim.prim_id.data} L{prim.level.data}" if prim else "",
                                  "added": added.data, "before": _context(skill, added.data, op.name)})
    return items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--json", default=None, help="also write the sample here")
    args = parser.parse_args(argv)
    items = collect()
    if not items:
        print("no transforms: recreate the devset first (benchmarks/devset/recreate.py)")
        return 1
    sample = random.Random(args.seed).sample(items, min(args.n, len(items)))
    print(f"{len(items)} transforms with added text; sample of {len(sample)} (seed {args.seed})")
    for number, item in enumerate(sample, 1):
        print(f"\n#{number} {item['kind']} {item['target']} {item['skill']} {item['prim']}")
        print("  BEFORE: " + item["before"][-400:].replace("\n", " / "))
        print("  ADDED:  " + item["added"][:300])
    if args.json:
        Path(args.json).write_text(json.dumps(sample, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
