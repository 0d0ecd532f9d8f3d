"""`outline-references`: move reference-only material out of SKILL.md into
`references/<name>.md`, leaving a one-line pointer where it stood.

Progressive disclosure as the Agent Skills spec asks (SKILL.md short, detail in
`references/` loaded on demand): the always-loaded SKILL.md shrinks while every byte
stays reachable. Each move wraps the moved ops, unchanged, in a `skill.outlined` op
(`skillir.dialects.skill.OutlinedOp`); emission writes its content to the reference
file and `skillir.emit.outlined.inline_markdown` puts it back.

What counts as reference-only is decided by markdown structure and wording alone:
- in a section whose title (or an enclosing section's title) names reference material
  ("Reference", "API", "Appendix", "Examples", "Options", "Resources", ...), each
  maximal run of movable ops: prose and examples without binding words, code not
  meant to be run, subsections made only of those; in an entry of such a section (a
  subsection: "## API" > "### create()") code that could be run moves with the entry,
  as it shows how the entry is used. The skill's first level-1 heading names the
  whole skill and makes no reference section, nor is there one inside a numbered
  step's section ("Step 3: ..." > "Remote API"); neither does a title naming the way in
  ("Quick Start", "Installation"), and a section so named never moves; a subsection
  naming a procedure ("Workflow") is no entry, its runnable code stays. When a run may
  not move as a whole (it holds the last mention of a bundled file, or a flagged line),
  its subsections are tried one by one;
- anywhere else: a table whose header names fields of a reference (option, parameter,
  type, default, description ...), a list whose items each start with a flag or a
  `name`, a code block marked as an example (non-runnable code in a language that
  runs, or a data format), a `skill.example` block.
A run or block moves only when it is at least `min-tokens` long. Nothing moves that
holds a step, a constraint or binding words (MUST, NEVER, ALWAYS, IMPORTANT ..., in
prose or in a code comment),
code a step runs (or meant to be run, outside a reference entry), a line lint-security
flagged (medium or worse), the front matter, a section that steps
live under (or that yields artifacts), a relative link or link definition (it would
resolve differently from `references/`), or indented material of a list item.

```mlir
skill.section "Options" attributes {level = 2 : i64} {
  skill.text "| Option | Meaning |\\n|---|---|\\n| `--all` | every file |\\n...\\n\\n"
}
// outline-references{min-tokens=20}
skill.section "Options" attributes {level = 2 : i64} {
  skill.outlined "references/options.md" "See [references/options.md](references/options.md) for “Options” in full (40 lines).\\n\\n" {
    skill.text "| Option | Meaning |\\n|---|---|\\n| `--all` | every file |\\n...\\n\\n"
  }
}
```
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Block, Operation, Region
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from skillir.alternatives import longest_first
from skillir.datafiles import load_data
from skillir.dialects.cap import GapOp, RequireOp, UnresolvedOp
from skillir.dialects.sec import FindingOp, Severity
from skillir.dialects.skill import (
    OUTLINE_DIR,
    CodeOp,
    ExampleOp,
    OutlinedOp,
    RefOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
    region_ops,
    skill_markdown,
)
from skillir.errors import SkillIRError
from skillir.frontend import classify
from skillir.frontend.blocks import Span, segment
from skillir.ir import location_of
from skillir.tokens import count_tokens
from skillir.xdsl_compat.walk import walk_ops

# ---------------------------------------------------------------------------
# the word lists (skillir/data/outline.json) and the rules about text


@cache
def _words() -> dict[str, frozenset[str]]:
    raw = load_data("outline.json")
    return {key: frozenset(w.lower() for w in words) for key, words in raw.items() if key != "_about"}


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """Any of the word list `key` as whole words, case-insensitive."""
    words = longest_first(_words()[key])
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE)


_WARNING = re.compile(r"⚠|🚨|⛔|\bSTOP\b|\b(?:warning|caution|danger|red flags?)\b", re.IGNORECASE)
_WARNING_WORDS = ("stop", "warning", "caution", "danger", "red flag")
"""What every match of `_WARNING` holds in ASCII text, lowercased (its signs are not
ASCII; IGNORECASE folds other letters to ASCII ones only outside ASCII: 'ſ', the Kelvin
sign)."""
_BINDING_HEADING = re.compile(
    r"\b(?:must|never|always|required|mandatory|critical|important|do not|don't)\b", re.IGNORECASE)
_STEP_HEADING = re.compile(r"^\s*(?:step|phase|stage)\s*\d", re.IGNORECASE)
_RELATIVE_LINK = re.compile(r"\]\((?!\s*(?:[a-z][a-z0-9+.-]*:|#|/))[^)\s]+")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:", re.MULTILINE)
_FLAG_ITEM = re.compile(
    r"^ {0,3}(?:[-*+]|\d+[.)])\s+(?:\*\*|__)?(?:`-{1,2}[A-Za-z0-9][\w.=<>\[\]-]*|-{1,2}[A-Za-z][\w-]*\b|`[A-Za-z_$@.][\w.$@:/()\[\]-]*`)"
)
_FLAG_ITEM_START = re.compile(r"(?:[-*+]|\d+[.)])(?=\s+(?:\*\*|__)?[`-])")
"""Where an item `_FLAG_ITEM` matches may start: every flagged item holds one (only its
marker is consumed, and no marker holds the start of two items), so a flag list needs
at least four."""
_WORD = re.compile(r"[a-z]+")


def _has_warning(text: str) -> bool:
    """`_WARNING.search(text) is not None`; ASCII text without a warning word is passed
    over without the case-insensitive alternation (tried at every position)."""
    if text.isascii():
        low = text.lower()
        if not any(word in low for word in _WARNING_WORDS):
            return False
    return _WARNING.search(text) is not None


def _tokens(text: str) -> int:
    return count_tokens(text, "").tokens


def is_reference_title(title: str) -> bool:
    """Does a heading name reference material (API, options, examples, appendix ...)?
    Not when it names the way in ("Quick Start Guide"), numbers a step ("Step 2: ...")
    or carries binding or warning words."""
    return (_pattern("section_words").search(title) is not None and _pattern("entry_words").search(title) is None
            and _STEP_HEADING.match(title) is None
            and _BINDING_HEADING.search(title) is None and not _has_warning(title))


def movable_text(text: str) -> bool:
    """Prose that may leave SKILL.md: no binding words (MUST, NEVER ...) or warnings
    (⚠, STOP, "red flags"), no relative link or link definition (they would resolve
    differently from `references/`)."""
    return (classify.constraint_kind(text) is None and not _has_warning(text)
            and _RELATIVE_LINK.search(text) is None and _LINK_DEFINITION.search(text) is None)


def bundled_names(skill: SkillOp) -> frozenset[str]:
    """Paths and file names of the files bundled with a skill (its `skill.ref` ops)."""
    names = set()
    for op in region_ops(skill.body):
        if isinstance(op, RefOp):
            names.add(op.path.data)
            base = op.path.data.rsplit("/", 1)[-1]
            if "." in base.strip(".") and len(base) >= 6:
                names.add(base)
    return frozenset(names)


def is_reference_table(text: str) -> bool:
    """A table whose header names the fields of a reference (option, type, default ...)."""
    header = text.lstrip("\n").split("\n", 1)[0].lower()
    words = set(_WORD.findall(header))
    return bool(words & _words()["table_header_words"])


def _may_hold_flag_list(text: str) -> bool:
    """Could `text` hold a list `is_flag_list` accepts? Four of its items at least would
    start as `_FLAG_ITEM` does (a cheap test that spares the markdown parse)."""
    if "`" not in text and "-" not in text:
        return False
    found = 0
    for _ in _FLAG_ITEM_START.finditer(text):
        found += 1
        if found >= 4:
            return True
    return False


def is_flag_list(span: Span, body: bytes) -> bool:
    """A list of at least four items, nearly all starting with a flag or a `name`."""
    if len(span.items) < 4:
        return False
    flagged = sum(1 for item in span.items if _FLAG_ITEM.match(body[item.start:item.end].decode("utf-8")))
    return flagged >= 0.8 * len(span.items)


def binding_comments(code: CodeOp) -> bool:
    """Does a comment in the code carry binding words ("# CRITICAL: wait for ...",
    "// NEVER commit the key")? Such code states a rule, and rules stay in SKILL.md."""
    comments = "\n".join(classify.code_comments(code.body.data, code.lang.data))
    return bool(comments) and classify.constraint_kind(comments) is not None


def is_example_code(code: CodeOp) -> bool:
    """Code shown as an example: in a runnable language but not marked to be run (its
    context says example), or in a data format (JSON, YAML, CSV ...)."""
    if code.is_runnable or code.indent is not None:
        return False
    lang = code.lang.data.lower()
    if lang not in classify.vocabulary()["runnable_languages"] and lang not in _words()["example_languages"]:
        return False
    return not binding_comments(code)  # the dearest test last


def slug(title: str) -> str:
    """A file stem from a heading: lower case words joined by '-', at most 40 characters."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    while words and words[0].isdigit():
        words.pop(0)
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > 40:
            break
        out = f"{out}-{word}" if out else word
    return out or "reference"


