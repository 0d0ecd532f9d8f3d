"""One real-model smoke run per wire format: the local SmolLM2-135M (llama-cpp-python's
server, started here with a 16k context: harness prompts are 7-12k tokens) behind the
gateway, driven by a real harness CLI: OpenCode (chat.completions), Codex (Responses API),
Claude Code (Anthropic Messages).

SmolLM2 does not make usable tool calls and one harness turn costs minutes on 2 cores, so
this checks the plumbing only: the harness's real prompt reached the real model through the
gateway and the sandbox bridge, the model's answer came back in the harness's wire format,
and the harness recorded it (Codex has no turn limit: a run that SmolLM2 keeps calling
tools in ends at the 10-minute limit, status timeout). Measured here, loaded machine: Codex's
7.6k-token prompt, first turn 205 s, later turns 35-64 s (llama.cpp's prefix cache). Slow: marked e2e, and run only with
`SKILLIR_E2E_HARNESSES=1` (or `-m e2e` plus that variable), so `make test` stays within
CI's time.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from skillir.runtime.harness_drivers import clis

pytestmark = pytest.mark.e2e
WIRES = {"opencode": "openai-chat", "codex": "openai-responses", "claude-code": "anthropic"}
N_CTX = 16384


@pytest.fixture(scope="module")
def smollm2_16k(tmp_path_factory):
    if os.environ.get("SKILLIR_E2E_HARNESSES") != "1":
        pytest.skip("real-model harness runs take minutes each: set SKILLIR_E2E_HARNESSES=1")
    from skillir.runtime.localserver import LocalServer, llama_cpp_available

    if not llama_cpp_available():
        pytest.skip("llama-cpp-python[server] is not installed (make local-model)")
    server = LocalServer("smollm2", state_dir=tmp_path_factory.mktemp("smol"), n_ctx=N_CTX)
    state = server.start(publish=False, timeout=180)
    try:
        yield state
    finally:
        try:
            os.kill(state.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize("harness", sorted(WIRES))
def test_real_model_turn_through_the_harness(harness, smollm2_16k, tmp_path):
    if clis.find_cli(harness) is None:
        pytest.skip(f"{harness} CLI is not installed (skill-harness install {harness})")
    from corpus_paths import ROOT
    from skillir.bench.run import RunOptions, run_task
    from skillir.bench.task import load_task
    from skillir.runtime.config import RuntimeConfig
    from skillir.runtime.providers import get_provider

    config = RuntimeConfig({"providers": {"smol": {
        "kind": "openai", "base_url": smollm2_16k.base_url, "api_key": "none",
        "timeout": 1200, "max_retries": 0}}}, None)
    provider = get_provider("smol/smollm2", config)
    try:
        record = run_task(load_task(ROOT / "tests/data/tasks/harness_hello"), provider,
                          options=RunOptions(harness=harness, runs_dir=tmp_path, max_steps=2,
                                             timeout_s=600, max_tokens=64),
                          config=config)
    finally:
        provider.close()
    run_dir = Path(record["run_dir"])
    log = [json.loads(line) for line in (run_dir / "gateway.jsonl").read_text().splitlines()]
    calls = [r for r in log if r["wire"] == WIRES[harness] and r.get("response")]
    assert calls, [(r["path"], r["status"], r.get("error")) for r in log]
    first = calls[0]
    assert first["simulated"] is False and first["status"] == 200
    usage = first["response"]["usage"]
    assert usage["available"] and usage["input_tokens"] > 3000  # the harness's real prompt
    assert record["simulated"] is False and record["steps"] >= 1
    assert record["tokens"]["input"] >= usage["input_tokens"]
    print(f"\n{harness}: status {record['status']}, {len(calls)} real turn(s), "
          f"{usage['input_tokens']} prompt tokens, first turn "
          f"{first['response']['latency_s']:.1f}s, wall {record['wall_time_s']:.1f}s")
