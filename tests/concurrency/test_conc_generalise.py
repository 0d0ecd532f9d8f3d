"""Data-level parallelism the way unseen skills say it (issue 12): a step that opens
with "For each X,", a map verb over a file glob, and a sentence that does items "in
parallel"; and the vetoes that keep it conservative (order, reductions, side effects,
negation, a glob that is not a path)."""

from __future__ import annotations

import pytest

from skillir.concurrency.build import analyze, build_graph
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import parse_markdown
from skillir.harnesses import load_harness


def second_step(step: str) -> str:
    """A three-step skill whose step 2 is `step` (steps 1 and 3 are plain work)."""
    return f"# X\n\n1. Collect the inputs into `inputs/`.\n2. {step}\n3. Write the summary.\n"


def groups(text: str) -> list[tuple[str, list[int]]]:
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    return [(g.kind, g.members) for g in analyze(skill, load_harness("claude-code")).groups]


@pytest.mark.parametrize("step", [
    "For each claim, search the official sources and note the verdict.",
    "For each link to convert:",
    "Read `build/pages/*.png` and note the layout of each.",
    "Download the files with `aria2c --input-file=urls.txt` for parallel downloads.",
    "Use the workflow, which translates pages in parallel.",
    "Score each post against the rubric.",
    "For every finding, verify the evidence in the code.",
    "Classify each function by its entry-point type.",
    "Read the taxonomy first. For each candidate issue, produce one of: archive, skip, needs-human.",
    "**Create Standardized Filename**\n\n   For each invoice, create a filename following the pattern.",
    "Grep the playbook corpus for each extracted signal.",
    "`uip maestro registry get <type> --output json` for each chosen node.",
    "Save each issue as a separate markdown file.",
    "Load every ticket body and note its status.",
    "Summarize each article in two sentences.",  # a reduction verb, item by item
    "For each file to be changed:\n   - Read it and list its exports\n   - Check its tests",
    "Then call `get_resource` for each result in parallel to get the assignee.",
    "List the branches:\n\n   ```bash\n   for branch in $(git branch --format='%(refname:short)' \\\n"
    "     | grep -v main); do\n     git log --oneline main..\"$branch\" 2>/dev/null | head -5\n   done\n   ```",
    # code that already runs its items side by side
    "Convert them:\n\n   ```bash\n   parallel convert {} {.}.jpg ::: *.png\n   ```",
    "Fetch them:\n\n   ```python\n   with ThreadPoolExecutor(8) as ex:\n       pages = list(ex.map(fetch, urls))\n   ```",
    "Fetch them:\n\n   ```javascript\n   const pages = await Promise.all(urls.map(u => fetch(u)));\n   ```",
])
def test_per_item_work_is_dlp(step):
    text = second_step(step)
    assert groups(text) == [("dlp", [2])]


@pytest.mark.parametrize(("step", "mechanism"), [
    ("For each claim, search the official sources and note the verdict.", "parallel tool calls"),
    ("For each log, count its errors:\n\n   ```bash\n   grep -c ERROR \"$log\"\n   ```", "xargs -P"),
    ("For each page, extract the title:\n\n   ```python\n   title = page.split()[0]\n   ```", "multiprocessing"),
])
def test_dlp_mechanism_follows_the_steps_code(step, mechanism):
    """Items run side by side by the step's own code, or, with no code to run them,
    as the model's tool calls issued together (never `xargs -P` for reading or
    reviewing done by the model)."""
    text = second_step(step)
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    found = [g for g in analyze(skill, load_harness("claude-code")).groups if g.kind == "dlp"]
    assert [g.dlp.mechanism for g in found] == [mechanism]


