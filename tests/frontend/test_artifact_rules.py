"""Artifacts between steps, from how skills say it (issue 12): a numbered heading is a step
even when its paragraph states a rule; "Expected: ..." names what a step leaves; a code
comment `inputs -> outputs X` names what the code writes; a name with placeholders
(`page_NN.jpg`, `<stem>.md`) is produced for the concrete names a later step reads; a
"For each task:" lead-in introduces its list rather than being a step."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillir.dialects.skill import StepOp
from skillir.frontend.classify import block_file, code_file_roles, text_file_roles
from skillir.frontend.skill_md import load_skill


def _steps(tmp_path: Path, body: str) -> list[StepOp]:
    (tmp_path / "SKILL.md").write_text("---\nname: t\ndescription: t\n---\n" + body)
    return [op for op in load_skill(tmp_path).walk() if isinstance(op, StepOp)]


def _edges(tmp_path: Path) -> set[tuple[int, str, int]]:
    """(producer, file, reader) by step position, through sections' yields."""
    from skillir.concurrency.build import analyze
    from skillir.dialects.skill import SkillOp
    from skillir.harnesses import load_harness

    module = load_skill(tmp_path)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    steps = analyze(skill, load_harness("claude-code")).steps
    position = {s.index: i for i, s in enumerate(steps)}
    return {(position[frm], path, position[s.index]) for s in steps for frm, path in s.uses}


@pytest.mark.parametrize("sentence, role", [
    ("Expected: one `page_NN.jpg` per photo.", "write"),
    ("Output: `report.md` with one line per finding.", "write"),
    ("Read `report.md` and check it.", "read"),
    ("The expected format of `input.csv` is described below.", "read"),
])
def test_outcome_cues(sentence, role):
    assert [r for _, r in text_file_roles(sentence)] == [role]


def test_a_word_of_a_files_name_is_no_verb():
    """`SRS_Draft.md` names a file; its "Draft" does not make the next file written."""
    assert text_file_roles("Read `SRS_Draft.md` and `HLD.md` from the project folder.") == [
        ("SRS_Draft.md", "read"), ("HLD.md", "read")]
    assert text_file_roles("Draft `notes.md` from `a.md`.") == [("notes.md", "write"), ("a.md", "read")]


def test_a_comment_arrow_names_what_the_code_writes():
    roles = code_file_roles("tool -b ns page_03.jpg page_01.jpg\n"
                            "# inputs in page order -> outputs ns0000.png, ns0001.png\n", "bash")
    assert ("ns0000.png", "write") in roles and ("page_03.jpg", "read") in roles
    assert ("ns0000.png", "read") not in roles


def test_a_rule_led_numbered_heading_is_a_step_and_its_files_flow(tmp_path):
    steps = _steps(tmp_path, """## 1. Extract

Run the extractor. Expected: one `page_NN.jpg` per input page.

## 2. Translate (optional)

Only if the user asked for it. It produces `units.json`. **Do not** translate by hand.

## 3. Build

Build the page from the images and the overlay:

```bash
build page_01.jpg page_02.jpg --units units.json --out out.html
```
""")
    assert len(steps) == 3
    edges = _edges(tmp_path)
    assert (0, "page_NN.jpg", 2) in edges  # concrete names read, the placeholder name written
    assert (1, "units.json", 2) in edges


def test_a_colon_lead_in_introduces_its_list(tmp_path):
    steps = _steps(tmp_path, """## Step 2: Execute Tasks

For each task:
1. Mark it as in progress
2. Do it
""")
    assert [s.text.data.split()[0] for s in steps] == ["1.", "2."]


