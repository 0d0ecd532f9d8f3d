"""`skill-batch`: compile many skills in one process (or a pool of N worker processes,
each importing SkillIR once), with one summary at the end.

    skill-batch SKILLS/ --target=claude-code/opus-4.6 -o out/          # every SKILL.md under SKILLS/
    skill-batch a/ b/SKILL.md @more.txt --target=codex/gpt-5 -o out -j 2
    skill-batch corpus/ --analyses-only -j 2 --summary=census.json    # the census path: no emission

Inputs: skill folders, SKILL.md files, folders searched (recursively) for SKILL.md, and
`@LIST` files (one such path per line; blank lines and `#` comments skipped; relative
paths are relative to the current folder, as in a compiler's response file). A folder that holds a SKILL.md is one skill.

Output (`-o DIR`): each skill's harness folder at `DIR/<name>/`, where `<name>` is the
skill folder's name made safe (`skillir.safepaths.safe_component`; anything else becomes
`-`) and unique (`-2`, `-3`, ... in input order), each written atomically;
`DIR/summary.json` lists every skill (`ok` or `failed`, with the one-line error) in input
order. The table goes to stderr (`--json` prints summary.json to stdout instead).

`--analyses-only` runs the census path (`skillir.study.census`, the passes `skill-census`
runs, bound to the target): load, lint-security, infer-capabilities, bind-profile, bind-env
without the probe and without env-setup.sh, extract-concurrency, and records per skill the
counts (steps, requirements, dependencies, parallel groups, security findings) and the
census record (type, requirement levels, dependencies by manager, ...) without emitting
anything; like a release build it checks each pass's legality (its cheap post-condition)
but does not verify the module (`--verify-each`: after every pass).
`-o` is then optional (summary.json is written there when given).

A failed skill never stops the batch. Exit code: 0 when every skill compiled, 1 when
any failed, 2 for bad arguments (no skill found, an unreadable list, an -o inside an input).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

EXIT_FAILED = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skill-batch",
        description="Compile many skills at once: N worker processes, output folders side by side, one summary.",
        epilog="Exit code 0: all compiled; 1: some failed (see the summary); 2: bad arguments.",
    )
    parser.add_argument("inputs", nargs="+", metavar="SKILL",
                        help="skill folder, SKILL.md, folder to search for SKILL.md, or @LIST (one path per line)")
    parser.add_argument("--target", default=None,
                        help="harness/model to compile for (default: bare-agent/qwen3.5-9b)")
    parser.add_argument("-o", "--output", default=None,
                        help="folder for the per-skill output folders and summary.json")
    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="worker processes (default 1: in this process; 0: one per CPU)")
    parser.add_argument("--analyses-only", action="store_true",
                        help="the census path (skill-census's passes for the target), no emission")
    parser.add_argument("--probe", action="store_true",
                        help="run the presence probe in bind-env (off by default in a batch: it asks this "
                             "machine, not the skills)")
    parser.add_argument("--security", default="warn", choices=("warn", "guard", "block"),
                        help="what lint-security does with findings (as in skill-opt)")
    parser.add_argument("--max-growth-percent", type=int, default=None, metavar="N",
                        help="cap what a compile adds to SKILL.md at N%% (as in skill-opt)")
    parser.add_argument("--conform-frontmatter", action="store_true",
                        help="rewrite front matter so skills-ref accepts it (as in skill-opt)")
    parser.add_argument("--no-validate", dest="validate", action="store_false",
                        help="skip the skills-ref validation of each emitted folder")
    parser.add_argument("--verify-each", action="store_true",
                        help="verify after every pass (default: after each stage; --analyses-only: "
                             "legality checks only)")
    parser.add_argument("--force", action="store_true",
                        help="write into an existing -o and replace per-skill folders SkillIR wrote")
    parser.add_argument("--summary", default=None, metavar="FILE",
                        help="where to write summary.json (default: DIR/summary.json with -o)")
    parser.add_argument("--json", action="store_true", help="print summary.json to stdout, no table")
    parser.add_argument("-q", "--quiet", action="store_true", help="no table, only the last line")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    from skillir.tools.cli import run_tool

    return run_tool("skill-batch", lambda: _run(args))


# ---------------------------------------------------------------------------------------
# inputs


def collect_skills(inputs: list[str]) -> list[Path]:
    """The SKILL.md files the inputs name, in order, each once."""
    from skillir.errors import SkillIRError

    found: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    def expand(raw: str, depth: int) -> None:
        if raw.startswith("@"):
            if depth > 4:
                raise SkillIRError("list files nest too deeply", path=raw[1:], hint="at most 4 levels of @LIST")
            from skillir.untrusted import read_text_file

            text = read_text_file(raw[1:], what="list file")
            for line in text.splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    expand(line, depth + 1)
            return
        path = Path(raw)
        if path.is_file():
            add(path)
        elif (path / "SKILL.md").is_file():
            add(path / "SKILL.md")
        elif path.is_dir():
            hits = sorted(p for p in path.rglob("SKILL.md") if p.is_file())
            if not hits:
                raise SkillIRError("folder holds no SKILL.md", path=str(path),
                                   hint="give skill folders, SKILL.md files, or a folder that contains them")
            for hit in hits:
                add(hit)
        else:
            raise SkillIRError("no such skill, folder or file", path=str(path),
                               hint="check the path (a list file is written @LIST)")

    for raw in inputs:
        expand(raw, 0)
    if not found:
        raise SkillIRError("no skill to compile", hint="give skill folders, SKILL.md files or @LIST")
    return found


def output_names(skills: list[Path]) -> list[str]:
    """One safe, unique folder name per skill (its folder's name), in input order."""
    from skillir.errors import SkillIRError
    from skillir.safepaths import safe_component

    names: list[str] = []
    taken: set[str] = set()
    for skill_md in skills:
        raw = Path(os.path.abspath(skill_md)).parent.name or "skill"
        try:
            base = safe_component(raw)
        except SkillIRError:
            base = "".join(c if c.isalnum() or c in "-_." else "-" for c in raw).strip(".-") or "skill"
            base = safe_component(base[:100])
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        names.append(name)
    return names


# ---------------------------------------------------------------------------------------
# the work of one skill (runs in a worker)


@dataclass(frozen=True)
class Job:
    skill_md: str
    name: str
    out: str | None
    target: str
    analyses_only: bool
    probe: bool
    security: str
    validate: bool
    verify_each: bool
    force: bool
    max_growth_percent: int | None = None
    conform_frontmatter: bool = False


_MANAGERS: dict[tuple, object] = {}


def _manager(job: Job):
    """The pass manager for this job's configuration, built once per worker."""
    key = (job.target, job.analyses_only, job.probe, job.security, job.verify_each, job.max_growth_percent,
           job.conform_frontmatter)
    manager = _MANAGERS.get(key)
    if manager is None:
        from skillir.pipeline import PassManager, stage_ends, stage_passes
        from skillir.target import Target

        target = Target.parse(job.target)
        if job.analyses_only:  # the census's own passes, for this target
            from skillir.study.census import census_passes

            passes = census_passes(target, probe=job.probe)
        else:
            passes = stage_passes("harness", target, probe=job.probe, security=job.security,
                                  max_growth_percent=job.max_growth_percent,
                                  conform_frontmatter=job.conform_frontmatter)
        # a compile verifies after each stage; the census path (analyses, nothing emitted)
        # checks only each pass's legality, like a release build (--verify-each: everything)
        points = frozenset() if job.analyses_only else stage_ends(passes)
        manager = PassManager(passes=passes, verify_each=job.verify_each,
                              verify_points=frozenset() if job.verify_each else points, legality_each=True)
        _MANAGERS[key] = manager
    return manager


def _counts(module) -> dict[str, int]:
    wanted = {"skill.step": "steps", "cap.require": "requirements", "env.require": "dependencies",
              "conc.parallel": "parallel_groups", "sec.finding": "security_findings"}
    from skillir.xdsl_compat.walk import walk_ops

    counts = dict.fromkeys(wanted.values(), 0)
    for op in walk_ops(module):
        key = wanted.get(op.name)
        if key is not None:
            counts[key] += 1
    return counts


def compile_one(job: Job) -> dict:
    """Compile one skill; every failure becomes the row's one-line error."""
    from skillir.errors import SkillIRError, one_line

    start = time.perf_counter()
    row: dict = {"name": job.name, "source": job.skill_md, "status": "ok", "error": None}
    try:
        from skillir.frontend.skill_md import load_skill

        module = load_skill(job.skill_md)
        _manager(job).run(module)
        if job.analyses_only:
            from skillir.study.census import census_fields

            row["counts"] = _counts(module)
            record = census_fields(module, job.name, job.name)
            row["census"] = {k: v for k, v in record.items() if k not in ("schema", "id")}
        else:
            row.update(_emit(job, module))
    except SkillIRError as exc:
        row.update(status="failed", error=str(exc))
    except RecursionError:
        row.update(status="failed", error=f"{job.skill_md}: error: nested too deeply to compile")
    except Exception as exc:  # noqa: BLE001 - one skill's bug must not stop the batch
        if os.environ.get("SKILLIR_DEBUG"):
            raise
        row.update(status="failed", error=f"{job.skill_md}: internal error: {type(exc).__name__}: {one_line(exc)}")
    row["ms"] = round((time.perf_counter() - start) * 1000, 2)
    return row


def _emit(job: Job, module) -> dict:
    from skillir.atomic import atomic_directory
    from skillir.backends import get_folder_backends
    from skillir.target import Target

    harness = Target.parse(job.target).harness
    backend = get_folder_backends()[harness]()
    assert job.out is not None  # compile mode always has -o (checked by the driver)

    target_dir = Path(job.out) / job.name
    with atomic_directory(target_dir, force=job.force) as tmp:
        reports = backend(module, Path(tmp), {"validate": job.validate})
    report = reports[0] if reports else {}
    summary = report.get("summary", {})
    steps = sum(1 for op in module.walk() if op.name == "skill.step")
    return {"output": str(target_dir), "skill": report.get("skill"),
            "counts": {"steps": steps, **{k: v for k, v in summary.items() if isinstance(v, int)}}}


def _warm() -> None:
    """Worker start-up: import what every job needs, once."""
    import logging

    logging.disable(logging.WARNING)  # profile fallbacks: one per skill, not a batch's news
    import gc

    import skillir.frontend.skill_md  # noqa: F401
    import skillir.pipeline  # noqa: F401

    gc.freeze()  # what start-up built is never garbage: the collector stops scanning it


def _run_chunk(jobs: list[Job]) -> list[dict]:
    return [compile_one(job) for job in jobs]


# ---------------------------------------------------------------------------------------
# the driver


def _run(args: argparse.Namespace) -> int:
    from skillir.errors import SkillIRError
    from skillir.target import DEFAULT_TARGET, Target

    target = Target.parse(args.target) if args.target else DEFAULT_TARGET
    if args.jobs < 0:
        raise SkillIRError("-j must be 0 (one per CPU) or more", hint="e.g. -j 2")
    jobs_n = args.jobs or os.cpu_count() or 1
    if not args.analyses_only and not args.output:
        raise SkillIRError("a batch compile writes folders", hint="give -o DIR, or use --analyses-only")
    if not args.analyses_only:
        from skillir.profiles.store import resolve_target

        resolve_target(str(target))  # an unknown model fails once here, not once per skill
    skills = collect_skills(args.inputs)
    names = output_names(skills)
    out = None
    if args.output:
        from skillir.safepaths import check_output_location

        check_output_location(args.output, [p.parent for p in skills])
        out_path = Path(args.output)
        if out_path.exists() and not out_path.is_dir():
            raise SkillIRError("output is not a folder", path=args.output, hint="choose another -o")
        if out_path.is_dir() and any(out_path.iterdir()) and not args.force and not args.analyses_only:
            raise SkillIRError("output folder already exists", path=args.output,
                               hint="pass --force to write into it, or choose another -o")
        out_path.mkdir(parents=True, exist_ok=True)
        out = str(out_path)
    jobs = [Job(str(md), name, out if not args.analyses_only else None, str(target), args.analyses_only,
                args.probe, args.security, args.validate, args.verify_each, args.force, args.max_growth_percent,
                args.conform_frontmatter)
            for md, name in zip(skills, names, strict=True)]
    start = time.perf_counter()
    rows = _execute(jobs, jobs_n, progress=not (args.quiet or args.json))
    wall = time.perf_counter() - start
    summary = _summary(rows, wall, jobs_n, target=str(target), analyses_only=args.analyses_only)
    summary_path = args.summary or (os.path.join(out, "summary.json") if out else None)
    import json

    text = json.dumps(summary, indent=1, ensure_ascii=False) + "\n"
    if summary_path:
        from skillir.atomic import write_text_atomic

        write_text_atomic(summary_path, text)
    if args.json:
        sys.stdout.write(text)
    else:
        _print_table(rows, summary, quiet=args.quiet, summary_path=summary_path)
    return EXIT_FAILED if summary["failed"] else 0


def _execute(jobs: list[Job], workers: int, *, progress: bool) -> list[dict]:
    """Run the jobs (in order of the result list, whatever order they finish in)."""
    if workers <= 1 or len(jobs) <= 1:
        _warm()
        rows = []
        for index, job in enumerate(jobs):
            rows.append(compile_one(job))
            _progress(progress, index + 1, len(jobs))
        return rows
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # fork after warming up here: every worker starts with SkillIR imported (no threads
    # run in this process yet); elsewhere each worker imports once in `_warm`
    fork = "fork" in multiprocessing.get_all_start_methods()
    first: list[dict] = []
    if fork:  # the first skill compiles here: every pass, table and rule set is then loaded once
        _warm()
        first = [compile_one(jobs[0])]
        jobs = jobs[1:]
        import gc

        gc.collect()
        gc.freeze()  # the warm heap out of the collector's reach: a worker's collections
        # no longer write to (and so copy) the pages it shares with this process
    context = multiprocessing.get_context("fork" if fork else "spawn")
    # chunks: a few per worker, small enough that a slow skill does not idle the others
    size = max(1, min(32, len(jobs) // (workers * 8) or 1))
    chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
    rows_of: dict[int, list[dict]] = {}
    done = len(first)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)
    try:
        futures = {pool.submit(_run_chunk, chunk): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                rows_of[index] = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                rows_of[index] = [{"name": job.name, "source": job.skill_md, "status": "failed",
                                   "error": f"{job.skill_md}: error: the worker process failed "
                                            f"({type(exc).__name__})", "ms": None}
                                  for job in chunks[index]]
            done += len(chunks[index])
            _progress(progress, done, len(jobs) + len(first))
    finally:  # Ctrl-C or SIGTERM: queued chunks are dropped, running ones finish (a few skills)
        pool.shutdown(wait=True, cancel_futures=True)
        if fork:
            import gc

            gc.unfreeze()  # this process may go on (a caller in-process): collect as before
    return first + [row for i in range(len(chunks)) for row in rows_of[i]]


def _progress(enabled: bool, done: int, total: int) -> None:
    if enabled and sys.stderr.isatty():
        end = "\n" if done == total else ""
        print(f"\rskill-batch: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _summary(rows: list[dict], wall: float, workers: int, *, target: str, analyses_only: bool) -> dict:
    import statistics

    times = sorted(r["ms"] for r in rows if r.get("ms") is not None)
    failed = sum(1 for r in rows if r["status"] != "ok")
    return {
        "tool": "skill-batch",
        "mode": "analyses-only" if analyses_only else "compile",
        "target": target,
        "workers": workers,
        "skills": len(rows),
        "ok": len(rows) - failed,
        "failed": failed,
        "wall_s": round(wall, 3),
        "skills_per_s": round(len(rows) / wall, 1) if wall > 0 else None,
        "median_ms": round(statistics.median(times), 2) if times else None,
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] if times else None,
        "results": rows,
    }


def _print_table(rows: list[dict], summary: dict, *, quiet: bool, summary_path: str | None) -> None:
    err = sys.stderr
    if not quiet:
        width = min(40, max((len(r["name"]) for r in rows), default=4))
        err.write(f"{'skill':{width}}  {'status':6}  {'ms':>8}  details\n")
        for row in rows:
            ms = "-" if row.get("ms") is None else f"{row['ms']:.1f}"
            if row["status"] == "ok":
                counts = row.get("counts") or {}
                detail = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v)
            else:
                detail = row["error"] or ""
            err.write(f"{row['name'][:width]:{width}}  {row['status']:6}  {ms:>8}  {detail}\n")
    where = f"; summary in {summary_path}" if summary_path else ""
    err.write(f"skill-batch: {summary['ok']} ok, {summary['failed']} failed of {summary['skills']} skills "
              f"in {summary['wall_s']:.2f} s ({summary['skills_per_s']} skills/s, {summary['workers']} "
              f"worker{'s' if summary['workers'] != 1 else ''}){where}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
