"""One measurement round of `benchmarks/baseline.py`, run inside a checkout (this one, or
an earlier commit's, with that commit's own virtual environment): the same work timed
with whatever API that checkout has, printed as one JSON object.

    python baseline_probe.py --skills LIST [--census LIST] [--repeats 3]
    python baseline_probe.py --serve      # one `filed_release_ms` item per line read

Figures (milliseconds are medians over the skills of LIST):
- `filed_release_ms`: the benchmark the speed issues quoted ("full pipeline + emission
  (release), per skill per harness", 337f824's benchmarks/test_bench_harness.py): for
  every skill and each of the six harnesses, one warm-up compile, then the median of
  three; skills-ref validation off; one verification at the end;
- `compile_first_ms`, `compile_repeat_ms`: a full compile with emission for
  claude-code/opus-4.6 (probe off, skills-ref validation on, the checkout's own default
  verification: after every pass before the stage ladder existed, after each stage
  since), the skill's first compile in the warmed-up process and the median of
  `--repeats` more;
- `load_verify_ms`: load the skill and verify the module;
- `census_per_s`: issue 20's census path (load, infer-capabilities, bind-profile,
  bind-env without the probe, extract-concurrency) over the skills of `--census`, two
  forked worker processes; on a checkout with lint-security, `census_with_security_per_s`
  runs the census's own passes (`skillir.study.census.census_passes`);
- `work_floor_ms`: a fixed pure-Python workload (`python_work`), before and
  after, to show how fast the machine ran during the round.

It imports only what both layouts have, and reads the corpus from a list file, so the
earlier checkout needs nothing of this one but this file.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from functools import cache
from multiprocessing import get_context
from pathlib import Path

TARGET = "claude-code/opus-4.6"
CENSUS_SPEC = ("infer-capabilities,bind-profile{target=bare-agent/qwen3.5-9b},bind-env{probe=false},"
               "extract-concurrency{harness=bare-agent}")
"""Issue 20's census path in pipeline text (the layout before the stage ladder names the
harness in extract-concurrency; the ladder reads it from the IR and accepts the same text)."""


def _layout() -> str:
    """"flat" (backends/ beside skillir/, the layout the speed issues were filed on) or
    "layered" (skillir/backends/)."""
    return "flat" if (Path.cwd() / "backends" / "__init__.py").is_file() else "layered"


def _compiler(harness: str = TARGET.split("/")[0], model: str = TARGET.split("/")[1], *,
              release: bool = False, validate: bool = True):
    """(load, run the pipeline, emit, verify) for this checkout: its skill-opt default
    verification, or with `release` none between passes (the caller verifies once)."""
    from skillir.frontend.skill_md import load_skill

    options = {"validate": validate}
    if _layout() == "flat":
        from backends import get_folder_backends

        from skillir.pipeline import PassManager, stage_pipeline, verify_module

        spec = stage_pipeline("harness", f"{harness}/{model}").replace("bind-env,", "bind-env{probe=false},")
        manager = PassManager.from_spec(spec, verify_each=not release)
        backend = get_folder_backends()[harness]()
        return load_skill, manager.run, lambda module, out: backend(module, out, options), verify_module
    from skillir.backends import get_folder_backends
    from skillir.ir import verify_module
    from skillir.pipeline import PassManager, stage_ends, stage_passes
    from skillir.target import Target

    passes = stage_passes("harness", Target(harness, model), probe=False)
    points = frozenset() if release else stage_ends(passes)
    manager = PassManager(passes=passes, verify_each=False, verify_points=points)
    backend = get_folder_backends()[harness]()
    return load_skill, manager.run, lambda module, out: backend(module, out, options), verify_module


def python_work(texts: list[str]):
    """A fixed pure-Python workload over skill texts: the kind of work a compile does
    (splitting, lowercasing, dict look-ups, small objects), with no C parser in it, so it
    slows down exactly when the interpreter does (`make bench` times it too)."""
    counts: dict[str, int] = {}
    records = []
    for text in texts:
        for line in text.split("\n"):
            for word in line.split():
                low = word.lower().strip(".,:;()`*")
                counts[low] = counts.get(low, 0) + 1
            records.append((len(line), line[:8], line.startswith("#")))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:50], len(records)


def work_floor(texts: list[str]) -> float:
    """Seconds, median of five runs of `python_work`."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        python_work(texts)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _ms(values: list[float]) -> float | None:
    return round(statistics.median(values) * 1e3, 3) if values else None


