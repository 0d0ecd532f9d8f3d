"""Walk a `skill.skill` and infer what each part demands (rules in `rules`).

Every finding is anchored to the op it describes:

- a step (its text and the code blocks and prose nested in it): `cap.require` goes
  in the step's region;
- any other content op (a code block, a paragraph, a binding rule outside a step):
  `cap.require` goes right after it;
- the skill as a whole (procedure structure, binding constraints): `cap.require`
  goes at the top of the skill's body.

Per anchor, one requirement per primitive survives: the highest level, with the
evidence and rule that gave it. `infer_skill` is pure (reads the IR, builds
nothing); the pass `infer-capabilities` turns its result into ops.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.dialects.builtin import FileLineColLoc, StringAttr
from xdsl.ir import Operation

from skillir.capability import rules
from skillir.capability.rules import Finding
from skillir.casefold import fold
from skillir.dialects.cap import RequireOp
from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    lazy_markdown,
    region_ops,
)
from skillir.frontend.classify import block_file, is_imperative, lead_text
from skillir.frontend.classify import constraint_kind as classify_constraint
from skillir.frontend.classify import text_file_roles as classify_file_roles

_BINDING_WORDS = frozenset({"always", "critical", "do", "don't", "dont", "important", "must", "never",
                            "required", "shall", "should"})
"""A word every binding keyword (`vocabulary.json` constraint_keywords) starts with."""

POSITIVE_CONSTRAINTS = frozenset({"must", "always", "required", "important"})
"""Constraint kinds whose words are demands (a NEVER rule names what not to do)."""


@dataclass(slots=True)
class Requirement:
    """One inferred requirement, anchored to the op it annotates."""

    anchor: Operation
    prim: str
    level: int
    rule: str
    evidence: str
    line: int | None


def _line_of(op: Operation) -> int | None:
    loc = op.location
    if isinstance(loc, FileLineColLoc):
        return loc.line.data
    return None


def _text_line(op: Operation, text: str, pos: int) -> int | None:
    base = _line_of(op)
    return None if base is None else base + text.count("\n", 0, pos)


def _code_line(op: CodeOp, pos: int) -> int | None:
    base = _line_of(op)
    if base is None:
        return None
    fence = 0 if (op.open is not None and not op.open.data) else 1
    return base + fence + op.body.data.count("\n", 0, pos)


class _Collector:
    def __init__(self) -> None:
        self.by_anchor: dict[int, dict[str, Requirement]] = {}
        self.order: list[Operation] = []
        self.shell_blocks: list[tuple[CodeOp, Operation]] = []
        """Every shell code block, in document order, with the op it is anchored to."""
        self.written: set[str] = set()
        """The files (not directories) the skill's steps write (the frontend's artifacts)."""

    def add(self, anchor: Operation, finding: Finding, line: int | None) -> None:
        slot = self.by_anchor.get(id(anchor))
        if slot is None:
            slot = self.by_anchor[id(anchor)] = {}
            self.order.append(anchor)
        current = slot.get(finding.prim)
        if current is None or finding.level > current.level:
            slot[finding.prim] = Requirement(anchor, finding.prim, finding.level, finding.rule,
                                             finding.evidence, line)

    def found(self, prim: str) -> list[Requirement]:
        """The requirements of one primitive found so far, at every anchor, in order."""
        return [slot[prim] for anchor in self.order if prim in (slot := self.by_anchor[id(anchor)])]

    def requirements(self) -> list[Requirement]:
        out: list[Requirement] = []
        for anchor in self.order:
            out.extend(self.by_anchor[id(anchor)].values())
        return out


CHOICES_FOR_LOGIC = 2
"""Choices between courses of action ("if ..., use ...", "otherwise") that make a
skill demand conditional reasoning (reason.logic 1) ... Two, since phrases that choose
nothing ("everything else", "unless otherwise stated") stopped counting: on sixteen
development sets (384 skills) two against three gains 16 labelled hits for 6 false
ones; the corpus hand labels lose 1 point of precision (0.806 -> 0.800). (Two was
first tried on 191 skills, before that fix: 14 for 4, and the corpus lost 4 points.)"""
CHOICES_FOR_LOGIC_2 = 3
"""... and that make it several interacting conditions (reason.logic 2). Three (was
five, set when one choice fewer made level 1): on sixteen development sets the level is
exact for 17 more of the 179 right reason.logic (level exact 0.620 -> 0.628), for two
primitives fewer through the learned opinion, which reads the rules' levels."""


