"""What compile-capabilities does to the corpus (issue 13): transforms by kind, and the
checks every transform must pass, over the 127 corpus skills x the four reference
profiles (bare-agent/{opus-4.6, gpt-5.4, qwen3.5-35b-a3b, qwen3.5-9b}).

    .venv/bin/python benchmarks/transforms_eval.py [--out benchmarks/results/transforms.json] [--label NAME]

Counted per (skill, profile):
- transforms by kind (`cap.compensated` by method, `cap.substituted` by class/path,
  `cap.decomposed`, `cap.offloaded`, `cap.unresolved`);
- offloads whose code fails the runnable check (`runnable_problems`, re-checked here
  on the code that was offloaded; must be 0);
- substitutions whose source does not match the class (`class_problems`; must be 0);
- repeated insertions: the same added sentence twice in one skill (must be 0);
- SKILL.md token change (median and p95 over compiles, and the share of distinct
  added texts over all added texts).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus_paths import corpus_id, corpus_skill_dirs  # noqa: E402

PROFILES = ("bare-agent/opus-4.6", "bare-agent/gpt-5.4", "bare-agent/qwen3.5-35b-a3b", "bare-agent/qwen3.5-9b")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def materialize(dirs: list[Path], into: Path) -> list[Path]:
    """Copies of corpus skills with placeholders for their bundled code (corpus_paths)."""
    from corpus_paths import materialize as one

    return [one(skill_dir, into / str(index)) for index, skill_dir in enumerate(dirs)]


def evaluate(dirs: list[Path], profiles=PROFILES, names: list[str] | None = None) -> dict:
    from skillir.capability.query import anchor_of, ops_of_type, requirement_of
    from skillir.dialects.cap import (
        CompensatedOp,
        DecomposedOp,
        GapOp,
        OffloadedOp,
        RequireOp,
        SubstitutedOp,
        TransformOp,
        UnresolvedOp,
    )
    from skillir.dialects.skill import SkillOp, skill_markdown
    from skillir.emit.tokens import count_tokens
    from skillir.frontend.skill_md import load_skill
    from skillir.ir import make_context
    from skillir.pipeline import parse_pipeline

    try:  # the checks exist once issue 13 landed; before, nothing is re-checked
        from skillir.capability.checks import offload_problem, substitution_problem
    except ImportError:  # pragma: no cover - the "before" run
        offload_problem = substitution_problem = None  # type: ignore[assignment]

    ctx = make_context()
    kinds: Counter[str] = Counter()
    by_profile: dict[str, Counter[str]] = {p: Counter() for p in profiles}
    deltas: list[float] = []
    big_deltas: list[float] = []
    runnable_problems: list[str] = []
    class_problems: list[str] = []
    repeated: list[str] = []
    added_texts: list[str] = []
    failures: list[str] = []
    start = time.perf_counter()
    for target in profiles:
        passes = parse_pipeline(f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,compile-capabilities")
        for path, name in zip(dirs, names or [str(d) for d in dirs], strict=True):
            try:
                module = load_skill(path)
            except Exception:  # noqa: BLE001 - a skill the frontend rejects is not counted
                continue
            skill = next(op for op in module.ops if isinstance(op, SkillOp))
            before = skill_markdown(skill)
            try:
                for pass_ in passes[:-1]:
                    pass_.apply(ctx, module)
                anchors = {id(req): anchor_of(req) for req in ops_of_type(skill, RequireOp)}
                passes[-1].apply(ctx, module)
            except Exception as exc:  # noqa: BLE001 - reported, not fatal
                failures.append(f"{name} @ {target}: {exc}")
                continue
            after = skill_markdown(skill)
            t0 = count_tokens(before, "gpt-4o").tokens
            t1 = count_tokens(after, "gpt-4o").tokens
            delta = 100.0 * (t1 - t0) / max(t0, 1)
            deltas.append(delta)
            if t0 > 5000:
                big_deltas.append(delta)
            seen: Counter[str] = Counter()
            for op in ops_of_type(skill, CompensatedOp, SubstitutedOp, DecomposedOp, OffloadedOp, UnresolvedOp):
                if isinstance(op, CompensatedOp):
                    kind = f"compensated:{op.method.data}"
                elif isinstance(op, SubstitutedOp):
                    kind = f"substituted:{op.equivalence.data}/{op.path.data}"
                    if substitution_problem is not None:
                        gap = op.prev_op
                        while gap is not None and not (isinstance(gap, GapOp) and gap.prim == op.prim):
                            gap = gap.prev_op
                        req = requirement_of(gap) if gap is not None else None
                        problem = substitution_problem(op, anchors.get(id(req)))
                        if problem:
                            class_problems.append(f"{name} @ {target}: {problem}")
                elif isinstance(op, DecomposedOp):
                    kind = "decomposed"
                elif isinstance(op, OffloadedOp):
                    kind = "offloaded"
                    if offload_problem is not None:
                        problem = offload_problem(op)
                        if problem:
                            runnable_problems.append(f"{name} @ {target}: {problem}")
                else:
                    kind = "unresolved"
                kinds[kind.split(":")[0]] += 1
                kinds[kind] += 1 if ":" in kind else 0
                by_profile[target][kind.split(":")[0]] += 1
                if isinstance(op, TransformOp) and op.added is not None:
                    text = op.added.data
                    added_texts.append(text)
                    seen[text] += 1
            for text, n in seen.items():
                if n > 1:
                    repeated.append(f"{name} @ {target}: {n}x {text[:60]!r}")
            # the same sentence inserted twice in the emitted SKILL.md
            for text in {t for t in seen if len(t) > 30}:
                if after.count(text) > before.count(text) + 1:
                    repeated.append(f"{name} @ {target}: text appears {after.count(text)}x")
    return {
        "skills": len(dirs),
        "profiles": list(profiles),
        "compiles": len(deltas),
        "seconds": round(time.perf_counter() - start, 1),
        "transforms": dict(sorted(kinds.items())),
        "by_profile": {p: dict(sorted(c.items())) for p, c in by_profile.items()},
        "runnable_check": offload_problem is not None,
        "offloads_failing_runnable_check": len(runnable_problems),
        "substitutions_outside_class": len(class_problems),
        "repeated_insertions": len(repeated),
        "added_texts": len(added_texts),
        "distinct_added_texts": len(set(added_texts)),
        "token_change_pct": {
            "median": round(statistics.median(deltas), 2) if deltas else 0.0,
            "p95": round(_pct(deltas, 0.95), 2),
            "max": round(max(deltas), 2) if deltas else 0.0,
            "min": round(min(deltas), 2) if deltas else 0.0,
            "median_over_5000_tokens": round(statistics.median(big_deltas), 2) if big_deltas else 0.0,
        },
        "examples": {
            "runnable_problems": runnable_problems[:10],
            "class_problems": class_problems[:10],
            "repeated": repeated[:10],
            "failures": failures[:10],
        },
        "failures": len(failures),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "transforms.json"))
    parser.add_argument("--label", default="after")
    args = parser.parse_args(argv)
    import tempfile

    dirs = corpus_skill_dirs()
    with tempfile.TemporaryDirectory(prefix="skillir-transforms-") as scratch:
        result = evaluate(materialize(dirs, Path(scratch)), names=[corpus_id(d) for d in dirs])
    out = Path(args.out)
    data = json.loads(out.read_text()) if out.is_file() else {}
    data[args.label] = result
    from skillir.atomic import write_text_atomic

    write_text_atomic(out, json.dumps(data, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "examples"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
