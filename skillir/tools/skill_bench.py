"""skill-bench: run the task × model × harness × condition × seed matrix, and report it.

    skill-bench run PLAN.yaml [--db bench.sqlite] [-j 2] [--engine local|ray] [--resume]
    skill-bench run --tasks 'tasks/suite/*' --models sim/qwen3.5-9b --conditions no-skill,compiled
    skill-bench status [--db bench.sqlite]
    skill-bench report [--db bench.sqlite] [-o report/]      # report.md, index.html, completion.png

Results go into SQLite (one transaction per run): Ctrl-C or a crash loses only the runs in
flight, and `--resume` runs exactly what is missing. Simulated models (sim/...) are marked
"simulated" in the progress lines, the tables, the figure and the HTML report.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DB = "bench.sqlite"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skill-bench", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a plan (a YAML/JSON file, or the flags below)")
    run.add_argument("plan", nargs="?", help="plan file (see skillir/study/plan.py)")
    run.add_argument("--tasks", help="comma-separated task folders or globs")
    run.add_argument("--models", help="comma-separated PROVIDER/MODEL ids")
    run.add_argument("--harnesses", default="bare-agent", help="comma-separated harnesses")
    run.add_argument("--conditions", default="no-skill,original,compiled",
                     help="comma-separated: no-skill, original, compiled, compiled+jit")
    run.add_argument("--seeds", help="comma-separated integers (default: one unseeded run)")
    run.add_argument("--db", default=DEFAULT_DB, help=f"results database (default {DEFAULT_DB})")
    run.add_argument("--runs-dir", help="run folders and compiled skills (default: beside --db)")
    run.add_argument("-j", "--jobs", type=int, default=1, help="runs at a time")
    run.add_argument("--engine", choices=("local", "ray"), default="local")
    run.add_argument("--address", help="Ray cluster address (default: a local instance)")
    run.add_argument("--resume", action="store_true", help="continue a plan in --db")
    run.add_argument("--limit", type=int, help="run at most this many cells now")
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    for name, text in (("status", "what the database holds"), ("report", "tables and figures")):
        s = sub.add_parser(name, help=text)
        s.add_argument("--db", default=DEFAULT_DB)
        if name == "report":
            s.add_argument("-o", "--output", help="folder for report.md, index.html, "
                           "completion.png (default: print the tables)")
            s.add_argument("--title", default="SkillIR benchmark")
    return p


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _plan(args: argparse.Namespace):
    from skillir.errors import SkillIRError
    from skillir.study.plan import load_plan, plan_from_data

    if args.plan:
        if args.tasks or args.models:
            raise SkillIRError("give a plan file or --tasks/--models, not both",
                               hint="put everything in the plan file")
        return load_plan(args.plan)
    if not args.tasks or not args.models:
        raise SkillIRError("skill-bench run needs a plan file or --tasks and --models",
                           hint="skill-bench run --tasks 'tasks/suite/*' --models sim/qwen3.5-9b")
    data = {"name": "flags", "tasks": _split(args.tasks), "models": _split(args.models),
            "harnesses": _split(args.harnesses), "conditions": _split(args.conditions)}
    if args.seeds:
        try:
            data["seeds"] = [int(s) for s in _split(args.seeds)]
        except ValueError:
            raise SkillIRError(f"--seeds '{args.seeds}' is not a list of integers",
                               hint="e.g. --seeds 0,1,2") from None
    return plan_from_data(data, base=Path.cwd(), source="<flags>")


def _run(args: argparse.Namespace) -> int:
    from skillir.errors import SkillIRError
    from skillir.study.matrix import run_plan
    from skillir.study.results_db import ResultsDB

    if args.jobs < 1:
        raise SkillIRError(f"-j {args.jobs}: need at least one job", hint="e.g. -j 2")
    plan = _plan(args)
    db_path = Path(args.db)
    runs_dir = Path(args.runs_dir) if args.runs_dir else db_path.resolve().parent / (
        db_path.stem + "-runs")
    with ResultsDB(db_path) as db:
        summary = run_plan(plan, db, runs_dir=runs_dir, jobs=args.jobs, engine=args.engine,
                           address=args.address, resume=args.resume, limit=args.limit,
                           progress=None if args.quiet else sys.stderr)
    print(f"skill-bench: {summary.line()}; results in {db_path}")
    return 0


def _open(args: argparse.Namespace):
    from skillir.errors import SkillIRError
    from skillir.study.results_db import ResultsDB

    if not Path(args.db).is_file():
        raise SkillIRError("no results database here", path=args.db,
                           hint="run `skill-bench run ...` first, or give --db")
    return ResultsDB(args.db)


def _status(args: argparse.Namespace) -> int:
    with _open(args) as db:
        rows = db.rows()
    counts: dict[tuple[str, bool], int] = {}
    for r in rows:
        counts[(r["status"], bool(r["simulated"]))] = counts.get((r["status"], bool(r["simulated"])), 0) + 1
    print(f"{len(rows)} runs in {args.db}")
    for (status, sim), n in sorted(counts.items()):
        print(f"  {status:10s} {n:5d}" + ("  (simulated)" if sim else ""))
    return 0


def _report(args: argparse.Namespace) -> int:
    from skillir.study.report import markdown_tables, write_report

    with _open(args) as db:
        rows = db.rows()
    if args.output:
        paths = write_report(rows, Path(args.output), args.title)
        print("\n".join(f"{k}: {v}" for k, v in paths.items()))
    else:
        print(markdown_tables(rows), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    from skillir.tools.cli import run_tool

    args = build_parser().parse_args(argv)
    body = {"run": _run, "status": _status, "report": _report}[args.command]
    return run_tool("skill-bench", lambda: body(args))


if __name__ == "__main__":
    sys.exit(main())
