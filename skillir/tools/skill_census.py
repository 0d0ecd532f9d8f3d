"""skill-census: the ecosystem study over a folder of skills, streaming and resumable.

    skill-census CORPUS/ -o census.jsonl -j 2            # one JSON line per skill, as it is done
    skill-census CORPUS/ -o census.jsonl -j 2 --resume   # after Ctrl-C or a crash: only the rest
    skill-census CORPUS/ -o census.jsonl --engine ray    # the same on a Ray cluster / local Ray
    skill-census --report census.jsonl [--json]          # the summary of a census file
    skill-census --report census.jsonl --distinct        # ... each verbatim copy counted once

Each line is one skill's record (see skillir/study/census.py): type, procedural structure,
code fragments, capability demand, dependencies by manager, parallel groups, security
findings, or the one-line reason it could not be read. A skill that is a verbatim copy of
one analysed before (same files, same folder name, and no skill installed beside only one
of the two whose name the files could hold) reuses that one's record and says so (`copy_of`);
`--analyse-copies` analyses every skill. Lines are appended and flushed one
by one, so an interrupted census keeps everything it finished; `--resume` skips the skills
already in the file. The summary (shares of skill types, demand per primitive, dependencies
per manager, parallelism, security) goes to stdout, and to `--summary FILE` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skill-census", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("root", nargs="?", help="folder searched for SKILL.md files")
    p.add_argument("-o", "--output", help="census file (JSON lines); default: census.jsonl")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--engine", choices=("local", "ray"), default="local")
    p.add_argument("--resume", action="store_true", help="continue the census in -o")
    p.add_argument("--force", action="store_true", help="start -o over")
    p.add_argument("--summary", help="also write the summary as JSON to this file")
    p.add_argument("--report", metavar="CENSUS", help="summarize a census file and exit")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--distinct", action="store_true",
                   help="summarize each verbatim copy once (leave out the records that reuse another's)")
    p.add_argument("--analyse-copies", action="store_true",
                   help="analyse verbatim copies again instead of reusing the first one's record")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    return p


def _print_summary(summary: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(summary, indent=1))
        return
    print(f"{summary['skills']} skills, {summary['analysed']} analysed, "
          f"{summary['errors']} unreadable"
          + (f"; {summary['copies']} verbatim copies of another" if summary.get("copies") else ""))
    print("types: " + ", ".join(f"{k} {v['share']:.0%}" for k, v in summary["types"].items()))
    print(f"explicit procedural structure: {summary['procedural_share']:.0%}; "
          f"code-like fragments: {summary['code_like_share']:.0%}")
    top = list(summary["demand"].items())[:8]
    print("most demanded primitives: " + ", ".join(f"{p} {v['share']:.0%}" for p, v in top))
    print("dependencies: " + (", ".join(f"{k} {v['total']} in {v['skills']} skills"
                                        for k, v in summary["dependencies"].items()) or "none"))
    print(f"parallel groups: {summary['parallel']['groups'] or 'none'} "
          f"(in {summary['parallel']['skills_with_any']} skills)")
    print(f"security findings in {summary['security']['share']:.0%} of skills: "
          f"{summary['security']['by_family'] or 'none'}")


def _run(args: argparse.Namespace) -> int:
    from skillir.errors import SkillIRError
    from skillir.study.census import census_records, find_skills, read_records, summarize

    if args.report:
        records = read_records(Path(args.report))
        if not records:
            raise SkillIRError("no census records in this file", path=args.report,
                               hint="run skill-census ROOT -o FILE first")
        _print_summary(summarize(records, distinct=args.distinct), args.json)
        return 0
    if not args.root:
        raise SkillIRError("give the folder of skills to census", hint="skill-census CORPUS/")
    root = Path(args.root)
    if not root.is_dir():
        raise SkillIRError("not a folder", path=args.root, hint="give a folder of skills")
    out = Path(args.output or "census.jsonl")
    if out.exists() and not (args.resume or args.force):
        raise SkillIRError("the census file already exists", path=str(out),
                           hint="add --resume to continue it or --force to start over")
    done = read_records(out) if args.resume else []
    seen = {r["id"] for r in done}
    skills = [s for s in find_skills(root) if os.path.relpath(s, root) not in seen]
    if not skills and not done:
        raise SkillIRError("no SKILL.md under this folder", path=args.root)
    mode = "a" if args.resume else "w"
    if args.resume and out.is_file():  # drop a last line a crash cut short
        data = out.read_bytes()
        if data and not data.endswith(b"\n"):
            out.write_bytes(data[:data.rfind(b"\n") + 1])
    start = time.monotonic()
    new = []
    with open(out, mode, encoding="utf-8") as fh:
        for i, rec in enumerate(census_records(skills, root, jobs=max(1, args.jobs),
                                               engine=args.engine,
                                               reuse_copies=not args.analyse_copies), 1):
            fh.write(json.dumps(rec, sort_keys=True) + "\n")
            fh.flush()
            new.append(rec)
            if not args.quiet and sys.stderr.isatty() and i % 50 == 0:
                rate = i / max(time.monotonic() - start, 1e-9)
                sys.stderr.write(f"\r{i}/{len(skills)} skills, {rate:.0f}/s")
        os.fsync(fh.fileno())
    elapsed = time.monotonic() - start
    summary = summarize(done + new, distinct=args.distinct)
    summary["run"] = {"new": len(new), "resumed": len(done), "seconds": round(elapsed, 3),
                      "skills_per_s": round(len(new) / elapsed, 1) if elapsed > 0 else None,
                      "jobs": args.jobs, "engine": args.engine}
    if args.summary:
        from skillir.atomic import write_text_atomic

        write_text_atomic(args.summary, json.dumps(summary, indent=1) + "\n")
    if not args.quiet and sys.stderr.isatty():
        sys.stderr.write("\n")
    _print_summary(summary, args.json)
    if not args.json:
        print(f"{len(new)} skills in {elapsed:.1f} s ({summary['run']['skills_per_s']}/s); "
              f"records in {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    from skillir.tools.cli import run_tool

    args = build_parser().parse_args(argv)
    return run_tool("skill-census", lambda: _run(args))


if __name__ == "__main__":
    sys.exit(main())
