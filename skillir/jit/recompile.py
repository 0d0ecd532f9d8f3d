"""Adaptive recompilation with a per-task regression gate (paper §5.2.1).

    result = optimize(skill_dir, tasks, provider, target=Target("bare-agent", "m"), rounds=2)

1. **Failure records** (`failures_of`): every run's tool errors, grader failures, timeouts,
   crashes and provider retries, each with the primitives it points at: the failing step's
   weakest demand in a simulated run (labelled simulated), the language of a failing command
   (skillir/data/jit.json `tool_primitives`), else the task's declared requirements.
2. **Classification** (`classify`): a primitive failing in at least `systematic_min_tasks`
   different tasks is *systematic*; otherwise the failures are *task-specific* and are left
   alone (recompiling for one task's quirk helps nobody).
3. **Recompile from the best variant so far**: the best variant's profile copy gets the
   systematic primitives' level lowered below the failing demand and their failure details
   added (`update_profile`; the copy lives in the JIT store, the shipped profile is never
   touched), and the skill is compiled again against it: analyze-gaps now sees the gap and
   compile-capabilities compensates, quoting the failure detail.
4. **Gate**: the new variant runs on the same tasks with the same seeds; it is accepted only
   when no task's mean score drops (beyond `regression_tolerance`) and the mean rises;
   otherwise it is rolled back and the best variant stays.

Every round's variant folder, profile copy, scores, decision and the diff of its SKILL.md
against the best variant are kept under `<jit entry>/optimize/<stamp>/`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import os
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.datafiles import load_data
from skillir.errors import SkillIRError


@dataclass(frozen=True)
class FailureRecord:
    """One failure seen in one run."""

    task: str
    kind: str
    """'tool_error', 'grader', 'timeout', 'crash' or 'retry'."""
    primitives: tuple[tuple[str, int | None], ...]
    """(primitive, demanded level or None) the failure points at."""
    detail: str
    simulated: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"task": self.task, "kind": self.kind, "detail": self.detail,
                "primitives": [f"{p} L{lv}" if lv is not None else p for p, lv in self.primitives],
                "simulated": self.simulated}


def _requirements(task: Any) -> tuple[tuple[str, int | None], ...]:
    reqs = (getattr(task, "extra", None) or {}).get("requirements") or ()
    out = []
    for r in reqs:
        prim = r.get("primitive") if isinstance(r, dict) else getattr(r, "primitive", None)
        level = r.get("level") if isinstance(r, dict) else getattr(r, "level", None)
        if prim:
            out.append((str(prim), int(level) if level is not None else None))
    return tuple(out)


def _command_primitive(command: str) -> str:
    table = load_data("jit.json")["tool_primitives"]
    if "python" in command.split(" ", 1)[0] or "python3 -" in command:
        return table["python"]
    if command.split(" ", 1)[0] in ("node", "npx"):
        return table["js"]
    return table["shell"]


def failures_of(record: dict[str, Any], events: list[dict[str, Any]], task: Any = None
                ) -> list[FailureRecord]:
    """The failure records of one run."""
    tid = str(record.get("task_id"))
    sim = bool(record.get("simulated"))
    out: list[FailureRecord] = []
    table = load_data("jit.json")["tool_primitives"]
    for ev in events:
        if ev.get("type") == "tool_call" and ev.get("is_error"):
            args = ev.get("arguments") or {}
            prim = _command_primitive(str(args.get("command", ""))) \
                if ev.get("name") == "execute_command" else table.get(str(ev.get("name")), "tool.exec")
            out.append(FailureRecord(tid, "tool_error", ((prim, None),),
                                     str(ev.get("result_preview", ""))[:200], sim))
        elif ev.get("type") == "model_call" and ev.get("attempts", 1) > 1:
            out.append(FailureRecord(tid, "retry", (), f"{ev.get('attempts')} attempts", sim))
    status = record.get("status")
    if status in ("timeout", "crashed"):
        out.append(FailureRecord(tid, "timeout" if status == "timeout" else "crash",
                                 _requirements(task), str(record.get("status_detail") or "")[:200],
                                 sim))
    if record.get("passed") is False:
        prims: tuple[tuple[str, int | None], ...] = ()
        steps = (record.get("provider_run") or {}).get("steps") or []
        failed = [s for s in steps if not s.get("ok")]
        if failed:  # a simulated run says which step failed; its weakest demand is the cause
            picked = []
            for s in failed:
                demands = s.get("demands") or []
                if demands:
                    worst = min(demands, key=lambda d: d.get("phi", 1.0))
                    picked.append((str(worst["primitive"]), int(worst["level"])))
            prims = tuple(picked)
        if not prims:
            prims = _requirements(task)
        crit = [c for c in record.get("criteria") or [] if c.get("score", 1) < 1]
        detail = "; ".join(f"{c.get('id')}: {str(c.get('details') or '')[:80]}" for c in crit)
        out.append(FailureRecord(tid, "grader", prims,
                                 detail or f"score {record.get('score')}", sim))
    return out


def classify(records: Sequence[FailureRecord], *, min_tasks: int = 2) -> dict[str, dict[str, Any]]:
    """primitive -> {"classification": systematic | task-specific, "tasks", "levels",
    "samples"}."""
    by_prim: dict[str, dict[str, Any]] = {}
    for rec in records:
        for prim, level in rec.primitives:
            info = by_prim.setdefault(prim, {"tasks": [], "levels": [], "samples": [],
                                             "kinds": []})
            if rec.task not in info["tasks"]:
                info["tasks"].append(rec.task)
            if level is not None:
                info["levels"].append(level)
            if rec.kind not in info["kinds"]:
                info["kinds"].append(rec.kind)
            if len(info["samples"]) < 3:
                info["samples"].append(f"{rec.task}: {rec.kind}: {rec.detail}"[:160])
    for info in by_prim.values():
        info["classification"] = "systematic" if len(info["tasks"]) >= min_tasks \
            else "task-specific"
    return dict(sorted(by_prim.items()))


def update_profile(profile: Any, classes: dict[str, dict[str, Any]]) -> tuple[Any, list[str]]:
    """A copy of `profile` with each systematic primitive's level lowered below its lowest
    failing demand and a failure detail at that level. Returns (profile, changes)."""
    caps = dict(profile.capabilities)
    details = [dict(d) for d in profile.details]
    changes = []
    for prim, info in classes.items():
        if info["classification"] != "systematic":
            continue
        have = caps.get(prim, 0)
        failing = min(info["levels"]) if info["levels"] else have
        new = max(0, min(have, failing) - 1)
        level = max(1, failing)
        text = (f"JIT: failed in {len(info['tasks'])} tasks at run time "
                f"({', '.join(info['kinds'])}): {info['samples'][0]}")
        entry = next((d for d in details if d.get("primitiveId") == prim), None)
        if entry is None:
            entry = {"primitiveId": prim, "highestLevel": f"L{new}", "levelResults": []}
            details.append(entry)
        results = [dict(r) for r in entry.get("levelResults") or []]
        results = [r for r in results if str(r.get("level", "")).lstrip("L") != str(level)]
        results.append({"level": f"L{level}", "passed": False, "passCount": 0, "totalCount": 0,
                        "failureDetails": [text]})
        entry["levelResults"] = results
        entry["highestLevel"] = f"L{new}"
        if new != have:
            caps[prim] = new
        changes.append(f"{prim}: L{have} -> L{new} (failing demand L{failing} in "
                       f"{', '.join(info['tasks'])})")
    copy = dataclasses.replace(profile, capabilities=caps, details=tuple(details),
                               source=(profile.source or "") + " + JIT failure records",
                               path=None)
    return copy, changes


# -- compiling and running variants ------------------------------------------------------------


def compile_variant(skill_dir: Path, target: Any, out: Path, *, profiles_dir: str = "") -> Path:
    """Compile `skill_dir` for `target` into the folder `out` (skill-opt's layout)."""
    from skillir.atomic import atomic_directory
    from skillir.backends import get_folder_backends
    from skillir.frontend.skill_md import load_skill
    from skillir.passes.bind_profile import BindProfilePass
    from skillir.pipeline import PassManager, stage_passes

    module = load_skill(skill_dir)
    passes = tuple(dataclasses.replace(p, profiles_dir=profiles_dir)
                   if isinstance(p, BindProfilePass) and profiles_dir else p
                   for p in stage_passes("harness", target, probe=False))
    PassManager(passes=passes).run(module)
    with atomic_directory(out) as tmp:
        get_folder_backends()[target.harness]()(module, Path(tmp))
    return out


@dataclass
class TaskScore:
    task: str
    scores: list[float]
    failures: list[FailureRecord] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0


Evaluate = Callable[[Path, Any], TaskScore]


def sim_evaluator(provider: Any, *, seeds: Sequence[int], runs_dir: Path,
                  harness: str = "bare-agent") -> Evaluate:
    """Run a variant on a task once per seed (same seeds every round: paired comparisons)."""
    from skillir.bench.run import RunOptions, run_task
    from skillir.runtime.skill import load_skill_bundle
    from skillir.runtime.trace import read_trace

    def evaluate(variant: Path, task: Any) -> TaskScore:
        bundle = load_skill_bundle(variant, compiled=True)
        result = TaskScore(task.id, [])
        for seed in seeds:
            rec = run_task(task, provider, skill=bundle,
                           options=RunOptions(runs_dir=runs_dir, seed=seed, harness=harness))
            if rec.get("score") is None:
                continue
            result.scores.append(float(rec["score"]))
            result.failures.extend(failures_of(rec, read_trace(rec["trace"]), task))
        return result

    return evaluate


@dataclass
class Round:
    index: int
    variant: Path
    scores: dict[str, float]
    decision: str
    changes: list[str] = field(default_factory=list)
    classes: dict[str, dict[str, Any]] = field(default_factory=dict)
    diff: str = ""

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"round": self.index, "variant": str(self.variant), "mean": round(self.mean, 6),
                "scores": {k: round(v, 6) for k, v in self.scores.items()},
                "decision": self.decision, "profile_changes": self.changes,
                "failures": self.classes, "diff_lines": self.diff.count("\n")}


