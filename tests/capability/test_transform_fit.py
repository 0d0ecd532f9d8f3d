"""Transforms that fit where they stand (issue 13; each case is a failure found by reviewing
40 transforms on public skills): whole commands, no offload of code with blanks to fill,
decomposition into actions only, guidance only for the work it is written for."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import StringAttr

from skillir.capability.checks import runnable
from skillir.capability.edits import split_actions
from skillir.capability.strategies import _command_with
from skillir.dialects.skill import StepOp
from skillir.profiles.catalog import catalog


def test_a_command_continued_with_backslashes_is_kept_whole():
    text = 'python3 scripts/unmix.py \\\n  "<repomix_file>" \\\n  "<output_dir>"\n'
    assert _command_with(text, "scripts/unmix.py", "skills/u/scripts/unmix.py") == \
        'python3 skills/u/scripts/unmix.py "<repomix_file>" "<output_dir>"'
    assert _command_with("./scripts/ls.sh aws   # one provider", "scripts/ls.sh",
                         "skills/t/scripts/ls.sh") == "skills/t/scripts/ls.sh aws"
    assert _command_with('grep "#x" scripts/a.sh', "scripts/a.sh", "skills/t/scripts/a.sh") == \
        'grep "#x" skills/t/scripts/a.sh'


@pytest.mark.parametrize("body, ok", [
    ("ls -la [target_directory]\ndu -sh [target_directory]/*\n", False),
    ("if [ -f out.txt ]; then grep -c '[a-z]' out.txt; fi\n", True),
])
def test_square_bracket_blanks_are_placeholders(body, ok):
    verdict = runnable(body, "shell")
    assert (verdict.reason is None) is ok, verdict.reason


@pytest.mark.parametrize("text, parts", [
    ("2. **Planning Phase**: Convert research into a specification. A 5M token codebase "
     "compresses to about 2,000 words.", 0),
    ("Run each deletion as a separate command. Report the result of each.", 2),
])
def test_decomposition_lists_only_actions(text, parts):
    step = StepOp.create(properties={"text": StringAttr(text)})
    assert len(split_actions(step)) == parts


def test_guidance_is_only_for_the_work_it_is_written_for():
    analysis = catalog().primitive("reason.analysis")
    assert analysis.guidance_fits("find the first error in the CI log")
    assert not analysis.guidance_fits("NIC > NNC in trust, always; ISM is a diagnostic")
    assert catalog().primitive("gen.text.prose").guidance_fits("anything at all")


def test_a_note_after_a_code_block_left_open_closes_it_first():
    """A block left open at the end of the file runs to the end; a note added after it
    must not land inside it: the fence is closed first and the code stays the same."""
    from xdsl.pattern_rewriter import PatternRewriter

    from skillir.capability.edits import add_note
    from skillir.dialects.skill import CodeOp, SkillOp, skill_markdown
    from skillir.frontend.skill_md import parse_markdown

    module = parse_markdown("---\nname: x\ndescription: y\n---\n\n# X\n\n```json\n{\"a\": 1}\n")
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    code = next(op for op in skill.walk() if isinstance(op, CodeOp))
    add_note(code, "Keep the object flat.", PatternRewriter(code))
    text = skill_markdown(skill)
    assert text.endswith('```json\n{"a": 1}\n```\n\nKeep the object flat.\n\n'), text
    again = parse_markdown(text)
    bodies = [op.body.data for op in again.walk() if isinstance(op, CodeOp)]
    assert bodies == ['{"a": 1}\n']
