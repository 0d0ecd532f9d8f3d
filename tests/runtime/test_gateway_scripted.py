"""The scripted model: steps answered in each harness's own tool vocabulary (roles mapped to
the tools a request offers, arguments renamed), which step answers which request, script
errors, and `RoleMappedProvider` around another provider (the simulated model's bare-agent
calls acted out through a harness's tools)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.runtime.gateway import RoleMappedProvider, ScriptedModel, ScriptError
from skillir.runtime.gateway.scripted import map_arguments, resolve_call, role_of
from skillir.runtime.providers.base import Message, ToolCall, ToolSpec
from skillir.runtime.testing import ScriptedProvider, turn

SCRIPTS = Path(__file__).resolve().parents[1] / "data" / "scripts"
WS = "/tmp/ws"


def obj(**props: dict) -> dict:
    return {"type": "object", "properties": props}


S = {"type": "string"}
HARNESS_TOOLS = {
    "claude-code": [ToolSpec("Bash", "", obj(command=S, description=S)),
                    ToolSpec("Read", "", obj(file_path=S, offset={"type": "number"})),
                    ToolSpec("Write", "", obj(file_path=S, content=S)),
                    ToolSpec("Glob", "", obj(pattern=S)),
                    ToolSpec("Skill", "", obj(skill=S))],
    "codex": [ToolSpec("shell", "", obj(command={"type": "array", "items": S}, workdir=S)),
              ToolSpec("apply_patch", "", obj(input=S)),
              ToolSpec("skill", "", obj(name=S))],
    "opencode": [ToolSpec("bash", "", obj(command=S, description=S)),
                 ToolSpec("read", "", obj(filePath=S)),
                 ToolSpec("write", "", obj(filePath=S, content=S)),
                 ToolSpec("list", "", obj(path=S)),
                 ToolSpec("skill", "", obj(name=S))],
    "hermes": [ToolSpec("terminal", "", obj(command=S, background={"type": "boolean"})),
               ToolSpec("read_file", "", obj(path=S)),
               ToolSpec("write_file", "", obj(path=S, content=S)),
               ToolSpec("skill_view", "", obj(name=S))],
    "openclaw": [ToolSpec("exec", "", obj(command=S)),
                 ToolSpec("read", "", obj(path=S)),
                 ToolSpec("write", "", obj(path=S, content=S)),
                 ToolSpec("Skill", "", obj(name=S))],
}
CMD = "echo hello > out.txt && cat out.txt"
EXPECTED = {  # the calls of tests/data/scripts/gateway_roles.json, per harness
    "claude-code": [
        [("Skill", {"skill": "hello-skill"})],
        [("Bash", {"command": CMD})],
        [("Read", {"file_path": f"{WS}/out.txt"}),
         ("Bash", {"command": "ls -la -- ."})],
        [("Write", {"file_path": f"{WS}/notes/result.txt", "content": "ok\n"})]],
    "codex": [
        [("skill", {"name": "hello-skill"})],
        [("shell", {"command": ["bash", "-lc", CMD]})],
        [("shell", {"command": ["bash", "-lc", "cat -- out.txt"]}),
         ("shell", {"command": ["bash", "-lc", "ls -la -- ."]})],
        [("shell", {"command": ["bash", "-lc", "mkdir -p -- notes && printf %s b2sK | "
                                "base64 -d > notes/result.txt"]})]],
    "opencode": [
        [("skill", {"name": "hello-skill"})],
        [("bash", {"command": CMD})],
        [("read", {"filePath": f"{WS}/out.txt"}), ("list", {"path": "."})],
        [("write", {"filePath": f"{WS}/notes/result.txt", "content": "ok\n"})]],
    "hermes": [
        [("skill_view", {"name": "hello-skill"})],
        [("terminal", {"command": CMD})],
        [("read_file", {"path": "out.txt"}), ("terminal", {"command": "ls -la -- ."})],
        [("write_file", {"path": "notes/result.txt", "content": "ok\n"})]],
    "openclaw": [
        [("Skill", {"name": "hello-skill"})],
        [("exec", {"command": CMD})],
        [("read", {"path": "out.txt"}), ("exec", {"command": "ls -la -- ."})],
        [("write", {"path": "notes/result.txt", "content": "ok\n"})]],
}


def play(model: ScriptedModel, tools: list[ToolSpec]) -> tuple[list[list[tuple[str, dict]]],
                                                                list[str]]:
    """Drive the model like a harness: each turn appends its answer and the tool results."""
    history = [Message("system", "sys"), Message("user", "task")]
    calls, texts = [], []
    for _ in range(10):
        r = model.complete(history, tools)
        texts.append(r.text)
        if not r.tool_calls:
            break
        calls.append([(c.name, c.arguments) for c in r.tool_calls])
        assert all(json.loads(c.raw_arguments) == c.arguments for c in r.tool_calls)
        assert r.stop_reason == "tool_use"
        history.append(Message("assistant", r.text, tool_calls=r.tool_calls))
        history += [Message("tool", "ok", tool_call_id=c.id) for c in r.tool_calls]
    return calls, texts


@pytest.mark.parametrize("harness", sorted(HARNESS_TOOLS))
def test_the_same_script_speaks_each_harness_vocabulary(harness):
    model = ScriptedModel.from_file(SCRIPTS / "gateway_roles.json", workspace=WS)
    assert model.name == "scripted/gateway-roles" and model.simulated
    calls, texts = play(model, HARNESS_TOOLS[harness])
    assert calls == EXPECTED[harness]
    assert texts[0] == "Loading the skill."
    assert texts[-1] == "Wrote out.txt and notes/result.txt."
    assert model.served == [0, 1, 2, 3, 4]
    # after the script: the final text, for every further request
    history = [Message("user", "x")] + [Message("assistant", "a")] * 5
    assert model.complete(history, HARNESS_TOOLS[harness]).text == "All done."


def test_history_mode_answers_a_retried_request_with_the_same_step():
    model = ScriptedModel([{"tool": "shell", "arguments": {"command": "ls"}},
                           {"text": "done"}])
    tools = HARNESS_TOOLS["opencode"]
    first = model.complete([Message("user", "x")], tools)
    again = model.complete([Message("user", "x")], tools)
    assert first.tool_calls == again.tool_calls and model.served == [0, 0]
    # a request without tools (a title, a probe) uses no step
    assert model.complete([Message("user", "title?")], ()).text == "OK."
    assert model.served == [0, 0, None]


def test_sequential_mode_plays_one_step_per_request():
    model = ScriptedModel([{"text": "one"}, {"text": "two"}], mode="sequential")
    tools = HARNESS_TOOLS["hermes"]
    assert [model.complete([Message("user", "x")], tools).text for _ in range(3)] == [
        "one", "two", "Done."]
    with pytest.raises(SkillIRError, match="history or sequential"):
        ScriptedModel([{"text": "x"}], mode="random")


def test_names_lists_literal_names_and_workspace_substitution():
    tools = HARNESS_TOOLS["claude-code"]
    assert resolve_call(("Glob",), {"pattern": "*.py"}, tools) == ("Glob", {"pattern": "*.py"})
    assert resolve_call(("exec_command", "Bash"), {"command": "ls ${workspace}"}, tools,
                        workspace=WS) == ("Bash", {"command": f"ls {WS}"})
    # role words ignore case; an absolute path stays as it is
    assert resolve_call(("READ",), {"path": "/etc/hosts"}, tools, workspace=WS) == (
        "Read", {"file_path": "/etc/hosts"})
    assert role_of("Bash") == "exec" and role_of("shell") == "exec"
    assert role_of("skill_view") == "skill" and role_of("nonsense") is None


def test_codex_exec_command_takes_cmd():
    spec = ToolSpec("exec_command", "", obj(cmd=S, workdir=S))
    assert resolve_call(("shell",), {"command": "ls"}, [spec]) == ("exec_command",
                                                                   {"cmd": "ls"})
    assert map_arguments({"command": "ls", "extra": 1}, spec) == {"cmd": "ls", "extra": 1}


def test_a_step_that_fits_no_offered_tool_is_a_script_error():
    model = ScriptedModel([{"tool": "skill", "arguments": {"name": "x"}}], name="s")
    with pytest.raises(ScriptError, match=r"s step 0: no offered tool plays 'skill' "
                       r"\(the request offers: apply_patch, shell\)"):
        model.complete([Message("user", "x")], [HARNESS_TOOLS["codex"][0],
                                                 HARNESS_TOOLS["codex"][1]])
    # no shell either: read has no fallback
    with pytest.raises(ScriptError, match="offers: Glob"):
        resolve_call(("read",), {"path": "a"}, [HARNESS_TOOLS["claude-code"][3]])


@pytest.mark.parametrize(("script", "message"), [
    ({"steps": "x"}, "a script is a list of steps"),
    ([3], "step 0 must be an object"),
    ([{}], "step 0 has neither 'text' nor a tool call"),
    ([{"tool": ""}], "'tool' must be a name, a list of names or {harness: name}"),
    ([{"tool": "shell", "arguments": []}], "'arguments' must be an object"),
    ([{"calls": [{"arguments": {}}]}], "step 0.calls[0]: a call needs 'tool'"),
    ([{"text": 5}], "'text' must be a string"),
])
def test_malformed_scripts_are_one_line_errors(script, message):
    with pytest.raises(SkillIRError) as info:
        ScriptedModel(script, name="bad")
    assert message in str(info.value) and "\n" not in str(info.value)


def test_script_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("[{")
    with pytest.raises(SkillIRError, match="broken.json"):
        ScriptedModel.from_file(path)


def test_role_mapped_provider_acts_out_bare_agent_calls_with_harness_tools():
    inner = ScriptedProvider([
        turn("look", [("list_directory", {"path": "."}), ("read_file", {"path": "in.txt"})]),
        turn("", [("write_file", {"path": "out.txt", "content": "x"}),
                  ("execute_command", {"command": "wc -l in.txt"})]),
        turn("Done.")], name="sim/test")
    mapped = RoleMappedProvider(inner, workspace=WS)
    assert mapped.simulated and mapped.name == "sim/test"
    tools = HARNESS_TOOLS["claude-code"]
    history = [Message("user", "task")]
    r1 = mapped.complete(history, tools)
    assert [(c.name, c.arguments) for c in r1.tool_calls] == [
        ("Bash", {"command": "ls -la -- ."}), ("Read", {"file_path": f"{WS}/in.txt"})]
    assert r1.extra["mapped_from"] == ["list_directory", "read_file"]
    assert [c.id for c in r1.tool_calls] == ["call_0_list_directory", "call_1_read_file"]
    r2 = mapped.complete(history, tools)
    assert [(c.name, c.arguments) for c in r2.tool_calls] == [
        ("Write", {"file_path": f"{WS}/out.txt", "content": "x"}),
        ("Bash", {"command": "wc -l in.txt"})]
    r3 = mapped.complete(history, tools)
    assert r3.text == "Done." and r3.tool_calls == ()
    assert inner.tools_seen == [["Bash", "Read", "Write", "Glob", "Skill"]] * 3
    assert mapped.describe()["gateway_role_mapping"] is True


def test_role_mapped_provider_keeps_ids_and_passes_hooks_through():
    call = ToolCall("sim_1_0", "execute_command", {"command": "ls"}, raw_arguments="{}")
    inner = ScriptedProvider([lambda msgs: turn_with(call)])
    mapped = RoleMappedProvider(inner)
    r = mapped.complete([Message("user", "x")], HARNESS_TOOLS["hermes"])
    assert r.tool_calls[0].id == "sim_1_0" and r.tool_calls[0].name == "terminal"
    assert json.loads(r.tool_calls[0].raw_arguments) == {"command": "ls"}
    mapped.close()
    assert inner.closed


def turn_with(call: ToolCall):
    r = turn("")
    from dataclasses import replace

    return replace(r, tool_calls=(call,), stop_reason="tool_use")


def test_names_per_harness():
    step = [{"tool": {"claude-code": "Glob", "opencode": ["list", "bash"]},
             "arguments": {"pattern": "*"}}]
    tools = HARNESS_TOOLS["claude-code"] + HARNESS_TOOLS["opencode"]
    picked = {h: ScriptedModel(step, harness=h).complete([Message("user", "x")], tools)
              .tool_calls[0].name for h in ("claude-code", "opencode")}
    assert picked == {"claude-code": "Glob", "opencode": "list"}
    # no harness given: every name in order, the first offered wins
    assert ScriptedModel(step).complete([Message("user", "x")], HARNESS_TOOLS["opencode"]) \
        .tool_calls[0].name == "list"
    with pytest.raises(SkillIRError, match=r"\{harness: name\}"):
        ScriptedModel([{"tool": {"codex": 3}}])


OPENCLAW_LISTING = (
    "Read a skill's file at its listed location when the task matches its description.\n"
    "<available_skills>\n  <skill>\n    <name>healthcheck</name>\n    <description>Audit"
    "</description>\n    <location>/opt/openclaw/skills/healthcheck/SKILL.md</location>\n"
    "  </skill>\n  <skill>\n    <name>hello</name>\n    <description>Say hello</description>\n"
    "    <location>/ws/skills/hello/SKILL.md</location>\n  </skill>\n</available_skills>")
CODEX_LISTING = (
    "### Skill roots\n- `r0` = `/home/x/skills/.system`\n- `r1` = `/ws/.agents/skills/`\n"
    "### Available skills\n- imagegen: Generate images. (file: r0/imagegen/SKILL.md)\n"
    "- hello: Say hello. (file: r1/hello/SKILL.md)\n")


@pytest.mark.parametrize(("harness", "listing", "expected"), [
    ("openclaw", OPENCLAW_LISTING, ("read", {"path": "/ws/skills/hello/SKILL.md"})),
    ("codex", CODEX_LISTING,
     ("shell", {"command": ["bash", "-lc", "cat -- /ws/.agents/skills/hello/SKILL.md"]})),
])
def test_skill_role_reads_the_listed_skill_file_when_no_skill_tool(harness, listing, expected):
    """OpenClaw and Codex have no skill tool: the model reads the SKILL.md they list (as
    captured from openclaw 2026.9.6 and codex 0.171.0 requests, abridged)."""
    tools = [t for t in HARNESS_TOOLS[harness] if t.name.lower() != "skill"]
    model = ScriptedModel([{"tool": "skill", "arguments": {"name": "hello"}}])
    got = model.complete([Message("system", listing), Message("user", "greet me")], tools)
    assert [(c.name, c.arguments) for c in got.tool_calls] == [expected]
    with pytest.raises(ScriptError, match="no offered tool plays 'skill'"):
        model.complete([Message("system", "no listing"), Message("user", "greet me")],
                       [t for t in tools if t.name != "shell" and t.name != "exec"
                        and t.name != "read"])


def test_gateway_provider_picks_by_model_id(tmp_path):
    from skillir.runtime.config import RuntimeConfig
    from skillir.runtime.gateway import gateway_provider
    from skillir.runtime.providers.local import LocalProvider
    from skillir.runtime.providers.sim import SimProvider

    none = RuntimeConfig({}, None)
    scripted = gateway_provider(f"scripted/{SCRIPTS / 'gateway_hello.json'}", harness="codex",
                                workspace=WS, config=none)
    assert isinstance(scripted, ScriptedModel) and scripted.name == "scripted/gateway-hello"
    assert scripted.harness == "codex" and scripted.workspace == WS and scripted.simulated
    sim = gateway_provider("sim/qwen3.5-9b", config=none)
    assert isinstance(sim, RoleMappedProvider) and isinstance(sim.inner, SimProvider)
    assert sim.simulated and sim.name == "sim/qwen3.5-9b"
    assert isinstance(gateway_provider("local/smollm2", config=none), LocalProvider)
    with pytest.raises(SkillIRError, match="script 'nope.json' not found"):
        gateway_provider("scripted/nope.json", config=none)
