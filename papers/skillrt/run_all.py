"""Run every figure and table script of papers/skillrt/ in order (`make paper`), passing the
same arguments (`--quick`, `--out DIR`, `-j N`); REPRODUCTION.md is rewritten by each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["table1_primitives", "fig02_original_skill_effect", "fig03_ecosystem",
           "fig09_post_compilation", "fig10_best_variant", "fig12_tokens",
           "fig13_profiling_cost", "fig14_env_binding", "fig15_solidification",
           "fig16_concurrency", "calibrate_simulator"]


def main() -> int:
    failed = []
    for name in SCRIPTS:
        print(f"== {name}", flush=True)
        code = subprocess.call([sys.executable, str(HERE / f"{name}.py"), *sys.argv[1:]])
        if code:
            failed.append(name)
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
