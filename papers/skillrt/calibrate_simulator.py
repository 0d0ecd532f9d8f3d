"""The simulator, calibrated: fit the success function's parameters (skillir/data/
simulation.json) to the paper's published aggregate numbers, report how close the best fit
gets, and what the same statistics are under the null setting (records give no benefit).

Targets (paper §g): original skills degrade 15% of (task, model) cells and leave 17%
unchanged (excluding cells already at 100%); compiling adds +15.3 pp average completion; with
compiled skills 4.5% of cells regress below no skill.

Method: for every suite task × simulated profile × condition (no skill, original, compiled
for that profile) the simulator's own step demands are computed once
(`skillir.runtime.simmodel.task_steps`); the expected pass rate of a run is the product of
its steps' success probabilities, recomputed for every parameter point of a grid (no runs
needed: the success function is analytic). The loss is the sum of squared, scaled distances
to the four targets. Writes results/calibration.json and a section of REPRODUCTION.md; it
does not change the shipped parameters (that is a decision for a person, with the fit in
hand).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

from common import PAPER, models, parser, profile_of, record, tasks

GRID = {
    "base": [0.85, 0.9, 0.95, 0.99],
    "gap_factor": [0.3, 0.5, 0.7],
    "missing_factor": [0.3, 0.6, 0.9],
    "compensated_factor": [0.7, 0.8, 0.9, 1.0],
    "substituted_factor": [0.8, 0.9, 1.0],
}
SCALES = {"degrade": 0.05, "unchanged": 0.05, "gain_pp": 5.0, "regress": 0.03}
EPS = 0.05


def _cells(args) -> list[tuple[str, str, str, list]]:
    from skillir.bench.task import load_task
    from skillir.runtime.providers.sim import resolve_sim_profile
    from skillir.runtime.replay import find_reference
    from skillir.runtime.simmodel import sim_params, task_steps
    from skillir.runtime.skill import load_skill_bundle
    from skillir.study.matrix import compile_for

    params = sim_params()
    out = []
    for task_dir in tasks(args.quick):
        task = load_task(task_dir)
        ref = find_reference(task.dir)
        labels = ref.labels if ref else ()
        skill_dir = Path(task.skill_paths[0]) if task.skill_paths else None
        for model in models(args.quick):
            profile = resolve_sim_profile(model).profile
            bundles = {"no-skill": None}
            if skill_dir is not None:
                bundles["original"] = load_skill_bundle(skill_dir)
                folder = compile_for(skill_dir, "bare-agent", profile_of(model), None,
                                     args.out / "results" / "compiled")
                bundles["compiled"] = load_skill_bundle(folder, compiled=True)
            for cond, bundle in bundles.items():
                steps, _, _ = task_steps(task, bundle, profile, params, action_labels=labels)
                needs = [(s.index, s.label, [f.need for f in s.factors]) for s in steps]
                out.append((task.id, model, cond, needs, profile))
    return out


def _expected(cells, params) -> dict[tuple[str, str, str], float]:
    from skillir.runtime.simmodel import step_model

    return {(t, m, c): math.prod(step_model(i, lab, needs, prof, params).p
                                 for i, lab, needs in steps)
            for t, m, c, steps, prof in cells}


def statistics(expected: dict[tuple[str, str, str], float]) -> dict[str, float]:
    pairs = [(t, m) for (t, m, c) in expected if c == "original"]
    delta = {k: expected[(*k, "original")] - expected[(*k, "no-skill")] for k in pairs}
    full = {k for k in pairs if expected[(*k, "original")] >= 0.99
            and expected[(*k, "no-skill")] >= 0.99}
    comp = [k for k in pairs if (*k, "compiled") in expected]
    n = max(len(pairs), 1)
    return {
        "degrade": sum(1 for d in delta.values() if d < -EPS) / n,
        "unchanged": sum(1 for k, d in delta.items() if abs(d) <= EPS and k not in full) / n,
        "gain_pp": 100 * sum(expected[(*k, "compiled")] - expected[(*k, "original")]
                             for k in comp) / max(len(comp), 1),
        "regress": sum(1 for k in comp if expected[(*k, "compiled")]
                       < expected[(*k, "no-skill")] - EPS) / max(len(comp), 1),
    }


TARGETS = {"degrade": PAPER["skills_degrade_share"], "unchanged": PAPER["skills_unchanged_share"],
           "gain_pp": PAPER["compiled_gain_pp"], "regress": PAPER["compiled_regression_share"]}


def loss(stats: dict[str, float]) -> float:
    return sum(((stats[k] - TARGETS[k]) / SCALES[k]) ** 2 for k in TARGETS)


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    import logging

    logging.disable(logging.WARNING)
    from skillir.runtime.simmodel import null_params, sim_params

    cells = _cells(args)
    shipped = sim_params()
    grid = GRID if not args.quick else {k: v[:2] for k, v in GRID.items()}
    shipped_point = {k: getattr(shipped, k) for k in GRID}
    best = None
    for values in [tuple(shipped_point.values()), *itertools.product(*grid.values())]:
        point = dict(zip(grid, values, strict=True))
        params = dataclasses.replace(shipped, decomposed_factor=point["compensated_factor"],
                                     **point)
        stats = statistics(_expected(cells, params))
        candidate = (loss(stats), point, stats)
        if best is None or candidate[0] < best[0]:
            best = candidate
    assert best is not None
    shipped_stats = statistics(_expected(cells, shipped))
    null_stats = statistics(_expected(cells, null_params()))
    fmt = {k: round(v, 3) for k, v in TARGETS.items()}
    numbers = {"targets": fmt, "cells": len(cells), "grid_points": math.prod(len(v) for v in grid.values()),
               "shipped": {"params": shipped.to_json(), "stats": _round(shipped_stats),
                           "loss": round(loss(shipped_stats), 3)},
               "best_fit": {"params": best[1], "stats": _round(best[2]), "loss": round(best[0], 3)},
               "null_setting": {"stats": _round(null_stats)}}
    reachable = [k for k in TARGETS if abs(best[2][k] - TARGETS[k]) <= SCALES[k]]
    text = (f"Fitted over {len(cells)} (task, profile, condition) cells on a grid of "
            f"{numbers['grid_points']} parameter points (expected pass rates, analytic). "
            f"Targets {fmt}. Shipped parameters give {_round(shipped_stats)} (loss "
            f"{numbers['shipped']['loss']}); the best grid point {best[1]} gives "
            f"{_round(best[2])} (loss {numbers['best_fit']['loss']}); targets within one scale "
            f"unit: {reachable or 'none'}. Under the null setting compiling adds "
            f"{null_stats['gain_pp']:.1f} pp. What the fit says: the degrade/unchanged shares "
            "are fixed mostly by which demands our skills add to our tasks, not by the "
            "parameters, and the compiled gain is bounded by how many gaps the compiler "
            "closes on these skills; a simulator tuned to reproduce the paper's headline would "
            "have to assume it. The shipped parameters are left as they are.")
    folder = args.out / "results"
    record(args.out, "calibration", figure="Simulator calibration (issue 17 part 6)",
           kind="simulated", status="partly matched" if reachable else "differed", text=text,
           numbers=numbers, files=[folder / "calibration.json"])


def _round(stats: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in stats.items()}


if __name__ == "__main__":
    main()
