"""The pass manager: pipeline strings, verification and legality between passes,
print-IR hooks, timing."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass

from skillir import run_pipeline
from skillir.dialects.skill import TextOp
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.pipeline import (
    PassManager,
    normalize_spec,
    parse_pipeline,
    register_legality,
    stage_pipeline,
)


def test_normalize_spec_strips_mlir_wrapper_and_quotes_values():
    assert normalize_spec("builtin.module(a,b)") == "a,b"
    assert normalize_spec("bind-profile{target=bare-agent/qwen3.5-9b}") == 'bind-profile{target="bare-agent/qwen3.5-9b"}'
    assert normalize_spec("x{a=1 b=true c=v}") == "x{a=1 b=true c=v}"
    assert normalize_spec('x{t="already/quoted"}') == 'x{t="already/quoted"}'


def test_parse_pipeline_with_options():
    (canon,) = parse_pipeline("canonicalize-skill{whitespace=false}")
    assert canon.name == "canonicalize-skill" and canon.whitespace is False and canon.merge_constraints


def test_unknown_pass_is_a_clean_error():
    with pytest.raises(SkillIRError, match="unknown pass"):
        parse_pipeline("canonicalize-skill,nope")


def test_stage_pipeline_fills_target():
    assert "bind-profile{target=claude-code/opus-4.6}" in stage_pipeline("cap", "claude-code/opus-4.6")
    with pytest.raises(SkillIRError, match="unknown stage"):
        stage_pipeline("nope")


def test_run_pipeline_changes_only_what_it_means_to():
    module = parse_markdown("# T\n\nNEVER push.\n\nNever push!\n\nText.   \n")
    run_pipeline(module, "canonicalize-skill")
    from skillir import emit_markdown

    assert emit_markdown(module) == "# T\n\nNEVER push.\n\nText.\n"


@dataclass(frozen=True)
class BreakTextPass(ModulePass):
    """Empties every text op (produces invalid IR on purpose)."""

    name = "break-text"

    def apply(self, ctx, op: ModuleOp) -> None:
        for child in op.walk():
            if isinstance(child, TextOp):
                child.properties["text"] = StringAttr("")


def test_verification_after_each_pass_names_pass_and_source_line():
    module = parse_markdown("# T\n\nplain text\n", label="demo/SKILL.md")
    manager = PassManager(passes=(BreakTextPass(),))
    with pytest.raises(SkillIRError) as info:
        manager.run(module)
    text = str(info.value)
    assert "demo/SKILL.md:3" in text and "break-text" in text and "non-empty" in text


def test_no_verify_each_skips_verification():
    module = parse_markdown("# T\n\nplain text\n")
    PassManager(passes=(BreakTextPass(),), verify_each=False).run(module)


@dataclass(frozen=True)
class TouchNothingPass(ModulePass):
    """Leaves the IR as it is (valid), so only the legality hook can object."""

    name = "touch-nothing-for-test"

    def apply(self, ctx, op: ModuleOp) -> None:
        return None


def test_legality_hook_runs_after_its_pass():
    module = parse_markdown("# T\n\nplain\n")
    register_legality("touch-nothing-for-test", lambda m: ["first problem", "second problem"])
    with pytest.raises(SkillIRError, match=r"illegal IR: first problem \(and 1 more\)"):
        PassManager(passes=(TouchNothingPass(),)).run(module)
    PassManager(passes=(TouchNothingPass(),), verify_each=False).run(module)


def test_print_hooks_and_timing_go_to_the_stream():
    module = parse_markdown("# T\n\nNEVER x.\n")
    out = io.StringIO()
    PassManager(
        passes=parse_pipeline("canonicalize-skill,canonicalize-skill"),
        print_ir_before=frozenset({"canonicalize-skill"}),
        print_ir_after_all=True,
        timing=True,
        stream=out,
    ).run(module)
    text = out.getvalue()
    assert text.count("IR Dump Before canonicalize-skill") == 2
    assert text.count("IR Dump After canonicalize-skill") == 2
    assert "Execution time report" in text and "(verify)" in text and "Total" in text
