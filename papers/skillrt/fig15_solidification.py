"""Figure 15: JIT code solidification, latency of the model path vs the solidified path on
repeated runs. From `make bench` (benchmarks/test_bench_jit.py ->
benchmarks/results/jit.json): dispatch overhead MEASURED; model-path latency SIMULATED.

Paper: PDF-extract 19-50x faster (10,469-15,116 ms -> 206-568 ms); weather-current 5x;
weather-forecast never promoted.
"""

from __future__ import annotations

import json

from common import PAPER, ROOT, parser, record, save_figure


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    source = ROOT / "benchmarks/results/jit.json"
    if not source.is_file():
        record(args.out, "fig15", figure="Figure 15 (solidification)", kind="simulated",
               status="not reproduced", text="benchmarks/results/jit.json is missing: run "
               "`make bench` first.", numbers={}, files=[])
        return
    data = json.loads(source.read_text())
    sol, disp = data["solidified_vs_model"], data["dispatch_overhead"]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.6, 3))
    ax.bar(["model path\n(simulated)", "solidified\n(measured)"],
           [sol["model_path_latency_median_s"] * 1000, sol["solidified_latency_median_s"] * 1000],
           color=["#c84", "#2a7"])
    ax.set_yscale("log")
    ax.set_ylabel("latency per run, ms (log)")
    ax.set_title(f"Solidification: {sol['speedup']:.0f}x (model latency simulated)", fontsize=9)
    fig.tight_layout()
    path = save_figure(fig, args.out, "fig15_solidification")
    lo, hi = PAPER["solidification_speedup"]
    text = (f"Solidified path {sol['solidified_latency_median_s'] * 1000:.0f} ms (measured: the "
            f"script in the sandbox plus dispatch, whose own overhead is "
            f"{disp['overhead_median_ms']} ms median) vs the model path "
            f"{sol['model_path_latency_median_s']:.1f} s (simulated model time from the "
            f"simulated provider's latency model): {sol['speedup']:.0f}x, promoted after "
            f"{sol['promote_after']} consistent runs, break-even at run {sol['breakeven_run']}; "
            f"paper {lo}-{hi}x on real models. The ratio's numerator is simulated, so only the "
            "solidified side is a measurement; a real local model could not do the task "
            f"({sol.get('real_local_model')}).")
    record(args.out, "fig15", figure="Figure 15 (solidification)",
           kind="measured + simulated", status="partly matched", text=text,
           numbers={"solidified_vs_model": sol, "dispatch_overhead": disp}, files=[path])


if __name__ == "__main__":
    main()
