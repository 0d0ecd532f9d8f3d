"""Verification after each stage (skill-opt's default) versus after each pass
(--verify-each): where the module is verified, and that legality still runs per pass."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass

from skillir.dialects.skill import TextOp
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.pipeline import PassManager, register_legality, stage_ends, stage_passes
from skillir.target import Target


@dataclass(frozen=True)
class BreakThenFix(ModulePass):
    """Empties every text op (invalid IR) or puts the text back (valid again)."""

    name = "break-then-fix-for-test"
    fix: bool = False

    def apply(self, ctx, op: ModuleOp) -> None:
        for child in op.walk():
            if isinstance(child, TextOp):
                child.properties["text"] = StringAttr("plain text\n" if self.fix else "")


def test_stage_ends_are_the_last_pass_of_each_level():
    passes = stage_passes("harness", Target.parse("codex/gpt-5.4"), probe=False)
    names = [p.name for p in passes]
    ends = sorted(stage_ends(passes))
    last_of_each = [stage_passes(s, probe=False)[-1].name for s in ("cap", "env", "conc", "harness")]
    assert [names[i] for i in ends] == last_of_each
    assert names[ends[0]] == "compile-capabilities" and names[-1] == "lower-to-harness"
    assert stage_ends(()) == frozenset()
    # an optional pass inside a stage (conform-frontmatter, in the harness stage) ends none
    conformed = stage_passes("harness", Target.parse("codex/gpt-5.4"), probe=False, conform_frontmatter=True)
    assert [conformed[i].name for i in sorted(stage_ends(conformed))] == last_of_each


def test_only_verify_points_are_verified_without_verify_each():
    passes = (BreakThenFix(), BreakThenFix(fix=True))
    # broken after pass 1, fixed by pass 2: verifying only at the end passes
    PassManager(passes=passes, verify_each=False, verify_points=frozenset({1})).run(
        parse_markdown("# T\n\nplain text\n"))
    with pytest.raises(SkillIRError, match=r"break-then-fix-for-test \(pass 1\)"):
        PassManager(passes=passes, verify_each=False, verify_points=frozenset({0, 1})).run(
            parse_markdown("# T\n\nplain text\n"))
    with pytest.raises(SkillIRError, match="pass 1"):
        PassManager(passes=passes).run(parse_markdown("# T\n\nplain text\n"))  # verify_each


def test_legality_runs_after_every_pass_when_any_verification_is_on():
    calls: list[int] = []
    register_legality("break-then-fix-for-test", lambda m: calls.append(1) or [])
    PassManager(passes=(BreakThenFix(fix=True), BreakThenFix(fix=True)), verify_each=False,
                verify_points=frozenset({1})).run(parse_markdown("# T\n\nplain text\n"))
    assert len(calls) == 2
    PassManager(passes=(BreakThenFix(fix=True),), verify_each=False).run(parse_markdown("# T\n\nx\n"))
    assert len(calls) == 2  # no verification at all: no legality either


def test_legality_each_checks_without_verifying():
    calls: list[int] = []
    register_legality("break-then-fix-for-test", lambda m: calls.append(1) or [])
    # the module is left invalid (nothing verifies it) but each legality check runs
    PassManager(passes=(BreakThenFix(), BreakThenFix()), verify_each=False, legality_each=True).run(
        parse_markdown("# T\n\nplain text\n"))
    assert len(calls) == 2
