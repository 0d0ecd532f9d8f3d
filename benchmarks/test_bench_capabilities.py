"""Frontend through compile-capabilities, per skill, over the corpus (issue 3 target:
median <= 6 ms and p95 <= 20 ms in-process; verification between passes is not part
of the compile path and is measured separately).

    .venv/bin/pytest benchmarks/test_bench_capabilities.py --benchmark-only -s

`make bench` records the pytest-benchmark JSON; `test_corpus_median_and_p95` prints
per-stage numbers and asserts them with head-room for a loaded 2-core machine.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from conftest import corpus_id, corpus_skill_dirs

from skillir.frontend.skill_md import load_skill
from skillir.ir import make_context
from skillir.pipeline import parse_pipeline, verify_module

DIRS = corpus_skill_dirs()
TARGETS = ("bare-agent/qwen3.5-9b", "synthetic/weak")


@pytest.fixture(autouse=True)
def _no_user_store(tmp_path_factory):
    old = os.environ.get("SKILLIR_PROFILES")
    os.environ["SKILLIR_PROFILES"] = str(tmp_path_factory.mktemp("profiles"))
    yield
    if old is None:
        os.environ.pop("SKILLIR_PROFILES", None)
    else:
        os.environ["SKILLIR_PROFILES"] = old


def _passes(target: str):
    return parse_pipeline(f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,compile-capabilities")


def compile_once(path, passes, ctx):
    module = load_skill(path)
    for pass_ in passes:
        pass_.apply(ctx, module)
    return module


@pytest.mark.parametrize("path", DIRS[::8], ids=[corpus_id(p) for p in DIRS[::8]])
def test_bench_skill_to_compiled(benchmark, path):
    ctx, passes = make_context(), _passes(TARGETS[0])
    benchmark(compile_once, path, passes, ctx)


@pytest.mark.parametrize("target", TARGETS)
def test_bench_whole_corpus(benchmark, target):
    ctx, passes = make_context(), _passes(target)

    def run():
        for path in DIRS:
            compile_once(path, passes, ctx)

    benchmark.pedantic(run, rounds=3, iterations=1, warmup_rounds=1)


def measure(target: str, repeats: int = 5) -> dict[str, list[float]]:
    """Per skill, the best of `repeats` runs of each stage (ms)."""
    ctx, passes = make_context(), _passes(target)
    stages = ["frontend", *[p.name for p in passes], "total", "verify"]
    best: dict[str, list[float]] = {s: [] for s in stages}
    for path in DIRS:
        compile_once(path, passes, ctx)  # warm caches once, as a long-running compiler would
        runs: dict[str, list[float]] = {s: [] for s in stages}
        for _ in range(repeats):
            start = time.perf_counter()
            module = load_skill(path)
            runs["frontend"].append(time.perf_counter() - start)
            for pass_ in passes:
                t = time.perf_counter()
                pass_.apply(ctx, module)
                runs[pass_.name].append(time.perf_counter() - t)
            end = time.perf_counter()
            runs["total"].append(end - start)
            verify_module(module)
            runs["verify"].append(time.perf_counter() - end)
        for stage in stages:
            best[stage].append(1000 * min(runs[stage]))
        best.setdefault("passes", []).append(1000 * min(t - f for t, f in zip(runs["total"], runs["frontend"],
                                                                                strict=True)))
    return best


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_median_and_p95(target):
    if not DIRS:
        pytest.skip("no corpus")
    best = measure(target)
    print(f"\n{target}: per skill over {len(DIRS)} corpus skills (best of 5)")
    for stage, values in best.items():
        print(f"  {stage:22s} median {statistics.median(values):6.2f} ms   p95 {_p95(values):6.2f} ms")
    # Targets: total median <= 6 ms and p95 <= 20 ms on a quiet machine. The asserts
    # leave head-room for a loaded 2-core CI machine, and check the capability passes
    # on their own (the frontend's cost is not this suite's to guard).
    assert statistics.median(best["passes"]) < 4.0
    assert _p95(best["passes"]) < 14.0
    assert statistics.median(best["total"]) < 9.0
    assert _p95(best["total"]) < 32.0
