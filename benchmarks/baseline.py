#!/usr/bin/env python3
"""Speed against an earlier commit, on this machine: the speed issues' targets were
measured on whatever machine their session had, and this project's machines differ by 2x
and more from one session to the next (benchmarks/SPEED.md), so a
figure from one machine says little on another. This script runs the same measurements
(`benchmarks/baseline_probe.py`) in this checkout and in a checkout of an earlier commit,
round after round alternately (so a machine that speeds up or slows down during the run
moves both sides alike), and reports the medians of the rounds side by side, their ratio,
and the figure the issue gave for the earlier commit scaled by that ratio.

    python benchmarks/baseline.py [--ref 337f824] [--rounds 3] [--census LIST] [--json OUT]
    python benchmarks/baseline.py --interleaved [--ref 337f824]   # the issues' benchmark only

`--interleaved` times the issues' benchmark item by item (a harness and a skill: a
warm-up, then the median of three compiles) in two probe processes at once, one per
checkout, taking turns at every item (who goes first alternates too): the machine's
speed, which moves by 1.5x within minutes on these VMs, then moves both sides alike,
where whole rounds minutes apart do not. It reports both medians, their ratio and the
median of the per-item ratios, and the ratio of the means (what throughput follows).
`--interleaved census --census LIST` does the same for
the census path (issue 20's analyses; `census-security`: the census's own passes, which
need the layered layout on both sides), each skill of LIST once, as a crawl meets it.

The earlier commit is exported with `git archive` (into ~/.cache/skillir/baseline/<ref>,
never into this checkout) and installed into its own virtual environment with its own
pinned dependencies (needs the package registry the first time). Default: 337f824, the
commit issues 11 and 20 were filed at (the last commit before the first of their work),
whose "full pipeline + emission (release), per skill per harness" benchmark the issues
quoted at 12–15 ms median on the corpus (`filed_release_ms` reruns it on both sides).
Not part of `make test`; `make bench-baseline` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_REF = "337f824"
FILED = {"filed_release_ms": (12.0, 15.0)}
"""What issue 11 quoted for the default ref (its benchmark, rerun as `filed_release_ms`)."""
FIGURES = ("filed_release_ms", "compile_first_ms", "compile_repeat_ms", "load_verify_ms", "census_per_s",
           "census_with_security_per_s", "work_floor_ms")


def cache_dir(ref: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "skillir" / "baseline" / ref


def prepare(ref: str, where: Path) -> Path:
    """The earlier checkout's interpreter, after exporting and installing it once."""
    src, venv = where / "src", where / "venv"
    python = venv / "bin" / "python"
    stamp = where / ".installed"
    if stamp.is_file() and python.is_file():
        return python
    shutil.rmtree(where, ignore_errors=True)
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"baseline: git archive {ref} failed: {archive.stderr.decode(errors='replace').strip()} "
                         "(a shallow clone lacks the commit: fetch it, or give --ref)")
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # as that commit's Makefile installed it: its pinned constraints, with the dev extra
    # (skills-ref, which the emission validates with, is in it)
    pip = [str(python), "-m", "pip", "install", "-q"]
    constraints = src / "constraints.txt"
    done = subprocess.run(pip + (["-c", str(constraints)] if constraints.is_file() else []) + ["-e", f"{src}[dev]"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"baseline: installing {ref} failed: {done.stderr.strip()[-500:]}")
    stamp.write_text(ref + "\n")
    return python


def corpus_list(into: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from corpus_paths import corpus_skill_dirs

    skills = corpus_skill_dirs()
    if not skills:
        raise SystemExit("baseline: the shared corpus is not there (SKILLIR_CORPUS)")
    into.write_text("".join(f"{s}\n" for s in skills))
    return into


def probe(python: Path, cwd: Path, skills: Path, census: Path | None, repeats: int, figures: str) -> dict:
    argv = [str(python), str(ROOT / "benchmarks" / "baseline_probe.py"), "--skills", str(skills),
            "--repeats", str(repeats), "--figures", figures] + (["--census", str(census)] if census else [])
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"baseline: the probe failed in {cwd}: {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def interleaved(python: Path, cwd: Path, skills: list[str], census: str | None = None) -> dict:
    """The issues' benchmark (`filed_release_ms`) with the two checkouts taking turns at
    every item (see the module docstring); with `census` ("census" or "census-security"),
    the census path over `skills` instead, each skill once, after a warm-up on the first."""
    from baseline_probe import HARNESSES

    items = [f"{census} {s}\n" for s in [skills[0], *skills]] if census else \
        [f"{h} {s}\n" for h in HARNESSES for s in skills]

    def start(py: Path, where: Path) -> subprocess.Popen:
        return subprocess.Popen([str(py), str(ROOT / "benchmarks" / "baseline_probe.py"), "--serve"], cwd=where,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    sides = {"base": start(python, cwd), "head": start(Path(sys.executable), ROOT)}
    times: dict[str, list[float]] = {"base": [], "head": []}
    ratios = []
    try:
        for number, item in enumerate(items):
            got = {}
            for side in (("base", "head") if number % 2 == 0 else ("head", "base")):
                sides[side].stdin.write(item)
                sides[side].stdin.flush()
                line = sides[side].stdout.readline()
                if not line:
                    raise SystemExit(f"baseline: the {side} probe stopped (item {item.strip()})")
                got[side] = float(line)
            if census and number == 0:
                continue  # the warm-up: rules and tables loaded
            if got["base"] == got["base"] and got["head"] == got["head"]:  # neither is nan
                for side in got:
                    times[side].append(got[side])
                ratios.append(got["head"] / got["base"])
    finally:
        for process in sides.values():
            process.stdin.close()
            process.wait()
    medians = {side: round(statistics.median(v) * 1e3, 3) for side, v in times.items()}
    means = {side: round(statistics.fmean(v) * 1e3, 3) for side, v in times.items()}
    return {"items": len(ratios), "base_ms": medians["base"], "head_ms": medians["head"],
            "ratio_of_medians": round(medians["head"] / medians["base"], 3),
            "median_of_item_ratios": round(statistics.median(ratios), 3),
            # what a crawl's throughput follows: the total time, where large skills weigh more
            "base_mean_ms": means["base"], "head_mean_ms": means["head"],
            "ratio_of_means": round(means["head"] / means["base"], 3)}


def summarize(rounds: list[dict[str, dict]], ref: str) -> dict:
    """Medians of the rounds per side; per figure the ratio head / base of each round (the
    two sides of a round ran minutes apart on the same machine) and their median, low and
    high; and (for the default ref) the compile figures scaled onto the machine the issue
    measured on: what the issue quoted for it times the lowest and the highest round ratio."""
    sides: dict[str, dict[str, float]] = {}
    for side in ("base", "head"):
        for figure in FIGURES:
            values = [r[side][figure] for r in rounds if r[side].get(figure) is not None]
            if values:
                sides.setdefault(side, {})[figure] = round(statistics.median(values), 3)
    ratios: dict[str, dict[str, float]] = {}
    for figure in FIGURES:
        per_round = [r["head"][figure] / r["base"][figure] for r in rounds
                     if r["head"].get(figure) is not None and r["base"].get(figure)]
        if per_round:
            ratios[figure] = {"median": round(statistics.median(per_round), 3),
                              "low": round(min(per_round), 3), "high": round(max(per_round), 3)}
    out: dict = {"ref": ref, "rounds": rounds, "median": sides, "head_over_base": ratios,
                 "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if ref == DEFAULT_REF:
        out["on_the_issue_machine_ms"] = {
            figure: [round(lo * ratios[figure]["low"], 1), round(hi * ratios[figure]["high"], 1)]
            for figure, (lo, hi) in FILED.items() if figure in ratios}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default=DEFAULT_REF, help=f"the earlier commit (default {DEFAULT_REF})")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="compiles per skill after its first")
    parser.add_argument("--census", help="file listing skill folders for the census figure (none by default)")
    parser.add_argument("--figures", default="filed,default", help="filed, default or both (see baseline_probe.py)")
    parser.add_argument("--json", help="where the result goes (default benchmarks/results/baseline.json, "
                        "with --interleaved baseline_interleaved.json)")
    parser.add_argument("--interleaved", nargs="?", const="filed", choices=("filed", "census", "census-security"),
                        help="the issues' benchmark (or with census/census-security the census path over "
                             "--census LIST), the two checkouts taking turns at every item")
    args = parser.parse_args(argv)
    where = cache_dir(args.ref)
    python = prepare(args.ref, where)
    if args.interleaved:
        return _run_interleaved(args, python, where)
    census = Path(args.census).resolve() if args.census else None
    with tempfile.TemporaryDirectory() as tmp:
        skills = corpus_list(Path(tmp) / "corpus.txt")
        rounds = []
        for number in range(args.rounds):
            order = [("base", python, where / "src"), ("head", Path(sys.executable), ROOT)]
            if number % 2:
                order.reverse()  # alternate who goes first
            row = {side: probe(py, cwd, skills, census, args.repeats, args.figures) for side, py, cwd in order}
            rounds.append(row)
            print(f"round {number + 1}: " + "; ".join(
                f"{side} " + ", ".join(f"{k} {v}" for k, v in row[side].items() if k.endswith(("_ms", "_per_s")))
                for side in ("base", "head")), file=sys.stderr)
    result = summarize(rounds, args.ref)
    _save(args.json or RESULTS / "baseline.json", result)
    print(json.dumps({k: result[k] for k in result if k != "rounds"}, indent=1, sort_keys=True))
    return 0


def _run_interleaved(args: argparse.Namespace, python: Path, where: Path) -> int:
    """`--interleaved`: the issues' benchmark over the corpus, or the census path over
    `--census LIST`; the result saved and printed."""
    kind = args.interleaved
    result: dict = {"ref": args.ref, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if kind == "filed":
        with tempfile.TemporaryDirectory() as tmp:
            skills = corpus_list(Path(tmp) / "corpus.txt").read_text().splitlines()
        row = result["filed_release_interleaved"] = interleaved(python, where / "src", skills)
        if args.ref == DEFAULT_REF:
            result["on_the_issue_machine_ms"] = [round(bound * row["ratio_of_medians"], 1)
                                                 for bound in FILED["filed_release_ms"]]
        name = "baseline_interleaved.json"
    else:
        if not args.census:
            raise SystemExit(f"baseline: --interleaved {kind} needs --census LIST")
        census = Path(args.census).resolve()
        crawl = [line.strip() for line in census.read_text().splitlines() if line.strip()]
        result["census"] = str(census)
        result[f"{kind}_interleaved"] = interleaved(python, where / "src", crawl, kind)
        name = f"baseline_{kind}_interleaved.json"
    _save(args.json or RESULTS / name, result)
    print(json.dumps(result, indent=1, sort_keys=True))
    return 0


def _save(path: str | Path, result: dict) -> None:
    from skillir.atomic import write_text_atomic

    write_text_atomic(path, json.dumps(result, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