@pytest.mark.parametrize("step", [
    "For each claim, one at a time, search the sources.",
    "Merge all the files into one report.",
    "Summarize the articles into one digest.",
    "Compare all the candidates.",
    "For each release, delete the old tag.",
    "Do not translate pages in parallel.",
    "Inspect the locks with `psql -c 'select * from pg_locks'`.",
    "Read `README.md` and note the layout.",
    "Check the CI:\n   - Manual fallback:\n     - For each failing check, fetch its log.",
    "Open an issue for every critical finding.",
    "This phase runs only if prior runs exist. If not, skip it. Load the summary. "
    "For each confirmed bug, re-run its test.",
    "Each omic is normalized in its own space first.",
    "List the branches:\n\n   ```bash\n   for b in $(git branch); do\n     git checkout \"$b\"\n   done\n   ```",
    "Load the map, the low-res view, not every ticket body.",
    "For each file to be created or modified:\n   - **File path** and purpose\n   - **Key functions** with a note\n"
    "   - **Dependencies** it imports",
])
def test_ordered_or_shared_work_is_not(step):
    text = second_step(step)
    assert groups(text) == []


@pytest.mark.parametrize("step", [
    "**Parallel execution**: Run all applicable tools simultaneously.",
    "Run Codex and Gemini in parallel; issue both tool calls in a single response.",
    "Run all four checks before deciding:\n\n   ```bash\n   git remote get-url origin\n"
    "   cat .vercel/project.json\n   vercel whoami\n   vercel teams list --format json\n   ```",
    # files under a variable root ("${CLAUDE_PLUGIN_ROOT}/references/..."): independent reads
    "Read `${CLAUDE_PLUGIN_ROOT}/references/style-guide.md` and `${CLAUDE_PLUGIN_ROOT}/references/patterns.md`.",
])
def test_independent_calls_in_one_step_are_ilp(step):
    _one_step_group(step, "ilp")


def _one_step_group(step: str, kind: str) -> None:
    """Step 2 alone is a `kind` group, and its graph verifies: a group of one task is
    legal only marked `in_one_step`."""
    text = second_step(step)
    assert groups(text) == [(kind, [2])]
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    graph = build_graph(analyze(skill, load_harness("claude-code")))
    skill.regions[0].block.add_op(graph)
    skill.verify()
    (par,) = graph.groups()
    assert par.in_one_step is not None and [t.task_id for t in par.tasks()] == [2]


@pytest.mark.parametrize("step", [
    "Launch multiple subagents with different approaches: a direct fix, a root-cause search, an edge-case hunt.",
    "**Review** (4 parallel agents): two check the conventions, two look for bugs.",
    "Fan out the judgment work, one agent per subsystem.",
    "Convene the panel: each expert analyzes the problem independently.",
    "Spawn one screenwriter subagent per scene.",
    "Dispatch parallel audit subagents, one per page.",
    "Launch multiple Explorer agents in parallel.",
    "Dispatch TWO `docs-reviewer` subagents in parallel, with byte-identical prompts.",
    "Execute each E2E test case through a subagent; the main agent writes the summary.",
])
def test_a_step_that_fans_out_to_sub_agents_is_tlp(step):
    _one_step_group(step, "tlp")


@pytest.mark.parametrize("step", [
    "Batch the files instead of spawning one agent per file.",
    "Do not launch multiple subagents for this; one agent reads everything.",
    "The pipeline uses 11 agents across 8 phases, one after another.",
])
def test_a_step_that_names_agents_without_fanning_out_is_not(step):
    text = second_step(step)
    assert [g for g in groups(text) if g[0] == "tlp"] == []


@pytest.mark.parametrize("step", [
    "Run these checks one at a time, in order; do not run the tools simultaneously.",
    "Run all four checks:\n\n   ```bash\n   NAME=$(git remote get-url origin)\n   gh repo view \"$NAME\"\n   ```",
    "Run all the commands:\n\n   ```bash\n   git add -A\n   git commit -m wip\n   ```",
    "Run all four checks:\n\n   ```bash\n   git log | head -5\n   ```",
])
def test_ordered_feeding_or_mutating_calls_are_not(step):
    text = second_step(step)
    assert groups(text) == []


def test_an_umbrella_step_is_not_its_own_group():
    text = ("# X\n\n1. Collect the inputs.\n2. Run these three checks concurrently:\n3. Run `ruff check .`.\n"
            "4. Run `mypy .`.\n5. Run `pytest -q`.\n6. Merge the reports into `report.md`.\n")
    assert ("ilp", [2]) not in groups(text)