LONG_TEMPLATE_SECTIONS = 5
"""A document template with at least this many headings asks for a long, structured
output (gen.text.long 2: 1-5 KB with structure)."""
LONGER_TEMPLATE_SECTIONS = 8
"""... and with at least this many, a document over 5 KB whose parts must all stay
delimited (gen.text.long 3). Nine devset sets: of the skills with such a template
that the labels give the primitive, 4 labelled 3 made exact, 1 labelled 2 made 3."""

MIN_IMPERATIVE_STEPS = 3
"""A plain numbered sequence (no branches, no loops) is a procedure the model must
follow only when at least this many of its items tell it to do something (a verb in
the imperative); numbered lists of what a tool does, of options or of rules are not."""

LONG_PROCEDURE = 5
"""Steps that make a procedure without branches or loops follow.procedure 2 (the
catalog's "5-7 steps"). It was 8: on the development sets (fresh27 and fresh28 left
out) the labels gave the skills this rule put at level 1 with 5 to 7 steps level 2 (31)
or 3 (22) and level 1 twice; with 3 or 4 steps, 1 (18), 2 (10), 3 (7)."""


class _Procedure:
    """What the skill's procedures look like, gathered during the walk."""

    def __init__(self) -> None:
        self.max_ordinal = 0
        self.imperative_steps = 0
        self.first_step: tuple[Operation, str] | None = None
        self.step_headings = 0
        self.numbered_block = 0
        self.branch: tuple[Operation, str, int] | None = None
        self.loop: tuple[Operation, str, int] | None = None
        self.verify: tuple[Operation, str, int] | None = None
        self.repeat: tuple[Operation, str, int] | None = None
        """Where a step says to repeat work until it holds (`rules.REPEAT`)."""
        self.constraints: list[ConstraintOp] = []
        self.bound: list[tuple[Operation, str]] = []
        """Steps and paragraphs that carry a binding word ("DO NOT truncate the lists")."""
        self.texts: list[tuple[Operation, str]] = []
        self.choices = 0
        self.first_choice: tuple[Operation, str, int] | None = None
        self.decision_tree = False
        self.forbidden: dict[str, tuple[Operation, str, int]] = {}
        """What prohibitions name in code (`rules.forbidden_named`), each with where it is first forbidden."""

    def note_prohibitions(self, op: Operation, text: str) -> None:
        """Note the named things (commands, options, APIs) a text forbids."""
        for match in rules.forbidden_named(text):
            self.forbidden.setdefault(match.group(1), (op, text, match.start()))

    def note_binding(self, op: Operation, text: str, tokens: set[str] | None = None) -> None:
        if tokens is not None and tokens.isdisjoint(_BINDING_WORDS):
            return  # no binding keyword can be in it (the cheap test first)
        if classify_constraint(text) is not None:
            self.bound.append((op, text))

    def note_choices(self, op: Operation, text: str) -> None:
        """Count the choices between courses of action a text spells out."""
        found = rules.choices(text)
        if found and self.first_choice is None:
            self.first_choice = (op, text, found[0].start())
        self.choices += len(found)

    def note_text(self, op: Operation, text: str, *, in_procedure: bool,
                  tokens: set[str] | None = None) -> None:
        if in_procedure and (self.branch is None or self.loop is None or self.verify is None
                             or self.repeat is None):
            if tokens is None:
                tokens = rules.tokens_of(text)
            branch = self.branch is None and not tokens.isdisjoint(rules.BRANCH_WORDS)
            loop = self.loop is None and not tokens.isdisjoint(rules.LOOP_WORDS)
            verify = self.verify is None and not tokens.isdisjoint(rules.VERIFY_WORDS)
            repeat = self.repeat is None and not tokens.isdisjoint(rules.REPEAT_WORDS)
            if branch or loop or verify or repeat:  # (most texts hold no cue word: no fold)
                folded = fold(text)
                if branch and (at := rules.branch_at(text, folded)) is not None:
                    self.branch = (op, text, at)
                if loop and (at := rules.cue_at(rules.LOOP, text, folded)) is not None:
                    self.loop = (op, text, at)
                if verify and (at := rules.cue_at(rules.VERIFY, text, folded)) is not None:
                    self.verify = (op, text, at)
                if repeat and (at := rules.cue_at(rules.REPEAT, text, folded)) is not None:
                    self.repeat = (op, text, at)
        self.texts.append((op, text))

    def find_conflict(self) -> tuple[Operation, str, int] | None:
        """The first words that show a rule fighting the model's habits. (Text by text:
        a search of all the texts joined first costs more than it spares, as most texts
        fail `prior_conflict`'s phrase test before its regex.)"""
        for op, text in self.texts:
            if (m := rules.prior_conflict(text)) is not None:
                return op, text, m.start()
        return None


class _AlreadyInferred(Exception):
    """The skill already carries requirements."""


