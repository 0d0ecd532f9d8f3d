"""What the frontend makes of markdown: sections, steps, constraints, code, refs,
artifacts and their SSA def-use, locations."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import FileLineColLoc, StringAttr

from skillir import emit_markdown, load_skill
from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    ExampleOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    YieldOp,
)
from skillir.frontend.skill_md import parse_markdown


def ops_of(module, cls):
    return [op for op in module.walk() if isinstance(op, cls)]


def test_sections_follow_heading_levels():
    module = parse_markdown("# A\n\ntext\n\n### C\n\nx\n\n## B\n\ny\n\n# D\n")
    skill = next(iter(module.ops))
    assert isinstance(skill, SkillOp)
    top = [op for op in skill.body.block.ops if isinstance(op, SectionOp)]
    assert [s.title.data for s in top] == ["A", "D"]
    nested = [op.title.data for op in top[0].body.block.ops if isinstance(op, SectionOp)]
    assert nested == ["C", "B"]


def test_steps_constraints_examples_and_code():
    text = (
        "# Do it\n\n"
        "1. Run the tests.\n2. Write `report.md` with the results.\n\n"
        "NEVER push to main.\n\n"
        "For example, `make test` runs them all.\n\n"
        "```python\nprint('hi')\n```\n"
    )
    module = parse_markdown(text)
    steps = ops_of(module, StepOp)
    assert [s.ordinal.value.data for s in steps] == [1, 2]
    assert [c.kind.data for c in ops_of(module, ConstraintOp)] == ["never"]
    assert len(ops_of(module, ExampleOp)) == 1
    (code,) = ops_of(module, CodeOp)
    assert code.lang.data == "python" and code.body.data == "print('hi')\n"
    assert emit_markdown(module) == text


def test_a_numbered_item_is_a_constraint_by_its_own_words_not_its_nested_bullets():
    """A binding keyword in a bullet under a numbered item ("- **CRITICAL**: ...") is a
    rule of that step, not what the item is: "2. Create an HTML file for each slide"
    stays a step; "1. NEVER skip the review" is a constraint by its own words."""
    text = ("# Build\n\n1. NEVER skip the review.\n"
            "2. Create an HTML file for each slide\n   - Use `<p>` for text\n"
            "   - **CRITICAL**: rasterize gradients first\n"
            "3. Convert the slides and save the deck.\n")
    module = parse_markdown(text)
    assert [s.ordinal.value.data for s in ops_of(module, StepOp)] == [2, 3]
    assert [c.kind.data for c in ops_of(module, ConstraintOp)] == ["never"]
    assert emit_markdown(module) == text


def test_an_indented_block_that_opens_like_a_fence_is_text_of_no_language():
    """CommonMark 4.4: after a blank line, lines indented four spaces are an indented
    code block even when the first reads "```bash" (markup nested under an HTML
    block, as XML-structured skills write it), so the block has no language and its
    prose is never read as a bash script; it prints back byte for byte."""
    text = ("<steps>\n  <step>\n    Run, verbatim:\n\n        ```bash\n        git status\n        ```\n"
            "      </step>\n    <rule>If `gh auth status` fails, stop with the `AUTH` envelope.</rule>\n</steps>\n")
    module = parse_markdown(text)
    (code,) = ops_of(module, CodeOp)
    assert code.lang.data == "" and not code.is_runnable
    assert "AUTH` envelope" in code.body.data
    assert emit_markdown(module) == text
    fenced = parse_markdown("1. Run:\n\n    ```bash\n    git status\n    ```\n")
    (inner,) = ops_of(fenced, CodeOp)
    assert inner.lang.data == "bash" and inner.body.data == "git status\n"


def test_descriptive_lists_stay_prose():
    module = parse_markdown("## Why\n\n- Test failures\n- Build failures\n- Slow builds\n")
    assert not ops_of(module, StepOp)
    assert len(ops_of(module, TextOp)) == 1


def test_code_after_a_colon_step_nests_in_the_step():
    module = parse_markdown("Run the linter:\n\n```bash\nruff check .\n```\n")
    (step,) = ops_of(module, StepOp)
    (code,) = step.nested_ops
    assert isinstance(code, CodeOp) and code.is_runnable


def test_example_code_is_not_runnable():
    module = parse_markdown("## Example output\n\n```bash\n$ ls\na b\n```\n")
    (code,) = ops_of(module, CodeOp)
    assert not code.is_runnable


def test_artifacts_link_writer_to_reader_across_sections():
    text = (
        "## Collect\n\n1. Save the raw numbers to `data.csv`.\n\n"
        "## Report\n\n1. Read `data.csv` and write `summary.md`.\n2. Send `summary.md` to the user.\n"
    )
    module = parse_markdown(text)
    writer, reader, sender = ops_of(module, StepOp)
    assert [r.type.path.data for r in writer.outputs] == ["data.csv"]
    # the reader's operand is the Collect section's result, which yields the writer's
    (operand,) = reader.inputs
    section = operand.owner
    assert isinstance(section, SectionOp)
    (yield_op,) = [op for op in section.body.block.ops if isinstance(op, YieldOp)]
    assert yield_op.values[0].owner is writer
    assert sender.inputs[0].owner is reader
    assert emit_markdown(module) == text


def test_locations_point_into_skill_md(tmp_path):
    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "SKILL.md").write_text("---\nname: demo\ndescription: d\n---\n\n# T\n\n1. Run it.\n")
    module = load_skill(folder)
    (step,) = ops_of(module, StepOp)
    assert isinstance(step.location, FileLineColLoc)
    assert step.location.line.data == 8
    assert step.location.filename.data.endswith("SKILL.md")


def test_bundled_files_become_refs(tmp_path):
    folder = tmp_path / "tool"
    (folder / "scripts").mkdir(parents=True)
    (folder / "references").mkdir()
    (folder / "SKILL.md").write_text("---\nname: tool\ndescription: d\n---\nRun `scripts/go.py`.\n")
    (folder / "scripts" / "go.py").write_text("print(1)\n")
    (folder / "references" / "api.md").write_text("# API\n")
    (folder / "logo.png").write_bytes(b"\x89PNG\x00\x01")
    module = load_skill(folder)
    refs = {r.path.data: (r.kind.data, r.mentioned is not None, r.bytes.value.data) for r in ops_of(module, RefOp)}
    assert refs == {
        "logo.png": ("asset", False, 6),
        "references/api.md": ("reference", False, 6),
        "scripts/go.py": ("script", True, 9),
    }


def test_crlf_and_non_ascii_round_trip():
    text = "---\r\nname: x\r\ndescription: café — ok\r\n---\r\n\r\n# Ünïcode 🎉\r\n\r\n1. Écris `out.md`.\r\n"
    module = parse_markdown(text)
    assert emit_markdown(module) == text
    skill = next(iter(module.ops))
    assert skill.metadata.data["description"].data == "café — ok"


def test_artifact_names_print_as_ir_that_parses_back_the_same():
    """An artifact's SSA name comes from its file's stem: a stem in another script
    (`UAT受入試験.xlsx`) or one ending in numbers (`minutes_2026-04-30.md`, which xdsl
    would shorten by one `_NN` group each time it parses it) still prints as IR that
    parses back to the same text, custom and generic."""
    from skillir.ir import parse_module, print_module

    text = ("1. Save the cases to `UAT受入試験.xlsx`.\n2. Save the notes at `./minutes_2026-04-30.md`.\n"
            "3. Read `UAT受入試験.xlsx` and `./minutes_2026-04-30.md`, then report.\n")
    module = parse_markdown(text)
    custom = print_module(module)
    reparsed = parse_module(custom)
    assert print_module(reparsed) == custom
    assert print_module(parse_module(print_module(module, generic=True))) == custom
    assert emit_markdown(reparsed) == text
    reader = ops_of(reparsed, StepOp)[2]
    assert sorted(v.type.path.data for v in reader.inputs) == ["./minutes_2026-04-30.md", "UAT受入試験.xlsx"]
    assert "%minutes =" in custom and "%UAT =" in custom


def test_release_notes_commands_make_artifacts():
    """Issue 12's example: inline commands redirect into a file a later step reads."""
    text = (
        "# Release notes\n\n"
        "1. Find the last tag with `git describe --tags --abbrev=0`.\n"
        "2. List the commits since it: `git log <tag>..HEAD --pretty=%s > commits.txt`\n"
        "3. Read `commits.txt` and group the subjects by type.\n"
        "4. Write the notes.\n"
    )
    module = parse_markdown(text)
    steps = ops_of(module, StepOp)
    assert len(steps) == 4
    assert [r.type.path.data for r in steps[1].outputs] == ["commits.txt"]
    assert [v.owner for v in steps[2].inputs] == [steps[1]]
    assert emit_markdown(module) == text


