"""Rule-based requirement inference: unit checks of the rules, determinism, and
precision/recall against hand labels of corpus skills (tests/data/capability_labels.json).

`python tests/capability/test_cap_inference.py` prints the full report (per category, per skill)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import CORPUS

from skillir.capability import rules
from skillir.capability.inference import infer_skill
from skillir.dialects.skill import ConstraintOp, SkillOp
from skillir.frontend.skill_md import load_skill, parse_markdown

LABELS = Path(__file__).resolve().parents[1] / "data" / "capability_labels.json"


def _skill(text: str) -> SkillOp:
    return next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))


def inferred_levels(skill: SkillOp) -> dict[str, int]:
    out: dict[str, int] = {}
    for req in infer_skill(skill):
        out[req.prim] = max(out.get(req.prim, 0), req.level)
    return out


# -- rules -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "body", "prim", "level"), [
    ("python", "import json\nprint(json.dumps({}))\n", "gen.code.python", 2),
    ("python", "import pandas as pd\n", "gen.code.python", 3),
    ("python", "x = 1\nprint(x)\n", "gen.code.python", 1),
    ("python", "df.groupby('a').sum()\n", "gen.code.python", 3),
    ("bash", "ls -la\n", "gen.code.shell", 1),
    ("bash", "grep -c x <logfile>\n", "gen.code.shell", 1),  # a placeholder, not a redirection
    ("bash", "grep -c x <日志文件>\n", "gen.code.shell", 1),  # in any script
    ("bash", "sort < data.txt\n", "gen.code.shell", 2),
    ("bash", "cat a.txt | sort\n", "gen.code.shell", 2),
    ("bash", "awk '{print $1}' a.txt\n", "gen.code.shell", 3),
    ("bash", "grep \"a|b\" f.txt\n", "gen.code.shell", 1),
    ("bash", 'BASE="${BASE:-$HOME/work}"\nmkdir -p "$BASE"\n', "gen.code.shell", 2),  # a default
    ("bash", "timeout 5 osascript -e 'x'\nif [ $? -eq 124 ]; then echo late; fi\n", "gen.code.shell", 2),
    ("bash", "social-cli check || exit 0\nsocial-cli dispatch\n", "gen.code.shell", 2),
    ("bash", 'mkdir -p "$BASE"\ngit -C "$BASE" status\n', "gen.code.shell", 1),
    ("bash", "cd build && make\n", "tool.exec", 3),
    ("bash", "sudo apt update && sudo apt install ffmpeg\n", "tool.exec", 1),  # setup only: nothing fed on
    ("bash", "sudo apt update && ffmpeg -i a.mp4 b.gif\n", "tool.exec", 3),
    ("bash", "python scripts/run.py --all\n", "tool.exec", 2),
    ("bash", "samtools sort -n -o namesort.bam input.bam\nsamtools fixmate -m namesort.bam fix.bam\n", "tool.exec", 3),
    ("bash", "datasets download genome --filename refs.zip\nunzip -q refs.zip -d refs/\n", "tool.exec", 3),
    ("bash", "markitdown a.pdf -o out.md\nmarkitdown b.pdf -o out.md\n", "tool.exec", 2),
    ("bash", "curl 'https://api.x.com/v1/items?page=2'\n", "tool.web", 3),
    ("bash", "gh search repos \"pdf tools\" --limit 30 --json fullName\n", "tool.web", 2),
    ("bash", "gh api repos/owner/repo/pulls\n", "tool.web", 2),
    ("bash", "gh pr view 12 --json url\n", "tool.web", None),
    ("bash", "USER=$(curl -sf https://api.github.com/user | jq -r .login)\n", "tool.web", 1),
    ("bash", "/usr/bin/env bash <<'EOF'\nid=$(curl -s 'https://x.io/items?page=2')\nEOF\n", "tool.web", 3),
    ("sql", "SELECT a FROM t WHERE b = 1;", "gen.code.sql", 1),
    ("sql", "SELECT d, COUNT(*) FROM e JOIN d ON e.d = d.id GROUP BY d;", "gen.code.sql", 2),
    ("sql", "WITH x AS (SELECT 1) SELECT * FROM x;", "gen.code.sql", 3),
    ("html", "<table><tr><td>1</td></tr></table>", "gen.code.html", 2),
    ("javascript", "const r = await fetch(u);\n", "gen.code.javascript", 3),
    ("", "total = price * qty\n", "reason.arithmetic", 1),
    ("", "CAGR = ((end / start)^(1/n) - 1) * 100\n", "reason.arithmetic", 3),
    ("python", "import re\nre.search(r'(?<=a)b', s)\n", "gen.regex", 3),
    ("python", "from playwright.sync_api import sync_playwright\npage.click('#go')\n", "tool.browser", 2),
])
def test_code_rules(lang, body, prim, level):
    found = {f.prim: f.level for f in rules.analyze_code(lang, body)}
    assert found.get(prim) == level, found


@pytest.mark.parametrize(("text", "prim", "level"), [
    ("Read `config.json` before you start.", "tool.file.read", 1),
    ("Read: methodology.md", "tool.file.read", 1),
    ("After generation, use the Read tool to display the image.", "tool.file.read", 1),
    ("Locate the relevant files (use Glob/Grep) and note their paths.", "tool.file.read", 2),
    ("Open both uploaded documents and cite the passages.", "tool.file.read", 2),
    ("Report one row per claim: the sentence, the command, its output, the verdict.", "follow.format", 2),
    ("Web-search the place's coordinates, then add them to the payload.", "tool.web", 1),
    ("Query the GitHub API requests for each repository.", "tool.web", 1),
    ("Load workflows/configuration.md, a five-phase guide.", "tool.file.read", 1),
    ("Consult references/setup.md for installation.", "tool.file.read", 1),
    ("Edit(file_path=\"docs/a.md\", old_string=..., new_string=...)", "tool.call.format", 2),
    ("Call `update_issue(issueId=<id>, status='ignored')` for each.", "tool.call.format", 2),
    ("validate_node({nodeType: 'slack', config: {channel: '#x'}})", "tool.call.format", 3),
    ("Use the Task tool with:\n- subagent_type: 'solver'\n- prompt: the task", "tool.call.format", 2),
    ("Read each changed file individually.", "tool.file.read", 2),
    ("Spot check: read a few key files to verify the content.", "tool.file.read", 2),
    ("Read every `seg-*.png` and check the fonts.", "tool.file.read", 2),
    ("Write the post based on the guidelines in references/writing-guidelines.md.", "tool.file.read", 1),
    ("If the error matches, follow the guide in `triton-index-out-of-bounds.md`.", "tool.file.read", 1),
    ("Determine the WACC range from [sector-wacc.md](sector-wacc.md).", "tool.file.read", 1),
    ("Write the summary to `report.md`.", "tool.file.write", 1),
    ("Create LESSONS.md files that capture what failed.", "tool.file.write", 2),  # a whole document
    ("Update plan.md right after each task.", "tool.file.write", 1),
    ("Record the results in `assets/risk_register.md`.", "tool.file.write", 1),
    ("Save screenshots to `output/<test-name>/` with sortable names: 03-toast.png.", "tool.file.write", 1),
    ("Run scripts/create.py to start.", "tool.file.write", None),
    ("See README.md for the details.", "tool.file.write", None),
    ("Run `gh pr view --json url`.", "tool.exec", 2),
    ("Cite `path/to/file.ts:123` for each change.", "tool.exec", None),
    ("See `src/app.ts` for the types.", "tool.exec", None),
    ("Execute `tools/gen.py` once.", "tool.exec", 2),
    ("The bundled `scripts/mc.py` draws the samples.", "tool.exec", 2),
    ("Calculate the total cost of each order.", "reason.arithmetic", 1),
    ("Find the root cause of the failure.", "reason.analysis", 3),
    ("Distinguish a genuine conflict from version history.", "reason.analysis", 2),
    ("Judge whether the signal is real or an artifact.", "reason.analysis", 2),
    ("Assess source credibility before citing it.", "reason.analysis", 2),
    ("Do not assess the risks yourself.", "reason.analysis", None),
    ("Create a plan before touching code.", "reason.planning", 2),
    ("Prioritize groups by the number of affected tests.", "reason.planning", 2),
    ("Launch multiple subagents with different approaches.", "reason.planning", 2),
    ("Decompose the request into scenarios.", "reason.planning", 2),
    ("Work this escalation ladder in order.", "reason.planning", 3),
    ("Read the large log files in chunks of 200 lines.", "tool.file.read", 3),
    ("Open the huge files one at a time.", "tool.file.read", 3),
    ("Dispatch all three subagents in parallel in the same response.", "tool.call.batch", 2),
    ("Return the result as JSON.", "gen.text.structured", 1),
    ("Use the template below; follow it exactly.", "follow.format", 3),
    ("Match the brand voice and tone.", "follow.style", 2),
    ("Do not calculate by hand; prefer code.", "follow.delegation", 2),
    ("Search the web for the latest release.", "tool.web", 1),
    ("Fetch the latest guidelines from the source URL below.", "tool.web", 1),
    ("Use WebFetch to retrieve the latest rules.", "tool.web", 1),
    ("Verify each claim online before you cite it.", "tool.web", 1),
    ("Fetch the rows from the local cache.", "tool.web", None),
])
def test_prose_rules(text, prim, level):
    found = {f.prim: f.level for f in rules.analyze_prose(text)}
    assert found.get(prim) == level, found


def test_negated_mentions_are_not_demands():
    assert "tool.file.write" not in {f.prim for f in rules.analyze_prose("Do not write or update files.")}


def test_an_english_word_that_names_a_package_is_not_python():
    found = {f.prim for f in rules.analyze_prose("Always use AbortController for in-flight requests.")}
    assert "gen.code.python" not in found
    for text in ("Use `requests.get` with a timeout.", "Use the requests library for HTTP.", "Then import pandas."):
        assert {f.prim: f.level for f in rules.analyze_prose(text)}.get("gen.code.python") == 3, text


@pytest.mark.parametrize(("text", "prim"), [
    # a feature list or a reference that says "long-form" writes nothing
    ("- ✅ Handles X Articles (long-form content)", "gen.text.prose"),
    ("Read `./references/nav.md` for multi-section pages with sticky navigation.", "gen.text.prose"),
    # "0/10 pages" is a fraction of pages processed, not a 10-page document
    ("Single-pass runs recovered 1/3, 4/5, and 0/10 pages; per-image runs recovered all.", "gen.text.long"),
    # preferring a quality, or a tool that starts its own workers, plans nothing
    ("Prioritize readability over cleverness.", "reason.planning"),
    ("The dispatcher starts its workers when the queue fills.", "reason.planning"),
    # a tool's speed on large files, or advice to the code, is not the model reading them
    ("jg is 3-7x faster than jq on large files.", "tool.file.read"),
    ("**Stream large files**: Use ijson or similar for 100MB+ files", "tool.file.read"),
    # a shell assignment is not a formula
    ("`export GH_TOKEN=$(~/.claude/tools/bin/gh-token-for-repo)`", "reason.arithmetic"),
])
def test_what_describes_or_assigns_demands_nothing(text, prim):
    assert prim not in {f.prim for f in rules.analyze_prose(text)}, text


@pytest.mark.parametrize(("text", "prim", "level"), [
    ("Write a long-form article about the release.", "gen.text.prose", 3),
    ("Write a report of at least 12 pages on the market.", "gen.text.long", 3),
    ("Margin = price - cost", "reason.arithmetic", 1),
])
def test_what_the_model_writes_or_computes_still_demands(text, prim, level):
    assert {f.prim: f.level for f in rules.analyze_prose(text)}.get(prim) == level, text


@pytest.mark.parametrize(("table", "rows"), [
    ("| Situation | Action |\n|---|---|\n| Linked, git remote | Push |\n| Linked, no remote | `vercel deploy` |\n"
     "| Not linked | Link, then deploy |\n", 3),
    ("| Issue | Cause | Solution |\n|---|---|---|\n| Column mismatch | Extra column | Truncate rows |\n", 1),
    # a reference table: no condition column, or nothing to do
    ("| Option | Type | Description |\n|---|---|---|\n| `--all` | flag | every file |\n", 0),
    ("| Quality | Good | Bad |\n|---|---|---|\n| Minimal | One thing | Three things |\n", 0),
])
def test_decision_tables_are_choices(table, rows):
    assert len(rules.decision_rows(table)) == rows


def test_naming_an_api_is_not_using_the_web():
    for text in ("Store the API key in the gateway.", "No API calls or business logic inside components."):
        assert "tool.web" not in {f.prim for f in rules.analyze_prose(text)}, text


def test_ordinary_calls_are_not_tool_calls():
    assert rules.tool_call_findings("os.path_join(a=1, b=2) and Python(3.11)") == []
    assert rules.tool_call_findings("result = fetch_rows(limit=5, offset=10)", names="harness") == []
    assert rules.tool_call_findings("Write(file_path='a.md', content=text)", names="harness")[0].level == 2
    assert rules.tool_call_findings("use the Read tool to open it: it is fast") == []


def test_a_structured_block_is_a_sample_at_its_size():
    assert [(f.prim, f.level) for f in rules.analyze_code("yaml", "name: x\nversion: 1\n")] == [
        ("gen.text.structured", 1)]
    nested = "resource \"aws_instance\" \"web\" {\n  tags = { Name = \"x\" }\n}\n"
    assert [(f.prim, f.level) for f in rules.analyze_code("hcl", nested)] == [("gen.text.structured", 2)]
    assert rules.analyze_code("json", "  \n") == []


def test_a_pointer_to_a_reference_is_not_a_read():
    """"See references/design.md" and a markdown link into the references are
    pointers; the devset's labellers split on them (fresh2 marks them L1, fresh and
    fresh4 do not), so they are not reads here."""
    for text in ("See references/design.md for details.", "Providers → [Providers](references/02-providers.md)"):
        assert "tool.file.read" not in {f.prim for f in rules.analyze_prose(text)}, text


def test_procedure_and_constraints():
    text = ("---\nname: x\n---\n\n# X\n\nNEVER push to main. ALWAYS run the tests. Even if they are slow.\n\n"
            "1. Read `plan.md`.\n2. For each task, implement it.\n3. Verify the tests pass.\n")
    levels = inferred_levels(_skill(text))
    assert levels["follow.procedure"] == 3
    assert levels["follow.constraint"] == 3


def test_rules_inside_a_step_bind_too():
    """A step that absorbs the paragraphs after it (its body) states rules there
    ("Never create AGENTS.md when ..."); they are binding rules like any other, and
    "Do NOT" binds like "Do not" and "DO NOT"."""
    text = ("# X\n\n## 1. Write\n\n**Pick the file to edit:**\n\n- If `CLAUDE.md` exists, edit it.\n\n"
            "Never create `AGENTS.md` when `CLAUDE.md` exists.\n\nDo NOT overwrite user edits.\n\n"
            "## 2. Check\n\nRead the file back.\n\n## 3. Done\n\nTell the user.\n")
    skill = _skill(text)
    assert inferred_levels(skill)["follow.constraint"] == 2
    kinds = [op.kind.data for op in skill.walk() if isinstance(op, ConstraintOp)]
    assert kinds == ["never", "do-not"]


def test_a_summary_given_back_is_not_prose_writing():
    """"Provide a summary to the user" reports back; the labellers of all nine sets
    do not count it as writing prose (1 of 8 such matches was labelled)."""
    assert "gen.text.prose" not in inferred_levels(_skill("# X\n\nAfter saving, provide a brief summary to the user.\n"))
    assert "gen.text.prose" in inferred_levels(_skill("# X\n\nDraft a short email to the customer.\n"))


def test_persona_and_register_only_in_their_style_senses():
    styled = inferred_levels(_skill("# X\n\nWrite in the persona's voice and keep the same register as the source.\n"))
    assert styled["follow.style"] == 2
    for text in ("Register every test case file in `project.json`.\n",
                 "Check whether persona testing already surfaced pain points.\n"):
        assert "follow.style" not in inferred_levels(_skill("# X\n\n" + text)), text


def test_a_demanded_section_is_a_format_demand():
    """"Include a "suggested skills" section in the document": the output must have
    that part (labelled follow.format in all 5 devset skills that say so)."""
    levels = inferred_levels(_skill('# X\n\nWrite a handoff document. Include a "suggested skills" section.\n'))
    assert levels["follow.format"] == 1
    assert "follow.format" not in inferred_levels(_skill("# X\n\nRead the section on installs.\n"))


def test_tips_are_not_a_procedure():
    text = "# X\n\n## Tips\n\n1. Use small files.\n2. Check the units.\n3. Keep notes.\n"
    assert "follow.procedure" not in inferred_levels(_skill(text))


def test_numbered_descriptions_are_not_a_procedure():
    described = ("# X\n\n## What it does\n\n1. **Scans history**: Analyzes commits.\n"
                 "2. **Groups changes**: Sorts them by kind.\n3. **Formats**: Creates entries.\n")
    assert "follow.procedure" not in inferred_levels(_skill(described))
    told = "# X\n\n## Usage\n\n1. Scan the history.\n2. Group the changes.\n3. Write the entries.\n"
    assert inferred_levels(_skill(told))["follow.procedure"] == 1


def test_choices_between_actions_demand_logic():
    text = "# X\n\nIf the file is small, use openpyxl.\n\n- PDF → pymupdf\n"  # two choices
    assert inferred_levels(_skill(text))["reason.logic"] == 1
    many = text + "\nWhen it has macros, fall back to zipfile. If it fails, retry once. Otherwise report the error.\n"
    assert inferred_levels(_skill(many))["reason.logic"] == 2
    # a pipeline of arrows is a sequence, not a choice; one 'if' is not enough
    plain = "# X\n\nThe flow is extract → build → verify.\n\nIf asked, use the default.\n"
    assert "reason.logic" not in inferred_levels(_skill(plain))
    ascii_arrows = "# X\n\nPick the renderer:\n\n- Flowchart -> Mermaid\n- Anything else -> prose\n"
    assert inferred_levels(_skill(ascii_arrows))["reason.logic"] == 1


@pytest.mark.parametrize(("command", "level"), [
    ("python scripts/extract_tables.py <document.pdf> --out-dir out", 1),
    ("uv run scripts/validate.py <output.json>", 1),
    ("cat <file name>", 1),
    ("sort <in.txt >out.txt", 2),
    ("adr generate toc > docs/adr/README.md", 2),
])
def test_a_blank_with_a_file_extension_is_no_redirection(command, level):
    assert rules.shell_level(command)[0] == level


@pytest.mark.parametrize(("body", "shell"), [
    ('pip install "qrcode[pil]"\n', False),
    ("npm install\ncd app\n", False),
    ("uv pip install requests pydantic\n", False),
    ("pip install duckdb && duckdb -c 'select 1'\n", True),
    ("pip install -r requirements.txt > log.txt\n", True),
])
def test_installing_packages_is_setup_not_shell_writing(body, shell):
    found = {f.prim for f in rules.analyze_code("bash", body)}
    assert ("gen.code.shell" in found) is shell, found
    assert "tool.exec" in found


def test_running_bundled_scripts_is_not_writing_shell():
    text = ("# X\n\n```bash\nuv run --with pyyaml python scripts/fetch.py URL out/\nnode scripts/server.mjs\n"
            "uv run --with pytest pytest scripts/test_convert.py -v\n```\n")
    levels = inferred_levels(_skill(text))
    assert "gen.code.shell" not in levels and levels["tool.exec"] == 2
    written = "# X\n\n```bash\npython scripts/fetch.py URL | jq .items > items.json\n```\n"
    assert inferred_levels(_skill(written))["gen.code.shell"] == 2


# -- corpus ------------------------------------------------------------------------


def load_labels() -> dict[str, dict[str, int]]:
    return json.loads(LABELS.read_text())["skills"]


def evaluate() -> dict:
    """Presence and level agreement of the inference with the hand labels."""
    labels = load_labels()
    per_cat: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_skill = {}
    for rel, want in labels.items():
        skill = next(op for op in load_skill(CORPUS / rel).ops if isinstance(op, SkillOp))
        got = inferred_levels(skill)
        per_skill[rel] = (want, got)
        for prim in set(want) | set(got):
            cat = per_cat[prim.split(".", 1)[0]]
            if prim in want and prim in got:
                cat["tp"] += 1
                cat["level_exact"] += want[prim] == got[prim]
                cat["level_within_1"] += abs(want[prim] - got[prim]) <= 1
            elif prim in got:
                cat["fp"] += 1
            else:
                cat["fn"] += 1
    total = defaultdict(int)
    for cat in per_cat.values():
        for k, v in cat.items():
            total[k] += v
    per_cat["all"] = total
    report = {}
    for name, c in per_cat.items():
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        report[name] = {
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / (tp + fn) if tp + fn else 1.0,
            "level_exact": c["level_exact"] / tp if tp else 1.0,
            "level_within_1": c["level_within_1"] / tp if tp else 1.0,
            "tp": tp, "fp": fp, "fn": fn,
        }
    return {"categories": report, "skills": per_skill}


@pytest.fixture(scope="module")
def evaluation(corpus):
    return evaluate()


def test_labels_cover_at_least_20_skills(corpus):
    labels = load_labels()
    assert len(labels) >= 20
    for rel in labels:
        assert (CORPUS / rel / "SKILL.md").is_file(), rel


def test_precision_and_recall_against_hand_labels(evaluation):
    overall = evaluation["categories"]["all"]
    assert overall["precision"] >= 0.8, overall
    assert overall["recall"] >= 0.8, overall
    assert overall["level_within_1"] >= 0.9, overall


def test_inference_is_deterministic(corpus):
    from skillir import print_ir, run_pipeline

    path = CORPUS / "anthropics-skills" / "skills" / "webapp-testing"
    a = print_ir(run_pipeline(load_skill(path), "infer-capabilities"))
    b = print_ir(run_pipeline(load_skill(path), "infer-capabilities"))
    assert a == b


if __name__ == "__main__":  # the report for humans
    result = evaluate()
    print(f"{'category':10s} {'precision':>9s} {'recall':>7s} {'level=':>7s} {'level±1':>8s}   tp  fp  fn")
    for name in ("gen", "reason", "tool", "follow", "all"):
        r = result["categories"][name]
        print(f"{name:10s} {r['precision']:9.3f} {r['recall']:7.3f} {r['level_exact']:7.3f} "
              f"{r['level_within_1']:8.3f} {r['tp']:4d} {r['fp']:3d} {r['fn']:3d}")
    print()
    for rel, (want, got) in result["skills"].items():
        extra = sorted(set(got) - set(want))
        missed = sorted(set(want) - set(got))
        levels = sorted(f"{p} {want[p]}->{got[p]}" for p in set(want) & set(got) if want[p] != got[p])
        print(f"{rel.rsplit('/', 1)[-1]:32s} extra {extra} missed {missed} level {levels}")


def test_a_markdown_skeleton_announced_before_it_is_a_format_to_follow():
    text = ("---\nname: x\ndescription: y\n---\n\n# X\n\nWrite the report in this format:\n\n"
            "```markdown\n# Report for [Project Name]\n## Findings\n- <finding>\n```\n")
    assert inferred_levels(_skill(text)).get("follow.format") == 2
    shown = text.replace("in this format:", "and keep it short.")  # not announced: an example
    assert "follow.format" not in inferred_levels(_skill(shown))
    assert not rules.is_document_template("bash", "# comment\n# another\nls\n")


@pytest.mark.parametrize(("outer", "inner", "wanted"), [
    ("Response Format", "Single-Round Format", True),
    ("Templates", "Template 1: Standard ADR", True),
    ("Background", "History of the project", False),
])
def test_a_skeleton_under_a_format_heading_further_up_is_a_format_to_follow(outer, inner, wanted):
    text = (f"---\nname: x\ndescription: y\n---\n\n# X\n\n## {outer}\n\n### {inner}\n\n"
            "```\n## Panel: [Topic]\n### Round 1\n[Each member's view]\n```\n")
    assert (inferred_levels(_skill(text)).get("follow.format") == 2) is wanted


def test_only_templates_of_what_the_model_writes_are_format_sections():
    base = "---\nname: x\ndescription: y\n---\n\n# X\n\n## {title}\n\nA line.\n"
    assert inferred_levels(_skill(base.format(title="PR description template"))).get("follow.format") == 2
    assert "follow.format" not in inferred_levels(_skill(base.format(title="Basic AMI Template")))


def test_binding_words_inside_steps_are_rules_to_follow():
    text = ("---\nname: x\ndescription: y\n---\n\n# X\n\n1. Collect the links.\n"
            "2. Write them out. DO NOT truncate the lists of links.\n3. DO NOT use URL shorteners.\n")
    assert inferred_levels(_skill(text)).get("follow.constraint") == 2


@pytest.mark.parametrize(("description", "web"), [
    ("Verifies factual claims using web search and official sources. Use when asked to fact-check.", 1),
    ("Download raw sequencing reads from NCBI SRA with sra-tools.", 1),
    # the trigger clause describes requests, not the skill's work
    ("Formats tables. Use when the user asks to search the web for a table.", None),
    ("Fixes typos in markdown files.", None),
])
def test_the_description_says_which_tools_the_work_uses(description, web):
    skill = _skill(f"---\nname: s\ndescription: {description}\n---\n\n# S\n\nFix the text.\n")
    assert inferred_levels(skill).get("tool.web") == web


@pytest.mark.parametrize(("description", "js"), [
    ("Implementation standards for React/TypeScript/Next.js.", 2),
    ("Builds Vue 3 components, configures Nuxt 3 projects and sets up Pinia stores.", 2),
    ("Best practices for Remotion - Video creation in React", 2),
    # which language is written is not said, or JavaScript is what the work avoids
    ("Seamless integration with Python, R, Java and Node.js for analytics.", None),
    ("Migrate an existing Apple/Swift Expo native module to the 2.0 API.", None),
    ("HTML attributes for AJAX and dynamic updates without writing JavaScript.", None),
    # naming the framework is not making software with it; nor is a trigger clause
    ("A glossary of React terms.", None),
    ("Formats tables. Use when building a React app.", None),
])
def test_the_description_says_what_language_the_work_is_written_in(description, js):
    skill = _skill(f"---\nname: s\ndescription: {description}\n---\n\n# S\n\nFix the text.\n")
    assert inferred_levels(skill).get("gen.code.javascript") == js


@pytest.mark.parametrize(("text", "prim"), [
    ("For each open issue, fetch the detailed information with `gh issue view`.", "tool.call.batch"),
    ("2. Fetch details for each space to get its version info.", "tool.call.batch"),
    ("Use the Batch API to generate dozens of variations.", "tool.call.batch"),
    ("Do not manually rewrite or convert files by hand; the transpile script handles it.", "follow.delegation"),
    ("Prefer the bundled toolkit over hand-rolled NumPy each time.", "follow.delegation"),
    ("For 100+ issues, generate a standalone shell script rather than calling the API one at a time.",
     "follow.delegation"),
    ("Always run the bundled script; do not parse the PDF directly or write ad-hoc extraction code.",
     "follow.delegation"),
    ("Check the assertions with a script rather than eyeballing the outputs.", "follow.delegation"),
    ("Use `scripts/sync-release.mjs` instead of manually editing the release metadata.", "follow.delegation"),
    ("Every decision delegates to the kernel: you never re-implement cycle detection.", "follow.delegation"),
    ("Draft a LinkedIn post announcing the release.", "gen.text.prose"),
    ("Write the internal communications for the launch.", "gen.text.prose"),
    ("Read the existing test files beside the module.", "tool.file.read"),
    ("Create a technical specification with the format below:\n\n```\n# Spec\n```", "follow.format"),
    ("Intro.\n\n## Report format\n\n| a | b |", "follow.format"),
    ("Template structure:\n\n```\n# X\n```", "follow.format"),
    ("Use the incident ID in format `INC-YYYYMMDD-NNN`.", "follow.format"),
    ("Write a conventional commit message.", "follow.format"),
    ("Return the full JSON conforming to `references/output_schema.md`.", "gen.text.structured"),
    ("Post it with `mcp__github_inline_comment__create_inline_comment`.", "tool.call.format"),
    ("After 3 distinct command failures, stop and ask the user.", "reason.planning"),
    ("Network issues: retry once with verbose output.", "reason.planning"),
    ("Plan the whole path up front, then chain the calls.", "reason.planning"),
    ("Read `logs/model_calls.jsonl` to diagnose, then retry.", "reason.analysis"),
    ("Interpret the validation errors and fix the false positives.", "reason.analysis"),
    ("For each failure, determine: is this a code bug? Is this a test bug?", "reason.analysis"),
    ("Explain what changed and why.", "reason.analysis"),
    ("Mode 3: Diagnose and resolve MCP integration issues.", "reason.analysis"),
    ("Scan every non-test project for Oracle indicators.", "reason.analysis"),
    ("Identify pain points in the current process.", "reason.analysis"),
    ("Build the deck in JavaScript with an explicit theme font.", "gen.code.javascript"),
    ("Then create `plugin.mjs` beside `channel.json`.", "gen.code.javascript"),
    ("Save in project `./docs/design-guideline.md`.", "tool.file.write"),
    ("Use window functions and recursive CTEs for the rollups.", "gen.code.sql"),
    ("Use when writing SQL queries or designing schemas.", "gen.code.sql"),
    ("Create a `.env` in the working directory.", "tool.file.write"),
    ("For a user plugin, create: `~/.letta/channels/<id>/channel.json`", "tool.file.write"),
])
def test_said_in_unseen_skills_ways(text, prim):
    assert prim in {f.prim for f in rules.analyze_prose(text)}


@pytest.mark.parametrize(("text", "prim"), [
    ("A call graph is built for each implementation.", "tool.call.batch"),
    ("Re-call `parse()` for each pass, or `list()` it once.", "tool.call.batch"),
    ("Do not edit the changelog by hand.", "follow.delegation"),
    ("Use the CLI rather than the web console.", "follow.delegation"),
    ("Produce a detection report with IOCs and recommended signatures.", "gen.text.prose"),
    ("Create a proposal with a diff and require review.", "gen.text.prose"),
    ("Create profile: `POST /identity` with the audio URL.", "gen.text.prose"),
    ("Do not reimplement existing helpers; reuse them.", "follow.delegation"),
    ("The format of the log changed in version 2.", "follow.format"),
])
def test_not_said_in_these(text, prim):
    assert prim not in {f.prim for f in rules.analyze_prose(text)}


@pytest.mark.parametrize(("rule", "delegates"), [
    ("Never convert hex values manually: use the `int_convert` tool.", True),
    ("Do not rewrite the files by hand. The transpile script handles the conversion.", True),
    ("不要手写 modules，优先用 scripts/runsite_config.py。", True),
    ("Never edit the config file manually.", False),
    ("Never call the API without a key; use the CLI.", False),
])
def test_a_prohibition_of_work_by_hand_is_delegation(rule, delegates):
    """A NEVER/DO NOT rule names what not to do, so its words are no demands, except the
    work it keeps from being done by hand, which it hands to code."""
    skill = _skill(f"---\nname: s\ndescription: Converts values.\n---\n\n# S\n\n1. Convert the values.\n2. {rule}\n")
    assert ("follow.delegation" in inferred_levels(skill)) is delegates
    assert rules.prohibition_findings("Never use the API; read `notes.md` first.") == []


def test_lists_introduced_choose_x_when_are_choices():
    text = ("**Choose MongoDB When:**\n- Schema flexibility\n\n**Choose PostgreSQL When:**\n- Strong consistency\n\n"
            "Use letta_v1_agent when:\n- Building new agents\n")
    assert len(rules.choices(text)) == 3
    assert rules.choices("We use it when needed: rarely.") == []
    assert rules.choices("Use this skill when:\n- the user asks for a plan\n") == []  # when it applies


def test_phrases_that_choose_nothing_are_not_choices():
    """"Everything else", "anyone else", "unless otherwise stated": the choice words, but
    no choice between courses of action; "otherwise" and "else" that pick one are."""
    assert rules.choices("Everything else expresses the vision; ask anyone else.") == []
    assert [m.group(0) for m in rules.choices("Keep it as noted otherwise stated.")] == []
    assert len(rules.choices("Retry once; otherwise stop. Use A, else B.")) == 2


def test_sibling_headings_numbered_in_order_are_a_procedure():
    """"### 1. Inventory / ### 2. Triage / ### 3. Verdicts": phases named by nouns are
    steps as much as imperatives are; two numbered headings, or numbers out of order,
    are not a sequence."""
    body = "".join(f"### {n}. {title}\n\nSome text.\n\n" for n, title in
                   enumerate(["Inventory", "Triage", "Verdicts"], 1))
    text = "---\nname: x\ndescription: d\n---\n\n# X\n\n## Workflow\n\n" + body
    assert inferred_levels(_skill(text)).get("follow.procedure") == 1
    two = text.replace("### 3. Verdicts", "### Verdicts")
    assert "follow.procedure" not in inferred_levels(_skill(two))
    from_zero = text.replace("### 1. Inventory", "### 0. Setup\n\nText.\n\n### 1. Inventory").replace(
        "### 3. Verdicts", "### Verdicts")
    assert inferred_levels(_skill(from_zero)).get("follow.procedure") == 1


def test_a_list_under_a_binding_heading_is_a_list_of_rules():
    """"### MUST DO" / "### MUST NOT DO" / "## Constraints" make every item under them
    a binding rule, though no item repeats the keyword."""
    text = ("---\nname: x\ndescription: d\n---\n\n# X\n\n## Constraints\n\n### MUST DO\n"
            "- Use the DataFrame API over RDDs\n- Define explicit schemas\n\n### MUST NOT DO\n"
            "- Collect large datasets to the driver\n")
    assert inferred_levels(_skill(text)).get("follow.constraint") == 2
    plain = text.replace("### MUST DO", "### Notes").replace("### MUST NOT DO", "### More notes").replace(
        "## Constraints", "## Background")
    assert "follow.constraint" not in inferred_levels(_skill(plain))


def test_a_json_object_given_as_a_command_argument_is_written_json():
    nested = "curl -X POST https://api.x/apps -d '{\"Name\":\"app\",\"Containers\":[{\"Image\":\"nginx\"}]}'\n"
    assert ("gen.text.structured", 2) in [(f.prim, f.level) for f in rules.analyze_code("bash", nested)]
    flat = "mcp-cli filesystem/read_file '{\"path\": \"./README.md\"}'\n"
    assert ("gen.text.structured", 1) in [(f.prim, f.level) for f in rules.analyze_code("bash", flat)]
    assert "gen.text.structured" not in {f.prim for f in rules.analyze_code("bash", "echo '{not json}'\n")}


def test_reading_a_file_in_three_places_is_reading_many_files():
    """The catalog's tool.file.read 2 ("many files"): three places that each read one
    file; two places stay at one file."""
    places = ["Read `config.yaml` for the settings.", "Open `notes.md` and check the dates.",
              "Load `data.csv` into memory."]
    two = "# Skill\n\n" + "\n\n".join(places[:2]) + "\n"
    three = "# Skill\n\n" + "\n\n".join(places) + "\n"
    assert inferred_levels(_skill(two))["tool.file.read"] == 1
    assert inferred_levels(_skill(three))["tool.file.read"] == 2
    wide = [r for r in infer_skill(_skill(three)) if r.rule == "read.several-places"]
    assert len(wide) == 1 and isinstance(wide[0].anchor, SkillOp) and "config.yaml" in wide[0].evidence


def test_a_file_one_block_writes_and_a_later_block_takes_is_a_chain():
    """tool.exec 3 (chained execution) across the blocks that show a workflow's runs:
    a file (or a folder, `--out_dir`) one block's command writes that a later block's
    command takes; not commands that name unrelated files."""
    def skill(first: str, second: str) -> SkillOp:
        return _skill(f"# S\n\n## Run\n\n```bash\n{first}\n```\n\nThen:\n\n```bash\n{second}\n```\n")
    assert inferred_levels(skill("BAGEL.py fc -i counts.txt -o foldchange.txt",
                                 "BAGEL.py bf -i foldchange.txt -o bf.txt"))["tool.exec"] == 3
    assert inferred_levels(skill("litgpt finetune_lora m --out_dir out/lora",
                                 "litgpt merge_lora out/lora/final"))["tool.exec"] == 3
    assert inferred_levels(skill("BAGEL.py fc -i counts.txt -o foldchange.txt",
                                 "BAGEL.py bf -i other.txt -o bf.txt"))["tool.exec"] == 2
    # `<service>/<name>` reads as redirections to 'service' and '/': no folder is named
    assert inferred_levels(skill("aws logs describe-log-groups --prefix /aws/<service>/<name>",
                                 "aws logs start-query --log-group-name /aws/lambda/x"))["tool.exec"] == 2


def test_forbidding_two_named_things_goes_against_habits():
    """follow.constraint 3 where a skill forbids two commands, options or APIs by name
    ("Do not run `codex resume`", "never use `.Wait()`"): the model would reach for
    them. One such rule, or a plain 'not' before a code span, is not enough."""
    two = ("# S\n\n- Do not run `railway variables`; set them in the dashboard.\n"
           "- Never use `.Wait()` on a task.\n- Use `ruff` for linting.\n")
    assert inferred_levels(_skill(two))["follow.constraint"] == 3
    one = two.replace("Never use `.Wait()` on a task", "Never block on a task")
    assert inferred_levels(_skill(one)).get("follow.constraint", 0) < 3
    described = ("# S\n\n- The lock does not support synchronous `with` blocks.\n"
                 "- It is not the `asyncio.Lock` you know.\n- You must pass a `loop`.\n")
    assert inferred_levels(_skill(described)).get("follow.constraint", 0) < 3


def test_a_step_that_repeats_work_until_it_holds_is_a_loop_with_verification():
    """follow.procedure 3 (loops and verification) said in one phrase: back to an
    earlier step, a run again after a fix, a repeat with its stop. Retries the code
    makes ('add retry logic') are no loop of the model's."""
    steps = "# S\n\n1. Write the draft.\n2. Score it against the rubric.\n3. Apply the edits.\n"
    again = steps + "4. If the build fails, fix the draft, then re-run the build.\n"
    back = steps + "4. If the score is low, return to step 2.\n"
    until = steps + "4. Repeat until the score reaches 7/10.\n"
    for text in (again, back, until):
        assert inferred_levels(_skill(text))["follow.procedure"] == 3, text
    code = steps + "4. Add retry logic and retries with backoff to the client.\n"
    assert inferred_levels(_skill(code))["follow.procedure"] < 3