def infer_skill(skill: SkillOp, markdown: Callable[[], str] | None = None) -> list[Requirement]:
    """Every requirement of one skill, anchored, in document order (empty when the
    skill already carries `cap.require` ops). `markdown`: the skill's text on demand
    (`lazy_markdown`), when the caller shares it."""
    collector = _Collector()
    procedure = _Procedure()
    try:
        _walk(region_ops(skill.body), collector, procedure, True)
    except _AlreadyInferred:
        return []
    _structured_levels(collector)
    for finding in _description_findings(skill):
        collector.add(skill, finding, 1)
    for finding, _op, line in _skill_wide(procedure):
        collector.add(skill, finding, line)
    _chained_blocks(collector)
    skill_text = markdown or lazy_markdown(skill)  # made once, if a rule below needs it
    for skill_wide_level in (_many_reads, _many_writes, _chained_commands, _several_formats, _spelled_out_call):
        found = skill_wide_level(skill_text, collector)
        if found is not None:
            collector.add(skill, *found)
    # skill-wide requirements first: they are printed at the top of the body
    reqs = collector.requirements()
    return [r for r in reqs if r.anchor is skill] + [r for r in reqs if r.anchor is not skill]


def _walk(ops, collector: _Collector, procedure: _Procedure, procedural: bool) -> None:
    """`procedural`: steps here count as the skill's procedure (not so under
    headings such as 'Tips', 'Best practices', 'Examples')."""
    ops = tuple(ops)
    has_steps = procedural and any(type(op) is StepOp and op.ordinal is not None for op in ops)
    numbered = _numbered_headings(ops) if procedural else frozenset()
    for op in ops:
        kind = type(op)
        if kind is SectionOp:
            title = op.title.data
            inner = procedural and not rules.NON_PROCEDURE_SECTION.search(title)
            if inner and (_is_step_heading(title) or op in numbered):
                procedure.step_headings += 1
                procedure.note_text(op, title, in_procedure=True)
                if procedure.first_step is None:
                    procedure.first_step = (op, title)
                _step_title(op, title, collector)
            _heading_rules(op, collector)
            if _BINDING_TITLE.match(title):
                _note_listed_rules(op, procedure)
            _walk(region_ops(op.body), collector, procedure, inner)
        elif kind is StepOp:
            _step(op, collector, procedure, procedural)
        elif kind is CodeOp:
            _code(op, op, collector, procedure if procedural else None)
            if rules.is_decision_tree(op.body.data):
                procedure.decision_tree = True
        elif kind is TextOp:
            text = op.text.data
            tokens = _prose(op, op, text, collector)
            procedure.note_binding(op, text, tokens)
            procedure.note_prohibitions(op, text)
            procedure.note_text(op, text, in_procedure=has_steps, tokens=tokens)
            procedure.note_choices(op, text)
        elif kind is ConstraintOp:
            _constraint(op, procedure, collector)
        elif kind is RequireOp:
            raise _AlreadyInferred


_BINDING_TITLE = re.compile(
    r"^\W*(?:must(?:\s+not)?(?:\s+do)?|never|always|do\s+not|don'?ts?|do'?s\s+and\s+don'?ts|"
    r"(?:[\w-]+\s+)?(?:constraints|rules|guardrails))\W*$", re.IGNORECASE)
"""A heading that makes the list under it binding ("MUST DO", "MUST NOT DO",
"Constraints", "Authoring Rules")."""
_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S", re.MULTILINE)


def _note_listed_rules(section: SectionOp, procedure: _Procedure) -> None:
    """Each item of a list directly under a binding heading is a binding rule."""
    for op in region_ops(section.body):
        if type(op) is TextOp:
            for _ in _LIST_LINE.finditer(op.text.data):
                procedure.bound.append((op, op.text.data))
        elif type(op) is StepOp:  # a list item the frontend made a step
            procedure.bound.append((op, op.text.data))


_TRIGGER_CLAUSE = re.compile(r"\b(?:use (?:this|it|when|whenever|for|if)|triggers?\b|trigger(?:ed)? (?:on|when|by))", re.IGNORECASE)
DESCRIPTION_PRIMITIVES = frozenset({"tool.web", "tool.browser"})
"""What the front matter's description can demand on its own: the tools the skill's work
uses as it describes that work ("Verifies claims using web search"), and the language the
work is written in when it names a JavaScript framework (`rules.described_code`). Its
trigger clause ("Use when the user asks ...") describes requests, not work, and is not read."""
DESCRIBED_WORK = frozenset({"reason.analysis", "gen.text.long"})
"""... except for the analysis or the long document the whole description says the skill is
for ("Use when debugging failing tests", "Review UI code for guideline compliance", "creates
comprehensive architectural documentation"). Fourteen devset sets: reason.analysis
105/31/41 -> 113/36/33 (tp/fp/fn), gen.text.long 18/20/21 -> 19/20/20; corpus hand labels
unchanged; of 6,430 public skills 107 gain the first (about seven in ten read as right) and
13 the second (blueprint and documentation generators). The other primitives were measured
the same way and left: follow.format fires on the file formats a description names
("dgCMatrix", "bigWig"), gen.regex on a tool's "JSON/regex outputs"."""