# ---------------------------------------------------------------------------
# where ops stand


# The ops below have no subclasses, so `op.__class__ is X` decides what `isinstance`
# would, without the ABC check xdsl's op classes make each `isinstance` pay.


def _ancestors(op: Operation):
    parent = op.parent_op()
    while parent is not None:
        yield parent
        parent = parent.parent_op()


def _skill_of(op: Operation) -> SkillOp | None:
    for a in _ancestors(op):
        if a.__class__ is SkillOp:
            return a
    return None


def _outlined_or_in_step(op: Operation) -> bool:
    return any(a.__class__ is OutlinedOp or a.__class__ is StepOp for a in _ancestors(op))


def _is_document_title(section: SectionOp) -> bool:
    """The skill's first level-1 heading names the whole skill ("PDF Processing Guide"),
    not a reference part of it (a section or two may stand before it)."""
    if section.level.value.data != 1:
        return False
    parent = section.parent_op()
    return parent.__class__ is SkillOp and next(
        (o for o in region_ops(parent.body) if o.__class__ is SectionOp and o.level.value.data == 1), None) is section


def _in_reference_context(section: SectionOp) -> bool:
    """Is `section`, or a section around it, titled as reference material? Never inside
    a numbered step's section ("Step 3: ..." > "Path B: Remote API" is procedure)."""
    chain = [s for s in (section, *_ancestors(section)) if s.__class__ is SectionOp]
    return not any(_STEP_HEADING.match(s.title.data) for s in chain) and any(
        not _is_document_title(s) and is_reference_title(s.title.data) for s in chain)


