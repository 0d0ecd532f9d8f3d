"""The resource-aware scheduler: AIMD on 429s and slow calls, throttling under host pressure,
hints for the next run, parallel groups, and real TLP sub-agents joined by the DAG."""

from __future__ import annotations

import threading

import pytest

from skillir.errors import SkillIRError
from skillir.jit.scheduler import (
    AdaptiveLimit,
    SubTask,
    critical_path,
    run_group,
    run_subagents,
)
from skillir.jit.store import JitStore
from skillir.runtime.providers.base import ProviderError
from skillir.runtime.sandbox import Sandbox
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.runtime.tools import ToolExecutor


def calm() -> None:
    return None


def test_aimd_halves_on_429_and_slow_calls_and_grows_per_window():
    lim = AdaptiveLimit(initial=8, minimum=1, maximum=16, pressure=calm)
    lim.record(latency_s=1.0)
    lim.record(rate_limited=True)
    assert lim.current == 4 and lim.rate_limited == 1
    lim.record(latency_s=2.5)  # > 2 x the best latency seen (1.0)
    assert lim.current == 2 and lim.slow == 1
    for _ in range(2):  # one window of `limit` good calls: +1
        lim.record(latency_s=1.0)
    assert lim.current == 3
    for _ in range(10):
        lim.record(rate_limited=True)
    assert lim.current == 1  # never below the minimum
    assert [c for _, c in lim.trace][:3] == [8, 4, 2]


def test_hint_round_trips_through_the_store(tmp_path):
    lim = AdaptiveLimit(initial=6, pressure=calm)
    lim.record(rate_limited=True)
    store = JitStore(tmp_path)
    store.save_hint("s", "a" * 64, "m", "bare-agent", lim.hint())
    hint = store.hint("s", "a" * 64, "m", "bare-agent")
    assert hint["effective_concurrency"] == 3 and hint["rate_limited"] == 1
    assert AdaptiveLimit.from_hint(hint, pressure=calm).current == 3


def test_host_pressure_admits_no_more_than_the_minimum():
    lim = AdaptiveLimit(initial=8, minimum=1, pressure=lambda: "cpu load 3.0 per core > 0.9")
    seen = []
    lock = threading.Lock()

    def work(i):
        with lock:
            seen.append(lim.in_flight)
        return i * 2

    assert run_group(list(range(6)), work, lim) == [0, 2, 4, 6, 8, 10]
    assert max(seen) == 1 and lim.peak == 1
    lim.acquire()  # one runs: under pressure the next is held back, and counted
    assert lim._admit() is False and lim.throttled == 1
    lim.release()


def test_group_runs_in_parallel_and_retries_429():
    lim = AdaptiveLimit(initial=8, minimum=1, maximum=8, pressure=calm)  # 429: 8 -> 4, room for 3
    failed_once: set[int] = set()

    def work(i):
        if i == 0 and i not in failed_once:
            failed_once.add(i)
            raise ProviderError("rate limited", status=429)
        if i > 0:
            barrier.wait()  # the three others must run at the same time as each other
        return i

    barrier = threading.Barrier(3, timeout=20)
    assert run_group([0, 1, 2, 3], work, lim, backoff_s=0.0) == [0, 1, 2, 3]
    assert lim.rate_limited == 1 and lim.peak >= 3


