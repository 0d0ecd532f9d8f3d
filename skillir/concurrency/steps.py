"""Facts about each step of a skill that concurrency extraction reasons with: where it
sits, which earlier steps it reads artifacts from, the words that order it after its
predecessor, whether it is one tool call, several turns or no tool at all, whether it
has side effects, whether it maps one operation over many items (DLP), and its cost."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from xdsl.ir import Block, Operation, SSAValue

from skillir.alternatives import longest_first
from skillir.concurrency.rules import Rules, rules
from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    ExampleOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    YieldOp,
)
from skillir.frontend.classify import lead_text
from skillir.readers.languages import family as language_family
from skillir.readers.python import read_python
from skillir.readers.shell import read_shell
from skillir.security.prefilter import Check, checker, required
from skillir.xdsl_compat.walk import block_ops

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_STEP_REF = re.compile(r"\bsteps?\s+(\d+)\b", re.IGNORECASE)
_STEP_REF_CHECK = checker(required(_STEP_REF))
_SENTENCE_END = re.compile(r"[.!?;:][*_]*\s")
"""A sentence's end: its stop, and the emphasis it closes ("**Run to completion.** If a
plan ..." ends at ".**")."""
_GLOB = re.compile(r"`([^`\s]*[*?][^`\s]*)`|(?<![\w`])([\w./-]*\*[\w./*-]*)")
_BACKTICKED = re.compile(r"`([^`]+)`")
_LEADING_VERB_SKIP = frozenset({"please", "now", "first", "also", "then", "next", "finally", "optionally", "always"})


@dataclass(frozen=True, slots=True)
class Dlp:
    """One operation over many items inside a step."""

    over: str
    items: int
    items_source: str  # code | text | assumed
    lanes: int
    mechanism: str
    reason: str


@dataclass(slots=True, eq=False)
class StepFacts:
    index: int
    op: StepOp
    text: str
    label: str
    verb: str
    block: Block
    position: int
    chain: tuple[SectionOp, ...]
    intro: str
    code: str
    langs: tuple[str, ...]
    runnable_blocks: int
    defs: tuple[str, ...]
    uses: tuple[tuple[int, str], ...]
    refs: tuple[int, ...] = ()
    kind: str = "think"
    lead: str = ""
    side_effect: bool = False
    reduction: bool = False
    _after: bool | None = None
    _sequential: bool | None = None
    _mutating: bool | None = None
    dlp: Dlp | None = None
    tool_ms: int = 0
    cost_ms: int = 0
    parallel_cost_ms: int = 0
    inline_code: str = ""
    notes: list[str] = field(default_factory=list)
    lowered: str = ""
    """`text.lower()`, made once: the hint and prefilter tests read it."""
    nested: tuple[Operation, ...] = ()
    """The ops nested in the step (`op.nested_ops`), read once."""
    _texts: list[tuple[str, str]] | None = None
    _hinted: list[tuple[str, str]] | None = None

    def producers(self) -> set[int]:
        return {p for p, _ in self.uses}

    @property
    def after_previous(self) -> bool:
        """Do its first words order it after the step before ("then", "using the
        results", "fix it")?"""
        if self._after is None:
            r = rules()
            self._after = bool(r.ordering.search(first_sentence(self.lead))) or bool(
                r.anaphora.search(self.lead[:60]))
        return self._after

    @property
    def sequential(self) -> bool:
        """Does it say its work goes in order ("one at a time", "until")?"""
        if self._sequential is None:
            r = rules()
            self._sequential = cue(r.sequential, self.text, r, self.lowered)
        return self._sequential

    @property
    def mutating_code(self) -> bool:
        """Do its commands (code blocks or inline code) change shared state?"""
        if self._mutating is None:
            commands = f"{self.code}\n{self.inline_code}" if self.inline_code else self.code
            self._mutating = bool(commands) and bool(rules().mutating.search(commands))
        return self._mutating


# ---------------------------------------------------------------------------
# walking the skill


def collect_steps(skill: SkillOp, sections: list[tuple[SectionOp, str]] | None = None) -> list[StepFacts]:
    """Every step of `skill` in document order, with its facts; `sections`, when given,
    receives each section with its introductory prose, in document order."""
    r = rules()
    found: list[StepFacts] = []
    index_of: dict[StepOp, int] = {}
    _walk(skill.body.blocks.first, (), found, index_of, r, sections)
    by_ordinal: dict[tuple[int, int], int] = {}
    for facts in found:
        if facts.op.ordinal is not None:
            by_ordinal.setdefault((id(facts.block), facts.op.ordinal.value.data), facts.index)
    for facts in found:
        facts.uses = tuple(_resolve_uses(facts.op, index_of))
        if not may_match(_STEP_REF_CHECK, facts.text, facts.lowered):
            continue  # no "step" in the text: no reference (refs stays empty)
        refs = []
        for match in _STEP_REF.finditer(facts.text):
            target = by_ordinal.get((id(facts.block), int(match.group(1))))
            if target is not None and target < facts.index:
                refs.append(target)
        facts.refs = tuple(dict.fromkeys(refs))
    return found


