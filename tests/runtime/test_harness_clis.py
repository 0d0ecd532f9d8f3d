"""The real harness CLIs end to end, with a scripted model behind the gateway: for each
harness, the skill's description reaches the first model request, the harness loads the
skill's body by its own mechanism (a skill tool, or a file read), a tool runs in the
sandbox and writes into the workspace, and the task's grader passes.

Each harness's CLI is installed by `make test` (`skill-harness install`); a harness whose
CLI is not installed is skipped with the reason. The drivers' parsers and the installer's
data are checked without any CLI too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.errors import SkillIRError
from skillir.runtime.harness_drivers import clis
from skillir.runtime.harness_drivers.drivers import DRIVERS, get_driver
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.trace import read_trace

DATA = ROOT / "tests" / "data"
TASK = DATA / "tasks" / "harness_hello"
SKILL = DATA / "harness_skills" / "hello-file"
DESCRIPTION = "Write a greeting file named hello.txt."
BODY_MARKER = "HELLO-SKILL-BODY-4417"
HARNESSES = ("codex", "claude-code", "opencode", "hermes", "openclaw")
"""Fastest first (MACHINE_NOTES: Codex 1.4-2.2 s ... OpenClaw ~35 s)."""


def _need(harness: str) -> None:
    if clis.find_cli(harness) is None:
        s = clis.spec(harness)
        pytest.skip(f"{harness} {s.version} CLI is not installed in {s.folder} "
                    f"(run `skill-harness install {harness}` or `make harness-clis`)")


def _model_requests(run_dir: Path) -> list[dict]:
    lines = (run_dir / "gateway.jsonl").read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r["wire"] != "probe" and r.get("response")]


@pytest.mark.parametrize("harness", HARNESSES)
def test_scripted_run_through_the_real_harness(harness: str, tmp_path: Path) -> None:
    _need(harness)
    from skillir.runtime.gateway import ScriptedModel

    model = ScriptedModel.from_file(DATA / "scripts" / f"harness_{harness}.json")
    record = run_task(load_task(TASK), model, skill=load_skill_bundle(SKILL),
                      options=RunOptions(harness=harness, runs_dir=tmp_path,
                                         keep_workspace=True))
    assert record["status"] == "ok", record.get("status_detail")
    assert record["harness"] == harness and record["simulated"] is True
    run_dir = Path(record["run_dir"])

    # 1. the skill's description reached the first model request (the harness listed it)
    requests = _model_requests(run_dir)
    assert len(requests) >= 3, [r["path"] for r in requests]
    assert DESCRIPTION in json.dumps(requests[0]["body"]), "description not in the first request"
    assert BODY_MARKER not in json.dumps(requests[0]["body"]), "body sent before it was loaded"

    # 2. the body was loaded by the harness's own mechanism: a tool call whose result has it
    events = read_trace(run_dir)
    calls = [e for e in events if e["type"] == "tool_call"]
    loaders = [c for c in calls if BODY_MARKER in c["result_preview"]]
    assert loaders, [(c["name"], c["result_preview"][:80]) for c in calls]
    expected = {"codex": "exec_command", "claude-code": "Skill", "opencode": "skill",
                "hermes": "skill_view", "openclaw": "read"}[harness]
    assert loaders[0]["name"] == expected
    assert any(BODY_MARKER in json.dumps(r["body"]) for r in requests[1:])

    # 3. a tool ran in the sandbox and wrote into the workspace
    hello = Path(record["workspace"]) / "hello.txt"
    assert hello.read_text(encoding="utf-8") == "hello from the skill\n"
    # the harness's home (config, sessions, caches) is not in the task's workspace
    assert not any(".codex" in p.parts or ".openclaw" in p.parts or ".hermes" in p.parts
                   or "opencode.json" in p.name for p in Path(record["workspace"]).rglob("*"))
    shell = [c for c in calls if "hello.txt" in json.dumps(c["arguments"])
             and c is not loaders[0]]
    assert shell, [c["name"] for c in calls]
    if record["sandbox"] == "bwrap" and os.geteuid() == 0:  # run as the sandbox user
        assert hello.stat().st_uid == 65534
        assert "65534" in shell[0]["result_preview"]

    # 4. the grader passed, and the record has what bare-agent's has
    assert record["passed"] is True and record["score"] == 1.0
    assert record["steps"] == len([e for e in events if e["type"] == "model_call"]) >= 3
    assert record["tool_calls"] == len(calls) >= 2
    assert record["tokens"]["output"] > 0
    assert record["tokens"]["input"] > 1000, record["tokens"]  # the harness's own prompt
    run = next(e for e in events if e["type"] == "harness_run")
    assert run["exit_code"] == 0 and run["harness"] == harness
    assert all(e.get("simulated") for e in events), "a scripted run is labelled simulated"


def test_unknown_harness_is_a_one_line_error() -> None:
    with pytest.raises(SkillIRError, match="unknown harness 'nope'"):
        run_task(load_task(TASK), object(), options=RunOptions(harness="nope"))  # type: ignore[arg-type]


def test_missing_cli_is_reported_before_anything_runs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(clis.PREFIX_ENV, str(tmp_path / "empty"))
    with pytest.raises(SkillIRError, match=r"harness CLI codex .* is not installed.*"
                                           r"skill-harness install codex"):
        run_task(load_task(TASK), object(), options=RunOptions(harness="codex",  # type: ignore[arg-type]
                                                               runs_dir=tmp_path))
    assert not (tmp_path / "empty").exists()


def test_every_pinned_cli_has_a_driver_and_back() -> None:
    assert set(clis.specs()) == set(DRIVERS) == set(HARNESSES)
    wires = {get_driver(h).wire for h in HARNESSES}
    assert wires == {"openai-chat", "openai-responses", "anthropic"}


def test_an_interrupted_install_does_not_count(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(clis.PREFIX_ENV, str(tmp_path))
    s = clis.spec("codex")
    s.exe.parent.mkdir(parents=True)
    s.exe.write_text("#!/bin/sh\n")  # files, but no marker: an install that never finished
    assert clis.find_cli("codex") is None
    (s.folder / clis.MARKER).write_text(json.dumps({"version": s.version, "install_s": 1.0}))
    assert clis.find_cli("codex") == s.exe
    (s.folder / clis.MARKER).write_text(json.dumps({"version": "0.0.1"}))  # another pin
    assert clis.find_cli("codex") is None



DIRECT = {"claude-code": ("anthropic", ""), "codex": ("openai", "/v1"), "opencode": ("openai", "/v1")}
"""A harness per wire format: the route kind of its remote API and the API's path."""


