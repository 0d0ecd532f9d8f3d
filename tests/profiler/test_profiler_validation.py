"""The validation benchmark's direct in-process path decides exactly what a full sandboxed
run of the simulated model decides (same success function, same draw), and its summary
has the fields the benchmark reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillir.profiler.generators import generate
from skillir.profiler.runner import SandboxExecutor, instance_seed
from skillir.profiler.validation import SimModel, TruthProfile, outcome, validate
from skillir.profiles.catalog import catalog
from skillir.profiles.store import resolve_target

CASES = [("reason.arithmetic", 3, 0), ("tool.exec", 1, 0), ("tool.exec", 1, 1),
         ("gen.code.javascript", 1, 0), ("gen.code.javascript", 1, 2), ("follow.style", 3, 1),
         ("gen.text.long", 2, 0), ("reason.planning", 3, 0)]


@pytest.fixture(scope="module")
def executor(tmp_path_factory) -> SandboxExecutor:
    ex = SandboxExecutor("sim/qwen3.5-9b", Path(tmp_path_factory.mktemp("prof")))
    yield ex
    ex.close()


@pytest.mark.parametrize(("prim", "level", "n"), CASES)
def test_direct_path_matches_the_sandboxed_simulated_run(prim, level, n, executor) -> None:
    profile = resolve_target("bare-agent/qwen3.5-9b").profile
    model = SimModel(TruthProfile("qwen3.5-9b", {p: profile.level(p) for p in catalog().ids}))
    inst = generate(prim, level, instance_seed(0, prim, level, n))
    result = executor(inst)
    assert result["status"] == "ok" and result["simulated"] is True
    assert result["passed"] is outcome(model, prim, level, n, 0)


def test_validation_summary_shape() -> None:
    r = validate(n_random=2, noise=0.1, seeds=1)
    assert r["setup"]["models"] == 6 and r["simulated"] is True
    assert set(r["summary"]) == {"adaptive", "skvm-3of3"}
    assert r["summary"]["skvm-3of3"]["runs_per_profile"] == 234.0
    assert 0 < r["summary"]["adaptive"]["runs_per_profile"] < 234
    assert [m["model"] for m in r["per_model"]][:4] == ["opus-4.6", "gpt-5.4",
                                                        "qwen3.5-35b-a3b", "qwen3.5-9b"]


def test_cases_cover_passes_and_failures() -> None:
    profile = resolve_target("bare-agent/qwen3.5-9b").profile
    model = SimModel(TruthProfile("qwen3.5-9b", {p: profile.level(p) for p in catalog().ids}))
    outcomes = [outcome(model, p, lv, n, 0) for p, lv, n in CASES]
    assert True in outcomes and False in outcomes