@pytest.mark.parametrize(("body", "edge"), [
    # a directory a step writes holds the files a later step reads
    ("## 1. Extract\n\nRun `extract.py in.pdf`. Writes `build/` with `pages/` (one PNG per page).\n\n"
     "## 2. Look\n\nRead `build/pages/*.png` before you build.\n", (0, "build/", 1)),
    # a file named by its extension alone is the latest file of that kind
    ("1. Build the page: `render.py --output site/index.html`.\n2. Check the links.\n"
     "3. Hand over the single `.html`.\n", (0, "site/index.html", 2)),
    # a blank of a kind (`<script.js>`) is the latest file of that kind; `$VAR/` paths count
    ("1. Write the test to `$TMP_DIR/check-*.js`.\n2. Keep the browser visible.\n"
     "3. Run it with `node run.js <script.js>`.\n", (0, "$TMP_DIR/check-*.js", 2)),
])
def test_back_references_by_directory_kind_and_blank(tmp_path, body, edge):
    _steps(tmp_path, body)
    assert edge in _edges(tmp_path)


def test_names_that_are_not_back_references(tmp_path):
    assert ("*.html", "read") in text_file_roles("Hand over the single `.html`.")
    assert not [r for r in text_file_roles("Use a .html extension for pages.") if r[0] == "*.html"]


@pytest.mark.parametrize(("code", "writes", "reads"), [
    ("python scripts/md_to_pdf.py <input.md> <output.pdf>", ["output.pdf"], []),
    ("python scripts/prep.py --uploads /app/up --output /app/work/lib", ["/app/work/lib/"], []),
    ("python scripts/curate.py --input /app/work/lib --output out.json", ["out.json"], ["/app/work/lib/"]),
    ("convert page.png page.jpg", ["page.jpg"], []),
    ("git add a.py b.md", [], ["a.py", "b.md"]),  # not a converter
    ("sort < input.txt > out.txt", ["out.txt"], ["input.txt"]),
])
def test_outputs_given_as_operands_and_directories(code, writes, reads):
    roles = code_file_roles(code, "bash")
    assert [p for p, r in roles if r == "write"] == writes
    assert all((p, "read") in roles for p in reads)


def test_the_generated_kind_refers_back():
    assert ("*.png", "read") in text_file_roles("After generation, display the generated PNG image.")
    assert ("*.xlsx", "read") in text_file_roles("Attach the final Excel workbook.")


def test_a_list_introduced_by_its_verb_takes_that_role():
    """"For a user plugin, create:" then bullets of paths: each path is written; a path
    with a blank folder (`<id>`) keeps its whole name."""
    roles = text_file_roles("3. For a user plugin, create:\n   - `~/.letta/channels/<id>/channel.json`\n"
                            "   - `~/.letta/channels/<id>/plugin.mjs`\n")
    assert roles == [("~/.letta/channels/<id>/channel.json", "write"), ("~/.letta/channels/<id>/plugin.mjs", "write")]
    assert text_file_roles("Read these first:\n- `a.md`\n- `b.md`\n") == [("a.md", "read"), ("b.md", "read")]
    after = text_file_roles("Create the folder:\n- `x/`\n\nThe notes live in `notes.md`.\n")
    assert ("notes.md", "read") in after


def test_a_concrete_name_in_a_written_folder_is_its_own_file(tmp_path):
    """"Create `out/`" then "Read `out/pages/*.png`" reads what the folder's writer put
    there; "Read `out/PROGRESS.md`", a file no step wrote, is not that folder's output."""
    _steps(tmp_path, "1. Create `out/` for the results.\n2. Read `out/pages/*.png` and check them.\n"
                     "3. Read `out/PROGRESS.md` and report.\n")
    assert _edges(tmp_path) == {(0, "out/", 1)}


def test_an_output_flag_that_names_a_format_writes_no_file():
    roles = code_file_roles("uip jobs logs --output json\ntool run --output report.json\n", "bash")
    assert ("report.json", "write") in roles
    assert not any(path.rstrip("/") == "json" for path, _ in roles)


