"""The profiler: measures a (model, harness) pair on the 26 primitives and writes a Target
Capability Profile (SkVM TCP JSON).

- `generators/`: one seeded microbenchmark generator per primitive (L1-L3);
- `instance.py` / `checks.py`: an instance as a task folder and its stdlib-only grader;
- `sampling.py`: the adaptive design (and SkVM's fixed 3-of-3 for comparison);
- `runner.py`: runs instances (sandboxed runs, resumable, parallel) and decides levels;
- `tcp.py`: the profile JSON; `heatmap.py`: the figures; `validation.py`: the benchmark
  against simulated models with known profiles.
"""