_SECTION, _STEP, _PROSE = 1, 2, 3
_ROLE = {SectionOp: _SECTION, StepOp: _STEP, TextOp: _PROSE, ConstraintOp: _PROSE, ExampleOp: _PROSE}
"""What `_walk` does with an op, by its class: irdl op classes are never subclassed, so one
dict lookup on `type(op)` stands for a chain of isinstance checks (each an ABC check)."""


def _walk(block: Block | None, chain: tuple[SectionOp, ...], out: list[StepFacts],
          index_of: dict[StepOp, int], r: Rules,
          sections: list[tuple[SectionOp, str]] | None) -> None:
    if block is None:
        return
    prose: list[str] = []
    entry = sections[-1] if sections and chain and sections[-1][0] is chain[-1] else None
    for position, op in enumerate(block_ops(block)):
        role = _ROLE.get(type(op))
        if entry is not None and type(op) is not TextOp:
            entry[1] = "".join(prose)
            entry = None
        if role is _SECTION:
            prose = []
            if sections is not None:
                sections.append([op, ""])
            _walk(op.body.first_block, (*chain, op), out, index_of, r, sections)
        elif role is _STEP:
            facts = _facts(op, len(out) + 1, block, position, chain, "".join(prose), r)
            index_of[op] = facts.index
            out.append(facts)
            prose = []
        elif role is _PROSE:
            prose.append(op.text.data)
    if entry is not None:
        entry[1] = "".join(prose)


def _resolve_uses(step: StepOp, index_of: dict[StepOp, int]) -> list[tuple[int, str]]:
    uses = []
    for value in step.inputs:
        producer = _producer(value)
        if producer is not None and producer in index_of:
            uses.append((index_of[producer], value.type.path.data))
    return list(dict.fromkeys(uses))


def _producer(value: SSAValue) -> StepOp | None:
    """The step that wrote an artifact, following section results through `skill.yield`."""
    seen = 0
    while seen < 64:
        owner = value.owner
        if isinstance(owner, StepOp):
            return owner
        if not isinstance(owner, SectionOp):
            return None
        last = owner.body.blocks.first.last_op if owner.body.blocks.first else None
        if not isinstance(last, YieldOp):
            return None
        value = last.values[owner.results.index(value)]
        seen += 1
    return None


# ---------------------------------------------------------------------------
# one step


_EMPHASIS_PLAIN = r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)"
"""Emphasis markers: `**`, `__`, or a `*`/`_` that opens (no word character before it,
something other than space after) or closes (the reverse)."""
_EMPHASIS = re.compile(r"\*\*|__|\*(?<!\w\*)(?!\s)|_(?<!\w_)(?!\s)|\*(?<!\s\*)(?!\w)|_(?<!\s_)(?!\w)")
r"""`_EMPHASIS_PLAIN` with each alternative opening on its literal character and the look
behind moved after it (`(?<!\w)[*_]` is `[*_](?<!\w[*_])`): the regex engine then skips
to the next `*` or `_` instead of trying every alternative at every position (6x faster;
tests/concurrency/test_conc_prefilters.py checks that both remove the same)."""


def label_of(text: str, lead: str | None = None) -> str:
    first = (lead if lead is not None else lead_text(text)).strip().split("\n", 1)[0]
    if "*" in first or "_" in first:
        first = _EMPHASIS.sub("", first).strip()
    first = " ".join(first.split()).rstrip(":")
    return first if len(first) <= 72 else first[:69].rstrip() + "..."


_FOR_EACH = re.compile(r"^\W*(?:for\s+(?:each|every|all)\b[^,:]*[,:]\s*)", re.IGNORECASE)


def _lead_verb(lead: str) -> str:
    lead = _FOR_EACH.sub("", lead, count=1)
    for match in _WORD.finditer(lead[:80]):
        word = match.group(0).lower()
        if word not in _LEADING_VERB_SKIP:
            return word
    return ""


def first_sentence(text: str) -> str:
    """The first sentence of `text` (to its stop and the emphasis it closes)."""
    match = _SENTENCE_END.search(text)
    return text[: match.end()].rstrip() if match else text


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n\n")


def sentences(text: str) -> list[str]:
    """The sentences (and paragraphs) of a step's text, as the cues read them."""
    return _SENTENCE_BREAK.split(text)


def step_texts(facts: StepFacts) -> list[str]:
    """A step's own text and the prose nested in it."""
    return [text for text, _ in step_texts_lowered(facts)]


def step_texts_lowered(facts: StepFacts) -> list[tuple[str, str]]:
    """`step_texts` with each text lowercased (made once per step)."""
    if facts._texts is None:
        facts._texts = [(facts.text, facts.lowered)] + [
            (text, text.lower()) for text in (op.text.data for op in facts.nested if isinstance(op, TextOp))]
    return facts._texts


def parallel_hinted_texts(facts: StepFacts, r: Rules) -> list[tuple[str, str]]:
    """`step_texts_lowered` of the step's texts that hold one of the parallel hint
    words (`r.parallel_hinted`; none when there are no hint words). Found once per
    step: a DLP candidate and a one-step ILP candidate both start from it."""
    if facts._hinted is None:
        hinted = r.parallel_hinted
        facts._hinted = [] if hinted is None else [
            (text, lowered) for text, lowered in step_texts_lowered(facts) if hinted(lowered)]
    return facts._hinted