@pytest.mark.parametrize("harness", sorted(DIRECT))
def test_a_harness_calls_a_remote_api_it_speaks_directly(harness: str, tmp_path: Path) -> None:
    """`--model anthropic/...` on claude-code (openai/... on codex and opencode): the harness
    calls the API itself, with the route's key; no gateway of ours stands between them.
    The remote API here is a stand-in on 127.0.0.1 (our gateway in front of a scripted
    model, as a test double), reached over the network the sandbox then shares."""
    _need(harness)
    import hashlib

    from skillir.runtime.config import RouteConfig
    from skillir.runtime.gateway import Gateway, ScriptedModel
    from skillir.runtime.providers.anthropic import AnthropicProvider
    from skillir.runtime.providers.openai_compat import OpenAICompatProvider

    kind, suffix = DIRECT[harness]
    key = "sk-remote-test-7731"
    remote = ScriptedModel.from_file(DATA / "scripts" / f"harness_{harness}.json")
    with Gateway(remote, host="127.0.0.1", port=0, log_path=tmp_path / "remote.jsonl") as api:
        root = api.base_url
        route = RouteConfig(route=kind, kind=kind, base_url=root + suffix, api_key=key,
                            options={"responses": True} if harness == "codex" else {})
        provider = (AnthropicProvider if kind == "anthropic" else OpenAICompatProvider)(route, "remote-model-1")
        record = run_task(load_task(TASK), provider, skill=load_skill_bundle(SKILL),
                          options=RunOptions(harness=harness, runs_dir=tmp_path / "runs",
                                             keep_workspace=True))
        served = [r for r in api.requests if r.wire != "probe" and r.response is not None]
    assert record["status"] == "ok", record.get("status_detail")
    assert record["passed"] is True and record["simulated"] is False
    run_dir = Path(record["run_dir"])
    assert not (run_dir / "gateway.jsonl").exists()  # no gateway of ours ran
    events = read_trace(run_dir)
    run = next(e for e in events if e["type"] == "harness_run")
    assert run["model_route"] == "direct" and run["endpoint"] == root
    assert key not in json.dumps(events)  # the key is never traced
    assert len(served) >= 3 and {r.wire for r in served} == {get_driver(harness).wire}
    assert {r.key_sha256 for r in served} == {hashlib.sha256(key.encode()).hexdigest()[:12]}
    assert all(r.body.get("model") == "remote-model-1" for r in served)
    assert DESCRIPTION in json.dumps(served[0].body)
    assert (Path(record["workspace"]) / "hello.txt").read_text(encoding="utf-8") == "hello from the skill\n"
    calls = [e for e in events if e["type"] == "tool_call"]
    # steps and tokens come from the harness's own transcript (Codex reports one turn per exec)
    assert len(calls) >= 2 and record["steps"] == len([e for e in events if e["type"] == "model_call"]) >= 1
    assert record["tokens"]["input"] > 0 and not any(e.get("simulated") for e in events)


