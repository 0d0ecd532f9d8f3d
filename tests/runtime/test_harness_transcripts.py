"""The drivers' transcript parsers on real transcripts (tests/data/harness_transcripts/,
recorded from the scripted runs of tests/runtime/test_harness_clis.py), and the merge of a
transcript with the gateway's log; no CLI needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.runtime.harness_drivers.drivers import Turn, get_driver
from skillir.runtime.harness_drivers.runner import NOT_RUN, merge_with_gateway, model_slug
from skillir.runtime.providers.base import Response, ToolCall, Usage

TRANSCRIPTS = ROOT / "tests" / "data" / "harness_transcripts"
BODY_MARKER = "HELLO-SKILL-BODY-4417"

# harness: (model turns, loader tool, shell tool, per-call input tokens?)
EXPECTED = {
    "codex": (1, "shell", "shell", False),
    "claude-code": (3, "Skill", "Bash", True),
    "opencode": (3, "skill", "bash", True),
    "hermes": (3, "skill_view", "terminal", False),
    "openclaw": (3, "read", "exec", True),
}


def _parse(harness: str) -> list[Turn]:
    return get_driver(harness).parse((TRANSCRIPTS / f"{harness}.jsonl").read_text("utf-8"))


@pytest.mark.parametrize("harness", sorted(EXPECTED))
def test_parser_reads_the_real_transcript(harness: str) -> None:
    n_turns, loader, shell, per_call = EXPECTED[harness]
    turns = _parse(harness)
    assert len(turns) == n_turns
    tools = [t for turn in turns for t in turn.tools]
    assert [t.name for t in tools] == [loader, shell]
    assert BODY_MARKER in tools[0].output  # the skill's body, as the harness loaded it
    assert "65534" in tools[1].output  # `id -u` ran as the sandbox user
    assert "hello.txt" in str(tools[1].arguments)
    assert not any(t.is_error for t in tools)
    assert "Created hello.txt" in turns[-1].text or "Created hello.txt" in "".join(
        t.text for t in turns)
    if per_call:
        assert all(t.usage_available and not t.run_totals and t.input_tokens > 1000
                   for t in turns)
    else:  # Codex and Hermes report only the run's totals
        totals = [t for t in turns if t.usage_available]
        assert len(totals) == 1 and totals[0].run_totals and totals[0].input_tokens > 1000


def test_parsers_skip_noise_lines() -> None:
    text = (TRANSCRIPTS / "opencode.jsonl").read_text("utf-8")
    noisy = "warning: not json\n" + text.replace("\n", "\n{broken\n", 1)
    assert len(get_driver("opencode").parse(noisy)) == len(_parse("opencode"))
    assert get_driver("codex").parse("") == []


@dataclass
class _Req:
    wire: str
    response: Response


def _req(text: str, *calls: ToolCall) -> _Req:
    return _Req("openai-chat", Response(text, calls, Usage(5, 1, available=False), 0.25))


def test_merge_takes_calls_from_the_gateway_and_outputs_from_the_transcript() -> None:
    # Codex: one transcript turn for three model calls, tool ids unrelated to the model's
    turns = _parse("codex")
    reqs = [_req("Reading.", ToolCall("call_0_0", "exec_command", {"cmd": "cat SKILL.md"})),
            _req("", ToolCall("call_1_0", "exec_command", {"cmd": "printf ... && id -u"})),
            _req("Done.")]
    merged = merge_with_gateway(turns, reqs)
    assert [len(t.tools) for t in merged] == [1, 1, 0]
    assert [t.tools[0].name for t in merged[:2]] == ["exec_command", "exec_command"]
    assert BODY_MARKER in merged[0].tools[0].output and "65534" in merged[1].tools[0].output
    assert merged[2].text == "Done."
    assert not any(t.usage_available for t in merged)  # run totals are not per-call counts


def test_a_call_the_harness_never_ran_is_an_error_in_the_trace() -> None:
    """Codex refuses some commands by its own policy ("rm -f style commands are not
    permitted") and its transcript then has no run of the call."""
    turns = _parse("codex")
    reqs = [_req("Reading.", ToolCall("call_0_0", "exec_command", {"cmd": "cat SKILL.md"})),
            _req("", ToolCall("call_1_0", "exec_command", {"cmd": "printf ... && id -u"})),
            _req("", ToolCall("call_2_0", "exec_command", {"cmd": "rm -rf .cache"})),
            _req("Done.")]
    merged = merge_with_gateway(turns, reqs)
    refused = merged[2].tools[0]
    assert refused.is_error and refused.output == NOT_RUN
    assert not merged[0].tools[0].is_error and BODY_MARKER in merged[0].tools[0].output


def test_merge_uses_per_call_tokens_when_turns_line_up() -> None:
    turns = _parse("opencode")
    reqs = [_req("a", ToolCall(t.tools[0].id, t.tools[0].name, {})) if t.tools else _req("b")
            for t in turns]
    merged = merge_with_gateway(turns, reqs)
    assert [m.input_tokens for m in merged] == [t.input_tokens for t in turns]
    assert all(m.usage_available for m in merged)
    assert merged[0].tools[0].output == turns[0].tools[0].output  # matched by call id


def test_without_gateway_requests_the_transcript_stands() -> None:
    turns = _parse("claude-code")
    assert merge_with_gateway(turns, []) is turns


def test_model_slug_is_safe_after_a_provider_prefix() -> None:
    assert model_slug("sim/qwen3.5-9b") == "sim-qwen3.5-9b"
    assert model_slug("scripted/harness codex") == "scripted-harness-codex"
    assert model_slug("///") == "model"


def test_placement_follows_each_harness(tmp_path: Path) -> None:
    from skillir.runtime.skill import load_skill_bundle

    bundle = load_skill_bundle(ROOT / "tests" / "data" / "harness_skills" / "hello-file")
    ws, home = tmp_path / "ws", tmp_path / "home"
    where = {h: get_driver(h).place_skill(bundle, ws, home).relative_to(tmp_path).as_posix()
             for h in EXPECTED}
    assert where == {"codex": "ws/.agents/skills/hello-file",
                     "claude-code": "ws/.claude/skills/hello-file",
                     "opencode": "ws/.opencode/skills/hello-file",
                     "hermes": "home/.hermes/skills/hello-file",  # HERMES_HOME only
                     "openclaw": "ws/skills/hello-file"}
    assert all(BODY_MARKER in (tmp_path / w / "SKILL.md").read_text() for w in where.values())


@pytest.mark.parametrize("harness", ["codex", "claude-code", "opencode", "openclaw"])
def test_placement_is_where_the_backend_writes_the_skill(harness: str, tmp_path: Path) -> None:
    """The driver puts the skill in the folder `skill-opt --target=H/M -o OUT` lays out
    (Hermes reads skills only from $HERMES_HOME/skills, so its driver moves them there)."""
    import json

    from skillir.tools.skill_opt import main as skill_opt

    skill = ROOT / "tests" / "data" / "harness_skills" / "hello-file"
    out = tmp_path / "out"
    assert skill_opt([str(skill), f"--target={harness}/qwen3.5-9b", "-o", str(out)]) == 0
    report = json.loads((out / "compile-report.json").read_text())
    driver = get_driver(harness)
    assert (driver.skill_dir(tmp_path, tmp_path / "home", "hello-file")
            == tmp_path / report["skill_dir"])


def test_what_stands_behind_the_gateway(tmp_path: Path) -> None:
    from skillir.runtime.gateway import RoleMappedProvider, ScriptedModel
    from skillir.runtime.harness_drivers.runner import gateway_provider
    from skillir.runtime.providers import get_provider

    scripted = ScriptedModel([{"text": "hi"}])
    assert gateway_provider(scripted, tmp_path) is scripted
    assert scripted.workspace == str(tmp_path)  # relative paths join the run's workspace
    sim = get_provider("sim/qwen3.5-9b")
    wrapped = gateway_provider(sim, tmp_path)
    assert isinstance(wrapped, RoleMappedProvider) and wrapped.inner is sim
    assert wrapped.simulated and wrapped.workspace == str(tmp_path)


def test_merge_matches_parallel_calls_that_finished_out_of_order() -> None:
    from skillir.runtime.harness_drivers.drivers import ToolRun

    # Codex ran four calls of one turn in parallel; the transcript lists them as they ended
    ran = [ToolRun("item_1", "shell", {"command": "/usr/bin/bash -lc 'cat -- b.txt'"}, "B"),
           ToolRun("item_2", "shell", {"command": "/usr/bin/bash -lc 'ls -la -- .'"}, "LS"),
           ToolRun("item_3", "shell", {"command": "/usr/bin/bash -lc 'cat -- c.txt'"}, "C"),
           ToolRun("item_4", "shell", {"command": "/usr/bin/bash -lc 'cat -- a.txt'"}, "A")]
    calls = [ToolCall(f"c{i}", "exec_command", {"cmd": cmd}) for i, cmd in
             enumerate(["ls -la -- .", "cat -- a.txt", "cat -- b.txt", "cat -- c.txt"])]
    merged = merge_with_gateway([Turn(tools=ran)], [_req("", *calls), _req("Done.")])
    assert [t.output for t in merged[0].tools] == ["LS", "A", "B", "C"]
    assert [t.id for t in merged[0].tools] == ["c0", "c1", "c2", "c3"]