def _description_findings(skill: SkillOp) -> list:
    description = skill.metadata.data.get("description")
    if not isinstance(description, StringAttr):
        return []
    work = _TRIGGER_CLAUSE.split(description.data, 1)[0]
    # the analysis (or long document) a skill is for is the model's work, in its trigger
    # clause too ("Use when debugging failing tests", "Review UI code for compliance")
    whole = rules.analyze_prose(description.data)
    in_work = whole if work == description.data else rules.analyze_prose(work)
    return ([f for f in in_work if f.prim in DESCRIPTION_PRIMITIVES] + rules.described_code(work)
            + [f for f in whole if f.prim in DESCRIBED_WORK])


def _is_step_heading(title: str) -> bool:
    """'Step 2: ...', 'Phase 1', or a numbered imperative heading ('1) Inspect ...')."""
    match = rules.STEP_HEADING.match(title)
    if match is None:
        return False
    if not title[:1].isdigit():
        return True
    rest = title[match.end():].strip()
    return rest.lower().startswith("if ") or is_imperative(rest, in_list=True)


_NUMBERED_TITLE = re.compile(r"^(\d+)[.)]\s")


def _numbered_headings(ops: tuple[Operation, ...]) -> frozenset[Operation]:
    """Sibling headings numbered 1, 2, 3 ... in order ("### 1. Inventory", "### 2.
    Triage", "### 3. Verdicts"): a sequence of phases whatever the words after the
    numbers (a noun names a phase as well as a verb does)."""
    run: list[Operation] = []
    best: list[Operation] = []
    last: int | None = None
    for op in ops:
        if type(op) is not SectionOp:
            continue
        match = _NUMBERED_TITLE.match(op.title.data)
        number = int(match.group(1)) if match else None
        if number is not None and run and last is not None and number == last + 1:
            run.append(op)
        else:
            run = [op] if number in (0, 1) else []
        last = number
        if len(run) > len(best):
            best = list(run)
    return frozenset(best) if len(best) >= 3 else frozenset()


def _step(step: StepOp, collector: _Collector, procedure: _Procedure, procedural: bool) -> None:
    text = step.text.data
    if step.results:
        collector.written.update(path for out in step.outputs if not (path := out.type.path.data).endswith("/"))
    if procedural:
        if step.ordinal is not None:
            procedure.max_ordinal = max(procedure.max_ordinal, step.ordinal.value.data)
            if is_imperative(text, in_list=True):
                procedure.imperative_steps += 1
            if procedure.first_step is None:
                procedure.first_step = (step, text)
    # a list item under 'Tips' or 'Best practices' still asks for what it names
    tokens = _prose(step, step, text, collector)
    procedure.note_binding(step, text, tokens)
    procedure.note_prohibitions(step, text)
    if procedural:
        procedure.note_text(step, text, in_procedure=True, tokens=tokens)
    procedure.note_choices(step, text)
    for nested in (region_ops(step.body) if step.body is not None else ()):
        if isinstance(nested, CodeOp):
            _code(nested, step, collector, procedure if procedural else None)
            if rules.is_decision_tree(nested.body.data):
                procedure.decision_tree = True
        elif isinstance(nested, TextOp):
            procedure.note_choices(nested, nested.text.data)
            procedure.note_prohibitions(nested, nested.text.data)
            tokens = _prose(nested, step, nested.text.data, collector)
            if procedural:
                procedure.note_text(nested, nested.text.data, in_procedure=True, tokens=tokens)
        elif isinstance(nested, ConstraintOp):
            _constraint(nested, procedure, collector)  # a rule the step's own blocks state
        elif isinstance(nested, RequireOp):
            raise _AlreadyInferred


def _constraint(op: ConstraintOp, procedure: _Procedure, collector: _Collector) -> None:
    procedure.constraints.append(op)
    text = op.text.data
    procedure.note_choices(op, text)
    procedure.note_prohibitions(op, text)
    if op.kind.data in POSITIVE_CONSTRAINTS:
        _prose(op, op, text, collector)
    else:
        for finding in rules.prohibition_findings(text):
            collector.add(op, finding, _text_line(op, text, finding.pos))
    procedure.note_text(op, text, in_procedure=False)