def test_a_remote_api_the_harness_does_not_speak_goes_through_the_gateway() -> None:
    from skillir.runtime.config import RouteConfig
    from skillir.runtime.harness_drivers.runner import direct_route
    from skillir.runtime.providers.anthropic import AnthropicProvider
    from skillir.runtime.providers.openai_compat import OpenAICompatProvider

    anthropic = AnthropicProvider(RouteConfig("anthropic", "anthropic", "https://api.example", "k"), "m")
    chat_only = OpenAICompatProvider(RouteConfig("vllm", "openai", "https://llm.example/v1", "k"), "m")
    openai = OpenAICompatProvider(RouteConfig("openai", "openai", None, "k"), "gpt-x")
    headers = AnthropicProvider(RouteConfig("a", "anthropic", "https://api.example", "k",
                                            headers={"x-org": "1"}), "m")
    claude, codex, opencode = (get_driver(h) for h in ("claude-code", "codex", "opencode"))
    assert direct_route(anthropic, claude).root == "https://api.example"
    assert direct_route(anthropic, opencode) is None  # opencode is set up for chat.completions
    assert direct_route(chat_only, opencode).root == "https://llm.example"
    assert direct_route(chat_only, codex) is None  # a chat-only server has no Responses API
    assert direct_route(openai, codex).root == "https://api.openai.com"
    assert direct_route(anthropic, claude, "gateway") is None  # --via-gateway
    assert direct_route(headers, claude) is None  # headers only the gateway would send
    with pytest.raises(SkillIRError, match="unknown model route"):
        direct_route(anthropic, claude, "tunnel")


def test_the_jit_learns_from_a_real_harness_and_answers_before_it_starts(tmp_path: Path) -> None:
    """Claude Code's own tools (`Skill`, `Bash`) count by role: two clean runs promote the
    trace's script, and the third run is answered by it without starting the CLI."""
    _need("claude-code")
    from skillir.jit.solidify import JitSession, SolidifyPolicy, run_with_jit
    from skillir.jit.store import JitStore
    from skillir.runtime.gateway import ScriptedModel

    task, bundle = load_task(TASK), load_skill_bundle(SKILL)
    script = DATA / "scripts" / "harness_claude-code.json"
    session = JitSession(JitStore(tmp_path / "jit"), bundle, model=ScriptedModel.from_file(script).name,
                         harness="claude-code", policy=SolidifyPolicy.defaults(promote_after=2))
    records = [run_with_jit(task, ScriptedModel.from_file(script), bundle, session=session,
                            options=RunOptions(harness="claude-code", runs_dir=tmp_path / "runs",
                                               keep_workspace=True))
               for _ in range(3)]
    assert [r["jit"]["solidified"] for r in records] == [False, False, True], [r["jit"] for r in records]
    assert records[1]["jit_observed"]["promoted"] and all(r["passed"] for r in records)
    last = read_trace(Path(records[2]["run_dir"]))
    assert not any(e["type"] == "harness_run" for e in last)  # the CLI never started
    assert any(e["type"] == "solidified" for e in last) and records[2]["tokens"]["input"] == 0
    assert (Path(records[2]["workspace"]) / "hello.txt").read_text(encoding="utf-8") == "hello from the skill\n"
