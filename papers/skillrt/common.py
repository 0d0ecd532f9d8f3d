"""What the per-figure scripts of papers/skillrt/ share: the simulated task matrix, the
paper's numbers, and REPRODUCTION.md.

Every script is run as `python papers/skillrt/<script>.py [--quick] [--out DIR] [-j N]`.
It writes its table or figure under `<out>/figures/`, its numbers to
`<out>/results/<name>.json`, and rewrites `<out>/REPRODUCTION.md` from every result file
there (one section per figure: what matched, what differed and why, which numbers are
real and which simulated). `--quick` runs a tiny matrix (the test suite uses it).

The matrix is run with skill-bench (skillir.study.matrix) into `<out>/results/matrix.sqlite`:
the eleven suite tasks (tasks/suite/) × the published bare-agent profiles simulated
(sim/opus-4.6, sim/gpt-5.4, sim/qwen3.5-35b-a3b, sim/qwen3.5-9b) plus sim/synthetic-weak ×
no-skill / original / compiled × seeds, and the compiled condition again under the null
setting (sim-null/...: the compiler's records give no benefit). Runs are resumed, so a
second script reuses the first one's runs. Nothing here calls a real model: every number
from the matrix is SIMULATED and labelled so.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

SIM = "simulated"
MODELS = ["opus-4.6", "gpt-5.4", "qwen3.5-35b-a3b", "qwen3.5-9b", "synthetic-weak"]
QUICK_MODELS = ["opus-4.6", "qwen3.5-9b"]
CONDITIONS = ["no-skill", "original", "compiled"]
SEEDS = [0, 1, 2]
QUICK_TASKS = ["batch-rename", "regex-extract", "parallel-word-count"]

PAPER = {
    "skills_degrade_share": 0.15, "skills_unchanged_share": 0.17,
    "compiled_gain_pp": 15.3, "compiled_regression_share": 0.045,
    "original_regression_share": 0.15, "types": {"tool-reference": 0.52, "procedural": 0.28,
                                                 "generative": 0.20},
    "procedural_share": 0.76, "code_like_share": 0.75,
    "profiling_minutes": {"devstral-small": 7.3, "qwen3-30b": 31.1},
    "solidification_speedup": [19, 50], "concurrency_max_speedup": 3.2,
}
"""The paper's numbers these scripts compare against (../shared/PAPER_NOTES.md §g)."""


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a tiny matrix (for tests)")
    p.add_argument("--out", type=Path, default=HERE, help="where figures/, results/ and "
                   "REPRODUCTION.md go (default: papers/skillrt/)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="runs at a time")
    return p


def profile_of(model: str) -> str:
    """The compile target's profile for a simulated model name (`synthetic-weak` is the
    synthetic profile `synthetic/weak`; the published ones are bare-agent profiles)."""
    return model.replace("-", "/", 1) if model.startswith("synthetic-") else model


def tasks(quick: bool) -> list[str]:
    suite = ROOT / "tasks" / "suite"
    names = QUICK_TASKS if quick else sorted(p.name for p in suite.iterdir()
                                              if (p / "task.json").is_file())
    return [str(suite / n) for n in names]


def models(quick: bool) -> list[str]:
    return QUICK_MODELS if quick else MODELS


def matrix(args: argparse.Namespace) -> list[dict[str, Any]]:
    """The simulated matrix's rows (run now what the database does not hold yet)."""
    from skillir.study.matrix import run_plan
    from skillir.study.plan import plan_from_data
    from skillir.study.results_db import ResultsDB

    logging.disable(logging.WARNING)
    results = args.out / "results"
    results.mkdir(parents=True, exist_ok=True)
    seeds = [0] if args.quick else SEEDS
    plans = [
        {"name": "matrix", "tasks": tasks(args.quick), "conditions": CONDITIONS,
         "models": [f"sim/{m}" for m in models(args.quick)], "seeds": seeds,
         "target_models": {f"sim/{m}": profile_of(m) for m in models(args.quick)}},
        {"name": "matrix-null", "tasks": tasks(args.quick), "conditions": ["compiled"],
         "models": [f"sim-null/{m}" for m in models(args.quick)], "seeds": seeds,
         "target_models": {f"sim-null/{m}": profile_of(m) for m in models(args.quick)}},
    ]
    with ResultsDB(results / "matrix.sqlite") as db:
        for data in plans:
            plan = plan_from_data(data, base=ROOT, source=data["name"])
            run_plan(plan, db, runs_dir=results / "runs", jobs=args.jobs, resume=True,
                     progress=None)
        return [r for r in db.rows() if r["status"] == "ok"]


def by_cell(rows: list[dict[str, Any]]) -> dict[tuple[str, str, str], float]:
    """Mean score per (task, model without route, condition); the null setting's compiled
    runs appear as condition `compiled-null`."""
    sums: dict[tuple[str, str, str], list[float]] = {}
    for r in rows:
        route, _, model = r["model"].partition("/")
        cond = r["condition"] + ("-null" if route == "sim-null" else "")
        sums.setdefault((r["task_id"], model, cond), []).append(float(r["score"]))
    return {k: sum(v) / len(v) for k, v in sums.items()}


def save_figure(fig: Any, out: Path, name: str) -> Path:
    folder = out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    return path


def record(out: Path, name: str, *, figure: str, kind: str, status: str, text: str,
           numbers: dict[str, Any], files: list[Path]) -> None:
    """Keep this figure's outcome and rewrite REPRODUCTION.md from every outcome.

    kind: "simulated" | "measured" | "measured + simulated" | "static";
    status: "matched" | "partly matched" | "differed" | "not reproduced"."""
    results = out / "results"
    results.mkdir(parents=True, exist_ok=True)
    entry = {"name": name, "figure": figure, "kind": kind, "status": status, "text": text,
             "numbers": numbers, "files": [str(f.relative_to(out)) if f.is_relative_to(out)
                                           else str(f) for f in files]}
    (results / f"{name}.json").write_text(json.dumps(entry, indent=1, sort_keys=True) + "\n")
    write_reproduction(out)


def write_reproduction(out: Path) -> None:
    entries = []
    for f in sorted((out / "results").glob("*.json")):
        try:
            data = json.loads(f.read_text())
        except json.JSONDecodeError:
            continue
        if isinstance(data, dict) and "figure" in data and "status" in data:
            entries.append(data)
    lines = ["# Reproducing SkillRT/SkVM (arXiv 2604.03088) with SkillIR", "",
             "Written by the scripts in this folder (one per table and figure; "
             "`make paper` runs them all). Each section says what matched, what differed and "
             "why, and which numbers are **real** (measured on this machine) and which are "
             "**simulated** (the simulated model, `sim/...`, whose success function is "
             "documented in skillir/runtime/simmodel.py; simulated numbers are never "
             "measurements of real models). Simulated comparisons of compiled skills are "
             "also run under the *null setting* (`sim-null/...`), in which the compiler's "
             "records give no benefit, so that no conclusion is built into the simulator.",
             ""]
    for e in entries:
        lines += [f"## {e['figure']} — {e['status']} ({e['kind']})", "", e["text"].strip(), ""]
        if e["files"]:
            lines += ["Files: " + ", ".join(f"`{f}`" for f in e["files"]), ""]
    (out / "REPRODUCTION.md").write_text("\n".join(lines))


def condition_means(cells: dict[tuple[str, str, str], float], model: str, cond: str
                    ) -> float | None:
    values = [v for (t, m, c), v in cells.items() if m == model and c == cond]
    return sum(values) / len(values) if values else None


def regressions(cells: dict[tuple[str, str, str], float], cond: str, eps: float = 0.05
                ) -> tuple[int, int]:
    """(cells where `cond` scores below no-skill by more than eps, cells compared)."""
    pairs = [(v, cells[(t, m, "no-skill")]) for (t, m, c), v in cells.items()
             if c == cond and (t, m, "no-skill") in cells]
    return sum(1 for v, base in pairs if v < base - eps), len(pairs)
