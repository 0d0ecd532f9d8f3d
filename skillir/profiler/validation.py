"""Validation against simulated models whose profiles are known: the adaptive design and
SkVM's fixed 3-of-3 on the same models, the same instances and the same draws.

The truth: the four published vectors (bare-agent opus-4.6, gpt-5.4, qwen3.5-35b-a3b,
qwen3.5-9b; an unlisted primitive is L0, as the simulated provider reads it) and `n_random`
random vectors (each level drawn uniformly from L0-L3). An instance at level L of primitive
P passes with the simulated provider's own success probability (skillir.runtime.simmodel:
`step_model` of one task step demanding P at L, i.e. base * phi(gap)) plus per-level noise
(a fixed uniform offset in [-noise, +noise] per model, primitive and level, clipped to
[0.01, 0.99]), decided by the provider's draw (`uniform("step", seed, instance id, 0,
"solve")`: the same numbers `decide` uses). This is the direct in-process path: the full
sandboxed run of a simulated instance reaches the same outcome with the same draw (a
success replays the reference, which passes; a failure damages the outputs, which fails:
tests/profiler/test_profiler_generators.py checks both), but takes about a second instead of
microseconds, so the benchmark calls the success function directly.

Agreement: the share of (model, primitive) pairs whose decided level equals the truth
(an undecided primitive counts as a disagreement).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from typing import Any

from skillir.profiler.runner import instance_seed
from skillir.profiler.sampling import Design, FixedDesign, Plan

REFERENCE_MODELS = ("opus-4.6", "gpt-5.4", "qwen3.5-35b-a3b", "qwen3.5-9b")


@dataclass
class TruthProfile:
    """A stand-in with the `level()` the success function reads."""

    name: str
    levels: dict[str, int]
    model: str = "mid"

    def level(self, prim: str) -> int:
        return self.levels.get(prim, 0)


@dataclass
class SimModel:
    truth: TruthProfile
    noise: dict[tuple[str, int], float] = field(default_factory=dict)

    def p(self, prim: str, level: int) -> float:
        from skillir.runtime.simmodel import Need, sim_params, step_model

        base = step_model(0, "solve", [Need(prim, level, "task")], self.truth, sim_params()).p
        return min(0.99, max(0.01, base + self.noise.get((prim, level), 0.0)))


def models(n_random: int = 20, noise: float = 0.1, seed: int = 0) -> list[SimModel]:
    from skillir.profiles.catalog import catalog
    from skillir.profiles.store import resolve_target

    ids = list(catalog().ids)
    rng = random.Random(f"validation|{seed}")
    truths = [TruthProfile(m, {p: resolve_target(f"bare-agent/{m}").profile.level(p) for p in ids})
              for m in REFERENCE_MODELS]
    truths += [TruthProfile(f"random-{i:02d}", {p: rng.randint(0, 3) for p in ids})
               for i in range(n_random)]
    out = []
    for t in truths:
        offsets = {(p, lv): rng.uniform(-noise, noise) for p in ids for lv in (1, 2, 3)}
        out.append(SimModel(t, offsets))
    return out


def outcome(model: SimModel, prim: str, level: int, n: int, seed: int) -> bool:
    from skillir.profiler.generators import MODULES  # noqa: F401 - the same ids as the runner
    from skillir.runtime.simmodel import uniform

    iseed = instance_seed(seed, prim, level, n)
    task_id = f"{prim.replace('.', '-')}-L{level}-s{iseed}"
    return uniform("step", iseed, task_id, 0, "solve") < model.p(prim, level)


def measure(model: SimModel, prim: str, design: Design | FixedDesign, seed: int) -> Plan:
    plan = Plan(design)
    count = {1: 0, 2: 0, 3: 0}
    while (level := plan.next_level()) is not None:
        plan.record(level, outcome(model, prim, level, count[level], seed))
        count[level] += 1
    return plan


def validate(n_random: int = 20, noise: float = 0.1, seeds: int = 5,
             design: Design | None = None) -> dict[str, Any]:
    from skillir.profiles.catalog import catalog

    ids = list(catalog().ids)
    designs: dict[str, Design | FixedDesign] = {"adaptive": design or Design(),
                                                 "skvm-3of3": FixedDesign()}
    rows = []
    totals = {k: {"agree": 0, "pairs": 0, "runs": 0, "off_by_one": 0, "inversions": 0}
              for k in designs}
    for m in models(n_random, noise):
        row: dict[str, Any] = {"model": m.truth.name}
        for name, des in designs.items():
            agree = runs = off = inv = 0
            for s in range(seeds):
                for prim in ids:
                    plan = measure(m, prim, des, s)
                    truth = m.truth.level(prim)
                    got = plan.level()
                    agree += got == truth
                    off += abs(got - truth) == 1
                    runs += plan.runs
                    inv += plan.inversion() is not None
            pairs = seeds * len(ids)
            row[name] = {"agreement": round(agree / pairs, 4), "runs_per_profile":
                         round(runs / seeds, 2)}
            t = totals[name]
            t["agree"] += agree
            t["pairs"] += pairs
            t["runs"] += runs
            t["off_by_one"] += off
            t["inversions"] += inv
        rows.append(row)
    summary = {}
    for name, t in totals.items():
        summary[name] = {"agreement": round(t["agree"] / t["pairs"], 4),
                         "off_by_one": round(t["off_by_one"] / t["pairs"], 4),
                         "runs_per_profile": round(t["runs"] / (len(rows) * seeds), 2),
                         "runs_per_primitive": round(t["runs"] / t["pairs"], 3),
                         "final_inversions": t["inversions"]}
    a, f = summary["adaptive"], summary["skvm-3of3"]
    ratio = a["runs_per_profile"] / f["runs_per_profile"]
    per_model_better = sum(r["adaptive"]["agreement"] >= r["skvm-3of3"]["agreement"] for r in rows)
    return {
        "about": __doc__.strip().splitlines()[0],
        "simulated": True,
        "setup": {"models": len(rows), "reference_models": list(REFERENCE_MODELS),
                  "random_models": n_random, "noise": noise, "seeds": seeds,
                  "primitives": len(ids), "design": designs["adaptive"].to_json(),
                  "path": "direct in-process simulation (simmodel success function and draws)"},
        "summary": summary,
        "runs_ratio": round(ratio, 4),
        "target": {"agreement_at_least_skvm": a["agreement"] >= f["agreement"],
                   "runs_at_most_half": ratio <= 0.5},
        "models_where_adaptive_agrees_at_least_as_well": f"{per_model_better}/{len(rows)}",
        "per_model": rows,
        "median_agreement": {k: statistics.median(r[k]["agreement"] for r in rows)
                             for k in designs},
    }
