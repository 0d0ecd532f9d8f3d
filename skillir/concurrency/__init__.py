"""Concurrency extraction: a skill's workflow DAG, its data-, instruction- and
thread-level parallelism, costs, critical path and speedup bound (the `conc` dialect's
analyses; the pass is `skillir/passes/extract_concurrency.py`).

- `skillir.concurrency.steps`: facts about each step (data flow, ordering words, kind,
  side effects, per-item loops, cost).
- `skillir.concurrency.groups`: conservative DLP/ILP/TLP group detection.
- `skillir.concurrency.dag`: the DAG, critical path, networkx conversion.
- `skillir.concurrency.build`: `analyze(skill, harness)`, `build_graph`, `read_graph`.
- `skillir.concurrency.render`: `render_mermaid(module)`, `render_png(module, path)`.
"""
