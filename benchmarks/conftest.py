"""Benchmarks share the test fixtures (corpus location) and summarise per-skill
groups: for a group of per-skill benchmarks, the median and p95 over skills of each
skill's median time go into the JSON (`summaries`) and are printed at the end."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus_paths import CORPUS, corpus_id, corpus_skill_dirs  # noqa: E402,F401

_SUMMARIES: dict[str, dict[str, float]] = {}


def summarize(benchmarks: list[dict]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[float]] = {}
    for bench in benchmarks:
        group = bench.get("group") or bench["name"].split("[", 1)[0]
        groups.setdefault(group, []).append(bench["stats"]["median"])
    out = {}
    for group, medians in groups.items():
        medians.sort()
        out[group] = {
            "skills": len(medians),
            "median_ms": statistics.median(medians) * 1e3,
            "p95_ms": medians[min(len(medians) - 1, int(0.95 * len(medians)))] * 1e3,
            "max_ms": medians[-1] * 1e3,
        }
    return out


def pytest_benchmark_update_json(config, benchmarks, output_json):
    summaries = summarize(output_json["benchmarks"])
    output_json["summaries"] = summaries
    _SUMMARIES.update(summaries)


def pytest_terminal_summary(terminalreporter):
    if _SUMMARIES:
        terminalreporter.write_sep("-", "per-group summary over skills (median of per-skill medians)")
        for group, row in sorted(_SUMMARIES.items()):
            terminalreporter.write_line(
                f"{group:40s} n={row['skills']:4d}  median {row['median_ms']:8.3f} ms"
                f"  p95 {row['p95_ms']:8.3f} ms  max {row['max_ms']:8.3f} ms"
            )
