"""The bare-agent loop and whole runs (run_task) with a scripted provider: parallel tool calls,
limits, statuses, token accounting, skills, env-setup, traces and records."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.errors import SkillIRError
from skillir.runtime.agent import AgentConfig, AgentHooks, run_agent, transcript_of
from skillir.runtime.providers.base import ProviderError, ProviderTimeout
from skillir.runtime.sandbox import Limits, Sandbox
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.runtime.tools import ToolExecutor
from skillir.runtime.trace import read_trace, summarize

TASKS = Path(__file__).resolve().parents[1] / "data" / "tasks"


@pytest.fixture
def executor(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    return ToolExecutor(Sandbox(ws, Limits(command_timeout_s=20)))


def opts(tmp_path, **kw) -> RunOptions:
    return RunOptions(runs_dir=tmp_path / "runs", **kw)


def test_parallel_tool_calls_run_concurrently(executor):
    provider = ScriptedProvider([
        turn("two at once", [("execute_command", {"command": "sleep 1; echo a"}),
                             ("execute_command", {"command": "sleep 1; echo b"}),
                             ("write_file", {"path": "c.txt", "content": "c"})]),
        turn("finished")])
    start = time.monotonic()
    res = run_agent(provider, "go", executor, system="sys", config=AgentConfig(max_steps=5))
    assert time.monotonic() - start < 1.8  # serial execution would take 2 s
    assert res.status == "ok" and res.stop_reason == "end_turn" and res.steps == 2
    assert res.tool_calls == 3 and res.final_text == "finished"
    tool_msgs = [m for m in res.messages if m.role == "tool"]
    assert [m.tool_call_id for m in tool_msgs] == ["call_0_execute_command",
                                                   "call_1_execute_command",
                                                   "call_2_write_file"]
    assert "a\n" in tool_msgs[0].content and "b\n" in tool_msgs[1].content
    # the second model call saw the results
    assert [m.role for m in provider.calls[1]] == ["system", "user", "assistant", "tool",
                                                   "tool", "tool"]
    assert provider.tools_seen[0] == ["read_file", "write_file", "list_directory",
                                      "execute_command"]


def test_token_and_time_accounting(executor):
    provider = ScriptedProvider([turn("a", [("list_directory", {})], tokens=(100, 7),
                                      latency=0.25),
                                 turn("b", tokens=(150, 3), latency=0.5)])
    res = run_agent(provider, "go", executor, system="s")
    assert res.usage.input_tokens == 250 and res.usage.output_tokens == 10
    assert res.model_time_s == pytest.approx(0.75)


def test_step_limit_is_ok_status(executor):
    looping = [turn("again", [("list_directory", {})]) for _ in range(10)]
    res = run_agent(ScriptedProvider(looping), "go", executor, system="s",
                    config=AgentConfig(max_steps=3))
    assert res.status == "ok" and res.stop_reason == "max_steps" and res.steps == 3


def test_wall_time_limit(tmp_path):
    ws = tmp_path / "w"
    ws.mkdir()
    deadline = time.monotonic() + 1.0
    ex = ToolExecutor(Sandbox(ws), deadline=lambda: deadline)
    provider = ScriptedProvider([turn("", [("execute_command", {"command": "sleep 10"})])] * 3)
    start = time.monotonic()
    res = run_agent(provider, "go", ex, system="s", deadline=deadline)
    assert time.monotonic() - start < 5
    assert res.status == "timeout" and res.stop_reason == "timeout"


def test_provider_failures(executor):
    res = run_agent(ScriptedProvider([ProviderError("HTTP 401: bad key", status=401)]), "go",
                    executor, system="s")
    assert res.status == "crashed" and "401" in res.error
    res = run_agent(ScriptedProvider([ProviderTimeout("too slow")]), "go", executor,
                    system="s")
    assert res.status == "timeout"
    res = run_agent(ScriptedProvider([RuntimeError("bug in provider")]), "go", executor,
                    system="s")
    assert res.status == "crashed" and "RuntimeError: bug in provider" in res.error


def test_hooks_can_short_circuit_and_observe(executor):
    seen = []
    hooks = AgentHooks(before_model=lambda step, msgs: turn("solidified") if step == 1 else None,
                       after_model=lambda step, resp: seen.append(("model", resp.text)),
                       after_tool=lambda step, call, res: seen.append(("tool", call.name)))
    provider = ScriptedProvider()
    res = run_agent(provider, "go", executor, system="s", hooks=hooks)
    assert res.final_text == "solidified" and provider.calls == []
    assert seen == [("model", "solidified")]


def test_transcript_block_form(executor):
    provider = ScriptedProvider([turn("thinking", [("read_file", {"path": "nope"})]),
                                 turn("done")])
    res = run_agent(provider, "the prompt", executor, system="s")
    tr = transcript_of(res.messages)
    assert tr[0] == {"role": "user", "content": "the prompt"}
    assert tr[1]["content"] == [{"type": "text", "text": "thinking"},
                                {"type": "tool_use", "id": "call_0_read_file",
                                 "name": "read_file", "input": {"path": "nope"}}]
    assert tr[2]["role"] == "tool" and tr[2]["content"][0]["is_error"] is True
    assert tr[3]["content"] == [{"type": "text", "text": "done"}]


# -- whole runs -------------------------------------------------------------------------------
def solve_hello():
    return ScriptedProvider([turn("", [("write_file", {"path": "hello.txt",
                                                       "content": "hello"})], tokens=(300, 20)),
                             turn("Done.", tokens=(340, 4))])


def test_run_task_records_trace_and_score(tmp_path):
    provider = solve_hello()
    record = run_task(load_task(TASKS / "hello_write"), provider, options=opts(tmp_path))
    assert record["status"] == "ok" and record["score"] == 1.0 and record["passed"]
    assert record["condition"] == "no-skill" and record["simulated"] is True
    assert record["tokens"]["input"] == 640 and record["tokens"]["output"] == 24
    assert record["steps"] == 2 and record["tool_calls"] == 1
    assert record["wall_time_s"] >= record["agent_time_s"] > 0
    assert record["model_time_s"] == pytest.approx(0.002)  # as the provider reported it
    assert [c["id"] for c in record["criteria"]] == ["exists", "content"]
    run_dir = Path(record["run_dir"])
    trace = run_dir / "trace.jsonl"
    assert trace.is_file() and not (run_dir / "trace.jsonl.partial").exists()
    assert json.loads((run_dir / "record.json").read_text()) == json.loads(
        json.dumps(record, default=str))
    events = read_trace(trace)
    kinds = [e["type"] for e in events]
    assert kinds == ["run_start", "model_call", "tool_call", "model_call", "agent_end",
                     "grade", "run_record"]
    call = events[1]
    assert call["input_tokens"] == 300 and call["output_tokens"] == 20
    assert call["tool_calls"][0]["name"] == "write_file" and "latency_s" in call
    tool = events[2]
    assert tool["arguments"] == {"path": "hello.txt", "content": "hello"}
    assert tool["result_chars"] > 0 and tool["duration_s"] >= 0
    assert events[0]["sandbox"]["mode"] in ("bwrap", "none")
    assert provider.run_info is not None and provider.run_info.task_id == "hello_write"
    assert record["workspace"] is None and not provider.run_info.workspace.exists()
    text = summarize(events)
    assert "step 1" in text and "write_file" in text and "score 1.000" in text
    assert "SIMULATED" in text


def test_failed_run_scores_zero_and_keeps_workspace(tmp_path):
    provider = ScriptedProvider([turn("I refuse.")])
    record = run_task(load_task(TASKS / "hello_write"), provider,
                      options=opts(tmp_path, keep_workspace=True))
    assert record["status"] == "ok" and record["score"] == 0.0 and not record["passed"]
    assert "file not found" in record["criteria"][0]["details"]
    assert Path(record["workspace"]).is_dir()


def test_python_grade_and_checkpoints_in_a_run(tmp_path):
    provider = ScriptedProvider([turn("", [("execute_command",
                                            {"command": "python3 -c \"import csv; print(sum("
                                                        "int(r['value']) for r in csv.DictReader("
                                                        "open('numbers.csv'))))\" > total.txt"})]),
                                 turn("60")])
    record = run_task(load_task(TASKS / "graded_python"), provider, options=opts(tmp_path))
    by_id = {c["id"]: c for c in record["criteria"]}
    assert by_id["grade-py"]["score"] == 1.0, by_id["grade-py"]
    assert [cp["name"] for cp in by_id["grade-py"]["checkpoints"]] == [
        "total-exists", "total-correct", "used-tools"]
    assert by_id["checkpoints"]["score"] == 1.0, by_id["checkpoints"]
    assert record["score"] == 1.0 and record["status"] == "ok"


def test_infra_error_taints_the_run(tmp_path):
    record = run_task(load_task(TASKS / "infra_task"), ScriptedProvider(),
                      options=opts(tmp_path))
    assert record["status"] == "tainted"
    assert "grader dependency missing" in record["status_detail"]


def test_harness_crash_is_recorded(tmp_path, monkeypatch):
    import skillir.bench.run as run_mod

    def broken(ctx):
        raise RuntimeError("grader exploded")

    monkeypatch.setattr(run_mod, "grade_task", broken)
    record = run_task(load_task(TASKS / "hello_write"), solve_hello(), options=opts(tmp_path))
    assert record["status"] == "crashed" and "grader exploded" in record["status_detail"]
    events = read_trace(record["trace"])
    assert any(e["type"] == "harness_error" for e in events)
    assert events[-1]["type"] == "run_record"


def make_skill(root: Path, *, env_setup: str | None = None, compiled: bool = False) -> Path:
    skill = root / ("out" if compiled else "hello-skill")
    (skill / "scripts").mkdir(parents=True)
    (skill / "SKILL.md").write_text("---\nname: hello-skill\ndescription: Say hello\n---\n"
                                    "# Hello\n\nRun `scripts/hello.sh` to write hello.txt.\n")
    (skill / "scripts" / "hello.sh").write_text("#!/bin/sh\necho hello > hello.txt\n")
    (skill / "scripts" / "hello.sh").chmod(0o755)
    if env_setup is not None:
        (skill / "env-setup.sh").write_text(env_setup)
    if compiled:
        (skill / "compile-report.json").write_text(json.dumps({"target": "bare-agent/x",
                                                               "passes": ["bind-env"]}))
    return skill


def test_skill_is_injected_and_bundled(tmp_path):
    skill = load_skill_bundle(make_skill(tmp_path))
    provider = ScriptedProvider([turn("", [("execute_command",
                                            {"command": "sh skills/hello-skill/scripts/hello.sh"})]),
                                 turn("ok")])
    record = run_task(load_task(TASKS / "hello_write"), provider, skill=skill,
                      options=opts(tmp_path))
    system = provider.calls[0][0].content
    assert "<skill>\n---\nname: hello-skill" in system and system.count("</skill>") == 1
    assert "skills/hello-skill/" in system
    assert record["score"] == 1.0 and record["condition"] == "original"
    assert record["skill"]["name"] == "hello-skill" and record["skill"]["files"] == 1
    assert record["env_setup"] is None


def test_failing_env_setup_goes_into_context_and_the_run_goes_on(tmp_path):
    skill = load_skill_bundle(make_skill(tmp_path, env_setup="echo 'pdftk: not found'; exit 3\n",
                                         compiled=True), compiled=True)
    assert skill.kind == "compiled" and skill.compile_report["target"] == "bare-agent/x"
    provider = solve_hello()
    record = run_task(load_task(TASKS / "hello_write"), provider, skill=skill,
                      options=opts(tmp_path))
    assert record["env_setup"]["ok"] is False and record["env_setup"]["exit_code"] == 3
    system = provider.calls[0][0].content
    assert "<env-setup status=\"failed\">" in system and "pdftk: not found" in system
    assert record["status"] == "ok" and record["score"] == 1.0
    assert record["condition"] == "compiled"
    ev = [e for e in read_trace(record["trace"]) if e["type"] == "env_setup"][0]
    assert "pdftk: not found" in ev["output"]


def test_successful_env_setup_runs_first_in_the_workspace(tmp_path):
    skill = load_skill_bundle(make_skill(tmp_path, env_setup="echo ready > env-ready.txt\n"))
    provider = ScriptedProvider([turn("", [("read_file", {"path": "env-ready.txt"})]),
                                 turn("done")])
    # on the host, in the workspace, only when asked (the sandboxed default:
    # tests/runtime/test_env_setup_isolation.py)
    record = run_task(load_task(TASKS / "hello_write"), provider, skill=skill,
                      options=opts(tmp_path, allow_host_setup=True))
    assert record["env_setup"]["where"] == "host" and "ON THE HOST" in record["env_setup"]["warning"]
    assert record["env_setup"]["ok"] is True
    assert "<env-setup" not in provider.calls[0][0].content
    assert provider.calls[1][-1].content.strip() == "ready"


def test_run_refuses_unknown_harness_and_host_unready_tasks(tmp_path):
    task = load_task(TASKS / "hello_write")
    with pytest.raises(SkillIRError, match="unknown harness"):  # claude-code is real now
        run_task(task, ScriptedProvider(), options=opts(tmp_path, harness="vscode"))
    from dataclasses import replace

    with pytest.raises(SkillIRError, match="hostReady"):
        run_task(replace(task, host_ready=False), ScriptedProvider(), options=opts(tmp_path))