def _markdown(ops: Sequence[Operation]) -> str:
    return "".join(_op_markdown(op) for op in ops)


def _op_markdown(op: Operation) -> str:
    if isinstance(op, _ANNOTATIONS):
        return ""
    if isinstance(op, SectionOp):
        return op.heading_text + _markdown(region_ops(op.body))
    if isinstance(op, CodeOp):
        return op.source_text()
    if type(op) in _TEXTS:
        return op.text.data
    raise AssertionError(f"not movable: {op.name}")  # _movable() admits only the kinds above


def _names_the_way_in(section: SectionOp) -> bool:
    """The way into the skill ("Quick Start", "Installation") never moves."""
    return _pattern("entry_words").search(section.title.data) is not None


def _is_entry(section: SectionOp) -> bool:
    """May a subsection of a reference section move code that could be run? Not when its
    title names a procedure ("Library-First Workflow")."""
    return _pattern("procedure_words").search(section.title.data) is None


_TEXTS = frozenset({TextOp, ExampleOp})
_NAMED = frozenset({RefOp, OutlinedOp})
"""Exact op types (`type(op) in ...`: an op class's isinstance is an ABC check)."""
_BLOCKS = frozenset({TextOp, CodeOp, ExampleOp})
_FLAGGED = frozenset({Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL})
_ANNOTATIONS = (RequireOp, GapOp, UnresolvedOp)
"""Analysis records with no markdown of their own (`cap.require`, `cap.gap`,
`cap.unresolved`): they travel with the material they were found in. A record of a
transform (`cap.compensated` ...) stands for text the compiler added, which stays."""