@pytest.mark.parametrize(("text", "read"), [
    ("Check `package.json` for a styling library.", True),
    ("Look for `pom.xml` or `go.mod` at the repository root.", True),
    ("Then, check if a `NEWS.md` file exists.", True),
    ("Check the build output for warnings.", False),
    ("Check that `--verbose` is set.", False),
    ("The `package.json` lists the scripts.", False),
])
def test_checking_a_project_file_reads_it(text, read):
    """A check of a manifest, lock, configuration or notes file named in code reads it
    (tool.file.read 1); a check of output, or a file only named, does not."""
    assert ("tool.file.read" in inferred_levels(_skill(f"# S\n\n{text}\n"))) == read


@pytest.mark.parametrize(("text", "logic"), [
    ("First, determine which platform the post is for, then follow the workflow.", True),
    ("Decide whether the arms return or rejoin the shared work.", True),
    ("The model cannot determine which context applies.", False),
    ("Determine the platform and follow the workflow.", False),
])
def test_deciding_which_or_whether_is_conditional_reasoning(text, logic):
    """'Determine which ...', 'decide whether ...': a choice the model makes from
    conditions (reason.logic 1); what something cannot determine is a description."""
    assert ("reason.logic" in inferred_levels(_skill(f"# S\n\n{text}\n"))) == logic