def compile_figures(skills: list[Path], repeats: int) -> dict:
    load, run, emit, verify = _compiler()
    out_root = Path(tempfile.mkdtemp(prefix="skillir-baseline-"))
    counter = iter(range(10**9))

    def full(skill: Path) -> None:
        module = load(skill)
        run(module)
        emit(module, out_root / str(next(counter)))

    full(skills[0])  # the process's first compile loads the tables and rules: not timed
    first, repeat, load_verify, failed = [], [], [], 0
    for skill in skills:
        try:
            start = time.perf_counter()
            full(skill)
            first.append(time.perf_counter() - start)
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                full(skill)
                times.append(time.perf_counter() - start)
            repeat.append(statistics.median(times))
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                verify(load(skill))
                times.append(time.perf_counter() - start)
            load_verify.append(statistics.median(times))
        except Exception:  # noqa: BLE001 - a skill one checkout cannot compile is counted, not timed
            failed += 1
    return {"skills": len(skills), "failed": failed, "compile_first_ms": _ms(first),
            "compile_repeat_ms": _ms(repeat), "load_verify_ms": _ms(load_verify)}


HARNESSES = ("bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes")


def filed_release_item(steps, skill: Path, out_root: Path, counter) -> float:
    """Seconds of one (harness, skill) item of `filed_release_times`: one warm-up compile,
    then the median of three (an exception when the skill does not compile)."""
    load, run, emit, verify = steps

    def full() -> None:
        module = load(skill)
        run(module)
        verify(module)
        emit(module, out_root / str(next(counter)))

    full()
    times = []
    for _ in range(3):
        start = time.perf_counter()
        full()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def serve_filed_items(lines, out) -> None:
    """`--serve`: for each line "HARNESS SKILL_DIR" read, print the seconds of that item
    (`filed_release_item`; "nan" when it does not compile), so that `baseline.py
    --interleaved` can alternate two checkouts item by item. A line "census SKILL_DIR"
    or "census-security SKILL_DIR" times the census path instead (`CENSUS_SPEC`, or
    the census's own passes): one run, the skill's first in this process, as in a crawl."""
    out_root = Path(tempfile.mkdtemp(prefix="skillir-baseline-"))
    counter = iter(range(10**9))
    compilers: dict[str, tuple] = {}
    for line in lines:
        harness, skill = line.split(maxsplit=1)
        try:
            if harness in _CENSUS_SPECS:
                seconds = _census_item(harness, skill.strip())
            else:
                if harness not in compilers:
                    compilers[harness] = _compiler(harness, "qwen3.5-9b", release=True, validate=False)
                seconds = filed_release_item(compilers[harness], Path(skill.strip()), out_root, counter)
        except Exception:  # noqa: BLE001 - not timed, like a failing compile in the loop
            seconds = float("nan")
        print(seconds, file=out, flush=True)


_CENSUS_SPECS = {"census": CENSUS_SPEC, "census-security": "census_passes"}
"""The census items `serve_filed_items` answers, and the passes each runs (`census_manager`)."""


def _census_item(kind: str, skill: str) -> float:
    """Seconds of one skill's census passes (`serve_filed_items`)."""
    from skillir.frontend.skill_md import load_skill

    manager = census_manager(_CENSUS_SPECS[kind])
    start = time.perf_counter()
    manager.run(load_skill(skill))
    return time.perf_counter() - start