def _movable(op: Operation, entry: bool = False) -> bool:
    """May this op leave SKILL.md as part of a reference section's run? `entry`: the
    op stands in an entry of a reference catalogue (a subsection of a section titled
    as reference, "## API" > "### create()"), where code shows how to use that entry
    and moves with it even when it could be run; code directly under the reference
    title moves only when it is not meant to be run."""
    if type(op) in _TEXTS:
        return movable_text(op.text.data)
    if isinstance(op, CodeOp):
        return op.indent is None and (entry or not op.is_runnable) and not binding_comments(op)
    if isinstance(op, _ANNOTATIONS):
        return True  # what an analysis found in the material moves with it
    if isinstance(op, SectionOp):
        return (not op.outputs and movable_text(op.heading_text)
                and _BINDING_HEADING.search(op.title.data) is None
                and not _names_the_way_in(op)
                and all(_movable(inner, _is_entry(op)) for inner in region_ops(op.body)))
    return False  # steps, constraints, yields, outlined material, transforms, ops of other dialects


# ---------------------------------------------------------------------------
# the shared state of one run of the pass: names taken, the line budget


@dataclass
class _Outliner:
    """Makes `skill.outlined` ops. Per skill (keyed by the skill op): the file names
    taken, how often SKILL.md names each bundled file and, with a line target, how many
    lines SKILL.md still has."""

    min_tokens: int
    target_lines: int
    taken: dict[SkillOp, set[str]] = field(default_factory=dict)
    lines: dict[SkillOp, int] = field(default_factory=dict)
    mentions: dict[SkillOp, dict[str, int]] = field(default_factory=dict)
    flagged: dict[SkillOp, frozenset[int]] = field(default_factory=dict)
    contexts: dict[SectionOp, tuple[bool, bool, bool]] = field(default_factory=dict)

    def context(self, section: SectionOp) -> tuple[bool, bool, bool]:
        """For `section` and the sections around it: does a title number a step, does
        one name reference material (`_in_reference_context` is the first false and the
        second true), and does one name the way in or is the section inside outlined
        material? Built from the nearest enclosing section's answer and kept for the
        run: phase 1 changes no title, and the sections it moves are copies."""
        known = self.contexts.get(section)
        if known is not None:
            return known
        step = _STEP_HEADING.match(section.title.data) is not None
        reference = not _is_document_title(section) and is_reference_title(section.title.data)
        blocked = _names_the_way_in(section)
        parent = section.parent_op()
        while parent is not None and parent.__class__ is not SectionOp:
            blocked = blocked or parent.__class__ is OutlinedOp
            parent = parent.parent_op()
        if parent is not None:
            outer = self.context(parent)
            step, reference, blocked = step or outer[0], reference or outer[1], blocked or outer[2]
        known = self.contexts[section] = (step, reference, blocked)
        return known

    def in_reference_context(self, section: SectionOp) -> bool:
        """`_in_reference_context(section)`, from the kept answers."""
        step, reference, _ = self.context(section)
        return reference and not step

    def hides_finding(self, skill: SkillOp, ops: Sequence[Operation]) -> bool:
        """Would moving `ops` take a line that lint-security flagged (medium or worse) out
        of SKILL.md? Flagged material stays where whoever reads the skill sees it."""
        lines = self.flagged.get(skill)
        if lines is None:
            lines = self.flagged[skill] = frozenset(
                op.line.value.data for op in walk_ops(skill)
                if type(op) is FindingOp and op.file.data == "SKILL.md" and op.severity.data in _FLAGGED)
        if not lines or not ops:
            return False
        first = location_of(ops[0])[1]
        last = location_of(ops[-1])[1]
        if first is None or last is None:
            return True  # no source lines to go by: keep it
        last += _markdown(ops[-1:]).count("\n")
        return any(first <= line <= last for line in lines)

    def _mentions(self, skill: SkillOp) -> dict[str, int]:
        if skill not in self.mentions:
            text = skill_markdown(skill)
            self.mentions[skill] = {name: text.count(name) for name in bundled_names(skill) if name in text}
        return self.mentions[skill]

    def may_move(self, skill: SkillOp, moved: str) -> bool:
        """Long enough, within the line target, and SKILL.md still names every bundled
        file it named (the model must keep seeing which files exist)."""
        if _tokens(moved) < self.min_tokens or not self.allowed(skill):
            return False
        counts = self._mentions(skill)
        return all(counts[name] > moved.count(name) for name in counts if name in moved)

    def allowed(self, skill: SkillOp) -> bool:
        if self.target_lines <= 0:
            return True
        if skill not in self.lines:
            self.lines[skill] = skill_markdown(skill).count("\n")
        return self.lines[skill] > self.target_lines

    def path_for(self, skill: SkillOp, stem: str) -> str:
        taken = self.taken.get(skill)
        if taken is None:
            taken = {op.path.data.lower() for op in walk_ops(skill) if type(op) in _NAMED}
            self.taken[skill] = taken
        path, n = f"{OUTLINE_DIR}{stem}.md", 2
        while path.lower() in taken:
            path, n = f"{OUTLINE_DIR}{stem}-{n}.md", n + 1
        taken.add(path.lower())
        return path

    def pointer(self, path: str, what: str, moved: str) -> str:
        trailing = len(moved) - len(moved.rstrip("\n"))
        lines = moved.count("\n") + (not moved.endswith("\n"))
        return f"See [{path}]({path}) for {what} ({lines} lines)." + "\n" * min(max(trailing, 1), 2)

    def wrap(self, skill: SkillOp, ops: Sequence[Operation], moved: str, stem: str, what: str) -> OutlinedOp:
        """A `skill.outlined` holding copies of `ops` (the caller erases or replaces them)."""
        path = self.path_for(skill, stem)
        text = self.pointer(path, what, moved)
        counts = self._mentions(skill)
        for name in counts:
            counts[name] -= moved.count(name)
        if self.target_lines > 0:
            self.lines[skill] -= moved.count("\n") - text.count("\n")
        body = Block([op.clone() for op in ops])
        return OutlinedOp.create(properties={"path": StringAttr(path), "text": StringAttr(text)},
                                 regions=[Region(body)])