def test_reading_a_file_that_may_be_missing_is_handling_missing_files():
    """The catalog's tool.file.read 2 ('handling missing ones'): a read said with what
    to do when the file is not there."""
    maybe = "# S\n\nRead `.claude/log.csv` if it exists, then summarise it.\n"
    assert inferred_levels(_skill(maybe))["tool.file.read"] == 2
    sure = "# S\n\nRead `.claude/log.csv`, then summarise it.\n"
    assert inferred_levels(_skill(sure))["tool.file.read"] == 1


def test_worked_examples_drawn_with_arrows_are_not_choices():
    """An arrow from one code span to another (`feature-x.md` -> `feature-x-qa.md`), a
    bad/good pair (❌ ... → ✅ ...) or one quantity to another shows an example; 'X -> Y'
    rows are choices."""
    examples = ("# X\n\nName the output after the input:\n\n- `feature-x.md` -> `feature-x-qa.md`\n"
                "- `billing.md` -> `billing-qa.md`\n- ❌ \"might break\" → ✅ \"`x` is unset on line 4\"\n")
    assert "reason.logic" not in inferred_levels(_skill(examples))
    choices = examples.replace("`feature-x.md` -> `feature-x-qa.md`", "Flowchart -> Mermaid").replace(
        "`billing.md` -> `billing-qa.md`", "Data table -> HTML table").replace(
        "❌ \"might break\" → ✅ \"`x` is unset on line 4\"", "Anything else -> prose")
    assert inferred_levels(_skill(choices))["reason.logic"] == 2  # three choices: CHOICES_FOR_LOGIC_2
    # a quantity becoming another is a before and after, not a choice
    assert rules.choices("- Reduce colors (128 → 64 colors)\n- Build time: 2.1 s -> 0.4 s\n") == []