def _skill_md(variant: Path) -> str:
    report = variant / "compile-report.json"
    sub = json.loads(report.read_text(encoding="utf-8")).get("skill_dir") if report.is_file() else ""
    path = variant / (sub or "") / "SKILL.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def optimize(skill_dir: str | os.PathLike[str], tasks: Sequence[Any], *, target: Any,
             evaluate: Evaluate, folder: Path, base_profile: Any, rounds: int = 2,
             min_tasks: int = 2, tolerance: float = 0.0,
             compile_fn: Callable[..., Path] = compile_variant) -> dict[str, Any]:
    """The recompilation loop (see the module docstring). `folder` receives round-N/ and
    history.json; returns the history."""
    from skillir.atomic import write_text_atomic
    from skillir.profiles.store import ProfileStore

    skill_dir = Path(skill_dir)
    if not tasks:
        raise SkillIRError("optimize needs at least one task", hint="give --tasks T1 T2 ...")
    folder.mkdir(parents=True, exist_ok=True)

    def run_round(index: int, variant: Path) -> tuple[dict[str, float], list[FailureRecord]]:
        results = [evaluate(variant, t) for t in tasks]
        return ({r.task: r.mean for r in results}, [f for r in results for f in r.failures])

    base = compile_fn(skill_dir, target, folder / "round-0" / "variant")
    scores, fails = run_round(0, base)
    best = Round(0, base, scores, "baseline", classes=classify(fails, min_tasks=min_tasks))
    best_profile = base_profile
    history = [best]
    _write_round(folder, best)
    for index in range(1, rounds + 1):
        classes = best.classes
        if not any(i["classification"] == "systematic" for i in classes.values()):
            history.append(Round(index, best.variant, best.scores,
                                 "stopped: no systematic failure (task-specific ones are left "
                                 "alone)", classes=classes))
            _write_round(folder, history[-1])
            break
        profile, changes = update_profile(best_profile, classes)
        store_dir = folder / f"round-{index}" / "profiles"
        ProfileStore(store_dir).save(dataclasses.replace(profile, harness=target.harness,
                                                         model=target.model))
        variant = compile_fn(skill_dir, target, folder / f"round-{index}" / "variant",
                             profiles_dir=str(store_dir))
        scores, fails = run_round(index, variant)
        diff = "".join(difflib.unified_diff(
            _skill_md(best.variant).splitlines(True), _skill_md(variant).splitlines(True),
            f"round-{best.index}/SKILL.md", f"round-{index}/SKILL.md"))
        worse = sorted(t for t in scores if scores[t] < best.scores.get(t, 0.0) - tolerance)
        this = Round(index, variant, scores, "", changes, classify(fails, min_tasks=min_tasks),
                     diff)
        if worse:
            this.decision = "rolled back: worse on " + ", ".join(
                f"{t} ({best.scores[t]:.3f} -> {scores[t]:.3f})" for t in worse)
        elif this.mean <= best.mean:
            this.decision = f"rolled back: no gain (mean {best.mean:.3f} -> {this.mean:.3f})"
        else:
            this.decision = f"accepted: mean {best.mean:.3f} -> {this.mean:.3f}"
        history.append(this)
        _write_round(folder, this)
        if this.decision.startswith("accepted"):
            best, best_profile = this, profile
    out = {"skill": str(skill_dir), "target": f"{target.harness}/{target.model}",
           "tasks": [t.id for t in tasks], "best_round": best.index,
           "best_variant": str(best.variant), "rounds": [r.to_json() for r in history],
           "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    write_text_atomic(folder / "history.json", json.dumps(out, indent=1) + "\n")
    return out


def _write_round(folder: Path, rnd: Round) -> None:
    from skillir.atomic import write_text_atomic

    where = folder / f"round-{rnd.index}"
    write_text_atomic(where / "round.json", json.dumps(rnd.to_json(), indent=1) + "\n")
    if rnd.diff:
        write_text_atomic(where / "skill.diff", rnd.diff)