@pytest.mark.parametrize(("intro", "found"), [
    # an imperative lead-in is a step of its own, in the same run as the list after it
    ("Run these checks at the same time:\n\n", [("ilp", [2, 3, 4])]),
    ("Launch the following in parallel (they are independent):\n\n", [("ilp", [2, 3, 4])]),
    ("Run these checks one at a time:\n\n", []),
    ("Run these checks:\n\n", []),
])
def test_a_lead_in_step_marks_the_list_after_it(intro, found):
    text = (f"# X\n\n## Check\n\n{intro}1. Run `ruff check .`.\n2. Run `mypy .`.\n3. Run `pytest -q`.\n\n"
            "## Report\n\nWrite the summary.\n")
    assert groups(text) == found


def test_a_numbered_lead_in_marks_its_numbered_siblings():
    text = ("# X\n\n1. Collect the inputs.\n2. Run these three checks concurrently:\n3. Run `ruff check .`.\n"
            "4. Run `mypy .`.\n5. Run `pytest -q`.\n6. Merge the reports into `report.md`.\n")
    assert groups(text) == [("ilp", [3, 4, 5])]


@pytest.mark.parametrize(("title", "kept"), [
    ("The Bayesian framework (under the hood)", False),
    ("How the scorer works", False),
    ("Algorithm", False),
    ("Workflow", True),
])
def test_for_each_under_a_how_it_works_section_describes_not_instructs(title, kept):
    text = f"# X\n\n## {title}\n\n1. Collect the counts.\n2. For each sgRNA, compute the fold change.\n3. Sum per gene.\n"
    assert (("dlp", [2]) in groups(text)) is kept


def test_the_papers_figure_7_wording_finds_its_groups():
    """Issue 12's examples: sub-agent investigations (TLP), and a bulleted list its lead-in
    calls independent (ILP), one of whose items names a time window ("from the last hour",
    not "from the last step")."""
    subagents = ("# Debug\n\n1. Reproduce the failure with `make e2e`.\n"
                 "2. Investigate the backend as a sub-agent: read its logs and find the failing handler.\n"
                 "3. Investigate the database as a sub-agent: check slow queries and locks.\n"
                 "4. Merge both findings into a report.\n")
    assert groups(subagents) == [("tlp", [2, 3])]
    listed = ("# Triage\n\n## Investigate\n\nThese three checks do not depend on each other:\n\n"
              "- Search the tracker for similar incidents.\n"
              "- Collect the logs from the last hour with `kubectl logs deploy/api --since=1h > api.log`.\n"
              "- Check the dashboards for error spikes.\n\nThen write a summary of what you found.\n")
    assert groups(listed) == [("ilp", [1, 2, 3])]
    # ... but not when one step uses what the one before found, or they say "one by one"
    ordered = listed.replace("the logs from the last hour", "the logs from the previous step")
    assert groups(ordered) != [("ilp", [1, 2, 3])]
    one_by_one = subagents.replace("3. Investigate the database as a sub-agent",
                                   "3. Then, one at a time, investigate the database as a sub-agent")
    assert groups(one_by_one) == []


def test_a_list_introduced_for_each_item_is_one_dlp_group():
    """"For each test file:" before a list: the list is what to do per item, and its
    first step stands for it; a list that orders the items, or changes shared state,
    is not."""
    text = ("# X\n\n## Write tests\n\nFor each test file:\n\n1. Read the source code being tested.\n"
            "2. Read the existing tests beside it.\n3. Write the tests.\n\n## Report\n\n4. Summarise the results.\n")
    assert groups(text) == [("dlp", [1])]
    ordered = text.replace("For each test file:", "For each file (highest impact first):")
    assert groups(ordered) == []
    tracked = text.replace("3. Write the tests.", "3. Mark the task as completed.")
    assert groups(tracked) == []
    fixing = text.replace("3. Write the tests.", "3. Fix the failing code.")
    assert groups(fixing) == []


@pytest.mark.parametrize(("step", "found"), [
    ("**Run to completion.** If a plan exists at `docs/plans/*.md`, read its header first.", []),
    ("**Read `notes.md` for the details.** That file holds the details for each strategy.", []),
    ("**Read every log file.** Note the errors of each.", [("dlp", [2])]),
])
def test_a_bold_title_sentence_ends_at_its_closing_emphasis(step, found):
    """"**Run to completion.** If ... `docs/plans/*.md`": the first sentence, which says
    what the step maps over, ends at ".**"; the glob or "each strategy" after it is an
    aside, not the step's items."""
    text = second_step(step)
    assert groups(text) == found


@pytest.mark.parametrize(("step", "kind"), [
    ("For each research ticket you created, spin up a `/research` subagent to resolve it in parallel.", "tlp"),
    ("For each chunk, read it and pull out its claims: fan out one subagent per chunk.", "tlp"),
    ("For each triggered bug, run the two-round challenge and record the verdict.", "dlp"),
    ("For each ticket, check whether a subagent already resolved it.", "dlp"),
    ("For each PR, dispatch the worker subagent (one message, parallel across PRs).", "tlp"),
    ("For each changed file, use Explore agents in parallel to trace its callers.", "tlp"),
    ("**Dispatch** -- Create a worktree per task. Assign each to an agent.", "tlp"),
])
def test_per_item_work_that_each_goes_to_a_sub_agent_is_tlp(step, kind):
    """"For each ticket, spin up a subagent": the items are independent multi-step
    sub-tasks, one agent each (TLP), not one operation mapped over them (DLP)."""
    text = second_step(step)
    assert groups(text) == [(kind, [2])]


@pytest.mark.parametrize(("step", "found"), [
    ("For each consumer of state, check: does it handle every possible state?", []),
    ('For every section, ask: "What testable requirement does this state?" Record the gaps.', []),
    ("For each selected NFR, check:\n   - Is there evidence it is implemented?\n   - Can we validate it?", []),
    ("For each consumer of state, check that it handles every possible state.", [("dlp", [2])]),
    ("For each file matching `src/*.t?`, count its lines.", [("dlp", [2])]),
])
def test_per_item_questions_are_a_checklist_not_fan_out(step, found):
    """"For each consumer, check: does it handle every state?": questions the model
    answers item by item as it thinks, not work to issue side by side; a question mark
    in a glob is no question."""
    text = second_step(step)
    assert groups(text) == found


def test_a_per_item_list_of_questions_is_a_checklist():
    """"For each state machine:" before a list half of whose steps are questions ("check:
    does it handle every state?") is a checklist to think through, not a per-item
    procedure to fan out."""
    text = ("# X\n\n## Review\n\nFor each state machine you find:\n\n1. Read the enum and list the states.\n"
            "2. Read each consumer: does it handle every possible state?\n"
            "3. Read the transitions: can you reach every state?\n4. Record the gaps.\n\n"
            "## Report\n\n5. Summarise the results.\n")
    assert groups(text) == []
    procedure = text.replace("does it handle every possible state?", "note the states it handles.")
    # (step 2 then reads each consumer of its state machine: a map nested in the per-item list)
    assert groups(procedure) == [("dlp", [1]), ("dlp", [2])]


@pytest.mark.parametrize(("step", "found"), [
    ("For each of the PRs and tickets found, put a link into the summary document.", []),
    ("For each batch, read the files it needs, check the condition, and append the result.", []),
    ("For each PR found, put a link into its own summary file.", [("dlp", [2])]),
    ("For each batch, read the files it needs and check the condition.", [("dlp", [2])]),
])
def test_per_item_work_written_into_one_shared_target_is_not_dlp(step, found):
    """"For each PR, put a link into the summary document", "append the result": every
    item writes into one place, so the items meet there; one output of its own per item
    is still per-item work."""
    text = second_step(step)
    assert groups(text) == found


@pytest.mark.parametrize(("step", "found"), [
    ("Present the proposed breakdown as a list. For each ticket, show:\n   - its title\n   - its size", []),
    ("Ask targeted questions to uncover intent. For each question:\n   - Give two options", []),
    ("For each endpoint that handles user data, ask:", []),
    ("Review the endpoints. For each endpoint, fetch its schema.", [("dlp", [2])]),
])
def test_per_item_talk_with_the_user_is_not_dlp(step, found):
    """"For each ticket, show:", "Ask questions. For each question:": a conversation or an
    output template, one at a time with the user, not work to fan out."""
    text = second_step(step)
    assert groups(text) == found