def test_do_not_invent_is_a_usual_rule_not_one_against_habits():
    """'Do not invent results' is the common line against making things up (binding,
    follow.constraint 2 with others); 'do not guess' and 'even if' still go against habits."""
    usual = "# S\n\n- You MUST cite the run.\n- Do not invent results or commands.\n"
    assert inferred_levels(_skill(usual))["follow.constraint"] == 2
    against = "# S\n\n- You MUST cite the run.\n- Never skip the check, even if the change is small.\n"
    assert inferred_levels(_skill(against))["follow.constraint"] == 3


@pytest.mark.parametrize(("text", "runs"), [
    ("Read `./references/route-structure.md` first.", False),
    ("Save the issue under `./specs/issues/`.", False),
    ("Then call `./run.sh` to build.", True),
])
def test_a_path_to_a_document_or_folder_is_not_a_command(text, runs):
    """An inline `./...` span runs something unless it names a document, a data file or
    a folder."""
    assert ("tool.exec" in inferred_levels(_skill(f"# S\n\n{text}\n"))) == runs


def test_a_template_of_many_sections_is_long_output_with_delimiters():
    """A document template of 5-7 headings is 1-5 KB with structure (gen.text.long 2);
    of 8 or more, a long document whose parts must all stay delimited (3)."""
    def skill(headings: int) -> SkillOp:
        body = "\n\n".join(f"## Part {i}\n\n[Content {i}]" for i in range(1, headings + 1))
        return _skill(f"# S\n\n## Output format\n\nUse this template:\n\n```markdown\n# Report\n\n{body}\n```\n")
    assert inferred_levels(skill(6))["gen.text.long"] == 2
    assert inferred_levels(skill(9))["gen.text.long"] == 3


