"""The real harness CLIs with a scripted model (medians; skipped for a CLI that is not
installed):

- `harness-startup`: one run whose script answers at once (one model call, no tool): the
  harness's start-up, config load, skill discovery, one gateway round trip and exit, in the
  bubblewrap sandbox through the bridge;
- `harness-6-turns`: the same with six shell tool calls before the answer; the per-turn
  overhead (harness + gateway + tool, no model time) is (6 turns - start-up) / 6, in
  `extra_info.per_turn_s`;
- `harness-comparison-simulated`: the paper's harness comparison on one suite task
  (batch-rename, its skill compiled for each harness and qwen3.5-35b-a3b) with the SIMULATED
  qwen3.5-35b-a3b acting through each harness's own tools (seeds 0-2), beside bare-agent; the
  pass count and tokens are in `extra_info`. Simulated: not a measurement of any model.

Rounds: `SKILLIR_BENCH_HARNESS_ROUNDS` (default 3; OpenClaw alone takes ~30 s a run).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.runtime.agent import AgentConfig
from skillir.runtime.harness_drivers import clis
from skillir.runtime.harness_drivers.runner import run_harness
from skillir.runtime.sandbox import Sandbox

HARNESSES = ("codex", "claude-code", "opencode", "hermes", "openclaw")
ROUNDS = int(os.environ.get("SKILLIR_BENCH_HARNESS_ROUNDS", "3"))
TURNS = 6
_STARTUP: dict[str, float] = {}


def _need(harness: str) -> None:
    if clis.find_cli(harness) is None:
        pytest.skip(f"{harness} CLI is not installed (skill-harness install {harness})")


def _scripted_run(harness: str, turns: int) -> float:
    from skillir.runtime.gateway import ScriptedModel

    steps = [{"tool": "shell", "arguments": {"command": f"echo turn {i} >> turns.txt"}}
             for i in range(turns)]
    model = ScriptedModel({"name": f"bench-{turns}", "steps": steps, "final": "Done."})
    with tempfile.TemporaryDirectory(prefix="skillir-ws-") as tmp:
        ws = Path(tmp)
        box = Sandbox(ws)
        box.adopt()
        result = run_harness(harness, model, "Append the turn lines to turns.txt.", box,
                             config=AgentConfig(max_steps=turns + 4, timeout_s=120))
        assert result.status == "ok", result.error
        assert result.steps == turns + 1 and result.tool_calls == turns
        if turns:
            assert (ws / "turns.txt").read_text().count("turn") == turns
        return result.wall_time_s


@pytest.mark.parametrize("harness", HARNESSES)
def test_harness_startup(benchmark, harness):
    _need(harness)
    benchmark.group = "harness-startup"
    benchmark.pedantic(_scripted_run, args=(harness, 0), rounds=ROUNDS, iterations=1)
    _STARTUP[harness] = benchmark.stats.stats.median
    benchmark.extra_info.update({"harness": harness, "version": clis.spec(harness).version})


@pytest.mark.parametrize("harness", HARNESSES)
def test_harness_turns(benchmark, harness):
    _need(harness)
    benchmark.group = f"harness-{TURNS}-turns"
    benchmark.pedantic(_scripted_run, args=(harness, TURNS), rounds=ROUNDS, iterations=1)
    median = benchmark.stats.stats.median
    base = _STARTUP.get(harness)
    benchmark.extra_info.update({
        "harness": harness, "turns": TURNS,
        "per_turn_s": round((median - base) / TURNS, 4) if base is not None else None})


@pytest.mark.parametrize("harness", ("bare-agent", *HARNESSES))
def test_harness_comparison_simulated(benchmark, harness, tmp_path):
    """SIMULATED: the simulated qwen3.5-35b-a3b on batch-rename through each harness."""
    if harness != "bare-agent":
        _need(harness)
    from skillir.bench.run import RunOptions, run_task
    from skillir.bench.task import load_task
    from skillir.runtime.providers import get_provider
    from skillir.runtime.skill import load_skill_bundle
    from skillir.tools.skill_opt import main as skill_opt

    out = tmp_path / "compiled"
    assert skill_opt([str(ROOT / "tasks/skills/batch-rename"),
                      f"--target={harness}/qwen3.5-35b-a3b", "-o", str(out)]) == 0
    skill = load_skill_bundle(out, compiled=True)
    task = load_task(ROOT / "tasks/suite/batch-rename")
    records: list[dict] = []

    def three_seeds() -> None:
        for seed in range(3):
            provider = get_provider("sim/qwen3.5-35b-a3b")
            try:
                records.append(run_task(task, provider, skill=skill, options=RunOptions(
                    harness=harness, seed=seed, runs_dir=tmp_path / "runs")))
            finally:
                provider.close()

    benchmark.group = "harness-comparison-simulated"
    benchmark.pedantic(three_seeds, rounds=1, iterations=1)
    assert len(records) == 3 and all(r["simulated"] for r in records)
    assert all(r["status"] in ("ok", "crashed", "timeout") for r in records)
    benchmark.extra_info.update({
        "simulated": True, "harness": harness, "model": "sim/qwen3.5-35b-a3b (SIMULATED)",
        "statuses": [r["status"] for r in records],
        "passed": sum(bool(r["passed"]) for r in records), "runs": len(records),
        "mean_score": round(statistics.mean(r["score"] or 0.0 for r in records), 3),
        "input_tokens": [r["tokens"]["input"] for r in records],
        "wall_s": [round(r["wall_time_s"], 2) for r in records],
    })
    print(f"\n[simulated] {harness}: " + json.dumps(benchmark.extra_info))
