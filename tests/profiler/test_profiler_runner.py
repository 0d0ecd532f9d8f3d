"""The profiler's runner: one atomic file per finished instance; an interrupted run resumed
with --resume loses nothing and reruns nothing and ends where an uninterrupted run ends;
--jobs runs primitives concurrently with the same decisions; retries cut concurrency;
budgets stop the run and leave undecided primitives unknown."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.profiler.runner import Budget, ProfileRequest, profile_target
from skillir.profiler.tcp import build_profile_data
from skillir.profiles.profile import Profile

PRIMS = ["gen.regex", "tool.exec", "reason.logic", "follow.style"]
TRUTH = {"gen.regex": 3, "tool.exec": 0, "reason.logic": 2, "follow.style": 1}


class FakeExecutor:
    """Passes an instance when its level is within the truth (deterministic), counting
    calls; raises KeyboardInterrupt on call number `interrupt_at`."""

    def __init__(self, interrupt_at: int | None = None, retries: int = 0, delay: float = 0.0):
        self.calls: list[str] = []
        self.interrupt_at = interrupt_at
        self.retries = retries
        self.delay = delay
        self.lock = threading.Lock()
        self.concurrent = 0
        self.max_concurrent = 0

    def __call__(self, inst):
        with self.lock:
            if self.interrupt_at is not None and len(self.calls) + 1 == self.interrupt_at:
                raise KeyboardInterrupt
            self.calls.append(inst.id)
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        time.sleep(self.delay)
        with self.lock:
            self.concurrent -= 1
        passed = inst.level <= TRUTH[inst.primitive]
        return {"instance": inst.id, "primitive": inst.primitive, "level": inst.level,
                "seed": inst.seed, "passed": passed, "counted": True, "status": "ok",
                "score": float(passed), "failure": None if passed else "check failed",
                "input_tokens": 100, "output_tokens": 10, "wall_s": 0.01, "model_time_s": 0.005,
                "steps": 3, "tool_calls": 2, "retries": self.retries, "simulated": True}


def _request(**kw) -> ProfileRequest:
    return ProfileRequest(model="sim/test-model", primitives=PRIMS, **kw)


def _levels(run) -> dict[str, int]:
    return {p: s.plan.level() for p, s in run.states.items()}


def test_straight_run_writes_one_file_per_instance(tmp_path: Path) -> None:
    ex = FakeExecutor()
    run = profile_target(_request(), store_root=tmp_path, executor=ex, simulated=True)
    assert _levels(run) == TRUTH
    files = sorted(run.folder.glob("instances/*/*.json"))
    assert len(files) == len(ex.calls) > 0
    first = json.loads(files[0].read_text())
    assert {"instance", "level", "passed", "n", "input_tokens"} <= set(first)
    assert json.loads((run.folder / "run.json").read_text())["complete"] is True
    assert run.folder.parent.name == "simulated-test-model"


def test_resume_after_interrupt_loses_nothing_and_reruns_nothing(tmp_path: Path) -> None:
    straight = FakeExecutor()
    reference = profile_target(_request(), store_root=tmp_path / "a", executor=straight,
                               simulated=True)
    broken = FakeExecutor(interrupt_at=6)
    with pytest.raises(KeyboardInterrupt):
        profile_target(_request(), store_root=tmp_path / "b", executor=broken, simulated=True)
    done_before = list(broken.calls)
    assert len(done_before) == 5
    # without --resume an unfinished run is not silently thrown away
    with pytest.raises(SkillIRError, match="unfinished profiler run"):
        profile_target(_request(), store_root=tmp_path / "b", executor=FakeExecutor(),
                       simulated=True)
    before = json.loads((tmp_path / "b" / "bare-agent" / "simulated-test-model" / "profiler"
                         / "run.json").read_text())
    assert before["complete"] is False and before["wall_s"] >= 0
    resumed_ex = FakeExecutor()
    resumed = profile_target(_request(resume=True), store_root=tmp_path / "b",
                             executor=resumed_ex, simulated=True)
    assert resumed.resumed_results == 5
    assert resumed.wall_s >= before["wall_s"] and resumed.started_at == before["started_at"]
    assert not set(resumed_ex.calls) & set(done_before)  # nothing finished runs again
    assert sorted(done_before + resumed_ex.calls) == sorted(straight.calls)  # nothing lost
    assert _levels(resumed) == _levels(reference)
    assert build_profile_data(resumed)["capabilities"] == build_profile_data(reference)[
        "capabilities"]


def test_resume_needs_the_same_settings_and_an_earlier_run(tmp_path: Path) -> None:
    with pytest.raises(SkillIRError, match="nothing to resume"):
        profile_target(_request(resume=True), store_root=tmp_path, executor=FakeExecutor(),
                       simulated=True)
    with pytest.raises(KeyboardInterrupt):
        profile_target(_request(), store_root=tmp_path, executor=FakeExecutor(interrupt_at=3),
                       simulated=True)
    with pytest.raises(SkillIRError, match="other settings"):
        profile_target(_request(resume=True, seed=5), store_root=tmp_path,
                       executor=FakeExecutor(), simulated=True)
    fresh = FakeExecutor()
    run = profile_target(_request(fresh=True), store_root=tmp_path, executor=fresh,
                         simulated=True)
    assert run.resumed_results == 0 and _levels(run) == TRUTH


def test_jobs_run_concurrently_with_the_same_decisions(tmp_path: Path) -> None:
    one = FakeExecutor()
    r1 = profile_target(_request(), store_root=tmp_path / "1", executor=one, simulated=True)
    many = FakeExecutor(delay=0.02)
    r4 = profile_target(_request(jobs=4), store_root=tmp_path / "4", executor=many,
                        simulated=True)
    assert many.max_concurrent > 1
    assert many.max_concurrent <= 4
    assert sorted(one.calls) == sorted(many.calls)
    assert _levels(r1) == _levels(r4) == TRUTH


def test_retries_cut_concurrency(tmp_path: Path) -> None:
    seen: list[int] = []
    ex = FakeExecutor(retries=1, delay=0.01)
    profile_target(_request(jobs=4), store_root=tmp_path, executor=ex, simulated=True,
                   on_progress=lambda p: seen.append(p.jobs))
    assert seen[0] == 4 and min(seen) == 1


def test_budget_stops_and_leaves_primitives_unknown(tmp_path: Path) -> None:
    ex = FakeExecutor()
    run = profile_target(_request(budget=Budget(runs=3)), store_root=tmp_path, executor=ex,
                         simulated=True)
    assert len(ex.calls) == 3
    assert run.stopped_by == "runs"
    data = build_profile_data(run)
    assert data["isPartial"] is True
    unknown = data["profiler"]["unknown"]
    assert unknown and not set(unknown) & set(data["capabilities"])
    assert {d["primitiveId"] for d in data["details"]} >= set(unknown)
    assert any(d["primitiveId"] not in unknown for d in data["details"])  # both branches below run
    for d in data["details"]:
        if d["primitiveId"] in unknown:
            assert d["status"] == "unknown" and d["highestLevel"] is None
            assert "budget" in d["calibrationNote"]
        else:  # measured before the budget ran out
            assert d["status"] != "unknown" and d["primitiveId"] in data["capabilities"]
    profile = Profile.from_skvm(data)
    assert all(not profile.measured(p) for p in unknown)  # unknown, never L0
    assert set(unknown) <= set(profile.unknown())
    # the budget is spent depth-first: the first primitive is finished, not all half-run
    assert "gen.regex" in data["capabilities"]
    prims = [c.split("-L")[0] for c in ex.calls]
    assert prims == sorted(prims, key=lambda p: p != "gen-regex")


def test_profile_data_is_skvm_shaped_and_labelled_simulated(tmp_path: Path) -> None:
    run = profile_target(_request(), store_root=tmp_path, executor=FakeExecutor(),
                         simulated=True)
    data = build_profile_data(run)
    profile = Profile.from_skvm(data)
    assert profile.capabilities == {p: lv for p, lv in TRUTH.items()}
    assert data["skillir"]["source"].startswith("SIMULATED")
    assert "SIMULATED" in data["skillir"]["notes"] and data["profiler"]["simulated"] is True
    detail = next(d for d in data["details"] if d["primitiveId"] == "reason.logic")
    assert [r["level"] for r in detail["levelResults"]] == ["L1", "L2", "L3"]
    for r in detail["levelResults"]:
        assert {"passed", "passCount", "totalCount", "skipCount", "durationMs", "costUsd",
                "testDescription", "failureDetails", "passRate", "interval", "status"} <= set(r)
    assert data["profiler"]["runs"] == sum(len(s.results) for s in run.states.values())
    assert data["profiler"]["tokens"] == {"input": 100 * data["profiler"]["runs"],
                                          "output": 10 * data["profiler"]["runs"]}
    assert data["profiler"]["costUsd"] is None
    assert data["profiler"]["seed"] == 0


def test_retries_are_read_from_the_trace(tmp_path: Path) -> None:
    from skillir.profiler.runner import _trace_retries

    trace = tmp_path / "trace.jsonl"
    trace.write_text("\n".join(json.dumps(e, separators=(",", ":")) for e in [
        {"type": "model_call", "retries": [{"status": 429, "wait_s": 1.0}]},
        {"type": "model_call", "retries": []},
        {"type": "tool_call", "retries": "not a model call"}]) + "\n{broken\n")
    assert _trace_retries(str(trace)) == 1
    assert _trace_retries(str(tmp_path / "missing.jsonl")) == 0
    assert _trace_retries(None) == 0


def test_interrupt_keeps_the_instances_in_flight(tmp_path: Path) -> None:
    ex = FakeExecutor(interrupt_at=4, delay=0.05)
    with pytest.raises(KeyboardInterrupt):
        profile_target(_request(jobs=2), store_root=tmp_path, executor=ex, simulated=True)
    folder = tmp_path / "bare-agent" / "simulated-test-model" / "profiler"
    saved = {json.loads(p.read_text())["instance"] for p in folder.glob("instances/*/*.json")}
    assert saved == set(ex.calls)  # every started instance that finished was kept
    again = FakeExecutor()
    run = profile_target(_request(jobs=2, resume=True), store_root=tmp_path, executor=again,
                         simulated=True)
    assert not saved & set(again.calls)
    assert _levels(run) == TRUTH
