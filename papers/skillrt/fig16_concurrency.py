"""Figure 16: speed-up from the parallelism the compiler extracts (DLP, ILP, TLP) on the
concurrency skills, against the critical-path bound. From benchmarks/results/jit.json
(the scheduler benchmark): real concurrent agent loops, model latency SIMULATED by real
sleeping.

Paper: 0.9x-3.2x over nine tasks (max 3.2x); TLP gives the largest average gain.
"""

from __future__ import annotations

import json

from common import PAPER, ROOT, parser, record, save_figure


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    source = ROOT / "benchmarks/results/jit.json"
    skills = (json.loads(source.read_text()).get("parallel") or {}).get("skills", {}) \
        if source.is_file() else {}
    if not skills:
        record(args.out, "fig16", figure="Figure 16 (concurrency)", kind="simulated",
               status="not reproduced", text="no parallel results in benchmarks/results/jit.json: "
               "run `make bench` first.", numbers={}, files=[])
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted(skills)
    fig, ax = plt.subplots(figsize=(1.0 * len(names) + 2, 3.2))
    ax.bar([x - 0.2 for x in range(len(names))], [skills[n]["speedup"] for n in names], 0.4,
           label="measured wall (simulated latency)")
    ax.bar([x + 0.2 for x in range(len(names))], [skills[n]["ideal_speedup"] for n in names], 0.4,
           label="critical-path bound")
    ax.set_xticks(range(len(names)), names, fontsize=7, rotation=30)
    ax.set_ylabel("speed-up over sequential")
    ax.legend(fontsize=7)
    ax.set_title("Parallel speed-up (model latency simulated by sleeping)", fontsize=9)
    fig.tight_layout()
    path = save_figure(fig, args.out, "fig16_concurrency")
    best = max(s["speedup"] for s in skills.values())
    within = max(s["wall_over_bound"] for s in skills.values())
    text = (f"{len(names)} concurrency skills: speed-ups {min(s['speedup'] for s in skills.values()):.1f}x"
            f"-{best:.1f}x (paper 0.9x-{PAPER['concurrency_max_speedup']}x), each within "
            f"{100 * (within - 1):.1f}% of its critical-path bound. The agent loops, the "
            "scheduler and the joins are real; each task's model time is simulated by sleeping "
            "for its cost, so the speed-ups measure the scheduler against the DAG, not a real "
            "model's latency.")
    record(args.out, "fig16", figure="Figure 16 (concurrency)", kind="measured + simulated",
           status="partly matched", text=text, numbers=skills, files=[path])


if __name__ == "__main__":
    main()