@pytest.mark.parametrize(("text", "level"), [
    ("Write the roadmap to `docs/roadmap.md` using this structure.", 2),
    ("Save the plan in project `./docs/plans/auth.md`.", 2),
    ("Append a new session log entry to `status.md`.", 1),
    ("Record one line per fact in notes.md.", 1),
    ("After your task, add a row to `.agents/PROJECT.md` Activity Log.", 1),  # a hidden folder's file
    ("Update `.claude/notes.md` with what you learned.", 1),
    ("Record which inputs failed in ../../references/PITFALLS.md", 1),  # a path from the parent
    ("Add the stanza to your project's `services.yaml`.", 1),
])
def test_a_markdown_document_written_whole_is_a_document_size_write(text, level):
    """tool.file.write 2 (1-10 KB): a Markdown document the model writes whole; an
    update of one, or a line recorded in it, stays a small write (1)."""
    assert inferred_levels(_skill(f"# S\n\n{text}\n"))["tool.file.write"] == level


@pytest.mark.parametrize(("text", "call"), [
    ("Use `update_store_flow` with `critical=true` on business-critical flows.", True),
    ("Then call `fetch_api` with the language you detected.", True),
    ("Use `ask_user` to confirm the path.", False),
    ("Use `pw_script_dir` for the scripts.", False),
])
def test_a_snake_case_tool_called_with_arguments_is_a_formatted_call(text, call):
    """A tool named in code as tool names are written (snake_case) and called 'with'
    what the text gives it: tool.call.format 2."""
    assert ("tool.call.format" in inferred_levels(_skill(f"# S\n\n{text}\n"))) == call