def filed_release_times(skills: list[Path], out_root: Path | None = None) -> list[float]:
    """Seconds per skill per harness behind `filed_release_ms` (see the module docstring;
    model qwen3.5-9b, as then): the median of three compiles after a warm-up. A compile
    that fails is left out. `make bench` measures the same with this function."""
    out_root = out_root or Path(tempfile.mkdtemp(prefix="skillir-baseline-"))
    counter = iter(range(10**9))
    medians = []
    for harness in HARNESSES:
        steps = _compiler(harness, "qwen3.5-9b", release=True, validate=False)
        for skill in skills:
            try:
                medians.append(filed_release_item(steps, skill, out_root, counter))
            except Exception:  # noqa: BLE001 - not timed
                continue
    return medians


_MANAGER = None


@cache
def census_manager(spec: str):
    """The pass manager of the census path: pipeline text, or "census_passes" for the
    census's own passes (the layered layout only); one per spec and process."""
    from skillir.pipeline import PassManager

    if spec == "census_passes":
        from skillir.study.census import census_passes

        return PassManager(passes=census_passes(), verify_each=False)
    return PassManager.from_spec(spec, verify_each=False)


def _census_worker_init(spec: str) -> None:
    global _MANAGER
    logging.disable(logging.WARNING)
    _MANAGER = census_manager(spec)


def _census_one(path: str) -> int:
    from skillir.frontend.skill_md import load_skill

    try:
        _MANAGER.run(load_skill(path))
    except Exception:  # noqa: BLE001 - a skill that fails still took its time
        return 0
    return 1


def census_rate(skills: list[str], spec: str) -> float:
    _census_worker_init(spec)
    _census_one(skills[0])  # rules and tables loaded before the fork, as skill-batch does
    start = time.perf_counter()
    with get_context("fork").Pool(2, initializer=_census_worker_init, initargs=(spec,)) as pool:
        for _ in pool.imap_unordered(_census_one, skills, chunksize=4):
            pass
    return round(len(skills) / (time.perf_counter() - start), 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skills", help="file listing skill folders to compile")
    parser.add_argument("--serve", action="store_true",
                        help="time one item per line read (HARNESS SKILL_DIR) and print its seconds")
    parser.add_argument("--census", help="file listing skill folders for the census figure")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--figures", default="filed,default",
                        help="comma-separated: filed (filed_release_ms), default (the other compile figures)")
    args = parser.parse_args(argv)
    figures = set(args.figures.split(","))
    sys.path.insert(0, os.getcwd())
    logging.disable(logging.WARNING)
    os.environ["SKILLIR_CACHE"] = tempfile.mkdtemp(prefix="skillir-baseline-cache-")
    os.environ["SKILLIR_SERVER"] = "0"
    if args.serve:
        serve_filed_items(sys.stdin, sys.stdout)
        return 0
    if not args.skills:
        parser.error("--skills is required (or --serve)")
    skills = [Path(line.strip()) for line in Path(args.skills).read_text().splitlines() if line.strip()]
    texts = [(skill / "SKILL.md").read_text(encoding="utf-8", errors="replace") for skill in skills[:40]]
    before = work_floor(texts)
    result: dict = {"layout": _layout()}
    if "filed" in figures:
        result["filed_release_ms"] = _ms(filed_release_times(skills))
    if "default" in figures:
        result.update(compile_figures(skills, args.repeats))
    if args.census:
        crawl = [line.strip() for line in Path(args.census).read_text().splitlines() if line.strip()]
        result["census_skills"] = len(crawl)
        result["census_per_s"] = census_rate(crawl, CENSUS_SPEC)
        if _layout() == "layered":
            result["census_with_security_per_s"] = census_rate(crawl, "census_passes")
    result["work_floor_ms"] = round((before + work_floor(texts)) / 2 * 1e3, 3)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