@pytest.mark.parametrize(("follow", "reads"), [
    ("Verify the output.", True),
    ("Deliver the PDF to the user.", True),
    ("Check the generated file for missing pages.", True),
    ("Send the chart to the team.", False),  # no chart was written: the PDF is no chart
    ("Tell the user you are done.", False),
    ("Validate stage 1 -> PASS", True),  # a checking verb and no file named: what step 1 wrote
    ("**Verify and deliver**", True),
    ("Validate `schema.json` against the spec.", False),  # a file of its own
])
def test_a_step_that_names_the_previous_steps_product_reads_it(follow, reads):
    """"Verify the output" right after a step that wrote `report.pdf` reads that file;
    a product of another kind, or none, reads nothing."""
    text = ("# Convert\n\n1. Convert it:\n\n   ```bash\n   python scripts/convert.py <input.md> -o report.pdf\n   ```\n\n"
            f"2. {follow}\n")
    module = parse_markdown(text)
    first, second = ops_of(module, StepOp)
    assert [r.type.path.data for r in first.outputs] == ["report.pdf"]
    assert [v.owner for v in second.inputs] == ([first] if reads else [])
    assert emit_markdown(module) == text


def test_numbered_heading_is_a_step_and_owns_its_code():
    text = (
        "# Build\n\n## Step 1: Extract\n\n```bash\npython x.py input.pdf --out pages.json\n```\n\n"
        "Writes the page list.\n\n## Step 2: Render\n\nRender every page listed in `pages.json`.\n\n"
        "```bash\ntool render pages.json -o out.html | tee log.txt\n```\n\n## Notes\n\nPlain prose.\n"
    )
    module = parse_markdown(text)
    first, second = ops_of(module, StepOp)
    assert first.text.data.startswith("Writes the page list")
    assert [r.type.path.data for r in first.outputs] == ["pages.json"]
    assert sorted(r.type.path.data for r in second.outputs) == ["log.txt", "out.html"]
    (operand,) = second.inputs  # the Step 1 section yields what its step wrote
    (yield_op,) = [op for op in operand.owner.body.block.ops if isinstance(op, YieldOp)]
    assert yield_op.values[0].owner is first
    assert isinstance(next(iter(second.nested_ops)), CodeOp)
    assert emit_markdown(module) == text