@pytest.mark.parametrize(("body", "lang", "own"), [
    ("# config/grpo_math.yaml\nmodel: qwen\n", "yaml", "config/grpo_math.yaml"),
    ("// src/App.js\nexport const x = 1;\n", "jsx", "src/App.js"),
    ("<!-- File: index.html -->\n<p>hi</p>\n", "html", "index.html"),
    ("  # path: `scripts/run.sh`\necho hi\n", "bash", "scripts/run.sh"),
    ("# apps/main.py\nimport x\n", "python", "apps/main.py"),
    ("# Node.js\nnpm install\n", "bash", None),  # a section of a shell block, named after a runtime
    ("# config.yaml\nkubectl apply -f config.yaml\n", "bash", None),  # a program headed by a data file's name
    ("# Install the dependencies\npip install x\n", "bash", None),  # a comment, not a name
    ("# see README.md for the details\n", "bash", None),  # a name in a sentence
    ("x = 1\n# later.py\n", "python", None),  # not the first line
])
def test_a_block_headed_by_a_path_is_that_files_content(body, lang, own):
    assert block_file(body, lang) == own
    assert ((own, "write") in code_file_roles(body, lang)) == (own is not None)


def test_a_file_shown_as_a_block_flows_to_the_step_that_runs_it(tmp_path):
    _steps(tmp_path, """### Step 1: Create the configuration

```yaml
# config/train.yaml
model: qwen
```

### Step 2: Check the data

Look at a few rows.

### Step 3: Launch training

```bash
python -m apps.train --config config/train.yaml
```
""")
    assert (0, "config/train.yaml", 2) in _edges(tmp_path)


@pytest.mark.parametrize(("code", "writes"), [
    ("pytest --junitxml=results.xml", ["results.xml"]),
    ("pairtools split --nproc-in 8 --output-pairs sample.pairs.gz", ["sample.pairs.gz"]),
    ("rt.py --plan-out plan.md --plan-in old.md", ["plan.md"]),
    ("fastp -i r1.fq --json qc.json --html qc.html", ["qc.json", "qc.html"]),
    ("validate.sh --json README.md", []),  # a switch before its operand
    ("tool --output-format json --timeout 30 a.txt", []),  # a format, and no output flag
    ("gzip --stdout data.gz", []),  # gzip's switch; the operand is read
])
def test_a_flag_named_for_output_writes_its_file(code, writes):
    roles = code_file_roles(code, "bash")
    assert [p for p, r in roles if r == "write"] == writes


def test_a_flag_a_tool_may_read_names_the_file_an_earlier_step_made(tmp_path):
    """`--report F` writes F in the step that first names it, and reads it after."""
    _steps(tmp_path, "1. Analyse:\n\n   ```bash\n   python a.py --report analysis.json\n   ```\n\n"
                     "2. Fix:\n\n   ```bash\n   python fix.py --report analysis.json --output fixed.md\n   ```\n\n"
                     "3. Review `fixed.md`.\n")
    assert _edges(tmp_path) == {(0, "analysis.json", 1), (1, "fixed.md", 2)}


@pytest.mark.parametrize(("made", "used", "name"), [
    ("Download the dataset to `data.csv`.", "Load `data.csv` with pandas.", "data.csv"),
    ("Append each finding to `findings.md`.", "Sort `findings.md` by severity.", "findings.md"),
    ("Screenshot the page to `before.png`.", "Compare `before.png` with the design.", "before.png"),
])
def test_download_append_and_screenshot_write_the_file_they_name(tmp_path, made, used, name):
    _steps(tmp_path, f"1. Check the repository.\n2. {made}\n3. {used}\n")
    assert _edges(tmp_path) == {(1, name, 2)}


@pytest.mark.parametrize(("body", "edges"), [
    # a step that puts things in a file of a type without naming it; the next step names one
    ("1. Collect the failed URLs in a text file.\n2. Run the batch: `./run.sh batch failed_urls.txt`.\n",
     {(0, "failed_urls.txt", 1)}),
    ("1. Save the rows to a CSV file.\n2. Load `rows.csv` with `pandas.read_csv`.\n", {(0, "rows.csv", 1)}),
    # another type, a step between, or a first step that names its own file: no edge from it
    ("1. Collect the failed URLs in a text file.\n2. Run the batch: `./run.sh batch urls.json`.\n", set()),
    ("1. Collect the failed URLs in a text file.\n2. Wait for the queue.\n3. Run `./run.sh batch urls.txt`.\n",
     set()),
])
def test_a_file_made_by_its_type_is_the_one_the_next_step_names(tmp_path, body, edges):
    _steps(tmp_path, body)
    assert _edges(tmp_path) == edges