@pytest.mark.parametrize(("text", "level"), [
    ("Dispatch `plan-snapshotter` with `PLAN_PATH=docs/plan.md` and `MODE=critique`.", 2),
    ("Dispatch `execution-prepper` with `ISSUE_SLUG`, `TASK_NUMBER` and the brief.", 1),
    ("Run the linter with the default settings.", None),
    ("Call it with API_KEY set in the environment.", None),  # a variable the command reads, not a named input
])
def test_a_sub_agent_dispatched_with_named_inputs_is_a_formatted_call(text, level):
    """A sub-agent or tool handed its inputs by upper-case parameter name
    (`KEY=value`: structured arguments, 2; names only: 1)."""
    assert inferred_levels(_skill(f"# S\n\n{text}\n")).get("tool.call.format") == level


@pytest.mark.parametrize(("text", "call"), [
    ("Use `AskUserQuestion` to confirm:\n\n```yaml\nquestions:\n  - question: \"Proceed?\"\n"
     "    header: \"Plan\"\n    options:\n      - label: \"Yes\"\n    multiSelect: false\n```", True),
    ("Spawn a reviewer with the Task tool:\n\n```\nsubagent_type: \"reviewer\"\nprompt: \"Review the diff\"\n```", True),
    ("Ask with AskUserQuestion when unsure.\n\n**Report** Header: the title. Options: none.", False),
    ("Ask with the AskUserQuestion tool:\n\n- Question: Which release is this?\n- Header: \"Release type\"\n"
     "- Options: Patch, Minor, Major", True),  # a form of its arguments, one per line, in any case
    ("## Task\n\ndescription: the job\nprompt: what to ask", False),
    ("Use `AskUserQuestion` to confirm.\n\n" + "Filler text. " * 130 + "\n\nheader: x\noptions: y", False),
])
def test_a_harness_tool_with_its_arguments_spelled_out_is_a_formatted_call(text, call):
    """A harness tool that takes structured arguments, named and followed by two of its
    own arguments (within `SPELLED_ARGUMENTS_WINDOW`; in the tool's case, or any case where
    a line starts with one): tool.call.format 2. Not a heading or the word "Task" before
    keys of that name, not keys far away, not keys in another case inside a sentence."""
    assert ("tool.call.format" in inferred_levels(_skill(f"# S\n\n{text}\n"))) == call


