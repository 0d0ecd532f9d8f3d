"""Adaptive recompilation: failure records, systematic vs task-specific, the profile copy, and
the per-task regression gate (a round that regresses one task is rolled back)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from skillir.jit.recompile import (
    FailureRecord,
    TaskScore,
    classify,
    failures_of,
    optimize,
    update_profile,
)
from skillir.profiles.store import resolve_target
from skillir.target import Target

DATA = Path(__file__).resolve().parents[1] / "data"
SKILL = DATA / "sim_skills" / "sum-pipeline"


@dataclasses.dataclass
class FakeTask:
    id: str


def fake_compile(skill_dir: Path, target, out: Path, *, profiles_dir: str = "") -> Path:
    """A variant folder like skill-opt's (the real pipeline is tested elsewhere): its SKILL.md
    says which profile copy it was compiled against."""
    from skillir.profiles.store import ProfileStore

    level = ""
    if profiles_dir:
        level = f"\nshell level L{ProfileStore(profiles_dir).load(target.harness, target.model).level('gen.code.shell')}\n"
    (out / "skills" / "s").mkdir(parents=True)
    (out / "skills" / "s" / "SKILL.md").write_text("# s\n" + level, encoding="utf-8")
    (out / "compile-report.json").write_text(json.dumps({"skill_dir": "skills/s"}),
                                             encoding="utf-8")
    return out


def test_same_primitive_in_two_tasks_is_systematic():
    recs = [FailureRecord("a", "grader", (("gen.code.shell", 3),), "wrong total"),
            FailureRecord("b", "tool_error", (("gen.code.shell", None),), "exit 1"),
            FailureRecord("b", "grader", (("reason.logic", 2),), "bad answer")]
    classes = classify(recs, min_tasks=2)
    assert classes["gen.code.shell"]["classification"] == "systematic"
    assert classes["gen.code.shell"]["tasks"] == ["a", "b"]
    assert classes["reason.logic"]["classification"] == "task-specific"


def test_update_profile_lowers_a_copy_and_adds_the_failure_detail():
    strong = resolve_target("synthetic/strong").profile
    classes = classify([FailureRecord("a", "grader", (("gen.code.shell", 3),), "wrong total"),
                        FailureRecord("b", "grader", (("gen.code.shell", 3),), "wrong total")])
    copy, changes = update_profile(strong, classes)
    assert strong.level("gen.code.shell") == 3  # the original is untouched
    assert copy.level("gen.code.shell") == 2
    assert changes == ["gen.code.shell: L3 -> L2 (failing demand L3 in a, b)"]
    detail = next(d for d in copy.details if d["primitiveId"] == "gen.code.shell")
    result = next(r for r in detail["levelResults"] if r["level"] == "L3")
    assert result["passed"] is False and result["failureDetails"][0].startswith("JIT: failed")
    again, _ = update_profile(copy, classes)
    assert again.level("gen.code.shell") == 1  # still failing: one level further down


def test_failures_of_a_simulated_run_name_the_weakest_demand():
    record = {"task_id": "t", "status": "ok", "passed": False, "score": 0.0, "simulated": True,
              "criteria": [{"id": "c", "score": 0.0, "details": "missing total.json"}],
              "provider_run": {"steps": [{"ok": False, "demands": [
                  {"primitive": "tool.exec", "level": 2, "phi": 0.9},
                  {"primitive": "gen.code.shell", "level": 3, "phi": 0.1}]}]}}
    events = [{"type": "tool_call", "name": "execute_command", "is_error": True,
               "arguments": {"command": "python3 x.py"}, "result_preview": "Traceback"}]
    (tool, grader) = failures_of(record, events)
    assert tool.kind == "tool_error" and tool.primitives == (("gen.code.python", None),)
    assert grader.kind == "grader" and grader.primitives == (("gen.code.shell", 3),)
    assert grader.simulated and "missing total.json" in grader.detail


def test_a_round_that_regresses_one_task_is_rolled_back(tmp_path):
    def evaluate(variant: Path, task) -> TaskScore:
        round_no = int(variant.parent.name.split("-")[1])
        table = {0: {"a": 0.5, "b": 0.5}, 1: {"a": 1.0, "b": 0.25}}[round_no]
        fails = [FailureRecord(task.id, "grader", (("gen.code.shell", 3),), "wrong")] \
            if table[task.id] < 1 else []
        return TaskScore(task.id, [table[task.id]], fails)

    strong = resolve_target("synthetic/strong").profile
    out = optimize(SKILL, [FakeTask("a"), FakeTask("b")], target=Target("bare-agent", "opus-4.6"),
                   evaluate=evaluate, folder=tmp_path / "opt", base_profile=strong, rounds=1,
                   compile_fn=fake_compile)
    r0, r1 = out["rounds"]
    assert r0["decision"] == "baseline"
    assert r1["decision"] == "rolled back: worse on b (0.500 -> 0.250)"
    assert r1["mean"] > r0["mean"]  # better on average, still refused
    assert out["best_round"] == 0
    assert r1["profile_changes"] == ["gen.code.shell: L3 -> L2 (failing demand L3 in a, b)"]
    saved = json.loads((tmp_path / "opt" / "history.json").read_text())
    assert saved["best_round"] == 0 and len(saved["rounds"]) == 2
    assert (tmp_path / "opt" / "round-1" / "variant" / "compile-report.json").is_file()
    diff = (tmp_path / "opt" / "round-1" / "skill.diff").read_text()
    assert diff.startswith("--- round-0") and "+shell level L2" in diff


def test_no_systematic_failure_stops(tmp_path):
    def evaluate(variant: Path, task) -> TaskScore:
        return TaskScore(task.id, [0.5], [FailureRecord(task.id, "grader",
                                                        ((f"p.{task.id}", 2),), "x")])

    strong = resolve_target("synthetic/strong").profile
    out = optimize(SKILL, [FakeTask("a"), FakeTask("b")], target=Target("bare-agent", "opus-4.6"),
                   evaluate=evaluate, folder=tmp_path / "opt", base_profile=strong, rounds=3,
                   compile_fn=fake_compile)
    assert [r["decision"].split(":")[0] for r in out["rounds"]] == ["baseline", "stopped"]