def _prose(source: Operation, anchor: Operation, text: str, collector: _Collector) -> set[str]:
    """Add the requirements a text names; returns the text's words."""
    findings, tokens = rules.analyze_prose_words(text)
    for finding in findings:
        collector.add(anchor, finding, _text_line(source, text, finding.pos))
    return tokens


_INPUT_WORDS = re.compile(r"\b(?:inputs?|responses?|returns?|output of|(?:repomix|tool|command|api) output|looks like|receives?)\b|\bis:\s*$",
                          re.IGNORECASE)


def _lead_in(code: CodeOp) -> tuple[str, str]:
    """(the end of the paragraph right before a code block, the title of the section
    it stands in): how the text presents the block."""
    prev = code.prev_op
    before = prev.text.data[-200:].rstrip() if isinstance(prev, TextOp) else ""
    parent = code.parent_op()
    return before, parent.title.data if isinstance(parent, SectionOp) else ""


def _shows_input(code: CodeOp) -> bool:
    """Does the heading or the sentence before a code block present it as something
    the model receives ("Input Schema", "The API returns:", "Every line is:")?"""
    before, title = _lead_in(code)
    return bool(_INPUT_WORDS.search(title) or _INPUT_WORDS.search(before))


def _introduces(code: CodeOp) -> bool:
    """Is a code block announced by the sentence before it ("use this structure:",
    "in this format:") or by a heading about what the model writes, its section's or
    an enclosing one ("Response Format" > "Single-Round Format", "Templates" >
    "Template 1: Standard ADR")?"""
    before, _ = _lead_in(code)
    if before.endswith(":"):
        return True
    section = code.parent_op()
    while isinstance(section, SectionOp):
        title = section.title.data.lower()
        if any(word in title for word in _FORMAT_HEADING) or _TEMPLATE_TITLE.search(title):
            return True
        section = section.parent_op()
    return False


def _code(code: CodeOp, anchor: Operation, collector: _Collector, procedure: _Procedure | None) -> None:
    body = code.body.data
    lang = code.lang.data
    family = rules.code_language(lang, body)  # read once: the findings and the procedure both need it
    if family == "shell":
        collector.shell_blocks.append((code, anchor))
    for finding in rules.analyze_code(lang, body, family):
        if finding.rule == "code.structured-sample" and not isinstance(anchor, StepOp) and _shows_input(code):
            continue  # the shape of what the model is given (an input, a response), not what it writes
        collector.add(anchor, finding, _code_line(code, finding.pos))
    if code.runnable is not None and family in ("python", "js"):
        for finding in rules.code_web(body):  # (only code the model runs: see `code_web`)
            collector.add(anchor, finding, _code_line(code, finding.pos))
    path = block_file(body, lang)
    if path is not None:  # "// src/app/page.tsx" over its content: a file the model writes
        collector.add(anchor, Finding("tool.file.write", 1, "write.file-content", path), _code_line(code, 0))
    if rules.is_document_template(lang, body) and (isinstance(anchor, StepOp) or _introduces(code)):
        collector.add(anchor, Finding("follow.format", 2, "format.template-block",
                                      rules.excerpt(body, 0, limit=70)), _code_line(code, 0))
        sections = rules.template_sections(body)
        if sections >= LONG_TEMPLATE_SECTIONS:  # a document of many parts to write
            level = 3 if sections >= LONGER_TEMPLATE_SECTIONS else 2
            collector.add(anchor, Finding("gen.text.long", level, "long.template-sections",
                                          f"a template of {sections} sections"), _code_line(code, 0))
    if procedure is None:
        return
    if family == "plain" or lang.lower() == "dot":
        numbered = len(rules.NUMBERED_LINE.findall(body))
        if numbered >= 3:
            procedure.numbered_block = max(procedure.numbered_block, numbered)
            procedure.note_text(code, body, in_procedure=True)
            if procedure.first_step is None:
                procedure.first_step = (code, body)
        elif lang.lower() == "dot" or rules.is_decision_tree(body):
            if procedure.branch is None:
                procedure.branch = (code, body, 0)


_FORMAT_HEADING = (
    "output format", "response format", "report format", "answer format", "output template",
    "response template", "report template", "output structure",
)
_TEMPLATE_TITLE = re.compile(
    r"^\W*(?:\d+[.)]?\s*)?(?:the\s+)?templates?\W*$|\b(?:message|summary|comment|document|email|pr|commit|issue|"
    r"description|changelog|post|reply|plan)\s+templates?\b|\btemplates?\b.*\b(?:follow|exactly|verbatim)\b", re.IGNORECASE)
"""A section that is the template of what the model writes ("Template", "PR description
template"), not a template of something else ("Basic AMI Template", "Task Templates")."""