def test_a_template_with_several_kinds_of_format_constraint_is_level_3():
    """The catalog's follow.format 3 ("several format constraints at once"): output that
    follows a template (level 2) and also a length limit and a date format; one kind
    beside the template stays at level 2, and so does any count without a template."""
    template = ("# Skill\n\n## Report\n\nWrite the report using this template:\n\n"
                "```markdown\n# Title\n\n## Summary\n\n## Findings\n```\n\n")
    one = template + "Keep the title under 72 characters.\n"
    two = one + "Write every date as YYYY-MM-DD.\n"
    assert inferred_levels(_skill(template))["follow.format"] == 2
    assert inferred_levels(_skill(one))["follow.format"] == 2
    assert inferred_levels(_skill(two))["follow.format"] == 3
    wide = [r for r in infer_skill(_skill(two)) if r.rule == "format.several-constraints"]
    assert len(wide) == 1 and isinstance(wide[0].anchor, SkillOp)
    assert wide[0].evidence == "a length limit; a date format"
    bare = "# Skill\n\nKeep the title under 72 characters. Write every date as YYYY-MM-DD.\n"
    assert inferred_levels(_skill(bare)).get("follow.format", 0) < 3


def test_a_skill_that_names_many_files_to_read_reads_many_files():
    """tool.file.read 2 ("many files") where one place says to read and the skill names
    eight or more files it reads; seven stay at one file."""
    files = [f"`references/topic-{i}.md`" for i in range(8)]

    def skill(named: list[str]) -> SkillOp:
        return _skill("# Skill\n\nRead `references/index.md` first.\n\n## Topics\n\n"
                      + "\n".join(f"- Details in {f}" for f in named) + "\n")

    assert inferred_levels(skill(files[:6]))["tool.file.read"] == 1
    assert inferred_levels(skill(files))["tool.file.read"] == 2
    wide = [r for r in infer_skill(skill(files)) if r.rule == "read.many-files"]
    assert len(wide) == 1 and isinstance(wide[0].anchor, SkillOp) and wide[0].evidence.startswith("9 files")