def may_match(check: Check | None, text: str, lowered: str) -> bool:
    """Might a pattern whose prefilter is `check` (`skillir.security.prefilter.checker`
    of its `required` words) match `text`? `lowered` is `text.lower()`. False only
    when it provably cannot: the test reads ASCII text only (see the prefilter)."""
    return check is None or not text.isascii() or check(lowered)


_CLAUSE_BREAK = re.compile(r"[.!?;\n]")


def cue(pattern: re.Pattern[str], text: str, r: Rules, lowered: str | None = None) -> bool:
    """Does `pattern` occur in `text` without a negation just before it? (`lowered`:
    `text.lower()` when the caller has it.)"""
    if not text:
        return False
    if lowered is None:
        lowered = text.lower()
    hinted = r.parallel_hinted if pattern is r.parallel else r.sequential_hinted if pattern is r.sequential else None
    if hinted is not None and not hinted(lowered):
        return False  # none of the pattern's hint words
    if not may_match(r.cue_checks.get(id(pattern)), text, lowered):
        return False  # no match can occur (a pure speed-up)
    for match in pattern.finditer(text):
        start = max(0, match.start() - 48)
        window = text[start: match.start()]
        window = _CLAUSE_BREAK.split(window)[-1]
        if not r.negation.search(window):
            return True
    return False


def _facts(op: StepOp, index: int, block: Block, position: int, chain: tuple[SectionOp, ...],
           intro: str, r: Rules) -> StepFacts:
    # a step without text (a "### Step N" section's code) is described by its heading
    text = op.text.data or (chain[-1].title.data if chain else "")
    nested = op.nested_ops
    codes = [c for c in nested if type(c) is CodeOp and c.is_runnable]  # (exact class: see _ROLE)
    code = "\n".join(c.body.data for c in codes)
    langs = tuple(c.lang.data.lower() for c in codes)
    lead = lead_text(text)
    verb = _lead_verb(lead)
    facts = StepFacts(
        index=index, op=op, text=text, label=label_of(text, lead) or f"step {index}", verb=verb,
        block=block, position=position, chain=chain, intro=intro, code=code, langs=langs,
        runnable_blocks=len(codes),
        defs=tuple(res.type.path.data for res in op.outputs) if op.results else (), uses=(),
        lowered=text.lower(), nested=nested,
    )
    facts.lead = lead
    facts.side_effect = verb in r.side_effect_verbs and not (verb in r.write_verbs and facts.defs)
    facts.inline_code = " ; ".join(_BACKTICKED.findall(text)) if "`" in text else ""
    facts.reduction = verb in r.reduction_verbs
    if verb in r.multi_turn_verbs or len(codes) >= 2:
        facts.kind = "multi"
    elif codes or verb in r.tool_verbs or (verb in r.write_verbs and facts.defs):
        facts.kind = "tool"
    else:
        facts.kind = "think"
    facts.dlp = _dlp(facts, lead, r)
    _cost(facts, r)
    return facts


# ---------------------------------------------------------------------------
# data-level parallelism inside a step


_EACH_OPENER = re.compile(r"^\W*for\s+(?:each|every)\s+([^,:.\n]{1,40}?)\s*(?:[,:]|\bto\s+\w+\s*:)", re.IGNORECASE)
_PATH_GLOB = re.compile(r"`((?:[\w.-]+/)*[\w.-]*\*[\w.*-]*(?:\.[\w*]+|/))`|`((?:[\w.-]+/)+\*)`")
_PLURAL_ITEMS: dict[frozenset[str], re.Pattern[str]] = {}
_COMMAND_LEAD = re.compile(r"^\s*(?:[-*+]|\d+[.)])?\s*`[a-z][\w.-]*\s[^`\n]*`")
_PRIORITY = re.compile(r"\b(?:starting (?:with|from)|highest|lowest|first|priority|most)\b", re.IGNORECASE)
_EACH_INTRO = re.compile(r"(?:^|\n)[ \t]*[*_]*for\s+(?:each|every)\s+([^,:.\n]{1,40}?)[*_]*\s*:[*_]*\s*$", re.IGNORECASE)
"""The text right before a list ends "For each X:" (the list is what to do per item)."""
_OPENER_SENTENCES = 3
"""How far into a step's lead "For each X," still states the step's own work (a title
line or a pointer first, then the per-item work); later sentences are asides."""
_NESTED_ITEM = re.compile(r"^\s*[-*+]\s")
_NEGATION_REACH = 12
"""How far before "every ticket" a negation still negates it ("not every", "never each")."""
_LEAD_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n|^(?:\*\*)?[^*\n]{1,80}(?:[.:]\*\*\s*|\*\*\s*[\u2014\u2013:-]+\s*)(?=\w)")
"""Where a step's lead starts a new sentence: after a stop, at a line break, and after
the bold title it opens with ("**Design the matrix** — For each tier, ...", its opening
"**" maybe cut off already: the title is cut out, the rest is the next sentence)."""
_EACH_SEPARATE = re.compile(
    r"\b(?:each|every)\s+(?:[\w-]+\s+)?([\w-]+)\s+(?:as|to|into|in)\s+(?:a\s+|an\s+)?"
    r"(?:separate|individual|its\s+own|their\s+own)\s+(?:[\w-]+\s+)?"
    r"(?:files?|documents?|pages?|notes?|folders?|director(?:y|ies)|reports?|sheets?|tabs?|sections?|"
    r"messages?|tickets?|cards?|branch(?:es)?|pull requests?|PRs?|commits?|entries|entry|rows?|records?)\b",
    re.IGNORECASE)
