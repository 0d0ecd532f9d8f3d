"""Audit the analyses over many skills without labels: what each skill gets (its
dependencies, requirements and parallel groups, from the census passes), and what a
change of the rules changed.

    python benchmarks/devset/dep_audit.py snap SKILLS OUT.json [-j 2]
    python benchmarks/devset/dep_audit.py rare OUT.json [--kind system --max 2]
    python benchmarks/devset/dep_audit.py diff OLD.json NEW.json

SKILLS is a folder searched for SKILL.md or a file listing skill folders, one per line
(for example every SKILL.md folder of the public mirrors, the way the devset README's
audit section made it). `rare` lists the required dependencies that few skills get:
where a word read as a package shows first. `diff` lists every dependency that came or
went and every requirement level or parallel group that changed, with example skills, so
that each change of a rule is read in full before it is kept. To compare two versions of
the code, run `snap` twice with PYTHONPATH pointing at each checkout.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import os
from multiprocessing import Pool
from pathlib import Path


def _record(path: str) -> tuple[str, dict]:
    logging.disable(logging.WARNING)
    from skillir.dialects import cap, conc, env
    from skillir.errors import SkillIRError
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager
    from skillir.study.census import census_passes
    from skillir.xdsl_compat.walk import walk_ops

    try:
        module = load_skill(Path(path))
        PassManager(census_passes(), verify_each=False).run(module)
    except (SkillIRError, OSError, ValueError, RecursionError) as exc:
        return path, {"error": type(exc).__name__}
    deps, reqs, groups = [], {}, []
    for op in walk_ops(module):
        if isinstance(op, env.RequireOp):
            need = "optional" if op.optional is not None else "required"
            deps.append(f"{op.kind.data.value}:{op.package.data}:{need}")
        elif isinstance(op, cap.RequireOp):
            reqs[op.prim_id] = max(reqs.get(op.prim_id, 0), op.level)
        elif isinstance(op, conc.ParallelOp):
            groups.append(op.kind.data.value)
    return path, {"deps": sorted(deps), "reqs": reqs, "parallel": sorted(groups)}


def _skills(where: str) -> list[str]:
    path = Path(where)
    if path.is_dir():
        return sorted(str(p.parent) for p in path.rglob("SKILL.md"))
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def snap(args: argparse.Namespace) -> None:
    with Pool(args.jobs) as pool:
        out = dict(pool.imap_unordered(_record, _skills(args.skills), chunksize=16))
    Path(args.out).write_text(json.dumps(out, sort_keys=True))
    print(f"{len(out)} skills, {sum('error' in r for r in out.values())} refused")


def rare(args: argparse.Namespace) -> None:
    counts: collections.Counter[str] = collections.Counter()
    for record in json.loads(Path(args.snapshot).read_text()).values():
        for dep in record.get("deps", []):
            kind, rest = dep.split(":", 1)
            name, need = rest.rsplit(":", 1)
            if need == "required" and (args.kind is None or kind == args.kind):
                counts[f"{kind}:{name}"] += 1
    for dep in sorted(d for d, n in counts.items() if n <= args.max):
        print(dep, counts[dep])


def diff(args: argparse.Namespace) -> None:
    old, new = (json.loads(Path(p).read_text()) for p in (args.old, args.new))
    changes: collections.Counter[tuple] = collections.Counter()
    examples: dict[tuple, list[str]] = collections.defaultdict(list)
    for skill, before in old.items():
        after = new.get(skill, {})
        if "error" in before or "error" in after:
            if ("error" in before) != ("error" in after):
                print("refusal changed:", skill, before.get("error"), "->", after.get("error"))
            continue
        found = [("-", d) for d in set(before["deps"]) - set(after["deps"])]
        found += [("+", d) for d in set(after["deps"]) - set(before["deps"])]
        found += [("level", p, before["reqs"].get(p), after["reqs"].get(p))
                  for p in sorted(set(before["reqs"]) | set(after["reqs"]))
                  if before["reqs"].get(p) != after["reqs"].get(p)]
        if before["parallel"] != after["parallel"]:
            found.append(("parallel", tuple(before["parallel"]), tuple(after["parallel"])))
        for change in found:
            changes[change] += 1
            examples[change].append(os.path.basename(skill))
    for change, count in changes.most_common():
        print(count, *change, "e.g.", ", ".join(examples[change][:3]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("snap")
    one.add_argument("skills")
    one.add_argument("out")
    one.add_argument("-j", "--jobs", type=int, default=2)
    one.set_defaults(run=snap)
    two = sub.add_parser("rare")
    two.add_argument("snapshot")
    two.add_argument("--kind")
    two.add_argument("--max", type=int, default=2)
    two.set_defaults(run=rare)
    three = sub.add_parser("diff")
    three.add_argument("old")
    three.add_argument("new")
    three.set_defaults(run=diff)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