# ---------------------------------------------------------------------------
# phase 1: runs of reference sections


class OutlineReferenceSection(RewritePattern):
    """In a section whose title (or an enclosing title) names reference material,
    move each maximal run of movable ops of at least `min-tokens` tokens. A movable
    subsection of such a section is left to its parent, so the result does not depend
    on the walk order."""

    def __init__(self, outliner: _Outliner):
        self.outliner = outliner

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SectionOp, rewriter: PatternRewriter) -> None:
        self.move_runs(op, self.runs(op), rewriter)

    def runs(self, op: SectionOp) -> list[list[Operation]]:
        """The maximal runs of movable ops in `op` (none when `op` is no reference
        section, or its parent's run holds it); empty runs may be among them."""
        step, reference, blocked = self.outliner.context(op)
        if step or not reference or blocked:
            return []
        parent = op.parent_op()
        in_reference = parent.__class__ is SectionOp and self.outliner.in_reference_context(parent)
        entry = in_reference and _is_entry(op)
        if in_reference and _movable(op, entry):
            return []  # its parent's run holds it
        runs: list[list[Operation]] = [[]]
        for inner in region_ops(op.body):
            if _movable(inner, entry):
                runs[-1].append(inner)
            elif runs[-1]:
                runs.append([])
        return runs

    def move_runs(self, op: SectionOp, runs: list[list[Operation]], rewriter: PatternRewriter) -> None:
        """Move each of `runs` (found by `runs(op)`)."""
        if not any(runs):
            return
        skill = _skill_of(op)
        if skill is None:
            return
        for run in runs:
            if run:
                self._move_run(skill, op.title.data, run, rewriter)

    def _move_run(self, skill: SkillOp, title: str, run: list[Operation], rewriter: PatternRewriter) -> None:
        """Move `run` whole; when it may not move (it would take the last mention of a
        bundled file or a line lint-security flagged, or a line target stops it), its
        subsections are tried one by one, each as runs of its own ops, so one part that
        must stay keeps only itself."""
        moved = _markdown(run)
        if self.outliner.may_move(skill, moved) and not self.outliner.hides_finding(skill, run):
            outlined = self.outliner.wrap(skill, run, moved, slug(title), f"“{title}” in full")
            rewriter.insert(outlined, InsertPoint.before(run[0]))
            for inner in run:
                rewriter.erase(inner)
            return
        if _tokens(moved) < self.outliner.min_tokens:
            return
        for inner in run:
            if isinstance(inner, SectionOp):
                self._move_run(skill, inner.title.data, list(region_ops(inner.body)), rewriter)


