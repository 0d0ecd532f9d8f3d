"""The profile a profiler run writes: SkVM TCP JSON plus the profiler's own numbers.

SkVM's fields: `capabilities` (measured primitives only: a primitive the run did not decide
is *unknown* and left out, never written as L0), `details[]` with `levelResults[]` per level
(`passed`, `passCount`, `totalCount`, `skipCount`, `durationMs`, `costUsd`,
`testDescription`, `failureDetails`), `cost`, `isPartial`. The profiler adds, in each level
result: `status` (measured | implied), `passRate` and `interval` (Wilson 95%); in each detail:
`status` (measured | unknown), `confidence` (posterior of the decided level) and
`calibrationNote` (inversions); and a top-level `profiler` object (SkVM keeps unknown keys):
design, seed, runs, skipped, tokens, wall and model time, cost (null: no price table),
date, jobs, budget, the unknown primitives and whether the model is simulated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from skillir.profiler.runner import ProfileRun, profile_model_name
from skillir.profiler.sampling import LEVELS, Design

SIMULATED_NOTE = ("SIMULATED: measured on a simulated model (sim/...), whose behaviour follows a "
                  "capability profile; this is not a measurement of a real model")


def _level_results(state: Any) -> list[dict[str, Any]]:
    verdicts = state.plan.level_verdicts()
    out = []
    for lv in LEVELS:
        rows = [r for r in state.results if r["level"] == lv]
        counted = [r for r in rows if r["counted"]]
        v = verdicts[lv]
        from skillir.profiler.generators import generate

        out.append({
            "level": f"L{lv}", "passed": v["passed"], "passCount": v["passCount"],
            "totalCount": v["totalCount"], "skipCount": len(rows) - len(counted),
            "durationMs": round(sum(r["wall_s"] for r in rows) * 1000),
            "costUsd": None,
            "testDescription": generate(state.primitive, lv, 0).prompt[:160],
            "failureDetails": [f"{r['instance']}: {r['failure']}" for r in rows
                               if r.get("failure")][:5],
            "status": v["status"] if state.plan.runs else "unknown",
            "passRate": v["passRate"], "interval": v["interval"],
            "tokens": sum(r["input_tokens"] + r["output_tokens"] for r in rows),
            "modelTimeMs": round(sum(r["model_time_s"] for r in rows) * 1000),
        })
    return out


def build_profile_data(run: ProfileRun) -> dict[str, Any]:
    req = run.request
    now = dt.datetime.now(dt.UTC)
    caps: dict[str, str] = {}
    details = []
    unknown = []
    results = run.all_results()
    for prim, st in run.states.items():
        decided = st.decided()
        level = st.plan.level()
        if decided:
            caps[prim] = f"L{level}"
        else:
            unknown.append(prim)
        why = None
        if not decided:
            why = ("not decided: " + ("the budget ran out" if run.stopped_by else
                                      "too many skipped instances" if st.skips else "not run"))
        note = "; ".join(x for x in (st.plan.note(), why) if x) or None
        details.append({"primitiveId": prim, "highestLevel": f"L{level}" if decided else None,
                        "status": "measured" if decided else "unknown",
                        "confidence": None if st.plan.confidence is None
                        else round(st.plan.confidence, 4),
                        "calibrationNote": note, "levelResults": _level_results(st)})
    tin = sum(r["input_tokens"] for r in results)
    tout = sum(r["output_tokens"] for r in results)
    agent_wall = sum(r["wall_s"] for r in results)
    model_time = sum(r["model_time_s"] for r in results)
    design = req.design.to_json()
    source = (f"skill-profile run --model {req.model} (SkillIR profiler, "
              f"{'adaptive' if isinstance(req.design, Design) else 'fixed 3-of-3'} design, "
              f"seed {req.seed})")
    labels: dict[str, Any] = {"source": ("SIMULATED " if run.simulated else "") + source,
                              "date": now.strftime("%Y-%m-%d"), "synthetic": run.simulated}
    notes = [f"{len(results)} agent runs, {tin + tout} tokens, "
             f"{round(run.wall_s)} s wall (all sessions)"]
    if run.simulated:
        notes.insert(0, SIMULATED_NOTE)
    if unknown:
        notes.append(f"unknown (not decided): {', '.join(unknown)}")
    labels["notes"] = "; ".join(notes)
    return {
        "version": "1.0", "model": profile_model_name(req.model), "harness": req.harness,
        "profiledAt": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "capabilities": caps, "details": details,
        "cost": {"totalUsd": 0, "totalTokens": {"input": tin, "output": tout, "cacheRead": 0,
                                                 "cacheWrite": 0},
                 "durationMs": round(agent_wall * 1000)},
        "isPartial": bool(unknown),
        "profiler": {
            "simulated": run.simulated, "modelId": req.model, "design": design,
            "seed": req.seed, "runs": sum(1 for r in results if r["counted"]),
            "skipped": sum(1 for r in results if not r["counted"]),
            "tokens": {"input": tin, "output": tout},
            "wallMs": round(run.wall_s * 1000), "agentWallMs": round(agent_wall * 1000),
            "modelTimeMs": round(model_time * 1000), "costUsd": None,
            "costNote": "no price table: cost unknown", "jobs": req.jobs,
            "budget": req.budget.to_json(), "stoppedBy": run.stopped_by,
            "resumedResults": run.resumed_results, "unknown": unknown,
            "date": now.strftime("%Y-%m-%d"), "startedAt": run.started_at,
        },
        "skillir": labels,
    }
