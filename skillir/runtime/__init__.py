"""Runtime: run skills on tasks with real (or simulated) models.

- `skillir.runtime.providers` — the `Provider` interface, OpenAI-compatible / Anthropic / local
  providers, `get_provider("PROVIDER/MODEL")`, `register_provider(kind, factory)`.
- `skillir.runtime.localserver` — the project's own llama.cpp server (start/stop/health).
- `skillir.runtime.sandbox` — per-run workspace, path checks, bubblewrap + rlimits.
- `skillir.runtime.tools` — the bare-agent tools (read_file, write_file, list_directory,
  execute_command).
- `skillir.runtime.agent` — the bare-agent loop (`run_agent`).
- `skillir.runtime.trace` — JSONL traces (`TraceWriter`, `read_trace`, `summarize`).
- `skillir.runtime.skill` — skills (original or compiled) as the runtime injects them.
- `skillir.bench.run` — one complete run (`run_task`) -> run record.
- `skillir.runtime.providers.sim` — `sim/PROFILE`, the simulated model; its behaviour model
  (`skillir.runtime.simmodel`: demands per step, the success function, seeded draws) and
  reference replay with failure modes (`skillir.runtime.replay`).

Modules import lazily; nothing here starts processes at import time.
"""