"""One output per item: "save each issue as a separate file", "write every page to its own file"."""
_EACH_SEPARATE_CHECK = checker(required(_EACH_SEPARATE))
_CLAUSE_END = re.compile(r"[;:]\s|\n\n")
_ONE_FILE_OBJECT = re.compile(r"^\W*[A-Za-z-]+\s+(?:the\s+)?`[^`*?\s]+\.[A-Za-z]{1,5}`(?!\s*,)")
"""A verb whose object is one named file ("Read `contact.png` and check every page",
"Read `patterns.md` for each case"): what follows is about parts of that file (not when a
list of files goes on: "Read `a.json`, `b.json`, and every file under `src/`")."""
_EACH_ITEM = re.compile(r"\b(?:for\s+(?:each|every)|per)\s+[\w`-]+", re.IGNORECASE)


def each_intro(intro: str, r: Rules) -> re.Match[str] | None:
    """"For each test file:" as the last line of the text before a list (the list is
    what to do per item), unless it orders the items ("starting with the highest")."""
    lowered = intro.lower()
    match = _EACH_INTRO.search(intro) if "each" in lowered or "every" in lowered else None
    if match is None or cue(r.sequential, match.group(0), r) or _PRIORITY.search(match.group(0)):
        return None
    return match


def _each_opener(lead: str, r: Rules) -> re.Match[str] | None:
    """The first sentence of `lead` (not of a bullet nested in it) that opens "For
    each X, <verb> ..." where the verb changes nothing shared (making an output of
    one's own per item is fine): "Read the taxonomy. For each candidate issue, produce
    one of: ..."."""
    lowered = lead.lower()
    if "each" not in lowered and "every" not in lowered:
        return None
    for sentence in _LEAD_SENTENCE.split(lead)[:_OPENER_SENTENCES]:
        if _NESTED_ITEM.match(sentence):
            continue  # a sub-item ("- Manual fallback: - For each failing check, ...") is not the step's own work
        opener = _EACH_OPENER.match(sentence)
        if opener is None:
            continue
        if sentence.rstrip().endswith(":") and _fields_follow(lead, sentence):
            return None  # "For each file to change: - **File path** ... - **Key functions**": what to record
        verb = _lead_verb(sentence)
        if verb not in r.side_effect_verbs or verb in r.write_verbs:
            return opener
    return None


_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$", re.MULTILINE)
_FIELD = re.compile(r"^(?:\*\*[^*\n]{1,40}\*\*|`[^`\n]{1,40}`|[A-Z][\w /()-]{0,30}:)")
"""A bullet that opens with a label ("**File path** and purpose", "Expected: ..."): a
field of a record, not a thing to do."""


_QUESTION = re.compile(r"\w\?[\"'\u201d*_)]*(?:\s|$)")
"""A question mark that ends a question (not one in a glob or a regex)."""


def asks(text: str) -> bool:
    """Does `text` hold a question ("does it handle every state?")?"""
    return "?" in text and bool(_QUESTION.search(text))


def _opener_not_work(lead: str, verb: str, r: Rules) -> bool:
    """Is the first "For each X" opener among the first sentences of `lead` no per-item
    work to fan out: it asks questions (`_asks_questions`), writes every item into one
    shared target ("For each pass, append ...", "put a link into the document"), talks
    with the user ("For each ticket, show:"; "Ask questions. For each question:", where
    `verb` is the step's own), or writes facts down ("For each project, note the name,
    path, and type": a record to fill)?"""
    lowered = lead.lower()
    if "each" not in lowered and "every" not in lowered:
        return False
    for sentence in _LEAD_SENTENCE.split(lead)[:_OPENER_SENTENCES]:
        opener = None if _NESTED_ITEM.match(sentence) else _EACH_OPENER.match(sentence)
        if opener is not None:
            own = _lead_verb(sentence) if sentence[opener.end():].strip(" *_:") else verb
            return ("?" in lead and _asks_questions(lead, sentence)) or bool(r.shared_sink.search(sentence)) \
                or own in r.dialogue_verbs or own in r.record_verbs
    return False


def _asks_questions(lead: str, sentence: str) -> bool:
    """Is the per-item work of `sentence` (a "For each X" opener) a question ("For each
    section, ask: 'What does it require?'"), or are the bullets after it mostly questions
    ("For each NFR, check: - Is there evidence? - Can we validate it?")? Then it is a
    checklist the model thinks through, not work to fan out."""
    if _QUESTION.search(sentence):
        return True
    if not sentence.rstrip().endswith(":"):
        return False
    after = lead[lead.find(sentence) + len(sentence):]
    items = [m.group(1) for m in _BULLET.finditer(after)]
    return len(items) >= 2 and 2 * sum(bool(_QUESTION.search(item)) for item in items) > len(items)


