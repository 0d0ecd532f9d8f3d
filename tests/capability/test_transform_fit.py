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
    # an angle-bracket blank in any script, as the inference rules read it too
    ("grep -c ERROR <日志文件>\n", False),
    ("grep -c ERROR <logfile>\n", False),
])
def test_square_bracket_blanks_are_placeholders(body, ok):
    verdict = runnable(body, "shell")
    assert (verdict.reason is None) is ok, verdict.reason


@pytest.mark.parametrize("text, parts", [
    ("2. **Planning Phase**: Convert research into a specification. A 5M token codebase "
     "compresses to about 2,000 words.", 0),
    ("Run each deletion as a separate command. Report the result of each.", 2),
    # one action per line already: listing them again adds nothing
    ("Read `./references/css.md` for layout patterns.\nRead `./references/nav.md` for navigation.\n"
     "Read `./references/libs.md` for themes.", 0),
    # the last action is finished by the code block after it ("... status with:")
    ("Use `--no-wait` so the CLI returns at once. Then check on the deployment status with:", 0),
    ("Write a comprehensive report of the errors for the user, then show the commands:", 2),
    # a condition on the action before it is not a step of its own
    ("Ask which team to deploy to. If only one team exists, skip. Once selected, proceed immediately.", 0),
])
def test_decomposition_lists_only_actions(text, parts):
    step = StepOp.create(properties={"text": StringAttr(text)})
    assert len(split_actions(step)) == parts


def test_guidance_is_only_for_the_work_it_is_written_for():
    analysis = catalog().primitive("reason.analysis")
    assert analysis.guidance_fits("find the first error in the CI log")
    assert not analysis.guidance_fits("NIC > NNC in trust, always; ISM is a diagnostic")
    assert catalog().primitive("gen.text.prose").guidance_fits("anything at all")


@pytest.mark.parametrize("prim, level, text, starts", [
    # debugging gets the debugging sentence; a review or an assessment the general one
    ("reason.analysis", 3, "Debug the failing tests and find the root cause.", "Narrow the search first"),
    ("reason.analysis", 3, "Review the changes on this branch for bugs and security issues.", "Take one part"),
    ("reason.analysis", 3, "Find the other instances of a bug you have already found.", "Take one part"),
    # a step that asks for a comprehensive document is not told to keep it short
    ("gen.text.long", 2, "Always generate a comprehensive markdown report file.", None),
    ("gen.text.long", 2, "Write the release notes.", "Keep the output short"),
    ("gen.text.long", 3, "Always generate a comprehensive markdown report file.", "Write the document section"),
    # "a single GET" is no advice for a PATCH or a POST with a body
    ("tool.web", 2, "gh api -X PATCH repos/{owner}/{repo}/pulls/1 -F body=@/tmp/b.md", None),
    ("tool.web", 2, "curl -s -d @payload.json https://api.example.com/items", None),
    ("tool.web", 2, "curl -s 'https://api.example.com/items?since=2026-01-01&limit=5'", "Build the full request"),
    # nor for a CLI that talks to its service itself
    ("tool.web", 2, 'gh search repos "product keywords" --limit 30 --json fullName,url', None),
])
def test_the_sentence_that_fits_the_step(prim, level, text, starts):
    sentence = catalog().primitive(prim).guidance_for(level, text)
    assert (sentence is None) if starts is None else sentence.startswith(starts), sentence


@pytest.mark.parametrize("cls, text, fits", [
    ("text-processing", "git status --porcelain --ignored -- . | head", False),  # only shortens its input
    ("text-processing", "git log --oneline main | grep -iE '#[0-9]+' | head -30", True),
    ("long-document", "Produce the report.\n```bash\npython3 scripts/c.py --full-report --output report.md\n```\n",
     False),  # a command writes it, not the model
    ("long-document", "Write a ten-page design document for the new service.", True),
    ("web-page", "**Chrome/Puppeteer errors:** Verify all WSL2 dependencies are installed.", False),
    ("web-page", "Open https://example.com/pricing and read the plan names.", True),
])
def test_a_substitution_needs_a_source_of_its_class(cls, text, fits):
    from skillir.capability.checks import class_mismatch

    assert (class_mismatch(cls, text) is None) is fits