# ---------------------------------------------------------------------------
# phase 2: blocks anywhere


def _stem_near(op: Operation) -> str:
    section = next((a for a in _ancestors(op) if isinstance(a, SectionOp)), None)
    return slug(section.title.data) if section is not None else "reference"


class OutlineReferenceProse(RewritePattern):
    """Split prose around its reference tables and flag lists and move them (adjacent
    ones together) when they are at least `min-tokens` long."""

    def __init__(self, outliner: _Outliner):
        self.outliner = outliner

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: TextOp, rewriter: PatternRewriter) -> None:
        new_ops = self.replacement(op)
        if new_ops is not None:
            rewriter.replace(op, new_ops)

    def replacement(self, op: TextOp) -> list[Operation] | None:
        """The ops to put in place of `op`, or None when it stays as it is."""
        text = op.text.data
        if len(text) < self.outliner.min_tokens or ("|" not in text and not _may_hold_flag_list(text)):
            return None  # too short to hold min-tokens tokens, or no table and no flag list
        skill = _skill_of(op)
        if (skill is None or _outlined_or_in_step(op) or not self.outliner.allowed(skill)
                or self.outliner.hides_finding(skill, [op])):
            return None
        body = text.encode("utf-8")
        spans = segment(body, from_start=True)
        marks = [self._reference_block(span, body) for span in spans]
        if not any(marks):
            return None
        pieces: list[tuple[bool, str, str]] = []  # (moved, text, what)
        for span, mark in zip(spans, marks, strict=True):
            text = body[span.start:span.end].decode("utf-8")
            if pieces and pieces[-1][0] == bool(mark):
                moved, prev, what = pieces[-1]
                pieces[-1] = (moved, prev + text, what if what == mark or not mark else "the full reference material")
            else:
                pieces.append((bool(mark), text, mark))
        new_ops: list[Operation] = []
        pending = ""
        for moved, text, what in pieces:
            if moved and self.outliner.may_move(skill, text):
                if pending:
                    new_ops.append(TextOp.create(properties={"text": StringAttr(pending)}))
                    pending = ""
                part = TextOp.create(properties={"text": StringAttr(text)})
                new_ops.append(self.outliner.wrap(skill, [part], text, _stem_near(op), what))
            else:
                pending += text
        if pending:
            new_ops.append(TextOp.create(properties={"text": StringAttr(pending)}))
        return new_ops if len(new_ops) > 1 or new_ops[0].__class__ is OutlinedOp else None

    @staticmethod
    def _reference_block(span: Span, body: bytes) -> str:
        """What the block is ("the full table" ...), or "" when it stays. Only a table or
        a list may move: the kind is checked before the text's words (the dearer test)."""
        kind = span.kind
        if kind != "table" and kind != "list":
            return ""
        text = body[span.start:span.end].decode("utf-8")
        if text.lstrip("\n")[:1] in (" ", "\t") or not movable_text(text):
            return ""
        if kind == "table" and is_reference_table(text):
            return "the full table"
        if kind == "list" and is_flag_list(span, body):
            return "the full option list"
        return ""