_TABLE_NEXT = re.compile(r"\s*\n\s*\|[^\n]*\|\s*\n\s*\|[\s:|-]*-[\s:|-]*\|")
"""A markdown table (a header row and its rule) right after a line."""


def _fields_follow(lead: str, sentence: str) -> bool:
    """Are the bullets after `sentence` (a "For each X:" line) mostly labels of what to
    record per item rather than work ("- **Empty**: what the user sees"), or is the next
    thing a table (its rows are the fields: "| Expected | What the spec said |")?"""
    after = lead[lead.find(sentence) + len(sentence):]
    if _TABLE_NEXT.match(after):
        return True
    items = [m.group(1) for m in _BULLET.finditer(after)]
    return len(items) >= 2 and 2 * sum(bool(_FIELD.match(item)) for item in items) > len(items)


def _plural_items(r: Rules) -> re.Pattern[str]:
    pattern = _PLURAL_ITEMS.get(r.item_nouns)
    if pattern is None:
        nouns = "|".join(longest_first(re.escape(n) for n in r.item_nouns))
        pattern = _PLURAL_ITEMS[r.item_nouns] = re.compile(r"\b(?:" + nouns + r")(?:s|es)\b", re.IGNORECASE)
    return pattern


def _dlp(facts: StepFacts, lead: str, r: Rules) -> Dlp | None:
    """The step's one operation over many items, unless it says it goes in order (the
    sequence words are read last: only a step with a candidate needs them)."""
    found = _code_loop(facts, r) if facts.code else None
    if found is None:
        if facts.mutating_code:
            return None
        if facts.reduction:
            # "Summarize each article in two sentences": the verb reduces each item on its
            # own (its object is "each X"/"every X"), not the items into one
            found = _verb_each(facts, first_sentence(lead), r)
        else:
            found = _text_dlp(facts, lead, r)
    return None if found is None or facts.sequential else found


def _text_dlp(facts: StepFacts, lead: str, r: Rules) -> Dlp | None:
    """What the step's text says it does per item (`_dlp` then checks its order)."""
    if _opener_not_work(lead, facts.verb, r):
        return None  # "For each consumer, check: does it handle every state?": a checklist to think through
    opener = _each_opener(lead, r)
    if opener is not None:
        # "For each claim, search ...": the text itself says the work is per item
        over = opener.group(1).strip(" *_`")
        return Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed", lanes=dlp_lanes(facts.code, r),
                   mechanism=dlp_mechanism(facts.langs),
                   reason=f"the step runs for each {over}; items do not depend on each other")
    said = _said_parallel(facts, r)
    if said is not None:
        return said
    first = first_sentence(lead)
    separate = _EACH_SEPARATE.search(first) if may_match(_EACH_SEPARATE_CHECK, first, first.lower()) else None
    if separate is not None:
        # "Save each issue as a separate markdown file": one output per item
        return Dlp(over=separate.group(1), items=r.cost.dlp_default_items, items_source="assumed",
                   lanes=dlp_lanes(facts.code, r), mechanism=dlp_mechanism(facts.langs),
                   reason=f"each {separate.group(1)} gets its own output ('{separate.group(0)}')")
    if facts.verb not in r.map_verbs and not _COMMAND_LEAD.match(facts.text):
        # ("`uip ... get <type>` for each chosen node": a command is a map verb; any other
        # verb only with the items as its object: "Decompose each L1")
        return _verb_each(facts, first, r)
    clause = _CLAUSE_END.split(first, maxsplit=1)[0]
    match = r.per_item.search(clause)
    if match is None:
        glob = _PATH_GLOB.search(clause)
        if glob is None:
            return _verb_each(facts, first, r)  # ("Run the assembler separately per version")
        # "Read `pages/*.png`": the step maps its verb over the files a glob names
        over = glob.group(1) or glob.group(2)
        return Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed", lanes=dlp_lanes(facts.code, r),
                   mechanism=dlp_mechanism(facts.langs),
                   reason=f"'{facts.verb}' applies to each file of '{over}'; files do not depend on each other")
    if r.negation.search(clause, max(0, match.start() - _NEGATION_REACH), match.start()):
        return None  # "the low-res view, not every ticket body"
    if _ONE_FILE_OBJECT.match(clause[: match.start()]):
        return None  # "Read `contact.png` and check every page": the items are parts of one file
    phrase = match.group(0)
    items, source = _count_items(clause[match.start():], r)
    glob = _GLOB.search(lead)
    over = (glob.group(1) or glob.group(2)) if glob else phrase.strip()
    mechanism = dlp_mechanism(facts.langs)
    return Dlp(over=over, items=items, items_source=source, lanes=dlp_lanes(facts.code, r),
               mechanism=mechanism,
               reason=f"'{facts.verb}' applies to each item ('{phrase.strip()}'); items do not depend on each other")