def test_a_step_heading_over_code_alone_is_a_step_without_text():
    text = (
        "# Release notes\n\n### Step 1: Collect the commits\n\n"
        "```bash\ngit log --pretty=%s > commits.txt\n```\n\n"
        "### Step 2: Group them\n\n```bash\nsort commits.txt | uniq > grouped.txt\n```\n\n"
        "### 3. Use short lines\n\n```bash\nfold -w 72 grouped.txt\n```\n\n"
        "### Step 4: Write the notes\n\nRead `grouped.txt` and write `NOTES.md`.\n"
    )
    module = parse_markdown(text)
    collect, group, write = ops_of(module, StepOp)  # advice numbered "3." stays a code example
    assert collect.text.data == group.text.data == ""
    assert [type(op) for op in collect.nested_ops] == [CodeOp]
    assert [r.type.path.data for r in collect.outputs] == ["commits.txt"]
    assert [v.type.path.data for v in group.inputs] == ["commits.txt"]
    assert [v.type.path.data for v in write.inputs] == ["grouped.txt"]
    assert emit_markdown(module) == text  # the heading is printed once, by its section
    module.verify()


def test_a_step_without_text_or_code_does_not_verify():
    from xdsl.utils.exceptions import VerifyException

    step = StepOp.create(properties={"text": StringAttr("")})
    with pytest.raises(VerifyException, match="non-empty source text, or the code it stands for"):
        step.verify_()


def test_a_checking_bullet_reads_nothing_by_its_verb_alone():
    """In a bullet list the items may be independent checks: "- Check the dashboards"
    after "- Collect the logs ... > api.log" names no file and reads none."""
    text = ("# T\n\n- Collect the logs with `kubectl logs deploy/api > api.log`.\n"
            "- Check the dashboards for error spikes.\n")
    steps = ops_of(parse_markdown(text), StepOp)
    assert [r.type.path.data for r in steps[0].outputs] == ["api.log"]
    assert list(steps[1].inputs) == []