class OutlineLongExample(RewritePattern):
    """Move an example code block, or a `skill.example` block, that no step holds and
    that is at least `min-tokens` long."""

    def __init__(self, outliner: _Outliner):
        self.outliner = outliner

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        outlined = self.replacement(op)
        if outlined is not None:
            rewriter.replace(op, outlined)

    def replacement(self, op: Operation) -> OutlinedOp | None:
        """The `skill.outlined` op to put in place of `op`, or None when it stays."""
        if op.__class__ is CodeOp:
            if not is_example_code(op):
                return None
            moved = op.source_text()
            lang = op.lang.data.strip()
            what = f"the full {lang} example" if lang else "the full example"
        elif op.__class__ is ExampleOp:
            moved = op.text.data
            if not movable_text(moved):
                return None
            what = "the full example"
        else:
            return None
        skill = _skill_of(op)
        if (skill is None or _outlined_or_in_step(op) or not self.outliner.may_move(skill, moved)
                or self.outliner.hides_finding(skill, [op])):
            return None
        return self.outliner.wrap(skill, [op], moved, _stem_near(op), what)


# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineReferencesPass(ModulePass):
    """Move reference-only material (API and option tables, flag lists, long
    examples, reference sections) into `references/*.md`, leaving one-line pointers."""

    name = "outline-references"

    min_tokens: int = 150
    """A block, or a run of blocks, moves only when it is at least this many tokens
    (cl100k_base); smaller ones cost less in place than a pointer and a file read."""
    target_lines: int = 0
    """Stop once SKILL.md is at most this many lines, and leave shorter skills alone
    (the Agent Skills spec suggests 500); 0 moves everything that qualifies."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.min_tokens < 1 or self.target_lines < 0:
            raise SkillIRError(
                f"outline-references: min-tokens must be at least 1 and target-lines at least 0, "
                f"got min-tokens={self.min_tokens} target-lines={self.target_lines}",
                hint="e.g. -p 'outline-references{min-tokens=150 target-lines=500}'",
            )
        outliner = _Outliner(self.min_tokens, self.target_lines)
        # whole runs of reference sections first, then single blocks anywhere; each
        # pattern visits only the ops of its kind (a full rewrite walk over every op
        # cost more than the patterns themselves); a rewriter is made only for an op
        # that changes. One walk lists both: an op a rewrite removed (or one inside it)
        # is passed over, and the copies phase 1 puts in `skill.outlined` ops, which
        # the second phase would only find inside outlined material and leave, are not
        # listed
        ops = walk_ops(op)
        removed: set[Operation] = set()
        sections = OutlineReferenceSection(outliner)
        for section in [o for o in ops if o.__class__ is SectionOp]:
            if section not in removed:
                runs = sections.runs(section)
                if any(runs):
                    sections.move_runs(section, runs, _rewriter(section, removed))
        prose, examples = OutlineReferenceProse(outliner), OutlineLongExample(outliner)
        for block in [o for o in ops if o.__class__ in _BLOCKS]:
            if block not in removed:
                pattern = prose if block.__class__ is TextOp else examples
                new = pattern.replacement(block)
                if new is not None:
                    _rewriter(block, removed).replace(block, new)


def _rewriter(op: Operation, removed: set[Operation]) -> PatternRewriter:
    """A rewriter for `op` that adds each op it removes, and every op inside it, to
    `removed`."""
    rewriter = PatternRewriter(op)
    rewriter.operation_removal_handler.append(lambda gone: removed.update(walk_ops(gone)))
    return rewriter