def _step_title(section: SectionOp, title: str, collector: _Collector) -> None:
    """A step heading that instructs ("### Step 2: Create the config file `config.yaml`",
    "## 3. Write `SKILL.md`") asks what its words name, like a step's text: its
    findings go to the first op under it."""
    lead = lead_text(title)
    lead = _HEADING_NUMBER.sub("", lead, count=1)
    if not is_imperative(lead, in_list=True):
        return
    block = section.body.first_block
    first = block.first_op if block is not None else None
    if first is None or isinstance(first, SectionOp):
        return
    findings, _ = rules.analyze_prose_words(lead)
    for finding in findings:
        collector.add(first, finding, _line_of(section))


_HEADING_NUMBER = re.compile(r"^\s*(?:(?:step|phase|stage)\s+)?\d+(?:\.\d+)*[.):]?\s*(?:[-\u2014\u2013:]\s*)?", re.IGNORECASE)


def _heading_rules(section: SectionOp, collector: _Collector) -> None:
    title = section.title.data.lower()
    if "format" not in title and "template" not in title and "structure" not in title:
        return  # every `_FORMAT_HEADING` holds one of these words, every `_TEMPLATE_TITLE` match "template"
    if not any(word in title for word in _FORMAT_HEADING) and not _TEMPLATE_TITLE.search(title):
        return
    block = section.body.first_block
    first = block.first_op if block is not None else None
    if first is None or isinstance(first, SectionOp):
        return
    level = 3 if "exact" in title else 2
    finding = Finding("follow.format", level, "format.section", f"section '{section.title.data}'")
    collector.add(first if not isinstance(first, ConstraintOp | CodeOp | TextOp | StepOp) else first,
                  finding, _line_of(section))


def _structured_levels(collector: _Collector) -> None:
    """A demand for JSON/YAML output takes its level from the sample beside it."""
    for anchor in collector.order:
        req = collector.by_anchor[id(anchor)].get("gen.text.structured")
        if req is None:
            continue
        candidates: list[Operation] = []
        if isinstance(anchor, StepOp):
            candidates.extend(anchor.nested_ops)
        block = anchor.parent_block()
        if block is not None:
            candidates.extend(block.ops)
        for op in candidates:
            if isinstance(op, CodeOp) and rules.code_language(op.lang.data, op.body.data) == "structured":
                req.level = max(req.level, rules.structured_size_level(op.body.data))
                break


MANY_READS = 3
"""Places in a skill that each tell the model to read a file (each with its own
evidence) that make it demand reading many files: tool.file.read 2, the catalog's
"many files" where each place alone is one file (level 1). Measured on the 255 devset
skills whose labels name the primitive: level exact 23 -> 30 of 58 (two places: 32, but
the corpus hand labels lose one of their 6; four: 27)."""


MANY_FILES_NAMED = 8
"""Files a skill that tells the model to read one (tool.file.read 1) names as read (not
written: `classify.text_file_roles`) that make it demand reading many files (tool.file.read
2). Level exact, nine devset sets / the two later sets / corpus hand labels: 0.641 ->
0.652 / 0.568 -> 0.596 / 0.827 unchanged; with five files 0.653 / 0.601 / 0.808, with
three 0.654 / 0.596 / 0.798 (the later sets were scored for all three). Counting the
bundled files SKILL.md mentions instead (cheaper) gives 0.650 / 0.577 / 0.827 at six."""


def _many_reads(skill_text: Callable[[], str], collector: _Collector) -> tuple[Finding, int | None] | None:
    """A skill-wide tool.file.read 2 finding (and its line) when `MANY_READS` places
    each read one file, or the skill names `MANY_FILES_NAMED` files it reads, else None."""
    reads = collector.found("tool.file.read")
    if not reads or max(r.level for r in reads) >= 2:
        return None
    places = list(dict.fromkeys(" ".join(_WORDS.findall(r.evidence.lower())) for r in reads))
    if len(places) >= MANY_READS:
        evidence = " ... ".join(r.evidence for r in reads[:MANY_READS])
        return Finding("tool.file.read", 2, "read.several-places", evidence), reads[0].line
    named = list(dict.fromkeys(path for path, role in classify_file_roles(skill_text()) if role == "read"))
    if len(named) < MANY_FILES_NAMED:
        return None
    shown = ", ".join(f"`{p}`" for p in named[:3])
    return Finding("tool.file.read", 2, "read.many-files", f"{len(named)} files named to read, e.g. {shown}"), \
        reads[0].line


_WORDS = re.compile(r"\w+")