@pytest.mark.parametrize(("after", "found"), [
    ("\n\n   | Field | Meaning |\n   |---|---|\n   | Expected | What should happen |\n   | Actual | What you saw |", []),
    ("\n\n   - Open its page.\n   - Note the load time.", [("dlp", [2])]),
])
def test_a_table_after_for_each_is_a_record_to_fill(after, found):
    """"For every scenario track six fields:" and a table: the table's rows are what to
    record per item (a template), not work to fan out."""
    text = f"# X\n\n1. Collect the inputs into `inputs/`.\n2. For every scenario, keep these:{after}\n3. Write the summary.\n"
    assert groups(text) == found


@pytest.mark.parametrize(("command", "found"), [
    ("gh api /repos/o/r/issues/$N/labels \\\\\n     -X POST --input -", []),
    ("curl -s -X PATCH https://api.example.com/items/$ID -d @body.json", []),
    ("gh api /repos/o/r/issues/$N/labels", [("dlp", [2])]),
])
def test_a_remote_write_per_item_is_not_dlp(command, found):
    """`gh api ... -X POST`, `curl -X PATCH`: each item changes remote state (and such
    writes come paced), like `gh issue edit`; a read of the same endpoint is per-item work."""
    text = (f"# X\n\n1. Collect the inputs into `inputs/`.\n2. For each issue to migrate, write the value:\n\n"
            f"   ```bash\n   {command}\n   ```\n3. Write the summary.\n")
    assert groups(text) == found


@pytest.mark.parametrize(("step", "found"), [
    ("Check dependency manifests to detect the stack:\n   - Python: `pyproject.toml`, `requirements.txt`\n"
     "   - Go: `go.mod`", [("ilp", [2])]),
    ("Read `refs/contract.md`, `refs/ledger.md`, and `refs/passes.md`.", [("ilp", [2])]),
    ("Read `refs/contract.md`, then `refs/ledger.md` and `refs/passes.md`.", []),
    ("Read the build config (`pyproject.toml` / `package.json` / `Cargo.toml`).", []),
    ("Read `notes.md` for the rules. It mentions `a.md`, `b.md` and `c.md`.", []),
    ("Write `a.md`, `b.md` and `c.md`.", []),
])
def test_a_step_that_lists_files_to_look_up_is_ilp(step, found):
    """"Check the manifests: `pyproject.toml`, `go.mod`, ...": independent look-ups the
    model can issue in one turn; not when ordered ("then"), when they are alternatives of
    one look-up (`a` / `b`), named in an aside, or written rather than read."""
    text = second_step(step)
    assert groups(text) == found


@pytest.mark.parametrize(("step", "found"), [
    ("Read `SRS_Draft.md` and `HLD.md` from the project folder.", [("ilp", [2])]),
    ("Read vision.md, features.md and methodology.md.", [("ilp", [2])]),
    ("List the CSV files in `data/` and save their names to `files.txt`.", []),
    ("Read `notes.md` and `rules.md`, then `plan.md`.", []),
])
def test_two_named_files_or_unquoted_names_are_look_ups_too(step, found):
    """Two files are a batch of reads when both are files and the step writes nothing;
    a file named without backticks counts ("Read vision.md, features.md ...")."""
    assert groups(second_step(step)) == found


def test_files_listed_after_a_lead_in_that_is_a_step_of_its_own():
    """"Read from `ctx/`:" then a plain list of files (not steps): the list is what it reads."""
    text = ("# X\n\n## Inputs\n\nRead from `projects/ctx/`:\n\n- `vision.md`\n- `features.md`\n"
            "- `methodology.md` (if it exists)\n\n## Steps\n\n1. Write the plan.\n")
    assert [kind for kind, _ in groups(text)] == ["ilp"]