def test_commands_chained_in_prose_are_chained_execution():
    """tool.exec 3 (chained multi-step execution) where the text chains commands in two
    places ("`a` → `b`", "run `a`, then `b`"); one place, or arrows between values that
    are no commands, stay at level 2."""
    head = "# Skill\n\nRun `tool build --out dist/` from the project folder.\n\n"
    one = head + "Ship it: `tool pack dist/` → `tool publish pkg.tgz`.\n"
    two = one + "Check it with `tool status --json`, then `tool verify pkg.tgz`.\n"
    values = head + 'Move the card `"red"` → `"green"`, and `Status: Draft` → `Status: Done`.\n'
    assert inferred_levels(_skill(head))["tool.exec"] == 2
    assert inferred_levels(_skill(one))["tool.exec"] == 2
    assert inferred_levels(_skill(two))["tool.exec"] == 3
    assert inferred_levels(_skill(values))["tool.exec"] == 2


def test_a_block_headed_by_its_file_path_is_a_file_to_write():
    """A code block whose first line names a file alone (`// src/app/page.tsx`) is that
    file's content: the skill has the model write it. A program's name over a block of
    another language is a title, not a file (`# Node.js` over bash)."""
    page = "# X\n\n```tsx\n// src/app/page.tsx\nexport default function Page() { return null }\n```\n"
    assert inferred_levels(_skill(page))["tool.file.write"] == 1
    titled = "# X\n\n```bash\n# Node.js\nnode --version\n```\n"
    assert "tool.file.write" not in inferred_levels(_skill(titled))


@pytest.mark.parametrize("text", [
    "The report is saved to `docs/plan/arch.md`.\n",
    "Save the completed artefact at: `artefacts/plan.json`\n",
    "Use `Edit` to add a completion section to the task file.\n",
    "Create new files with the Write tool if needed.\n",
])
def test_files_the_work_leaves_are_writes(text):
    """A file the skill's work leaves, said in the passive or with the harness's own
    file tools, is a file write; the tools' names in lower case are plain words."""
    assert inferred_levels(_skill("# X\n\n" + text))["tool.file.write"] == 1


def test_lower_case_edit_and_write_are_no_file_tools():
    assert "tool.file.write" not in inferred_levels(_skill("# X\n\nWrite a short note on the `edit` history.\n"))


def test_a_checklist_of_steps_in_a_code_block_is_a_procedure():
    """"Copy this checklist and track progress:" over a fenced block of `- [ ] Step N:`
    lines (the layout skill-authoring guides recommend) lays out the procedure; the
    same lines without step numbers are a plain to-do list."""
    steps = "".join(f"- [ ] Step {n}: do part {n}\n" for n in range(1, 5))
    checklist = f"# X\n\nCopy this checklist and track progress:\n\n```\nProgress:\n{steps}```\n"
    assert inferred_levels(_skill(checklist))["follow.procedure"] == 1
    todo = "# X\n\nCopy this list:\n\n```\n- [ ] milk\n- [ ] bread\n- [ ] eggs\n- [ ] tea\n```\n"
    assert "follow.procedure" not in inferred_levels(_skill(todo))


@pytest.mark.parametrize("text", [
    "Load `rules/measurement.md` before Phase 2.",
    "Work through `references/non-relational-modeling.md` when a document store is in scope.",
    "Select a topology from `references/coordination-patterns.md`.",
])
def test_instructions_to_read_a_bundled_file_are_reads(text):
    """A bundled file the text tells the model to load, work through or choose from is
    read, in any of the folders skills keep their instructions in (`rules/`,
    `standards/`, `protocols/` as well as `references/`)."""
    assert "tool.file.read" in {f.prim for f in rules.analyze_prose(text)}, text


def test_the_analysis_a_description_names_is_demanded():
    """The description's trigger clause names requests, yet the analysis the skill is for
    ("Use when debugging failing tests") is the model's own work."""
    skill = _skill("---\nname: x\ndescription: Fix flaky suites. Use when debugging failing tests.\n---\n\n# X\n\nHi.\n")
    assert inferred_levels(skill)["reason.analysis"] == 2
    plain = _skill("---\nname: x\ndescription: Fix flaky suites. Use when the user asks.\n---\n\n# X\n\nHi.\n")
    assert "reason.analysis" not in inferred_levels(plain)


def test_five_plain_steps_are_a_longer_procedure():
    """follow.procedure 2 from five steps without branches or loops (the catalog's "5-7
    steps"); four stay at 1."""
    def skill(n: int) -> SkillOp:
        return _skill("# X\n\n" + "".join(f"{i}. Run step `s{i}`.\n" for i in range(1, n + 1)))

    assert inferred_levels(skill(4))["follow.procedure"] == 1
    assert inferred_levels(skill(5))["follow.procedure"] == 2


def test_a_skill_whose_steps_write_many_files_writes_many_files():
    """tool.file.write 3 ("many files") where the skill's steps write four files or more;
    three keep the level the rules gave."""
    def skill(n: int) -> SkillOp:
        return _skill("# X\n\n" + "".join(f"{i}. Write the notes to `out/part-{i}.md`.\n" for i in range(1, n + 1)))

    assert inferred_levels(skill(3))["tool.file.write"] < 3
    assert inferred_levels(skill(4))["tool.file.write"] == 3
    wide = [r for r in infer_skill(skill(4)) if r.rule == "write.many-files-written"]
    assert len(wide) == 1 and wide[0].evidence.startswith("4 files written")


def test_a_step_heading_that_instructs_asks_what_it_names():
    skill = _skill("---\nname: s\ndescription: Sets up a tool.\n---\n\n# S\n\n## Steps\n\n"
                   "### Step 2: Create the config file `config.yaml`\n\nIt holds the settings.\n")
    assert "tool.file.write" in inferred_levels(skill)
    skill = _skill("---\nname: s\ndescription: Sets up a tool.\n---\n\n# S\n\n## Steps\n\n"
                   "### Step 2: The config file `config.yaml`\n\nIt holds the settings.\n")
    assert "tool.file.write" not in inferred_levels(skill)  # (a heading that names, not one that instructs)


@pytest.mark.parametrize("text", [
    "To change the output, edit `cmd/codegen/templates/object.go.tmpl`.",
    "Write the handler to `src/routes/users.rs`.",
])
def test_files_of_any_common_kind_are_written(text):
    assert "tool.file.write" in {f.prim for f in rules.analyze_prose(text)}


def test_demand_and_is_no_sum_in_chinese():
    """需求和目标 is 需求 (the need) and 目标 (the goal), not 求和 (a sum)."""
    assert "reason.arithmetic" not in {f.prim for f in rules.analyze_prose("根据用户的需求和当前阶段执行相应操作。")}
    assert "reason.arithmetic" in {f.prim for f in rules.analyze_prose("对每列数据求和。")}


def test_an_http_client_is_web_work_only_in_code_the_model_runs():
    fetches = "```python\nimport requests\nr = requests.get(url, params={'q': term})\n```\n"
    run = _skill("---\nname: s\ndescription: Looks a term up.\n---\n\n# S\n\n1. Fetch it:\n\n   " +
                 fetches.replace("\n", "\n   ") + "\n")
    assert inferred_levels(run).get("tool.web") == 2
    shown = _skill("---\nname: s\ndescription: A pattern for API code.\n---\n\n# S\n\n## Pattern\n\n"
                   "Your service code looks like this:\n\n" + fetches)
    assert "tool.web" not in inferred_levels(shown)