CHAINED_COMMAND_PLACES = 2
"""Places where a skill chains its commands (`rules.chained_command_places`: "`a x` →
`b y`", "run `a x`, then `b y`", "from step 1") that make its execution chained and
multi-step (tool.exec 3, the catalog's level 3) where the rules found level 2. Nine
devset sets: 3 skills labelled 3 made exact, 1 labelled 2 made 3 (level exact 0.652 ->
0.654); the two later sets, not used to build it: 1 and 0 (0.596 -> 0.601); corpus hand
labels unchanged; 27 of the 2,910 public skills at level 2 move. Any backticked span
(`"red"` → `"green"`, `pip show x` then `help(fn)`) instead of commands: +7/-1 on the
nine sets but 290 public skills, most of them not chains."""


def _chained_commands(skill_text: Callable[[], str], collector: _Collector) -> tuple[Finding, int | None] | None:
    """A skill-wide tool.exec 3 finding when the skill's commands are at level 2 and its
    text chains commands in `CHAINED_COMMAND_PLACES` places, else None."""
    execs = collector.found("tool.exec")
    if not execs or max(r.level for r in execs) != 2:
        return None
    places = rules.chained_command_places(skill_text())
    if places < CHAINED_COMMAND_PLACES:
        return None
    return Finding("tool.exec", 3, "exec.chained-commands", f"{places} places chain commands"), execs[0].line


SEVERAL_FORMATS = 2
"""Kinds of format constraint (`rules.format_constraint_kinds`: a length limit, a date
or id pattern, an exact shape or order, a closed set of values, the first line, an order
of items, a letter case) that make a skill whose output follows a template or schema
(follow.format 2) ask for several format constraints at once (follow.format 3, the
catalog's level 3). Nine devset sets: 9 skills labelled 3 made exact, 2 labelled 2 made
3 (level exact 0.634 -> 0.641); the two later sets, not used to build it: 2 and 0
(0.559 -> 0.568); corpus hand labels unchanged; 124 of the 1,186 public skills at
level 2 move. Generic "exactly" ("it does exactly what ...") and "lowercase" are not
format constraints: the first version counted them (+9/-5 on the nine sets)."""


MANY_WRITES = 4
"""Files the skill's steps write (the frontend's artifacts: named with a writing verb,
redirected to, given to an output flag) that make a skill that writes files demand
writing many (tool.file.write 3, the catalog's "many files"). On the development sets
(fresh27 and fresh28 left out), of the skills whose writes the rules found: with four or
more files written, 9 labelled 3, one 2 and one 1; with three, 4 labelled 3 for 5
labelled 1 or 2."""


def _many_writes(skill_text: Callable[[], str], collector: _Collector) -> tuple[Finding, int | None] | None:
    """A skill-wide tool.file.write 3 finding (and its line) when the rules found the
    skill writing files and its steps write `MANY_WRITES` files or more, else None."""
    writes = collector.found("tool.file.write")
    if not writes or max(r.level for r in writes) == 3 or len(collector.written) < MANY_WRITES:
        return None
    shown = ", ".join(sorted(collector.written)[:3])
    return Finding("tool.file.write", 3, "write.many-files-written",
                   f"{len(collector.written)} files written, e.g. {shown}"), writes[0].line


def _several_formats(skill_text: Callable[[], str], collector: _Collector) -> tuple[Finding, int | None] | None:
    """A skill-wide follow.format 3 finding (and its line) when the skill's format
    demands are at level 2 and its text sets `SEVERAL_FORMATS` kinds of format
    constraint, else None."""
    formats = collector.found("follow.format")
    if not formats or max(r.level for r in formats) != 2:
        return None
    kinds = rules.format_constraint_kinds(skill_text())
    if len(kinds) < SEVERAL_FORMATS:
        return None
    return Finding("follow.format", 3, "format.several-constraints", "; ".join(kinds)), formats[0].line


def _spelled_out_call(skill_text: Callable[[], str], collector: _Collector) -> tuple[Finding, int | None] | None:
    """A skill-wide tool.call.format 2 finding (and its line) when the skill names a harness
    tool that takes structured arguments and spells out two or more of them
    (`rules.spelled_out_call`: "Use `AskUserQuestion` ... header: ... options: ..."), and
    no rule found a structured call, else None. Sixteen development sets: 12 skills
    labelled tool.call.format gain it, none unlabelled (10 are one author's); 48 of
    6,430 public skills gain it, 40 of them one author's template; the other 8 read right."""
    calls = collector.found("tool.call.format")
    if calls and max(r.level for r in calls) >= 2:
        return None
    text = skill_text()
    found = rules.spelled_out_call(text)
    if found is None:
        return None
    tool, names, at = found
    shown = ", ".join(f"`{n}`" for n in names[:4])
    return Finding("tool.call.format", 2, "call.spelled-out-arguments", f"`{tool}` with {shown}"), \
        text.count("\n", 0, at) + 1


