"""The hostile-input report (issue 19): every crafted and generated case per category, each
bounded in time, checked for exit code, a one-line message, no traceback, nothing written
outside the output, input unchanged and no temp files left; writes
benchmarks/results/hostile.json (tried / clean per category, and every unclean case) and
prints the table.

    python benchmarks/hostile/report.py [--generated-ir N] [--generated-skills N] [--out FILE]

The cases live in tests/hostile_cases.py, shared with the tests (tests/test_hostile_suite.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from hostile_cases import (  # noqa: E402
    CASE_TIMEOUT_S,
    CATEGORIES,
    CLI_CASES,
    PROBES,
    Outcome,
    check_cli,
    generated_front_matter_probes,
    generated_ir_probes,
    run_probe,
)

from corpus_paths import corpus_skill_dirs  # noqa: E402
from skillir.atomic import write_text_atomic  # noqa: E402


def _ir_texts(limit: int) -> list[str]:
    from skillir.frontend.skill_md import load_skill
    from skillir.ir import print_module

    return [print_module(load_skill(d)) for d in corpus_skill_dirs()[:limit]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated-ir", type=int, default=480,
                        help="mutated IR files (from the first 24 corpus skills); default 480")
    parser.add_argument("--generated-skills", type=int, default=300,
                        help="mutated real skills (front matter and markdown); default 300")
    parser.add_argument("--timeout", type=float, default=CASE_TIMEOUT_S, help="seconds per case")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "hostile.json")
    args = parser.parse_args(argv)
    outcomes: list[tuple[Outcome, bool, str | None]] = []  # outcome, generated, known
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="skillir-hostile-") as tmp:
        base = Path(tmp)
        for i, case in enumerate(CLI_CASES):
            outcomes.append((check_cli(case, base / f"cli{i}", timeout=args.timeout), False, case.known))
        probes = list(PROBES)
        dirs = corpus_skill_dirs()
        if dirs and args.generated_ir:
            per_seed = max(1, args.generated_ir // 4)
            probes += list(generated_ir_probes(_ir_texts(24), seeds=4, per_seed=per_seed))
        if dirs and args.generated_skills:
            probes += list(generated_front_matter_probes(dirs, count=args.generated_skills))
        for i, probe in enumerate(probes):
            outcomes.append((run_probe(probe, base / f"p{i}", timeout=args.timeout),
                             probe.generated, probe.known))
            if (i + 1) % 100 == 0:
                print(f"  {i + 1}/{len(probes)} probes", file=sys.stderr)
    table = {}
    for category in CATEGORIES:
        rows = [(o, g, k) for o, g, k in outcomes if o.category == category]
        times = sorted(o.seconds for o, _, _ in rows)
        table[category] = {
            "tried": len(rows), "clean": sum(o.clean for o, _, _ in rows),
            "crafted": sum(not g for _, g, _ in rows), "generated": sum(g for _, g, _ in rows),
            "hangs": sum(any(p.startswith("hang") for p in o.problems) for o, _, _ in rows),
            "internal_errors": sum(any(p.startswith("internal error") or p == "a traceback"
                                       for p in o.problems) for o, _, _ in rows),
            "median_s": round(times[len(times) // 2], 3) if times else None,
            "max_s": round(times[-1], 3) if times else None,
        }
    unclean = [{"category": o.category, "case": o.name, "problems": o.problems, "known": k}
               for o, _, k in outcomes if not o.clean]
    report = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "seconds": round(time.monotonic() - start, 1), "case_timeout_s": args.timeout,
              "categories": table,
              "total": {"tried": len(outcomes), "clean": sum(o.clean for o, _, _ in outcomes)},
              "unclean": unclean}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(args.out, json.dumps(report, indent=1) + "\n")
    print(f"{'category':<16} {'tried':>6} {'clean':>6} {'crafted':>8} {'generated':>10} "
          f"{'hangs':>6} {'internal':>9} {'median s':>9} {'max s':>7}")
    for category, row in table.items():
        print(f"{category:<16} {row['tried']:>6} {row['clean']:>6} {row['crafted']:>8} "
              f"{row['generated']:>10} {row['hangs']:>6} {row['internal_errors']:>9} "
              f"{row['median_s'] if row['median_s'] is not None else '-':>9} "
              f"{row['max_s'] if row['max_s'] is not None else '-':>7}")
    print(f"{'total':<16} {report['total']['tried']:>6} {report['total']['clean']:>6}")
    for item in unclean:
        known = " (known)" if item["known"] else ""
        print(f"not clean{known}: {item['category']}/{item['case']}: {'; '.join(item['problems'])[:300]}")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
