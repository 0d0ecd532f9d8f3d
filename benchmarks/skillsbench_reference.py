#!/usr/bin/env python3
"""Check a full SkillsBench (Harbor) checkout without Docker (issue 17, part 3).

For every task of the checkout: the importer's verdict (runnable here or skipped, and why),
and for every runnable task its reference solution (`solution/solve.sh`) replayed by the
simulated model `sim/synthetic-strong` in the sandbox, in the task's own cached environment,
graded by the task's own tests with Harbor's reward. The goal: every runnable task's
reference scores 1.0.

The checkout is not part of this repository (fetched files are never committed). Recreate
one from a local git mirror (the workspace's `fetch` tool layout) with `--mirror`:

    python3 benchmarks/skillsbench_reference.py --mirror /work/.mirror/OWNER+NAME/repo \\
        [--out /tmp/skillsbench] [--json benchmarks/results/skillsbench_reference.json]
    python3 benchmarks/skillsbench_reference.py --checkout DIR [--only TASK ...]

Blobs a mirror lacks (large binary inputs) are listed and left out; a task whose inputs are
missing from the copy is reported as such, not as a failure of the importer. The replays are
simulated (the "model" replays the reference); the grading, the environment and the sandbox
are real.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from skillir.atomic import write_text_atomic  # noqa: E402
from skillir.bench.run import RunOptions, run_task  # noqa: E402
from skillir.bench.skillsbench import (  # noqa: E402
    analyze_harbor_task,
    find_harbor_tasks,
    import_harbor_task,
)
from skillir.runtime.providers import get_provider  # noqa: E402

MODEL = "sim/synthetic-strong"


def extract(mirror: Path, out: Path) -> tuple[str, list[str]]:
    """`tasks/` of the mirror's HEAD into `out`; (commit, paths whose blob is missing)."""
    commit = subprocess.run(["git", "--git-dir", str(mirror), "rev-parse", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    listing = subprocess.run(["git", "--git-dir", str(mirror), "ls-tree", "-r", "HEAD", "tasks"],
                             capture_output=True, text=True, check=True).stdout
    missing = []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        mode, _, sha = meta.split()
        blob = subprocess.run(["git", "--git-dir", str(mirror), "cat-file", "blob", sha],
                              capture_output=True, check=False)
        if blob.returncode != 0:
            missing.append(path)
            continue
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
        if mode == "100755":
            target.chmod(0o755)
    return commit, missing


def check(checkout: Path, only: list[str], missing_blobs: list[str]) -> list[dict]:
    rows = []
    runs = Path(tempfile.mkdtemp(prefix="skillsbench-ref-runs-"))
    for folder in find_harbor_tasks(checkout):
        if only and folder.name not in only:
            continue
        ht = analyze_harbor_task(folder)
        row = {"task": ht.id, "status": ht.status, "skip_reasons": ht.skip_reasons,
               "pip": ht.env.pip}
        absent = [p for p in missing_blobs if p.startswith(f"tasks/{ht.id}/environment/")]
        if absent:
            row["inputs_missing_from_copy"] = [p.split("/environment/", 1)[1] for p in absent]
        if ht.status == "runnable":
            _, task = import_harbor_task(folder)
            start = time.monotonic()
            record = run_task(task, get_provider(MODEL),
                              options=RunOptions(runs_dir=runs, seed=0))
            row.update(score=record.get("score"), run_status=record.get("status"),
                       wall_s=round(time.monotonic() - start, 2), simulated=True,
                       failed=[c["name"] for crit in record.get("criteria") or []
                               for c in crit.get("checkpoints") or []
                               if c.get("weight") == 0.0 and c.get("score", 1.0) < 1.0][:5])
        rows.append(row)
        print(f"{ht.id:40s} {ht.status:9s} {row.get('score', '')}", flush=True)
    return rows


def summary(rows: list[dict]) -> dict:
    runnable = [r for r in rows if r["status"] == "runnable"]
    complete = [r for r in runnable if not r.get("inputs_missing_from_copy")]
    walls = [r["wall_s"] for r in runnable if "wall_s" in r]
    return {"tasks": len(rows), "runnable": len(runnable),
            "skipped": sum(r["status"] == "skipped" for r in rows),
            "no_grader": sum(r["status"] == "no-grader" for r in rows),
            "runnable_with_all_inputs": len(complete),
            "reference_scores_1": sum(r.get("score") == 1.0 for r in complete),
            "runnable_missing_inputs": [r["task"] for r in runnable
                                        if r.get("inputs_missing_from_copy")],
            "median_wall_s": statistics.median(walls) if walls else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkout", type=Path, help="a SkillsBench checkout (with tasks/)")
    src.add_argument("--mirror", type=Path, help="a bare git mirror of a SkillsBench repository")
    ap.add_argument("--out", type=Path, help="where --mirror's tasks/ go (default: a temp dir)")
    ap.add_argument("--only", nargs="*", default=[], help="task ids")
    ap.add_argument("--json", type=Path, help="write the rows and the summary here")
    args = ap.parse_args()
    commit, missing, repo = None, [], None
    checkout = args.checkout
    if args.mirror is not None:
        checkout = args.out or Path(tempfile.mkdtemp(prefix="skillsbench-"))
        commit, missing = extract(args.mirror, checkout)
        repo = args.mirror.parent.name.replace("+", "/") if args.mirror.name == "repo" \
            else args.mirror.name.replace("+", "/")
    rows = check(checkout, args.only, missing)
    result = {"source": {"repo": repo, "commit": commit, "missing_blobs": missing},
              "model": f"{MODEL} (simulated: replays the reference solution)",
              "summary": summary(rows), "tasks": rows}
    print(json.dumps(result["summary"], indent=1))
    if args.json:
        write_text_atomic(args.json, json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
