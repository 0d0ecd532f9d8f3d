"""Finding parallel groups among a skill's steps, conservatively.

A wrong group is worse than a missed one, so every group needs positive evidence and
survives only if nothing speaks against it:

- **DLP** (one step, many items): a map verb over an item phrase ("count the errors in
  each log file"), any instruction verb whose object is each item ("Decompose each L1",
  "Build one ledger per PR"; not one that keeps a property, makes one list or fills
  the one output), or a loop in the step's runnable code whose iterations share no
  state, or a per-file command over a glob. Vetoed by sequence words ("one at a time",
  "until"), reductions (merge, sort, compare ...) and mutating commands.
- **ILP** (independent single tool calls in one turn): consecutive steps that the text
  says can run in parallel ("run these checks in parallel:", a "Parallel ..." heading),
  or whose artifacts all flow into one later step (fan-in) while none reads another's;
  in one step, the files it lists to read, or a block of three or more look-up
  commands (`git status`, `ls`, `gh pr view`) that pass nothing to each other.
  Every member must be one tool call without side effects.
- **TLP** (independent multi-step branches as sub-agents): sibling sections, or steps of
  several turns each, that the text says are independent or parallel. No branch may read
  another's artifacts, mention another branch, or touch shared state (install, commit,
  deploy, ...). Also a list that every sub-agent runs for an item of its own ("For each
  angle, dispatch a subagent that does the following:"): one branch, run per item.

Members never cross an ordering word ("then", "using the results", "after that"), an
explicit "step N" reference, or an artifact that flows between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from skillir.concurrency.rules import Rules, rules
from skillir.concurrency.steps import (
    Dlp,
    StepFacts,
    asks,
    cue,
    dlp_lanes,
    dlp_mechanism,
    each_intro,
    first_sentence,
    may_match,
    parallel_hinted_texts,
    sentences,
    step_texts,
    step_texts_lowered,
)
from skillir.dialects.skill import SectionOp, SkillOp, StepOp, TextOp
from skillir.frontend.classify import path_matches
from skillir.readers.languages import family as language_family
from skillir.readers.shell import read_shell

_CHANGES_CODE = frozenset({"fix", "implement", "refactor", "migrate", "port", "rewrite", "patch", "apply"})
_TITLE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{3,}")
_STOP = frozenset({
    "step", "steps", "check", "checks", "tests", "test", "with", "from", "into", "your", "this",
    "that", "then", "each", "when", "what", "parallel", "debug", "debugging", "investigate",
    "investigation", "review", "analysis", "analyze", "run", "running", "phase", "part", "task",
    "tasks", "branch", "track", "and", "the", "for", "issues", "issue", "logs", "report",
})


@dataclass(slots=True)
class Group:
    kind: str  # dlp | ilp | tlp
    units: list[list[int]]
    reason: str
    join: int | None = None
    dlp: Dlp | None = None
    evidence: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def members(self) -> list[int]:
        return [i for unit in self.units for i in unit]


def detect(skill: SkillOp, steps: list[StepFacts],
           sections: list[tuple[SectionOp, str]] | None = None) -> list[Group]:
    """The parallel groups of a skill (DLP groups may sit inside ILP/TLP members);
    `sections` (section, intro) as `collect_steps` gives them, else found here."""
    r = rules()
    by_index = {s.index: s for s in steps}
    of_op = {s.op: s for s in steps}
    taken: set[int] = set()
    groups: list[Group] = []

    runs = _runs(steps)  # (the same several times below: it reads only the steps)

    # a list whose lead-in hands each item to a sub-agent of its own ("Fan out: one
    # subagent per angle. For each angle, dispatch a subagent that does the following:"):
    # the list is what every sub-agent does for its item, one thread-level unit
    for run in runs:
        said = _fans_out_per_item(by_index[run[0]].intro, r)
        lead_step = None  # "Launch 3 subagents, each doing the following:" as a step of its own
        if not said and (position := _umbrella_in(run, by_index, r)) is not None:
            said = _fans_out_per_item(by_index[run[position]].text, r)
            if said:
                lead_step, run = run[position], run[position + 1:]
        if said and len(run) >= 2 and not any(i in taken for i in run):
            claim_group(Group("tlp", [list(run)],
                              f"the text before steps {step_span(run)} hands each item to a sub-agent of its own "
                              f"('{said}'); the steps are what each sub-agent does", evidence="fan-out-list"),
                        groups, taken, steps)
            if lead_step is not None:
                taken.add(lead_step)  # it starts the sub-agents: no group of its own

    # thread/instruction level from sections the text marks as parallel
    if sections is None:
        sections = [(s, _section_intro(s)) for s in _sections(skill)]
    for section, intro in sections:
        title = section.title.data
        lowered = title.lower()
        title_cue = may_match(r.cue_checks[id(r.parallel_title)], title, lowered) \
            and bool(r.parallel_title.search(title)) and not cue(r.sequential, title, r, lowered)
        if intro:
            intro_lowered = intro.lower()  # (once for both cues)
            intro_cue = cue(r.parallel, intro, r, intro_lowered) and not cue(r.sequential, intro, r, intro_lowered)
        else:
            intro_cue = False
        if not (title_cue or intro_cue):
            continue
        branches = []
        titles = []
        for child in _child_sections(section):
            branch = [of_op[op].index for op in child.walk() if isinstance(op, StepOp) and op in of_op]
            if branch:
                branches.append(branch)
                titles.append(child.title.data)
        where = f"section '{section.title.data}'"
        if len(branches) >= 2:
            group = try_group(branches, by_index, taken, r, f"{where} marks its subsections as parallel", titles)
            if group is not None:
                claim_group(group, groups, taken, steps)
                continue
        direct = [of_op[op].index for op in section.body.blocks.first.ops
                  if isinstance(op, StepOp) and op in of_op] if section.body.blocks.first else []
        if len(direct) >= 2 and not any(i in taken for i in direct):
            run = _contiguous_run(direct, by_index)
            members = _cut(run, by_index)
            group = try_group([[i] for i in members], by_index, taken, r, f"{where} marks its steps as parallel")
            if group is not None:
                claim_group(group, groups, taken, steps)

    # lists introduced as parallel ("Run these checks in parallel:")
    for run in runs:
        first = by_index[run[0]]
        lead_in = first.intro
        umbrella = _umbrella_in(run, by_index, r)
        if umbrella is not None:
            # "Run these checks at the same time:" is a step of its own (an imperative),
            # and the list after it follows with no prose between: the same run
            lead_in, run = by_index[run[umbrella]].text, run[umbrella + 1:]
            first = by_index[run[0]]
        if not lead_in and first.index == 1:
            continue
        before = by_index.get(first.index - 1)
        if not lead_in.strip() and before is not None and before.block is first.block \
                and before.text.rstrip().endswith(":") and not before.op.nested_ops:
            lead_in = before.text  # an umbrella step ("Run these checks in parallel:")
        if not lead_in:
            continue
        lead_lowered = lead_in.lower()  # (once for both cues)
        if not (cue(r.parallel, lead_in, r, lead_lowered) and not cue(r.sequential, lead_in, r, lead_lowered)):
            continue
        if any(i in taken for i in run):
            continue
        members = _cut(run, by_index)
        group = try_group([[i] for i in members], by_index, taken, r, "the text before the list marks its steps as parallel")
        if group is not None:
            claim_group(group, groups, taken, steps)

    # a list introduced "For each test file:": the list is the per-item procedure, its
    # first step stands for it; every step must change nothing shared, and most must not
    # be questions
    for run in runs:
        first = by_index[run[0]]
        intro = each_intro(first.intro, r)
        if intro is None or first.dlp is not None or any(i in taken for i in run) \
                or any(r.descriptive_title.search(s.title.data) for s in first.chain):
            continue
        facts = [by_index[i] for i in run]
        if any(s.sequential or s.mutating_code or s.reduction or (s.side_effect and s.verb not in r.write_verbs)
               or s.verb in r.shared_state_verbs or s.verb in _CHANGES_CODE for s in facts):
            continue
        if 2 * sum(asks(s.lead) for s in facts) >= len(facts):
            continue  # "For each state machine: ... 2. check: does it handle every state?": a checklist
        over = intro.group(1).strip(" *_`")
        dlp = Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed",
                  lanes=dlp_lanes(first.code, r), mechanism=dlp_mechanism(first.langs),
                  reason=f"the list after '{intro.group(0).strip()}' (step {step_span(run)}) runs once for each {over}; "
                         "items do not depend on each other")
        claim_group(Group("dlp", [[first.index]], dlp.reason, dlp=dlp, evidence="per-item-list"), groups, taken, steps)

    # consecutive steps that each go to a sub-agent of their own (paper Fig. 7: "investigate
    # the backend as a sub-agent", "... the database as a sub-agent")
    for run in runs:
        marked = [i for i in run if i not in taken and _own_subagent(by_index[i], r)]
        for sub in _consecutive(marked, by_index):
            if len(sub) >= 2:
                group = try_group([[i] for i in sub], by_index, taken, r,
                                  f"steps {step_span(sub)} each go to a sub-agent of their own")
                if group is not None:
                    claim_group(group, groups, taken, steps)

    # one step that fans its own work out to several sub-agents ("Launch multiple subagents
    # with different approaches:", "Review (4 parallel agents)", "one agent per subsystem"),
    # also a per-item step whose items each go to an agent ("For each ticket, spin up a subagent")
    for step in steps:
        if step.index not in taken:
            why = _fan_out(step, r)
            if why:
                claim_group(Group("tlp", [[step.index]], why, evidence="fan-out-in-one-step"), groups, taken, steps)

    # fan-in: consecutive single tool calls whose artifacts one later step merges
    for step in steps:
        producers = sorted(p for p in step.producers() if p not in taken)
        for run in _consecutive(producers, by_index):
            if len(run) < 2:
                continue
            if not all(ilp_member(by_index[i], r, first=(k == 0)) for k, i in enumerate(run)):
                continue
            if not independent_units([[i] for i in run], by_index, r):
                continue
            group = Group("ilp", [[i] for i in run],
                          f"steps {step_span(run)} are single tool calls with no data flow between them; "
                          f"step {step.index} reads all their outputs",
                          join=step.index, evidence="fan-in")
            claim_group(group, groups, taken, steps)

    # consecutive look-ups: steps that each fetch one thing with one read-only command that
    # needs nothing another of them finds ("2. Fetch labels from each repo: `gh label list
    # -R {owner}/{repo}`", "3. Fetch org issue fields: `gh api /orgs/{org}/issue-fields`")
    for run in runs:
        lookups = [i for i in run if i not in taken and _one_lookup(by_index[i], r)]
        for sub in _consecutive(lookups, by_index):
            sub = _cut(sub, by_index)
            if len(sub) < 2 or _feeds(sub, steps, by_index) or not independent_units([[i] for i in sub], by_index, r):
                continue
            claim_group(Group("ilp", [[i] for i in sub],
                              f"steps {step_span(sub)} each look one thing up with one read-only command; "
                              "none needs what another finds", evidence="look-ups"), groups, taken, steps)

    # data level inside steps (not a step whose items each go to a sub-agent: its group is thread level)
    fanned = {g.members[0] for g in groups if g.evidence == "fan-out-in-one-step"}
    for step in steps:
        if step.dlp is not None and step.index not in fanned \
                and not any(r.descriptive_title.search(s.title.data) for s in step.chain):
            # (under "How it works" or "Algorithm", "for each sgRNA, compute ..." says
            # what a tool does, not work for the model to fan out)
            if cue(r.subagent_work, step.text, r, step.lowered):  # the items go to sub-agents ("Use
                # Explore agents in parallel to trace ...", "For each PR, dispatch the worker subagent")
                groups.append(Group("tlp", [[step.index]], f"step {step.index} does each of its items with "
                                    f"a sub-agent ({step.dlp.reason})", evidence="per-item-subagents"))
            else:
                groups.append(Group("dlp", [[step.index]], step.dlp.reason, dlp=step.dlp, evidence="per-item"))
    # a section that does its work over a batch of items ("Batch generation", "Workflow 2:
    # Batch Processing Multiple Complexes", "Parallel Requests"): the first step of it
    # with code to run is that work, unless a rule above placed it or it reduces,
    # changes shared state or goes in order. Not the skill's own title (level 1: the
    # whole skill, "Terraform Search and Bulk Import").
    placed = {i for g in groups for i in g.members}
    batched: set[int] = set()
    for step in steps:
        if step.index in taken or step.index in placed or step.dlp is not None or not step.code:
            continue
        section = next((s for s in reversed(step.chain)
                        if s.level.value.data > 1 and r.batch_title.search(s.title.data)), None)
        if section is None or id(section) in batched:
            continue
        batched.add(id(section))  # (one group per section: its first runnable step)
        title_words = set(_TITLE_WORD.findall(section.title.data.lower()))
        if step.mutating_code or step.sequential or step.reduction \
                or not title_words.isdisjoint(_BATCH_VETO) or not title_words.isdisjoint(r.reduction_verbs):
            continue  # "Concatenate batches into one input", "Select batch": about the batch, not its work
        over = section.title.data
        dlp = Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed", lanes=dlp_lanes(step.code, r),
                  mechanism=dlp_mechanism(step.langs),
                  reason=f"section '{over}' does its work over a batch of items; items do not depend on each other")
        step.dlp = dlp  # (so that no rule below also reads its calls as a group of their own)
        groups.append(Group("dlp", [[step.index]], dlp.reason, dlp=dlp, evidence="batch-section"))
    # independent tool calls inside one step
    for step in steps:
        if step.dlp is None and step.index not in taken and step.index + 1 not in taken:
            # (a step right before a group is its umbrella: "Run these checks concurrently:")
            why = _calls_in_one_step(step, r)
            if why:
                groups.append(Group("ilp", [[step.index]], why, evidence="calls-in-one-step"))
    # files a step lists to look up ("Check the manifests: `pyproject.toml`, `go.mod`, ...");
    # consecutive such steps are one batch of reads
    readers = [s.index for s in steps if s.dlp is None and s.index not in taken
               and not any(g.members == [s.index] for g in groups) and _reads_in_one_step(s, r)]
    for run in _consecutive(readers, by_index):
        why = _reads_in_one_step(by_index[run[0]], r)
        if len(run) > 1:
            why = f"steps {step_span(run)} each look up listed files; none reads another's"
        groups.append(Group("ilp", [[i] for i in run], why, evidence="reads-in-one-step"))
    groups.sort(key=lambda g: (g.members[0], g.kind != "dlp"))
    return groups


_PER_ITEM = re.compile(r"\b(?:per|each|every|the following)\b", re.IGNORECASE)
"""The list is what every sub-agent does ("one subagent per source", "each doing the
following"), not a list of different agents ("Launch subagents with different approaches:")."""
_EACH_AGENT_LEAD = re.compile(r"\s*(?:each|every)\s+(?:one|(?:sub-?)?agent|worker|reviewer)\b[^.!?]{0,30}:\s*$",
                              re.IGNORECASE)
"""A lead-in sentence that only opens what every sub-agent does ("Each subagent should:")."""
_LEAD_LINE = re.compile(r"[^\n]{1,80}:[*_]*")
"""A line of its own that only leads into a list ("For each `(claim, voter)`:", "Steps:")."""
_POINTER = re.compile(r"\s*(?:\*\*)?(?:for [^,.]{0,60}, )?see\b", re.IGNORECASE)
"""A sentence that only points elsewhere ("See references/x.md.", "For details, see ...")."""
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
_BATCH_VETO = frozenset({"select", "choose", "pick", "plan", "size", "sizes"})
"""Title words of a section that chooses or sizes a batch rather than processing it."""


def _umbrella_in(run: list[int], by_index: dict[int, StepFacts], r: Rules) -> int | None:
    """The position in `run` of a step that introduces the steps after it as parallel
    ("Run these checks at the same time:"), with at least two after it, or None: a line
    of its own before a list ("Run these checks in parallel:" then "1. ...", "2. ..."),
    or a numbered step before its numbered siblings ("2. Run these three checks
    concurrently:" then "3. ...", "4. ..."). It ends in a colon and holds no code."""
    for position, index in enumerate(run[:-2]):
        step, after = by_index[index], by_index[run[position + 1]]
        if not step.text.rstrip().endswith(":") or step.op.nested_ops:
            continue
        numbered = step.op.ordinal is not None
        if numbered:
            introduces = after.op.ordinal is not None
        else:
            introduces = position == 0 and not _LIST_ITEM.match(step.text) \
                and (after.op.ordinal is not None or _LIST_ITEM.match(after.text) is not None)
        if introduces and cue(r.parallel, step.text, r, step.lowered):
            return position
    return None


def _own_subagent(step: StepFacts, r: Rules) -> bool:
    """Does the step go to a sub-agent of its own ("... the backend as a sub-agent"),
    without saying its work goes in order?"""
    return cue(r.subagent_step, step.text, r, step.lowered) and not step.sequential


def _fan_out(step: StepFacts, r: Rules) -> str:
    """Why one step hands its work to several sub-agents at once, or "": a sentence of
    it says so, not negated ("instead of spawning one agent per file") nor ordered."""
    for text, lowered in step_texts_lowered(step):
        if not may_match(r.fan_out_check, text, lowered):
            continue  # none of the words every match of the cue holds
        for sentence in sentences(text):
            if cue(r.fan_out, sentence, r) and not cue(r.sequential, sentence, r):
                said = r.fan_out.search(sentence).group(0)
                return f"step {step.index} fans its work out to sub-agents ('{said}')"
    return ""


def _fans_out_per_item(intro: str, r: Rules) -> str:
    """What the sentence that leads into a list (the last of the text before it) says
    when it hands each item to a sub-agent ("For each angle, dispatch a subagent that
    does the following:", "fan out one subagent per source"), or "": the fan-out cue,
    not negated nor ordered, and saying the list is per item or per agent ("per", "each",
    "the following"). An earlier sentence does not count: "spawn reviewers to
    challenge it. Apply this filter to each finding they raise:" leads into a filter. A
    pointer after it ("For the call shape, see tools.md.") is passed over, and so is a
    sentence that only opens the list ("Each subagent should:"): the one before says it."""
    paragraphs = intro.rstrip().rsplit("\n\n", 2)
    paragraph = paragraphs[-1]
    if len(paragraphs) > 1 and _LEAD_LINE.fullmatch(paragraph.strip()):
        paragraph = paragraphs[-2]  # "Fan out one subagent per pair. <blank line> For each pair:"
    if not paragraph or not may_match(r.fan_out_check, paragraph, paragraph.lower()):
        return ""
    said = [t for t in sentences(paragraph) if t.strip() and not _POINTER.match(t)]
    if len(said) > 1 and _EACH_AGENT_LEAD.match(said[-1]):
        said.pop()  # "Use one subagent per PR. Each subagent should:": the sentence before says it
    last = said[-1] if said else ""
    if cue(r.fan_out, last, r) and not cue(r.sequential, last, r) and _PER_ITEM.search(last):
        return " ".join(r.fan_out.search(last).group(0).split())
    return ""


def _calls_in_one_step(step: StepFacts, r: Rules) -> str:
    """Why one step's tool calls are independent of each other, or "": its text says
    to run several calls at once ("Run all applicable tools simultaneously"), or to run
    all of them ("Run all four checks") from a code block of two or more commands that
    change nothing and pass nothing to each other. Not when the step says its work goes
    in order (read only once there is a candidate)."""
    if step.text.rstrip().endswith(":") and not step.code:
        return ""  # an umbrella step: its calls are the steps after it
    if _says_calls_at_once(step, r):
        return "" if step.sequential else "the text runs several tool calls at once"
    if not step.code or step.mutating_code:
        return ""
    lead = step.lead
    match = r.several_calls.search(lead) if may_match(r.several_calls_check, lead, lead.lower()) else None
    if match is None:
        return "" if step.sequential else _lookups_in_one_step(step, r)
    if step.sequential:
        return ""
    script = read_shell(step.code)
    commands = [c for c in script.commands if c.name and not c.nested]
    if len(commands) < 2 or len({c.pipeline for c in commands}) < 2:
        return ""
    if any(c.assignments for c in script.commands) or "$(" in step.code or "`" in step.code:
        return ""  # one command's output feeds another
    return f"'{match.group(0)}': {len(commands)} commands that change nothing and pass nothing to each other"


_QUIET = frozenset({"/dev/null", "&1", "&2"})


_LOOKUPS_AT_LEAST = 3
"""Look-up lines that make a block a batch (two are as often a first choice and its
fallback: "ls -d .worktrees; ls -d worktrees", the first found wins)."""


def _ordered(step: StepFacts, r: Rules) -> bool:
    """Does any text of the step order its work ("read `a.md`, then `b.md`")?"""
    return any(r.ordering.search(text) for text in step_texts(step))


def _lookups_in_one_step(step: StepFacts, r: Rules) -> str:
    """Why one step's shell block is a batch of look-ups, or "": three or more commands,
    each on a line of its own, each a command that only reads (`lookup_commands`: `git
    status`, `ls`, `gh pr view`, not with a flag that writes), that set nothing and pass
    nothing to each other (no pipe between lines, no `$(...)`, no file written); not when
    the step orders them ("then")."""
    if any(language_family(lang) not in ("shell", "plain") for lang in step.langs) \
            or "$(" in step.code or "`" in step.code:
        return ""
    script = read_shell(step.code)
    commands = [c for c in script.commands if not c.nested]
    if script.functions or any(c.assignments or not c.name for c in commands):
        return ""
    lines: set[int] = set()
    for command in commands:
        words = command.words[command.start:]
        if not any(tuple(words[:len(prefix)]) == prefix for prefix in r.lookup_commands.get(words[0], ())) \
                or r.lookup_writes.search(command.text) \
                or any(d.target not in _QUIET for d in command.redirects if ">" in d.op):
            return ""
        lines.add(command.line)
    if len(lines) < _LOOKUPS_AT_LEAST or len({c.pipeline for c in commands}) < 2 or _ordered(step, r):
        return ""
    return f"{len(lines)} look-up commands on lines of their own that change nothing and pass nothing to each other"


_NAMED_FILE = re.compile(r"`(?:\$\{?\w+\}?/|\{\w+\}/)?((?:[\w.~-]*/)*[\w~-][\w.-]*\.[A-Za-z][\w]{0,7}|(?:[\w.~-]+/)+[\w.*-]*|\.[\w-]+(?:\.[\w-]+)*)`"
                         r"(?:\s*/\s*`[^`\n]+`)*")
"""A file or folder named in backticks (`pyproject.toml`, `./references/a.md`, `docs/adr/`,
`.env`), with the alternatives slashed after it (`a.toml` / `b.json`: one look-up)."""
_LISTED_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\*\*[^*\n]{1,40}\*\*:?|[A-Z][\w /+-]{0,30}:)?[ \t]*(`[^\n]*)$",
                          re.MULTILINE)
"""A list item that opens with a backticked name, maybe after a label ("- Python: `a.toml`, ...")."""
_READS_AT_LEAST = 3
"""Listed files that make a step a batch of reads; two when both are files (not
folders) and the step writes nothing ("Read `SRS_Draft.md` and `HLD.md`", not "List
the files in `data/` and save their names to `files.txt`")."""
_LIST_HEAD = re.compile(r"\n[ \t]*(?:[-*+]|\d+[.)])[ \t]")
"""Where a list starts in a step's text (what comes before it is its lead-in)."""


def _listed_files(step: StepFacts) -> set[str]:
    """How many files the step lists to look up: named in its first sentence ("Read
    `a.md`, `b.md` and `c.md`"), in the list items its lead-in introduces with a colon that
    open with a name ("Check the manifests: - `pyproject.toml` ..."), or in lines that each
    open with the step's verb ("Read `a.md` for ... / Read `b.md` for ...")."""
    texts = step_texts(step)
    head = _LIST_HEAD.split(step.lead, 1)[0]
    first = first_sentence(head)
    found = {m.group(1) for m in _NAMED_FILE.finditer(first)}
    # files named without backticks too ("Read vision.md, features.md and README.md"): bare
    # names only (a link's target repeats its text's file, `modes/{mode}.md` is a pattern)
    found.update(m.group(1) for m in path_matches(_NAMED_FILE.sub(" ", first)) if "/" not in m.group(1))
    if head.rstrip().endswith(":"):
        after = step.op.next_op  # (the list a lead-in names may be plain text after the step: "Read from `dir/`: - `a.md` ...")
        if type(after) is TextOp:
            texts = [*texts, after.text.data]
        for text in texts:
            for item in _LISTED_ITEM.finditer(text):
                found.update(m.group(1) for m in _NAMED_FILE.finditer(item.group(1)))
    for line in _verb_line(step.verb).finditer(texts[0]):
        found.update(m.group(1) for m in _NAMED_FILE.finditer(line.group(1)))
    return found


@cache
def _verb_line(verb: str) -> re.Pattern[str]:
    """A line that opens with `verb` and names something in code soon after ("Read
    `b.md` for ..."), compiled once per verb."""
    return re.compile(r"^[ \t]*" + re.escape(verb) + r"\b[^`\n]{0,12}(`[^`\n]+`)", re.IGNORECASE | re.MULTILINE)


def _reads_in_one_step(step: StepFacts, r: Rules) -> str:
    """Why one step's reads are look-ups to issue together, or "": its verb looks
    something up ("Read", "Check", "Look at") and it lists three or more files to read
    (`_listed_files`: "Check dependency manifests: - `pyproject.toml`, `package.json` ...");
    not when it orders them, changes anything, or is a step of a sequence."""
    if step.verb not in r.lookup_verbs or step.sequential or step.mutating_code or step.code:
        return ""
    files = _listed_files(step)
    count = len(files)
    if count < _READS_AT_LEAST and not (count == 2 and not step.defs and not any(f.endswith("/") for f in files)):
        return ""
    if _ordered(step, r):
        return ""  # "read `a.md`, then `b.md`"
    return f"'{step.verb}' looks up {count} listed files that do not depend on each other"


def _one_lookup(step: StepFacts, r: Rules) -> bool:
    """Is the step a numbered step that looks one thing up with one code block of read-only
    commands ("3. Fetch org issue fields:" and a `gh api` call)?"""
    return (step.verb in r.lookup_verbs and step.runnable_blocks == 1 and step.kind == "tool"
            and step.op.ordinal is not None  # (a numbered step, not an example under a bold title)
            and not (step.mutating_code or step.sequential or step.side_effect or step.reduction))


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.-]*)\}|<([A-Za-z_][\w-]*)>|\$\{?([A-Za-z_]\w*)|\b([A-Z_][A-Z0-9_]+)=")
"""What a command leaves to be filled: `{org}`, `<number>`, `$PR`, or a variable it sets (`PR=`)."""


_ASSIGNED = re.compile(r"^[ \t]*(?:(?:const|let|var)\s+)?([A-Za-z_]\w*)\s*=(?!=)|\b(?:const|let|var)\s+([A-Za-z_]\w*)",
                       re.MULTILINE)
"""A name a code block sets (`drug_id = ...`, `const rows = ...`): a later block that
names it uses what this one found."""
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def _holes(text: str) -> set[str]:
    return {next(g for g in m.groups() if g).lower() for m in _PLACEHOLDER.finditer(text)}


def _feeds(run: list[int], steps: list[StepFacts], by_index: dict[int, StepFacts]) -> bool:
    """Does a step of `run` need a value that first shows up in an earlier step of it (a
    placeholder or variable no step before the run names)?"""
    known: set[str] = set()
    for step in steps:
        if step.index >= run[0]:
            break
        known |= _holes(step.text) | _holes(step.code) | _holes(step.intro)
    made: set[str] = set()
    assigned: set[str] = set()
    for i in run:
        step = by_index[i]
        holes = _holes(step.text) | _holes(step.code)
        if holes & made or (assigned and assigned & set(_IDENTIFIER.findall(step.code))):
            return True
        made |= holes - known
        assigned |= {next(g for g in m.groups() if g) for m in _ASSIGNED.finditer(step.code)}
    return False


def _says_calls_at_once(step: StepFacts, r: Rules) -> bool:
    """Does a sentence of the step say to run several tool calls at once ("Run all
    applicable tools simultaneously")?"""
    for text, _ in parallel_hinted_texts(step, r):
        for sentence in sentences(text):
            if r.call_nouns.search(sentence) and cue(r.parallel, sentence, r) and not cue(r.sequential, sentence, r):
                return True
    return False


def claim_group(group: Group, groups: list[Group], taken: set[int], steps: list[StepFacts]) -> None:
    if group.join is None:
        # the step after the members; but for two or more, the first later step that
        # reads what every one of them made ("Summarize the problems from `ruff.json`,
        # `mypy.txt`, ..."), as the fan-in rule gives it
        last = max(group.members)
        members = set(group.members)
        later = [step for step in steps if step.index > last]
        reader = next((step for step in later if members <= step.producers()), None) \
            if len(members) > 1 else None
        group.join = reader.index if reader is not None else later[0].index if later else None
    groups.append(group)
    taken.update(group.members)


def step_span(run: list[int]) -> str:
    """Steps in a run as a reader says them: "3-7", or "3 and 4" for two."""
    return f"{run[0]}-{run[-1]}" if len(run) > 2 else " and ".join(map(str, run))


def try_group(units: list[list[int]], by_index: dict[int, StepFacts], taken: set[int], r: Rules,
         why: str, titles: list[str] | None = None) -> Group | None:
    units = [u for u in units if u]
    if len(units) < 2 or any(i in taken for u in units for i in u):
        return None
    facts = [[by_index[i] for i in u] for u in units]
    if any(s.sequential for u in facts for s in u):
        return None
    if not independent_units(units, by_index, r, titles):
        return None
    singles = all(len(u) == 1 for u in facts)
    if singles and all(ilp_member(u[0], r, first=True) for u in facts):
        members = [u[0] for u in units]
        return Group("ilp", units, f"{why}; steps {step_span(members)} are single tool calls with no data flow between them",
                     evidence="text")
    if any(all(s.kind == "think" for s in u) for u in facts):
        return None
    for unit in facts:
        for step in unit:
            if step.mutating_code or step.verb in r.shared_state_verbs:
                return None
    what = "branches" if not singles else "steps"
    return Group("tlp", units, f"{why}; the {what} share no artifacts, do not refer to each other "
                 "and do not touch shared state", evidence="text")


def ilp_member(step: StepFacts, r: Rules, *, first: bool) -> bool:
    if step.kind != "tool" or step.side_effect or step.mutating_code or step.sequential:
        return False
    if step.reduction or step.verb in r.shared_state_verbs:
        return False
    return first or not (step.after_previous or step.refs)


def independent_units(units: list[list[int]], by_index: dict[int, StepFacts], r: Rules,
                 titles: list[str] | None = None) -> bool:
    owner = {i: k for k, unit in enumerate(units) for i in unit}
    written: dict[str, int] = {}
    for k, unit in enumerate(units):
        for position, i in enumerate(unit):
            step = by_index[i]
            for producer, _ in step.uses:
                if owner.get(producer, k) != k:
                    return False
            for ref in step.refs:
                if owner.get(ref, k) != k:
                    return False
            if position == 0 and k > 0 and (step.after_previous or step.refs):
                return False
            for path in step.defs:
                if written.setdefault(path, k) != k:
                    return False
    if titles:
        keys = [_title_keys(t) for t in titles]
        shared = set.intersection(*keys) if keys else set()
        for k, unit in enumerate(units):
            others = set().union(*(keys[j] for j in range(len(keys)) if j != k)) - shared - keys[k]
            if not others:
                continue
            for i in unit:
                words = {w.lower() for w in _TITLE_WORD.findall(by_index[i].text)}
                if words & others:
                    return False
    return True


def _title_keys(title: str) -> set[str]:
    return {w.lower() for w in _TITLE_WORD.findall(title) if w.lower() not in _STOP}


def _cut(run: list[int], by_index: dict[int, StepFacts]) -> list[int]:
    """The leading part of a run before the first step that depends on the ones above it
    (an ordering word, a step reference, an artifact from the run, or a reduction)."""
    members: list[int] = []
    for i in run:
        step = by_index[i]
        if members and (step.after_previous or step.refs or step.reduction
                        or step.producers() & set(members)):
            break
        members.append(i)
    return members


def _sections(skill: SkillOp):
    for op in skill.walk():
        if isinstance(op, SectionOp):
            yield op


def _child_sections(section: SectionOp) -> list[SectionOp]:
    block = section.body.blocks.first
    return [op for op in block.ops if isinstance(op, SectionOp)] if block else []


def _section_intro(section: SectionOp) -> str:
    block = section.body.blocks.first
    parts = []
    if block is not None:
        for op in block.ops:
            if isinstance(op, TextOp):
                parts.append(op.text.data)
            else:
                break
    return "".join(parts)


def _runs(steps: list[StepFacts]) -> list[list[int]]:
    """Maximal runs of steps that follow each other in one block with no prose between."""
    runs: list[list[int]] = []
    for step in steps:
        if runs:
            prev = steps[runs[-1][-1] - 1]
            if prev.block is step.block and not step.intro and prev.index == step.index - 1:
                runs[-1].append(step.index)
                continue
        runs.append([step.index])
    return runs


def _contiguous_run(indexes: list[int], by_index: dict[int, StepFacts]) -> list[int]:
    run = [indexes[0]]
    for i in indexes[1:]:
        if i == run[-1] + 1 and not by_index[i].intro:
            run.append(i)
        else:
            break
    return run


def _consecutive(indexes: list[int], by_index: dict[int, StepFacts]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indexes:
        if runs and i == runs[-1][-1] + 1 and by_index[i].block is by_index[runs[-1][-1]].block \
                and not by_index[i].intro:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs
