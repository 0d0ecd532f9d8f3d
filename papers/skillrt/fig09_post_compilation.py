"""Figure 9: task completion after compilation, per task and model. SIMULATED, and again
under the null setting (the compiler's records give no benefit).

Paper (partial reconstruction, PAPER_NOTES §g): most cells reach 100 after SkVM on
BareAgent; the weakest models stay low on Feed Digest (50, 65) and D3 charts (66-85).
"""

from __future__ import annotations

from common import SIM, by_cell, matrix, models, parser, record, save_figure


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    cells = by_cell(matrix(args))
    task_ids = sorted({t for t, _, _ in cells})
    names = models(args.quick)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(3 * (1.1 * len(names) + 1.5), 0.42 * len(task_ids) + 2),
                             sharey=True)
    numbers = {}
    for ax, cond in zip(axes, ("original", "compiled", "compiled-null"), strict=True):
        grid = [[100 * cells.get((t, m, cond), float("nan")) for m in names] for t in task_ids]
        ax.imshow(grid, cmap="Greens", vmin=0, vmax=100, aspect="auto")
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=6)
        ax.set_xticks(range(len(names)), names, fontsize=6, rotation=30)
        ax.set_title({"original": "original skill", "compiled": "compiled",
                      "compiled-null": "compiled, null setting"}[cond] + f" ({SIM})", fontsize=8)
        flat = [v for row in grid for v in row if v == v]
        numbers[cond] = {"mean_completion": round(sum(flat) / len(flat), 2) if flat else None,
                         "cells_at_100": sum(1 for v in flat if v >= 100)}
    axes[0].set_yticks(range(len(task_ids)), task_ids, fontsize=7)
    fig.suptitle("Completion (%) after compilation, bare-agent — SIMULATED", fontsize=9)
    fig.tight_layout()
    path = save_figure(fig, args.out, "fig09_post_compilation")
    o, c, n = (numbers[k]["mean_completion"] for k in ("original", "compiled", "compiled-null"))
    text = (f"Simulated mean completion over the grid: original {o}%, compiled {c}%, compiled "
            f"under the null setting {n}% ({numbers['compiled']['cells_at_100']} of "
            f"{len(task_ids) * len(names)} compiled cells at 100). The paper's Figure 9 puts "
            "most BareAgent cells at 100 after SkVM; here the gain from compiling is the "
            "difference between the compiled and the null columns, i.e. what the compiler's "
            "records are assumed to be worth (skillir/data/simulation.json), not a measurement.")
    status = "partly matched" if c is not None and o is not None and c >= o else "differed"
    record(args.out, "fig09", figure="Figure 9 (post-compilation completion)", kind="simulated",
           status=status, text=text, numbers=numbers, files=[path])


if __name__ == "__main__":
    main()