_PER = r"(?:per(?!\s+(?:the|your|our|its|their|this|that|these|those|a|an|agreed|above|below)\b)|for\s+each)"
""""per" item ("per role"), not "per" as "according to" ("per agreed style", "per the spec")."""
_VERB_EACH = re.compile(
    r"^(?:(?:the|all|both)\s+)?(?:each|every)\s+((?:[\w`./-]+\s+){0,2}?[\w`./-]+)"
    rf"|^(?:[\w`-]+\s+){{0,4}}?(?:one|a|an)\s+(?:[^\s,;.()]+\s+){{1,6}}?{_PER}\s+((?:[\w-]+\s+){{0,2}}?[\w-]+)"
    r"|^(?![\d~]|(?:thousands|hundreds|millions|dozens|up|max|maximum|at)\b)(?:[\w`-]+\s+){0,4}?[\w`-]+s\s+"
    rf"{_PER}\s+((?:[\w-]+\s+){{0,2}}?[\w-]+)"
    rf"|^(?:[\w`-]+\s+){{0,4}}?(?:separately|individually|independently)\s+{_PER}\s+((?:[\w-]+\s+){{0,2}}?[\w-]+)",
    re.IGNORECASE)
"""What follows a step's lead verb when the verb applies to every item: its object
("Decompose each L1", "Confirm every rules file"), one output per item ("Build one
ledger per PR", "Create an IAM role with `x:Y` for each database role"; not a limit in
brackets: "a domain (max 1 per service)"), a plural object per item ("Grant table
permissions per role"; not a quantity or rate: "thousands of connections per instance")
or the work done apart per item ("Run pass 5 separately per version")."""


def _verb_each(facts: StepFacts, first: str, r: Rules) -> Dlp | None:
    """The step's lead verb (any verb, not only `map_verbs`) applied to each item of its
    object (`_VERB_EACH`), unless the verb describes rather than instructs (a third
    person "-s": "Extracts each file"), is no work per item (`not_per_item_work`:
    "Keep every line under 100 characters", "List every file"), or changes shared
    state, talks with the user or records, or reduces other than "each X" ("Summarize
    each article" is per item, "Summarize the articles" is not); nor when the items are the parts
    of a sequence ("each step") or each goes to a sub-agent (a thread-level rule's), or
    the sentence asks a question about them."""
    verb = facts.verb
    if not verb or verb in r.not_per_item_work or (verb.endswith("s") and not verb.endswith("ss")) \
            or verb in r.shared_state_verbs or verb in r.dialogue_verbs or verb in r.record_verbs:
        return None
    if asks(facts.lead.split("\n", 1)[0]):
        return None  # "Read each consumer: does it handle every state?": a question to think through
    plain = _EMPHASIS.sub("", first)
    at = plain.lower().find(verb)
    if at < 0:
        return None
    clause = _CLAUSE_END.split(plain[at + len(verb):], maxsplit=1)[0].strip()
    match = _VERB_EACH.match(clause)
    if match is None:
        return None
    over = next(g for g in match.groups() if g)
    if match.group(1) is None and verb in r.reduction_verbs:
        return None  # only "each X"/"every X" is the object a reduction verb takes item by item
    if match.group(1) is None and verb in r.resource_verbs:
        return None  # "Use a fresh `-l` directory per run": a resource per item, not work
    if r.subagent_step.search(match.group(0)) or any(w.lower().rstrip("s") in r.sequence_nouns for w in over.split()):
        return None  # "Use one subagent per angle" (thread level, a rule of its own); "Follow each step"
    return Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed", lanes=dlp_lanes(facts.code, r),
               mechanism=dlp_mechanism(facts.langs),
               reason=f"'{verb}' applies to each {over}; items do not depend on each other")


def _said_parallel(facts: StepFacts, r: Rules) -> Dlp | None:
    """A sentence of the step (or its prose) that does many items at once: "translates
    pages in parallel", "for parallel downloads"."""
    for text, lowered in parallel_hinted_texts(facts, r):
        if not may_match(r.dlp_parallel_check, text, lowered):
            continue  # (no sentence of it can match)
        for sentence in sentences(text):
            match = r.dlp_parallel.search(sentence)
            if match is None or r.negation.search(sentence[max(0, match.start() - 40): match.start()]):
                continue
            if cue(r.sequential, sentence, r):
                continue
            items = _plural_items(r).search(sentence) or _EACH_ITEM.search(sentence)
            if items is None and not match.group(0).lower().startswith("parallel "):
                continue
            over = items.group(0) if items is not None else match.group(0)
            return Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed",
                       lanes=dlp_lanes(facts.code, r), mechanism=dlp_mechanism(facts.langs),
                       reason=f"the text does {over} '{match.group(0)}'")
    return None


def _count_items(clause: str, r: Rules) -> tuple[int, str]:
    words = clause.lower().split()
    for word in words[:6]:
        word = word.strip(",.:;()")
        if word in r.number_words:
            return r.number_words[word], "text"
        if word.isdigit() and 1 < int(word) < 10000:
            return int(word), "text"
    if re.match(r"(?:for\s+)?each\s+of\b", clause, re.IGNORECASE):
        listing = re.split(r"[,;:]?\s+(?!and\b|or\b)[a-z]+\s+(?=[a-z])", clause[:160], maxsplit=1)[0]
        names = [b for b in _BACKTICKED.findall(listing) if "*" not in b and "?" not in b]
        if len(names) >= 2:
            return len(names), "text"
    return r.cost.dlp_default_items, "assumed"


def dlp_lanes(code: str, r: Rules) -> int:
    match = re.search(r"(?:-P\s*|--max-procs[= ]|max_workers\s*=\s*|Pool\(\s*|processes\s*=\s*|-j\s*)(\d+)", code)
    if match and 0 < int(match.group(1)) <= 256:
        return int(match.group(1))
    return r.cost.dlp_default_lanes


