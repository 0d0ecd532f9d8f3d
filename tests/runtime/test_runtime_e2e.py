"""End-to-end on the real local model (llama.cpp server + SmolLM2-135M, started once per
session by the `local_model` fixture). The model is a toy: these tests check the plumbing
(real tool calls, token accounting, timeouts, traces, scoring), not task quality."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from skillir.bench.run import JudgeFactory, RunOptions, run_task
from skillir.bench.task import load_task
from skillir.runtime.config import RuntimeConfig
from skillir.runtime.providers import get_provider
from skillir.runtime.providers.base import Message
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.runtime.tools import BARE_AGENT_TOOLS
from skillir.runtime.trace import read_trace
from skillir.tools import skill_model, skill_run

pytestmark = pytest.mark.e2e
TASKS = Path(__file__).resolve().parents[1] / "data" / "tasks"
NO_CONFIG = RuntimeConfig({}, None)
SLOW_MACHINE_S = 300.0  # generous wall-time limits: a busy 2-core machine is slow, not wrong


def test_local_model_run_end_to_end(local_model, tmp_path):
    provider = get_provider("local/smollm2", NO_CONFIG)
    record = run_task(load_task(TASKS / "hello_write"), provider, config=NO_CONFIG,
                      options=RunOptions(runs_dir=tmp_path, max_steps=2, temperature=0.0,
                                         timeout_s=SLOW_MACHINE_S))
    assert record["status"] == "ok", record.get("status_detail")
    assert record["simulated"] is False and record["model"] == "local/smollm2"
    assert record["tokens"]["input"] > 100 and record["tokens"]["output"] > 0
    assert record["tokens"]["usage_available"] is True
    assert record["model_time_s"] > 0 and record["wall_time_s"] >= record["model_time_s"]
    events = read_trace(record["trace"])
    calls = [e for e in events if e["type"] == "model_call"]
    assert calls and all(c["input_tokens"] > 0 and c["latency_s"] > 0 for c in calls)
    assert sum(c["input_tokens"] for c in calls) == record["tokens"]["input"]
    tools = [e for e in events if e["type"] == "tool_call"]
    # SmolLM2 at temperature 0 answers this prompt with a write_file call
    assert tools and tools[0]["name"] == "write_file", calls[0]
    assert 0.0 <= record["score"] <= 1.0 and len(record["criteria"]) == 2
    assert events[0]["provider"]["how"] in ("ephemeral", "started", "published")


def test_openai_compatible_provider_against_llama_cpp(local_model, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", local_model["base_url"])
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    provider = get_provider("openai/smollm2", NO_CONFIG)
    resp = provider.complete([Message("system", "You complete tasks by using tools."),
                              Message("user", "Write the word hello to the file hello.txt")],
                             BARE_AGENT_TOOLS, max_tokens=64, temperature=0.0)
    assert resp.usage.available and resp.usage.input_tokens > 50
    assert resp.usage.output_tokens > 0 and resp.latency_s > 0
    assert resp.tool_calls and resp.tool_calls[0].name in {t.name for t in BARE_AGENT_TOOLS}
    assert resp.tool_calls[0].parse_error is None


def test_skill_run_cli_on_the_local_model(local_model, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLIR_CONFIG", str(tmp_path / "none.json"))
    code = skill_run.main(["--task", str(TASKS / "hello_write"), "--model", "local/smollm2",
                           "--runs-dir", str(tmp_path), "--max-steps", "1", "--json",
                           "--timeout", str(SLOW_MACHINE_S)])
    out = capsys.readouterr().out
    assert code == 0
    rec = json.loads(out)
    assert rec["status"] == "ok" and rec["steps"] == 1 and rec["tokens"]["input"] > 0


def test_local_model_as_llm_judge(local_model, tmp_path):
    agent = ScriptedProvider([turn("", [("write_file", {"path": "poem.txt", "content":
                                                        "Tokens parse in line\n"
                                                        "passes fold the tree to code\n"
                                                        "bits run, warm and fast"})])])
    judge = JudgeFactory("local/smollm2", NO_CONFIG)
    try:
        record = run_task(load_task(TASKS / "judged"), agent, config=NO_CONFIG, judge=judge,
                          options=RunOptions(runs_dir=tmp_path, timeout_s=SLOW_MACHINE_S))
    finally:
        judge.close()
    crit = {c["id"]: c for c in record["criteria"]}["llm-judge-1"]
    assert crit["usage"]["input"] > 0  # the judge really ran
    # a toy model may or may not produce a usable score: either way it is reported cleanly
    assert crit.get("infra_error") or 0.0 <= crit["score"] <= 1.0
    assert record["status"] in ("ok", "tainted")
    assert record["judge_tokens"]["input"] == crit["usage"]["input"]


def test_skill_model_start_status_stop(local_model, tmp_path, capsys):
    state = str(tmp_path / "published")
    try:
        assert skill_model.main(["start", "--state-dir", state, "--json"]) == 0
        started = json.loads(capsys.readouterr().out)
        assert started["started"] is True and started["start_s"] < 60
        assert skill_model.main(["start", "--state-dir", state, "--json"]) == 0
        again = json.loads(capsys.readouterr().out)
        assert again["started"] is False and again["pid"] == started["pid"]  # reused
        assert skill_model.main(["health", "--state-dir", state]) == 0
        assert "healthy" in capsys.readouterr().out
        assert skill_model.main(["status", "--state-dir", state, "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["running"] and status["healthy"] and status["port"] == started["port"]
    finally:
        assert skill_model.main(["stop", "--state-dir", state]) == 0
    assert "stopped" in capsys.readouterr().out
    assert skill_model.main(["health", "--state-dir", state]) == 1


def test_wall_time_limit_interrupts_the_model(local_model, tmp_path):
    provider = get_provider("local/smollm2", NO_CONFIG)
    start = time.monotonic()
    record = run_task(load_task(TASKS / "hello_write"), provider, config=NO_CONFIG,
                      options=RunOptions(runs_dir=tmp_path, timeout_s=0.3))
    assert record["status"] == "timeout"
    assert time.monotonic() - start < 20
    # (it runs last: llama.cpp finishes the abandoned request before serving another)