def test_subagents_have_their_own_context_and_join_by_the_dag(tmp_path):
    barrier = threading.Barrier(2, timeout=20)

    def meet(answer):
        def play(messages):
            barrier.wait()  # a and b run at once
            return turn(answer)
        return play

    providers = {"a": ScriptedProvider([meet("A=1")]), "b": ScriptedProvider([meet("B=2")]),
                 "c": ScriptedProvider([turn("sum is 3")])}
    executor = ToolExecutor(Sandbox(tmp_path, isolation="none"))
    lim = AdaptiveLimit(initial=4, pressure=calm)
    subtasks = [SubTask("a", "find A"), SubTask("b", "find B"),
                SubTask("c", "add A and B", after=("a", "b"))]
    done = run_subagents(subtasks, provider_for=lambda s: providers[s.id], executor=executor,
                         system="sys", limit=lim)
    assert {k: v.result.final_text for k, v in done.items()} == \
        {"a": "A=1", "b": "B=2", "c": "sum is 3"}
    (first_a,) = providers["a"].calls
    assert [m.content for m in first_a if m.role == "user"] == ["find A"]
    (first_c,) = providers["c"].calls
    user_c = next(m.content for m in first_c if m.role == "user")
    assert "<a>\nA=1\n</a>" in user_c and "<b>\nB=2\n</b>" in user_c
    assert done["c"].started >= max(done["a"].finished, done["b"].finished)
    assert lim.peak == 2


def test_cycle_and_unknown_dependency_are_errors(tmp_path):
    executor = ToolExecutor(Sandbox(tmp_path, isolation="none"))
    lim = AdaptiveLimit(pressure=calm)
    with pytest.raises(SkillIRError, match="unknown sub-tasks"):
        run_subagents([SubTask("a", "x", after=("z",))], provider_for=lambda s: None,
                      executor=executor, system="", limit=lim)
    with pytest.raises(SkillIRError, match="cycle"):
        run_subagents([SubTask("a", "x", after=("b",)), SubTask("b", "y", after=("a",))],
                      provider_for=lambda s: None, executor=executor, system="", limit=lim)


def test_critical_path():
    assert critical_path({"a": 1.0, "b": 2.0, "c": 0.5}, {"c": ("a", "b")}) == 2.5


def test_subtasks_from_a_conc_graph():
    from pathlib import Path

    from skillir.frontend.skill_md import load_skill
    from skillir.jit.scheduler import subtasks_from_conc
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    skill = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills" / "code-scanner"
    module = load_skill(skill)
    PassManager(passes=stage_passes("conc", Target.parse("bare-agent/qwen3.5-9b"),
                                    probe=False)).run(module)
    subtasks, costs = subtasks_from_conc(module)
    assert len(subtasks) == len(costs) >= 3
    roots = [s for s in subtasks if not s.after]
    joins = [s for s in subtasks if len(s.after) >= 2]
    assert roots and joins  # independent work, and a join that waits for several
    assert critical_path({k: float(v) for k, v in costs.items()},
                         {s.id: s.after for s in subtasks}) < sum(costs.values())
    with pytest.raises(SkillIRError, match="no conc.graph"):
        subtasks_from_conc(load_skill(skill))


def test_a_skills_dag_runs_as_subagents_and_leaves_a_hint(tmp_path):
    from pathlib import Path

    from skillir.frontend.skill_md import load_skill
    from skillir.jit.scheduler import run_skill_subagents
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    skill = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills" / "code-scanner"
    module = load_skill(skill)
    PassManager(passes=stage_passes("conc", Target.parse("bare-agent/qwen3.5-9b"),
                                    probe=False)).run(module)
    store = JitStore(tmp_path / "jit")
    key = ("code-scanner", "b" * 64, "scripted/test", "bare-agent")
    store.save_hint(*key, {"effective_concurrency": 2})
    seen: dict[str, list] = {}

    def provider_for(sub):
        def answer(messages):
            seen[sub.id] = [m.content for m in messages if m.role == "user"]
            return turn(f"done {sub.id}")
        return ScriptedProvider([answer])

    executor = ToolExecutor(Sandbox(tmp_path, isolation="none"))
    results, hint = run_skill_subagents(module, provider_for=provider_for, executor=executor,
                                        system="sys", store=store, key=key, pressure=calm)
    assert sorted(results) == ["1", "2", "3", "4", "5", "6"]
    assert hint["peak"] <= 2  # started from the stored hint
    assert "<2>\ndone 2\n</2>" in seen["5"][0] and "<4>\ndone 4\n</4>" in seen["5"][0]
    assert store.hint(*key)["effective_concurrency"] == hint["effective_concurrency"] >= 2