@pytest.mark.parametrize(("code", "found"), [
    ("git status --short\n   git diff --cached --stat\n   git log --oneline -10", [("ilp", [2])]),
    ("ls -la docs/\n   rg -n TODO src/\n   gh pr view 12 --json title", [("ilp", [2])]),
    ("ls -d .worktrees 2>/dev/null\n   ls -d worktrees 2>/dev/null", []),  # a first choice and its fallback
    ("git status\n   git add -A\n   git log -1", []),  # one of them changes the repository
    ("curl -s https://a.example/x\n   curl -s -X POST https://a.example/y\n   ls", []),  # one sends
    ("ls out/\n   cat out/a.txt > copy.txt\n   wc -l out/b.txt", []),  # one writes a file
    ("git status\n   python check.py\n   git log -1", []),  # a program that may do anything
    ("ROOT=$(git rev-parse --show-toplevel)\n   ls \"$ROOT\"\n   git log -1", []),  # one feeds the next
])
def test_a_block_of_look_up_commands_is_ilp(code, found):
    """Three or more commands that only read, each on its own line and passing nothing
    on, are independent tool calls even when the text does not say so."""
    text = f"# X\n\n1. Collect the inputs.\n2. Gather the state:\n\n   ```bash\n   {code}\n   ```\n3. Write the summary.\n"
    assert groups(text) == found


@pytest.mark.parametrize(("step", "found"), [
    ("Decompose each L1 into its branches.", [("dlp", [2])]),
    ("Confirm each rules file exists and has front matter.", [("dlp", [2])]),
    ("Build one ledger per PR from its review comments.", [("dlp", [2])]),
    ("Run the assembler separately per version.", [("dlp", [2])]),
    ("Keep every line under 100 characters.", []),  # a property to keep
    ("List every file you reviewed.", []),  # one list
    ("Follow each step of the plan exactly.", []),  # the parts of a sequence
    ("Extracts each file path and content.", []),  # describes what a tool does
    ("Re-run the tests after each small change.", []),  # "after each": an order
    ("Use one subagent per angle.", [("tlp", [2])]),  # thread level, its own rule
    ("Use a fresh log directory per run.", []),  # a resource per item
    ("Include each blocked task's reason when one exists.", []),  # what goes into one output
    ("Create an IAM role with `dsql:DbConnect` for each database role.", [("dlp", [2])]),
    ("Grant schema and table permissions per role.", [("dlp", [2])]),  # a plural object, per item
    ("Generate a railway-provided domain (max 1 per service).", []),  # a limit, in brackets
    ("Handle thousands of WebSocket connections per instance.", []),  # a rate, not items
    ("Use two workers per host.", []),  # a resource per item
    ("Embed citations per agreed style (see Appendix A).", []),  # "per" as "according to"
])
def test_any_verb_over_each_item_is_dlp(step, found):
    """"<verb> each X" with any instruction verb (not only a map verb), unless the verb
    keeps a property, makes one list, walks a sequence or describes."""
    assert groups(second_step(step)) == found


@pytest.mark.parametrize(("step", "found"), [
    ("**Design the escalation matrix** — For each tier, define the action at each milestone.", [("dlp", [2])]),
    ("**Plan refresh.** For each sandbox, define the refresh cadence.", [("dlp", [2])]),
    ("Use **chrome-devtools** to capture the screen. Then note the layout.", []),
])
def test_for_each_after_a_bold_title(step, found):
    """A step that opens with a bold title and goes on "For each X, ..." says its work is
    per item like one without the title."""
    assert groups(second_step(step)) == found


def test_consecutive_steps_that_list_files_to_look_up_are_one_group():
    text = ("# X\n\n1. Collect the inputs.\n\n2. Read the templates:\n\n   - `t/a.html`\n   - `t/b.html`\n   - `t/c.html`\n\n"
            "3. Read `r/x.md` for layout.\n   Read `r/y.md` for navigation.\n   Read `r/z.md` for fonts.\n\n"
            "4. Write the page.\n")
    assert groups(text) == [("ilp", [2, 3])]
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    graph = build_graph(analyze(skill, load_harness("claude-code")))
    skill.regions[0].block.add_op(graph)
    skill.verify()