def dlp_mechanism(langs: tuple[str, ...]) -> str:
    """How the items run side by side: by the step's own code (a Python pool,
    Promise.all, xargs -P for shell) or, when the step shows no code, by the model
    issuing the per-item tool calls together."""
    families = [language_family(lang) for lang in langs]
    for family in families:
        if family == "python":
            return "multiprocessing"
        if family == "javascript":
            return "Promise.all"
    return "xargs -P" if "shell" in families else "parallel tool calls"


_SHELL_FOR = re.compile(r"\bfor\s+(\w+)\s+in\s+((?:[^;\n\\]|\\\n|\\)*?)\s*(?:;\s*|\n\s*)do\b(.*?)\bdone\b", re.DOTALL)
_SHELL_WHILE = re.compile(r"(?:\|\s*|^\s*)while\s+(?:IFS=\S*\s+)?read\s+(?:-r\s+)?(\w+)\s*;?\s*(?:\n\s*)?do\b(.*?)\bdone\b", re.DOTALL | re.MULTILINE)
_XARGS = re.compile(r"\bxargs\b([^|\n]*)")
_FIND_EXEC = re.compile(r"\bfind\b[^\n|]*-exec\b")
_GNU_PARALLEL = re.compile(r"(?:^|[|;&(]\s*)parallel\b[^\n]*?(?:\s:::\s|\{\})", re.MULTILINE)
"""GNU parallel over arguments (`parallel cmd {} ::: *.png`, `ls | parallel gzip {}`)."""
_PY_POOL = re.compile(r"\b(?:ThreadPoolExecutor|ProcessPoolExecutor|ThreadPool|Pool)\s*\(")
_PY_POOL_CALL = re.compile(r"\.(?:map|imap|imap_unordered|starmap|map_async|submit)\s*\(")
_PY_GATHER = re.compile(r"\basyncio\.gather\s*\(\s*\*")
"""`asyncio.gather(*[...])` over a collection (a starred argument: not two fixed calls)."""
_JS_ALL = re.compile(r"\bPromise\.(?:all|allSettled)\s*\(\s*[\w.$]+\.map\s*\(")
"""`Promise.all(items.map(...))`: the same call over every item, at once."""
_PY_FOR = re.compile(r"^([ \t]*)(?:async\s+)?for\s+(\w+)(?:\s*,\s*\w+)*\s+in\s+(.+?):[ \t]*(?:#.*)?$", re.MULTILINE)
_JS_FOR = re.compile(r"\bfor\s*(?:await\s*)?\(\s*(?:const|let|var)\s+(\w+)\s+of\s+([^)]+)\)\s*\{", re.MULTILINE)
_JS_FOREACH = re.compile(r"\b([\w.]+)\.forEach\(\s*(?:async\s*)?\(?\s*(\w+)")
_PY_COLLECTION = re.compile(
    r"glob|rglob|iterdir|listdir|scandir|walk\(|files|paths|urls|links|items\b|hosts|services|images|"
    r"documents|docs|logs|pages|records|repos|packages|modules|targets|inputs|sources|\[\s*['\"]",
    re.IGNORECASE,
)


def _code_loop(facts: StepFacts, r: Rules) -> Dlp | None:
    """A loop in the step's runnable code whose iterations are independent."""
    code = facts.code
    if not code or facts.mutating_code:
        return None
    families = {language_family(lang) for lang in facts.langs}
    is_shell, is_py, is_js = "shell" in families, "python" in families, "javascript" in families
    if is_shell:
        for match in _SHELL_FOR.finditer(code):
            var, items_text, body = match.groups()
            if _independent_body(body, var, r, shell=True):
                return _loop_dlp(facts, items_text, "xargs -P", r, f"shell loop over {items_text.strip()!r}")
        for match in _SHELL_WHILE.finditer(code):
            var, body = match.groups()
            if _independent_body(body, var, r, shell=True):
                return _loop_dlp(facts, "lines of input", "xargs -P", r, "'while read' loop over its input")
        for match in _XARGS.finditer(code):
            if re.search(r"-P\s*\d+|--max-procs", match.group(1)):
                return _loop_dlp(facts, "xargs input", "xargs -P", r, "already fans out with xargs -P")
            return _loop_dlp(facts, "xargs input", "xargs -P", r, "xargs applies one command per item")
        if _FIND_EXEC.search(code):
            return _loop_dlp(facts, "find results", "xargs -P", r, "find -exec applies one command per file")
        if "parallel" in code and _GNU_PARALLEL.search(code):
            return _loop_dlp(facts, "parallel's arguments", "xargs -P", r, "already fans out with GNU parallel")
        match = r.per_file_command.search(code)
        if match is not None:
            glob = _GLOB.search(match.group(0))
            over = (glob.group(1) or glob.group(2)) if glob else "files"
            command = match.group(0).split()[0]
            return Dlp(over=over, items=r.cost.dlp_default_items, items_source="assumed",
                       lanes=dlp_lanes(code, r), mechanism="xargs -P",
                       reason=f"'{command}' works file by file over a glob; the output order may change, sort it if it matters")
    if is_py:
        lines = code.splitlines()
        for match in _PY_FOR.finditer(code):
            indent, var, iterable = match.group(1), match.group(2), match.group(3)
            if "range(" in iterable or not _PY_COLLECTION.search(iterable):
                continue
            start = code.count("\n", 0, match.end()) + 1
            body_lines = []
            for line in lines[start:]:
                if line.strip() and len(line) - len(line.lstrip()) <= len(indent):
                    break
                body_lines.append(line)
            body = "\n".join(body_lines)
            if body.strip() and _independent_body(body, var, r, shell=False):
                return _loop_dlp(facts, iterable, "multiprocessing", r, f"python loop over {iterable.strip()!r}")
        if ("Pool" in code and _PY_POOL.search(code) and _PY_POOL_CALL.search(code)) \
                or ("gather" in code and _PY_GATHER.search(code)):
            return _loop_dlp(facts, "items", "multiprocessing", r, "already runs its items in a pool or gathers them")
    if is_js:
        if "Promise." in code and _JS_ALL.search(code):
            return _loop_dlp(facts, "items", "Promise.all", r, "already maps one call over every item with Promise.all")
        for match in _JS_FOR.finditer(code):
            var, iterable = match.groups()
            body = _brace_body(code, match.end())
            if _independent_body(body, var, r, shell=False):
                return _loop_dlp(facts, iterable, "Promise.all", r, f"loop over {iterable.strip()!r}")
        for match in _JS_FOREACH.finditer(code):
            iterable, var = match.groups()
            body = _brace_body(code, match.end())
            if body and _independent_body(body, var, r, shell=False):
                return _loop_dlp(facts, iterable, "Promise.all", r, f"forEach over {iterable!r}")
    return None


