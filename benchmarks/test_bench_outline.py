"""outline-references over the corpus: SKILL.md tokens before and after (cl100k_base via
quicktok, `skillir.emit.tokens.count_tokens`), median and p95 change overall and for
skills over 5,000 tokens, and the pass's time per skill. The token table is written to
benchmarks/results/outline_tokens.json; the time goes into pytest-benchmark's JSON.

Issue 13's goal: median <= -15% for skills over 5,000 tokens, never above +10% for any
skill. The second is asserted; the first is measured and reported (see the JSON), with
the same summary over the unseen development set when it is recreated.

    .venv/bin/pytest benchmarks/test_bench_outline.py --benchmark-only
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from conftest import corpus_id, corpus_skill_dirs

from skillir.atomic import write_text_atomic
from skillir.dialects.skill import skill_markdown
from skillir.emit.outlined import outlined_ops
from skillir.emit.tokens import count_tokens
from skillir.frontend.skill_md import load_skill
from skillir.ir import make_context
from skillir.passes.outline_references import OutlineReferencesPass

DIRS = corpus_skill_dirs()
RESULTS = Path(__file__).resolve().parent / "results" / "outline_tokens.json"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _summary(rows: list[dict]) -> dict:
    changes = [r["change_pct"] for r in rows]
    if not changes:
        return {"skills": 0}
    return {"skills": len(rows), "median_change_pct": round(statistics.median(changes), 2),
            "p95_change_pct": round(_p95(changes), 2), "min_change_pct": round(min(changes), 2),
            "max_change_pct": round(max(changes), 2),
            "skills_changed": sum(1 for r in rows if r.get("files", r["after"] != r["before"]))}


DEVSET = Path(__file__).resolve().parent / "devset"
UNSEEN = sorted(p.parent for folder in ("skills", "skills_fresh") for p in (DEVSET / folder).glob("*/SKILL.md"))
"""The labelled development set's skills (public skills nobody here wrote), when
recreated from local mirrors (benchmarks/devset/recreate.py); reported beside the
corpus, not asserted."""


def _row(path: Path, name: str) -> dict:
    module = load_skill(path)
    skill = module.body.block.first_op
    before = count_tokens(skill_markdown(skill), "").tokens
    OutlineReferencesPass().apply(make_context(), module)
    after = count_tokens(skill_markdown(skill), "").tokens
    return {"skill": name, "before": before, "after": after,
            "change_pct": round(100.0 * (after - before) / before, 2), "files": len(outlined_ops(skill))}


@pytest.mark.skipif(not DIRS, reason="shared corpus not found")
def test_outline_token_change_over_corpus():
    rows = [_row(path, corpus_id(path)) for path in DIRS]
    unseen = [_row(path, path.name) for path in UNSEEN]
    big = [r for r in rows if r["before"] > 5000]
    result = {
        "pass": "outline-references (defaults: min-tokens=150, target-lines=0)",
        "tokenizer": "cl100k_base (quicktok)",
        "goal": "median <= -15% for skills over 5,000 tokens; never above +10% for any skill",
        "all": _summary(rows),
        "over_5000_tokens": _summary(big),
        "over_5000_goal_met": bool(big) and statistics.median(r["change_pct"] for r in big) <= -15.0,
        "unseen_devset": {"all": _summary(unseen),
                          "over_5000_tokens": _summary([r for r in unseen if r["before"] > 5000])},
        "skills": rows,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(RESULTS, json.dumps(result, indent=1) + "\n")
    assert len(rows) == len(DIRS)
    assert max(r["change_pct"] for r in rows) <= 10.0  # the pass only ever shrinks SKILL.md
    assert result["all"]["skills_changed"] >= 30


REFERENCE_PROFILES = ("opus-4.6", "gpt-5.4", "qwen3.5-35b-a3b", "qwen3.5-9b")


def _compiled_tokens(path: Path, manager, backend, out: Path) -> int:
    module = load_skill(path)
    manager.run(module)
    backend(module, out, {"validate": False})
    return count_tokens(next(out.rglob("SKILL.md")).read_text(encoding="utf-8"), "").tokens


@pytest.mark.skipif(not DIRS, reason="shared corpus not found")
def test_compiled_skill_size_over_corpus_and_reference_profiles(tmp_path):
    """The whole compile as a user gets it (`skill-opt --target=bare-agent/M`: notes,
    outlined references, parallel hints), for the four reference profiles, and the same
    with `--max-growth-percent=10` (hints within the cap too). Emitted SKILL.md tokens
    against the original; added to outline_tokens.json as `full_compile`."""
    from skillir.backends import get_folder_backends
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    backend = get_folder_backends()["bare-agent"]()
    befores = {path: count_tokens((path / "SKILL.md").read_text(encoding="utf-8"), "").tokens for path in DIRS}
    full: dict[str, dict] = {}
    for cap in (None, 10):
        for model in REFERENCE_PROFILES:
            passes = stage_passes("harness", Target("bare-agent", model), probe=False, max_growth_percent=cap)
            manager = PassManager(passes=passes, verify_each=False)
            rows = []
            for n, path in enumerate(DIRS):
                after = _compiled_tokens(path, manager, backend, tmp_path / f"{model}-{cap}-{n}")
                before = befores[path]
                rows.append({"skill": corpus_id(path), "before": before, "after": after,
                             "change_pct": round(100.0 * (after - before) / before, 2)})
            key = f"bare-agent/{model}" + ("" if cap is None else f" --max-growth-percent={cap}")
            over = sorted(rows, key=lambda r: -r["change_pct"])
            full[key] = {"all": _summary(rows), "over_5000_tokens": _summary([r for r in rows if r["before"] > 5000]),
                         "above_10_pct": [(r["skill"], r["change_pct"]) for r in over if r["change_pct"] > 10.0]}
            if cap is not None:
                assert full[key]["all"]["max_change_pct"] <= cap  # the cap holds for every skill
    result = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    result["full_compile"] = full
    write_text_atomic(RESULTS, json.dumps(result, indent=1) + "\n")


@pytest.mark.benchmark(group="outline-references per skill")
@pytest.mark.parametrize("path", DIRS, ids=[corpus_id(p) for p in DIRS])
def test_bench_outline_references(benchmark, path):
    pass_ = OutlineReferencesPass()
    ctx = make_context()
    pass_.apply(ctx, load_skill(path))  # warm the tokenizer and word lists

    def setup():
        return (ctx, load_skill(path)), {}

    benchmark.pedantic(pass_.apply, setup=setup, rounds=5, iterations=1)
