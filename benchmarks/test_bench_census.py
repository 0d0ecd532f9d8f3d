"""Census throughput (issue 17 part 4): skills per second of `skill-census` on this machine,
one worker and two (the machine's cores), over the shared corpus repeated to a few hundred
skills, and two workers over the public skills of the development sets; medians of three
runs, written to benchmarks/results/census.json with the extrapolated time for the paper's
crawl (118,270 skills). A run of a few hundred skills
also pays the fixed start-up (the pool, the fork server's warm-up), which the paper's
crawl pays once: the start-up (a census of one small skill per worker) and the rate after
it are reported beside the plain rate, and the crawl's time from them. With
SKILLIR_CENSUS_CRAWL naming a file that lists skill folders (a local crawl of public
collections), the census of that crawl is measured too (one run).

    .venv/bin/pytest benchmarks/test_bench_census.py -s
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
from pathlib import Path

import pytest

from corpus_paths import CORPUS, corpus_skill_dirs
from skillir.study.census import census_records

PAPER_CRAWL = 118_270
RESULTS = Path(__file__).resolve().parent / "results" / "census.json"
COPIES = 4
RUNS = 3


@pytest.fixture(scope="module")
def skills(tmp_path_factory) -> tuple[Path, list[Path]]:
    dirs = corpus_skill_dirs()
    if not dirs:
        pytest.skip("shared corpus not found")
    root = tmp_path_factory.mktemp("census-bench")
    out = []
    for copy in range(COPIES):
        for d in dirs:
            dest = root / str(copy) / d.relative_to(CORPUS)
            shutil.copytree(d, dest, dirs_exist_ok=True)  # a skill may hold another
            out.append(dest)
    return root, out


@pytest.mark.parametrize("jobs", [1, 2])
def test_census_throughput(benchmark, skills, jobs):
    root, dirs = skills
    # the corpus four times over is four copies of each skill: reusing their records would
    # measure the copy finder, not the analyses, so every skill is analysed here
    _measure(benchmark, f"jobs_{jobs}", root, dirs, dirs[: len(dirs) // COPIES], jobs, reuse=False)


def test_census_throughput_public(benchmark):
    """The same over every public skill of the development sets (benchmarks/devset/skills*,
    recreated by recreate.py from the mirrored collections: skills nobody here wrote, larger
    on average than the corpus's), two workers; skipped without them."""
    root = Path(__file__).resolve().parent / "devset"
    dirs = sorted({p.parent for folder in root.glob("skills*") for p in folder.glob("*/SKILL.md")})
    if len(dirs) < 100:
        pytest.skip("the development sets' skills are not recreated (benchmarks/devset/recreate.py)")
    _measure(benchmark, "public_devset_jobs_2", root, dirs, dirs, 2, reuse=False)


def test_census_throughput_crawl(benchmark):
    """The same over a crawl of public skill collections, as the paper's study reads
    them: every skill folder listed (one path per line) in the file that
    SKILLIR_CENSUS_CRAWL names, two workers, one run (a crawl of thousands of skills is
    long). A crawl repeats files (forks, vendored copies), which a census reads once
    per worker (`skillir.security.scan.scan_file`), and whole skills, whose records it
    reuses (`skillir.study.copies`): measured as `skill-census` runs (`crawl_jobs_2`)
    and with every copy analysed again (`crawl_jobs_2_every_copy`, `--analyse-copies`);
    skipped without the list."""
    root, dirs = _crawl()
    _measure(benchmark, "crawl_jobs_2", root, dirs, dirs, 2, runs=1)


def test_census_throughput_crawl_every_copy(benchmark):
    """The crawl above with every verbatim copy analysed again (`--analyse-copies`)."""
    root, dirs = _crawl()
    _measure(benchmark, "crawl_jobs_2_every_copy", root, dirs, dirs, 2, runs=1, reuse=False)


def _crawl() -> tuple[Path, list[Path]]:
    """The skill folders SKILLIR_CENSUS_CRAWL lists and their common root (skips without)."""
    listing = os.environ.get("SKILLIR_CENSUS_CRAWL")
    if not listing or not Path(listing).is_file():
        pytest.skip("set SKILLIR_CENSUS_CRAWL to a file listing skill folders, one per line")
    dirs = [Path(line.strip()) for line in Path(listing).read_text().splitlines() if line.strip()]
    dirs = [d for d in dirs if (d / "SKILL.md").is_file()]
    if len(dirs) < 100:
        pytest.skip("the crawl lists fewer than 100 skill folders")
    root = Path(os.path.commonpath([str(d) for d in dirs]))
    return root, dirs


def _measure(benchmark, key: str, root: Path, dirs: list[Path], pool: list[Path], jobs: int,
             runs: int = RUNS, reuse: bool = True) -> None:
    """Census `dirs` `runs` times and record the rate, and the start-up (a census of the
    `jobs` smallest skills of `pool`) and the rate after it, under `key` in census.json;
    with `reuse`, verbatim copies reuse a record, as `skill-census` does by default."""
    list(census_records(dirs[:5], root))  # imports and data files loaded once
    load = os.getloadavg()[0]
    copies = []

    def census() -> int:
        records = list(census_records(dirs, root, jobs=jobs, reuse_copies=reuse))
        copies.append(sum(1 for r in records if "copy_of" in r))
        return len(records)

    assert benchmark.pedantic(census, rounds=runs, iterations=1) == len(dirs)
    median_s = benchmark.stats.stats.median
    rate = len(dirs) / median_s
    # the fixed start-up (the pool, the fork server's warm-up), which the paper's crawl pays
    # once: a census of one small skill per worker, timed the same way
    small = sorted(pool, key=lambda d: sum(f.stat().st_size for f in d.rglob("*") if f.is_file()))[:jobs]
    startups = []
    for _ in range(runs):
        start = time.perf_counter()
        assert sum(1 for _ in census_records(small, root, jobs=jobs)) == len(small)
        startups.append(time.perf_counter() - start)
    startup_s = statistics.median(startups)
    steady = len(dirs) / (median_s - startup_s) if median_s > startup_s else None
    result = json.loads(RESULTS.read_text()) if RESULTS.is_file() else {}
    result[key] = {"skills": len(dirs), "runs": runs, "median_s": round(median_s, 3),
                   "skills_per_s": round(rate, 1), "copies_reused": copies[-1],
                   "paper_crawl_minutes": round(PAPER_CRAWL / rate / 60, 1),
                   "startup_s": round(startup_s, 3),
                   "skills_per_s_after_startup": round(steady, 1) if steady else None,
                   "paper_crawl_minutes_after_startup":
                       round((startup_s + PAPER_CRAWL / steady) / 60, 1) if steady else None,
                   "loadavg_1min": round(load, 2), "cpus": os.cpu_count()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(json.dumps(result[key]))