def _brace_body(code: str, start: int) -> str:
    depth = 1
    pos = code.find("{", start - 1) + 1 if code[start - 1: start] != "{" else start
    for i in range(pos, min(len(code), pos + 4000)):
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                return code[pos:i]
    return ""


def _independent_body(body: str, var: str, r: Rules, *, shell: bool) -> bool:
    uses_var = re.search(r"\$\{?" + re.escape(var) + r"\b", body) if shell else re.search(r"\b" + re.escape(var) + r"\b", body)
    if not uses_var or r.loop_carried.search(body):
        return False
    if shell:
        # appending every item's output to one fixed file is a shared sink (the files
        # as the one shell reader finds them: redirections and `tee`)
        for target in read_shell(body).writes():
            if "$" not in target and not target.startswith("/dev/"):  # (2>/dev/null is no sink)
                return False
    else:
        # a literal path opened for writing is the same file on every iteration
        if read_python(body).writes():
            return False
        for target in re.findall(r"open\(\s*([^,)]+)\s*,\s*['\"][wa]", body):
            if var not in target:
                return False
    return True


def _loop_dlp(facts: StepFacts, items_text: str, mechanism: str, r: Rules, why: str) -> Dlp:
    items_text = items_text.strip()
    words = items_text.split()
    literal = words and all(not any(ch in w for ch in "$*?`(") for w in words) and not items_text.startswith(("[", "("))
    if mechanism == "xargs -P" and literal and len(words) >= 2:
        items, source = len(words), "code"
    else:
        py_list = re.match(r"^\[(.*)\]$", items_text)
        if py_list and py_list.group(1).strip():
            items, source = len([x for x in py_list.group(1).split(",") if x.strip()]), "code"
        else:
            items, source = r.cost.dlp_default_items, "assumed"
    glob = _GLOB.search(items_text)
    over = (glob.group(1) or glob.group(2)) if glob else items_text or "items"
    return Dlp(over=over, items=max(1, items), items_source=source, lanes=dlp_lanes(facts.code, r),
               mechanism=mechanism, reason=f"{why}: iterations share no state")


# ---------------------------------------------------------------------------
# cost


def _cost(facts: StepFacts, r: Rules) -> None:
    model = r.cost
    turns = 1
    if facts.kind == "multi":
        turns += model.multi_turn_extra_turns
    turns += max(0, facts.runnable_blocks - 1) * model.extra_turn_per_block
    commands = facts.code or facts.inline_code
    if commands:
        _, tool = model.command_cost(commands)
    elif facts.kind == "think":
        tool = model.think_tool_ms
    else:
        tool = model.prose_tool_ms
    facts.tool_ms = tool
    turn_ms = turns * model.turn_ms
    if facts.dlp is not None:
        items, lanes = facts.dlp.items, facts.dlp.lanes
        facts.cost_ms = turn_ms + items * tool
        facts.parallel_cost_ms = turn_ms + math.ceil(items / lanes) * tool
    else:
        facts.cost_ms = facts.parallel_cost_ms = turn_ms + tool


def container_steps(steps: list[StepFacts]) -> dict[int, list[StepFacts]]:
    """Steps grouped by the block that holds them (key: id of the block)."""
    out: dict[int, list[StepFacts]] = {}
    for facts in steps:
        out.setdefault(id(facts.block), []).append(facts)
    return out


def op_between(block: Block, first: int, last: int) -> list[Operation]:
    ops = list(block.ops)
    return ops[first + 1: last]