def test_consecutive_numbered_look_ups_with_one_command_each_are_ilp():
    """"2. Fetch labels: `gh label list -R {owner}/{repo}`", "3. Fetch org issue fields:
    `gh api /orgs/{org}/issue-fields`": look-ups whose values all come from before them;
    not when one needs what the other finds (`{issue}` first named by step 2, a Python
    name step 2 sets)."""
    text = ("# X\n\n1. Ask the user for the org and the repo.\n"
            "2. Fetch labels from the repo:\n\n   ```bash\n   gh label list -R {owner}/{repo} --json name\n   ```\n\n"
            "3. Fetch org issue fields:\n\n   ```bash\n   gh api /orgs/{org}/issue-fields\n   ```\n\n"
            "4. Ask the user which labels map to which fields.\n")
    assert groups(text) == [("ilp", [2, 3])]
    chained = text.replace("gh label list -R {owner}/{repo} --json name", "gh issue list -R {owner}/{repo} --json {issue}")
    chained = chained.replace("gh api /orgs/{org}/issue-fields", "gh api /repos/{owner}/{repo}/issues/{issue}")
    assert groups(chained) == []
    python = ("# X\n\n1. Ask the user for the drug.\n"
              "2. Get the drug:\n\n   ```python\n   drug_id = get('chemical', name)['id']\n   ```\n\n"
              "3. Get its annotations:\n\n   ```python\n   notes = get('annotation', drug=drug_id)\n   ```\n\n"
              "4. Write the report.\n")
    assert groups(python) == []


@pytest.mark.parametrize(("step", "found"), [
    ("For each project, note the name, path, and type.", []),
    ("For each candidate, document:\n   - where it lives\n   - who calls it", []),
    ("For each project, read its manifest and note the type.", [("dlp", [2])]),
])
def test_per_item_facts_written_down_are_a_record_to_fill(step, found):
    """"For each project, note the name, path, and type": facts written down per item (a
    record to fill), not work to fan out; a per-item read that notes what it finds is."""
    text = second_step(step)
    assert groups(text) == found


@pytest.mark.parametrize(("step", "found"), [
    ("Read `contact.png` and check every page for a missing date.", []),
    ("Read `manifest.md` for the last ingested month per folder.", []),
    ("Read `a.json`, `b.json`, and every file under `src/`.", [("dlp", [2])]),
    ("Read every page image and check its date.", [("dlp", [2])]),
])
def test_per_item_parts_of_one_named_file_are_not_dlp(step, found):
    """"Read `contact.png` and check every page": the items are parts of the one file the
    verb reads (one look), not files to read side by side."""
    text = second_step(step)
    assert groups(text) == found


def test_a_step_heading_over_code_alone_is_labelled_by_its_heading():
    from skillir.concurrency.steps import collect_steps

    text = ("# X\n\n### Step 1: Collect the commits\n\n```bash\ngit log > commits.txt\n```\n\n"
            "### Step 2: Group them\n\n```bash\nsort commits.txt > grouped.txt\n```\n")
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    facts = collect_steps(skill)
    assert [(f.label, f.verb, f.uses) for f in facts] == [("Collect the commits", "collect", ()),
                                                         ("Group them", "group", ((1, "commits.txt"),))]


@pytest.mark.parametrize(("title", "found"), [
    ("## Batch generation", [("dlp", [1])]),
    ("### Workflow 2: Batch Processing Multiple Complexes", [("dlp", [1])]),
    ("## Parallel Requests", [("dlp", [1])]),
    ("## Batch size", []),  # a parameter, not work over a batch
    ("## Concatenate batches into one input", []),  # a reduction
    ("## Select the batch", []),  # choosing the batch, not its work
    ("## Single image", []),
])
def test_a_section_that_works_over_a_batch_is_dlp(title, found):
    text = (f"# Images\n\n{title}\n\nGenerate the images:\n\n```python\n"
            "images = pipe(prompts, num_inference_steps=30).images\n```\n")
    assert groups(text) == found


def test_the_skills_own_title_is_not_a_batch_section():
    text = ("# Bulk Import\n\nImport the resources:\n\n```bash\nterraform plan -generate-config-out=gen.tf\n```\n")
    assert groups(text) == []