def _chained_blocks(collector: _Collector) -> None:
    """tool.exec 3 where a command takes a file a command of an earlier shell block
    wrote (`rules.chained_across`): the skill's runs feed one another. Measured on the
    nine devset sets (with the folder outputs of `rules._outputs`): tool.exec level
    exact on 5 more skills labelled 3, wrong on 1 labelled 2; corpus hand labels
    unchanged."""
    if len(collector.shell_blocks) < 2:
        return
    found = rules.chained_across([code.body.data for code, _ in collector.shell_blocks])
    if found is None:
        return
    index, command = found
    code, anchor = collector.shell_blocks[index]
    collector.add(anchor, Finding("tool.exec", 3, "exec.chained-blocks", rules.excerpt(command, 0)), _line_of(code))


FORBIDDEN_NAMED = 2
"""Distinct commands, options or APIs a skill forbids by name ("Do NOT use `railway
variables`", "never use a plain `<img>` tag") that make its rules go against the
model's habits (follow.constraint 3: it would reach for them). Nine devset sets: 7
skills labelled 3 made exact, none labelled 2 or lower made 3 (one forbidden: 10 labelled 3,
6 labelled 2); corpus hand labels: no firing."""


def _skill_wide(procedure: _Procedure):
    """(finding, evidence op, line) for the procedure and the binding rules."""
    steps = max(procedure.max_ordinal, procedure.step_headings, procedure.numbered_block)
    if steps >= 3 and procedure.first_step is not None:
        level, rule = 1, "procedure.sequence"
        if (procedure.step_headings < 3 and procedure.numbered_block < 3
                and procedure.imperative_steps < MIN_IMPERATIVE_STEPS
                and procedure.branch is None and procedure.loop is None):
            steps = 0  # numbered items that describe or list things, not actions to take
    if steps >= 3 and procedure.first_step is not None:
        note = f"{steps} steps"
        if procedure.loop is not None and procedure.verify is not None:
            level, rule = 3, "procedure.loop-verify"
            op, text, pos = procedure.loop
            note += f"; loops ({rules.excerpt(text, pos, limit=60)}) with verification"
        elif procedure.repeat is not None:
            level, rule = 3, "procedure.repeat-until"
            op, text, pos = procedure.repeat
            note += f"; repeats ({rules.excerpt(text, pos, limit=60)})"
        elif procedure.branch is not None or steps >= LONG_PROCEDURE:
            level, rule = 2, "procedure.branches" if procedure.branch is not None else "procedure.long"
            if procedure.branch is not None:
                op, text, pos = procedure.branch
                note += f"; branches ({rules.excerpt(text, pos, limit=60)})"
        op, text = procedure.first_step
        yield Finding("follow.procedure", level, rule, note), op, _line_of(op)
    if procedure.choices >= CHOICES_FOR_LOGIC or procedure.decision_tree:
        level = 2 if procedure.decision_tree or procedure.choices >= CHOICES_FOR_LOGIC_2 else 1
        note = f"{procedure.choices} choices between courses of action"
        if procedure.first_choice is not None:
            op, text, pos = procedure.first_choice
            note += f", e.g. {rules.excerpt(text, pos, limit=60)}"
            yield Finding("reason.logic", level, "logic.choices", note), op, _text_line(op, text, pos)
        else:
            yield Finding("reason.logic", level, "logic.decision-tree", "a decision tree"), None, None
    constraints: list[Operation] = [*procedure.constraints, *(op for op, _ in procedure.bound)]
    if len(procedure.forbidden) >= FORBIDDEN_NAMED:
        (op, text, pos), *_ = procedure.forbidden.values()
        names = ", ".join(f"`{name}`" for name in list(procedure.forbidden)[:3])
        yield Finding("follow.constraint", 3, "constraint.forbids-named",
                      f"forbids {names}: {rules.excerpt(text, pos, limit=60)}"), op, _text_line(op, text, pos)
    elif constraints:
        first = constraints[0]
        sample = rules.excerpt(first.text.data, 0, limit=70)
        conflict = procedure.find_conflict()
        if conflict is not None:
            op, text, pos = conflict
            count = f"{len(constraints)} binding rule" + ("s" if len(constraints) != 1 else "")
            note = (f"{count}; against usual habits: "
                    f"{rules.excerpt(text, pos, limit=60)}")
            yield Finding("follow.constraint", 3, "constraint.prior-conflict", note), op, \
                _text_line(op, text, pos)
        elif len(constraints) >= 2:
            yield Finding("follow.constraint", 2, "constraint.several",
                          f"{len(constraints)} binding rules, e.g. {sample}"), first, _line_of(first)
        else:
            yield Finding("follow.constraint", 1, "constraint.one", sample), first, _line_of(first)
