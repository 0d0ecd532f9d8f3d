"""The harness feature table: six harnesses, every fact sourced, validated at load;
the verdicts extract-concurrency relies on."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from skillir import harnesses
from skillir.errors import SkillIRError
from skillir.harnesses import all_harnesses, harness_names, load_harness

SIX = ("bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes")


def test_six_harnesses_in_order():
    assert harness_names() == SIX
    assert all(h.display_name and h.kind and h.docs for h in all_harnesses())


def test_every_fact_has_a_source_and_confidence():
    for harness in all_harnesses():
        facts = [*harness.tools, harness.parallel_tool_calls, harness.subagents,
                 harness.skills.inject, harness.skills.discover, *harness.instruction_files]
        for fact in facts:
            assert fact.source.strip(), (harness.name, fact)
            assert fact.confidence in harnesses.CONFIDENCE_LEVELS
        assert harness.skills.frontmatter["source"]
        assert harness.env_setup["source"] and harness.env_setup["tool"] in harness.tool_names


@pytest.mark.parametrize(("name", "ilp", "tlp"), [
    ("bare-agent", True, False),
    ("claude-code", True, True),
    ("codex", False, True),
    ("opencode", True, True),
    ("openclaw", False, True),
    ("hermes", True, True),
])
def test_verdicts(name, ilp, tlp):
    harness = load_harness(name)
    assert harness.can_run("dlp").kept
    assert harness.can_run("ilp").kept is ilp
    assert harness.can_run("tlp").kept is tlp
    for kind in ("ilp", "tlp"):
        verdict = harness.can_run(kind)
        if verdict.kept:
            assert verdict.mechanism != "sequential_execution"
        else:
            assert verdict.mechanism == "sequential_execution" and verdict.reason and verdict.source


def test_config_features_say_what_to_set():
    opencode = load_harness("opencode")
    assert opencode.parallel_tool_calls.support == "config"
    assert opencode.parallel_tool_calls.config["set"]["experimental"]["batch_tool"] is True
    assert opencode.can_run("ilp").config is not None
    hermes = load_harness("hermes")
    assert hermes.subagents.support == "config" and hermes.subagents.tool == "delegate_task"
    assert hermes.subagents.max_parallel == 3


def test_tool_names_and_skill_places_from_issue_6():
    bare = load_harness("bare-agent")
    assert {bare.tool_for(r) for r in ("read", "write", "list", "exec")} == {
        "read_file", "write_file", "list_directory", "execute_command"}
    assert bare.skills.inject.target == "system prompt"
    claude = load_harness("claude-code")
    assert {"Read", "Write", "Edit", "Bash", "Glob", "Grep", "Task"} <= set(claude.tool_names)
    assert claude.tool_for("subagent") == "Task"
    assert ".claude/skills/<name>" in claude.skills.project_dirs
    codex = load_harness("codex")
    assert any(f.path == "AGENTS.md" for f in codex.instruction_files)
    assert codex.skills.project_dirs and codex.skills.user_dirs
    assert any(d.startswith(".opencode/skill") for d in load_harness("opencode").skills.project_dirs)
    openclaw = load_harness("openclaw")
    assert "<workspace>/skills/<name>" in openclaw.skills.project_dirs
    assert {"SOUL.md", "BOOTSTRAP.md", "USER.md", "IDENTITY.md", "HEARTBEAT.md", "TOOLS.md"} <= set(openclaw.bootstrap_files)
    assert any("hermes" in d for d in load_harness("hermes").skills.user_dirs)


def test_unknown_harness_is_a_clear_error():
    with pytest.raises(SkillIRError, match="unknown harness 'vim'.*bare-agent"):
        load_harness("vim")
    with pytest.raises(SkillIRError, match="unknown parallelism kind"):
        load_harness("codex").can_run("gpu")


def test_validation_rejects_an_unsourced_fact(monkeypatch):
    raw = json.loads(resources.files("skillir.data").joinpath("harnesses.json").read_text())
    del raw["harnesses"]["codex"]["subagents"]["source"]
    with pytest.raises(SkillIRError, match=r"codex.subagents: 'source'"):
        harnesses._harness("codex", raw["harnesses"]["codex"], frozenset(raw["tool_roles"]))
    raw = json.loads(resources.files("skillir.data").joinpath("harnesses.json").read_text())
    raw["harnesses"]["hermes"]["subagents"].pop("config")
    with pytest.raises(SkillIRError, match="needs a 'config' object"):
        harnesses._harness("hermes", raw["harnesses"]["hermes"], frozenset(raw["tool_roles"]))
    raw = json.loads(resources.files("skillir.data").joinpath("harnesses.json").read_text())
    raw["harnesses"]["claude-code"]["subagents"]["tool"] = "Spawn"
    with pytest.raises(SkillIRError, match="tool 'Spawn' is not in the harness's tool list"):
        harnesses._harness("claude-code", raw["harnesses"]["claude-code"], frozenset(raw["tool_roles"]))


def test_unknown_harness_option_fails_the_pipeline():
    from skillir.frontend.skill_md import parse_markdown
    from skillir.pipeline import PassManager

    module = parse_markdown("# x\n\n1. Run `ls`.\n")
    with pytest.raises(SkillIRError, match="unknown harness 'nope'"):
        PassManager.from_spec("extract-concurrency{harness=nope}").run(module)
