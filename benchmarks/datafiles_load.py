"""Time to import the data-file loaders and load every packaged data file, in a fresh
interpreter each run (median of N runs). `python benchmarks/datafiles_load.py [N]`."""

from __future__ import annotations

import statistics
import subprocess
import sys

PROBE = r"""
import time
t0 = time.perf_counter()
from skillir.profiles.catalog import catalog
from skillir.profiles.store import reference_profiles
from skillir.capability.rules import words
from skillir.concurrency.rules import rules as conc_rules
from skillir.deps.tables import python_table, tool_table, rules as env_rules
from skillir.emit.tokens import encoding_for
from skillir.runtime.simmodel import sim_params
from skillir.runtime.localserver import local_models
from skillir.bench.skillsbench import rules as bench_rules
from skillir.frontend.classify import vocabulary
t1 = time.perf_counter()
catalog(); reference_profiles(); words(); conc_rules(); python_table(); tool_table(); env_rules()
encoding_for("gpt-5"); sim_params(); local_models(); bench_rules(); vocabulary()
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1e3:.3f} {(t2 - t1) * 1e3:.3f}")
"""


def main(runs: int = 20) -> None:
    imports, loads = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                             check=True).stdout.split()
        imports.append(float(out[0]))
        loads.append(float(out[1]))
    print(f"import {statistics.median(imports):.1f} ms, load all data files "
          f"{statistics.median(loads):.1f} ms (median of {runs})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