@pytest.mark.parametrize("text, paths", [
    ("Create a `.gitleaks.toml` file in the root.", [".gitleaks.toml"]),  # a dotfile's name with an extension
    ("Add the key to `~/.config/app/.env`.", ["~/.config/app/.env"]),  # a known dotfile of no extension
    ("Copy `.env.example` first.", []),  # not the `.env` of a longer name
    ("Write to `handoffs/out-${CID}.md`.", ["handoffs/out-${CID}.md"]),
    ("Save it as `survey_[DATE]_[AGENT].md`.", ["survey_[DATE]_[AGENT].md"]),  # blanks in brackets
    ("See [notes.md](notes.md).", ["notes.md", "notes.md"]),  # a link's brackets are no blank
    ("Keep `docs/<KEY>-plan.md`.", ["docs/<KEY>-plan.md"]),
    ("the `.html` and a .md file", []),  # an extension alone names no file
])
def test_paths_of_dotfiles_and_blanks(text, paths):
    from skillir.frontend.classify import path_matches
    assert [m.group(1) for m in path_matches(text)] == paths


@pytest.mark.parametrize("sentence, roles", [
    ("Update `package.json` with the new script.", [("package.json", "write")]),
    ("3. **Config**: Edit `x.yaml` to add the rule.", [("x.yaml", "write")]),
    ("5. Updates `workspace/state.json` proposals block", [("workspace/state.json", "write")]),
    # an edit verb writes only as the sentence's opening word: here "updates" is a noun
    ("CLAUDE.md updates go to `./CLAUDE.md`.", [("CLAUDE.md", "read"), ("./CLAUDE.md", "read")]),
    ("Copy `a.config.cjs` to the repo root as `.a.cjs`.", [("a.config.cjs", "read"), (".a.cjs", "write")]),
    ("Move `draft.md` into `final/report.md`.", [("draft.md", "read"), ("final/report.md", "write")]),
])
def test_edit_and_transfer_verbs(sentence, roles):
    assert text_file_roles(sentence) == roles


_PR = "2. Create the PR:\n   ```bash\n   gh pr create --body-file /tmp/pr-body.md\n   ```\n"


@pytest.mark.parametrize("body, edges", [
    # a path alone in a code block after prose that ends in a writing verb's colon is written
    ("1. Write the PR body to a temporary file:\n   ```\n   /tmp/pr-body.md\n   ```\n" + _PR,
     {(0, "/tmp/pr-body.md", 1)}),
    # after prose that writes nothing the same block names a file read
    ("1. Look at the example:\n   ```\n   /tmp/pr-body.md\n   ```\n" + _PR, set()),
    # after a step that writes `docs/<KEY>-plan.md`, a step that writes `docs/J-1-plan.md` (a
    # worked run) is that file's writer, and the next step reads it from there
    ("1. Write `docs/<KEY>-plan.md`.\n2. For ticket J-1, write `docs/J-1-plan.md`.\n"
     "3. Read `docs/J-1-plan.md` and check it.\n", {(1, "docs/J-1-plan.md", 2)}),
    # the step after a writer refers to its file by the words of its name
    ("1. Write `changed_python_files.txt` from the diff.\n"
     "2. Compute the impact from that changed Python file list.\n", {(0, "changed_python_files.txt", 1)}),
    ("1. Write `changed_python_files.txt` from the diff.\n2. Compute the impact of the release.\n", set()),
], ids=["path-block", "path-block-read", "concrete-after-pattern", "named-by-words", "no-reference"])
def test_flows_between_steps(tmp_path, body, edges):
    _steps(tmp_path, "# T\n\n" + body)
    assert _edges(tmp_path) == edges