def test_a_batch_section_step_is_one_group_that_lowers_for_every_harness(tmp_path):
    """A step the batch-section rule made DLP is not also read as a group of calls in
    one step (two groups on one step made an ILP group of one task that failed
    verification for codex)."""
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    (tmp_path / "SKILL.md").write_text(
        "---\nname: t\ndescription: Fetch prices. Use when asked for prices.\n---\n\n# Prices\n\n"
        "## Step 2 — Parallel batch fetch\n\nThe agent runs these Bash calls **in parallel**, each writing its own file:\n\n"
        "```bash\nuv run pack.py --tickers AAPL > /tmp/us.json\n\nuv run pack.py --tickers 2330.TW > /tmp/tw.json\n```\n")
    text = (tmp_path / "SKILL.md").read_text()
    assert [kind for kind, _ in groups(text)] == ["dlp"]
    for harness in ("claude-code", "codex", "opencode", "bare-agent"):
        passes = stage_passes("harness", Target.parse(f"{harness}/opus-4.6"), probe=False)
        PassManager(passes=passes, verify_each=True).run(load_skill(tmp_path))


FAN_OUT_LIST = ("# Research\n\n## Search\n\n{lead}\n\n1. Run `WebSearch` on the angle's query.\n"
                "2. Rank the hits into `hits.json`.\n3. Return the novel sources.\n\n## Report\n\nWrite the memo.\n")


@pytest.mark.parametrize(("lead", "found"), [
    ("**Fan out: one subagent per angle.** For each of the 3-6 angles, dispatch a subagent that does "
     "the following for its angle, then returns its sources:", [("tlp", [1, 2, 3])]),
    ("This is per-angle independent work: fan out one subagent per angle. For the call shape, see "
     "`tools.md`.", [("tlp", [1, 2, 3])]),
    ("Fan out one subagent per `(claim, voter)` pair.\n\nFor each `(claim, voter)`:", [("tlp", [1, 2, 3])]),
    ("Spawn a subagent for each angle. Each one:", [("tlp", [1, 2, 3])]),
    ("For every angle in the plan, run a separate agent that will:", [("tlp", [1, 2, 3])]),
    # the fan-out is not what leads into the list, or the list is not per item
    ("Spawn independent reviewers to challenge it. Apply this filter to each finding they raise:", []),
    ("Do not spawn one subagent per angle. Instead:", []),
    ("Spawn one subagent per angle, one at a time:", []),
])
def test_a_list_each_sub_agent_runs_for_its_item_is_one_tlp_branch(lead, found):
    assert groups(FAN_OUT_LIST.format(lead=lead)) == found


@pytest.mark.parametrize(("lead", "found"), [
    # an imperative lead-in is a step of its own, not a member
    ("Launch 3 parallel subagents, each doing the following:", [("tlp", [2, 3, 4])]),
    ("Use one subagent per angle. Each subagent should:", [("tlp", [2, 3, 4])]),
    # different agents listed, not one list per agent: the step fans out on its own
    ("Launch multiple subagents with different approaches:", [("tlp", [1])]),
])
def test_a_lead_in_step_that_starts_sub_agents_per_item(lead, found):
    assert groups(FAN_OUT_LIST.format(lead=lead)) == found


def test_a_list_run_per_item_by_sub_agents_lowers_for_every_harness(tmp_path):
    """The one-branch `tlp` group (with a `dlp` group nested in it) verifies and lowers
    to one sub-agent task per item, with a hint that says so where the harness runs
    sub-agents."""
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target

    # step 2 is a dlp group of its own, nested in the branch
    text = FAN_OUT_LIST.format(lead="For each angle, dispatch a subagent that does the following:").replace(
        "Rank the hits into `hits.json`.", "Count the ERROR lines in each log file under `logs/`.")
    assert groups(text) == [("tlp", [1, 2, 3]), ("dlp", [2])]
    (tmp_path / "SKILL.md").write_text("---\nname: t\ndescription: Research a question. Use when asked.\n---\n\n"
                                       + text)
    for harness in ("claude-code", "codex", "opencode", "hermes", "openclaw", "bare-agent"):
        passes = stage_passes("harness", Target.parse(f"{harness}/opus-4.6"), probe=False)
        module = load_skill(tmp_path)
        PassManager(passes=passes, verify_each=True).run(module)
        printed = str(module)
        assert "per_item" in printed
        if harness == "claude-code":
            assert "steps 1-3 are what each item's sub-agent does" in printed
            assert 'harness.subagent' in printed
