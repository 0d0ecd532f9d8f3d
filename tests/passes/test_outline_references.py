"""outline-references over the corpus: every byte stays reachable (inline round trip),
steps, constraints, front matter and runnable code (but for reference entries') never
move, a second run moves nothing, the emitted folder still validates; plus the op's
verifier, bad options and the rules on hand-written skills."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from xdsl.dialects.builtin import IntegerAttr, StringAttr, i64

from corpus_paths import corpus_id, corpus_skill_dirs
from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    FrontmatterOp,
    OutlinedOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    ref_kind,
    skill_markdown,
)
from skillir.emit.outlined import inline_markdown, outlined_files, outlined_ops
from skillir.emit.validate import validate_skill_folder
from skillir.errors import SkillIRError
from skillir.frontend.blocks import segment
from skillir.frontend.skill_md import load_skill
from skillir.ir import make_context, parse_module, print_module, verify_module
from skillir.passes.outline_references import (
    OutlineReferencesPass,
    _may_hold_flag_list,
    is_flag_list,
    is_reference_title,
)

DIRS = corpus_skill_dirs()
SKILL_OPT = str(Path(sys.executable).with_name("skill-opt"))


def _outline(path: Path, **options):
    module = load_skill(path)
    skill = module.body.block.first_op
    assert isinstance(skill, SkillOp)
    before = skill_markdown(skill)
    OutlineReferencesPass(**options).apply(make_context(), module)
    module.verify()
    return module, skill, before


def _kept(skill: SkillOp) -> list[tuple[str, str]]:
    """Steps, constraints, runnable code (but for reference entries') and front matter
    outside outlined material."""
    out = []
    for op in skill.walk():
        if any(isinstance(a, OutlinedOp) for a in _ancestors(op)):
            continue
        if isinstance(op, StepOp | ConstraintOp | FrontmatterOp):
            out.append((op.name, op.text.data))
        elif isinstance(op, CodeOp) and (isinstance(op.parent_op(), StepOp)
                                         or op.is_runnable and not _in_reference_entry(op)):
            out.append((op.name, op.source_text()))
    return out


def _ancestors(op):
    parent = op.parent_op()
    while parent is not None:
        yield parent
        parent = parent.parent_op()


@pytest.fixture(scope="module")
def outlined_corpus(corpus):
    rows = []
    for path in DIRS:
        original = load_skill(path).body.block.first_op
        module, skill, before = _outline(path)
        rows.append((path, original, module, skill, before))
    return rows


def test_every_byte_stays_reachable(outlined_corpus):
    moved_skills = 0
    for path, _original, _module, skill, before in outlined_corpus:
        assert inline_markdown(skill) == before, corpus_id(path)
        files = outlined_files(skill)
        ops = outlined_ops(skill)
        assert len(files) == len(ops), corpus_id(path)
        after = skill_markdown(skill)
        for op in ops:
            assert files[op.path.data] == op.content() and op.content()
            assert op.content() not in after and op.text.data in after
            assert op.text.data.count("\n") <= 2 and op.text.data.rstrip("\n").count("\n") == 0
        moved_skills += bool(ops)
        assert len(after) <= len(before), corpus_id(path)
    assert len(outlined_corpus) == len(DIRS) > 100
    assert moved_skills >= 30, f"only {moved_skills} corpus skills got a reference file"


def test_steps_constraints_runnable_code_and_front_matter_never_move(outlined_corpus):
    checked = entries = 0
    for path, original, _module, skill, _before in outlined_corpus:
        assert _kept(skill) == _kept(original), corpus_id(path)
        for op in outlined_ops(skill):
            for inner in op.body.walk():
                assert not isinstance(inner, StepOp | ConstraintOp | FrontmatterOp), corpus_id(path)
                if isinstance(inner, CodeOp) and inner.is_runnable:
                    assert _in_reference_entry(inner), corpus_id(path)
                    entries += 1
                checked += 1
    assert checked > 50
    assert entries > 0  # code that could be run moved, and only with an entry of a reference section


def _in_reference_entry(code: CodeOp) -> bool:
    """Is `code` inside a subsection of a section titled as reference material
    (not the skill's first level-1 heading)?"""
    sections = [a for a in _ancestors(code) if isinstance(a, SectionOp)]
    skill = next(a for a in _ancestors(code) if isinstance(a, SkillOp))
    first = next((o for o in skill.body.block.ops if isinstance(o, SectionOp) and o.level.value.data == 1), None)
    return any(is_reference_title(outer.title.data) and not (outer is first and outer.level.value.data == 1)
               for outer in sections[1:])


def test_bundled_files_stay_named_in_skill_md(outlined_corpus):
    from skillir.passes.outline_references import bundled_names

    for path, original, _module, skill, before in outlined_corpus:
        after = skill_markdown(skill)
        for name in bundled_names(original):
            assert (name in after) == (name in before), (corpus_id(path), name)


def test_a_second_run_moves_nothing(outlined_corpus):
    runs = 0
    for path, _original, module, skill, _before in outlined_corpus:
        if not outlined_ops(skill):
            continue
        first = print_module(module)
        OutlineReferencesPass().apply(make_context(), module)
        assert print_module(module) == first, corpus_id(path)
        runs += 1
    assert runs >= 30


def test_outlined_ir_round_trips_custom_and_generic(outlined_corpus):
    done = 0
    for _path, _original, module, skill, _before in outlined_corpus:
        if len(outlined_ops(skill)) < 2:
            continue
        text = print_module(module)
        assert print_module(parse_module(text)) == text
        assert print_module(parse_module(print_module(module, generic=True))) == text
        done += 1
    assert done >= 5


def test_emitted_folder_still_validates(outlined_corpus, tmp_path):
    checked = 0
    for path, _original, _module, skill, _before in outlined_corpus:
        if not outlined_ops(skill) or validate_skill_folder(path):
            continue  # nothing moved, or skills-ref rejects the input already
        folder = tmp_path / str(checked) / path.name
        shutil.copytree(path, folder)
        (folder / "SKILL.md").write_text(skill_markdown(skill), encoding="utf-8")
        for rel, content in outlined_files(skill).items():
            assert not (folder / rel).exists()
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(content, encoding="utf-8")
        assert validate_skill_folder(folder) == [], corpus_id(path)
        checked += 1
    assert checked >= 20


def test_harness_emission_writes_the_reference_files(tmp_path):
    skill = next((p for p in DIRS if p.name == "statistical-analysis"), None)
    if skill is None:
        pytest.skip("the corpus skill statistical-analysis is not here")
    out = tmp_path / "out"
    pipeline = ("infer-capabilities,bind-profile{target=bare-agent/qwen3.5-9b},analyze-gaps,compile-capabilities,"
                "outline-references,bind-env{probe=false},extract-concurrency{harness=bare-agent},"
                "lower-to-harness{harness=bare-agent}")
    result = subprocess.run([SKILL_OPT, str(skill), "-p", pipeline, "-t", "bare-agent", "-o", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    folder = next(out.rglob("SKILL.md")).parent
    ir = subprocess.run([SKILL_OPT, str(skill), "-p", pipeline], capture_output=True, text=True, timeout=300)
    assert ir.returncode == 0, ir.stderr
    files = outlined_files(parse_module(ir.stdout).body.block.first_op)
    assert files
    for rel, content in files.items():
        assert (folder / rel).read_text(encoding="utf-8") == content
    assert "See [references/" in (folder / "SKILL.md").read_text(encoding="utf-8")
    assert validate_skill_folder(folder) == []


def test_line_target_leaves_short_skills_alone():
    big = next((p for p in DIRS if p.name == "claude-api"), None)
    if big is None:
        pytest.skip("the corpus skill claude-api is not here")
    _module, skill, before = _outline(big, target_lines=100_000)
    assert not outlined_ops(skill) and skill_markdown(skill) == before
    _module, skill, before = _outline(big, target_lines=400)
    lines = skill_markdown(skill).count("\n")
    assert outlined_ops(skill) and lines < before.count("\n")
    _module, every, _ = _outline(big)
    assert len(outlined_ops(skill)) <= len(outlined_ops(every))


# ---------------------------------------------------------------------------
# the op and the options

_IR = """builtin.module {{
  skill.skill @s attributes {{metadata = {{name = "s"}}, source = "s/SKILL.md"}} {{
    skill.outlined "{path}" "{pointer}" {{
      {inner}
    }}
  }}
}}"""


def _parse(path="references/a.md", pointer="See [references/a.md](references/a.md).\\n\\n",
           inner='skill.text "| a | b |\\n"'):
    module = parse_module(_IR.format(path=path, pointer=pointer, inner=inner))
    verify_module(module)
    return module


def test_outlined_op_verifies_its_file_pointer_and_content():
    module = _parse()
    op = outlined_ops(module.body.block.first_op)[0]
    assert op.content() == "| a | b |\n"
    assert skill_markdown(module.body.block.first_op) == "See [references/a.md](references/a.md).\n\n"
    bad = [
        ({"path": "scripts/a.md"}, "references/<name>.md"),
        ({"path": "references/../x.md"}, "references/<name>.md"),
        ({"path": "references/a.txt"}, "references/<name>.md"),
        ({"pointer": "one\\ntwo\\n"}, "one non-empty line"),
        ({"inner": 'skill.step "1. Run it.\\n" {ordinal = 1 : i64}'}, "'skill.step' stays in SKILL.md"),
        ({"inner": 'skill.constraint never "NEVER x.\\n"'}, "'skill.constraint' stays"),
        ({"inner": 'skill.code "bash" "ls\\n" {runnable}'}, "'skill.code' meant to be run stays"),
    ]
    for change, message in bad:
        with pytest.raises(SkillIRError, match=message):
            _parse(**change)


def test_outlined_op_needs_a_skill_around_it():
    text = '''builtin.module {
  skill.outlined "references/a.md" "See it.\\n" {
    skill.text "x\\n"
  }
}'''
    with pytest.raises(SkillIRError, match="skill.skill"):
        verify_module(parse_module(text))


def test_two_files_with_one_path_or_a_bundled_path_are_errors():
    module = _parse()
    skill = module.body.block.first_op
    op = outlined_ops(skill)[0]
    twin = op.clone()
    twin.body.block.first_op.properties["text"] = StringAttr("other\n")
    skill.body.block.add_op(twin)
    with pytest.raises(SkillIRError, match="two skill.outlined ops write 'references/a.md'"):
        outlined_files(skill)
    twin.detach()
    twin.erase()
    skill.body.block.add_op(RefOp.create(properties={
        "path": StringAttr("references/A.md"), "kind": ref_kind("reference"), "bytes": IntegerAttr(3, i64)}))
    with pytest.raises(SkillIRError, match="would overwrite a bundled file"):
        outlined_files(skill)


@pytest.mark.parametrize("options", [{"min_tokens": 0}, {"target_lines": -1}])
def test_bad_options_are_one_line_errors(options):
    module = _parse()
    with pytest.raises(SkillIRError) as info:
        OutlineReferencesPass(**options).apply(make_context(), module)
    assert "\n" not in str(info.value) and "outline-references" in str(info.value)


def test_bad_option_on_the_command_line_exits_2(tmp_path):
    ir = tmp_path / "in.mlir"
    ir.write_text(print_module(_parse()))
    result = subprocess.run([SKILL_OPT, str(ir), "-p", "outline-references{min-tokens=0}"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "min-tokens" in result.stderr


def test_prose_split_keeps_text_around_a_moved_table():
    table = "| Option | Default |\n|---|---|\n" + "".join(f"| `--opt{i}` | {i} |\n" for i in range(30)) + "\n"
    text = "Options:\n\n" + table + "Done.\n"
    module = parse_module(_IR.format(path="references/x.md", pointer="x\\n", inner='skill.text "y\\n"'))
    skill = module.body.block.first_op
    for op in list(skill.body.block.ops):
        op.detach()
        op.erase()
    skill.body.block.add_op(TextOp.create(properties={"text": StringAttr(text)}))
    OutlineReferencesPass().apply(make_context(), module)
    module.verify()
    kinds = [op.name for op in skill.body.block.ops]
    assert kinds == ["skill.text", "skill.outlined", "skill.text"]
    assert outlined_files(skill) == {"references/reference.md": table}
    assert inline_markdown(skill) == text


@pytest.mark.parametrize(("title", "reference"), [
    ("Version Compatibility", True),
    ("Related Skills", True),
    ("Background", True),
    ("Changelog", True),
    ("Links", True),
    ("Step 2: Check compatibility", False),  # a step
    ("Related files you MUST update", False),  # binding words
    ("Workflow", False),
])
def test_reference_section_titles(title, reference):
    """Sections that only point elsewhere or give context (compatibility tables,
    related skills, background, history, links) are reference material; a step or a
    heading with binding words never is."""
    assert is_reference_title(title) is reference


def _skill_from(tmp_path: Path, body: str, files: dict[str, str] | None = None) -> SkillOp:
    folder = tmp_path / "s"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: s\ndescription: Query the tool.\n---\n\n" + body)
    for rel, content in (files or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(content)
    module = load_skill(folder)
    OutlineReferencesPass(min_tokens=20).apply(make_context(), module)
    module.verify()
    return module.body.block.first_op


_USAGE = ("This call gets every record of the table, one JSON object per line, "
          "sorted by the key:\n\n```bash\ntool query --table records --format jsonl --sort key\n```\n\n")


def test_runnable_code_moves_with_an_entry_of_a_reference_section(tmp_path):
    skill = _skill_from(tmp_path, "# Tool\n\n## API Reference\n\n### query\n\n" + _USAGE)
    assert [op.path.data for op in outlined_ops(skill)] == ["references/api-reference.md"]
    assert "tool query" not in skill_markdown(skill) and "tool query" in inline_markdown(skill)


def test_runnable_code_directly_under_a_reference_title_stays(tmp_path):
    skill = _skill_from(tmp_path, "# Tool\n\n## API Reference\n\n" + _USAGE)
    assert "tool query" in skill_markdown(skill)
    assert outlined_ops(skill)  # the prose before it moves


@pytest.mark.parametrize("title", ["Quick Start Guide", "Installation"])
def test_the_way_in_never_moves(tmp_path, title):
    """A title naming the way in is no reference section, and as an entry of one it stays."""
    skill = _skill_from(tmp_path, f"# Tool\n\n## {title}\n\n### query\n\n" + _USAGE)
    assert not outlined_ops(skill)
    skill = _skill_from(tmp_path / "2", f"# Tool\n\n## API Reference\n\n### {title}\n\n#### pip\n\n" + _USAGE)
    assert not outlined_ops(skill)


def test_the_skill_title_makes_no_reference_section(tmp_path):
    """'# Tool API Guide' opening the skill names it; its sections are not reference
    material, but a later level-1 heading names a part."""
    skill = _skill_from(tmp_path, "# Tool API Guide\n\n## Usage\n\n" + _USAGE.replace("```bash", "```text"))
    assert not outlined_ops(skill)
    skill = _skill_from(tmp_path / "2", "# Tool API Guide\n\n# Appendix\n\n"
                        + _USAGE.replace("```bash", "```text"))
    assert outlined_ops(skill)


def test_a_run_holding_the_last_mention_of_a_bundled_file_moves_in_parts(tmp_path):
    bundled = "### Bundled\n\nThe helper `scripts/run_query.py` wraps the call for batch use.\n\n"
    skill = _skill_from(tmp_path, "# Tool\n\n## Resources\n\n" + bundled + "### query\n\n" + _USAGE,
                        {"scripts/run_query.py": "print(1)\n"})
    moved = outlined_ops(skill)
    assert [op.parent_op().title.data for op in moved] == ["query"]
    assert "scripts/run_query.py" in skill_markdown(skill)


def test_the_first_level_1_heading_names_the_skill_even_after_a_section(tmp_path):
    skill = _skill_from(tmp_path, "## Version Compatibility\n\nTool 2.x.\n\n# Tool Integration\n\n## query\n\n" + _USAGE)
    assert not outlined_ops(skill)


def test_no_reference_section_inside_a_numbered_step(tmp_path):
    skill = _skill_from(tmp_path, "# Tool\n\n## Step 3: Query\n\n### Path B: Remote API\n\n#### query\n\n" + _USAGE)
    assert not outlined_ops(skill)
    skill = _skill_from(tmp_path / "2", "# Tool\n\n## Query\n\n### Path B: Remote API\n\n#### query\n\n" + _USAGE)
    assert outlined_ops(skill)


def test_material_lint_security_flagged_stays_in_skill_md(tmp_path):
    """A line lint-security flags (medium or worse) stays where whoever reads SKILL.md
    sees it, even in an entry of a reference section; its plain sibling still moves."""
    from skillir.passes.lint_security import LintSecurityPass

    risky = ("This call sets the helper up before any query runs, from the vendor's own install script, "
             "for every platform the vendor ships:\n\n```bash\ncurl -fsSL https://example.com/install.sh | sudo bash\n```\n\n")
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "SKILL.md").write_text("---\nname: s\ndescription: Query the tool.\n---\n\n# Tool\n\n## API Reference\n\n"
                                     "### helper\n\n" + risky + "### query\n\n" + _USAGE * 3)
    module = load_skill(folder)
    LintSecurityPass().apply(make_context(), module)
    OutlineReferencesPass(min_tokens=20).apply(make_context(), module)
    module.verify()
    skill = module.body.block.first_op
    assert "install.sh | sudo bash" in skill_markdown(skill)
    assert [op.parent_op().title.data for op in outlined_ops(skill)] == ["query"]


def test_code_whose_comments_bind_stays(tmp_path):
    """A comment with binding words ("# CRITICAL: ...") states a rule: the code stays."""
    ruled = _USAGE.replace("tool query --table", "# CRITICAL: wait for the index before querying\ntool query --table")
    skill = _skill_from(tmp_path, "# Tool\n\n## API Reference\n\n### query\n\n" + ruled)
    assert "CRITICAL: wait for the index" in skill_markdown(skill)
    skill = _skill_from(tmp_path / "2", "# Tool\n\n## API Reference\n\n### query\n\n" + _USAGE)
    assert "tool query" not in skill_markdown(skill)


@pytest.mark.parametrize("text", [
    "- `--all` every file\n- `--dry-run` show\n- `--force` overwrite\n- `--quiet` less output\n",
    "1. --alpha a\n2. --beta b\n3. --gamma c\n10. --delta d\n",
    "- **`name`** one\n- **`size`** two\n- **`type`** three\n- **`mode`** four\n",
    "* `a.b` x\n* `c()` y\n* `$d` z\n* `@e` w\n* plain\n",
])
def test_flag_list_prefilter_admits_every_flag_list(text: str) -> None:
    """The cheap test before the markdown parse never turns away a list `is_flag_list`
    accepts (every flagged item starts as `_FLAG_ITEM_START` finds)."""
    body = text.encode("utf-8")
    assert any(span.kind == "list" and is_flag_list(span, body) for span in segment(body, from_start=True))
    assert _may_hold_flag_list(text)


def test_flag_list_prefilter_turns_away_prose() -> None:
    assert not _may_hold_flag_list("A well-known tool - see `docs` for the 2-3 options it takes.\n")


def test_warning_test_is_the_warning_regex_on_corpus_text():
    """`_has_warning` skips the regex on ASCII text without a warning word: the same
    answer as `_WARNING.search` on every text and title of the corpus, and on words
    IGNORECASE folds from outside ASCII."""
    from skillir.passes.outline_references import _WARNING, _has_warning
    from skillir.xdsl_compat.walk import walk_ops

    texts = ["Red Flags", "red flag", "STOPPING", "stop.", "ſtop here", "WARNING: x", "⚠ careful",
             "nothing to see", "the danger zone", "unstoppable", "Caution-tape", ""]
    for skill_dir in corpus_skill_dirs():
        for op in walk_ops(load_skill(skill_dir)):
            for key in ("text", "title"):
                value = op.properties.get(key)
                if isinstance(value, StringAttr):
                    texts.append(value.data)
    found = 0
    for text in texts:
        expected = _WARNING.search(text) is not None
        assert _has_warning(text) == expected, text
        found += expected
    assert found > 20