@pytest.mark.parametrize("line, called", [
    ("Run `python3 scripts/compare.py a.mp4 b.mp4`.", True),
    ("- **`scripts/find-tests.sh`** — Locate test infrastructure in a project", True),
    ("Compress the videos first, or adjust `MAX_FILE_SIZE_MB` in `scripts/compare.py`.", False),
    ("Full template script: See `scripts/compare.py`", False),
])
def test_a_script_path_note_only_for_a_script_the_step_runs(tmp_path, line, called):
    from skillir.capability.query import ops_of_type
    from skillir.dialects.cap import CompensatedOp, UnresolvedOp
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager

    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "compare.py").write_text("print(1)\n")
    (tmp_path / "scripts" / "find-tests.sh").write_text("echo 1\n")
    (tmp_path / "SKILL.md").write_text(
        f"---\nname: cmp\ndescription: Compare videos. Use when asked.\n---\n\n# Cmp\n\n{line}\n")
    module = load_skill(tmp_path)
    PassManager.from_spec("infer-capabilities,bind-profile{target=bare-agent/qwen3.5-9b},analyze-gaps,"
                          "compile-capabilities{strategies=skill-paths max-growth-percent=0}").run(module)
    notes = [op.added.data for op in ops_of_type(module, CompensatedOp) if op.prim.prim_id.data == "tool.exec"]
    assert bool(notes) is called, (notes, [op.diagnostic.data for op in ops_of_type(module, UnresolvedOp)])


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


def test_a_note_names_the_command_that_showed_the_demand(tmp_path):
    """The shell note names the sed pipeline that demands L3, not the first command of
    the block (`git branch --show-current`)."""
    from skillir.capability.query import ops_of_type
    from skillir.dialects.cap import CompensatedOp
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager

    (tmp_path / "SKILL.md").write_text(
        "---\nname: br\ndescription: Make a branch. Use when asked.\n---\n\n# Br\n\n"
        "1. Find the base branch:\n\n   ```bash\n   git branch --show-current\n"
        "   git symbolic-ref refs/remotes/origin/HEAD | sed 's|refs/remotes/origin/||' | tr -d '[:space:]'\n"
        "   ```\n2. Create the branch from it.\n")
    module = load_skill(tmp_path)
    PassManager.from_spec("infer-capabilities,bind-profile{target=bare-agent/qwen3.5-35b-a3b},analyze-gaps,"
                          "compile-capabilities{strategies=compensate max-growth-percent=0}").run(module)
    notes = [op.added.data for op in ops_of_type(module, CompensatedOp) if op.prim.prim_id.data == "gen.code.shell"]
    assert notes and notes[0].startswith("For `git symbolic-ref refs/remotes/origin/HEAD | sed"), notes


def test_a_note_on_the_whole_output_names_no_line_of_it(tmp_path):
    """Switching a long document to section-by-section writing is about the output as
    a whole: its note has no "For `...`:" subject (a line of the template is not what
    it is about)."""
    from skillir.capability.query import ops_of_type
    from skillir.dialects.cap import SubstitutedOp
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager

    sections = "".join(f"   ## {name}\n   - {name} item: X\n\n" for name in
                       ("Summary", "Claims", "Evidence", "Verdicts", "Sources", "Next steps"))
    (tmp_path / "SKILL.md").write_text(
        "---\nname: rep\ndescription: Report on claims. Use when asked.\n---\n\n# Rep\n\n"
        f"1. Check each claim against its source.\n2. Write the report in this form:\n\n   ```markdown\n{sections}   ```\n")
    module = load_skill(tmp_path)
    PassManager.from_spec("infer-capabilities,bind-profile{target=bare-agent/qwen3.5-35b-a3b},analyze-gaps,"
                          "compile-capabilities{max-growth-percent=0}").run(module)
    notes = [op.added.data for op in ops_of_type(module, SubstitutedOp) if op.prim.prim_id.data == "gen.text.long"]
    assert notes and not any(n.startswith("For `") for n in notes), notes
